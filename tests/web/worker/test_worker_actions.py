"""Screens that fire triggers: refusals carry their reason, never a 500; nothing half-written."""

from tests.support.factories import add_user
from tests.support.worker import error_of, open_form, rows_written, send, settle_in, today
from workflow.cases import registration
from workflow.db import db
from workflow.models import Case
from workflow.process.engine import get_engine

RECEIVER = "清江社区党总支"


def fresh(case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


def handed_over(make, source="following", kind="resettle", external=None):
    case = make.case(source)
    get_engine().fire(case, "hand_over", make.user("demo-worker"), kind=kind,
                      to_unit=None if external else make.unit(RECEIVER), external=external)
    return case


# ------------------------------------------------------------------ 提交审核

def test_submit_lists_exactly_what_is_missing_and_changes_nothing(client, auth, make):
    case = make.case("visited")
    registration_ok = {"original_address": "商丘市梁园区平原路1号"}
    auth.login()
    send(client, f"/cases/{case.id}/registration", registration_ok)
    page = client.get(f"/cases/{case.id}/submit").get_data(as_text=True)
    assert "五必登：去向住址未填写" in page and "三个一：尚未发放联系卡" in page
    before = rows_written(case.id)
    response = send(client, f"/cases/{case.id}/submit", {})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for missing in ("五必登：去向住址未填写", "五必登：联系方式未填写", "五必登：工作单位/务工地未填写",
                    "五必登：组织关系未填写", "三个一：尚未发放联系卡", "三个一：尚未加入联络群"):
        assert f"<li>{missing}</li>" in page
    assert "五必登：原住址" not in page
    assert rows_written(case.id) == before and fresh(case).state == "visited"


def test_a_complete_case_is_submitted_and_then_frozen(client, auth, make):
    case = make.case("visited")
    make.complete_registration(case)
    auth.login()
    assert send(client, f"/cases/{case.id}/submit", {}).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "待审核" in page and "填写五必登" not in page and "登记信息已冻结" in page


def test_a_role_that_may_not_submit_is_told_why(client, auth, make):
    case = make.case("visited")
    add_user("admin-x", "admin", make.unit("白云街道党工委"))
    from tests.support.factories import PASSWORD
    admin = make.user("admin-x")
    admin.set_password(PASSWORD)
    db.session.commit()
    auth.login("admin-x")
    response = client.post(f"/cases/{case.id}/submit", data={"version": case.version})
    assert response.status_code == 403
    assert "您的角色（管理员）不能执行“提交审核”" in response.get_data(as_text=True)


# ------------------------------------------------------------------ 审核（督导在案件页）

def test_a_worker_posting_approve_is_refused_with_the_reason(client, auth, make):
    case = make.case("in_review")
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-trigger="approve"' not in page
    response = client.post(f"/cases/{case.id}/do/approve", data={"version": case.version})
    assert response.status_code == 403
    assert "您的角色（社区工作者）不能执行“审核通过”" in response.get_data(as_text=True)
    assert fresh(case).state == "in_review"


def test_send_back_needs_a_reason_and_then_shows_it(client, auth, make):
    case = make.case("in_review")
    auth.login("demo-supervisor")
    page = send(client, f"/cases/{case.id}/do/send_back", {"reason": "  "}).get_data(as_text=True)
    assert error_of(page, "reason") == "请填写原因" and fresh(case).state == "in_review"
    assert send(client, f"/cases/{case.id}/do/send_back", {"reason": "工作单位写得不具体"}).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert fresh(case).state == "visited" and "工作单位写得不具体" in page


def test_an_unknown_trigger_is_404(client, auth, make):
    case = make.case("following")
    auth.login()
    assert client.get(f"/cases/{case.id}/do/explode").status_code == 404
    assert client.get(f"/cases/{case.id}/do/contact").status_code == 404  # fired on its own screen


def test_a_stale_approve_is_a_conflict(client, auth, make):
    case = make.case("in_review")
    auth.login("demo-supervisor")
    version = open_form(client, f"/cases/{case.id}/do/approve")
    get_engine().fire(case, "send_back", make.user("lvyuan-supervisor"), reason="补充")
    response = client.post(f"/cases/{case.id}/do/approve", data={"version": version})
    assert response.status_code == 409 and "请刷新后重试" in response.get_data(as_text=True)
    assert fresh(case).state == "visited"


# ------------------------------------------------------------------ 搬迁

def test_move_out_dates_before_approval_or_in_the_future_are_refused(client, auth, make):
    case = make.case("registered")
    auth.login()
    page = send(client, f"/cases/{case.id}/do/move_out", {"moved_on": "2020-01-01"}).get_data(as_text=True)
    assert error_of(page, "moved_on").startswith("搬迁日期不能早于登记通过的日期")
    page = send(client, f"/cases/{case.id}/do/move_out", {"moved_on": "2999-01-01"}).get_data(as_text=True)
    assert error_of(page, "moved_on") == "搬迁日期不能晚于今天"
    assert fresh(case).state == "registered"
    assert send(client, f"/cases/{case.id}/do/move_out", {"moved_on": today()}).status_code == 302
    assert fresh(case).state == "following" and fresh(case).next_due_at is not None


# ------------------------------------------------------------------ 跟踪联系

def test_a_new_address_at_follow_up_becomes_a_new_destination_with_history(client, auth, make):
    case = make.case("following")
    old = registration.current_entries(case.id)["destination_address"].address
    auth.login()
    response = send(client, f"/cases/{case.id}/follow-up", {
        "kind": "visit", "outcome": "reached", "contacted_on": today(), "new_address": "商丘市睢阳区安置房5-502",
        "new_address_kind": "resettlement"})
    assert response.status_code == 302
    history = registration.history(case.id, "destination_address")
    assert [e.address for e in history[:2]] == ["商丘市睢阳区安置房5-502", old]
    assert history[0].source == "contact" and history[0].address_kind == "resettlement"
    assert "跟踪联系中更新" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_a_bad_new_phone_at_follow_up_saves_nothing(client, auth, make):
    case = make.case("following")
    before = rows_written(case.id)
    auth.login()
    response = send(client, f"/cases/{case.id}/follow-up", {
        "kind": "phone", "outcome": "reached", "contacted_on": today(), "new_phone": "010-1234",
        "notes": "换了新号"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and error_of(page, "new_phone") is not None
    assert "换了新号" in page and rows_written(case.id) == before


def test_the_third_miss_in_a_row_makes_the_case_lost_and_reconnect_brings_it_back(client, auth, make):
    case = make.case("following")
    auth.login()
    for _ in range(3):
        page = client.get(f"/cases/{case.id}").get_data(as_text=True)
        assert 'data-trigger="miss"' in page
        send(client, f"/cases/{case.id}/follow-up?outcome=not_reached",
             {"kind": "phone", "outcome": "not_reached", "contacted_on": today()})
    case = fresh(case)
    assert case.state == "lost"
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "连续第3次" in page and 'data-trigger="reconnect"' in page
    screen = client.get(f"/cases/{case.id}/follow-up?outcome=reached").get_data(as_text=True)
    assert "<h1>恢复联系</h1>" in screen
    send(client, f"/cases/{case.id}/follow-up", {"kind": "wechat", "outcome": "reached", "contacted_on": today()})
    assert fresh(case).state == "following" and fresh(case).miss_count == 0


def test_follow_up_before_the_move_is_refused_with_the_reason(client, auth, make):
    case = make.case("registered")
    auth.login()
    page = client.get(f"/cases/{case.id}/follow-up").get_data(as_text=True)
    assert "当前状态“已登记”不能执行“跟踪联系”" in page


# ------------------------------------------------------------------ 移交

def test_handover_needs_a_kind_and_exactly_one_receiver(client, auth, make):
    case = make.case("following")
    auth.login()
    url = f"/cases/{case.id}/handover"
    page = send(client, url, {}).get_data(as_text=True)
    assert error_of(page, "kind") == "请选择移交类型：回迁安置或组织关系转出"
    assert error_of(page, "to_unit_id") == "请选择接收单位，或填写系统外的接收地"
    page = send(client, url, {"kind": "transfer", "to_unit_id": make.unit(RECEIVER).id,
                              "external": "郑州某社区"}).get_data(as_text=True)
    assert error_of(page, "to_unit_id") == "请只填一项：系统内的接收单位，或系统外的接收地"
    assert 'value="郑州某社区"' in page and fresh(case).state == "following"


def test_own_and_higher_units_are_not_offered_as_receivers(client, auth, make):
    case = make.case("following")
    auth.login()
    page = client.get(f"/cases/{case.id}/handover").get_data(as_text=True)
    for name in ("白云街道党工委", "绿苑社区党总支", "绿苑小区楼院党支部"):
        assert f">{name}</option>" not in page
    assert f">{RECEIVER}</option>" in page
    own = make.unit("绿苑社区党总支")
    page = send(client, f"/cases/{case.id}/handover", {"kind": "resettle", "to_unit_id": own.id}
                ).get_data(as_text=True)
    assert error_of(page, "to_unit_id") == "请选择接收单位"


def test_the_sender_stays_responsible_until_the_receiver_accepts(client, auth, make):
    case = make.case("following")
    auth.login()
    assert send(client, f"/cases/{case.id}/handover",
                {"kind": "resettle", "to_unit_id": make.unit(RECEIVER).id, "reason": "回迁到清江"}).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "移交中·待对方接收" in page and 'data-trigger="contact"' in page and 'data-trigger="accept"' not in page
    response = client.post(f"/cases/{case.id}/do/accept", data={"version": fresh(case).version})
    assert response.status_code == 403 and "只有接收单位可以执行“接收”" in response.get_data(as_text=True)
    auth.logout()
    auth.login("qingjiang-worker")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-trigger="accept"' in page and 'data-trigger="reject"' in page
    assert 'data-trigger="contact"' not in page and "显示完整号码" not in page
    response = client.post(f"/cases/{case.id}/follow-up", data={
        "version": fresh(case).version, "kind": "phone", "outcome": "reached", "contacted_on": today()})
    assert response.status_code == 403 and "只有案件所属单位可以执行“跟踪联系”" in response.get_data(as_text=True)
    assert send(client, f"/cases/{case.id}/do/accept", {}).status_code == 302
    case = fresh(case)
    assert case.state == "received" and case.org_unit.name == RECEIVER
    assert case.worker.username == "qingjiang-worker"


def test_the_receiver_does_its_first_tasks_before_the_case_settles(client, auth, make):
    case = handed_over(make)
    get_engine().fire(case, "accept", make.user("qingjiang-worker"))
    auth.login("qingjiang-worker")
    listed = client.get("/").get_data(as_text=True)
    assert case.person.name in listed and "新接收·待首次联系" in listed  # new to this unit, with a deadline
    assert 'data-trigger="settle_in"' in client.get(f"/cases/{case.id}").get_data(as_text=True)
    page = send(client, f"/cases/{case.id}/do/settle_in", {}).get_data(as_text=True)
    assert "接收后尚未首次联系本人" in page and "三个一：尚未加入联络群" in page
    assert fresh(case).state == "received"
    assert send(client, f"/cases/{case.id}/follow-up", {
        "kind": "phone", "outcome": "reached", "contacted_on": today()}).status_code == 302
    assert send(client, f"/cases/{case.id}/group", {"group_name": "清江社区联络群", "joined_on": today()}).status_code == 302
    assert send(client, f"/cases/{case.id}/do/settle_in", {}).status_code == 302
    assert fresh(case).state == "resettled" and fresh(case).next_due_at is None


def test_reject_needs_a_reason_and_hands_the_case_back(client, auth, make):
    case = handed_over(make)
    auth.login("qingjiang-worker")
    page = send(client, f"/cases/{case.id}/do/reject", {"reason": ""}).get_data(as_text=True)
    assert error_of(page, "reason") == "请填写拒绝原因" and fresh(case).state == "handover"
    response = send(client, f"/cases/{case.id}/do/reject", {"reason": "此人不在本社区安置"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    case = fresh(case)
    assert case.state == "following" and case.last_reason == "此人不在本社区安置"
    assert client.get(f"/cases/{case.id}").status_code == 404


def test_an_external_receiver_is_closed_by_the_supervisor_with_its_receipt(client, auth, make):
    case = handed_over(make, kind="transfer", external="北京市丰台区某街道党工委")
    auth.login("demo-supervisor")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-trigger="record_receipt"' in page
    page = send(client, f"/cases/{case.id}/do/record_receipt", {"receipt_number": ""}).get_data(as_text=True)
    assert error_of(page, "receipt_number") == "请填写回执编号"
    assert send(client, f"/cases/{case.id}/do/record_receipt", {"receipt_number": "京丰回-2026-17"}
                ).status_code == 302
    case = fresh(case)
    assert case.state == "transferred" and case.receipt_number == "京丰回-2026-17"
    assert "京丰回-2026-17" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_a_receipt_for_a_receiver_inside_the_system_is_refused_with_the_reason(client, auth, make):
    case = handed_over(make)
    auth.login("demo-supervisor")
    response = send(client, f"/cases/{case.id}/do/record_receipt", {"receipt_number": "X-1"})
    assert response.status_code == 422
    assert "接收单位在本系统内，应由对方接收" in response.get_data(as_text=True)
    assert fresh(case).state == "handover"


def test_close_takes_an_optional_reason(client, auth, make):
    case = handed_over(make)
    get_engine().fire(case, "accept", make.user("qingjiang-worker"))
    settle_in(make, case)
    auth.login("qingjiang-worker")
    assert send(client, f"/cases/{case.id}/do/close", {}).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert fresh(case).state == "closed" and 'class="button action' not in page


def test_a_failed_attempt_while_lost_is_logged_and_the_case_stays_lost(client, auth, make):
    from sqlalchemy import func, select

    from workflow.models import ContactLog

    case = make.case("lost")
    before = db.session.scalar(select(func.count()).where(ContactLog.case_id == case.id))
    auth.login()
    response = send(client, f"/cases/{case.id}/follow-up", {
        "kind": "phone", "outcome": "not_reached", "contacted_on": today(), "notes": "电话仍无人接听"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    db.session.refresh(case)
    assert case.state == "lost"
    assert db.session.scalar(select(func.count()).where(ContactLog.case_id == case.id)) == before + 1
    assert "电话仍无人接听" in client.get(f"/cases/{case.id}").get_data(as_text=True)

"""The case page: 三个一 with dates, 五必登 statuses, one timeline, allowed buttons, masked data."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import make_app
from tests.support.factories import PASSWORD, add_user
from workflow.cases import registration
from workflow.db import db
from workflow.models import AuditEvent
from workflow.privacy import pii


def buttons(page):
    return re.findall(r'data-trigger="([a-z_]+)" href', page)


def test_three_ones_show_as_checkmarks_with_their_dates(client, auth, make):
    case = make.case("in_review")
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    for item in ("visit", "card", "group"):
        assert f'class="done" data-item="{item}"' in page
    day = case.visited_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert day in page and case.group_name in page
    fresh = make.case("identified")
    page = client.get(f"/cases/{fresh.id}").get_data(as_text=True)
    assert page.count('class="todo"') == 3 and "未发放" in page and "未加入" in page


def test_five_registers_show_complete_missing_and_invalid(client, auth, make):
    case = make.case("visited")
    registration.record(case, "original_address", make.user("demo-worker"), address="商丘市梁园区平原路1号")
    registration.record(case, "contact", make.user("demo-worker"), phone="1381234567", backup_name="张三",
                        backup_phone=make.mobile())
    db.session.commit()
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'class="reg reg-complete" data-item="original_address"' in page
    assert 'class="reg reg-invalid" data-item="contact"' in page and "手机号码无效" in page
    assert 'class="reg reg-missing" data-item="workplace"' in page
    assert page.count("缺失") >= 3 and "完整" in page and "无效" in page


def test_contacts_history_and_register_changes_make_one_timeline_newest_first(client, auth, make):
    case = make.case("following")
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    timeline = page[page.index('class="timeline"'):]
    titles = re.findall(r"<b>([^<]+)</b>", timeline)
    assert titles[-1] == "列入名单 → 待走访"
    assert "入户走访 · 已联系上" in titles and "搬迁 → 跟踪中" in titles
    assert any(t.startswith("五必登：") for t in titles)
    assert titles.index("搬迁 → 跟踪中") < titles.index("审核通过 → 已登记")


@pytest.mark.parametrize("state, username, expected", [
    ("identified", "demo-worker", ["visit"]),
    ("visited", "demo-worker", ["submit"]),
    ("in_review", "demo-worker", []),
    ("in_review", "demo-supervisor", ["approve", "send_back"]),
    ("registered", "demo-worker", ["move_out", "hand_over"]),
    ("following", "demo-worker", ["contact", "miss", "hand_over"]),
])
def test_only_the_buttons_the_engine_allows_are_shown(client, auth, make, state, username, expected):
    case = make.case(state)
    auth.login(username)
    assert buttons(client.get(f"/cases/{case.id}").get_data(as_text=True)) == expected


def test_phones_and_id_are_masked_until_revealed_on_purpose_and_audited(client, auth, make):
    case = make.case("registered")
    number = pii.decrypt(case.person.id_cipher)
    phone = registration.current_entries(case.id)["contact"].phone
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert number not in page and phone not in page
    assert case.person.id_masked in page and f"{phone[:3]}****{phone[-4:]}" in page
    assert "显示完整号码" in page
    assert client.get(f"/cases/{case.id}/reveal").status_code == 405  # a POST only
    refused = client.post(f"/cases/{case.id}/reveal", data={"reason": ""})
    assert refused.status_code == 422 and "请填写查看原因" in refused.get_data(as_text=True)
    assert number not in refused.get_data(as_text=True)
    page = client.post(f"/cases/{case.id}/reveal", data={"reason": "核对安置协议"}).get_data(as_text=True)
    assert number in page and phone in page
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                        AuditEvent.action == "reveal_id")).all()
    assert len(audit) == 1 and audit[0].user_id == make.user("demo-worker").id
    assert audit[0].detail["reason"] == "核对安置协议"
    stored = repr(audit[0].detail)
    assert number not in stored and number[-6:] not in stored and phone not in stored
    assert number not in client.get(f"/cases/{case.id}").get_data(as_text=True)  # shown once only


def test_a_role_not_allowed_to_reveal_gets_no_button_and_a_reasoned_403(client, auth, make):
    case = make.case("registered")
    secretary = add_user("sec-x", "secretary", make.unit("绿苑社区党总支"))
    secretary.set_password(PASSWORD)
    db.session.commit()
    auth.login("sec-x")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "显示完整号码" not in page
    response = client.post(f"/cases/{case.id}/reveal", data={"reason": "核对安置协议"})
    assert response.status_code == 403 and "您的角色不能查看完整身份证号" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("reveal%"))) is None


def test_english_is_available_on_the_case_page(client, auth, make):
    case = make.case("visited")
    auth.login()
    client.get("/lang/en")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Five registers" in page and "Contacts and history" in page and "To register" in page
    assert "五必登" not in page


def test_times_are_shown_in_shanghai_time(client, auth, make):
    from datetime import UTC, datetime
    case = make.case("identified")
    case.next_due_at = datetime(2030, 1, 1, 20, 30, tzinfo=UTC)
    db.session.commit()
    auth.login()
    assert "2030-01-02 04:30" in client.get(f"/cases/{case.id}").get_data(as_text=True)


@pytest.fixture
def csrf_client(database, tmp_path, monkeypatch):
    app = make_app(database, tmp_path, monkeypatch, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app, app.test_client()
        db.session.remove()
        db.engine.dispose()


def test_every_worker_form_carries_a_csrf_token_and_a_post_without_one_is_refused(csrf_client):
    app, client = csrf_client
    from tests.support.factories import Factory
    make = Factory(app)
    case = make.case("identified")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "demo-worker", "password": PASSWORD, "csrf_token": token})
    for url in ("/people/new", f"/cases/{case.id}/visit", f"/cases/{case.id}/registration",
                f"/cases/{case.id}/card", f"/cases/{case.id}/group", f"/cases/{case.id}"):
        assert 'name="csrf_token"' in client.get(url).get_data(as_text=True), url
    response = client.post(f"/cases/{case.id}/visit", data={"version": case.version, "outcome": "reached",
                                                             "met_with": "本人", "visited_on": "2026-01-01"})
    assert response.status_code == 400
    db.session.expire_all()
    assert case.state == "identified"


def test_a_member_can_opt_out_of_reminders_and_back_in(client, auth, make):
    member = make.case("following", member=True)
    resident = make.case("following", member=False)
    auth.login()
    page = client.get(f"/cases/{member.id}").get_data(as_text=True)
    assert "组织生活提醒" in page and "不再接收" in page
    assert "组织生活提醒" not in client.get(f"/cases/{resident.id}").get_data(as_text=True)
    client.post(f"/cases/{member.id}/member-reminders", data={"receive": "0"})
    db.session.refresh(member.person)
    assert member.person.reminder_opt_out is True
    assert "恢复接收" in client.get(f"/cases/{member.id}").get_data(as_text=True)
    client.post(f"/cases/{member.id}/member-reminders", data={"receive": "1"})
    db.session.refresh(member.person)
    assert member.person.reminder_opt_out is False
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "member_reminders")).all()
    assert [e.detail["receive"] for e in audit] == [False, True]
    refused = client.post(f"/cases/{resident.id}/member-reminders", data={"receive": "0"})
    assert refused.status_code == 403 and "组织生活提醒只发给党员" in refused.get_data(as_text=True)


def test_tap_to_call_dials_the_real_number_without_showing_it(client, auth, make):
    case = make.case("registered")
    phone = registration.current_entries(case.id)["contact"].phone
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/cases/{case.id}/call"' in page and phone not in page
    assert f"/cases/{case.id}/call" in client.get("/?view=all").get_data(as_text=True)
    response = client.get(f"/cases/{case.id}/call")
    assert response.status_code == 302 and response.location == f"tel:{phone}"
    bare = make.case("identified")  # no 联系方式 yet: back to the case with a message
    response = client.get(f"/cases/{bare.id}/call", follow_redirects=True)
    assert "未登记手机号码，无法拨打" in response.get_data(as_text=True)
    other = make.case("registered", unit="清江花园楼院党支部", worker="qingjiang-worker")
    assert client.get(f"/cases/{other.id}/call").status_code == 404

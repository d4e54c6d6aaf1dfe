"""The 三个一 and 五必登 screens: every error path writes nothing and keeps what was typed."""

from datetime import timedelta

from tests.support.worker import checked, error_of, open_form, rows_written, send, today
from workflow.cases import registration, services
from workflow.db import db
from workflow.models import Case


def fresh(case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


# ------------------------------------------------------------------ 入户走访

def test_visit_that_met_someone_moves_the_case_to_register(client, auth, make):
    case = make.case("identified")
    auth.login()
    response = send(client, f"/cases/{case.id}/visit",
                    {"visited_on": today(), "outcome": "reached", "met_with": "本人", "notes": "同意搬迁"})
    assert response.status_code == 302
    case = fresh(case)
    assert case.state == "visited" and case.visited_at is not None
    assert "已记录入户走访" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_a_visit_logged_days_later_starts_the_registration_deadline_on_its_day(client, auth, make):
    case = make.case("identified")
    case.state_entered_at -= timedelta(days=5)
    case.created_at = case.state_entered_at
    db.session.commit()
    from forms.fields import local_today
    day = local_today() - timedelta(days=3)
    auth.login()
    send(client, f"/cases/{case.id}/visit", {"visited_on": day.isoformat(), "outcome": "reached", "met_with": "本人"})
    case = fresh(case)
    local = __import__("zoneinfo").ZoneInfo("Asia/Shanghai")
    assert case.visited_at.astimezone(local).date() == day
    assert case.next_due_at.astimezone(local).date() == day + timedelta(days=7)


def test_visit_without_who_was_met_is_refused_and_keeps_the_notes(client, auth, make):
    case = make.case("identified")
    before = rows_written(case.id)
    auth.login()
    response = send(client, f"/cases/{case.id}/visit",
                    {"visited_on": today(), "outcome": "reached", "met_with": " ", "notes": "楼下邻居说在上班"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_of(page, "met_with") == "见到了谁？请填写见到的人"
    assert "楼下邻居说在上班" in page and checked(page, "outcome", "reached")
    assert rows_written(case.id) == before and fresh(case).state == "identified"


def test_visit_dates_in_the_future_or_malformed_are_refused(client, auth, make):
    case = make.case("identified")
    auth.login()
    tomorrow = (make.case("identified").created_at + timedelta(days=2)).date().isoformat()
    page = send(client, f"/cases/{case.id}/visit", {"visited_on": tomorrow, "outcome": "not_reached"}
                ).get_data(as_text=True)
    assert error_of(page, "visited_on") == "走访日期不能晚于今天"
    page = send(client, f"/cases/{case.id}/visit", {"visited_on": "2026-13-45", "outcome": "not_reached"}
                ).get_data(as_text=True)
    assert error_of(page, "visited_on") == "日期格式错误，应为“年-月-日”，如 2026-05-01"
    assert 'value="2026-13-45"' in page


def test_a_visit_nobody_answered_is_logged_and_the_case_stays(client, auth, make):
    case = make.case("identified")
    contacts_before = rows_written(case.id)[0]
    auth.login()
    response = send(client, f"/cases/{case.id}/visit", {"visited_on": today(), "outcome": "not_reached"})
    assert response.status_code == 302
    assert rows_written(case.id)[0] == contacts_before + 1 and fresh(case).state == "identified"


def test_a_stale_version_is_a_conflict_with_a_reload_and_nothing_saved(client, auth, make):
    case = make.case("identified")
    auth.login()
    url = f"/cases/{case.id}/visit"
    version = open_form(client, url)
    services.record_visit(case, make.user("lvyuan-supervisor"), contacted_at=case.created_at,
                          outcome="not_reached")  # someone else changed the case meanwhile
    before = rows_written(case.id)
    response = client.post(url, data={"version": version, "visited_on": today(), "outcome": "reached",
                                      "met_with": "本人", "notes": "第二次上门"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "该案件已被其他人修改，请刷新后重试" in page and f'href="{url}"' in page and "重新加载" in page
    assert "第二次上门" in page
    assert rows_written(case.id) == before and fresh(case).state == "identified"


def test_visit_screen_says_why_not_when_the_state_has_moved_on(client, auth, make):
    case = make.case("in_review")
    auth.login()
    page = client.get(f"/cases/{case.id}/visit").get_data(as_text=True)
    assert "当前状态“待审核”不能执行“入户走访”" in page and 'name="met_with"' not in page
    response = client.post(f"/cases/{case.id}/visit", data={"version": case.version, "visited_on": today(),
                                                             "outcome": "reached", "met_with": "本人"})
    assert response.status_code == 403


def test_screens_of_a_case_outside_the_subtree_are_404(client, auth, make):
    other = make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    auth.login()
    for screen in ("visit", "registration", "card", "card/print", "group", "submit", "follow-up",
                   "handover", "do/close"):
        response = client.get(f"/cases/{other.id}/{screen}")
        assert response.status_code == 404, screen
        assert other.person.name not in response.get_data(as_text=True)
    assert client.post(f"/cases/{other.id}/visit", data={"outcome": "reached"}).status_code == 404
    assert client.post(f"/cases/{other.id}/reveal").status_code == 404


# ------------------------------------------------------------------ 五必登

def test_a_partial_registration_is_saved_and_the_rest_shown_missing(client, auth, make):
    case = make.case("visited")
    auth.login()
    response = send(client, f"/cases/{case.id}/registration",
                    {"original_address": "商丘市梁园区平原路1号", "workplace": "某超市"})
    assert response.status_code == 302
    statuses = {item: status for item, status, _e, _p in registration.statuses(case.id)}
    assert statuses == {"original_address": "complete", "destination_address": "missing", "contact": "missing",
                        "workplace": "complete", "org_relation": "missing"}
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "五必登已保存，还有3项未完成" in page and page.count('class="reg reg-missing"') == 3


def test_a_bad_phone_saves_nothing_and_keeps_every_other_field(client, auth, make):
    case = make.case("visited")
    before = rows_written(case.id)
    auth.login()
    response = send(client, f"/cases/{case.id}/registration", {
        "original_address": "商丘市梁园区平原路1号", "phone": "1381234567", "backup_name": "李四",
        "backup_phone": "12345"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_of(page, "phone") == "手机号码无效：应为11位中国大陆手机号"
    assert error_of(page, "backup_phone") == "电话号码无效"
    assert 'value="商丘市梁园区平原路1号"' in page and 'value="1381234567"' in page and 'value="李四"' in page
    assert rows_written(case.id) == before


def test_backup_contact_missing_shows_the_contact_as_invalid(client, auth, make):
    case = make.case("visited")
    auth.login()
    send(client, f"/cases/{case.id}/registration", {"phone": make.mobile()})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'class="reg reg-invalid" data-item="contact"' in page and "缺少备用联系人" in page


def test_an_empty_phone_keeps_the_current_one_and_the_form_shows_it_masked(client, auth, make):
    case = make.case("visited")
    make.complete_registration(case)
    old = registration.current_entries(case.id)["contact"].phone
    auth.login()
    page = client.get(f"/cases/{case.id}/registration").get_data(as_text=True)
    assert old not in page and f"当前：{old[:3]}****{old[-4:]}" in page
    send(client, f"/cases/{case.id}/registration", {"backup_name": "新备用人"})
    contact = registration.current_entries(case.id)["contact"]
    assert contact.phone == old and contact.backup_name == "新备用人"
    assert len(registration.history(case.id, "contact")) == 2  # the old entry is kept


def test_registration_is_frozen_while_in_review(client, auth, make):
    case = make.case("in_review")
    before = rows_written(case.id)
    auth.login()
    page = client.get(f"/cases/{case.id}/registration").get_data(as_text=True)
    assert "案件处于“待审核”状态，登记信息已冻结，不能修改" in page and 'name="phone"' not in page
    response = client.post(f"/cases/{case.id}/registration",
                           data={"version": case.version, "original_address": "改过的地址"})
    assert response.status_code == 403 and "登记信息已冻结" in response.get_data(as_text=True)
    assert rows_written(case.id) == before


def test_the_service_itself_refuses_edits_of_a_frozen_case(make):
    case = make.case("in_review")
    import pytest

    from workflow.errors import NotAllowed
    with pytest.raises(NotAllowed, match="已冻结"):
        services.save_registration(case, make.user("demo-worker"), {"workplace": {"workplace": "x"}})
    with pytest.raises(NotAllowed, match="已冻结"):
        services.issue_card(case, make.user("demo-worker"))
    with pytest.raises(NotAllowed, match="已冻结"):
        services.join_group(case, make.user("demo-worker"), "群", case.created_at)


# ------------------------------------------------------------------ 联系卡、联络群

def test_the_card_is_recorded_and_its_printable_page_names_who_to_call(client, auth, make):
    case = make.case("visited")
    auth.login()
    page = client.get(f"/cases/{case.id}/card/print").get_data(as_text=True)
    branch, worker = case.org_unit, make.user("demo-worker")
    assert branch.name in page and branch.secretary_name in page and branch.secretary_phone in page
    assert worker.display_name in page and worker.phone in page
    assert "css/print.css" in page and "js/print.js" in page and "绿苑社区党总支" in page
    assert send(client, f"/cases/{case.id}/card", {"issued_on": today()}).status_code == 302
    assert fresh(case).card_issued_at is not None


def test_a_card_date_in_the_future_is_refused(client, auth, make):
    case = make.case("visited")
    auth.login()
    future = (case.created_at + timedelta(days=3)).date().isoformat()
    page = send(client, f"/cases/{case.id}/card", {"issued_on": future}).get_data(as_text=True)
    assert error_of(page, "issued_on") == "发放日期不能晚于今天"
    assert fresh(case).card_issued_at is None


def test_the_group_needs_its_name_and_is_shown_with_its_date(client, auth, make):
    case = make.case("visited")
    auth.login()
    page = send(client, f"/cases/{case.id}/group", {"group_name": "", "joined_on": today()}).get_data(as_text=True)
    assert error_of(page, "group_name") == "请填写联络群名称"
    assert fresh(case).group_joined_at is None
    page = send(client, f"/cases/{case.id}/group", {"group_name": "x" * 101, "joined_on": today()}
                ).get_data(as_text=True)
    assert error_of(page, "group_name") == "联络群名称不能超过100个字"
    send(client, f"/cases/{case.id}/group", {"group_name": "绿苑动迁群", "joined_on": today()})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "绿苑动迁群" in page and 'class="done" data-item="group"' in page

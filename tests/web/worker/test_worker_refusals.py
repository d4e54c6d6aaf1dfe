"""Across every screen: a stale form is a conflict, a step not allowed now says why; nothing is written."""

import pytest

from tests.support.worker import open_form, rows_written, settle_in, today
from workflow.db import db, utcnow
from workflow.models import Case
from workflow.process.engine import get_engine

RECEIVER = "清江社区党总支"


def _registered_visit(make):
    case = make.case("visited")
    make.complete_registration(case)
    return case


def _handed_over(make, external=None):
    case = make.case("following")
    get_engine().fire(case, "hand_over", make.user("demo-worker"), kind="resettle",
                      to_unit=None if external else make.unit(RECEIVER), external=external)
    return case


def _accepted(make):
    case = _handed_over(make)
    get_engine().fire(case, "accept", make.user("qingjiang-worker"))
    return settle_in(make, case)


# screen -> (make the case, who acts, valid data)
SCREENS = {
    "visit": (lambda m: m.case("identified"), "demo-worker",
              {"visited_on": today, "outcome": "reached", "met_with": "本人"}),
    "registration": (lambda m: m.case("visited"), "demo-worker", {"workplace": "某超市"}),
    "card": (lambda m: m.case("visited"), "demo-worker", {"issued_on": today}),
    "group": (lambda m: m.case("visited"), "demo-worker", {"group_name": "动迁群", "joined_on": today}),
    "submit": (_registered_visit, "demo-worker", {}),
    "do/approve": (lambda m: m.case("in_review"), "demo-supervisor", {}),
    "do/send_back": (lambda m: m.case("in_review"), "demo-supervisor", {"reason": "补充"}),
    "do/move_out": (lambda m: m.case("registered"), "demo-worker", {"moved_on": today}),
    "follow-up": (lambda m: m.case("following"), "demo-worker",
                  {"kind": "phone", "outcome": "reached", "contacted_on": today}),
    "handover": (lambda m: m.case("following"), "demo-worker", {"kind": "transfer", "external": "郑州某社区"}),
    "do/accept": (_handed_over, "qingjiang-worker", {}),
    "do/reject": (_handed_over, "qingjiang-worker", {"reason": "不属本社区"}),
    "do/record_receipt": (lambda m: _handed_over(m, "郑州某社区"), "demo-supervisor", {"receipt_number": "R-1"}),
    "do/close": (_accepted, "qingjiang-worker", {}),
}


def _data(values):
    return {k: (v() if callable(v) else v) for k, v in values.items()}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_form_opened_before_someone_else_changed_the_case_is_a_conflict(client, auth, make, screen):
    setup, username, data = SCREENS[screen]
    case = setup(make)
    auth.login(username)
    url = f"/cases/{case.id}/{screen}"
    version = open_form(client, url)
    case.updated_at = utcnow()  # someone else saved the case meanwhile
    db.session.commit()
    state, before = case.state, rows_written(case.id)
    response = client.post(url, data={"version": version, **_data(data)})
    page = response.get_data(as_text=True)
    assert response.status_code == 409, page
    assert "该案件已被其他人修改，请刷新后重试" in page and "重新加载" in page
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == state and rows_written(case.id) == before


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_same_forms_succeed_on_the_current_version(client, auth, make, screen):
    setup, username, data = SCREENS[screen]
    case = setup(make)
    auth.login(username)
    url = f"/cases/{case.id}/{screen}"
    response = client.post(url, data={"version": open_form(client, url), **_data(data)})
    assert response.status_code == 302, response.get_data(as_text=True)


REFUSED = ["visit", "registration", "card", "group", "submit", "follow-up", "handover",
           "do/approve", "do/move_out", "do/accept", "do/reject", "do/close"]


@pytest.mark.parametrize("screen", REFUSED)
def test_a_step_not_allowed_now_is_refused_with_its_reason(client, auth, make, screen):
    case = make.case("in_review")  # frozen, and nothing a worker may do
    auth.login()
    url = f"/cases/{case.id}/{screen}"
    shown = client.get(url)
    assert shown.status_code == 200 and 'name="version"' not in shown.get_data(as_text=True)
    before = rows_written(case.id)
    response = client.post(url, data={"version": case.version, "reason": "x", "outcome": "reached"})
    page = response.get_data(as_text=True)
    assert response.status_code == 403, page
    assert any(reason in page for reason in ("不能执行", "登记信息已冻结", "只有接收单位"))
    assert rows_written(case.id) == before

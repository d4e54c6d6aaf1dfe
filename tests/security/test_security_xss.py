"""Stored XSS and injection: hostile names, notes and addresses are kept and shown as plain text."""

import pytest
from sqlalchemy import func, select

from tests.support.security.payloads import PAYLOADS, is_markup, rendering_problems
from tests.support.security.probes import pages
from tests.support.security.world import sign_in
from workflow.cases import registration, services
from workflow.db import db, utcnow
from workflow.models import Case, ContactLog, Person, TransitionRecord
from workflow.process.engine import get_engine


def hostile_case(make, payload):
    """A case whose every free-text field holds the payload, carried to 待登记 after a send-back."""
    worker, supervisor = make.user("demo-worker"), make.user("demo-supervisor")
    case = services.list_person(worker, project=make.project(), org_unit=make.unit("绿苑小区楼院党支部"),
                                name=payload, id_number=make.id_number(), is_party_member=True)
    services.record_visit(case, worker, contacted_at=utcnow(), outcome="reached", met_with=payload, notes=payload)
    services.save_registration(case, worker, {
        "original_address": {"address": payload},
        "destination_address": {"address": payload, "address_kind": "transitional"},
        "contact": {"phone": make.mobile(), "backup_name": payload, "backup_phone": make.mobile()},
        "workplace": {"workplace": payload, "work_city": payload},
        "org_relation": {"org_unit_id": case.org_unit_id},
    })
    services.issue_card(case, worker)
    services.join_group(case, worker, payload, utcnow())
    get_engine().fire(case, "submit", worker)
    get_engine().fire(case, "send_back", supervisor, reason=payload)
    return case


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_stored_exactly_as_typed(app, make, payload):
    case = hostile_case(make, payload)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.person.name == payload.strip() and case.group_name == payload.strip()
    assert case.last_reason == payload
    log = db.session.scalar(select(ContactLog).where(ContactLog.case_id == case.id))
    assert (log.notes, log.met_with) == (payload, payload)
    entries = registration.current_entries(case.id)
    assert entries["original_address"].address == payload and entries["workplace"].workplace == payload
    assert entries["contact"].backup_name == payload
    assert db.session.scalar(select(TransitionRecord.reason).where(TransitionRecord.trigger == "send_back")) == payload
    assert db.session.scalar(select(func.count(Person.id))) == 1  # "DROP TABLE" did nothing


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_case_page_shows_hostile_text_as_text(app, client, make, payload):
    case = hostile_case(make, payload.strip())
    sign_in(client, make.user("demo-worker"))
    body = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert rendering_problems(body, [payload.strip()]) == []
    if "{{" in payload:
        assert "ssti" not in body.replace(payload.strip(), "")  # not evaluated as a template


@pytest.mark.heavy
def test_no_page_shows_hostile_text_as_markup(app, client, make):
    """Every page of the app (read from url_map), for a case full of every payload."""
    cases = [hostile_case(make, p.strip()) for p in PAYLOADS]
    for username in ("demo-worker", "demo-supervisor"):
        user = make.user(username)
        sign_in(client, user)
        for case in cases:
            for _rule, url, response in pages(app, client, user, case):
                if response.mimetype == "text/html":
                    raw = [p for p in PAYLOADS if is_markup(p) and p.strip() in response.get_data(as_text=True)]
                    assert raw == [], f"{username} {url}: raw {raw}"


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "'" in p or "--" in p] + ["%", "_", "\\", "\x00"])
def test_hostile_query_parameters_never_break_a_page(app, client, make, payload):
    user = make.user("demo-supervisor")
    sign_in(client, user)
    case = make.case("following")
    params = {name: payload for name in ("q", "name", "search", "state", "unit", "project", "sort", "page", "id")}
    for _rule, url, response in pages(app, client, user, case, query=params):
        assert response.status_code < 500, f"{url}?{params}"
        if response.mimetype == "text/html" and is_markup(payload):
            assert payload not in response.get_data(as_text=True), url


@pytest.mark.parametrize("payload", PAYLOADS[:5])
def test_the_login_form_keeps_a_hostile_username_as_text(client, payload):
    response = client.post("/login", data={"username": payload, "password": "x"})
    assert response.status_code == 200
    assert rendering_problems(response.get_data(as_text=True), [payload]) == []

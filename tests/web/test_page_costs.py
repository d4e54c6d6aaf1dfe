"""What every request and the case page cost stays fixed: statements sent, nothing written on a plain GET."""

import re
from datetime import timedelta

import time_machine
from flask_babel import refresh

from tests.bench.test_bench_fixes import statements
from tests.support.factories import add_user
from workflow.cases import registration, services
from workflow.db import db, utcnow
from workflow.models import Case


def _sent(client, path):
    """Return the statements a GET of path sends, from a fresh ORM session."""
    db.session.remove()
    with statements(full=True) as seen:
        assert client.get(path).status_code == 200
    return [sql for sql, _params in seen]


def test_case_page_sends_eight_statements_however_long_its_history_or_large_its_family(client, auth, make):
    from workflow.households import members

    short = make.case("identified")
    long = make.case("following")
    for i in range(3):  # more history rows, each by another actor
        helper = add_user(f"helper{i}", "worker", make.unit("绿苑社区党总支"))
        services.record_follow_up(db.session.get(Case, long.id), helper, kind="phone", outcome="reached",
                                  contacted_at=utcnow())
    family = [make.case("identified") for _ in range(4)]
    household = members.create_household(make.user("demo-worker"), family[0], number="LY-5")
    for case in family[1:]:
        members.add_member(make.user("demo-worker"), household, case)
    auth.login()
    counts = [len(_sent(client, f"/cases/{case_id}")) for case_id in (short.id, long.id, family[2].id)]
    # The session with its user and unit; the case with person, project, units and worker;
    # every 五必登 entry (the current ones among them); the history; the contacts; the household
    # card with all its members (workflow/reports/household.py). The bell's count comes with the
    # session. A party member adds two: the mobility with its clocks, and the 活动证.
    assert counts == [8, 8, 8]


def test_every_page_finds_session_user_and_unit_in_one_statement(client, auth, make):
    case_id = make.case("following").id
    auth.login()
    for path in ("/", f"/cases/{case_id}", "/inbox"):
        sent = _sent(client, path)
        assert len([sql for sql in sent if "FROM user_sessions" in sql]) == 1
        assert not [sql for sql in sent if sql.startswith("SELECT users.id")], path  # no user loaded apart


def test_a_plain_get_writes_nothing_and_sends_no_cookie(client, auth, make):
    case_id = make.case("following").id
    start = utcnow()
    with time_machine.travel(start, tick=False):
        auth.login()
        db.session.remove()
        with statements() as verbs:
            response = client.get(f"/cases/{case_id}")
        assert response.status_code == 200
        assert set(verbs) == {"SELECT"}
        assert not response.headers.getlist("Set-Cookie")  # the signed cookie is not re-sent unchanged
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_a_session_is_touched_once_a_minute_at_most(client, auth, make):
    case_id = make.case("following").id
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        auth.login()
        clock.shift(timedelta(minutes=5))
        writes, cookies = [], []
        for _ in range(3):
            db.session.remove()
            with statements() as verbs:
                response = client.get(f"/cases/{case_id}")
            assert response.status_code == 200
            writes.append(verbs.count("UPDATE"))
            cookies.append(len(response.headers.getlist("Set-Cookie")))
        # last_seen_at moves once, and the cookie's expiry with it; the time-outs count from there.
        assert writes == [1, 0, 0] and cookies == [1, 0, 0]


def test_timeline_names_who_did_what_and_the_unit_of_the_org_relation(client, auth, make):
    case = make.case("following")
    helper = add_user("helper-li", "worker", make.unit("绿苑社区党总支"), display_name="李助理")
    services.record_follow_up(db.session.get(Case, case.id), helper, kind="phone", outcome="reached",
                              contacted_at=utcnow())
    unit = make.unit("绿苑社区党总支")
    registration.record(db.session.get(Case, case.id), "org_relation", helper, org_unit_id=unit.id)
    db.session.commit()
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    timeline = page[page.index('class="timeline"'):]
    assert '<span class="actor">李助理</span>' in timeline
    registers = page[page.index('class="registers"'):page.index('class="timeline"')]
    assert f'<span class="reg-value">{unit.name}</span>' in registers


def test_timeline_titles_follow_the_language_of_each_request(client, auth, make):
    case_id = make.case("following").id
    auth.login()

    def titles():
        refresh()  # the test's app context outlives each request, and Flask-Babel caches the locale in it
        page = client.get(f"/cases/{case_id}").get_data(as_text=True)
        return re.findall(r"<b>([^<]+)</b>", page[page.index('class="timeline"'):])

    chinese = titles()
    client.get("/lang/en")
    english = titles()
    client.get("/lang/zh")
    assert titles() == chinese and chinese[-1] == "列入名单 → 待走访"
    assert len(english) == len(chinese) and not set(english) & set(chinese)

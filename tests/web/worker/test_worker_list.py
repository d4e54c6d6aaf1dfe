"""Today's work: the subtree's cases, most overdue first, filtered and keyset-paged."""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.support.worker import bulk_cases
from workflow.db import db, utcnow
from workflow.process.engine import get_engine
from workflow.reports import due_list


def names_in(page):
    return re.findall(r'<span class="name">([^<]+)</span>', page)


def due_in(case, days, base=None):
    case.next_due_at = (base or utcnow()) + timedelta(days=days)
    db.session.commit()
    return case


def test_most_overdue_comes_first_with_how_late_it_is(client, auth, make):
    late = due_in(make.case("identified"), -3)
    later = due_in(make.case("following"), 20)
    latest = due_in(make.case("visited"), -1)
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert names_in(page) == [late.person.name, latest.person.name, later.person.name]
    assert "逾期3天" in page and "逾期1天" in page and "还剩19天" in page
    assert "逾期2件" in page


def test_the_list_shows_state_deadline_project_and_masked_id_only(client, auth, make):
    case = make.case("visited")
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert "待登记" in page and case.project.name in page and case.org_unit.name in page
    assert case.person.id_masked in page
    from workflow.privacy import pii
    assert pii.decrypt(case.person.id_cipher) not in page


@pytest.mark.parametrize("lang, texts", [("zh", ("逾期3天", "还剩2天", "待走访", "待登记", "期限")),
                                         ("en", ("3 days late", "2 days left", "To visit", "To register", "Due"))])
def test_each_row_links_its_case_and_speaks_the_chosen_language(client, auth, make, lang, texts):
    late = due_in(make.case("identified"), -3)
    near = due_in(make.case("visited"), 2.5)
    auth.login()
    client.get(f"/lang/{lang}")  # one language per test: Babel keeps the locale for the app context
    page = client.get("/").get_data(as_text=True)
    assert [text for text in texts if text not in page] == []
    for case in (late, near):
        assert f'data-case="{case.id}">\n    <a href="/cases/{case.id}">' in page
        assert f"{case.org_unit.name} · {case.project.name}" in page


def test_other_subtrees_never_show(client, auth, make):
    other = make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    auth.login()
    for view in ("due", "soon", "all", "incoming"):
        assert other.person.name not in client.get(f"/?view={view}").get_data(as_text=True)


def test_soon_view_leaves_out_far_deadlines_and_all_view_adds_undated(client, auth, make):
    near = due_in(make.case("identified"), 2)
    far = due_in(make.case("following"), 25)
    undated = make.case("registered")
    auth.login()
    soon = names_in(client.get("/?view=soon").get_data(as_text=True))
    assert near.person.name in soon and far.person.name not in soon
    assert undated.person.name not in names_in(client.get("/").get_data(as_text=True))
    assert names_in(client.get("/?view=all").get_data(as_text=True))[-1] == undated.person.name


def test_filters_by_state_unit_and_project(client, auth, make):
    a = make.case("identified", unit="绿苑1号楼党小组", project=0)
    b = make.case("following", unit="机务段家属院党支部", project=1)
    auth.login()
    assert names_in(client.get("/?state=following").get_data(as_text=True)) == [b.person.name]
    unit = make.unit("绿苑1号楼党小组")
    assert names_in(client.get(f"/?unit={unit.id}").get_data(as_text=True)) == [a.person.name]
    assert names_in(client.get(f"/?project={make.project(1).id}").get_data(as_text=True)) == [b.person.name]


def test_a_unit_outside_the_subtree_in_the_filter_is_ignored(client, auth, make):
    mine = make.case("identified")
    theirs = make.case("identified", unit="清江花园楼院党支部", worker="qingjiang-worker")
    auth.login()
    page = client.get(f"/?unit={make.unit('清江社区党总支').id}").get_data(as_text=True)
    assert mine.person.name in names_in(page) and theirs.person.name not in page


def test_keyset_pages_cover_every_case_once_in_deadline_order(app, client, auth, make):
    app.config["CASES_PER_PAGE"] = 3
    base = utcnow()  # equal deadlines: the id breaks the tie
    cases = [due_in(make.case("identified"), days, base) for days in (-5, -5, -2, 1, 3, 3, 9)]
    cases += [make.case("registered"), make.case("registered")]
    auth.login()
    seen, url = [], "/?view=all"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += names_in(page)
        found = re.search(r'rel="next" href="([^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    expected = sorted(cases[:-2], key=lambda c: (c.next_due_at, c.id)) + cases[-2:]
    assert seen == [c.person.name for c in expected]


def test_a_damaged_page_cursor_shows_the_first_page(client, auth, make):
    case = make.case("identified")
    auth.login()
    response = client.get("/?after=garbage")
    assert response.status_code == 200 and case.person.name in response.get_data(as_text=True)


def test_incoming_handovers_show_in_the_receivers_list_only(client, auth, make):
    case = make.case("following")
    get_engine().fire(case, "hand_over", make.user("demo-worker"), kind="resettle",
                      to_unit=make.unit("清江社区党总支"))
    auth.login("qingjiang-worker")
    page = client.get("/").get_data(as_text=True)
    assert "有1件移交等待本单位接收" in page and case.person.name not in names_in(page)
    assert names_in(client.get("/?view=incoming").get_data(as_text=True)) == [case.person.name]
    auth.logout()
    auth.login()  # the sender still carries it, as waiting on the receiver: not its own work
    page = client.get("/").get_data(as_text=True)
    assert case.person.name not in names_in(page) and "另有1件等待他人" in page
    assert names_in(client.get("/?view=waiting").get_data(as_text=True)) == [case.person.name]
    assert names_in(client.get("/?view=incoming").get_data(as_text=True)) == []


def plan_of(query, backend):
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if backend == "sqlite":
        return " ".join(str(r) for r in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    return " ".join(r[0] for r in db.session.execute(text("EXPLAIN " + sql)))


@pytest.mark.parametrize("args", [{}, {"state": "following"}, {"project": "1"}, {"view": "soon"}],
                         ids=["due", "state", "project", "soon"])
def test_page_queries_read_an_index_not_the_table(app, make, backend, args):
    from sqlalchemy import select

    from workflow.models import Case
    user = make.user("demo-worker")
    with app.test_request_context(query_string=args):
        filters = due_list.parse_filters(__import__("flask").request.args, user)
        where = due_list.conditions(user, filters, utcnow())
        plan = plan_of(select(Case.id).where(*where).order_by(Case.next_due_at, Case.id).limit(51), backend)
    if backend == "sqlite":
        assert "SEARCH cases USING" in plan and "SCAN cases" not in plan
    else:
        assert "Index" in plan and "Seq Scan on cases" not in plan


def test_today_list_stays_fast_with_100000_cases(client, auth, make, backend):
    bulk_cases(100_000, utcnow())
    auth.login("demo-supervisor")  # the whole district
    timings = {}
    url = "/"
    for step in range(4):
        started = time.perf_counter()
        page = client.get(url).get_data(as_text=True)
        timings[step] = time.perf_counter() - started
        assert len(names_in(page)) == 50
        url = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    for args in ("?state=following", "?project=2", "?view=all&state=closed", "?view=soon"):
        started = time.perf_counter()
        assert client.get("/" + args).status_code == 200
        timings[args] = time.perf_counter() - started
    # Generous bounds for a shared 2-core machine; typical runs take 20-60 ms.
    assert max(timings.values()) < 1.5, timings


def test_cases_waiting_on_others_are_listed_apart_and_not_counted_overdue(client, auth, make, backend):
    mine = make.case("identified")
    review = make.case("in_review")
    for case in (mine, review):
        case.next_due_at = case.next_due_at - timedelta(days=30)
    db.session.commit()
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert names_in(page) == [mine.person.name]
    assert "逾期1件" in page and "另有1件等待他人" in page
    waiting = client.get("/?view=waiting").get_data(as_text=True)
    assert names_in(waiting) == [review.person.name] and "due-waiting" in waiting
    auth.logout()
    auth.login("lvyuan-supervisor")  # the reviewer: the review is their work, not a wait
    assert review.person.name in names_in(client.get("/").get_data(as_text=True))


def test_a_deadline_of_another_year_shows_its_year(client, auth, make):
    case = make.case("identified")
    last_year = utcnow().year - 1
    case.next_due_at = case.next_due_at.replace(year=last_year, month=6, day=24, hour=12, minute=13)
    db.session.commit()
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert f"{last_year}-06-24" in page and "06-24 20:13" not in page

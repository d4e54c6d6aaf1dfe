"""The supervisor's dashboard: numbers hand-computed on seeded cases, links to exactly those cases."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select, text

from workflow.db import db
from workflow.models import Case
from workflow.reports import dashboard
from workflow.reports.filters import bucket_conditions, bucket_range, days_late
from workflow.reports.rollup import subtree_units

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)

# (unit, state, due in days from NOW: negative = overdue, None = keep none)
SEED = [
    ("绿苑小区楼院党支部", "identified", -3),
    ("绿苑小区楼院党支部", "visited", -10),
    ("绿苑1号楼党小组", "following", -2),
    ("绿苑小区楼院党支部", "following", 5),
    ("机务段家属院党支部", "lost", -40),
    ("清江花园楼院党支部", "in_review", -31),
    ("清江花园楼院党支部", "identified", -35),
    ("清江花园3号楼党小组", "registered", None),
    ("机械厂家属院党支部", "identified", 2),
]
WORKERS = {"绿": "demo-worker", "机务": "demo-worker", "清": "qingjiang-worker", "机械": "qiancheng-worker"}


def _worker(unit):
    return next(w for prefix, w in WORKERS.items() if unit.startswith(prefix))


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def seeded(make, frozen):
    """The cases of SEED, each with its deadline set explicitly; returned in SEED order."""
    cases = []
    for unit, state, due in SEED:
        case = make.case(state, unit=unit, worker=_worker(unit))
        case.next_due_at = None if due is None else NOW + timedelta(days=due)
        cases.append(case)
    db.session.commit()
    return cases


def test_buckets_count_every_started_day_late():
    assert days_late(NOW - timedelta(hours=5), NOW) == 1
    assert days_late(NOW - timedelta(days=7), NOW) == 7
    assert days_late(NOW - timedelta(days=7, seconds=1), NOW) == 8
    assert days_late(NOW, NOW) == 0
    due_from, due_before = bucket_range("1-7", NOW)
    assert (due_from, due_before) == (NOW - timedelta(days=7), NOW)
    assert bucket_range("8-30", NOW) == (NOW - timedelta(days=30), NOW - timedelta(days=7))
    assert bucket_range("gt30", NOW) == (None, NOW - timedelta(days=30))


def test_street_totals_match_hand_computed_numbers(seeded, make):
    board = dashboard.build(make.user("demo-supervisor"), NOW)
    t = board.totals
    assert (t["1-7"], t["8-30"], t["gt30"], t["overdue"], t["total"]) == (2, 1, 3, 6, 9)
    assert (t["identified"], t["visited"], t["in_review"], t["following"], t["lost"], t["registered"]) == (3, 1, 1, 2, 1, 1)


def test_rows_are_communities_and_branches_worst_first(seeded, make):
    rows = dashboard.build(make.user("demo-supervisor"), NOW).rows
    names = [(r.depth, r.unit.name) for r in rows]
    # 清江 (two cases over 30 days) before 绿苑 (one); inside 绿苑, 机务段 (one over 30 days)
    # before 绿苑小区 even though it comes later in the tree; empty units keep tree order.
    assert names == [
        (0, "清江社区党总支"), (1, "清江花园楼院党支部"),
        (0, "绿苑社区党总支"), (1, "机务段家属院党支部"), (1, "绿苑小区楼院党支部"),
        (0, "前程社区党总支"), (1, "机械厂家属院党支部"),
        (0, "在京务工创业人员党支部"),
    ]
    by_name = {r.unit.name: r.numbers for r in rows}
    lvyuan = by_name["绿苑社区党总支"]
    assert (lvyuan["1-7"], lvyuan["8-30"], lvyuan["gt30"], lvyuan["overdue"], lvyuan["total"]) == (2, 1, 1, 4, 5)
    courtyard = by_name["绿苑小区楼院党支部"]  # includes its building group's case
    assert (courtyard["1-7"], courtyard["8-30"], courtyard.get("gt30"), courtyard["total"]) == (2, 1, 0, 4)
    assert by_name["清江花园楼院党支部"]["gt30"] == 2 and by_name["清江花园楼院党支部"]["total"] == 3
    assert by_name["机械厂家属院党支部"].get("overdue", 0) == 0 and by_name["机械厂家属院党支部"]["total"] == 1
    assert by_name["在京务工创业人员党支部"] == {}


def test_most_overdue_lists_the_oldest_deadline_first(seeded, make):
    worst = dashboard.most_overdue(make.user("demo-supervisor"), NOW)
    assert [row[0].id for row in worst] == [seeded[i].id for i in (4, 6, 5, 1, 0, 2)]


def _links(page):
    """Return [(href, number)] of every count link on a page."""
    return [(href.replace("&amp;", "&"), int(n))
            for href, n in re.findall(r'<a class="num" href="([^"]+)">(\d+)</a>', page)]


def _listed(client, href):
    page = client.get(href).get_data(as_text=True)
    return {int(i) for i in re.findall(r'data-case-id="(\d+)"', page)}


def test_every_number_on_the_dashboard_links_to_exactly_that_many_cases(client, auth, seeded):
    auth.login("demo-supervisor")
    page = client.get("/supervisor/").get_data(as_text=True)
    links = _links(page)
    assert len(links) > 30
    for href, number in links:
        assert len(_listed(client, href)) == number, href


def test_bucket_link_lists_exactly_the_cases_of_that_bucket(client, auth, make, seeded):
    auth.login("demo-supervisor")
    street = make.unit("白云街道党工委").id
    assert _listed(client, f"/supervisor/cases?unit={street}&overdue=gt30") == {seeded[i].id for i in (4, 5, 6)}
    assert _listed(client, f"/supervisor/cases?unit={street}&overdue=1-7") == {seeded[0].id, seeded[2].id}
    lvyuan = make.unit("绿苑社区党总支").id
    assert _listed(client, f"/supervisor/cases?unit={lvyuan}&overdue=any") == {seeded[i].id for i in (0, 1, 2, 4)}


def test_dashboard_shows_the_chart_hooks_and_the_numbers(client, auth, seeded):
    auth.login("demo-supervisor")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert 'data-table="overdue-table"' in page and "js/chart.js" in page
    assert "逾期情况" in page and "联系健康度" in page and "30天以上" in page
    assert seeded[4].person.name in page  # the worst case is listed by name


def test_community_supervisor_sees_only_own_community(client, auth, make, seeded):
    auth.login("lvyuan-supervisor")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert "清江" not in page and "前程" not in page
    assert seeded[0].person.name in page or "绿苑小区楼院党支部" in page
    board = dashboard.build(make.user("lvyuan-supervisor"), NOW)
    assert board.totals["total"] == 5 and board.totals["overdue"] == 4
    sibling = make.unit("清江社区党总支").id
    response = client.get(f"/supervisor/cases?unit={sibling}")
    assert response.status_code == 404
    assert seeded[5].person.name not in response.get_data(as_text=True)


def test_unknown_filter_values_are_404(client, auth):
    auth.login("demo-supervisor")
    for query in ("state=nonsense", "overdue=99", "unit=abc", "unit=99999", "worker=99999", "project=99999"):
        assert client.get(f"/supervisor/cases?{query}").status_code == 404, query


SUPERVISOR_PAGES = ["/supervisor/", "/supervisor/cases", "/supervisor/review", "/supervisor/roster",
                    "/supervisor/process", "/supervisor/audit"]


@pytest.mark.parametrize("username", ["demo-worker", "beijing-secretary"])
def test_other_roles_get_403_on_every_supervisor_page(client, auth, username):
    auth.login(username)
    for url in SUPERVISOR_PAGES:
        assert client.get(url).status_code == 403, url
    for url in ("/supervisor/review/approve", "/supervisor/cases/reassign", "/supervisor/ledger.xlsx",
                "/supervisor/roster", "/supervisor/review/1/send-back", "/supervisor/roster/1/confirm"):
        assert client.post(url).status_code == 403, url
    assert "督导工作台" not in client.get("/").get_data(as_text=True)


def test_supervisor_sees_the_workbench_link_and_every_page(client, auth):
    auth.login("demo-admin")
    assert "督导工作台" in client.get("/").get_data(as_text=True)
    for url in SUPERVISOR_PAGES:
        assert client.get(url).status_code == 200, url


def test_anonymous_visitor_is_sent_to_login_from_supervisor_pages(client):
    response = client.get("/supervisor/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_dashboard_is_english_when_chosen(client, auth, seeded):
    auth.login("demo-supervisor")
    client.get("/lang/en")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert "Overdue" in page and "Link health" in page


def _plan(statement, backend):
    sql = str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:
        if backend == "sqlite":
            return " ".join(str(r) for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
        conn.execute(text("SET enable_seqscan = off"))
        return " ".join(r[0] for r in conn.execute(text("EXPLAIN " + sql)))


def test_dashboard_counts_come_from_the_covering_indexes(app, make, backend):
    street = make.unit("白云街道党工委")
    by_state = dashboard._by_unit_and_state(street)
    overdue = select(Case.org_unit_id, func.count()).where(
        Case.org_unit_id.in_(subtree_units(street)), *bucket_conditions("gt30", NOW)).group_by(Case.org_unit_id)
    if backend == "sqlite":
        assert "COVERING INDEX ix_cases_unit_state_due" in _plan(by_state, backend)
        assert "COVERING INDEX ix_cases_unit_due" in _plan(overdue, backend)
    else:  # on an empty table PostgreSQL may pick any index on org_unit_id for the second
        assert "Index Only Scan using ix_cases_unit_state_due" in _plan(by_state, backend)
        assert "Index Cond: (org_unit_id = org_units.id)" in _plan(overdue, backend)

"""What the benchmarks pointed at stays fixed: indexed subtrees, constant queries per page, one UPDATE per step."""

import contextlib

from sqlalchemy import event, select, text

from tests.factories import add_user
from workflow import services
from workflow.db import db, utcnow
from workflow.models import Case


@contextlib.contextmanager
def statements(full=False):
    """Collect the SQL verbs (or whole statements with their parameters) sent while the block runs."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters) if full else statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_subtree_queries_use_the_path_index_on_the_apps_connections(app, backend):
    if backend != "sqlite":
        return  # PostgreSQL uses text_pattern_ops: tests/test_schema.py checks its plan
    page_ids = select(Case.id).where(Case.org_path.like("/1/2/%"), Case.next_due_at.is_not(None)) \
        .order_by(Case.next_due_at, Case.id).limit(51)
    sql = str(page_ids.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = " ".join(str(row) for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_cases_org_path_due" in plan and "org_path>" in plan


def test_a_follow_up_is_one_update_and_one_version_step(make):
    case = make.case("following")
    version = case.version
    worker = make.user("demo-worker")
    with statements() as seen:
        services.record_follow_up(case, worker, kind="phone", outcome="reached", contacted_at=utcnow())
    assert seen.count("UPDATE") == 1
    assert case.version == version + 1


def test_case_page_queries_do_not_grow_with_its_history(client, auth, make):
    short = make.case("in_review")
    long = make.case("following")
    others = [add_user(f"helper{i}", "worker", make.unit("绿苑社区党总支")) for i in range(3)]
    for helper in others:  # more history rows, each by another actor
        case = db.session.get(Case, long.id)
        services.record_follow_up(case, helper, kind="phone", outcome="reached", contacted_at=utcnow())
    auth.login()
    counts = []
    for case_id in (short.id, long.id):
        db.session.remove()
        with statements() as seen:
            assert client.get(f"/cases/{case_id}").status_code == 200
        counts.append(seen.count("SELECT"))
    assert counts[0] == counts[1] <= 10  # person, units, 五必登, three timeline queries, session...


def test_due_list_reads_its_page_from_the_index_and_its_queries_stay_constant(client, auth, make, backend):
    auth.login()
    make.case("identified")
    counts = []
    for _round in range(2):
        db.session.remove()
        with statements(full=True) as seen:
            assert client.get("/").status_code == 200
        counts.append(len(seen))
        for _ in range(5):
            make.case("visited")
    # Session, user, the inbox badge; the page's ids, its rows; the counts with the handovers
    # waiting (one statement); the filter form's units and projects: 8, whatever the cases.
    # Unset filters are not looked up.
    assert counts[0] == counts[1] <= 8
    if backend == "sqlite":  # the page's ids come from the covering index, not from sorted joined rows
        rows_sql, params = next((sql, p) for sql, p in seen
                                if sql.startswith("SELECT cases.id") and "ORDER BY cases.next_due_at" in sql)
        plan = " ".join(str(r) for r in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + rows_sql,
                                                                               params))
        assert "COVERING INDEX ix_cases_org_path_due" in plan


def test_due_list_rows_are_plain_rows_not_case_objects(client, auth, make):
    for state in ("identified", "visited", "following"):
        make.case(state)
    auth.login()
    loaded = []

    def record(target, context):
        loaded.append(target)

    event.listen(Case, "load", record)
    try:
        with statements(full=True) as seen:
            page = client.get("/?view=all").get_data(as_text=True)
    finally:
        event.remove(Case, "load", record)
    assert page.count('class="case-row') == 3
    assert loaded == []  # a whole Case is 27 columns and 10 UTC conversions; the list shows 3
    rows_sql = next(sql for sql, _params in seen if sql.startswith("SELECT cases.id, cases.state"))
    assert "cases.version" not in rows_sql and "cases.person_id," not in rows_sql

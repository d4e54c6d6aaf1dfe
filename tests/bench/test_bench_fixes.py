"""What the benchmarks pointed at stays fixed: indexed subtrees, constant queries per page, one UPDATE per step."""

import contextlib

from sqlalchemy import event, select, text

from tests.support.factories import add_user
from workflow.cases import services
from workflow.db import db, utcnow
from workflow.models import Case, TransitionRecord, User
from workflow.process.engine import get_engine


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


def _loaded(case_id, username):
    """A fresh session holding the user (with unit) and the case as a request would load them."""
    db.session.commit()
    db.session.expunge_all()
    user = db.session.scalar(select(User).where(User.username == username))
    return user, services.load_case(case_id, user)


def test_a_transition_sends_its_update_then_its_history_row_past_the_unit_of_work(make):
    case_id = make.case("in_review").id
    supervisor, case = _loaded(case_id, "demo-supervisor")
    pending = []
    event.listen(db.session(), "before_flush", lambda session, *_: pending.extend(session.new))
    with statements() as seen:
        record = get_engine().fire(case, "approve", supervisor)
    # The versioned UPDATE, the history INSERT, nothing else: no reload, no lazy load.
    assert seen == ["UPDATE", "INSERT"]
    assert pending == []  # the history row is a Core INSERT, not a pending object to flush
    db.session.expire_all()
    row = db.session.get(TransitionRecord, record.id)
    assert row is record and (row.trigger, row.to_state, row.actor) == ("approve", "registered", supervisor)


def test_a_follow_up_writes_its_contact_log_and_history_past_the_unit_of_work(make):
    case_id = make.case("following").id
    worker, case = _loaded(case_id, "demo-worker")
    pending = []
    event.listen(db.session(), "before_flush", lambda session, *_: pending.extend(session.new))
    with statements() as seen:
        log = services.record_follow_up(case, worker, kind="phone", outcome="reached", contacted_at=utcnow())
    assert seen == ["INSERT", "UPDATE", "INSERT"]  # contact log, the case (versioned), its history row
    assert pending == []
    db.session.expire_all()
    history = db.session.scalars(select(TransitionRecord).where(TransitionRecord.case_id == case_id)
                                 .order_by(TransitionRecord.id.desc())).first()
    assert (history.trigger, history.data) == ("contact", {"contact_id": log.id})
    assert (log.case_id, log.outcome, log.user) == (case_id, "reached", worker)


def test_load_case_is_one_select_that_brings_the_person(make):
    case_id = make.case("following").id
    with statements() as seen:
        user, case = _loaded(case_id, "demo-worker")
        assert case.person.name
    assert seen == ["SELECT", "SELECT"]  # the user with its unit, the case with its person


def test_a_rolled_back_history_row_leaves_no_object_in_the_way(make):
    first, second = make.case("in_review"), make.case("in_review")
    supervisor = make.user("demo-supervisor")
    lost = get_engine().fire(first, "send_back", supervisor, reason="补充工作单位", commit=False)
    db.session.rollback()  # SQLite hands the next history row the same id again
    record = get_engine().fire(second, "approve", supervisor)
    assert lost is not record
    assert db.session.scalars(select(TransitionRecord.case_id).where(TransitionRecord.case_id.in_(
        [first.id, second.id]), TransitionRecord.trigger.in_(["send_back", "approve"]))).all() == [second.id]
    assert (record.case_id, record.to_state) == (second.id, "registered")


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
    # waiting (one statement); the filter form's units and projects; the registered mobile members'
    # deadlines (流动党员事项): 9, whatever the cases.
    # Unset filters are not looked up.
    assert counts[0] == counts[1] <= 9
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

"""Each backend's connection settings: a rollback undoes every write, and on PostgreSQL the
statements of a transaction that only read stay prepared for the next one (workflow/db.py)."""

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import OperationalError, ProgrammingError

from workflow.db import db
from workflow.models import Case


def _group(case_id):
    db.session.expire_all()
    return db.session.scalar(select(Case.group_name).where(Case.id == case_id))


def test_a_rolled_back_write_is_undone(app, make):
    case = make.case("visited")
    before = _group(case.id)
    db.session.execute(update(Case).where(Case.id == case.id).values(group_name="不该留下的群"))
    assert _group(case.id) == "不该留下的群"  # the transaction sees its own write...
    db.session.rollback()
    assert _group(case.id) == before  # ...and the rollback takes it back


def test_a_write_after_reads_is_still_rolled_back(app, make):
    case = make.case("visited")
    before = _group(case.id)
    for _ in range(7):  # enough reads for the statement to be prepared on PostgreSQL
        _group(case.id)
    case.group_name = "也不该留下"
    db.session.flush()
    db.session.rollback()
    assert _group(case.id) == before


def test_a_failed_statement_rolls_back_and_the_session_goes_on(app, make):
    case = make.case("visited")
    before = _group(case.id)
    db.session.execute(update(Case).where(Case.id == case.id).values(group_name="失败前写的"))
    with pytest.raises((ProgrammingError, OperationalError), match="no_such_table"):
        db.session.execute(text("SELECT * FROM no_such_table"))
    db.session.rollback()
    assert _group(case.id) == before


def test_statements_of_a_read_only_transaction_stay_prepared(app, backend, make):
    if backend != "postgresql":
        pytest.skip("psycopg's server-side prepared statements are PostgreSQL's")
    case = make.case("visited")
    statement = select(Case.state).where(Case.id == case.id)
    with db.engine.connect() as conn:
        for _ in range(6):  # psycopg prepares a statement at its fifth run
            assert conn.execute(statement).scalar() == "visited"
            conn.rollback()  # what the end of every request does
        prepared = conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
        assert any("FROM cases" in s and "cases.state" in s for s in prepared), prepared
        # A transaction that wrote is really rolled back, and then nothing stays prepared.
        conn.execute(update(Case).where(Case.id == case.id).values(group_name="回滚掉"))
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar() == 0
        assert conn.execute(select(Case.group_name).where(Case.id == case.id)).scalar() != "回滚掉"


def test_a_select_with_a_cte_is_a_read_and_a_cte_write_is_not(app, backend, make):
    """WITH ... SELECT from select() keeps the statements; WITH in text, or a write with a
    CTE, is rolled back for real (workflow/db.py: _reads_only)."""
    if backend != "postgresql":
        pytest.skip("psycopg's server-side prepared statements are PostgreSQL's")
    case = make.case("visited")
    ids = select(Case.id).where(Case.id == case.id).cte("ids")
    statement = select(Case.state).where(Case.id.in_(select(ids.c.id)))
    with db.engine.connect() as conn:
        for _ in range(6):
            assert conn.execute(statement).scalar() == "visited"
            conn.rollback()
        prepared = conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
        assert any(s.startswith("WITH ids AS") for s in prepared), prepared
        renamed = update(Case).where(Case.id.in_(select(ids.c.id))).values(group_name="CTE写的")
        conn.execute(renamed)
        conn.rollback()
        assert conn.execute(select(Case.group_name).where(Case.id == case.id)).scalar() != "CTE写的"
        conn.execute(text("WITH x AS (SELECT 1) UPDATE cases SET group_name = 'text写的'"))
        conn.rollback()
        assert conn.execute(select(func.count()).where(Case.group_name == "text写的")).scalar() == 0

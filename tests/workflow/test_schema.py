"""The migrations build the schema the models describe, with the SQLite settings we rely on."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from workflow.db import db
from workflow.models import Case
from workflow.subtree import under


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(app, backend):
    if backend != "sqlite":
        assert db.engine.dialect.name == "postgresql"
        return
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def _plan(statement, backend):
    """The database's plan of statement (with its values in the text), as one string."""
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:  # the app's own connection settings, nothing added
        if backend == "sqlite":
            return " ".join(str(r) for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
        conn.execute(text("SET enable_seqscan = off"))
        return " ".join(r[0] for r in conn.execute(text("EXPLAIN " + sql)))


def test_subtree_conditions_use_the_path_indexes(app, backend):
    listed = select(Case.id).where(under(Case.org_path, "/1/2/")).order_by(Case.next_due_at)
    assert "ix_cases_org_path_due" in _plan(listed, backend)
    incoming = select(func.count()).where(Case.handover_to_path.is_not(None), under(Case.handover_to_path, "/1/2/"))
    plan = _plan(incoming, backend)
    assert "ix_cases_handover_to_path" in plan
    if backend == "postgresql":  # the subtree is the index's range, not a filter on every handover
        assert "(handover_to_path ~>=~ '/1/2/'::text)" in plan.split("Index Cond:", 1)[1], plan

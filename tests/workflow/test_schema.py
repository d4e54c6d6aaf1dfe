"""The migrations build the schema the models describe, with the SQLite settings we rely on."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from workflow.db import db


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


def test_subtree_query_uses_the_path_index(app, backend):
    sql = "SELECT id FROM cases WHERE org_path LIKE '/1/2/%' ORDER BY next_due_at"
    if backend == "sqlite":
        with db.engine.connect() as conn:  # the app's own connection settings, nothing added
            plan = " ".join(str(r) for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert "ix_cases_org_path_due" in plan
    else:
        with db.engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))
            plan = " ".join(r[0] for r in conn.execute(text("EXPLAIN " + sql)))
        assert "ix_cases_org_path_due" in plan

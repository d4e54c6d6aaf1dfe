"""The SQLAlchemy extension, UTC time columns and each backend's connection settings."""

from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))


def utcnow():
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store naive UTC on every backend; always hand back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _connection_record):
    """Turn on WAL, a busy timeout and foreign keys for every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={_sqlite_busy_timeout_ms}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Subtrees are `org_path LIKE '/1/5/%'`; SQLite uses an index for LIKE only when it
    # is case-sensitive (paths are digits and slashes, so nothing else changes).
    cursor.execute("PRAGMA case_sensitive_like=ON")
    cursor.close()


_sqlite_busy_timeout_ms = 5000


# PostgreSQL: psycopg prepares a statement on the server after its fifth run on a connection,
# so the server stops parsing and planning it, but forgets every prepared statement at each
# ROLLBACK. Every request ends its transaction with one (the session's close, the pool's
# reset), so nothing stayed prepared. A transaction that only read ends with COMMIT instead:
# the same for the data, and the statements stay (measured: the due list's PostgreSQL CPU
# 6.8 -> 4.4 ms a request; docs/benchmarks.md). Behind a pooler that cannot keep prepared
# statements, connect_args={"prepare_threshold": None} in SQLALCHEMY_ENGINE_OPTIONS turns
# preparing off (docs/deploy.md).
_pg_connection_class = None


def _keep_prepared_class():
    global _pg_connection_class
    if _pg_connection_class is None:
        import psycopg
        from psycopg import pq

        class KeepPrepared(psycopg.Connection):
            """A connection whose read-only transactions end with COMMIT, not ROLLBACK."""

            wrote = False  # set by _note_writes for anything but a SELECT

            def rollback(self):
                if not self.wrote and self.pgconn.transaction_status == pq.TransactionStatus.INTRANS:
                    return self.commit()
                self.wrote = False
                return super().rollback()

            def commit(self):
                self.wrote = False
                return super().commit()

        _pg_connection_class = KeepPrepared
    return _pg_connection_class


@event.listens_for(Engine, "do_connect")
def _pg_connect(dialect, _connection_record, cargs, cparams):
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        return _keep_prepared_class().connect(*cargs, **cparams)
    return None  # the dialect connects as usual


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, _cursor, statement, _parameters, context, _executemany):
    """Mark the transaction as written unless the statement only reads: a plain SELECT, or a
    compiled select() that starts with a CTE (WITH ... SELECT; the due list runs one on every
    view). Text that starts with WITH, a SAVEPOINT, a SET count as writes: a real ROLLBACK is
    never wrong, only slower."""
    if _pg_connection_class is None or _reads_only(statement, context):
        return
    dbapi = conn.connection.dbapi_connection
    if isinstance(dbapi, _pg_connection_class):
        dbapi.wrote = True


def _reads_only(statement, context):
    head = statement.lstrip()[:6].upper()
    if head == "SELECT":
        return True
    compiled = getattr(context, "compiled", None)
    return head.startswith("WITH") and compiled is not None and getattr(compiled.statement, "is_select", False)


def ping():
    """Ask the database for one row; return the backend's name, or raise (rolled back) when it fails."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()  # leave the session usable for whatever the request does next
        raise
    return db.engine.dialect.name


def init_app(app):
    """Bind the extension and apply the SQLite busy timeout setting."""
    global _sqlite_busy_timeout_ms
    _sqlite_busy_timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    db.init_app(app)

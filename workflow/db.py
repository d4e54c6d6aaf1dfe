"""The SQLAlchemy extension, UTC time columns and SQLite connection settings."""

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

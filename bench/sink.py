"""Write many rows fast: executemany on SQLite, COPY on PostgreSQL, indexes built last.

Rows are plain tuples with naive UTC datetimes (what UTCDateTime stores); the sink
turns them into each backend's storage form without going through the ORM.
"""

import json

from sqlalchemy import JSON, Boolean, Date, DateTime
from sqlalchemy.schema import CreateIndex

from workflow.db import db


def _sqlite_datetime(value):
    # The exact text SQLAlchemy's SQLite DateTime writes, so comparisons and reads agree.
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_date(value):
    return None if value is None else value.isoformat()


def _sqlite_bool(value):
    return None if value is None else int(value)


def _json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _converters(table, dialect):
    """Return one converter (or None) per column of the table, for this backend."""
    out = []
    for column in table.columns:
        kind = column.type
        impl = getattr(kind, "impl", kind)
        if isinstance(kind, JSON):
            out.append(_json)
        elif dialect != "sqlite":
            out.append(None)
        elif isinstance(impl, DateTime) or isinstance(kind, DateTime):
            out.append(_sqlite_datetime)
        elif isinstance(impl, Date):
            out.append(_sqlite_date)
        elif isinstance(impl, Boolean):
            out.append(_sqlite_bool)
        else:
            out.append(None)
    return out


class Sink:
    """Bulk writer on one raw DB-API connection of the app's database."""

    def __init__(self, engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.raw = engine.raw_connection()
        self.driver = self.raw.driver_connection
        self._plans = {}
        if self.dialect == "sqlite":
            # A throwaway load: no fsync, nothing to recover if the machine dies mid-way.
            self.driver.execute("PRAGMA synchronous=OFF")

    def columns(self, name):
        """Return the column names of a table, in the order rows must give them."""
        return [c.name for c in db.metadata.tables[name].columns]

    def _plan(self, name):
        if name not in self._plans:
            table = db.metadata.tables[name]
            convert = _converters(table, self.dialect)
            active = [(i, f) for i, f in enumerate(convert) if f is not None]
            cols = ", ".join(c.name for c in table.columns)
            if self.dialect == "sqlite":
                sql = f"INSERT INTO {name} ({cols}) VALUES ({', '.join('?' * len(table.columns))})"
            else:
                sql = f"COPY {name} ({cols}) FROM STDIN"
            self._plans[name] = (sql, active)
        return self._plans[name]

    def write(self, name, rows):
        """Insert rows (tuples in column order) into a table; not committed."""
        if not rows:
            return
        sql, active = self._plan(name)
        if active:
            rows = [_apply(row, active) for row in rows]
        cursor = self.driver.cursor()
        if self.dialect == "sqlite":
            cursor.executemany(sql, rows)
        else:
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        cursor.close()

    def commit(self):
        self.driver.commit()

    def execute(self, sql):
        cursor = self.driver.cursor()
        cursor.execute(sql)
        cursor.close()

    def drop_indexes(self, names):
        """Drop the plain indexes of these tables (rebuilt by create_indexes)."""
        dropped = [ix for n in names for ix in db.metadata.tables[n].indexes if not ix.unique]
        for index in dropped:
            self.execute(f"DROP INDEX IF EXISTS {index.name}")
        self.commit()
        return dropped

    def create_indexes(self, indexes):
        for index in indexes:
            self.execute(str(CreateIndex(index).compile(dialect=self.engine.dialect)))
        self.commit()

    def finish(self, names):
        """Move sequences past the explicit ids and refresh the planner's statistics."""
        if self.dialect == "postgresql":
            for name in names:
                self.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                             f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)")
            self.commit()
            self.driver.autocommit = True
            self.execute("VACUUM ANALYZE")  # what autovacuum would do soon after a load
            self.driver.autocommit = False
        else:
            self.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.commit()

    def close(self):
        self.raw.close()


def _apply(row, active):
    row = list(row)
    for i, convert in active:
        row[i] = convert(row[i])
    return row


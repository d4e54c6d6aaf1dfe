"""Leader election: one scheduler process runs the jobs, any other waits for the lock.

PostgreSQL: a session-level advisory lock held on a connection of its own for as long
as the process lives; the server drops it when the process dies. SQLite: an exclusive
file lock (filelock) beside the database file, which lies in the instance folder by
default; the kernel drops it when the process dies.
"""

import os

import filelock
from flask import current_app
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from workflow.db import db

LOCK_KEY = 0x646F6E67  # "dong": the one advisory lock of this application, per database


class AdvisoryLock:
    """pg_try_advisory_lock on a dedicated connection (not from the pool)."""

    def __init__(self, uri):
        self.engine = create_engine(uri, poolclass=NullPool)
        self.conn = None

    def try_acquire(self):
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar():
            self.conn = conn
            return True
        conn.close()
        return False

    def alive(self):
        """Say whether the connection holding the lock still answers."""
        try:
            self.conn.execute(text("SELECT 1"))
            return True
        except Exception:  # the connection is gone, and the lock with it
            return False

    def release(self):
        if self.conn is not None:
            try:
                self.conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                self.conn.close()
            except Exception:  # already gone: the server released the lock
                pass
            self.conn = None
        self.engine.dispose()


class FileLock:
    """An exclusive, non-blocking file lock."""

    def __init__(self, path):
        self.path = path
        # Not thread-local: the heartbeat job checks it from a worker thread.
        self.lock = filelock.FileLock(path, thread_local=False)

    def try_acquire(self):
        try:
            self.lock.acquire(timeout=0)
            return True
        except filelock.Timeout:
            return False

    def alive(self):
        return self.lock.is_locked

    def release(self):
        if self.lock.is_locked:
            self.lock.release(force=True)


def lock_path(app):
    """SCHEDULER_LOCK_FILE, or <database file>.scheduler.lock."""
    if app.config.get("SCHEDULER_LOCK_FILE"):
        return app.config["SCHEDULER_LOCK_FILE"]
    database = db.engine.url.database
    if not database or database == ":memory:":
        return os.path.join(app.instance_path, "scheduler.lock")
    return os.path.abspath(database) + ".scheduler.lock"


def make_lock(app=None):
    """The leader lock that fits the configured database."""
    app = app or current_app
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        return AdvisoryLock(url.render_as_string(hide_password=False))
    return FileLock(lock_path(app))

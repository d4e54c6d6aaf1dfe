"""What the scheduler is doing, read from the database by any process (CLI, /healthz)."""

from flask import current_app
from sqlalchemy import select

from workflow.db import db, utcnow
from workflow.models import SchedulerHeartbeat, SchedulerJob


def heartbeat_state():
    """Return {"state": ok|stale|never, "leader", "last_heartbeat", "age_seconds"}."""
    row = db.session.get(SchedulerHeartbeat, "leader")
    if row is None:
        return {"state": "never", "leader": None, "last_heartbeat": None, "age_seconds": None}
    age = int((utcnow() - row.beat_at).total_seconds())
    fresh = age <= current_app.config["SCHEDULER_STALE_SECONDS"]
    return {"state": "ok" if fresh else "stale", "leader": row.holder,
            "last_heartbeat": row.beat_at.isoformat(), "age_seconds": age}


def job_rows():
    """The stored rows of every job, by id."""
    return {row.job_id: row for row in db.session.scalars(select(SchedulerJob))}


def health_report():
    """The scheduler's part of /healthz; a stale scheduler does not make the web unhealthy."""
    try:
        return {"scheduler": heartbeat_state()}
    except Exception as exc:  # the database part of /healthz reports the cause
        db.session.rollback()
        return {"scheduler": {"state": "error", "error": type(exc).__name__}}

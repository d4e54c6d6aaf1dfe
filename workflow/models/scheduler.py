"""What the scheduler process tells the others: its heartbeat and its jobs' runs."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.db import UTCDateTime, db


class SchedulerHeartbeat(db.Model):
    """The leader's pulse: who holds the leader lock and when it last beat."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # "leader"
    holder: Mapped[str] = mapped_column(String(120))  # host:pid
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SchedulerJob(db.Model):
    """One registered job: its next run (as the leader sees it) and its last run."""

    __tablename__ = "scheduler_jobs"

    job_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    trigger: Mapped[str] = mapped_column(String(120), default="")
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the instant it ran for
    last_summary: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    holder: Mapped[str | None] = mapped_column(String(120))

"""The jobs: plain module-level functions that take plain values and push their own app context.

APScheduler calls them by reference with no arguments (as of now); `flask scheduler
run-once --at` and tests call them with an ISO instant. They never receive ORM rows.
"""

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler import delivery, digest, member_reminders, report_reminders, scan
from scheduler import mobility_reminders as mobility_reminders_job
from scheduler.settings import parse_clock, parse_instant
from workflow.db import db, utcnow
from workflow.models import SchedulerHeartbeat, SchedulerJob

log = logging.getLogger("scheduler")

# The process this module runs in: its app, and (in `scheduler run`) the live scheduler,
# the leader lock and this process's name.
state = {"app": None, "scheduler": None, "lock": None, "holder": None, "started_at": None, "exit_code": 0}


def bind(app, **extra):
    """Give the jobs the app whose context they push (once per process)."""
    state.update(app=app, holder=extra.pop("holder", None) or holder_name(), **extra)


def holder_name(prefix=""):
    return f"{prefix}{socket.gethostname()}:{os.getpid()}"


def _as_of(at):
    """The instant a job runs as: now, an aware datetime, or ISO text (local without an offset)."""
    if at is None:
        return utcnow()
    return at if isinstance(at, datetime) else parse_instant(at)


def _run(job_id, work, at):
    """Run one job as of an instant in its own app context; record and log the outcome."""
    with state["app"].app_context():
        now = _as_of(at)
        try:
            result = work(now)
        except Exception as exc:
            db.session.rollback()
            log.exception("%s failed", job_id)
            _record(job_id, now, error=f"{type(exc).__name__}: {exc}"[:2000])
            raise
        _record(job_id, now, summary=result.describe())
        log.info("%s: %s", job_id, result.describe())
        return result


def _record(job_id, now, summary=None, error=None):
    row = db.session.get(SchedulerJob, job_id) or SchedulerJob(job_id=job_id)
    row.last_run_at, row.last_as_of, row.holder = utcnow(), now, state["holder"]
    row.last_summary, row.last_error = summary, error
    db.session.add(row)
    db.session.commit()


def scan_due(at=None):
    """Write near-due, overdue, escalation, 失联 and 组织生活 reminders as of at."""
    return _run("scan_due", scan.run, at)


def daily_digest(at=None):
    """Write each worker's digest for the latest digest time at or before at."""
    return _run("daily_digest", digest.run, at)


def member_checkins(at=None):
    """Ask members whose follow-up comes due to check in themselves (MEMBER_CHECKIN_REMINDERS)."""
    return _run("member_checkins", member_reminders.run, at)


def mobility_reminders(at=None):
    """Write the 流动党员 reminders (six-month line, yearly report, abroad, 活动证, 应转尽转) as of at."""
    return _run("mobility_reminders", mobility_reminders_job.run, at)


def monthly_reports(at=None):
    """Remind units of last month's report not submitted, and the level above of those missing."""
    return _run("monthly_reports", report_reminders.run, at)


def deliver_due(at=None):
    """Try every delivery due as of at."""
    return _run("deliver", delivery.run, at)


def heartbeat():
    """Say the leader is alive, with each job's next run; stop if the lock was lost."""
    scheduler, lock = state["scheduler"], state["lock"]
    if lock is not None and not lock.alive():
        log.error("leader lock lost (database connection gone): stopping")
        state["exit_code"] = 1
        scheduler.shutdown(wait=False)
        return
    with state["app"].app_context():
        now = utcnow()
        row = db.session.get(SchedulerHeartbeat, "leader") or SchedulerHeartbeat(name="leader")
        row.holder, row.started_at, row.beat_at = state["holder"], state["started_at"] or now, now
        db.session.add(row)
        if scheduler is not None:
            write_next_runs(scheduler, now)
        own = db.session.get(SchedulerJob, "heartbeat") or SchedulerJob(job_id="heartbeat")
        own.last_run_at, own.last_as_of, own.holder = now, now, state["holder"]
        own.last_summary, own.last_error = f"leader {state['holder']} alive", None
        db.session.add(own)
        db.session.commit()


def write_next_runs(scheduler, now):
    """Store each job's next run so `scheduler status` in another process can show it."""
    for job in scheduler.get_jobs():
        upcoming = job.next_run_time
        if upcoming is None or upcoming <= now:
            upcoming = job.trigger.get_next_fire_time(None, now)
        row = db.session.get(SchedulerJob, job.id) or SchedulerJob(job_id=job.id)
        row.trigger, row.next_run_at = str(job.trigger), upcoming
        db.session.add(row)


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: object
    trigger: object
    catch_up: bool  # interval jobs run at start-up; cron jobs only if a run was missed

    def first_run(self, now, grace):
        """When to run first: at once, the missed fire time within grace, or as scheduled."""
        if self.catch_up:
            return now
        missed = self.trigger.get_next_fire_time(None, now - grace)
        return missed if missed is not None and missed <= now else self.trigger.get_next_fire_time(None, now)


def specs(config):
    """The jobs with their fixed ids and triggers, from the settings."""
    zone = config["SCHEDULER_TIMEZONE"]
    clock = parse_clock(config["DIGEST_TIME"])
    return [
        JobSpec("scan_due", scan_due, IntervalTrigger(minutes=config["REMINDER_SCAN_MINUTES"], timezone=zone), True),
        JobSpec("daily_digest", daily_digest, CronTrigger(hour=clock.hour, minute=clock.minute, timezone=zone), False),
        JobSpec("monthly_reports", monthly_reports,  # with the digest: once a day is enough
                CronTrigger(hour=clock.hour, minute=clock.minute, timezone=zone), False),
        *([JobSpec("member_checkins", member_checkins,  # only when on: docs/member-link.md
                   IntervalTrigger(minutes=config["REMINDER_SCAN_MINUTES"], timezone=zone), True)]
          if config["MEMBER_CHECKIN_REMINDERS"] else []),
        JobSpec("mobility_reminders", mobility_reminders,
                IntervalTrigger(minutes=config["MOBILITY_REMINDER_MINUTES"], timezone=zone), True),
        JobSpec("deliver", deliver_due, IntervalTrigger(seconds=config["DELIVERY_INTERVAL_SECONDS"], timezone=zone), True),
        JobSpec("heartbeat", heartbeat, IntervalTrigger(seconds=config["SCHEDULER_HEARTBEAT_SECONDS"], timezone=zone), True),
    ]


def grace(config):
    return timedelta(seconds=config["SCHEDULER_MISFIRE_GRACE_SECONDS"])

"""The scheduler process: win the leader lock, register the jobs, run until stopped."""

import logging
import signal
import time

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from scheduler import jobs, leader
from workflow.db import db, utcnow
from workflow.models import SchedulerHeartbeat

log = logging.getLogger("scheduler")


def build(config, blocking=True):
    """A scheduler whose jobs coalesce, never overlap and catch up missed runs."""
    cls = BlockingScheduler if blocking else BackgroundScheduler
    return cls(
        timezone=config["SCHEDULER_TIMEZONE"],
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={
            "coalesce": True,  # many missed runs become one
            "max_instances": 1,  # a slow run is never overlapped by the next
            "misfire_grace_time": config["SCHEDULER_MISFIRE_GRACE_SECONDS"],
        },
    )


def register(scheduler, config, now):
    """Add every job with its fixed id; replace_existing keeps a restart from doubling one."""
    grace = jobs.grace(config)
    for spec in jobs.specs(config):
        scheduler.add_job(spec.func, spec.trigger, id=spec.id, name=spec.id, replace_existing=True,
                          next_run_time=spec.first_run(now, grace))


def current_holder():
    """Who the last heartbeat came from, for the message of a waiting process."""
    row = db.session.get(SchedulerHeartbeat, "leader")
    db.session.rollback()
    return f"{row.holder}, last heartbeat {row.beat_at:%Y-%m-%d %H:%M:%S} UTC" if row else "unknown holder"


def wait_for_leadership(app, lock, echo):
    """Block until this process holds the leader lock; a waiting process runs no job."""
    if lock.try_acquire():
        return
    echo(f"waiting: another scheduler holds the leader lock ({current_holder()}); no jobs run here")
    while not lock.try_acquire():
        time.sleep(app.config["SCHEDULER_LEADER_RETRY_SECONDS"])


def _stop(_signum, _frame):
    raise SystemExit(0)


def run_forever(app, echo):
    """Run the scheduler in the foreground until SIGTERM/SIGINT; return the exit code."""
    signal.signal(signal.SIGTERM, _stop)
    lock = leader.make_lock(app)
    wait_for_leadership(app, lock, echo)
    scheduler = build(app.config)
    jobs.bind(app, scheduler=scheduler, lock=lock, started_at=utcnow())
    try:
        register(scheduler, app.config, utcnow())
        jobs.heartbeat()  # the first beat names this process before any job runs
        echo(f"leader: {jobs.state['holder']} runs jobs " + ", ".join(j.id for j in scheduler.get_jobs()))
        scheduler.start()  # blocks until shutdown
    except (KeyboardInterrupt, SystemExit):
        echo("stopping")
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        lock.release()
        db.session.remove()
    return jobs.state["exit_code"]

"""`flask scheduler run | run-once --at ISO | rescan | status`."""

import logging
import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from scheduler import jobs, leader, runner, scan, status
from scheduler.settings import local, parse_instant
from workflow.db import db, utcnow

group = AppGroup("scheduler", help="The reminder scheduler: its own process, one leader.")

# The order of a run-once: write reminders and digests, then deliver them.
ONCE = (("scan_due", jobs.scan_due), ("daily_digest", jobs.daily_digest), ("member_checkins", jobs.member_checkins),
        ("mobility_reminders", jobs.mobility_reminders), ("monthly_reports", jobs.monthly_reports),
        ("deliver", jobs.deliver_due))


@group.command("run")
def run_command():
    """Run the scheduler in the foreground (one leader; a second process waits)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("scheduler")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    sys.exit(runner.run_forever(current_app._get_current_object(), click.echo))


@group.command("run-once")
@click.option("--at", "at", default=None, metavar="ISO",
              help="The instant to run as, e.g. 2026-12-01T08:30+08:00 (default: now).")
def run_once(at):
    """Run every job once as of an instant and print what each did."""
    try:
        instant = parse_instant(at) if at else utcnow()
    except ValueError:
        raise click.BadParameter(f"not an ISO instant: {at!r}", param_hint="--at") from None
    lock = leader.make_lock()
    if not lock.try_acquire():
        raise click.ClickException(
            f"a scheduler process holds the leader lock ({runner.current_holder()}); "
            "its jobs run already. Stop it to run the jobs by hand.")
    try:
        jobs.bind(current_app._get_current_object(), holder=jobs.holder_name("run-once "))
        click.echo(f"as of {local(instant)} {current_app.config['SCHEDULER_TIMEZONE']} ({instant.isoformat()})")
        for job_id, job in ONCE:
            if job_id == "member_checkins" and not current_app.config["MEMBER_CHECKIN_REMINDERS"]:
                continue
            click.echo(f"{job_id}: {job(instant).describe()}")
    finally:
        lock.release()


@group.command("rescan")
def rescan_command():
    """Make the next scan read every due case again (after changing reminder settings)."""
    cleared = scan.forget()
    db.session.commit()
    click.echo(f"cleared the scan marks of {cleared} cases; the next scan reads every due case again")


@group.command("status")
def status_command():
    """Show the leader's last heartbeat, and each job with its next and last run."""
    zone = current_app.config["SCHEDULER_TIMEZONE"]
    beat = status.heartbeat_state()
    click.echo(f"times in {zone}")
    if beat["state"] == "never":
        click.echo("leader: none - no heartbeat yet (start it with `flask --app wsgi scheduler run`)")
    else:
        when = local(datetime.fromisoformat(beat["last_heartbeat"]), "%Y-%m-%d %H:%M:%S")
        click.echo(f"leader: {beat['leader']}; last heartbeat {when} ({beat['age_seconds']} s ago, {beat['state']})")
    rows = status.job_rows()
    click.echo("jobs:")
    for spec in jobs.specs(current_app.config):
        row = rows.get(spec.id)
        upcoming = local(row.next_run_at) if row and row.next_run_at else "-"
        last = "never"
        if row and row.last_run_at:
            outcome = f"ERROR {row.last_error}" if row.last_error else (row.last_summary or "")
            last = f"{local(row.last_run_at)} (as of {local(row.last_as_of)}): {outcome}"
        click.echo(f"  {spec.id:<13} {spec.trigger!s:<34} next {upcoming}  last {last}")

"""`flask link-health snapshot|backfill`: keep the monthly link-health trend."""

from datetime import datetime

import click

from workflow.db import utcnow
from workflow.reports import link_health


@click.group("link-health")
def group():
    """Store link-health snapshots for the dashboard's monthly trend."""


@group.command("snapshot")
@click.option("--at", "at", default=None, help="ISO instant with zone (default: now).")
def snapshot(at):
    """Store this month's numbers of every unit (run daily; the month's last run stands)."""
    now = _instant(at) or utcnow()
    units = link_health.take_snapshot(now)
    click.echo(f"{link_health.month_of(now)}: {units} units")


@group.command("backfill")
@click.option("--months", default=6, show_default=True)
@click.option("--at", "at", default=None, help="ISO instant with zone (default: now).")
def backfill(months, at):
    """Rebuild past months' snapshots from the history of transitions and contacts."""
    for month in link_health.backfill(months, _instant(at)):
        click.echo(f"{month}: rebuilt")


def _instant(text):
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise click.BadParameter("give a zone, e.g. 2026-11-30T23:00:00+08:00", param_hint="--at")
    return value


def init_app(app):
    app.cli.add_command(group)

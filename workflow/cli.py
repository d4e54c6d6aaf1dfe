"""Domain commands: create-user, seed-demo, process-diagram."""

import os

import click
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from workflow.db import db, utcnow
from workflow.models import OrgUnit, User
from workflow.models.user import ROLES
from workflow.process import diagram
from workflow.process.engine import get_engine


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(sorted(ROLES)), required=True)
@click.option("--unit", "unit_name", required=True, help="Name of the org unit (unique).")
@click.option("--name", "display_name", default=None, help="Display name; default the username.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(username, role, unit_name, display_name, password):
    """Create a user bound to an org unit."""
    units = db.session.scalars(select(OrgUnit).where(OrgUnit.name == unit_name)).all()
    if len(units) != 1:
        raise click.ClickException(
            f"org unit {unit_name!r}: " + ("not found" if not units else "name is not unique")
        )
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.ClickException(f"user {username!r} exists already")
    if len(password) < 8:
        raise click.ClickException("password: at least 8 characters")
    user = User(username=username, display_name=display_name or username, role=role,
                org_unit_id=units[0].id)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"created {role} {username} in {units[0].name}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database has data.")
@click.option("--people", default=300, show_default=True)
@click.option("--seed", default=20261125, show_default=True, help="Random seed.")
def seed_demo(if_empty, people, seed):
    """Load a demo district: org tree, users, a few hundred synthetic people in every state."""
    from workflow.demo.district import seed_demo_data

    if db.session.scalar(select(func.count(OrgUnit.id))):
        if if_empty:
            click.echo("database is not empty; demo data not loaded")
            return
        raise click.ClickException("database is not empty: seed-demo needs an empty database")
    password = os.environ.get("DEMO_PASSWORD") or current_app.config.get("DEMO_PASSWORD", "demo")
    summary = seed_demo_data(people=people, seed=seed, password=password)
    for state, count in sorted(summary.items()):
        click.echo(f"{state}: {count}")
    from workflow.reports import link_health

    months = link_health.backfill(6)  # the dashboard's trend has six past months at once
    link_health.take_snapshot(utcnow())
    click.echo(f"link health: {len(months)} past months backfilled, this month stored")
    click.echo("demo accounts: demo-worker, demo-supervisor, demo-admin")


@click.command("process-diagram")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
def process_diagram(lang):
    """Print the process as SVG: the same drawing as the supervisor's process page."""
    engine = get_engine()
    with current_app.test_request_context(), force_locale(lang):
        drawing = diagram.svg(engine.definition, {}, engine.state_label, engine.trigger_label,
                              title=engine.definition.name)
    click.echo(drawing)


def init_app(app):
    from workflow.privacy.keyrotation import pii_cli

    for command in (create_user, seed_demo, process_diagram, pii_cli):
        app.cli.add_command(command)

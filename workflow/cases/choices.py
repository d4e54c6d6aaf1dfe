"""What the worker's forms offer to choose from: projects and units, ordered as listed."""

from sqlalchemy import select

from workflow.cases.services import units_in
from workflow.db import db
from workflow.models import OrgUnit, Project


def all_units():
    """Every unit, ordered by path (a 五必登 org relation may name any of them)."""
    return db.session.scalars(select(OrgUnit).order_by(OrgUnit.path)).all()


def person_choices(user):
    """Return (projects, units of the user's subtree) that a new person may be listed in."""
    projects = db.session.scalars(select(Project).order_by(Project.id)).all()
    return projects, units_in(user.org_unit)

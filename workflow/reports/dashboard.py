"""The supervisor's dashboard numbers: grouped SQL over the subtree, rolled up by unit."""

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from workflow.db import db
from workflow.models import Case, Household, HouseholdMember, OrgUnit, Person, User
from workflow.models.org import subtree_filter
from workflow.process.engine import get_engine
from workflow.reports.filters import BUCKETS, bucket_conditions
from workflow.reports.rollup import report_rows, subtree_units

OVERDUE = "overdue"  # key of the total overdue count in a row's numbers
TOTAL = "total"


def state_counts(unit):
    """Return {state: number of cases} in the unit's subtree."""
    totals = {}
    # Grouped in index order (unit, state): no sort of the whole subtree.
    for _unit_id, state, count in db.session.execute(_by_unit_and_state(unit)):
        totals[state] = totals.get(state, 0) + count
    return totals


def _by_unit_and_state(unit):
    return (
        select(Case.org_unit_id, Case.state, func.count())
        .where(Case.org_unit_id.in_(subtree_units(unit)))
        .group_by(Case.org_unit_id, Case.state)
    )


def per_unit_numbers(unit, now):
    """Return {org_unit_id: {state..., bucket..., "overdue", "total"}} for the unit's own cases.

    Two grouped queries answered from indexes; nothing per case in Python.
    """
    numbers = {}
    by_state = db.session.execute(_by_unit_and_state(unit))
    for unit_id, state, count in by_state:
        entry = numbers.setdefault(unit_id, {})
        entry[state] = count
        entry[TOTAL] = entry.get(TOTAL, 0) + count
    columns = [func.sum(case((and_(*bucket_conditions(key, now)), 1), else_=0)) for key in BUCKETS]
    overdue = db.session.execute(
        select(Case.org_unit_id, *columns)
        .where(Case.org_unit_id.in_(subtree_units(unit)), Case.next_due_at < now)
        .group_by(Case.org_unit_id)
    )
    for unit_id, *counts in overdue:
        entry = numbers.setdefault(unit_id, {})
        for key, count in zip(BUCKETS, counts, strict=True):
            entry[key] = int(count or 0)
        entry[OVERDUE] = sum(int(c or 0) for c in counts)
    return numbers


def worst_first(numbers):
    """Sort key: the most long-overdue cases first, then the next bucket, and so on."""
    return tuple(-numbers.get(key, 0) for key in reversed(list(BUCKETS)))


@dataclass
class Dashboard:
    totals: dict  # the whole subtree: states, buckets, overdue, total
    rows: list  # ReportRow per community/branch, worst first among siblings
    states: list  # state names in the order of the definition
    households: tuple = (0, 0)  # (households, people in them) of the subtree: demolition counts 户


def household_counts(unit):
    """(households, member cases) whose household lies in the unit's subtree; one statement."""
    found = db.session.execute(
        select(func.count(func.distinct(Household.id)), func.count(HouseholdMember.id))
        .select_from(Household).join(HouseholdMember, HouseholdMember.household_id == Household.id)
        .where(subtree_filter(Household.org_path, unit))
    ).one()
    return int(found[0]), int(found[1])


def build(viewer, now):
    """Return the dashboard of the viewer's subtree at instant now."""
    unit = viewer.org_unit
    rows, totals = report_rows(unit, per_unit_numbers(unit, now), worst_first)
    return Dashboard(totals=totals, rows=rows, states=list(get_engine().definition.states),
                     households=household_counts(unit))


def most_overdue(viewer, now, limit=10):
    """Return the most overdue cases of the subtree: (case, name, unit name, worker name)."""
    return db.session.execute(
        select(Case, Person.name, OrgUnit.name, User.display_name)
        .join(Person, Person.id == Case.person_id)
        .join(OrgUnit, OrgUnit.id == Case.org_unit_id)
        .outerjoin(User, User.id == Case.worker_id)
        .where(subtree_filter(Case.org_path, viewer.org_unit), Case.next_due_at < now)
        .order_by(Case.next_due_at, Case.id)
        .limit(limit)
    ).all()

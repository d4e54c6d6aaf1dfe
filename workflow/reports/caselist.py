"""The supervisor's case list: one page of exactly the cases a filter (a dashboard number) selects."""

from dataclasses import dataclass

from sqlalchemy import func, select

from workflow.cases.services import units_in
from workflow.db import db
from workflow.models import Case, Household, HouseholdMember, OrgUnit, Person, User
from workflow.reports.filters import select_cases


@dataclass
class CasePage:
    total: int
    rows: list  # (case, person name, masked ID, unit name, worker name)
    units: list  # the viewer's units, for the filter's choices
    households: dict  # case id -> (household id, 户号 or None) of the rows in a household


def page(case_filter, viewer, now, limit, offset=0):
    """Return the count and one page of the filtered cases, the most overdue first."""
    base = select_cases(case_filter, now).subquery()
    total = db.session.scalar(select(func.count()).select_from(base))
    rows = db.session.execute(
        select(Case, Person.name, Person.id_masked, OrgUnit.name, User.display_name)
        .join(base, base.c.id == Case.id)
        .join(Person, Person.id == Case.person_id)
        .join(OrgUnit, OrgUnit.id == Case.org_unit_id)
        .outerjoin(User, User.id == Case.worker_id)
        .order_by(Case.next_due_at.is_(None), Case.next_due_at, Case.id)
        .limit(limit).offset(offset)
    ).all()
    return CasePage(total, rows, units_in(viewer.org_unit), households_of([row[0].id for row in rows]))


def households_of(case_ids):
    """{case id: (household id, 户号)} of those cases that are in a household; one statement."""
    if not case_ids:
        return {}
    found = db.session.execute(
        select(HouseholdMember.case_id, Household.id, Household.number)
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(HouseholdMember.case_id.in_(case_ids))
    ).all()
    return {case_id: (household_id, number) for case_id, household_id, number in found}

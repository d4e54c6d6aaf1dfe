"""What the household screens and the case page show of a family: members, states, who follows."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workflow.cases import registration
from workflow.db import db
from workflow.households.addresses import follows
from workflow.households.members import load_household, membership
from workflow.models import Case, HouseholdMember
from workflow.process.engine import get_engine


@dataclass
class MemberRow:
    case: object
    is_head: bool
    visible: bool  # in the user's subtree (or handed over to it): the row links to the case
    own_original: bool
    own_destination: bool


@dataclass
class HouseholdPage:
    household: object
    members: list
    owner: bool  # the household lies in the user's subtree: they may change it


def _rows(household, user):
    members = db.session.scalars(
        select(HouseholdMember).where(HouseholdMember.household_id == household.id)
        .options(joinedload(HouseholdMember.case).joinedload(Case.person)).order_by(HouseholdMember.id)
    ).all()
    engine, rows = get_engine(), []
    for m in sorted(members, key=lambda m: (not m.is_head, m.id)):
        entries = registration.current_entries(m.case_id)
        rows.append(MemberRow(m.case, m.is_head, engine.visible(user, m.case),
                              not follows(household, entries.get("original_address")),
                              not follows(household, entries.get("destination_address"))))
    return rows


def household_page(household_id, user):
    """The household with its members (the head first); CaseNotFound outside the user's subtree."""
    household = load_household(household_id, user)
    return HouseholdPage(household, _rows(household, user), True)


def household_of_case(case, user):
    """The case's household as the case page shows it, or None when it has none."""
    member = membership(case.id)
    if member is None:
        return None
    household = member.household
    owner = household.org_path.startswith(user.org_unit.path)
    return HouseholdPage(household, _rows(household, user), owner)

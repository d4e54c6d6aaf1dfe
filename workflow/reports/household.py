"""What the household screens and the case page show of a family: members, states, who follows."""

from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from workflow.db import db
from workflow.households.addresses import follows
from workflow.households.members import load_household
from workflow.models import Case, Household, HouseholdMember, Person, RegistrationEntry
from workflow.process.engine import get_engine

ADDRESS_ITEMS = ("original_address", "destination_address")


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
    """The members, head first, with whether each keeps own addresses: two statements however many."""
    members = db.session.scalars(
        select(HouseholdMember).where(HouseholdMember.household_id == household.id)
        .options(joinedload(HouseholdMember.case).joinedload(Case.person)).order_by(HouseholdMember.id)
    ).all()
    entries = {}
    for entry in db.session.scalars(select(RegistrationEntry).where(
            RegistrationEntry.case_id.in_([m.case_id for m in members]), RegistrationEntry.is_current.is_(True),
            RegistrationEntry.item.in_(ADDRESS_ITEMS))):
        entries[(entry.case_id, entry.item)] = entry
    engine, rows = get_engine(), []
    for m in sorted(members, key=lambda m: (not m.is_head, m.id)):
        rows.append(MemberRow(m.case, m.is_head, engine.visible(user, m.case),
                              not follows(household, entries.get((m.case_id, "original_address"))),
                              not follows(household, entries.get((m.case_id, "destination_address")))))
    return rows


def household_page(household_id, user):
    """The household with its members (the head first); CaseNotFound outside the user's subtree."""
    household = load_household(household_id, user)
    return HouseholdPage(household, _rows(household, user), True)


# The case page's household card in one statement: the case's household and every member's
# name, masked ID, state and paths (the case page is a hot path; own-address marks are the
# household page's). Built once on the tables, not the mapped classes: a Core statement of
# plain columns skips the ORM's compile and result steps, which cost twice the statement on
# PostgreSQL (0.5 against 0.18 ms a card, measured in one process at 100,000 cases).
_members, _households = HouseholdMember.__table__, Household.__table__
_cases, _people = Case.__table__, Person.__table__
_me, _other = _members.alias("me"), _members.alias("other")
_CARD = (
    select(_households.c.id, _households.c.number, _households.c.org_path, _other.c.case_id, _other.c.is_head,
           _cases.c.version, _cases.c.state, _cases.c.org_path, _cases.c.handover_to_path, _people.c.name,
           _people.c.id_masked)
    .select_from(_me).join(_households, _households.c.id == _me.c.household_id)
    .join(_other, _other.c.household_id == _households.c.id).join(_cases, _cases.c.id == _other.c.case_id)
    .join(_people, _people.c.id == _cases.c.person_id)
    .where(_me.c.case_id == bindparam("case_id"))
    .order_by(_other.c.is_head.desc(), _other.c.id)
)


def household_of_case(case, user):
    """The case's household as the case page shows it, or None when it has none."""
    found = db.session.execute(_CARD, {"case_id": case.id}).all()
    if not found:
        return None
    path, engine = user.org_unit.path, get_engine()
    rows = []
    for *_h, case_id, is_head, version, state, org_path, to_path, name, id_masked in found:
        member = SimpleNamespace(id=case_id, version=version, state=state, org_path=org_path,
                                 handover_to_path=to_path, person=SimpleNamespace(name=name, id_masked=id_masked))
        rows.append(MemberRow(member, is_head, engine.visible(user, member), False, False))
    household_id, number, household_path = found[0][:3]
    return HouseholdPage(SimpleNamespace(id=household_id, number=number), rows, household_path.startswith(path))


def ledger_households(case_ids):
    """{case_id: (户 label, 户主 name)} for the 台账: the 户号, or "#id" for a household without one."""
    if not case_ids:
        return {}
    mine = select(HouseholdMember.household_id).where(HouseholdMember.case_id.in_(case_ids))
    rows = db.session.execute(
        select(HouseholdMember.case_id, HouseholdMember.household_id, HouseholdMember.is_head,
               Household.number, Person.name)
        .join(Household, Household.id == HouseholdMember.household_id)
        .join(Case, Case.id == HouseholdMember.case_id).join(Person, Person.id == Case.person_id)
        .where(HouseholdMember.household_id.in_(mine))
    ).all()
    heads = {household_id: name for _c, household_id, is_head, _n, name in rows if is_head}
    wanted = set(case_ids)
    return {case_id: (number or f"#{household_id}", heads.get(household_id))
            for case_id, household_id, _h, number, _name in rows if case_id in wanted}

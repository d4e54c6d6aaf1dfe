"""Make a household, add members to it, and move a member between households (audited)."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflow.cases.services import add_person, commit_or_conflict, find_person, load_case
from workflow.db import db, utcnow
from workflow.errors import CaseNotFound, NotAllowed
from workflow.households import addresses
from workflow.households.errors import AlreadyInHousehold
from workflow.models import Case, Household, HouseholdMember
from workflow.models.audit import record as audit
from workflow.privacy.identity import clean_id_number
from workflow.process.engine import get_engine


def membership(case_id):
    """The household member row of a case, or None."""
    return db.session.scalar(select(HouseholdMember).where(HouseholdMember.case_id == case_id))


def load_household(household_id, user):
    """Return the household if it lies in the user's subtree; otherwise CaseNotFound (404)."""
    household = db.session.get(Household, household_id) if type(household_id) is int else None
    if household is None or not household.org_path.startswith(user.org_unit.path):
        raise CaseNotFound()
    return household


def _number(number):
    number = (number or "").strip() or None
    if number is not None and len(number) > 40:
        raise NotAllowed(_("户号不能超过40个字符"))
    return number


def _numbered(project_id, number):
    return db.session.scalar(select(Household).where(Household.project_id == project_id, Household.number == number))


def _refuse_member_elsewhere(case, household=None):
    found = membership(case.id)
    if found is not None:
        raise AlreadyInHousehold(found.household, same=household is not None and found.household_id == household.id)


def _require_owner(case, actor):
    if not get_engine().in_scope(actor, case):
        raise NotAllowed(_("只有案件所属单位可以调整家庭户"))


def create_household(actor, head_case, number=None, now=None):
    """Make a household with head_case's person as 户主; its addresses start from theirs."""
    _require_owner(head_case, actor)
    _refuse_member_elsewhere(head_case)
    number = _number(number)
    if number is not None and (taken := _numbered(head_case.project_id, number)) is not None:
        raise AlreadyInHousehold(taken) from None
    household = Household(project_id=head_case.project_id, org_unit_id=head_case.org_unit_id,
                          org_path=head_case.org_path, number=number, created_by_id=actor.id,
                          created_at=now or utcnow())
    addresses.take_from(household, head_case)
    db.session.add(household)
    db.session.add(HouseholdMember(household=household, case_id=head_case.id, is_head=True, joined_at=now or utcnow()))
    db.session.flush()
    audit("household_create", user=actor, case=head_case, household_id=household.id)
    try:
        db.session.commit()
    except IntegrityError:  # the same 户号, or the same case, at the same moment: theirs stands
        db.session.rollback()
        raise NotAllowed(_("该户或户号刚被其他人登记，请刷新后重试")) from None
    return household


def _join(actor, household, case, now):
    if case.project_id != household.project_id:
        raise NotAllowed(_("此人的案件不在本户的项目中"))
    _require_owner(case, actor)
    member = HouseholdMember(household_id=household.id, case_id=case.id, is_head=False, joined_at=now or utcnow())
    db.session.add(member)
    addresses.join(household, case, actor, now)
    return member


def add_member(actor, household, case, now=None):
    """Add a case to the household; a case in another household is refused (AlreadyInHousehold)."""
    _refuse_member_elsewhere(case, household)
    _join(actor, household, case, now)
    audit("household_add", user=actor, case=case, household_id=household.id)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyInHousehold(membership(case.id).household) from None


def join_by_number(actor, case, number):
    """Add the case to the household of this 户号 in its project (in the actor's subtree); return it."""
    number = _number(number)
    household = _numbered(case.project_id, number) if number else None
    if household is None or not household.org_path.startswith(actor.org_unit.path):
        raise NotAllowed(_("本项目中没有户号为“%(n)s”的家庭户", n=number or ""))
    add_member(actor, household, case)
    return household


def case_by_id_number(actor, household, id_number):
    """The case, in the household's project and the actor's subtree, of the person with this ID number."""
    person = find_person(clean_id_number(id_number))
    case = person and db.session.scalar(
        select(Case).where(Case.person_id == person.id, Case.project_id == household.project_id))
    if case is None:
        raise NotAllowed(_("本项目中没有此身份证号的人员，请先新增人员"))
    return load_case(case.id, actor)


def add_member_by_id_number(actor, household, id_number):
    """Add the person with this ID number (their case in the household's project) to the household."""
    case = case_by_id_number(actor, household, id_number)
    add_member(actor, household, case)
    return case


def list_into_household(actor, *, household, project_id, **details):
    """新增人员 straight into the household: list the person in its project (services.add_person),
    then add the new case. The new case is in no household yet, so the second step cannot be refused."""
    if project_id != household.project_id:
        raise NotAllowed(_("此人的案件不在本户的项目中"))
    case = add_person(actor, project_id=project_id, **details)
    add_member(actor, household, case)
    return case


def move_member(actor, household, case, reason, now=None):
    """Move a case from its household into this one: an explicit step, audited with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed(_("请填写调整原因"))
    old = membership(case.id)
    if old is None or old.household_id == household.id:
        raise NotAllowed(_("此人不在其他户中，无需调整"))
    _require_owner(case, actor)
    source = old.household
    if old.is_head and (heir := next((m for m in source.members if m.id != old.id), None)) is not None:
        heir.is_head = True  # the family left behind keeps a 户主
    db.session.delete(old)
    db.session.flush()
    _join(actor, household, case, now)
    audit("household_move", user=actor, case=case, from_household_id=source.id,
          to_household_id=household.id, reason=reason)
    commit_or_conflict()

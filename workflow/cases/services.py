"""Services: each public function is one transaction that a screen or a command calls."""

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from workflow.cases import registration
from workflow.db import db, utcnow
from workflow.errors import CaseNotFound, Conflict, NotAllowed, ProcessError
from workflow.models import Case, ContactLog, OrgUnit, Person, Project, TransitionRecord
from workflow.models.audit import record as audit
from workflow.privacy import pii
from workflow.privacy.identity import clean_id_number, id_facts
from workflow.process import deadlines
from workflow.process.engine import EDIT, get_engine
from workflow.rows import insert_row
from workflow.subtree import under


class DuplicateCase(ProcessError):
    """The person already has a case in this project; .case is that case.

    .visible_case is that case when the actor may see it (add_person says), else None.
    """

    def __init__(self, case):
        super().__init__(_("此人在该项目中已有案件"))
        self.case = case
        self.visible_case = None


class SimilarPeople(ProcessError):
    """People of the same name and birth date have cases in the subtree; .cases lists them."""

    def __init__(self, cases):
        super().__init__(_("本辖区已有同名且出生日期相同的人员，请核对是否为同一人"))
        self.cases = cases


def load_case(case_id, user, options=()):
    """Return the case if it lies in the user's subtree (or is handed over to it).

    The person comes with it (every screen names them, follow-up deadlines read them);
    options: more loader options (e.g. joinedload) for what the caller will show.
    """
    case = _get_case(case_id, options)
    if case is None:
        raise CaseNotFound()
    if not get_engine().visible(user, case):
        raise CaseNotFound()
    return case


# The case with its person, built once: session.get with loader options builds and
# hashes a new statement at every call, a fifth of what a transition costs on SQLite.
_CASE_WITH_PERSON = select(Case).options(joinedload(Case.person)).where(Case.id == bindparam("case_id"))


def _get_case(case_id, options):
    """Return the case (person loaded) by id, or None; one statement, or none if in the session."""
    if options or type(case_id) is not int or db.session.identity_key(Case, case_id) in db.session.identity_map:
        return db.session.get(Case, case_id, options=[joinedload(Case.person), *options])
    return db.session.scalars(_CASE_WITH_PERSON, {"case_id": case_id}).one_or_none()


def commit_or_conflict():
    """Commit; a lost optimistic race becomes a Conflict and nothing is written."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict() from None


def find_person(id_number):
    """Return the person with this ID number (by its blind index, under any configured key), or None."""
    return db.session.scalar(select(Person).where(Person.id_hash.in_(pii.blind_indexes(id_number))))


def similar_cases(actor, name, birth_date, id_hash=None, limit=5):
    """Cases in the actor's subtree of people with this name and birth date (another ID)."""
    query = (
        select(Case).join(Person, Person.id == Case.person_id)
        .where(Person.name == name.strip(), Person.birth_date == birth_date,
               under(Case.org_path, actor.org_unit.path))
        .order_by(Case.id).limit(limit)
    )
    if id_hash is not None:
        query = query.where(Person.id_hash != id_hash)
    return db.session.scalars(query).all()


def _existing_case(person, project):
    return db.session.scalar(select(Case).where(Case.person_id == person.id, Case.project_id == project.id))


def _new_case(actor, person, number, name, is_party_member, project, org_unit, worker, now):
    """Add the person (when new), the case and its first history row; commit."""
    if person is None:
        birth, gender = id_facts(number)
        person = Person(name=name.strip(), birth_date=birth, gender=gender,
                        is_party_member=is_party_member, **pii.id_columns(number))
        db.session.add(person)
    engine = get_engine()
    case = Case(
        person=person, project_id=project.id, org_unit_id=org_unit.id, org_path=org_unit.path,
        worker_id=worker.id if worker else None, state=engine.definition.initial, state_entered_at=now, created_at=now,
    )
    deadlines.refresh(engine.definition, case)
    db.session.add(case)
    db.session.flush()
    db.session.add(TransitionRecord(case_id=case.id, trigger="list", from_state="",
                                    to_state=case.state, actor_id=actor.id, at=now, org_path=case.org_path))
    db.session.commit()
    return case


def list_person(actor, *, project, org_unit, name, id_number, is_party_member,
                worker=None, now=None, check_similar=False):
    """Put a person on a project's list: a new case in the process's initial state.

    The same ID number in the same project is refused (DuplicateCase); with
    check_similar, the same name and birth date in the subtree is refused too
    (SimilarPeople) until the caller confirms and calls again without it.
    """
    number = clean_id_number(id_number)
    if not org_unit.path.startswith(actor.org_unit.path):
        raise CaseNotFound()
    now = now or utcnow()
    person = find_person(number)
    if person is not None and (existing := _existing_case(person, project)) is not None:
        raise DuplicateCase(existing)
    birth = id_facts(number)[0]
    if check_similar:
        similar = similar_cases(actor, name, birth, pii.blind_index(number))
        if similar:
            raise SimilarPeople(similar)
    if worker is None and actor.role == "worker":
        worker = actor
    try:
        case = _new_case(actor, person, number, name, is_party_member, project, org_unit, worker, now)
    except IntegrityError:
        # Someone listed the same person at the same moment: theirs stands.
        db.session.rollback()
        person = find_person(number)
        existing = _existing_case(person, project) if person is not None else None
        if existing is None:
            raise
        raise DuplicateCase(existing) from None
    return case


def add_person(actor, *, project_id, org_unit_id, **details):
    """List a person in the project and unit of these ids (list_person, one transaction)."""
    try:
        return list_person(actor, project=db.session.get(Project, project_id),
                           org_unit=db.session.get(OrgUnit, org_unit_id), **details)
    except DuplicateCase as exc:
        exc.visible_case = exc.case if get_engine().visible(actor, exc.case) else None
        raise


def log_contact(case, actor, *, kind, outcome, contacted_at, met_with=None, notes=None):
    """Write a contact log row in the session's transaction (not committed)."""
    return insert_row(ContactLog, dict(case_id=case.id, kind=kind, outcome=outcome, contacted_at=contacted_at,
                                       met_with=met_with, notes=notes, user_id=actor.id, created_at=utcnow()))


def record_visit(case, actor, *, contacted_at, outcome, met_with=None, notes=None,
                 expected_version=None, now=None):
    """Log a home visit; a visit that met someone moves the case on (trigger visit)."""
    get_engine().check(case, "visit", actor, expected_version)
    log = log_contact(case, actor, kind="visit", outcome=outcome, contacted_at=contacted_at,
                      met_with=met_with, notes=notes)
    if outcome != "reached":
        case.updated_at = utcnow()  # bump the version: the case changed
        commit_or_conflict()
        return log
    get_engine().fire(case, "visit", actor, contact=log, now=now)
    return log


def record_follow_up(case, actor, *, kind, outcome, contacted_at, notes=None,
                     new_phone=None, new_address=None, address_kind="transitional",
                     expected_version=None, now=None):
    """Log a follow-up; reached fires contact/reconnect, not reached fires miss.

    A new phone or address given here becomes a new 五必登 entry, the old one kept.
    """
    engine = get_engine()
    engine.check_version(case, expected_version)  # the trigger is chosen below, by outcome
    log = log_contact(case, actor, kind=kind, outcome=outcome, contacted_at=contacted_at, notes=notes)
    if new_phone:
        old = registration.current_entries(case.id).get("contact")
        registration.record(case, "contact", actor, source="contact", phone=new_phone,
                            backup_name=old.backup_name if old else None,
                            backup_phone=old.backup_phone if old else None)
    if new_address:
        registration.record(case, "destination_address", actor, source="contact",
                            address=new_address, address_kind=address_kind)
    triggers = {t.trigger for t in engine.available(case, actor)}
    if outcome == "reached":
        trigger = "reconnect" if "reconnect" in triggers else "contact"
    else:
        trigger = "miss"
    if trigger in triggers:
        engine.fire(case, trigger, actor, contact=log, now=now)
    elif triggers & {"contact", "reconnect"}:
        # Not reached during a handover, or again while 失联: logged, the state stays.
        case.updated_at = utcnow()
        commit_or_conflict()
    else:
        db.session.rollback()
        raise NotAllowed(_("当前状态“%(state)s”不能登记跟踪联系", state=engine.state_label(case.state)))
    return log


def save_registration(case, actor, items, expected_version=None, now=None):
    """Save any of the 五必登 (partial is allowed); return the items still missing."""
    get_engine().check(case, EDIT, actor, expected_version)
    for item, values in items.items():
        if values is not None:
            registration.record(case, item, actor, now=now, **values)
    case.updated_at = utcnow()
    commit_or_conflict()
    return [(item, problem) for item, status, _e, problem in registration.statuses(case.id)
            if status != "complete"]


def issue_card(case, actor, expected_version=None, now=None):
    """Record that the contact card was issued (三个一)."""
    get_engine().check(case, EDIT, actor, expected_version)
    case.card_issued_at = now or utcnow()
    commit_or_conflict()


def join_group(case, actor, group_name, joined_at, expected_version=None, now=None):
    """Record the liaison group the person joined (三个一)."""
    get_engine().check(case, EDIT, actor, expected_version)
    case.group_name = group_name.strip()
    case.group_joined_at = joined_at
    commit_or_conflict()


def units_in(unit):
    """Every unit of a subtree, ordered by path."""
    return db.session.scalars(
        select(OrgUnit).where(OrgUnit.path.like(unit.path + "%")).order_by(OrgUnit.path)
    ).all()


def set_member_reminders(case, actor, receive):
    """Let a party member opt out of (or back into) the 组织生活 reminders; audited."""
    if not get_engine().in_scope(actor, case):
        raise CaseNotFound()
    if not case.person.is_party_member:
        raise NotAllowed(_("组织生活提醒只发给党员"))
    case.person.reminder_opt_out = not receive
    # The person's cases change who the scan reminds without a new case version: forget its marks.
    cases = Case.__table__
    db.session.execute(update(cases).where(cases.c.person_id == case.person_id)
                       .values(scanned_version=None, scan_after=None))
    audit("member_reminders", user=actor, case=case, receive=bool(receive))
    db.session.commit()

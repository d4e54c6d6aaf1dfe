"""Services: each public function is one transaction that a screen or a command calls."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from workflow import deadlines, pii, registration
from workflow.db import db, utcnow
from workflow.engine import get_engine
from workflow.errors import CaseNotFound, Conflict, NotAllowed, ProcessError
from workflow.identity import clean_id_number, id_facts
from workflow.models import Case, ContactLog, OrgUnit, Person, TransitionRecord


class DuplicateCase(ProcessError):
    """The person already has a case in this project; .case is that case."""

    def __init__(self, case):
        super().__init__(_("此人在该项目中已有案件"))
        self.case = case


def load_case(case_id, user, for_update=False, options=()):
    """Return the case if it lies in the user's subtree (or is handed over to it).

    The person comes with it (every screen names them, follow-up deadlines read them);
    options: more loader options (e.g. joinedload) for what the caller will show.
    """
    case = db.session.get(Case, case_id, options=[joinedload(Case.person), *options])
    if case is None:
        raise CaseNotFound()
    engine = get_engine()
    receiving = bool(case.handover_to_path) and case.handover_to_path.startswith(user.org_unit.path)
    if not engine.in_scope(user, case) and not receiving:
        raise CaseNotFound()
    return case


def commit_or_conflict():
    """Commit; a lost optimistic race becomes a Conflict and nothing is written."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict() from None


def _check_version(case, expected_version):
    if expected_version is not None and int(expected_version) != case.version:
        raise Conflict()


def _check_editable(case):
    engine = get_engine()
    if not engine.definition.states[case.state].editable:
        raise NotAllowed(_("案件处于“%(state)s”状态，登记信息已冻结，不能修改", state=engine.state_label(case.state)))


def find_person(id_number):
    """Return the person with this ID number (by its blind index), or None."""
    return db.session.scalar(select(Person).where(Person.id_hash == pii.blind_index(id_number)))


def list_person(actor, *, project, org_unit, name, id_number, is_party_member,
                worker=None, now=None):
    """Put a person on a project's list: a new case in the process's initial state."""
    number = clean_id_number(id_number)
    if not org_unit.path.startswith(actor.org_unit.path):
        raise CaseNotFound()
    now = now or utcnow()
    person = find_person(number)
    if person is not None:
        existing = db.session.scalar(
            select(Case).where(Case.person_id == person.id, Case.project_id == project.id)
        )
        if existing is not None:
            raise DuplicateCase(existing)
    else:
        birth, gender = id_facts(number)
        person = Person(name=name.strip(), birth_date=birth, gender=gender,
                        is_party_member=is_party_member, **pii.id_columns(number))
        db.session.add(person)
    if worker is None and actor.role == "worker":
        worker = actor
    engine = get_engine()
    case = Case(
        person=person, project_id=project.id, org_unit_id=org_unit.id, org_path=org_unit.path,
        worker_id=worker.id if worker else None, state=engine.definition.initial, state_entered_at=now, created_at=now,
    )
    deadlines.refresh(engine.definition, case)
    db.session.add(case)
    db.session.flush()
    db.session.add(TransitionRecord(case_id=case.id, trigger="list", from_state="",
                                    to_state=case.state, actor_id=actor.id, at=now))
    db.session.commit()
    return case


def log_contact(case, actor, *, kind, outcome, contacted_at, met_with=None, notes=None):
    """Add a contact log row to the session (not committed)."""
    log = ContactLog(case_id=case.id, kind=kind, outcome=outcome, contacted_at=contacted_at,
                     met_with=met_with, notes=notes, user_id=actor.id)
    db.session.add(log)
    db.session.flush()
    return log


def record_visit(case, actor, *, contacted_at, outcome, met_with=None, notes=None,
                 expected_version=None, now=None):
    """Log a home visit; a visit that met someone moves the case on (trigger visit)."""
    _check_version(case, expected_version)
    log = log_contact(case, actor, kind="visit", outcome=outcome, contacted_at=contacted_at,
                      met_with=met_with, notes=notes)
    if outcome != "reached":
        case.updated_at = utcnow()  # bump the version: the case changed
        commit_or_conflict()
        return log
    get_engine().fire(case, "visit", actor, contact=log, now=now)
    return log


def record_follow_up(case, actor, *, kind, outcome, contacted_at, notes=None,
                     new_phone=None, new_address=None, expected_version=None, now=None):
    """Log a follow-up; reached fires contact/reconnect, not reached fires miss.

    A new phone or address given here becomes a new 五必登 entry, the old one kept.
    """
    _check_version(case, expected_version)
    engine = get_engine()
    log = log_contact(case, actor, kind=kind, outcome=outcome, contacted_at=contacted_at, notes=notes)
    if new_phone:
        old = registration.current_entries(case.id).get("contact")
        registration.record(case, "contact", actor, source="contact", phone=new_phone,
                            backup_name=old.backup_name if old else None,
                            backup_phone=old.backup_phone if old else None)
    if new_address:
        registration.record(case, "destination_address", actor, source="contact",
                            address=new_address, address_kind="transitional")
    triggers = {t.trigger for t in engine.available(case, actor)}
    if outcome == "reached":
        trigger = "reconnect" if "reconnect" in triggers else "contact"
    else:
        trigger = "miss"
    if trigger in triggers:
        engine.fire(case, trigger, actor, contact=log, now=now)
    elif "contact" in triggers:
        # e.g. not reached during a handover: logged, the state stays.
        case.updated_at = utcnow()
        commit_or_conflict()
    else:
        db.session.rollback()
        raise NotAllowed(_("当前状态“%(state)s”不能登记跟踪联系", state=engine.state_label(case.state)))
    return log


def save_registration(case, actor, items, expected_version=None, now=None):
    """Save any of the 五必登 (partial is allowed); return the items still missing."""
    _check_version(case, expected_version)
    _check_editable(case)
    for item, values in items.items():
        if values is not None:
            registration.record(case, item, actor, now=now, **values)
    case.updated_at = utcnow()
    commit_or_conflict()
    return [(item, problem) for item, status, _e, problem in registration.statuses(case.id)
            if status != "complete"]


def issue_card(case, actor, expected_version=None, now=None):
    """Record that the contact card was issued (三个一)."""
    _check_version(case, expected_version)
    _check_editable(case)
    case.card_issued_at = now or utcnow()
    commit_or_conflict()


def join_group(case, actor, group_name, joined_at, expected_version=None, now=None):
    """Record the liaison group the person joined (三个一)."""
    _check_version(case, expected_version)
    _check_editable(case)
    case.group_name = group_name.strip()
    case.group_joined_at = joined_at
    commit_or_conflict()


def units_in(unit):
    """Every unit of a subtree, ordered by path."""
    return db.session.scalars(
        select(OrgUnit).where(OrgUnit.path.like(unit.path + "%")).order_by(OrgUnit.path)
    ).all()

"""The people, users and objects the probes act on, and what must not change or leak."""

import secrets

from sqlalchemy import func, select

from workflow.accounts.sessions import token_hash
from workflow.db import db, utcnow
from workflow.demo.district import PATH
from workflow.models import AuditEvent, Case, ContactLog, OrgUnit, Person, RegistrationEntry, TransitionRecord, User
from workflow.models.audit import record
from workflow.models.security import UserSession
from workflow.models.user import ROLES
from workflow.privacy import pii
from workflow.privacy.identity import mask_phone

# Where cases live, with the account that works them (each in a different subtree).
HOMES = [
    ("绿苑1号楼党小组", "demo-worker"),
    ("清江花园3号楼党小组", "qingjiang-worker"),
    ("机械厂5号楼党小组", "qiancheng-worker"),
    ("丰台花乡流动党小组", "beijing-secretary"),
]
# Units the probing users sit in: a community, a courtyard branch, a mobile branch.
VIEWER_UNITS = ["绿苑社区党总支", "清江花园楼院党支部", "在京务工创业人员党支部"]


def sign_in(client, user):
    """Give the test client a live session of user without the login form (fast); return the row."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now,
                      address="127.0.0.1", user_agent="security-probe")
    db.session.add(row)
    db.session.commit()
    with client.session_transaction() as cookie:
        cookie.clear()
        cookie["sid"] = token
    return row


def make_viewers(units=VIEWER_UNITS, roles=tuple(ROLES)):
    """One user per role in each unit (no usable password; use sign_in)."""
    viewers = []
    for unit_name in units:
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.name == unit_name))
        for role in roles:
            user = User(username=f"probe-{role}-{unit.id}", display_name=f"探针{role}{unit.id}",
                        role=role, org_unit_id=unit.id, password_hash="!")
            db.session.add(user)
            viewers.append(user)
    db.session.commit()
    return viewers


def seed_cases(make, states=PATH, homes=HOMES):
    """One case per state in every home; names are unique markers that cannot occur by chance."""
    cases = []
    for unit, worker in homes:
        for state in states:
            case = make.case(state, unit=unit, worker=worker)
            case.person.name = f"越界{case.id:05d}号"
            cases.append(case)
    db.session.commit()
    for _unit, worker in homes:  # every kind of object a route may take an id of
        user = db.session.scalar(select(User).where(User.username == worker))
        db.session.add(UserSession(token_hash=secrets.token_hex(32), user_id=user.id,
                                   created_at=utcnow(), last_seen_at=utcnow()))
    for case in cases:
        record("probe_seed", case=case)
    db.session.commit()
    return cases


def visible(user, case):
    """Say whether the case lies in the user's subtree, or is handed over to it."""
    path = user.org_unit.path
    return case.org_path.startswith(path) or bool(case.handover_to_path and case.handover_to_path.startswith(path))


def secrets_of(case):
    """Strings of the person's data that must not appear in a refused answer."""
    person = case.person
    found = {person.name, person.id_masked, pii.decrypt(person.id_cipher)}
    for entry in db.session.scalars(select(RegistrationEntry).where(RegistrationEntry.case_id == case.id)):
        for value in (entry.phone, entry.backup_phone):
            if value:
                found.update({value, mask_phone(value)})
        for value in (entry.address, entry.backup_name, entry.workplace):
            if value and len(value) >= 4:
                found.add(value)
    return sorted(found)


def snapshot(case):
    """What a refused or foreign request must leave as it was: one statement, as committed.
    case: a Case or its id (an id reads nothing else: a Case expired by a commit reloads first)."""
    case_id = case if isinstance(case, int) else case.id
    def count(model):
        return select(func.count()).select_from(model).where(model.case_id == Case.id).scalar_subquery()

    row = db.session.execute(
        select(Case.state, Case.version, Case.org_unit_id, Case.org_path, Case.worker_id, Case.person_id,
               Case.project_id, Case.handover_to_unit_id, Person.name.label("person_name"), Person.id_hash,
               *(count(model).label(model.__tablename__) for model in (ContactLog, RegistrationEntry, TransitionRecord)))
        .join(Person, Person.id == Case.person_id).where(Case.id == case_id)).one()
    return row._asdict()


def first_id(model, **where):
    return db.session.scalar(select(model.id).filter_by(**where).order_by(model.id))


def home_user(case):
    """The account that works the case (its worker, or the listing user for secretaries)."""
    if case.worker is not None:
        return case.worker
    record = db.session.scalar(select(TransitionRecord).where(TransitionRecord.case_id == case.id)
                               .order_by(TransitionRecord.id))
    return record.actor if record is not None else None


def outside(user_or_none, viewer):
    if user_or_none is None or user_or_none.org_unit.path.startswith(viewer.org_unit.path):
        return None
    return user_or_none.id


def inbox_item_of(user_id, case):
    """An inbox item of a user about the case, made through the real outbox if none exists."""
    from scheduler import delivery
    from workflow.db import utcnow
    from workflow.models import InboxItem, User
    from workflow.outbox import notify

    if user_id is None:
        return None
    if first_id(InboxItem, user_id=user_id) is None:
        notify(db.session.get(User, user_id), "sent_back", f"退回修改：{case.person.name}", case=case,
               key=f"probe:{case.id}:{user_id}")
        db.session.commit()
        delivery.run(utcnow())
    return first_id(InboxItem, user_id=user_id)


def import_batch_of(user_id, unit_id, case):
    """A roster preview made by a user of a unit (previewed, not imported)."""
    from tests.support.factories import roster_bytes
    from workflow.demo.synthetic import Synth
    from workflow.models import ImportBatch, User
    from workflow.roster import importer

    if user_id is None:
        return None
    if first_id(ImportBatch, user_id=user_id) is None:
        user = db.session.get(User, user_id)
        synth = Synth(user_id)
        row = (synth.name(), synth.id_number(), case.org_unit.name, synth.mobile(), "是", synth.address())
        data = roster_bytes([row], kind="csv")
        preview = importer.check("摸底名单.csv", data, case.project, user)
        importer.stage("摸底名单.csv", data, case.project, user, None, preview)
    return first_id(ImportBatch, user_id=user_id)


def certificate_of(case):
    """A 活动证 of the case, as the register would hold it."""
    from datetime import date

    from workflow.models import ActivityCertificate

    if first_id(ActivityCertificate, case_id=case.id) is None:
        db.session.add(ActivityCertificate(
            case_id=case.id, district_id=int(case.org_path.strip("/").split("/")[0]), issuing_unit_id=case.org_unit_id,
            number=f"probe-{case.id}", issued_on=date(2026, 1, 1), expires_on=date(2026, 12, 31), duration_months=12,
            reason="探测", dest_province="北京", dest_city="丰台", status="active", renewals=0))
        db.session.commit()
    return first_id(ActivityCertificate, case_id=case.id)


def member_report_of(case):
    """A pending self-report (a workplace change) of the case, as a member would send it."""
    from workflow.models import MemberLink, MemberReport

    if first_id(MemberReport, case_id=case.id) is None:
        link = MemberLink(case_id=case.id, token_hash=f"probe-{case.id}-".ljust(64, "0"), failures=0)
        db.session.add(link)
        db.session.flush()
        db.session.add(MemberReport(case_id=case.id, link_id=link.id, kind="change", item="workplace",
                                    values={"workplace": "探测物流园"}, status="pending", submission_id="probe"))
        db.session.commit()
    return first_id(MemberReport, case_id=case.id)


def household_of(case):
    """The household the case is in; made (the case as 户主) when it has none."""
    from workflow.models import Household, HouseholdMember

    if first_id(HouseholdMember, case_id=case.id) is None:
        household = Household(project_id=case.project_id, org_unit_id=case.org_unit_id, org_path=case.org_path)
        db.session.add(household)
        db.session.flush()
        db.session.add(HouseholdMember(household_id=household.id, case_id=case.id, is_head=True))
        db.session.commit()
    return db.session.get(HouseholdMember, first_id(HouseholdMember, case_id=case.id)).household_id


def foreign_inbox_item(case, viewer):
    return inbox_item_of(outside(home_user(case), viewer), case)


def foreign_import_batch(case, viewer):
    return import_batch_of(outside(home_user(case), viewer), case.org_unit_id, case)


# resource name -> id of that kind of object belonging to the case (None: the case has none).
RESOLVERS = {
    "item": foreign_inbox_item,
    "batch": foreign_import_batch,
    "report": lambda case, viewer: member_report_of(case),
    "certificate": lambda case, viewer: certificate_of(case),
    "household": lambda case, viewer: household_of(case),
    "case": lambda case, viewer: case.id,
    "person": lambda case, viewer: case.person_id,
    "unit": lambda case, viewer: case.org_unit_id,
    "contact": lambda case, viewer: first_id(ContactLog, case_id=case.id),
    "entry": lambda case, viewer: first_id(RegistrationEntry, case_id=case.id),
    "transition": lambda case, viewer: first_id(TransitionRecord, case_id=case.id),
    "audit": lambda case, viewer: first_id(AuditEvent, case_id=case.id),
    "user": lambda case, viewer: outside(home_user(case), viewer),
    "session": lambda case, viewer: first_id(UserSession, user_id=outside(home_user(case), viewer) or -1),
}
ALIASES = {
    "cases": "case", "people": "person", "persons": "person", "units": "unit", "org_unit": "unit",
    "org_units": "unit", "branch": "unit", "community": "unit", "contacts": "contact",
    "contact_log": "contact", "log": "contact", "logs": "contact", "entries": "entry",
    "registration": "entry", "registrations": "entry", "record": "transition",
    "history": "transition", "transitions": "transition", "event": "audit", "events": "audit",
    "users": "user", "worker": "user", "workers": "user", "account": "user",
    "sessions": "session", "user_session": "session",
}
# int arguments that are not ids of subtree-bound objects (nothing to hide by subtree).
NOT_SCOPED = {"page", "per_page", "year", "month", "day", "days", "limit", "project", "projects"}


def resource_of(rule, arg):
    """Name the kind of object an <int:arg> of rule points at: "case_id" -> case, "/cases/<int:id>" -> case."""
    name = arg[:-3] if arg.endswith("_id") else arg
    if name == "id":
        parts = rule.rule.split("/")
        index = next(i for i, part in enumerate(parts) if f":{arg}>" in part)
        name = parts[index - 1] if index > 0 else arg
    return ALIASES.get(name, name)


# For a user's own pages: their own account and sessions.
OWN = {
    "user": lambda case, user: user.id,
    "item": lambda case, user: inbox_item_of(user.id, case),
    "batch": lambda case, user: import_batch_of(user.id, user.org_unit_id, case),
    "session": lambda case, user: first_id(UserSession, user_id=user.id),
}


def own_values(rule, case, user, int_args):
    """Ids for rule's <int:...> arguments that belong to the case and the user (in scope)."""
    values = {}
    for arg in int_args(rule):
        resource = resource_of(rule, arg)
        if resource in NOT_SCOPED:
            values[arg] = 1
        elif resource in OWN:
            values[arg] = OWN[resource](case, user)
        elif resource in RESOLVERS:
            values[arg] = RESOLVERS[resource](case, user)
        else:
            values[arg] = case.id
    return values

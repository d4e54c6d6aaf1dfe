"""What the case page reads: the case, its 五必登 entries, its history and contacts, and the
actions allowed now; four statements however long the history (the session is the fifth), and
for a party member two more: the mobility with its clocks, and the 活动证 register."""

import functools
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from workflow.cases import registration
from workflow.cases.services import load_case
from workflow.db import db, utcnow
from workflow.models import ActivityCertificate, Case, ContactLog, OrgUnit, RegistrationEntry, TransitionRecord, User
from workflow.privacy.reveal import may_reveal
from workflow.process.engine import MOBILITY, get_engine
from workflow.reports import mobility

# What the page shows of the case besides its person, joined into the one statement that loads it.
LOAD = (joinedload(Case.project), joinedload(Case.org_unit), joinedload(Case.worker),
        joinedload(Case.handover_to_unit))
# What entry_problem() and the page's summaries read of a 五必登 entry, besides the unit's name.
ENTRY_COLUMNS = ("item", "is_current", "source", "recorded_at", "address", "address_kind", "phone",
                 "backup_name", "backup_phone", "workplace", "work_city", "org_unit_id", "org_note")

# Who did it, by name: an outer join instead of a User object per row. Built once:
# an alias costs more to build than the statement costs to run.
ACTOR = User.__table__.alias("actor_user")
ACTOR_NAME = ACTOR.c.display_name.label("actor")
CASE_ID = bindparam("case_id")


@dataclass
class CasePage:
    """The case and what its page shows; rows are column-only, with the actor's name."""

    case: Case
    registers: list  # every 五必登 entry, oldest first (ENTRY_COLUMNS, org_unit_name, actor)
    history: list  # trigger, to_state, reason, at, actor
    contacts: list  # kind, outcome, contacted_at, met_with, notes, actor
    statuses: list  # [(item, status, current entry, problem)] in the order of the five
    actions: list  # the transitions the user may fire now, one per trigger
    can_edit: bool
    owner: bool
    may_reveal: bool
    mobility: object = None  # reports.mobility.MobileRow of a party member, else None
    certificates: list = ()  # the 活动证 issued for the case, newest first
    mobility_refusal: str | None = None  # why the user may not manage the mobility now


@functools.cache
def _statements():
    """The timeline's three column-only statements, built once per process.

    On the tables, not the mapped classes: a Core statement of plain columns skips the ORM's
    compile and result steps (about 0.3 ms a statement on PostgreSQL, more than it costs to run).
    """
    records, logs, entries = TransitionRecord.__table__, ContactLog.__table__, RegistrationEntry.__table__
    units = OrgUnit.__table__
    history = (select(records.c.trigger, records.c.to_state, records.c.reason, records.c.at, ACTOR_NAME)
               .outerjoin(ACTOR, records.c.actor_id == ACTOR.c.id)
               .where(records.c.case_id == CASE_ID).order_by(records.c.at))
    contacts = (select(logs.c.kind, logs.c.outcome, logs.c.contacted_at, logs.c.met_with, logs.c.notes, ACTOR_NAME)
                .outerjoin(ACTOR, logs.c.user_id == ACTOR.c.id)
                .where(logs.c.case_id == CASE_ID).order_by(logs.c.contacted_at))
    registers = (select(*(entries.c[key] for key in ENTRY_COLUMNS), units.c.name.label("org_unit_name"), ACTOR_NAME)
                 .outerjoin(units, units.c.id == entries.c.org_unit_id)
                 .outerjoin(ACTOR, entries.c.recorded_by_id == ACTOR.c.id)
                 .where(entries.c.case_id == CASE_ID).order_by(entries.c.recorded_at))
    return history, contacts, registers


def case_page(case_id, user):
    """Read the case page of a case the user may see; raise CaseNotFound otherwise."""
    case = load_case(case_id, user, options=LOAD)
    engine = get_engine()
    history, contacts, registers = _statements()
    params = {"case_id": case.id}
    registers = db.session.execute(registers, params).all()  # the current entries are among them
    current = {row.item: row for row in registers if row.is_current}
    extra = {}
    if case.person.is_party_member:
        extra = dict(mobility=mobility.case_row(case.id, utcnow()), mobility_refusal=engine.refusal(case, MOBILITY, user),
                     certificates=db.session.scalars(select(ActivityCertificate).where(
                         ActivityCertificate.case_id == case.id).order_by(ActivityCertificate.id.desc())).all())
    return CasePage(
        case=case, registers=registers,
        history=db.session.execute(history, params).all(),
        contacts=db.session.execute(contacts, params).all(),
        statuses=registration.statuses(case.id, current),
        actions=engine.available(case, user), can_edit=engine.may_edit(case, user),
        owner=engine.in_scope(user, case), may_reveal=may_reveal(case, user), **extra,
    )

"""What the case page shows: the person, 三个一, 五必登, one timeline and the allowed actions."""

import functools
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased, joinedload

from workflow.cases import registration
from workflow.cases.registration import ADDRESS_KINDS
from workflow.db import db
from workflow.models import Case, ContactLog, OrgUnit, RegistrationEntry, TransitionRecord, User
from workflow.models.contact import KINDS as CONTACT_KINDS
from workflow.models.contact import OUTCOMES
from workflow.models.registration import ITEMS
from workflow.privacy.identity import mask_phone
from workflow.privacy.reveal import may_reveal
from workflow.process.engine import get_engine
from workflow.text import current_language, label

# The screen of each trigger; the rest use the generic transition screen.
SCREENS = {
    "visit": ("case_forms.visit", {}),
    "submit": ("case_actions.submit", {}),
    "contact": ("case_actions.follow_up", {}),
    "miss": ("case_actions.follow_up", {"outcome": "not_reached"}),
    "reconnect": ("case_actions.follow_up", {"outcome": "reached"}),
    "hand_over": ("case_actions.handover", {}),
}
# What the page shows of the case besides its person, joined into the one statement that loads it.
LOAD = (joinedload(Case.project), joinedload(Case.org_unit), joinedload(Case.worker),
        joinedload(Case.handover_to_unit))
# What entry_problem() and entry_summary() read of a 五必登 entry, besides the unit's name.
ENTRY_COLUMNS = ("item", "is_current", "source", "recorded_at", "address", "address_kind", "phone",
                 "backup_name", "backup_phone", "workplace", "work_city", "org_unit_id", "org_note")
# Triggers that take the case back or refuse something look different from the rest.
SECONDARY = {"send_back", "reject", "miss"}


def action_url(case, trigger):
    """The URL of the screen that fires a trigger on the case."""
    endpoint, args = SCREENS.get(trigger, ("case_actions.transition", {"trigger": trigger}))
    return url_for(endpoint, case_id=case.id, **args)


@dataclass
class Event:
    """One line of the timeline."""

    at: object
    kind: str  # "transition", "contact", "register"
    title: str
    detail: str
    actor: str


def entry_summary(item, entry, reveal=False):
    """A short text of one 五必登 entry; phones masked unless revealed."""
    if entry is None:
        return ""
    phone = (lambda p: p or "") if reveal else mask_phone
    if item == "original_address":
        return entry.address or ""
    if item == "destination_address":
        kind = label(ADDRESS_KINDS[entry.address_kind]) if entry.address_kind in ADDRESS_KINDS else ""
        return " ".join(p for p in (entry.address, f"（{kind}）" if kind else "") if p)
    if item == "contact":
        text = phone(entry.phone)
        if entry.backup_name or entry.backup_phone:
            text += "；" + _("备用") + " " + " ".join(p for p in (entry.backup_name, phone(entry.backup_phone)) if p)
        return text
    if item == "workplace":
        return " ".join(p for p in (entry.workplace, entry.work_city) if p)
    return entry.org_unit_name or (entry.org_note or "")


# Timeline titles, made once per process and language: a history repeats a handful of
# (trigger, state), (kind, outcome) and (item, source) pairs, each costing several catalogue look-ups.
@functools.lru_cache(maxsize=512)
def _transition_title(engine, language, trigger, to_state):
    name = _("列入名单") if trigger == "list" else engine.trigger_label(trigger)
    return f"{name} → {engine.state_label(to_state)}"


@functools.lru_cache(maxsize=512)
def _contact_title(language, kind, outcome):
    return f"{label(CONTACT_KINDS[kind])} · {label(OUTCOMES[outcome])}"


@functools.lru_cache(maxsize=512)
def _register_title(language, item, source):
    title = _("五必登：%(item)s", item=label(ITEMS[item]))
    return title + " " + _("（跟踪联系中更新）") if source == "contact" else title


def _transition_event(row, engine, language):
    title = _transition_title(engine, language, row.trigger, row.to_state)
    return Event(row.at, "transition", title, row.reason or "", row.actor or "")


def _contact_event(row, language):
    detail = "；".join(p for p in ((_("见到") + " " + row.met_with) if row.met_with else "", row.notes or "") if p)
    return Event(row.contacted_at, "contact", _contact_title(language, row.kind, row.outcome), detail,
                 row.actor or "")


def _register_event(row, reveal, language):
    return Event(row.recorded_at, "register", _register_title(language, row.item, row.source),
                 entry_summary(row.item, row, reveal), row.actor or "")


# Who did it, by name: an outer join instead of a User object per row. Built once:
# an alias costs more to build than the statement costs to run.
ACTOR = aliased(User, name="actor_user")
ACTOR_NAME = ACTOR.display_name.label("actor")
CASE_ID = bindparam("case_id")


@functools.cache
def _statements():
    """The timeline's three column-only statements, built once per process."""
    history = (select(TransitionRecord.trigger, TransitionRecord.to_state, TransitionRecord.reason,
                      TransitionRecord.at, ACTOR_NAME)
               .outerjoin(ACTOR, TransitionRecord.actor_id == ACTOR.id)
               .where(TransitionRecord.case_id == CASE_ID).order_by(TransitionRecord.at))
    contacts = (select(ContactLog.kind, ContactLog.outcome, ContactLog.contacted_at, ContactLog.met_with,
                       ContactLog.notes, ACTOR_NAME)
                .outerjoin(ACTOR, ContactLog.user_id == ACTOR.id)
                .where(ContactLog.case_id == CASE_ID).order_by(ContactLog.contacted_at))
    registers = (select(*(getattr(RegistrationEntry, key) for key in ENTRY_COLUMNS),
                        OrgUnit.name.label("org_unit_name"), ACTOR_NAME)
                 .outerjoin(OrgUnit, OrgUnit.id == RegistrationEntry.org_unit_id)
                 .outerjoin(ACTOR, RegistrationEntry.recorded_by_id == ACTOR.id)
                 .where(RegistrationEntry.case_id == CASE_ID).order_by(RegistrationEntry.recorded_at))
    return history, contacts, registers


def register_rows(case_id):
    """Every 五必登 entry of the case, oldest first, with the unit's and the recorder's names."""
    return db.session.execute(_statements()[2], {"case_id": case_id}).all()


def timeline(case, reveal=False, registers=None):
    """Contacts, state changes and 五必登 changes as one list, newest first."""
    # Column-only rows with the actor's name joined: three statements however long the history.
    engine = get_engine()
    registers = register_rows(case.id) if registers is None else registers
    language = current_language()
    history, contacts, _registers = _statements()
    events = [_transition_event(r, engine, language) for r in db.session.execute(history, {"case_id": case.id})]
    events += [_contact_event(c, language) for c in db.session.execute(contacts, {"case_id": case.id})]
    events += [_register_event(e, reveal, language) for e in registers]
    return sorted(events, key=lambda e: e.at, reverse=True)


def context(case, user, revealed_id=None):
    """Everything the case page template needs."""
    engine = get_engine()
    reveal = revealed_id is not None
    registers = register_rows(case.id)  # the current entries are among them: one statement for both
    current = {row.item: row for row in registers if row.is_current}
    statuses = [(item, status, entry, problem, entry_summary(item, entry, reveal))
                for item, status, entry, problem in registration.statuses(case.id, current)]
    actions = [(t.trigger, engine.trigger_label(t.trigger), action_url(case, t.trigger),
                t.trigger in SECONDARY) for t in engine.available(case, user)]
    owner = engine.in_scope(user, case)
    return {
        "case": case, "statuses": statuses, "items": ITEMS, "actions": actions,
        "can_edit": engine.may_edit(case, user), "owner": owner,
        "may_reveal": may_reveal(case, user), "revealed_id": revealed_id,
        "timeline": timeline(case, reveal, registers),
    }

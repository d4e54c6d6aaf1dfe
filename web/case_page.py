"""What the case page shows: the person, 三个一, 五必登, one timeline and the allowed actions."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workflow import registration
from workflow.actions import may_reveal
from workflow.db import db
from workflow.engine import get_engine
from workflow.identity import mask_phone
from workflow.models import ContactLog, RegistrationEntry, TransitionRecord
from workflow.models.contact import KINDS as CONTACT_KINDS
from workflow.models.contact import OUTCOMES
from workflow.models.registration import ITEMS
from workflow.registration import ADDRESS_KINDS
from workflow.services import editable
from workflow.text import label

# The screen of each trigger; the rest use the generic transition screen.
SCREENS = {
    "visit": ("case_forms.visit", {}),
    "submit": ("case_actions.submit", {}),
    "contact": ("case_actions.follow_up", {}),
    "miss": ("case_actions.follow_up", {"outcome": "not_reached"}),
    "reconnect": ("case_actions.follow_up", {"outcome": "reached"}),
    "hand_over": ("case_actions.handover", {}),
}
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
    return entry.org_unit.name if entry.org_unit else (entry.org_note or "")


def _transition_event(record):
    engine = get_engine()
    name = _("列入名单") if record.trigger == "list" else engine.trigger_label(record.trigger)
    title = f"{name} → {engine.state_label(record.to_state)}"
    return Event(record.at, "transition", title, record.reason or "",
                 record.actor.display_name if record.actor else "")


def _contact_event(log):
    title = f"{label(CONTACT_KINDS[log.kind])} · {label(OUTCOMES[log.outcome])}"
    detail = "；".join(p for p in ((_("见到") + " " + log.met_with) if log.met_with else "", log.notes or "") if p)
    return Event(log.contacted_at, "contact", title, detail, log.user.display_name if log.user else "")


def _register_event(entry, reveal):
    title = _("五必登：%(item)s", item=label(ITEMS[entry.item]))
    if entry.source == "contact":
        title += " " + _("（跟踪联系中更新）")
    return Event(entry.recorded_at, "register", title, entry_summary(entry.item, entry, reveal),
                 entry.recorded_by.display_name if entry.recorded_by else "")


def timeline(case, reveal=False):
    """Contacts, state changes and 五必登 changes as one list, newest first."""
    def rows(model, time_column, *people):
        # Who did it comes with each row: the query count stays flat as the history grows.
        query = select(model).where(model.case_id == case.id).order_by(time_column)
        return db.session.scalars(query.options(*(joinedload(p) for p in people))).all()

    events = [_transition_event(r) for r in rows(TransitionRecord, TransitionRecord.at, TransitionRecord.actor)]
    events += [_contact_event(c) for c in rows(ContactLog, ContactLog.contacted_at, ContactLog.user)]
    events += [_register_event(e, reveal) for e in rows(
        RegistrationEntry, RegistrationEntry.recorded_at, RegistrationEntry.recorded_by, RegistrationEntry.org_unit)]
    return sorted(events, key=lambda e: e.at, reverse=True)


def context(case, user, revealed_id=None):
    """Everything the case page template needs."""
    engine = get_engine()
    reveal = revealed_id is not None
    statuses = [(item, status, entry, problem, entry_summary(item, entry, reveal))
                for item, status, entry, problem in registration.statuses(case.id)]
    actions = [(t.trigger, engine.trigger_label(t.trigger), action_url(case, t.trigger),
                t.trigger in SECONDARY) for t in engine.available(case, user)]
    owner = engine.in_scope(user, case)
    return {
        "case": case, "statuses": statuses, "items": ITEMS, "actions": actions,
        "can_edit": owner and editable(case), "owner": owner,
        "may_reveal": may_reveal(case, user), "revealed_id": revealed_id,
        "timeline": timeline(case, reveal),
    }

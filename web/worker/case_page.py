"""What the case page says: 五必登 summaries, one timeline and the allowed actions, from its read."""

import functools
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from web.worker import mobility_text
from workflow.cases.registration import ADDRESS_KINDS
from workflow.db import utcnow
from workflow.mobility.clocks import local_day
from workflow.mobility.policy import get_policy
from workflow.models.contact import KINDS as CONTACT_KINDS
from workflow.models.contact import OUTCOMES
from workflow.models.registration import ITEMS
from workflow.privacy.identity import mask_phone
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
    if source == "household":  # issue 15: the household's shared address, entered for this member
        return title + " " + _("（本户共用）")
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


def timeline(page, reveal=False):
    """Contacts, state changes and 五必登 changes as one list, newest first."""
    engine, language = get_engine(), current_language()
    events = [_transition_event(r, engine, language) for r in page.history]
    events += [_contact_event(c, language) for c in page.contacts]
    events += [_register_event(e, reveal, language) for e in page.registers]
    return sorted(events, key=lambda e: e.at, reverse=True)


def context(page, revealed_id=None):
    """Everything the case page template needs, from the page's read (workflow.reports.timeline)."""
    engine, case = get_engine(), page.case
    reveal = revealed_id is not None
    statuses = [(item, status, entry, problem, entry_summary(item, entry, reveal))
                for item, status, entry, problem in page.statuses]
    actions = [(t.trigger, engine.trigger_label(t.trigger), action_url(case, t.trigger),
                t.trigger in SECONDARY) for t in page.actions]
    return {
        "case": case, "statuses": statuses, "items": ITEMS, "actions": actions,
        "can_edit": page.can_edit, "owner": page.owner,
        "may_reveal": page.may_reveal, "revealed_id": revealed_id,
        "timeline": timeline(page, reveal), **_mobility(page),
        "phone_masked": next((mask_phone(e.phone) for item, _s, e, _p in page.statuses
                              if item == "contact" and e is not None and e.phone), None),
    }


def _mobility(page):
    """The 流动党员 card of a party member's case (nothing for a resident)."""
    if page.mobility is None:
        return {"mobility": None}
    policy, today = get_policy(), local_day(utcnow())
    return {"mobility": page.mobility, "certificates": page.certificates, "mobility_refusal": page.mobility_refusal,
            "mobility_policy": policy, "today": today, "mt": mobility_text,
            "away_line": mobility_text.away_line(page.mobility.clocks, today)}

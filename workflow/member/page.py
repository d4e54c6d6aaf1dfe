"""What the member's page shows: who to reach, what the branch asks now, their data masked."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from workflow.cases import registration
from workflow.db import utcnow
from workflow.member.reports import reports_of
from workflow.models.member import ORG_LIFE_PLACES
from workflow.privacy.identity import mask_phone
from workflow.process.engine import get_engine
from workflow.text import label


@dataclass
class Contacts:
    """The branch, its secretary and the responsible worker, as on the card."""

    branch: str
    community: str | None
    secretary: str | None
    secretary_phone: str | None
    worker: str | None
    worker_phone: str | None


def contacts(case):
    """Who the member can reach (shown before verification: the card carries it too)."""
    card = registration.card_facts(case)
    branch, note, community = card["branch"], card["branch_note"], card["community"]
    worker = case.worker
    return Contacts(branch=note or (branch.name if branch else ""), community=community.name if community else None,
                    secretary=branch.secretary_name if branch else None,
                    secretary_phone=branch.secretary_phone if branch else None,
                    worker=worker.display_name if worker else None, worker_phone=worker.phone if worker else None)


def asks(case, entries, now=None):
    """What the branch asks of the member now, most pressing first (Chinese)."""
    now = now or utcnow()
    found = []
    if registration.entry_problem("contact", entries.get("contact")) is not None:
        found.append(_("请确认您的联系方式"))
    lead = timedelta(days=current_app.config["REMINDER_LEAD_DAYS"])
    if case.due_kind == "follow_up" and case.next_due_at is not None and case.next_due_at <= now + lead:
        found.append(_("请平安报到，告诉支部您一切安好"))
    if case.person.is_party_member:
        found.append(_("请按时参加组织生活，参加后可在这里报告"))
    return found


def _masked_address(text):
    text = (text or "").strip()
    return text[:6] + "…" if len(text) > 6 else text


def masked(case, entries):
    """The member's own data as the worker's lists show it: masked."""
    contact, destination = entries.get("contact"), entries.get("destination_address")
    workplace = entries.get("workplace")
    return {
        "name": case.person.name, "id_masked": case.person.id_masked,
        "phone": mask_phone(contact.phone) if contact and contact.phone else None,
        "address": _masked_address(destination.address) if destination else None,
        "workplace": _masked_address(workplace.workplace) if workplace else None,
    }


def summary(report):
    """What a report said, in one line (the phone masked)."""
    values = report.values or {}
    if report.kind == "change":
        if report.item == "contact":
            return _("手机号码：%(v)s", v=mask_phone(values.get("phone") or ""))
        if report.item == "workplace":
            return _("工作单位/务工地：%(v)s", v=" ".join(filter(None, (values.get("workplace"), values.get("work_city")))))
        kind = registration.ADDRESS_KINDS.get(values.get("address_kind"))
        return _("去向住址：%(v)s", v=(values.get("address") or "") + (f"（{label(kind)}）" if kind else ""))
    if report.kind == "org_life":
        place = ORG_LIFE_PLACES.get(values.get("place"))
        return " ".join(filter(None, (values.get("date"), label(place) if place else "", values.get("where"))))
    return values.get("note") or ""


def member_view(case, now=None):
    """Everything the verified page shows."""
    entries = registration.current_entries(case.id)
    frozen = case.state in get_engine().definition.settings["self_reports_frozen_in"]
    return {"asks": asks(case, entries, now), "me": masked(case, entries), "reports": reports_of(case.id),
            "frozen": frozen}

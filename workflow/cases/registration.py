"""The 五必登: current entries, each item's status, and recording a change with history."""

from flask_babel import gettext as _
from sqlalchemy import select, update

from workflow.db import db, utcnow
from workflow.models.registration import ITEMS, RegistrationEntry
from workflow.privacy.identity import InvalidValue, clean_mobile, clean_phone

FIELDS = {
    "original_address": ("address",),
    "destination_address": ("address", "address_kind"),
    "contact": ("phone", "backup_name", "backup_phone"),
    "workplace": ("workplace", "work_city"),
    "org_relation": ("org_unit_id", "org_note"),
}
ADDRESS_KINDS = {"transitional": ("过渡住址", "Transitional"), "resettlement": ("安置住址", "Resettlement")}


def current_entries(case_id):
    """Return {item: entry} of the current entries of a case."""
    rows = db.session.scalars(
        select(RegistrationEntry).where(
            RegistrationEntry.case_id == case_id, RegistrationEntry.is_current.is_(True)
        )
    )
    return {row.item: row for row in rows}


def entry_problem(item, entry):
    """Return why an item is not complete (Chinese), or None when it is."""
    if entry is None:
        return _("未填写")
    try:
        if item in ("original_address", "destination_address"):
            if not (entry.address or "").strip():
                return _("未填写")
            if item == "destination_address" and entry.address_kind not in ADDRESS_KINDS:
                return _("未选择过渡住址或安置住址")
        elif item == "contact":
            clean_mobile(entry.phone)
            if not (entry.backup_name or "").strip():
                return _("缺少备用联系人")
            clean_phone(entry.backup_phone)
        elif item == "workplace":
            if not (entry.workplace or "").strip():
                return _("未填写")
        elif item == "org_relation":
            if entry.org_unit_id is None and not (entry.org_note or "").strip():
                return _("未填写")
    except InvalidValue as exc:
        return str(exc)
    return None


def statuses(case_id, entries=None):
    """Return [(item, status, entry, problem)] in the order of the five; status is
    "complete", "missing" or "invalid". entries: {item: entry} when the caller has them."""
    entries = current_entries(case_id) if entries is None else entries
    result = []
    for item in ITEMS:
        entry = entries.get(item)
        problem = entry_problem(item, entry)
        status = "complete" if problem is None else ("missing" if entry is None else "invalid")
        result.append((item, status, entry, problem))
    return result


def phone_to_call(case_id):
    """The current mobile of a case's person (from the 联系方式 entry), or None."""
    entry = current_entries(case_id).get("contact")
    return entry.phone if entry is not None and entry.phone else None


# The unit a card names as 所在支部: a branch as it is; a 党小组 belongs to its branch; a
# person listed at a community (no branch) is the 党总支's. The street is no one's branch.
BRANCH_KINDS = ("courtyard_branch", "mobile_branch", "community")


def branch_of(unit):
    """The branch (or community 党总支) a unit belongs to, or None above the communities."""
    while unit is not None and unit.kind not in BRANCH_KINDS:
        if unit.kind == "street":
            return None
        unit = unit.parent
    return unit


def card_facts(case):
    """The branch, its community and the note shown on the contact card: the 组织关系's
    branch when it names one, else the branch of the case's own unit."""
    entry = current_entries(case.id).get("org_relation")
    note = entry.org_note if entry is not None and entry.org_unit is None else None
    branch = branch_of(entry.org_unit) if entry is not None and entry.org_unit is not None else None
    community = case.org_unit
    while community is not None and community.kind != "community":
        community = community.parent
    return {"branch": None if note else (branch or branch_of(case.org_unit)), "branch_note": note,
            "community": community}


def record(case, item, actor, source="registration", now=None, **values):
    """Make a new current entry when the values differ; the old one stays as history."""
    if item not in ITEMS:
        raise ValueError(f"unknown item {item}")
    fields = {key: values.get(key) for key in FIELDS[item]}
    old = current_entries(case.id).get(item)
    if old is not None and all(getattr(old, k) == v for k, v in fields.items()):
        return old
    if old is not None:
        db.session.execute(
            update(RegistrationEntry)
            .where(RegistrationEntry.id == old.id)
            .values(is_current=False)
        )
    entry = RegistrationEntry(
        case_id=case.id, item=item, is_current=True, source=source,
        recorded_at=now or utcnow(), recorded_by_id=actor.id if actor else None,
        note=values.get("note"), **fields,
    )
    db.session.add(entry)
    return entry


def history(case_id, item):
    """Every entry of one item, newest first."""
    return db.session.scalars(
        select(RegistrationEntry)
        .where(RegistrationEntry.case_id == case_id, RegistrationEntry.item == item)
        .order_by(RegistrationEntry.recorded_at.desc(), RegistrationEntry.id.desc())
    ).all()

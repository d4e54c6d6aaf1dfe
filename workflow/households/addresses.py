"""The household's 原住址 and 去向住址: registered once, entered on each following member's case.

A member follows an item while their current entry of it came from the household, says
the same as the household's, or is missing; an entry of their own (typed on their 五必登, from a follow-up or their
own report) overrides the household's for them, and later household changes pass them by.
"""

from flask_babel import gettext as _

from workflow.cases import registration
from workflow.cases.services import commit_or_conflict
from workflow.db import db, utcnow
from workflow.errors import Conflict, NotAllowed
from workflow.households.errors import MembersRefused
from workflow.models.audit import record as audit
from workflow.process.engine import get_engine

SOURCE = "household"


def _values(household):
    """{item: values} of the household's addresses that are set."""
    values = {}
    if household.original_address:
        values["original_address"] = {"address": household.original_address}
    if household.destination_address:
        values["destination_address"] = {"address": household.destination_address,
                                         "address_kind": household.destination_kind}
    return values


def take_from(household, case):
    """Start a new household's addresses from its head's current entries."""
    entries = registration.current_entries(case.id)
    if (entry := entries.get("original_address")) is not None:
        household.original_address = entry.address
    if (entry := entries.get("destination_address")) is not None:
        household.destination_address, household.destination_kind = entry.address, entry.address_kind


def follows(household, entry):
    """Say whether a member with this current entry follows the household for its item:
    none yet, entered from the household, or saying what the household says (the head's own)."""
    if entry is None or entry.source == SOURCE:
        return True
    values = _values(household).get(entry.item)
    return values is not None and all(getattr(entry, key) == value for key, value in values.items())


def follow(household, case, actor, now=None, items=None):
    """Enter the household's addresses (or those of items) on the case as its current entries."""
    wrote = False
    for item, values in _values(household).items():
        if items is None or item in items:
            entry = registration.record(case, item, actor, source=SOURCE, now=now, **values)
            wrote = wrote or entry.id is None  # a new entry, not yet flushed; the same values keep the old
    if wrote:
        case.updated_at = utcnow()  # a new version: forms opened before see the change
    return wrote


def join(household, case, actor, now=None):
    """A new member takes the household's addresses, unless their case is frozen (they keep theirs)."""
    if _refusal(case, actor) is None:
        follow(household, case, actor, now)


def _refusal(case, actor):
    """Why the case cannot take a household address change now, or None."""
    engine = get_engine()
    if not engine.in_scope(actor, case):
        return _("只有案件所属单位可以修改登记信息")
    if case.state in engine.definition.settings["household_addresses_frozen_in"]:
        return _("案件处于“%(state)s”状态，登记信息已冻结，不能修改", state=engine.state_label(case.state))
    return None


def followers(household, item):
    """The member cases whose current entry of item follows the household."""
    return [m.case for m in household.members
            if follows(household, registration.current_entries(m.case_id).get(item))]


def set_addresses(actor, household, *, original, destination, destination_kind, expected_version, now=None):
    """Change the household's addresses and enter each change on every following member; all or nothing."""
    if expected_version is not None and int(expected_version) != household.version:
        raise Conflict()
    if not household.org_path.startswith(actor.org_unit.path):
        raise NotAllowed(_("只有本户所属单位可以修改住址"))
    if (household.original_address and not original) or (household.destination_address and not destination):
        raise NotAllowed(_("已登记的住址不能清空，只能改为新住址"))
    changed = []
    if (original or None) != household.original_address:
        changed.append("original_address")
    if ((destination or None), destination_kind if destination else None) != (
            household.destination_address, household.destination_kind if household.destination_address else None):
        changed.append("destination_address")
    if not changed:
        return []
    by_item = {item: followers(household, item) for item in changed}
    cases = {c.id: c for found in by_item.values() for c in found}
    refusals = [(c, reason) for c in cases.values() if (reason := _refusal(c, actor)) is not None]
    if refusals:
        db.session.rollback()
        raise MembersRefused(refusals)
    household.original_address = original or None  # the household's version steps: a change
    household.destination_address = destination or None
    household.destination_kind = destination_kind if destination else None
    for case in cases.values():
        follow(household, case, actor, now, items=[i for i in changed if case in by_item[i]])
    audit("household_addresses", user=actor, household_id=household.id, items=changed, members=len(cases))
    commit_or_conflict()
    return changed

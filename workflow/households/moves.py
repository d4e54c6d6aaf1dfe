"""搬迁 and 移交 for the household together: every ticked member's case moves, or none does."""

from flask_babel import gettext as _

from workflow.db import db
from workflow.errors import NotAllowed
from workflow.households.steps import fire_all, refuse_unless_all, ticked_cases
from workflow.models import OrgUnit
from workflow.process.engine import get_engine

# The triggers a household takes together, each with the screen's fields it reads.
TOGETHER = ("move_out", "hand_over")


def _data(trigger, kind, to_unit_id, external):
    if trigger != "hand_over":
        return {}
    return {"kind": kind, "to_unit": db.session.get(OrgUnit, to_unit_id) if to_unit_id else None,
            "external": (external or "").strip() or None}


def blocked(household, trigger, actor):
    """{case_id: reason} of the members who cannot take trigger now (guards not asked)."""
    engine, found = get_engine(), {}
    for member in household.members:
        reason = engine.refusal(member.case, trigger, actor)
        if reason:
            found[member.case_id] = reason
    return found


def move_household(actor, household, trigger, versions, *, reason=None, now=None,
                   kind=None, to_unit_id=None, external=None):
    """Fire trigger (搬迁 or 移交) on each ticked member's case in one transaction; refuse all if one cannot."""
    if trigger not in TOGETHER:
        raise NotAllowed(_("未知的操作：%(trigger)s", trigger=trigger))
    cases = ticked_cases(household, versions)
    data = _data(trigger, kind, to_unit_id, external)
    refuse_unless_all(cases, trigger, actor, versions, **data)
    engine = get_engine()

    def move_one(case):
        engine.fire(case, trigger, actor, expected_version=versions[case.id], reason=reason,
                    now=now, commit=False, **data)

    fire_all(cases, move_one)
    return cases


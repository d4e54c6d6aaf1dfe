"""Propose a handover (移交): the units that may receive a case, and the proposal itself."""

from workflow.cases.choices import all_units
from workflow.db import db
from workflow.models import OrgUnit
from workflow.process.engine import get_engine


def handover_targets(case):
    """Units that may receive the case: not its own unit, nor one above it."""
    return [u for u in all_units() if not case.org_path.startswith(u.path)]


def propose_handover(case, actor, *, kind, to_unit_id, external, reason, expected_version):
    """Fire hand_over to a unit of the system or somewhere outside it; return the target's name."""
    to_unit = db.session.get(OrgUnit, to_unit_id) if to_unit_id else None
    external = (external or "").strip() or None
    get_engine().fire(case, "hand_over", actor, expected_version=expected_version,
                      reason=reason, kind=kind, to_unit=to_unit, external=external)
    return to_unit.name if to_unit else external

"""Add per-unit numbers up the org tree, and order the report rows worst first."""

from dataclasses import dataclass, field

from sqlalchemy import select

from workflow.cases.services import units_in
from workflow.models import OrgUnit
from workflow.models.org import subtree_filter

# The rows of a supervisor's report: communities and branches (groups roll into their branch).
REPORT_KINDS = ("community", "courtyard_branch", "mobile_branch")


def subtree_units(unit):
    """A subquery of the ids of every unit in unit's subtree.

    Counting cases by org_unit_id IN (...) uses the (org_unit_id, state, next_due_at)
    indexes alone; a case's org_unit_id and org_path always move together.
    """
    return select(OrgUnit.id).where(subtree_filter(OrgUnit.path, unit)).scalar_subquery()


def path_ids(path):
    """Return the unit ids of a materialised path, root first: "/1/5/" -> [1, 5]."""
    return [int(part) for part in path.strip("/").split("/") if part]


def rollup(units, per_unit):
    """Return {unit_id: {key: total}}: each unit's own numbers plus its descendants'.

    per_unit maps a unit id to a dict of numbers; units are those of one subtree.
    The cost grows with the number of units, never with the number of cases.
    """
    known = {u.id for u in units}
    totals = {u.id: {} for u in units}
    by_id = {u.id: u for u in units}
    for unit_id, numbers in per_unit.items():
        unit = by_id.get(unit_id)
        if unit is None:
            continue
        for ancestor in path_ids(unit.path):
            if ancestor in known:
                bucket = totals[ancestor]
                for key, value in numbers.items():
                    bucket[key] = bucket.get(key, 0) + value
    return totals


@dataclass
class ReportRow:
    unit: object
    depth: int
    numbers: dict
    children: list = field(default_factory=list)
    months: list = field(default_factory=list)  # [(month, numbers)] where a trend is shown


def report_rows(viewer_unit, per_unit, worst_key):
    """Return the community/branch rows below viewer_unit, siblings worst first.

    Each row carries rolled-up numbers; the list is flattened depth first so a
    community is followed by its own branches. worst_key(numbers) sorts ascending.
    """
    units = units_in(viewer_unit)
    totals = rollup(units, per_unit)
    below = [u for u in units if u.id != viewer_unit.id]
    chosen = [u for u in below if u.kind in REPORT_KINDS]
    if not chosen:
        chosen = [u for u in below if u.parent_id == viewer_unit.id]
    rows = {u.id: ReportRow(u, 0, totals[u.id]) for u in chosen}
    roots = []
    for unit in chosen:
        parent = next((rows[a] for a in reversed(path_ids(unit.path)[:-1]) if a in rows), None)
        (parent.children if parent else roots).append(rows[unit.id])
    return _flatten(roots, 0, worst_key), totals.get(viewer_unit.id, {})


def _flatten(rows, depth, worst_key):
    out = []
    for row in sorted(rows, key=lambda r: (worst_key(r.numbers), r.unit.path)):
        row.depth = depth
        out.append(row)
        out.extend(_flatten(row.children, depth + 1, worst_key))
    return out

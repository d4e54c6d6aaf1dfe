"""The supervisor's case filter: one definition shared by dashboard links, lists and exports.

Every number on the dashboard is counted with the same conditions this filter
applies, so following a number's link lists exactly those cases.
"""

import math
from dataclasses import dataclass, replace
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.db import db
from workflow.models import Case, Household, HouseholdMember, OrgUnit, Project, User
from workflow.process.engine import get_engine
from workflow.reports.rollup import subtree_units
from workflow.text import N_

# Overdue buckets: key -> (more than this many days late, at most this many days late).
# A case due 5 hours ago is in "1-7": every started day late counts.
BUCKETS = {"1-7": (0, 7), "8-30": (7, 30), "gt30": (30, None)}
BUCKET_LABELS = {"1-7": N_("1–7天"), "8-30": N_("8–30天"), "gt30": N_("30天以上")}
OVERDUE_ANY = "any"


class FilterError(ValueError):
    """A filter value is unknown or lies outside the viewer's subtree (answer 404)."""


def days_late(due, now):
    """Return how many days (every started day counts) a deadline is past, 0 if not past."""
    if due is None or due >= now:
        return 0
    return math.ceil((now - due).total_seconds() / 86400)


def bucket_range(key, now):
    """Return (due_from, due_before) of a bucket: due_from <= next_due_at < due_before."""
    if key == OVERDUE_ANY:
        return None, now
    more_than, at_most = BUCKETS[key]
    due_before = now - timedelta(days=more_than) if more_than else now
    due_from = now - timedelta(days=at_most) if at_most is not None else None
    return due_from, due_before


def bucket_conditions(key, now, column=None):
    """SQL conditions selecting the cases of one overdue bucket."""
    column = Case.next_due_at if column is None else column
    due_from, due_before = bucket_range(key, now)
    conditions = [column.is_not(None), column < due_before]
    if due_from is not None:
        conditions.append(column >= due_from)
    return conditions


@dataclass(frozen=True)
class CaseFilter:
    unit: OrgUnit
    state: str | None = None
    overdue: str | None = None
    worker_id: int | None = None  # 0: cases without a responsible worker
    project_id: int | None = None
    household_id: int | None = None  # the members of one household (issue 15)

    def conditions(self, now):
        """The SQL conditions of this filter."""
        # The same subtree condition the dashboard counts with (and its indexes).
        out = [Case.org_unit_id.in_(subtree_units(self.unit))]
        if self.state:
            out.append(Case.state == self.state)
        if self.overdue:
            out.extend(bucket_conditions(self.overdue, now))
        if self.worker_id == 0:
            out.append(Case.worker_id.is_(None))
        elif self.worker_id:
            out.append(Case.worker_id == self.worker_id)
        if self.project_id:
            out.append(Case.project_id == self.project_id)
        if self.household_id:
            out.append(Case.id.in_(select(HouseholdMember.case_id)
                                   .where(HouseholdMember.household_id == self.household_id)))
        return out

    def args(self):
        """The query-string arguments that rebuild this filter."""
        out = {"unit": self.unit.id}
        for key, value in (("state", self.state), ("overdue", self.overdue),
                           ("worker", self.worker_id), ("project", self.project_id),
                           ("household", self.household_id)):
            if value is not None:
                out[key] = value
        return out

    def with_(self, **changes):
        return replace(self, **changes)

    def describe(self):
        """Say in words what the filter selects (the ledger header, the list title)."""
        parts = [self.unit.name]
        if self.state:
            parts.append(_("状态：%(s)s", s=get_engine().state_label(self.state)))
        if self.overdue == OVERDUE_ANY:
            parts.append(_("已逾期"))
        elif self.overdue:
            parts.append(_("逾期%(b)s", b=_(BUCKET_LABELS[self.overdue])))
        if self.worker_id == 0:
            parts.append(_("未指定责任人"))
        elif self.worker_id:
            worker = db.session.get(User, self.worker_id)
            parts.append(_("责任人：%(n)s", n=worker.display_name))
        if self.project_id:
            parts.append(_("项目：%(n)s", n=db.session.get(Project, self.project_id).name))
        if self.household_id:
            number = db.session.get(Household, self.household_id).number
            parts.append(_("家庭户：%(n)s", n=number) if number else _("家庭户"))
        return " · ".join(parts)


def from_args(args, viewer):
    """Build a filter from query-string (or form) arguments; unknown values raise FilterError."""
    unit = viewer.org_unit
    if args.get("unit"):
        unit = db.session.get(OrgUnit, _int(args.get("unit")))
        if unit is None or not unit.path.startswith(viewer.org_unit.path):
            raise FilterError("unit")
    state = args.get("state") or None
    if state is not None and state not in get_engine().definition.states:
        raise FilterError("state")
    overdue = args.get("overdue") or None
    if overdue is not None and overdue not in BUCKETS and overdue != OVERDUE_ANY:
        raise FilterError("overdue")
    worker_id = _int(args["worker"]) if args.get("worker") not in (None, "") else None
    if worker_id:
        worker = db.session.get(User, worker_id)
        if worker is None or not worker.org_unit.path.startswith(viewer.org_unit.path):
            raise FilterError("worker")
    project_id = _int(args["project"]) if args.get("project") else None
    if project_id and db.session.get(Project, project_id) is None:
        raise FilterError("project")
    household_id = _int(args["household"]) if args.get("household") else None
    if household_id:
        household = db.session.get(Household, household_id)
        if household is None or not household.org_path.startswith(viewer.org_unit.path):
            raise FilterError("household")
    return CaseFilter(unit, state, overdue, worker_id, project_id, household_id)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise FilterError("number") from None


def select_cases(case_filter, now):
    """A select of the filtered cases, the most overdue first."""
    return (
        select(Case)
        .where(*case_filter.conditions(now))
        .order_by(Case.next_due_at.is_(None), Case.next_due_at, Case.id)
    )

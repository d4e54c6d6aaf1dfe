"""What the report page reads: the draft as of the period's end, the copies, the units below."""

from dataclasses import dataclass

from sqlalchemy import select

from workflow.db import db
from workflow.models import MonthlyReport
from workflow.reports.monthly import figures, periods, submission
from workflow.reports.monthly.template import header_spans


@dataclass
class Overview:
    period: object
    draft: object  # figures.Table
    copies: list  # this unit's submitted copies, the oldest first
    below: list  # [(unit below, its latest copy or None)]
    changes: list  # differences between the last two copies


def overview(unit, period_key, now):
    """Return the Overview of unit's report for the period; a bad period raises PeriodError."""
    period = periods.parse(period_key or periods.last_month(now), now)
    copies = submission.versions(unit, period)
    changes = submission.differences(copies[-2], copies[-1]) if len(copies) > 1 else []
    return Overview(period, figures.draw(unit, period), copies, submission.units_below(unit, period), changes)


@dataclass
class Copy:
    report: object  # MonthlyReport
    spans: list  # the copy's own merged headers (the template may have changed since)
    previous: object  # the version before, or None
    changes: list  # differences from the version before


def frozen_copy(report_id, viewer):
    """The submitted copy as it was frozen, for its unit and the units above; else LookupError."""
    report = db.session.get(MonthlyReport, report_id)
    if report is None or not report.unit.path.startswith(viewer.org_unit.path):
        raise LookupError(report_id)
    previous = db.session.scalar(select(MonthlyReport).where(
        MonthlyReport.org_unit_id == report.org_unit_id, MonthlyReport.period == report.period,
        MonthlyReport.version == report.version - 1))
    figures_ = report.figures
    spans = header_spans(figures_["columns"], figures_.get("groups", {}))
    changes = submission.differences(previous, report) if previous is not None else []
    return Copy(report, spans, previous, changes)


def may_see_copy(report_id, viewer):
    """Say whether the copy exists and lies in the viewer's subtree."""
    report = db.session.get(MonthlyReport, report_id)
    return report is not None and report.unit.path.startswith(viewer.org_unit.path)

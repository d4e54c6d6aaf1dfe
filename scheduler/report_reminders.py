"""Remind of monthly reports not submitted (上报) by the template's day of the next month.

From reminder_day on, each supervisor of a unit that has not submitted last month's
report (or whose report was sent back) is reminded once; from remind_above_day on,
the supervisors of the level above hear once which of their units are still missing.
A unit is expected to report when it has an active supervisor (docs/reports.md).
"""

from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.db import db
from workflow.models import MonthlyReport, OrgUnit, User
from workflow.models.monthly import SUBMITTED
from workflow.outbox import enqueue
from workflow.reports.monthly import periods


@dataclass
class ReportReminderResult:
    period: str
    missing: int = 0
    written: int = 0
    due_from: int | None = None  # set while it is too early in the month to remind

    def describe(self):
        if self.due_from is not None:
            return f"monthly report {self.period}: reminders start on day {self.due_from}"
        return f"monthly report {self.period}: {self.missing} units not submitted; wrote {self.written} reminders"


def run(now):
    """Write the reminders due as of now for last month's report."""
    template = current_app.extensions["monthly_template"]
    period = periods.parse(periods.last_month(now), now)
    day = now.astimezone(periods.zone()).day
    result = ReportReminderResult(period.key)
    if day < template.reminder_day:
        result.due_from = template.reminder_day
        return result
    supervisors = defaultdict(list)
    for user in db.session.scalars(select(User).where(User.role == "supervisor", User.active.is_(True))):
        supervisors[user.org_unit_id].append(user)
    units = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(list(supervisors))))}
    missing = [u for u in units.values() if u.id not in _submitted(period, list(units))]
    result.missing = len(missing)
    for unit in missing:
        for user in supervisors[unit.id]:
            result.written += _tell(user, "report_due", period, unit.id,
                                    _("请上报%(unit)s%(period)s报表", unit=unit.name, period=period.label()))
    if day >= template.remind_above_day:
        above = defaultdict(list)
        for unit in missing:
            if unit.parent_id in supervisors:
                above[unit.parent_id].append(unit.name)
        for parent_id, names in above.items():
            title = _("%(period)s报表尚未上报：%(units)s", period=period.label(), units="、".join(sorted(names)))
            for user in supervisors[parent_id]:
                result.written += _tell(user, "report_missing", period, parent_id, title)
    db.session.commit()
    return result


def _submitted(period, unit_ids):
    """Ids of the units whose latest copy for the period stands (submitted, not sent back)."""
    latest = {}
    for copy in db.session.scalars(select(MonthlyReport).where(
            MonthlyReport.period == period.key, MonthlyReport.org_unit_id.in_(unit_ids))
            .order_by(MonthlyReport.version)):
        latest[copy.org_unit_id] = copy.status
    return {uid for uid, status in latest.items() if status == SUBMITTED}


def _tell(user, kind, period, unit_id, title):
    """One reminder per user, unit, period and kind, however often the job runs."""
    return enqueue(kind=kind, recipient=f"user:{user.id}", title=title, user=user,
                   link=f"/supervisor/monthly?period={period.key}",
                   key=f"{kind}:{period.key}:{unit_id}:user:{user.id}")

"""What a member's clocks ask of people now: tasks, near-due and overdue deadlines, serious cases.

Pure: computed from a reports.mobility.MobileRow and the policy, as of a local day. The
due list, the supervisor's view and the reminder job all read these same items.
"""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Item:
    kind: str
    due_on: date
    overdue: bool  # the day has passed (for "line" and "transfer": the task is open)

    def days_late(self, today):
        return (today - self.due_on).days


def items(row, policy, today):
    """The row's deadlines within their lead days (or passed), and its open tasks."""
    c, lead = row.clocks, policy.reminders
    found = []

    def add(kind, day, lead_days):
        if day is not None and day <= today + timedelta(days=lead_days):
            found.append(Item(kind, day, day < today))

    if c.line_on is not None and not c.mobile:
        add("line", c.line_on, lead["line_lead_days"])
    add("report", c.report_due_on, lead["report_lead_days"])
    add("abroad", c.abroad_due_on, lead["report_lead_days"])
    add("certificate", c.certificate_expires_on, lead["certificate_lead_days"])
    add("graduate", c.graduate_until, lead["report_lead_days"])
    if c.transfer_since is not None:
        found.append(Item("transfer", c.transfer_since, True))
    return found


def serious(item):
    """Six months abroad without contact: the supervisor's serious case, not a silent flag."""
    return item.kind == "abroad" and item.overdue

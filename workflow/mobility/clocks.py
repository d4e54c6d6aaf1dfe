"""The 流动党员 clocks, computed from the situation, the move-out and the contact history.

Nothing here is stored: a case's clocks are worked out from its current mobility record,
its move-out time, the last contact of a kind that counts as a report (组织生活 with the
home branch, the member's own check-in, a logged 定期报告), its last reached contact and
its active 活动证, so changing workflow/mobility.toml changes every answer at once.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def add_months(day, months):
    """The same day so many months later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_and_days(start, end):
    """Whole months and the days left over from start to end (dates), never negative."""
    if end <= start:
        return 0, 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months, (end - add_months(start, months)).days


def zone():
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_day(instant, tz=None):
    """The local date of an instant; tz given by callers that convert many (one look-up, not one each)."""
    return instant.astimezone(tz or zone()).date() if instant is not None else None


@dataclass(frozen=True)
class Facts:
    """What the clocks read of one party member's case."""

    situation: str
    since: date
    moved_out_at: datetime | None
    last_report_at: datetime | None  # last contact of a report kind, reached
    last_reached_at: datetime | None  # last reached contact of any kind
    certificate_expires_on: date | None  # the active 活动证, if any
    settled_on: date | None  # the day a resettlement address was registered
    may_hand_over: bool  # the process offers 移交 in the case's state now


@dataclass(frozen=True)
class Clocks:
    away_since: date | None  # the absence the six-month line counts from
    away: tuple  # (months, days) away
    line_on: date | None  # the day the six-month line is crossed
    crossed: bool  # crossed and not registered as mobile yet
    mobile: bool  # registered in a 流动 situation: the line has done its work
    report_due_on: date | None  # the yearly report
    abroad_due_on: date | None  # the next contact of a member abroad
    graduate_until: date | None
    certificate_expires_on: date | None
    transfer_since: date | None  # 应转尽转: settled long-term elsewhere, no handover begun

    def days_to(self, day, today):
        return (day - today).days if day is not None else None


def compute(facts, policy, today, tz=None):
    """Every clock of one case as of the local day today."""
    tz = tz or zone()
    situation = policy.situations.get(facts.situation) or policy.situations["local"]
    # Away since they left: the situation's own date once one is recorded, else the move-out.
    departure = facts.since if facts.situation != "local" else local_day(facts.moved_out_at, tz)
    away_since = None
    if departure is not None:
        away_since = max(d for d in (departure, local_day(facts.last_report_at, tz)) if d)
    line_on = add_months(away_since, policy.months("mobile_after_months")) if away_since else None
    report_due = abroad_due = graduate_until = None
    if situation.mobile:
        base = max(d for d in (facts.since, local_day(facts.last_report_at, tz)) if d)
        report_due = add_months(base, policy.months("report_every_months"))
    if situation.abroad:
        base = max(d for d in (facts.since, local_day(facts.last_reached_at, tz)) if d)
        abroad_due = add_months(base, policy.months("abroad_contact_months"))
    if situation.graduate:
        graduate_until = add_months(facts.since, policy.months("graduate_keep_months"))
    return Clocks(
        away_since=away_since, away=months_and_days(away_since, today) if away_since else (0, 0),
        line_on=line_on, crossed=bool(line_on and line_on <= today and not situation.mobile), mobile=situation.mobile,
        report_due_on=report_due, abroad_due_on=abroad_due, graduate_until=graduate_until,
        certificate_expires_on=facts.certificate_expires_on if situation.mobile else None,
        transfer_since=(max(facts.since, facts.settled_on)
                        if situation.suggest_transfer and facts.settled_on and facts.may_hand_over else None),
    )


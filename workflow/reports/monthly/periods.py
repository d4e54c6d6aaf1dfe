"""Report periods: a month ("2026-03") or a year ("2026"), bounded in local time, stored in UTC."""

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """The period asked for is not one a report can be drawn for; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Period:
    key: str  # "2026-03" or "2026"
    start: datetime  # aware UTC, inclusive
    end: datetime  # aware UTC, exclusive: the first instant of the next period

    @property
    def is_year(self):
        return len(self.key) == 4

    def label(self):
        if self.is_year:
            return _("%(y)s年度", y=self.key)
        year, month = self.key.split("-")
        return _("%(y)s年%(m)s月", y=year, m=int(month))

    def ended(self, now):
        return now >= self.end


def zone():
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def parse(key, now):
    """Return the Period of key; refuse a malformed key or one that has not begun."""
    key = (key or "").strip()
    month, year = _MONTH.match(key), _YEAR.match(key)
    if not (month or year) or not 2000 <= int(key[:4]) <= 2999:
        raise PeriodError(_("报表期间应为“年-月”（如2026-03）或年份（如2026）"))
    y = int(key[:4])
    if month:
        m = int(month.group(2))
        start, end = (y, m), (y + (m == 12), m % 12 + 1)
    else:
        start, end = (y, 1), (y + 1, 1)
    period = Period(key, _at(*start), _at(*end))
    if period.start > now:
        raise PeriodError(_("%(period)s尚未开始，不能统计", period=period.label()))
    return period


def _at(year, month):
    """The first instant of a local month, in UTC."""
    return datetime(year, month, 1, tzinfo=zone()).astimezone(ZoneInfo("UTC"))


def last_month(now):
    """The key of the month before the one now falls in (local time)."""
    local = now.astimezone(zone())
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return f"{year:04d}-{month:02d}"

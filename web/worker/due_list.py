"""What each row of the due list says, worked out once per page instead of once per row.

The list shows 50 rows; asking Babel for the same state label, the same "3 days late"
and the same time zone 50 times was a large part of the page's cost. Here every translation
and the zone are looked up once per request, and rows become plain tuples the
template only prints.
"""

from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask_babel import get_timezone
from flask_babel import gettext as _

from web.i18n import NUMERIC_PATTERNS, OTHER_YEAR
from web.worker import mobility_text
from workflow.mobility.clocks import local_day
from workflow.mobility.policy import get_policy
from workflow.process.engine import get_engine
from workflow.reports.due_list import lateness, soon_limit
from workflow.text import label

DUE_FORMAT = NUMERIC_PATTERNS["MM-dd HH:mm"]  # the same text as local_time('MM-dd HH:mm')


class DueRow(NamedTuple):
    id: int
    name: str
    id_masked: str
    state: str
    state_label: str
    due: str  # local time, "" when undated
    css: str  # overdue, soon, later, undated; waiting: the next step is someone else's
    late: str  # "逾期3天", "还剩2小时", ...
    where: str  # "unit · project"
    household: str  # "户 LY-0012", "户" without a number, "" outside any household


def late_key(minutes):
    """Return what a lateness says as (ahead, unit, amount); None when there is no deadline."""
    if minutes is None:
        return None
    ahead, span = minutes < 0, abs(minutes)
    if span >= 1440:
        return ahead, "d", span // 1440
    if span >= 60:
        return ahead, "h", span // 60
    return ahead, "m", 0


def phrase(key):
    """Say a late_key in words, in the request's language."""
    if key is None:
        return ""
    ahead, unit, amount = key
    if unit == "d":
        return _("还剩%(d)s天", d=amount) if ahead else _("逾期%(d)s天", d=amount)
    if unit == "h":
        return _("还剩%(h)s小时", h=amount) if ahead else _("逾期%(h)s小时", h=amount)
    return _("不到1小时后到期") if ahead else _("刚刚到期")


def deadline_badge(due, now):
    """Return (css class, text) for a deadline shown outside the list (the case page)."""
    css, minutes = lateness(due, now)
    return css, phrase(late_key(minutes))


def state_labels():
    """Every state's label in the request's language, by state name."""
    engine = get_engine()
    return {state: engine.state_label(state) for state in engine.definition.states}


@cache
def zone_info(name):
    """The zoneinfo zone of a name: the same times as Babel's pytz zone, in half the time."""
    return ZoneInfo(name)


def household_text(household_id, number, word):
    """What the 户 column says of a row (word: "户" in the user's language), with the 户号 when there is one."""
    if household_id is None:
        return ""
    return word + (" " + number if number else "")


def due_rows(rows, now, labels, waiting=()):
    """Turn a page's plain rows (workflow.reports.due_list.ROW_COLUMNS) into DueRows: labels, local times, late texts.
    waiting: the states that wait on someone else, never shown as the user's overdue work."""
    zone, soon, texts, word = zone_info(str(get_timezone())), soon_limit(now), {}, _("户")
    this_year = now.astimezone(zone).year
    out = []
    for case_id, state, due, name, id_masked, project, unit, household_id, household_number in rows:
        css, minutes = lateness(due, now, soon)
        css = "waiting" if state in waiting else css
        key = late_key(minutes)
        if key not in texts:  # a page has a few distinct texts: translate each once
            texts[key] = phrase(key)
        out.append(DueRow(case_id, name, id_masked, state, labels[state],
                          _due_text(due.astimezone(zone), this_year) if due else "", css, texts[key],
                          f"{unit} · {project}", household_text(household_id, household_number, word)))
    return out


class MobileDue(NamedTuple):
    id: int
    name: str
    id_masked: str
    kind: str
    what: str  # "定期报告", "活动证到期", ...
    when: str  # "还有N天（2027-03-01）" / "已逾期N天（…）"
    css: str  # overdue, soon


def mobility_rows(pairs, now):
    """The due list's 流动党员事项: what is due for registered mobile members, in words."""
    today, labels = local_day(now), get_policy().labels
    return [MobileDue(row.case_id, row.name, row.id_masked, item.kind, label(labels[item.kind]),
                      mobility_text.due_text(item.due_on, today), "overdue" if item.overdue else "soon")
            for row, item in pairs]


def _due_text(local, this_year):
    """The deadline as the list shows it: month, day and time; the date with its year when not this year."""
    return local.strftime(DUE_FORMAT if local.year == this_year else OTHER_YEAR)

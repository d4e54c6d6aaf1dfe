"""What the case page and the lists say of a member's 流动党员 clocks, in words."""

from flask_babel import gettext as _

from workflow.mobility.places import PROVINCES
from workflow.text import label


def situation_label(policy, name):
    s = policy.situations.get(name) or policy.situations["local"]
    return label((s.zh, s.en))


def place(province, city):
    """"北京 丰台" as stored; a province's English name in English."""
    name = label(PROVINCES[province]) if province in PROVINCES else (province or "")
    return " ".join(p for p in (name, city or "") if p)


def away_line(clocks, today):
    """"外出 5个月12天，距流动党员认定还有18天" (or that the line is crossed), or None."""
    if clocks.away_since is None:
        return None
    months, days = clocks.away
    away = _("外出 %(months)s个月%(days)s天", months=months, days=days)
    left = clocks.days_to(clocks.line_on, today)
    if clocks.mobile:
        return away
    if clocks.crossed:
        return away + _("，已满%(line)s，应登记为流动党员", line=_("六个月"))
    if left is not None and left > 0:
        return away + _("，距流动党员认定还有%(n)s天", n=left)
    return away


def due_text(day, today):
    """"还有N天（2027-05-01）", "今天到期" or "已逾期N天"."""
    left = (day - today).days
    if left > 0:
        return _("还有%(n)s天（%(day)s）", n=left, day=day.isoformat())
    if left == 0:
        return _("今天到期（%(day)s）", day=day.isoformat())
    return _("已逾期%(n)s天（%(day)s）", n=-left, day=day.isoformat())


def level(day, today, lead):
    """The badge of a deadline: overdue, soon (within the lead days) or ok."""
    left = (day - today).days
    return "overdue" if left < 0 else "soon" if left <= lead else "later"

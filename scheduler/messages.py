"""The words of each reminder, in the default language (Chinese), from one due case.

Messages are stored as text when written, so they are composed in the default
locale whoever triggers them; the inbox shows them as written.
"""

from flask_babel import gettext as _

from scheduler.settings import local
from workflow.process.engine import get_engine


def task_label(due_kind):
    """What the deadline is for: the state's label, or 跟踪联系 for the follow-up rhythm."""
    states = get_engine().definition.states
    if due_kind in states:
        return get_engine().state_label(due_kind)
    return _("跟踪联系")


def _facts(row, now, workers=()):
    late = now - row.next_due_at
    return {
        "name": row.person_name, "unit": row.unit_name, "task": task_label(row.due_kind),
        "due": local(row.next_due_at, "%m-%d %H:%M"), "days": max(late.days, 0),
        "worker": "、".join(u.display_name for u in workers) or _("未指定"),
    }


def _left(delta):
    if delta.days >= 1:
        return _("%(n)s天", n=delta.days)
    return _("%(n)s小时", n=max(int(delta.total_seconds() // 3600), 0))


def near_due(row, now):
    f = _facts(row, now)
    return (_("即将到期：%(name)s（%(task)s）", **f),
            _("%(name)s（%(unit)s）的“%(task)s”期限是%(due)s，还有%(left)s。请按时处理。",
              left=_left(row.next_due_at - now), **f))


def overdue(row, now):
    f = _facts(row, now)
    return (_("已逾期：%(name)s（%(task)s）", **f),
            _("%(name)s（%(unit)s）的“%(task)s”期限是%(due)s，已逾期%(days)s天。请尽快处理。", **f))


def escalation(row, now, workers, limit):
    f = _facts(row, now, workers)
    return (_("逾期督办：%(name)s已逾期%(days)s天", **f),
            _("%(unit)s的%(name)s，“%(task)s”期限%(due)s，已逾期%(days)s天，超过%(limit)s天督办线。"
              "责任人：%(worker)s。", limit=limit, **f))


def at_once(row, now, workers):
    f = _facts(row, now, workers)
    f["state"] = get_engine().state_label(row.state)
    return (_("%(state)s督办：%(name)s", **f),
            _("%(unit)s的%(name)s自%(since)s起处于“%(state)s”状态，请督促尽快处理。责任人：%(worker)s。",
              since=local(row.state_entered_at, "%m-%d"), **f))


def serious(row, now, workers, last_contact):
    f = _facts(row, now, workers)
    f["days"] = (now - last_contact).days
    return (_("严重情况：%(name)s已%(days)s天未联系", **f),
            _("%(unit)s的%(name)s自%(last)s起已%(days)s天未联系，超过半年，按规定作为严重情况报督导。"
              "责任人：%(worker)s。", last=local(last_contact, "%Y-%m-%d"), **f))


def org_life(row, unit):
    return (_("组织生活提醒"),
            _("%(name)s同志：%(branch)s提醒您按时参加组织生活，与支部保持联系。支部联系人：%(secretary)s %(phone)s。"
              "如不需要此类提醒，请告知社区工作者。", name=row.person_name, branch=unit.name,
              secretary=unit.secretary_name or "", phone=unit.secretary_phone or ""))

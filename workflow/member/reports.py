"""What a verified member sends: each submission one transaction, recorded once, audited.

A check-in and a 组织生活 report are contacts in the case timeline at once; a change,
a transfer request or "resettled" wait for the responsible worker (workflow/member/decisions.py).
Nothing here changes the 五必登 or the state of the case.
"""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflow.cases.services import commit_or_conflict
from workflow.db import db, utcnow
from workflow.errors import NotAllowed, ProcessError
from workflow.member import links
from workflow.models import ContactLog, MemberReport
from workflow.models.audit import record as audit
from workflow.models.member import DECIDED_KINDS, ORG_LIFE_PLACES, REPORT_KINDS
from workflow.outbox import notify
from workflow.process import deadlines
from workflow.process.engine import get_engine
from workflow.text import label


class LinkGone(ProcessError):
    """The link stopped working (or the visit ended) while the member was on the page."""

    def __init__(self):
        super().__init__(_("链接无效或已失效"))


def visit(token, link_id, now=None):
    """Return (link, case) while a verified visit of this link may go on, else None."""
    found = links.find(token, now)
    if found is None or found[0].id != link_id or found[0].locked_at is not None:
        return None
    return found


def reports_of(case_id, limit=20):
    """What the member sent, newest first."""
    return db.session.scalars(select(MemberReport).where(MemberReport.case_id == case_id)
                              .order_by(MemberReport.created_at.desc(), MemberReport.id.desc()).limit(limit)).all()


def _existing(case_id, submission_id):
    return db.session.scalar(select(MemberReport).where(MemberReport.case_id == case_id,
                                                        MemberReport.submission_id == submission_id))


def submit(token, link_id, kind, values, submission_id, address, now=None):
    """Record one submission of the member (idempotent by submission_id); return the report."""
    now = now or utcnow()
    found = visit(token, link_id, now)
    if found is None:
        raise LinkGone()
    link, case = found
    if kind not in REPORT_KINDS or not submission_id:
        raise NotAllowed(_("无法识别的提交"))
    if (earlier := _existing(case.id, submission_id)) is not None:
        return earlier  # a double tap, or the answer was lost and the form sent again
    if case.state in get_engine().definition.settings["self_reports_frozen_in"]:
        raise NotAllowed(_("您的登记材料正在审核，暂时不能在这里提交，请稍后再试或直接联系社区工作者"))
    report = MemberReport(case_id=case.id, link_id=link.id, kind=kind, item=values.pop("item", None),
                          values=values or None, submission_id=submission_id[:64], created_at=now,
                          status="pending" if kind in DECIDED_KINDS else "recorded")
    if kind == "checkin":
        report.contact_log_id = _check_in(case, now)
    elif kind == "org_life":
        report.contact_log_id = _org_life(case, values, now)
    db.session.add(report)
    audit("member_report", case=case, address=address, kind=kind, link_id=link.id)
    _tell_worker(case, kind, now)
    try:
        commit_or_conflict()
    except IntegrityError:  # the same submission at the same moment: the other one stands
        db.session.rollback()
        return _existing(case.id, submission_id)
    return report


def _contact(case, kind, contacted_at, notes):
    log = ContactLog(case_id=case.id, kind=kind, outcome="reached", contacted_at=contacted_at,
                     notes=notes, user_id=None, created_at=utcnow())
    db.session.add(log)
    db.session.flush()
    return log.id


def _check_in(case, now):
    """本人报到 in the timeline; where the definition says so it is the follow-up contact."""
    definition = get_engine().definition
    log_id = _contact(case, "self", now, _("本人通过联系卡链接平安报到"))
    if definition.settings["self_checkin_counts"] and definition.states[case.state].rhythm:
        case.last_contact_at = now
        case.miss_count = 0
        deadlines.refresh(definition, case)
    case.updated_at = now  # a new version: the reminder scan reads the case again
    return log_id


def _org_life(case, values, now):
    """The 组织生活 the member attended, as a contact on that day (noon, local time)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    day = datetime.fromisoformat(values["date"]).date()
    when = min(datetime.combine(day, time(12), tzinfo=zone).astimezone(UTC), now)
    place = label(ORG_LIFE_PLACES[values["place"]])
    notes = _("本人报告参加组织生活：%(place)s", place=place)
    if values.get("where"):
        notes += "（" + values["where"] + "）"
    return _contact(case, "org_life", when, notes)


def _worker_title(kind, name):
    if kind == "checkin":
        return _("本人已平安报到：%(name)s", name=name)
    if kind == "change":
        return _("成员自报变更待确认：%(name)s", name=name)
    if kind == "transfer":
        return _("成员申请转组织关系：%(name)s", name=name)
    return _("成员报告已安置：%(name)s", name=name)


def _tell_worker(case, kind, now):
    """The worker hears of what needs them, and of a check-in that did not count as the contact."""
    if case.worker is None or kind == "org_life":
        return
    if kind == "checkin" and case.last_contact_at == now:
        return  # it reset the rhythm: nothing for the worker to do
    notify(case.worker, "self_report", _worker_title(kind, case.person.name),
           _("请在“成员自报”中查看并处理。"), case=case, link="/self-reports", now=now)

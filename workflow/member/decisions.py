"""The worker's side of self-reports: what waits, confirm (a new 五必登 entry), reject with a reason."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workflow.cases import registration
from workflow.cases.services import commit_or_conflict, load_case
from workflow.db import db, utcnow
from workflow.errors import CaseNotFound, GuardFailed, NotAllowed
from workflow.models import Case, MemberReport
from workflow.models.audit import record as audit
from workflow.privacy.identity import InvalidValue, clean_mobile
from workflow.process.engine import get_engine
from workflow.subtree import under

CHANGE_ITEMS = ("destination_address", "contact", "workplace")


def pending(user, limit=200):
    """Change, transfer and resettlement requests waiting in the user's subtree, oldest first."""
    return db.session.scalars(
        select(MemberReport).join(Case, Case.id == MemberReport.case_id)
        .options(joinedload(MemberReport.case).joinedload(Case.person))
        .where(MemberReport.status == "pending", under(Case.org_path, user.org_unit.path))
        .order_by(MemberReport.created_at, MemberReport.id).limit(limit)
    ).all()


def _load(report_id, user):
    """The pending report and its case, if the case is the user's to act on."""
    report = db.session.get(MemberReport, report_id)
    if report is None:
        raise CaseNotFound()
    case = load_case(report.case_id, user)
    if not get_engine().in_scope(user, case):
        raise CaseNotFound()
    if report.status != "pending":
        raise NotAllowed(_("这条自报已经处理过了"))
    if case.state in get_engine().definition.settings["self_reports_frozen_in"]:
        raise NotAllowed(_("案件处于“%(state)s”状态，登记信息已冻结，不能修改",
                           state=get_engine().state_label(case.state)))
    return report, case


def change_problems(report):
    """Why a change cannot be confirmed as it stands (Chinese), or []."""
    values = report.values or {}
    try:
        if report.item == "contact":
            clean_mobile(values.get("phone"))
        elif not any((values.get(k) or "").strip() for k in ("address", "workplace")):
            return [_("变更内容为空")]
    except InvalidValue as exc:
        return [str(exc)]
    return [] if report.item in CHANGE_ITEMS else [_("无法识别的变更项")]


def _apply_change(report, case, user, now):
    """The change as a new current 五必登 entry; the old one stays as history."""
    values = report.values or {}
    if report.item == "contact":
        old = registration.current_entries(case.id).get("contact")
        registration.record(case, "contact", user, source="member", now=now, phone=clean_mobile(values["phone"]),
                            backup_name=old.backup_name if old else None,
                            backup_phone=old.backup_phone if old else None)
    elif report.item == "destination_address":
        registration.record(case, "destination_address", user, source="member", now=now,
                            address=values["address"].strip(), address_kind=values.get("address_kind"))
    else:
        registration.record(case, "workplace", user, source="member", now=now,
                            workplace=values["workplace"].strip(), work_city=(values.get("work_city") or None))


def _decide(report, user, status, now, reason=None):
    report.status, report.decided_at, report.decided_by_id, report.reason = status, now, user.id, reason


def confirm(report_id, user, now=None):
    """Accept a change (it becomes the current entry) or note a transfer/resettlement as taken up."""
    now = now or utcnow()
    report, case = _load(report_id, user)
    if report.kind == "change":
        problems = change_problems(report)
        if problems:
            db.session.rollback()
            raise GuardFailed(problems)
        _apply_change(report, case, user, now)
        case.updated_at = now
    _decide(report, user, "confirmed", now)
    audit("member_report_confirmed", user=user, case=case, report_id=report.id, kind=report.kind)
    commit_or_conflict()
    return case


def reject(report_id, user, reason, now=None):
    """Decline a request; the member sees the reason on their page."""
    reason = (reason or "").strip()
    if not reason:
        raise GuardFailed([_("请填写不予采纳的原因")])
    report, case = _load(report_id, user)
    _decide(report, user, "rejected", now or utcnow(), reason[:500])
    audit("member_report_rejected", user=user, case=case, report_id=report.id, kind=report.kind)
    db.session.commit()
    return case

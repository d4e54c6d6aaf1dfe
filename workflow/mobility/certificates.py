"""The 流动党员活动证 register: issue, renew and revoke, each one transaction with its history row."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflow.cases.services import commit_or_conflict
from workflow.db import db, utcnow
from workflow.errors import CaseNotFound, GuardFailed, NotAllowed
from workflow.mobility.clocks import add_months
from workflow.mobility.policy import get_policy
from workflow.mobility.situations import history_row
from workflow.models import ActivityCertificate, MobilityRecord
from workflow.process.engine import MOBILITY, get_engine


def district_id(org_path):
    """The district a number is unique in: the root unit of the case's path."""
    return int(org_path.strip("/").split("/")[0])


def period_problems(issued_on, expires_on, duration_months):
    """What is wrong with a certificate's dates and duration (Chinese), in the policy's rule."""
    most = get_policy().months("certificate_max_months")
    problems = []
    if duration_months is None or not 1 <= duration_months <= most:
        problems.append(_("预计外出时长应为1至%(most)d个月", most=most))
    if issued_on and expires_on:
        if expires_on <= issued_on:
            problems.append(_("有效期至应晚于发证日期"))
        elif duration_months and 1 <= duration_months <= most and expires_on > add_months(issued_on, duration_months):
            problems.append(_("有效期不能超过预计外出时长（%(months)d个月，至%(day)s）",
                              months=duration_months, day=add_months(issued_on, duration_months).isoformat()))
    return problems


def not_mobile(case):
    """Why no 活动证 can be issued for the member now (their situation is not a 流动 one), or None."""
    situation = db.session.scalar(select(MobilityRecord.situation).where(
        MobilityRecord.case_id == case.id, MobilityRecord.is_current.is_(True)))
    kind = get_policy().situations.get(situation or "local")
    if kind is None or not kind.mobile:
        return _("只有登记为流动党员（如“长期外出/流动”）后才能发放活动证")
    return None


def _mobile_now(case):
    reason = not_mobile(case)
    if reason:
        raise NotAllowed(reason)


def _number_taken(case, number, except_id=None):
    where = [ActivityCertificate.district_id == district_id(case.org_path), ActivityCertificate.number == number]
    if except_id is not None:
        where.append(ActivityCertificate.id != except_id)
    return db.session.scalar(select(ActivityCertificate.id).where(*where)) is not None


def issue(case, actor, *, number, issued_on, expires_on, duration_months, reason, dest_province, dest_city,
          expected_version=None, now=None):
    """Issue a 活动证 for a mobile member of the case's unit; the number is unique in the district."""
    get_engine().check(case, MOBILITY, actor, expected_version)
    _mobile_now(case)
    now = now or utcnow()
    number = (number or "").strip()
    problems = period_problems(issued_on, expires_on, duration_months)
    if number and _number_taken(case, number):
        problems.insert(0, _("活动证编号“%(number)s”在本区已被使用", number=number))
    if problems:
        raise GuardFailed(problems)
    certificate = ActivityCertificate(
        case_id=case.id, district_id=district_id(case.org_path), issuing_unit_id=case.org_unit_id, number=number,
        issued_on=issued_on, expires_on=expires_on, duration_months=duration_months, reason=reason.strip(),
        dest_province=dest_province, dest_city=dest_city.strip(), status="active", renewals=0,
        created_at=now, created_by_id=actor.id)
    db.session.add(certificate)
    history_row(case, actor, "certificate_issue", now, number=number)
    case.updated_at = now
    try:
        commit_or_conflict()
    except IntegrityError:  # the same number issued at the same moment elsewhere
        db.session.rollback()
        raise GuardFailed([_("活动证编号“%(number)s”在本区已被使用", number=number)]) from None
    return certificate


def load_certificate(case, certificate_id):
    """The case's certificate by id; any other id is not found."""
    certificate = db.session.get(ActivityCertificate, certificate_id)
    if certificate is None or certificate.case_id != case.id:
        raise CaseNotFound()
    return certificate


def renew(case, certificate, actor, *, expires_on, duration_months, expected_version=None, now=None):
    """Extend an active certificate: a new expiry counted from its issue date, within the rule."""
    get_engine().check(case, MOBILITY, actor, expected_version)
    if certificate.status != "active":
        raise NotAllowed(_("该活动证已收回，不能续期"))
    problems = period_problems(certificate.issued_on, expires_on, duration_months)
    if expires_on and expires_on <= certificate.expires_on:
        problems.append(_("续期后的有效期应晚于原有效期（%(day)s）", day=certificate.expires_on.isoformat()))
    if problems:
        raise GuardFailed(problems)
    now = now or utcnow()
    previous = certificate.expires_on
    certificate.expires_on, certificate.duration_months = expires_on, duration_months
    certificate.renewals += 1
    history_row(case, actor, "certificate_renew", now, number=certificate.number, previous=previous.isoformat())
    case.updated_at = now
    commit_or_conflict()


def revoke(case, certificate, actor, *, reason, revoked_on, expected_version=None, now=None):
    """Take a certificate back (returned, transferred, lost); it stays in the register."""
    get_engine().check(case, MOBILITY, actor, expected_version)
    if certificate.status != "active":
        raise NotAllowed(_("该活动证已收回"))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise GuardFailed([_("请填写收回原因")])
    now = now or utcnow()
    certificate.status, certificate.revoked_on, certificate.revoke_reason = "revoked", revoked_on, reason
    history_row(case, actor, "certificate_revoke", now, reason=reason, number=certificate.number)
    case.updated_at = now
    commit_or_conflict()

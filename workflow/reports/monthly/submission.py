"""上报 and 退回: the only writes of the monthly report, one transaction each.

Submitting freezes a copy (the figures as drawn, the note, who and when) as a new
version; the copy never changes after, but for the level above sending it back with a
reason. A correction is another submission: a new version beside the old ones.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workflow.db import db
from workflow.errors import NotAllowed
from workflow.models import OrgUnit
from workflow.models.audit import record
from workflow.models.monthly import RETURNED, SUBMITTED, MonthlyReport
from workflow.reports.monthly import figures

MANAGING_ROLES = ("supervisor", "admin")
NOTE_MAX = 500


def versions(unit, period):
    """Every submitted copy of unit's report for period, the oldest first."""
    return db.session.scalars(select(MonthlyReport).where(
        MonthlyReport.org_unit_id == unit.id, MonthlyReport.period == period.key).order_by(MonthlyReport.version)).all()


def submit(unit, period, actor, note, now, address=None):
    """Freeze the report as drawn now as the next version; return it."""
    if actor.role not in MANAGING_ROLES or actor.org_unit_id != unit.id:
        raise NotAllowed(_("只有本单位的督导可以上报本单位的报表"))
    if not period.ended(now):
        raise NotAllowed(_("%(period)s尚未结束，期末后才能上报", period=period.label()))
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise NotAllowed(_("说明最多%(n)s个字", n=NOTE_MAX))
    earlier = versions(unit, period)
    table = figures.draw(unit, period).frozen()
    if earlier and earlier[-1].status == SUBMITTED and earlier[-1].figures == table and not note:
        raise NotAllowed(_("数字与已上报的第%(v)s版相同；如需更正，请填写说明", v=earlier[-1].version))
    copy = MonthlyReport(org_unit_id=unit.id, period=period.key, version=len(earlier) + 1, status=SUBMITTED,
                         figures=table, note=note, submitted_by_id=actor.id, submitted_at=now)
    db.session.add(copy)
    record("monthly_report_submit", user=actor, address=address, unit_id=unit.id, period=period.key,
           version=copy.version)
    try:
        db.session.commit()
    except IntegrityError:  # two submissions at once: the unique version lets one win
        db.session.rollback()
        raise NotAllowed(_("该报表刚刚已由他人上报，请刷新后查看")) from None
    return copy


def send_back(report_id, actor, reason, now, address=None):
    """Return the latest submitted copy to its unit with a reason (the level above only).

    A copy that does not exist or lies outside the actor's subtree is a LookupError (404).
    """
    copy = db.session.get(MonthlyReport, report_id)
    if copy is None or not copy.unit.path.startswith(actor.org_unit.path):
        raise LookupError(report_id)
    if actor.role not in MANAGING_ROLES or copy.unit.parent_id != actor.org_unit_id:
        raise NotAllowed(_("只有上一级单位的督导可以退回该报表"))
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed(_("请填写退回原因"))
    if len(reason) > NOTE_MAX:
        raise NotAllowed(_("退回原因最多%(n)s个字", n=NOTE_MAX))
    latest = db.session.scalar(select(func.max(MonthlyReport.version)).where(
        MonthlyReport.org_unit_id == copy.org_unit_id, MonthlyReport.period == copy.period))
    if copy.status != SUBMITTED or copy.version != latest:
        raise NotAllowed(_("只能退回最新上报的版本"))
    copy.status, copy.returned_by_id, copy.returned_at, copy.return_reason = RETURNED, actor.id, now, reason
    record("monthly_report_send_back", user=actor, address=address, unit_id=copy.org_unit_id,
           period=copy.period, version=copy.version)
    db.session.commit()
    return copy


def units_below(unit, period):
    """[(unit below, its latest copy or None)] for the level above: submitted, returned, missing."""
    below = db.session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.id)).all()
    latest = {}
    for copy in db.session.scalars(select(MonthlyReport).where(
            MonthlyReport.period == period.key, MonthlyReport.org_unit_id.in_([u.id for u in below]))
            .order_by(MonthlyReport.version)):
        latest[copy.org_unit_id] = copy
    return [(u, latest.get(u.id)) for u in below]


def differences(old, new):
    """[(row name, column key, old number, new number)] wherever two copies differ."""
    def cells(copy):
        out = {(r["name"], key): n for r in copy.figures["rows"] for key, n in r["cells"].items()}
        out.update({(_("合计"), key): n for key, n in copy.figures["total"].items()})
        return out
    before, after = cells(old), cells(new)
    return [(name, key, before.get((name, key)), after.get((name, key)))
            for name, key in dict.fromkeys([*before, *after]) if before.get((name, key)) != after.get((name, key))]

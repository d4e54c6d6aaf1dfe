"""Measures over households (户) and 流动党员 / 活动证, beside the case measures (measures.py).

Each is, like the others, a SELECT of (case_id, path) as of the period's end:
- a household counts once, through its 户主's case, for the unit that listed it;
- a mobile member counts for the unit their case was in at the period's end, by the last
  mobility record written before it (a later change of situation does not rewrite it);
- a 活动证 counts for the unit that issued it; renewals change its expiry in place, so its
  expiry at the period's end is the `previous` of its first renewal written after it, and
  it was revoked by then only if its revocation row was written before the end.
"""

from datetime import timedelta

from sqlalchemy import Date, and_, exists, func, or_, select, union
from sqlalchemy.orm import aliased

from workflow.mobility.clocks import add_months
from workflow.mobility.policy import get_policy
from workflow.models import (
    ActivityCertificate,
    Case,
    Household,
    HouseholdMember,
    MobilityRecord,
    OrgUnit,
    TransitionRecord,
)
from workflow.reports.monthly.measures import measure
from workflow.reports.monthly.periods import zone
from workflow.subtree import under


def _days(period):
    """The period's first and last local dates."""
    return period.start.astimezone(zone()).date(), (period.end.astimezone(zone()) - timedelta(days=1)).date()


@measure("households_at_end")
def households_at_end(period):
    """Households listed before the period's end, once each, by their 户主 (an emptied household drops out)."""
    return (select(HouseholdMember.case_id.label("case_id"), Household.org_path.label("path"))
            .join(Household, Household.id == HouseholdMember.household_id)
            .where(HouseholdMember.is_head.is_(True), Household.created_at < period.end))


def _first_row_since(column, period):
    """The column of the case's first state change at or after the end: what it was at the end."""
    tr = TransitionRecord
    return (select(column).where(tr.case_id == Case.id, tr.at >= period.end, tr.from_path.is_not(None))
            .order_by(tr.at, tr.id).limit(1).scalar_subquery())


@measure("mobile_members_at_end")
def mobile_members_at_end(period, within=None):
    """流动党员 at the end: the last situation recorded before it is a mobile one, the case still open.

    within (a unit path) narrows the members read to the cases of that subtree now or at the
    end (a handover since moved them): the unit at the end is computed per member.
    """
    record, newer, tr = MobilityRecord, aliased(MobilityRecord), TransitionRecord
    mobile = [name for name, kind in get_policy().situations.items() if kind.mobile]
    later = exists().where(newer.case_id == record.case_id, newer.recorded_at < period.end,
                           (newer.recorded_at > record.recorded_at)
                           | and_(newer.recorded_at == record.recorded_at, newer.id > record.id))
    path = func.coalesce(_first_row_since(tr.from_path, period), Case.org_path)
    state = func.coalesce(_first_row_since(tr.from_state, period), Case.state)
    where = [record.recorded_at < period.end, record.situation.in_(mobile), ~later, state != "closed"]
    if within is not None:
        where.append(record.case_id.in_(union(
            select(Case.id).where(under(Case.org_path, within)),
            select(tr.case_id).where(tr.at >= period.end, under(tr.from_path, within)))))
    return (select(record.case_id.label("case_id"), path.label("path"))
            .join(Case, Case.id == record.case_id).where(*where))


mobile_members_at_end.within = True  # figures passes the unit's path


def _certificates(period, *conditions):
    return (select(ActivityCertificate.case_id.label("case_id"), OrgUnit.path.label("path"))
            .join(OrgUnit, OrgUnit.id == ActivityCertificate.issuing_unit_id)
            .where(ActivityCertificate.created_at < period.end, *conditions))


def _history(trigger, period, *, before):
    """The certificate's renewal / revocation rows written before (or at and after) the end."""
    tr, cert = TransitionRecord, ActivityCertificate
    when = tr.at < period.end if before else tr.at >= period.end
    return and_(tr.case_id == cert.case_id, tr.trigger == trigger, when,
                tr.data["number"].as_string() == cert.number)


def _expiry_at_end(period):
    """The certificate's expiry as it stood at the end: a later renewal keeps the old one in `previous`."""
    tr = TransitionRecord
    previous = (select(func.date(tr.data["previous"].as_string(), type_=Date))
                .where(_history("certificate_renew", period, before=False))
                .order_by(tr.at, tr.id).limit(1).scalar_subquery())
    return func.coalesce(previous, ActivityCertificate.expires_on, type_=Date)


def _not_revoked(period):
    return ~exists().where(_history("certificate_revoke", period, before=True))


@measure("activity_cards_issued")
def activity_cards_issued(period):
    """活动证 issued in the period: by its issue date, or by when it was entered if that was later."""
    first, last = _days(period)
    cert = ActivityCertificate
    return _certificates(period, or_(and_(cert.issued_on >= first, cert.issued_on <= last),
                                     and_(cert.created_at >= period.start, cert.issued_on < first)))


@measure("activity_cards_valid_at_end")
def activity_cards_valid_at_end(period):
    """活动证 valid on the period's last day: issued by then, not revoked, not expired."""
    first, last = _days(period)
    return _certificates(period, ActivityCertificate.issued_on <= last, _not_revoked(period),
                         _expiry_at_end(period) >= last)


@measure("activity_cards_lapsed")
def activity_cards_lapsed(period):
    """活动证 that expired in the period without being renewed or revoked by its end (到期未续)."""
    first, last = _days(period)
    expiry = _expiry_at_end(period)
    return _certificates(period, _not_revoked(period), expiry >= first, expiry < last)


@measure("activity_cards_expiring")
def activity_cards_expiring(period):
    """活动证 valid at the end that expire in the calendar month after it (下月到期): renew or take back."""
    first, last = _days(period)
    after = last + timedelta(days=1)
    expiry = _expiry_at_end(period)
    return _certificates(period, ActivityCertificate.issued_on <= last, _not_revoked(period),
                         expiry >= after, expiry < add_months(after, 1))

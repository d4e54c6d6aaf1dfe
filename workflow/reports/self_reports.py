"""Link health from the member's side: who checked in themselves, and who answered a request.

Per month, from history alone (reproducible): a member counts when their case had a
working link at some time in the month; "self" when the case has a 本人报到 in it;
a check-in request is answered when a 本人报到 follows it within ANSWER_DAYS.
"""

from datetime import timedelta

from sqlalchemy import distinct, func, or_, select

from workflow.cases.services import units_in
from workflow.db import db, utcnow
from workflow.models import Case, ContactLog, MemberLink, OutboxMessage
from workflow.reports.link_health import month_start, recent_months
from workflow.reports.rollup import report_rows, rollup, subtree_units

ANSWER_DAYS = 7


def _linked(start, end):
    """Cases with a link working at some time in [start, end)."""
    return (select(MemberLink.case_id).where(MemberLink.created_at < end,
                                             or_(MemberLink.ended_at.is_(None), MemberLink.ended_at >= start)))


def _per_unit(query):
    return {unit_id: int(n or 0) for unit_id, n in db.session.execute(query)}


def numbers(unit, start, end):
    """{org_unit_id: {"members", "self", "asked", "answered"}} of the subtree for [start, end)."""
    units = subtree_units(unit)
    members = _per_unit(select(Case.org_unit_id, func.count(distinct(Case.id)))
                        .where(Case.org_unit_id.in_(units), Case.id.in_(_linked(start, end))).group_by(Case.org_unit_id))
    self_in = _per_unit(select(Case.org_unit_id, func.count(distinct(Case.id))).join(ContactLog, ContactLog.case_id == Case.id)
                        .where(Case.org_unit_id.in_(units), ContactLog.kind == "self",
                               ContactLog.contacted_at >= start, ContactLog.contacted_at < end)
                        .group_by(Case.org_unit_id))
    asked = _asked(units, start, end)
    ids = set(members) | set(self_in) | set(asked)
    return {uid: {"members": members.get(uid, 0), "self": self_in.get(uid, 0),
                  "asked": asked.get(uid, (0, 0))[0], "answered": asked.get(uid, (0, 0))[1]} for uid in ids}


def _asked(units, start, end):
    """{org_unit_id: (requests, answered)}: matched in memory, both sides bounded by the period."""
    requests = db.session.execute(
        select(Case.org_unit_id, OutboxMessage.case_id, OutboxMessage.created_at)
        .join(Case, Case.id == OutboxMessage.case_id)
        .where(Case.org_unit_id.in_(units), OutboxMessage.kind == "checkin_request",
               OutboxMessage.created_at >= start, OutboxMessage.created_at < end)).all()
    contacts = {}
    for case_id, at in db.session.execute(
            select(ContactLog.case_id, ContactLog.contacted_at)
            .where(ContactLog.case_id.in_({r.case_id for r in requests}), ContactLog.kind == "self",
                   ContactLog.contacted_at >= start, ContactLog.contacted_at < end + timedelta(days=ANSWER_DAYS))):
        contacts.setdefault(case_id, []).append(at)
    out = {}
    for unit_id, case_id, at in requests:
        asked, answered = out.get(unit_id, (0, 0))
        hit = any(at <= when < at + timedelta(days=ANSWER_DAYS) for when in contacts.get(case_id, ()))
        out[unit_id] = (asked + 1, answered + int(hit))
    return out


def ratio(part, whole):
    """part / whole (0..1), or None when whole is 0."""
    return part / whole if whole else None


def report(viewer, now=None, months=6):
    """(rows, overall): this month per community/branch, and the subtree's monthly trend, oldest first."""
    now = now or utcnow()
    unit = viewer.org_unit
    units = units_in(unit)
    trend = []
    for month, end in recent_months(now, months):
        start = month_start(*map(int, month.split("-")))
        per_unit = numbers(unit, start, min(end, now))
        trend.append((month, rollup(units, per_unit).get(unit.id, {})))
    this_month = month_start(*map(int, trend[-1][0].split("-")))
    rows, _totals = report_rows(unit, numbers(unit, this_month, now),
                                lambda n: ratio(n.get("self", 0), n.get("members", 0)) or 0)
    return rows, trend

"""Link health: the share of 跟踪中 cases contacted within their rhythm, and the 失联.

The current month is counted live. Past months come from snapshots (one row per
unit and month): `take_snapshot` keeps the current month's row up to date (run it
daily from the scheduler; the last run of a month stands for that month) and
`backfill` rebuilds past months once from the history of transitions and contacts.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, delete, func, insert, literal, or_, select

from workflow.cases.services import units_in
from workflow.db import UTCDateTime, db, utcnow
from workflow.models import Case, ContactLog, HealthSnapshot, OrgUnit, Person, TransitionRecord
from workflow.process.engine import get_engine
from workflow.reports.rollup import report_rows, rollup, subtree_units

FOLLOWING, LOST = "following", "lost"


def local_zone():
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def month_of(instant):
    """Return "YYYY-MM" of an instant in local time."""
    return instant.astimezone(local_zone()).strftime("%Y-%m")


def month_start(year, month):
    """Return the first local instant of a month, as aware UTC."""
    while month < 1:
        year, month = year - 1, month + 12
    while month > 12:
        year, month = year + 1, month - 12
    return datetime(year, month, 1, tzinfo=local_zone()).astimezone(ZoneInfo("UTC"))


def recent_months(now, count):
    """Return [(month "YYYY-MM", end instant)] of the last count months, oldest first.

    The last one is the current month; its end is now.
    """
    local = now.astimezone(local_zone())
    out = []
    for back in range(count - 1, -1, -1):
        start = month_start(local.year, local.month - back)
        end = now if back == 0 else month_start(local.year, local.month - back + 1)
        out.append((start.astimezone(local_zone()).strftime("%Y-%m"), end))
    return out


def current_numbers(unit, now):
    """Return {org_unit_id: {"following", "in_rhythm", "lost"}} of the subtree, now."""
    following = Case.state == FOLLOWING
    rows = db.session.execute(
        select(
            Case.org_unit_id,
            func.sum(case((following, 1), else_=0)),
            func.sum(case((and_(following, Case.next_due_at >= now), 1), else_=0)),
            func.sum(case((Case.state == LOST, 1), else_=0)),
        )
        .where(Case.org_unit_id.in_(subtree_units(unit)), Case.state.in_((FOLLOWING, LOST)))
        .group_by(Case.org_unit_id)
    )
    return {uid: _numbers(f, r, lost) for uid, f, r, lost in rows}


def _numbers(following, in_rhythm, lost):
    return {"following": int(following or 0), "in_rhythm": int(in_rhythm or 0), "lost": int(lost or 0)}


def _state_delta(state):
    """+1 for entering a state, -1 for leaving it: summed up to an instant, 1 means "in it"."""
    tr = TransitionRecord
    return case(
        (and_(tr.to_state == state, tr.from_state != state), 1),
        (and_(tr.from_state == state, tr.to_state != state), -1),
        else_=0,
    )


def numbers_at(end):
    """Rebuild {org_unit_id: numbers} at a past instant from transitions and contacts.

    Cases count in the unit they belong to now (a later handover moves them).
    """
    tr = TransitionRecord
    states = (
        select(tr.case_id, func.sum(_state_delta(FOLLOWING)).label("f"), func.sum(_state_delta(LOST)).label("l"))
        .where(tr.at < end).group_by(tr.case_id).subquery()
    )
    reached = (
        select(ContactLog.case_id, func.max(ContactLog.contacted_at).label("last"))
        .where(ContactLog.outcome == "reached", ContactLog.contacted_at < end)
        .group_by(ContactLog.case_id).subquery()
    )
    rhythm = get_engine().definition.rhythm
    member_cut, resident_cut = end - timedelta(days=rhythm["party_member"]), end - timedelta(days=rhythm["resident"])
    cut = case((Person.is_party_member, literal(member_cut, UTCDateTime())),
               else_=literal(resident_cut, UTCDateTime()))
    recent = or_(and_(Case.moved_out_at < end, Case.moved_out_at >= cut), reached.c.last >= cut)
    following = states.c.f == 1
    rows = db.session.execute(
        select(
            Case.org_unit_id,
            func.sum(case((following, 1), else_=0)),
            func.sum(case((and_(following, recent), 1), else_=0)),
            func.sum(case((states.c.l == 1, 1), else_=0)),
        )
        .join(states, states.c.case_id == Case.id)
        .join(Person, Person.id == Case.person_id)
        .outerjoin(reached, reached.c.case_id == Case.id)
        .where(or_(following, states.c.l == 1))
        .group_by(Case.org_unit_id)
    )
    return {uid: _numbers(f, r, lost) for uid, f, r, lost in rows}


def _store(month, per_unit, now):
    """Replace a month's rows; the roots always get one, so a stored month is never "no data"."""
    per_unit = dict(per_unit)
    for root in db.session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None))):
        per_unit.setdefault(root, _numbers(0, 0, 0))
    db.session.execute(delete(HealthSnapshot).where(HealthSnapshot.month == month))
    rows = [{"month": month, "org_unit_id": uid, "taken_at": now, **n} for uid, n in per_unit.items()]
    if rows:
        db.session.execute(insert(HealthSnapshot), rows)


def take_snapshot(now=None):
    """Store the current month's numbers of every unit (replacing that month's rows)."""
    now = now or utcnow()
    roots = db.session.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None))).all()
    per_unit = {}
    for root in roots:
        per_unit.update(current_numbers(root, now))
    _store(month_of(now), per_unit, now)
    db.session.commit()
    return len(per_unit)


def backfill(months=6, now=None):
    """Rebuild the snapshots of the past months (not the current one) from history."""
    now = now or utcnow()
    done = []
    for month, end in recent_months(now, months + 1)[:-1]:
        _store(month, numbers_at(end), now)
        done.append(month)
    db.session.commit()
    return done


def trend(unit, now, months=6):
    """Return [(month, {org_unit_id: numbers} or None)] oldest first; the last is live."""
    wanted = recent_months(now, months)
    past = [m for m, _end in wanted[:-1]]
    stored = {}
    for snap in db.session.scalars(
        select(HealthSnapshot).where(HealthSnapshot.month.in_(past))
    ):
        stored.setdefault(snap.month, {})[snap.org_unit_id] = _numbers(snap.following, snap.in_rhythm, snap.lost)
    out = [(m, stored.get(m)) for m in past]
    out.append((wanted[-1][0], current_numbers(unit, now)))
    return out


def share(numbers):
    """Return the share (0..1) contacted within rhythm, or None without 跟踪中 cases."""
    if not numbers or not numbers.get("following"):
        return None
    return numbers["in_rhythm"] / numbers["following"]


def _health_order(numbers):
    """Sort key: most 失联 first, then the lowest share in rhythm; no 跟踪中 sorts last."""
    ratio = share(numbers)
    return (-numbers.get("lost", 0), 2 if ratio is None else ratio)


def report(viewer, now, months=6):
    """Return (rows, overall): per community/branch its numbers for every month, worst first.

    Each row gets .months = [(month, numbers or None)], the last month live.
    """
    unit = viewer.org_unit
    series = trend(unit, now, months)
    rows, _totals = report_rows(unit, series[-1][1], _health_order)
    units = units_in(unit)
    by_month = [(m, rollup(units, data) if data is not None else None) for m, data in series]
    for row in rows:
        row.months = [(m, data.get(row.unit.id) if data is not None else None) for m, data in by_month]
    overall = [(m, data.get(unit.id) if data is not None else None) for m, data in by_month]
    return rows, overall

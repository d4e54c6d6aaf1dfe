"""What the 流动党员 screens read: each party member's mobility and clocks, for one case or a subtree.

One statement per read: the cases with their current mobility record, and correlated
look-ups on the (case_id, contacted_at) index for the last report and the last reached
contact, the active 活动证 and the resettlement address. The cost follows the party
members of the subtree, not the whole contact log.

Most members are 本地 (no registered situation): their one clock is the six-month line,
and whether it is crossed by a day is a date comparison the database can make (line_cut).
So the counts and the reminder job compute clocks in Python only for the registered
members and for the 本地 members whose line the question is about; the 本地 crowd is
counted in SQL (measured in bench/mobility.py).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, bindparam, func, or_, select

from workflow.db import db
from workflow.mobility import tasks
from workflow.mobility.clocks import Facts, add_months, compute, local_day, zone
from workflow.mobility.policy import get_policy
from workflow.models import (
    ActivityCertificate,
    Case,
    ContactLog,
    MobilityRecord,
    OrgUnit,
    OutboxMessage,
    Person,
    RegistrationEntry,
)
from workflow.process.engine import get_engine
from workflow.subtree import bound_under, bounds, under


@dataclass(frozen=True)
class MobileRow:
    case_id: int
    name: str
    id_masked: str
    unit: str
    state: str
    worker_id: int | None
    org_path: str
    situation: str
    since: date
    dest_province: str | None
    dest_city: str | None
    clocks: object


# The reads below are on the tables, not the mapped classes: a Core statement of plain
# columns skips the ORM's compile and result steps (the due list runs one on every view).
_cases, _people, _units = Case.__table__, Person.__table__, OrgUnit.__table__
_records, _contacts = MobilityRecord.__table__, ContactLog.__table__
_certificates, _entries = ActivityCertificate.__table__, RegistrationEntry.__table__


def _last_contact(kinds=None):
    where = [_contacts.c.case_id == _cases.c.id, _contacts.c.outcome == "reached"]
    if kinds is not None:
        where.append(_contacts.c.kind.in_(kinds))
    return select(func.max(_contacts.c.contacted_at)).where(*where).scalar_subquery()


_STATEMENTS = {}


def _statement(policy):
    """The base read, built once per policy's kinds and end states: building it costs more
    than running it for a community's few registered members (today's list runs it on every view)."""
    key = (tuple(policy.report_kinds), tuple(policy.ends_in))
    if key not in _STATEMENTS:
        _STATEMENTS[key] = _build_statement(policy)
    return _STATEMENTS[key]


def _build_statement(policy):
    certificate = (select(func.max(_certificates.c.expires_on))
                   .where(_certificates.c.case_id == _cases.c.id, _certificates.c.status == "active")
                   .scalar_subquery())
    settled = (select(func.max(_entries.c.recorded_at))
               .where(_entries.c.case_id == _cases.c.id, _entries.c.item == "destination_address",
                      _entries.c.is_current.is_(True), _entries.c.address_kind == "resettlement")
               .scalar_subquery())
    c = _cases.c
    return (
        select(c.id, c.state, c.worker_id, c.org_path, c.moved_out_at, c.created_at,
               _people.c.name, _people.c.id_masked, _units.c.name.label("unit"),
               _records.c.situation, _records.c.since, _records.c.dest_province, _records.c.dest_city,
               _last_contact(policy.report_kinds).label("last_report_at"),
               _last_contact().label("last_reached_at"), certificate.label("certificate"), settled.label("settled"))
        .select_from(_cases.join(_people, _people.c.id == c.person_id)
                     .join(_units, _units.c.id == c.org_unit_id)
                     .outerjoin(_records, and_(_records.c.case_id == c.id, _records.c.is_current.is_(True))))
        .where(_people.c.is_party_member.is_(True), c.state.not_in(policy.ends_in))
    )


def _row(r, policy, today, hand_over_states, tz):
    since = r.since or local_day(r.created_at, tz)
    facts = Facts(
        situation=r.situation or "local", since=since, moved_out_at=r.moved_out_at,
        last_report_at=r.last_report_at, last_reached_at=r.last_reached_at, certificate_expires_on=r.certificate,
        settled_on=local_day(r.settled, tz), may_hand_over=r.state in hand_over_states,
    )
    return MobileRow(r.id, r.name, r.id_masked, r.unit, r.state, r.worker_id, r.org_path, facts.situation, since,
                     r.dest_province, r.dest_city, compute(facts, policy, today, tz))


def _hand_over_states():
    definition = get_engine().definition
    return {state for state in definition.states if definition.transitions_from(state, "hand_over")}


def case_row(case_id, now):
    """The mobility and clocks of one party member's case, or None (a resident, or ended)."""
    policy = get_policy()
    found = db.session.execute(_statement(policy).where(_cases.c.id == case_id)).first()
    return _row(found, policy, local_day(now), _hand_over_states(), zone()) if found else None



def subtree_rows(path, now, where=None):
    """Every party member's mobility and clocks in the subtree at path (None: everywhere).

    where: a further condition (registered(), crossed_local(...)) on the cases read.
    """
    policy, today, states, tz = get_policy(), local_day(now), _hand_over_states(), zone()
    statement = _statement(policy)
    if path is not None:
        statement = statement.where(under(_cases.c.org_path, path))
    if where is not None:
        statement = statement.where(where)
    found = db.session.execute(statement.order_by(_units.c.name, _people.c.name, _cases.c.id)).all()
    return [_row(r, policy, today, states, tz) for r in found]


_REGISTERED = {}
# A deadline falls so many days later than a day from add_months() at most (08-31 + 6 months
# is 02-28, three days short of 08-28 + 6): the candidates' margin, with room to spare.
_MONTH_END_SLACK = timedelta(days=7)


def _registered_statements(policy):
    """The registered mobile members of a subtree who may have a deadline within its lead
    days, as two statements built once per policy and backend: their ids (bound: subtree.bounds()
    and _candidate_values()), from covering indexes, then their rows by id (bound: ids).

    The ids' conditions are a superset of what tasks.items() shows: each clock's deadline
    add_months(base, months) <= day is asked as base <= add_months(day, -months) + a week,
    so tasks.items() still decides exactly, but only for the few it may concern; most
    registered members have nothing due for months and cost one index probe.

    Apart, each statement is one PostgreSQL plans once and keeps (a generic plan): in one,
    with the ids in a CTE, it planned the whole read again on every run (0.9 ms, more than
    running it). Most subtrees have no candidate: then the rows' read is not run at all.
    The due list runs this on every view."""
    flagged = [s for s in policy.situations.values() if s.mobile or s.abroad or s.graduate]
    dialect = db.session.get_bind().dialect.name
    key = (tuple(policy.report_kinds), tuple(policy.ends_in), tuple(s.name for s in flagged), dialect)
    if key not in _REGISTERED:
        names = tuple(s.name for s in flagged)
        ids = (select(_cases.c.id).select_from(_cases.join(_records, _records.c.case_id == _cases.c.id))
               .where(_records.c.is_current.is_(True),
                      # the policy's names in the text: a generic plan then knows how few they are
                      _records.c.situation.in_(bindparam("names", names, expanding=True, literal_execute=True)),
                      or_(*(_candidate(s, policy) for s in flagged)), bound_under(_cases.c.org_path, dialect)))
        rows = (_statement(policy).where(_cases.c.id.in_(bindparam("ids", expanding=True)))
                .order_by(_units.c.name, _people.c.name, _cases.c.id))
        _REGISTERED[key] = ids, rows
    return _REGISTERED[key]


def _candidate(situation, policy):
    """SQL: a member in this situation may have one of its deadlines within the lead days."""
    since = _records.c.since

    def based_on(day, reached_at, kinds=None):  # max(since, the last reached contact's day) <= day
        later = [_contacts.c.case_id == _cases.c.id, _contacts.c.outcome == "reached",
                 _contacts.c.contacted_at >= bindparam(reached_at)]
        if kinds is not None:
            later.append(_contacts.c.kind.in_(kinds))
        return and_(or_(since.is_(None), since <= bindparam(day)), ~select(_contacts.c.id).where(*later).exists())

    found = []
    if situation.mobile:
        found.append(based_on("report_day", "report_at", policy.report_kinds))
        found.append(select(_certificates.c.id).where(
            _certificates.c.case_id == _cases.c.id, _certificates.c.status == "active",
            _certificates.c.expires_on <= bindparam("certificate_day")).exists())
    if situation.abroad:
        found.append(based_on("abroad_day", "abroad_at"))
    if situation.graduate:
        found.append(or_(since.is_(None), since <= bindparam("graduate_day")))
    if situation.suggest_transfer:  # 应转尽转: settled elsewhere, an open task from that day on
        found.append(select(_entries.c.id).where(
            _entries.c.case_id == _cases.c.id, _entries.c.item == "destination_address",
            _entries.c.is_current.is_(True), _entries.c.address_kind == "resettlement").exists())
    return and_(_records.c.situation == bindparam(None, situation.name, unique=True, literal_execute=True),
                or_(*found))


def _candidate_values(policy, today, tz):
    """The bound days and instants of _candidate() as of the local day today."""
    lead = policy.reminders

    def cut(lead_days, months):
        day = add_months(today + timedelta(days=lead_days), -policy.months(months)) + _MONTH_END_SLACK
        # a contact on that local day or before leaves the base there; one after moves it past
        return day, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)

    report_day, report_at = cut(lead["report_lead_days"], "report_every_months")
    abroad_day, abroad_at = cut(lead["report_lead_days"], "abroad_contact_months")
    graduate_day, _ = cut(lead["report_lead_days"], "graduate_keep_months")
    return {"report_day": report_day, "report_at": report_at, "abroad_day": abroad_day, "abroad_at": abroad_at,
            "graduate_day": graduate_day, "certificate_day": today + timedelta(days=lead["certificate_lead_days"])}


def _due_candidates(path, now):
    """The rows of _registered_statements() for the subtree at path."""
    policy, today, states, tz = get_policy(), local_day(now), _hand_over_states(), zone()
    ids_statement, rows_statement = _registered_statements(policy)
    ids = db.session.scalars(ids_statement, {**bounds(path), **_candidate_values(policy, today, tz)}).all()
    found = db.session.execute(rows_statement, {"ids": ids}).all() if ids else ()
    return [_row(r, policy, today, states, tz) for r in found]


LOCAL = "local"  # the situation of a member with no record: the one the SQL fast path knows


def line_only(policy):
    """Whether 本地 has no clock but the six-month line (the fast path's premise; a district that
    gives 本地 a clock of its own in mobility.toml gets the full read everywhere)."""
    s = policy.situations[LOCAL]
    return not (s.mobile or s.abroad or s.graduate or s.suggest_transfer)


def registered():
    """SQL: the case has a current situation other than 本地 (few: read them in full)."""
    return Case.id.in_(select(MobilityRecord.case_id).where(
        MobilityRecord.is_current.is_(True), MobilityRecord.situation != LOCAL))


def line_cut(day, policy, tz=None):
    """The first instant of the local day after the last absence start that crosses the
    six-month line by `day`: an absence begun (or last reported) before it has crossed."""
    months = policy.months("mobile_after_months")
    last = add_months(day, -months)
    while add_months(last + timedelta(days=1), months) <= day:  # month ends: 08-31 + 6 = 02-28
        last += timedelta(days=1)
    while add_months(last, months) > day:
        last -= timedelta(days=1)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz or zone()).astimezone(UTC)


def crossed_local(cut, policy):
    """SQL: a 本地 member away since before cut with no report since (clocks.compute's line,
    as a condition: away_since = the later of the move-out day and the last report's day)."""
    reported = select(ContactLog.id).where(
        ContactLog.case_id == Case.id, ContactLog.outcome == "reached",
        ContactLog.kind.in_(policy.report_kinds), ContactLog.contacted_at >= cut)
    return and_(~registered(), Case.moved_out_at < cut, ~reported.exists())


def line_count(path, now):
    """How many 本地 members of the subtree have crossed the six-month line, counted in SQL."""
    policy = get_policy()
    statement = (select(func.count(Case.id)).join(Person, Person.id == Case.person_id)
                 .where(Person.is_party_member.is_(True), Case.state.not_in(policy.ends_in),
                        crossed_local(line_cut(local_day(now), policy), policy)))
    if path is not None:
        statement = statement.where(under(Case.org_path, path))
    return db.session.scalar(statement)


def reminder_rows(now):
    """The rows the reminder job must look at: every registered member, and the 本地 members
    whose line falls within its lead days and who were not told of it since they left (or
    last reported). A member told already keeps the task on the case page and the tiles."""
    policy = get_policy()
    if not line_only(policy):
        return subtree_rows(None, now)
    lead = timedelta(days=policy.reminders["line_lead_days"])
    told = select(OutboxMessage.id).where(
        OutboxMessage.case_id == Case.id, OutboxMessage.kind == "mobility_line",
        OutboxMessage.created_at >= Case.moved_out_at,
        ~select(ContactLog.id).where(  # no report since that message (the line moved on after it)
            ContactLog.case_id == OutboxMessage.case_id, ContactLog.outcome == "reached",
            ContactLog.kind.in_(policy.report_kinds), ContactLog.contacted_at > OutboxMessage.created_at,
        ).correlate(OutboxMessage).exists())
    near = crossed_local(line_cut(local_day(now) + lead, policy), policy)
    return subtree_rows(None, now, where=or_(registered(), and_(near, ~told.exists())))


def due_items(path, now):
    """The registered mobile members' deadlines within their lead days, most pressing first."""
    policy, today = get_policy(), local_day(now)
    pairs = [(row, item) for row in _due_candidates(path, now)
             for item in tasks.items(row, policy, today) if item.kind != "line"]
    return sorted(pairs, key=lambda pair: (pair[1].due_on, pair[0].case_id))

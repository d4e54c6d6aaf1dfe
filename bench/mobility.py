"""Benchmark: a street's 流动党员 tiles (the supervisor's page and the dashboard's line) vs the
same reads as raw SQL, plus the reminder job's read and the old full read for reference.

Ours is workflow.reports.mobility_board.board for the street of s1-supervisor: the 本地
members' six-month line counted in SQL, the registered members' clocks computed in Python.
The baseline sends the same two reads as hand-written SQL and does no clock arithmetic.
Beside it: one reminder run's read (reminder_rows), the worker's 流动党员事项 (due_items),
and the full read every member's clocks used to need (mobility.subtree_rows), timed once.
"""

import time
from datetime import UTC, datetime

from sqlalchemy import func, select, text

from bench.district_work import judged, timed_pair
from bench.registry import benchmark
from workflow.db import db
from workflow.mobility.policy import get_policy
from workflow.models import Case, MobilityRecord, Person, User
from workflow.reports import mobility, mobility_board

REGISTERED_SQL = """
SELECT c.id, c.state, c.worker_id, c.org_path, c.moved_out_at, c.created_at, p.name, p.id_masked, u.name,
  m.situation, m.since, m.dest_province, m.dest_city,
  (SELECT MAX(l.contacted_at) FROM contact_logs l WHERE l.case_id = c.id AND l.outcome = 'reached'
     AND l.kind IN ('org_life', 'self', 'report')),
  (SELECT MAX(l.contacted_at) FROM contact_logs l WHERE l.case_id = c.id AND l.outcome = 'reached'),
  (SELECT MAX(a.expires_on) FROM activity_certificates a WHERE a.case_id = c.id AND a.status = 'active'),
  (SELECT MAX(e.recorded_at) FROM registration_entries e WHERE e.case_id = c.id AND e.item = 'destination_address'
     AND e.is_current = :yes AND e.address_kind = 'resettlement')
FROM cases c JOIN people p ON p.id = c.person_id JOIN org_units u ON u.id = c.org_unit_id
JOIN mobility_records m ON m.case_id = c.id AND m.is_current = :yes
WHERE p.is_party_member = :yes AND c.state NOT IN ('transferred', 'closed') AND m.situation != 'local'
  AND c.org_path LIKE :scope
"""
LINE_SQL = """
SELECT COUNT(*) FROM cases c JOIN people p ON p.id = c.person_id
WHERE p.is_party_member = :yes AND c.state NOT IN ('transferred', 'closed') AND c.org_path LIKE :scope
  AND c.moved_out_at < :cut
  AND c.id NOT IN (SELECT case_id FROM mobility_records WHERE is_current = :yes AND situation != 'local')
  AND NOT EXISTS (SELECT 1 FROM contact_logs l WHERE l.case_id = c.id AND l.outcome = 'reached'
                  AND l.kind IN ('org_life', 'self', 'report') AND l.contacted_at >= :cut)
"""


def board_sql(path, now):
    """The baseline: the registered members' rows and the 本地 line count, no clocks computed."""
    cut = mobility.line_cut(mobility.local_day(now), get_policy()).replace(tzinfo=None)
    params = {"scope": path + "%", "cut": cut, "yes": True}
    rows = db.session.execute(text(REGISTERED_SQL), params).all()
    return len(rows), db.session.scalar(text(LINE_SQL), params)


def once(func):
    started = time.perf_counter()
    value = func()
    db.session.rollback()
    return round((time.perf_counter() - started) * 1000, 1), value


@benchmark("mobility", "A street's 流动党员 tiles vs the same reads as raw SQL", order=43)
def mobility_tiles(ctx):
    now = datetime.now(UTC)
    with ctx.app().app_context():
        street = db.session.scalar(select(User).where(User.username == "s1-supervisor")).org_unit
        (ours, ours_p95, board), (base, base_p95, (registered, line)) = timed_pair(
            lambda: mobility_board.board(street.path, now), lambda: board_sql(street.path, now), repeat=10)
        assert board.counts["line"] >= line  # the registered 短期外出 add to the 本地 count
        root = street.parent.path if street.parent else street.path  # the whole district
        district_ms, _board = once(lambda: mobility_board.board(root, now))
        district_full_ms, _rows = once(lambda: mobility.subtree_rows(root, now))
        reminder_ms, rows = once(lambda: mobility.reminder_rows(now))
        due_ms, items = once(lambda: mobility.due_items(street.path, now))
        full_ms, everyone = once(lambda: mobility.subtree_rows(street.path, now))
        today = mobility.local_day(now)
        full_line = sum(mobility_board.in_bucket(r, "line", get_policy(), today) for r in everyone)
        members = db.session.scalar(select(func.count(Case.id)).join(Person, Person.id == Case.person_id)
                                    .where(Person.is_party_member.is_(True), Case.moved_out_at.is_not(None)))
        details = {"ours_p95_ms": ours_p95, "baseline_p95_ms": base_p95, "registered_in_street": registered,
                   "line_crossed_in_street": board.counts["line"], "members_in_street": len(everyone),
                   "members_moved_out": members,
                   "current_records": db.session.scalar(select(func.count(MobilityRecord.id))),
                   "reminder_read_ms": reminder_ms, "reminder_rows": len(rows),
                   "worker_items_ms": due_ms, "worker_items": len(items),
                   "district_board_ms": district_ms, "district_full_read_ms": district_full_ms,
                   "full_read_ms": full_ms, "full_line_crossed": full_line, "cases": ctx.summary["cases"]}
        db.session.remove()
    return [judged("mobility", ctx, ours, base, "< 3 ×, < 500 ms", (3, 500), details)]

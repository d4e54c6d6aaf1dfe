"""Benchmark: a street's monthly report (workflow/reports/monthly) vs the same aggregates as raw SQL.

Ours is figures.draw for the street of s1-supervisor and last month: one statement per
template column, folded into the communities. The baseline sends the same aggregates as
four hand-written statements (the period's rows grouped by unit on each side, the self
check-ins, the cases by unit and state with the rows since the period's end) and folds
them the same way. Beside it: the report of a quiet early month, the report of the month
three months back (more rows since its end), the rows in each period and the whole history.
"""

from datetime import UTC, datetime

from sqlalchemy import func, select, text

from bench.district_work import judged, timed_pair
from bench.registry import benchmark
from workflow.db import db
from workflow.models import TransitionRecord, User
from workflow.reports.monthly import figures, periods

FLOW_SQL = """
SELECT org_path,
  COUNT(DISTINCT CASE WHEN trigger = 'list' THEN case_id END),
  COUNT(DISTINCT CASE WHEN trigger = 'approve' THEN case_id END),
  COUNT(DISTINCT CASE WHEN trigger = 'contact' THEN case_id END),
  COUNT(DISTINCT CASE WHEN to_state = 'lost' AND from_state != 'lost' THEN case_id END),
  COUNT(DISTINCT CASE WHEN trigger = 'accept' AND from_path != org_path THEN case_id END)
FROM transition_records
WHERE at >= :start AND at < :end AND org_path LIKE :scope
GROUP BY org_path
"""
SENDER_SQL = """
SELECT from_path,
  COUNT(DISTINCT CASE WHEN trigger IN ('accept', 'record_receipt') THEN case_id END),
  COUNT(DISTINCT CASE WHEN trigger = 'reject' THEN case_id END),
  COUNT(DISTINCT CASE WHEN to_state = 'resettled' AND from_state != 'resettled' THEN case_id END),
  COUNT(DISTINCT CASE WHEN to_state = 'transferred' AND from_state != 'transferred' THEN case_id END)
FROM transition_records
WHERE at >= :start AND at < :end AND from_path LIKE :scope
GROUP BY from_path
"""
SELF_SQL = """
SELECT t.org_path, COUNT(DISTINCT c.case_id)
FROM contact_logs c JOIN transition_records t ON t.case_id = c.case_id AND t.at <= c.contacted_at
WHERE c.kind = 'self' AND c.contacted_at >= :start AND c.contacted_at < :end AND t.org_path LIKE :scope
  AND NOT EXISTS (SELECT 1 FROM transition_records l WHERE l.case_id = t.case_id AND l.at <= c.contacted_at
                  AND (l.at > t.at OR (l.at = t.at AND l.id > t.id)))
GROUP BY t.org_path
"""
STOCK_SQL = """
SELECT org_path, state, COUNT(*) FROM cases WHERE org_path LIKE :scope GROUP BY org_path, state
UNION ALL
SELECT from_path, from_state, COUNT(*) FROM transition_records
WHERE at >= :end AND from_path LIKE :scope GROUP BY from_path, from_state
UNION ALL
SELECT org_path, to_state, -COUNT(*) FROM transition_records
WHERE at >= :end AND org_path LIKE :scope GROUP BY org_path, to_state
"""


def report_sql(unit, period):
    """The baseline: the same aggregates as four statements, folded into the units below."""
    params = {"start": period.start.replace(tzinfo=None), "end": period.end.replace(tzinfo=None),
              "scope": unit.path + "%"}
    rows = [db.session.execute(text(sql), params).all() for sql in (FLOW_SQL, SENDER_SQL, SELF_SQL, STOCK_SQL)]
    below = [u.path for u in unit.children]
    folded = {}
    for part in rows:
        for row in part:
            key = next((p for p in below if row[0] and row[0].startswith(p)), unit.path)
            folded.setdefault(key, []).append(row[1:])
    return folded


def rows_in(period):
    tr = TransitionRecord
    return db.session.scalar(select(func.count()).where(tr.at >= period.start, tr.at < period.end))


@benchmark("monthly_report", "A street's monthly report vs the same aggregates as raw SQL", order=42)
def monthly_report(ctx):
    now = datetime.now(UTC)
    with ctx.app().app_context():
        street = db.session.scalar(select(User).where(User.username == "s1-supervisor")).org_unit
        last = periods.parse(periods.last_month(now), now)
        (ours, ours_p95, table), (base, base_p95, _rows) = timed_pair(
            lambda: figures.draw(street, last), lambda: report_sql(street, last), repeat=10)
        first_at = db.session.scalar(select(func.min(TransitionRecord.at)))
        quiet = periods.parse(first_at.astimezone(periods.zone()).strftime("%Y-%m"), now)
        back = datetime(last.start.year - (last.start.month <= 3), (last.start.month - 4) % 12 + 1, 15, tzinfo=UTC)
        earlier = periods.parse(back.astimezone(periods.zone()).strftime("%Y-%m"), now)
        details = {"period": last.key, "rows_in_period": rows_in(last), "ours_p95_ms": ours_p95,
                   "baseline_p95_ms": base_p95, "history_rows": db.session.scalar(select(func.count(TransitionRecord.id))),
                   "street_cases": table.total.get("total"), "cases": ctx.summary["cases"]}
        for label, period in (("quiet", quiet), ("three_months_back", earlier)):
            (ms, _p95, _t), (sql_ms, _b, _r) = timed_pair(lambda p=period: figures.draw(street, p),
                                                         lambda p=period: report_sql(street, p), repeat=5)
            details[f"{label}_period"], details[f"{label}_rows_in_period"] = period.key, rows_in(period)
            details[f"{label}_ours_ms"], details[f"{label}_baseline_ms"] = ms, sql_ms
        db.session.remove()
    return [judged("monthly_report", ctx, ours, base, "< 3 ×, < 1 s", (3, 1000), details)]

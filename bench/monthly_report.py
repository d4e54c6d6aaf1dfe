"""Benchmark: a street's monthly report (workflow/reports/monthly) vs the same aggregates as raw SQL.

Ours is figures.draw for the street of s1-supervisor and last month: one statement per
measure family (docs/reports.md), folded into the communities. The baseline sends the same
aggregates as seven hand-written statements (the period's rows grouped by unit on each
side, the self check-ins, the cases by unit and state with the rows since the period's end,
the households, the mobile members at the end, the 活动证 figures) and folds them the same way. Beside it: the report of a quiet early month, the report of the month
three months back (more rows since its end), the rows in each period and the whole history.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from bench.district_work import judged, timed_pair
from bench.registry import benchmark
from workflow.db import db
from workflow.mobility.clocks import add_months
from workflow.mobility.policy import get_policy
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

HOUSEHOLD_SQL = """
SELECT h.org_path, COUNT(DISTINCT m.case_id)
FROM household_members m JOIN households h ON h.id = m.household_id
WHERE m.is_head = :yes AND h.created_at < :end AND h.org_path LIKE :scope
GROUP BY h.org_path
"""
MOBILE_SQL = """
SELECT p, COUNT(DISTINCT case_id) FROM (
  SELECT r.case_id,
    COALESCE((SELECT t.from_path FROM transition_records t WHERE t.case_id = r.case_id AND t.at >= :end
              AND t.from_path IS NOT NULL ORDER BY t.at, t.id LIMIT 1), c.org_path) AS p,
    COALESCE((SELECT t.from_state FROM transition_records t WHERE t.case_id = r.case_id AND t.at >= :end
              AND t.from_path IS NOT NULL ORDER BY t.at, t.id LIMIT 1), c.state) AS s
  FROM mobility_records r JOIN cases c ON c.id = r.case_id
  WHERE r.recorded_at < :end AND r.situation IN ({mobile})
    AND r.case_id IN (SELECT id FROM cases WHERE org_path LIKE :scope
                      UNION SELECT case_id FROM transition_records WHERE at >= :end AND from_path LIKE :scope)
    AND NOT EXISTS (SELECT 1 FROM mobility_records n WHERE n.case_id = r.case_id AND n.recorded_at < :end
                    AND (n.recorded_at > r.recorded_at OR (n.recorded_at = r.recorded_at AND n.id > r.id)))
) x WHERE s != 'closed' AND p LIKE :scope GROUP BY p
"""
# {json}: the dialect's "a history row's data field as text" ({field} is the field's name).
CARDS_SQL = """
SELECT path,
  COUNT(DISTINCT CASE WHEN (issued_on >= :first AND issued_on <= :last)
                        OR (created_at >= :start AND issued_on < :first) THEN case_id END),
  COUNT(DISTINCT CASE WHEN issued_on <= :last AND NOT revoked AND expiry >= :last THEN case_id END),
  COUNT(DISTINCT CASE WHEN NOT revoked AND expiry >= :first AND expiry < :last THEN case_id END),
  COUNT(DISTINCT CASE WHEN issued_on <= :last AND NOT revoked AND expiry >= :after AND expiry < :after_next
                      THEN case_id END)
FROM (
  SELECT a.case_id, u.path, a.issued_on, a.created_at,
    COALESCE((SELECT {date_of_previous} FROM transition_records t WHERE t.case_id = a.case_id
              AND t.trigger = 'certificate_renew' AND t.at >= :end AND {number} = a.number
              ORDER BY t.at, t.id LIMIT 1), a.expires_on) AS expiry,
    EXISTS (SELECT 1 FROM transition_records t WHERE t.case_id = a.case_id AND t.trigger = 'certificate_revoke'
            AND t.at < :end AND {number} = a.number) AS revoked
  FROM activity_certificates a JOIN org_units u ON u.id = a.issuing_unit_id
  WHERE a.created_at < :end AND u.path LIKE :scope
) x GROUP BY path
"""
JSON_TEXT = {"sqlite": "json_extract(t.data, '$.{field}')", "postgresql": "(t.data ->> '{field}')"}


def _statements():
    json = JSON_TEXT[db.engine.dialect.name]
    mobile = ", ".join(f"'{name}'" for name, kind in get_policy().situations.items() if kind.mobile)
    cards = CARDS_SQL.format(number=json.format(field="number"),
                             date_of_previous="date(" + json.format(field="previous") + ")")
    return (FLOW_SQL, SENDER_SQL, SELF_SQL, STOCK_SQL, HOUSEHOLD_SQL, MOBILE_SQL.format(mobile=mobile), cards)


# What each statement's counts are, in order (the stock statement's rows are folded by state).
NAMES = (("listed", "approved", "contacted", "became_lost", "handovers_in"),
         ("handovers_out", "handovers_rejected", "resettled", "transferred"), ("self_checkins",), None,
         ("households_at_end",), ("mobile_members_at_end",),
         ("activity_cards_issued", "activity_cards_valid_at_end", "activity_cards_lapsed", "activity_cards_expiring"))
STOCK = {"cases_at_end": None, "registered_at_end": {"registered", "following", "lost", "handover"},
         "following_at_end": {"following", "handover"}, "lost_at_end": {"lost"}}


def report_sql(unit, period):
    """The baseline: the same aggregates as seven statements, folded into the units below.

    Returns {unit path: {measure name: n}} for the units below and the unit itself (本级).
    """
    zone = periods.zone()
    first = period.start.astimezone(zone).date()
    last = (period.end.astimezone(zone) - timedelta(days=1)).date()
    params = {"start": period.start.replace(tzinfo=None), "end": period.end.replace(tzinfo=None),
              "scope": unit.path + "%", "yes": True, "first": first, "last": last,
              "after": last + timedelta(days=1), "after_next": add_months(last + timedelta(days=1), 1)}
    below = [u.path for u in unit.children]
    folded = {}
    for names, sql in zip(NAMES, _statements(), strict=True):
        for row in db.session.execute(text(sql), params):
            key = next((p for p in below if row[0] and row[0].startswith(p)), unit.path)
            cells = folded.setdefault(key, {})
            if names is None:  # (path, state, n)
                for name, states in STOCK.items():
                    if (row[1] != "closed") if states is None else row[1] in states:
                        cells[name] = cells.get(name, 0) + row[2]
            else:
                for name, n in zip(names, row[1:], strict=True):
                    cells[name] = cells.get(name, 0) + n
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

"""One transition through workflow.engine against a bare update-and-insert of the same rows.

`transition`: approve (待审核 → 已登记): load the case, fire, history row, commit.
`follow_up`: services.record_follow_up, reached by phone: load, contact log, fire
`contact` (next deadline from the rhythm), history row, commit.
The baseline does the same reads and writes with the DB-API driver alone. Both
sides run in this process, alternating in chunks over distinct cases.
"""

import sqlite3
import time
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import select

from bench.registry import Result, benchmark
from workflow.cases import services
from workflow.db import db
from workflow.models import Case, User
from workflow.process.engine import get_engine

CHUNK = 100


def connect(uri):
    """A bare DB-API connection with the settings the app uses; returns (conn, placeholder)."""
    if uri.startswith("sqlite"):
        conn = sqlite3.connect(uri.split("///", 1)[1])
        for pragma in ("journal_mode=WAL", "busy_timeout=5000", "foreign_keys=ON", "synchronous=NORMAL"):
            conn.execute(f"PRAGMA {pragma}")
        return conn
    return psycopg.connect(uri.replace("postgresql+psycopg://", "postgresql://"))


def stamp(conn, value):
    """A naive-UTC datetime in the form the backend stores."""
    plain = value.astimezone(UTC).replace(tzinfo=None)
    return plain.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(conn, sqlite3.Connection) else plain


def run(ctx, name, state, ours_op, bare_op, count):
    """Time ours_op and bare_op over distinct cases in the given state; return a Result."""
    with ctx.app().app_context():
        ids = db.session.scalars(select(Case.id).where(Case.state == state).order_by(Case.id)).all()
        db.session.remove()
    count = min(count, len(ids) // 2)
    if count == 0:
        return Result(name, ctx.backend, "time ours / baseline", None, None, "ms", "< 1.5×", None,
                      note=f"no two cases in {state}: generate a bigger district")
    chunk = max(1, min(CHUNK, count // 2))
    conn = connect(ctx.uri)
    times = {"ours": [], "baseline": []}
    try:
        with ctx.app().app_context():
            who = _actors(ids[:2 * count])
            for first in range(0, 2 * count, 2 * chunk):
                for case_id in ids[first:first + chunk]:
                    started = time.perf_counter()
                    ours_op(case_id, who)
                    times["ours"].append(time.perf_counter() - started)
                for case_id in ids[first + chunk:first + 2 * chunk]:
                    started = time.perf_counter()
                    bare_op(conn, case_id, who)
                    times["baseline"].append(time.perf_counter() - started)
            db.session.remove()
    finally:
        conn.close()
    ours, base = _summary(times["ours"]), _summary(times["baseline"])
    # Medians: on a shared machine a neighbour's burst moves the mean of either side.
    ratio = ours["p50_ms"] / base["p50_ms"]
    return Result(name, ctx.backend, "median time ours / baseline", ours["p50_ms"], base["p50_ms"], "ms",
                  "< 1.5×", ratio < 1.5, {"ours": ours, "baseline": base, "per_side": len(times["ours"])})


def _actors(ids):
    """Who acts on each case (ids only): its street's supervisor, its worker.

    Ours loads that user per operation, as load_user does for a request.
    """
    users = db.session.scalars(select(User).where(User.role == "supervisor")).all()
    streets = {user.org_unit.path.strip("/"): user.id for user in users if user.org_unit.kind == "street"}
    rows = db.session.execute(select(Case.id, Case.org_path, Case.worker_id).where(Case.id.in_(ids))).all()
    db.session.remove()  # nothing else stays in the session to be expired at every commit
    return {"street_supervisor": streets, "supervisor_of": {i: streets[_street(p)] for i, p, _w in rows},
            "worker_of": {i: w for i, _p, w in rows}}


def _summary(samples):
    ordered = sorted(samples)
    return {"n": len(ordered), "mean_ms": round(sum(ordered) / len(ordered) * 1000, 3),
            "p50_ms": round(ordered[len(ordered) // 2] * 1000, 3),
            "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 3),
            "per_s": round(len(ordered) / sum(ordered), 1)}


def _street(org_path):
    return org_path.split("/")[1]


def approve_ours(case_id, who):
    """As a request would: the user (load_user), the case in their scope, fire."""
    supervisor = db.session.get(User, who["supervisor_of"][case_id])
    get_engine().fire(services.load_case(case_id, supervisor), "approve", supervisor)


def approve_bare(conn, case_id, who):
    mark = "?" if isinstance(conn, sqlite3.Connection) else "%s"
    now = stamp(conn, datetime.now(UTC))
    cur = conn.cursor()
    cur.execute(f"SELECT state, version, org_path FROM cases WHERE id = {mark}", (case_id,))
    state, version, org_path = cur.fetchone()
    actor = who["street_supervisor"][_street(org_path)]
    cur.execute(f"UPDATE cases SET state = 'registered', version = {mark}, state_entered_at = {mark}, "
                f"next_due_at = NULL, due_kind = NULL, updated_at = {mark} WHERE id = {mark} AND version = {mark}",
                (version + 1, now, now, case_id, version))
    cur.execute("INSERT INTO transition_records (case_id, trigger, from_state, to_state, actor_id, at) "
                f"VALUES ({mark}, 'approve', {mark}, 'registered', {mark}, {mark})", (case_id, state, actor, now))
    conn.commit()
    cur.close()


def follow_up_ours(case_id, who):
    worker = db.session.get(User, who["worker_of"][case_id])
    services.record_follow_up(services.load_case(case_id, worker), worker, kind="phone", outcome="reached",
                              contacted_at=datetime.now(UTC))


def follow_up_bare(conn, case_id, who):
    mark = "?" if isinstance(conn, sqlite3.Connection) else "%s"
    now = datetime.now(UTC)
    cur = conn.cursor()
    cur.execute(f"SELECT c.state, c.version, c.worker_id, p.is_party_member FROM cases c "
                f"JOIN people p ON p.id = c.person_id WHERE c.id = {mark}", (case_id,))
    state, version, worker, member = cur.fetchone()
    due = stamp(conn, now + timedelta(days=30 if member else 90))
    at = stamp(conn, now)
    cur.execute("INSERT INTO contact_logs (case_id, kind, outcome, contacted_at, user_id, created_at) "
                f"VALUES ({mark}, 'phone', 'reached', {mark}, {mark}, {mark}) RETURNING id", (case_id, at, worker, at))
    contact_id = cur.fetchone()[0]
    cur.execute(f"UPDATE cases SET miss_count = 0, last_contact_at = {mark}, next_due_at = {mark}, "
                f"due_kind = 'follow_up', version = {mark}, updated_at = {mark} WHERE id = {mark} AND version = {mark}",
                (at, due, version + 1, at, case_id, version))
    cur.execute("INSERT INTO transition_records (case_id, trigger, from_state, to_state, actor_id, at, data) "
                f"VALUES ({mark}, 'contact', {mark}, {mark}, {mark}, {mark}, {mark})",
                (case_id, state, state, worker, at, f'{{"contact_id": {contact_id}}}'))
    conn.commit()
    cur.close()


@benchmark("transition", "One transition (approve) through the engine vs bare UPDATE+INSERT", order=20)
def transition(ctx):
    return [run(ctx, "transition", "in_review", approve_ours, approve_bare, ctx.args.transitions)]


@benchmark("follow_up", "Logging a follow-up (contact log + transition) vs bare INSERT+UPDATE+INSERT",
           order=21)
def follow_up(ctx):
    return [run(ctx, "follow_up", "following", follow_up_ours, follow_up_bare, ctx.args.transitions)]

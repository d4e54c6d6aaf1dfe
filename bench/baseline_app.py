"""The baseline: a bare Flask app that runs the same SQL and renders the same rows.

Nothing of ours is in the way: no login or session, no ORM, no Babel, no engine, no
security headers; one DB-API connection per worker process, plain Jinja. It serves
the due list and the case page of one fixed subtree (BENCH_ORG_PATH), so the
benchmark's ratio is the cost of everything the real app adds.

    gunicorn -c docs/deploy/gunicorn.conf.py 'bench.baseline_app:create_app()'
"""

import os
import sqlite3
import tomllib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import phonenumbers
import psycopg
from flask import Flask, abort, request

from bench.baseline_pages import (
    CASE,
    CASE_PAGE,
    CONTACTS,
    DUE_COUNT,
    DUE_PAGE,
    DUE_ROWS,
    ENTRIES,
    HISTORY,
    ITEMS,
    KINDS,
    OUTCOMES,
)

PROCESS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "workflow", "process.toml")
ZONE = ZoneInfo("Asia/Shanghai")


def _connect(uri):
    """Open one connection with the settings the real app uses."""
    if uri.startswith("sqlite"):
        conn = sqlite3.connect(uri.split("///", 1)[1], check_same_thread=False)
        for pragma in ("journal_mode=WAL", "busy_timeout=5000", "foreign_keys=ON", "synchronous=NORMAL",
                       "case_sensitive_like=ON"):
            conn.execute(f"PRAGMA {pragma}")
        return conn, "?"
    return psycopg.connect(uri.replace("postgresql+psycopg://", "postgresql://"), autocommit=True), "%s"


def _parse_time(value):
    """A stored naive-UTC value (text on SQLite) as an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def local(value, fmt="%Y-%m-%d %H:%M"):
    return value.astimezone(ZONE).strftime(fmt) if value else ""


def create_app():
    app = Flask(__name__)
    uri = os.environ["DONGQIAN_SQLALCHEMY_DATABASE_URI"]
    scope = os.environ["BENCH_ORG_PATH"] + "%"
    role = os.environ.get("BENCH_ROLE", "worker")
    per_page = int(os.environ.get("BENCH_PER_PAGE", "50"))
    with open(PROCESS, "rb") as handle:
        process = tomllib.load(handle)
    states = {s["name"]: s["zh"] for s in process["state"]}
    triggers = {}
    for t in process["transition"]:
        if role in t["roles"] and t.get("scope", "owner") == "owner":
            for source in t["source"]:
                triggers.setdefault(source, {}).setdefault(t["trigger"], t["zh"])
    conn, mark = _connect(uri)
    due_page, case_page = app.jinja_env.from_string(DUE_PAGE), app.jinja_env.from_string(CASE_PAGE)

    def query(sql, *params):
        cursor = conn.cursor()
        cursor.execute(sql.replace("?", mark), params)
        rows = cursor.fetchall()
        cursor.close()
        return rows

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/")
    def index():
        page = max(request.args.get("page", 1, type=int), 1)
        rows = query(DUE_ROWS, scope, per_page + 1, (page - 1) * per_page)
        total = query(DUE_COUNT, scope)[0][0]
        now = datetime.now(UTC)
        shown = []
        for case_id, state, due, name, id_masked, project, *_case in rows[:per_page]:
            due = _parse_time(due)
            late = (now - due).days if due <= now else None
            shown.append((case_id, name, id_masked, state, states[state], local(due, "%m-%d %H:%M"), late, project))
        return due_page.render(rows=shown, total=total, page=page, has_next=len(rows) > per_page)

    @app.get("/cases/<int:case_id>")
    def show(case_id):
        found = query(CASE, case_id, scope)
        if not found:
            abort(404)
        case = found[0]
        entries = {row[0]: row for row in query(ENTRIES, case_id)}
        registers = [(ITEMS[item], item, entries.get(item), _problem(item, entries.get(item))) for item in ITEMS]
        contacts = [(local(_parse_time(at)), KINDS[kind], OUTCOMES[outcome], notes)
                    for at, kind, outcome, notes in query(CONTACTS, case_id)]
        history = [(local(_parse_time(at)), actor, states.get(a) if a else None, states[b], reason)
                   for at, a, b, reason, actor in query(HISTORY, case_id)]
        fmt = "%Y-%m-%d"
        return case_page.render(
            case=case, state_label=states[case[1]], due=local(_parse_time(case[2])),
            visited=local(_parse_time(case[3]), fmt), card=local(_parse_time(case[4]), fmt),
            group=local(_parse_time(case[6]), fmt), registers=registers, contacts=contacts,
            history=history, actions=list(triggers.get(case[1], {}).items()))

    return app


def _problem(item, entry):
    """Presence and phone checks: the same work the real page does for each 必登 item."""
    if entry is None:
        return "未填写"
    if item == "contact":
        for number in (entry[3], entry[5]):
            try:
                if not phonenumbers.is_valid_number(phonenumbers.parse(number or "", "CN")):
                    return "电话号码无效"
            except phonenumbers.NumberParseException:
                return "电话号码格式错误，只能包含数字"
        if not entry[4]:
            return "缺少备用联系人"
    return None

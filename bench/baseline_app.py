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
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
from flask import Flask, abort

from bench import baseline_pages as sql
from bench.baseline_rows import lateness, registers, timeline
from bench.baseline_templates import CASE_PAGE, DUE_PAGE

PROCESS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "workflow", "process.toml")
ZONE = ZoneInfo("Asia/Shanghai")
SOON = timedelta(days=7)  # DUE_SOON_DAYS


def _connect(uri):
    """Open one connection with the settings the real app uses; return (conn, placeholder, subtree op)."""
    if uri.startswith("sqlite"):
        conn = sqlite3.connect(uri.split("///", 1)[1], check_same_thread=False)
        for pragma in ("journal_mode=WAL", "busy_timeout=5000", "foreign_keys=ON", "synchronous=NORMAL",
                       "case_sensitive_like=ON"):
            conn.execute(f"PRAGMA {pragma}")
        return conn, "?", "GLOB"
    return psycopg.connect(uri.replace("postgresql+psycopg://", "postgresql://"), autocommit=True), "%s", "LIKE"


def parse_time(value):
    """A stored naive-UTC value (text on SQLite) as an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def local(value, fmt="%Y-%m-%d %H:%M"):
    return value.astimezone(ZONE).strftime(fmt) if value else ""


def _process(role):
    """State labels, trigger labels and the role's triggers by source state, from process.toml."""
    with open(PROCESS, "rb") as handle:
        process = tomllib.load(handle)
    states = {s["name"]: s["zh"] for s in process["state"]}
    labels, triggers = {"list": "列入名单"}, {}
    for t in process["transition"]:
        labels.setdefault(t["trigger"], t["zh"])
        if role in t["roles"] and t.get("scope", "owner") == "owner":
            for source in t["source"]:
                triggers.setdefault(source, {}).setdefault(t["trigger"], t["zh"])
    # What waits on someone else, as the engine's waiting_states(role) reads waits_on.
    moves = {(source, t["dest"]) for t in process["transition"] if role in t["roles"]
             and t.get("scope", "owner") != "receiver" for source in t["source"]}
    waiting = tuple(s["name"] for s in process["state"] if s.get("waits_on") == "receiver" or (
        s.get("waits_on") == "reviewer" and not any(src == s["name"] and dest not in ("=", s["name"])
                                                    for src, dest in moves)))
    return states, labels, triggers, waiting


class Pages:
    """The two pages over one connection."""

    def __init__(self, uri, org_path, role, per_page):
        self.conn, self.mark, self.op = _connect(uri)
        self.sqlite = self.mark == "?"
        self.path, self.per_page = org_path, per_page
        self.scope = org_path + ("*" if self.sqlite else "%")
        self.states, self.labels, self.triggers, waiting = _process(role)
        self.not_waiting = "('" + "', '".join(waiting) + "')"  # names from process.toml, not input
        app = Flask(__name__)
        self.due_page, self.case_page = app.jinja_env.from_string(DUE_PAGE), app.jinja_env.from_string(CASE_PAGE)

    def query(self, statement, *params):
        cursor = self.conn.cursor()
        cursor.execute(statement.replace("{under}", self.op).replace("?", self.mark), params)
        rows = cursor.fetchall()
        cursor.close()
        return rows

    def instant(self, value):
        """A time parameter as the column stores it: naive UTC (text on SQLite)."""
        naive = value.astimezone(UTC).replace(tzinfo=None)
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else naive

    def due_list(self):
        now = datetime.now(UTC)
        ids = [row[0] for row in self.query(sql.DUE_IDS.replace("{waiting}", self.not_waiting), self.scope, self.per_page + 1)]
        shown = ids[:self.per_page]
        found = self.query(sql.DUE_ROWS.replace("{ids}", ", ".join("?" * len(shown))), *shown) if shown else []
        position = {case_id: i for i, case_id in enumerate(shown)}
        rows = []
        for case_id, state, due, name, id_masked, project, unit in sorted(found, key=lambda r: position[r[0]]):
            due = parse_time(due)
            css, late = lateness(due, now)
            rows.append((case_id, name, id_masked, state, self.states[state], local(due, "%m-%d %H:%M"), css, late,
                         f"{unit} · {project}"))
        total, overdue, soon, incoming, waiting = self.query(
            sql.DUE_COUNTS.replace("{waiting}", self.not_waiting), self.scope, self.scope, self.instant(now),
            self.instant(now), self.instant(now + SOON), self.scope)[0]
        next_cursor = f"{ids[self.per_page - 1]}" if len(ids) > self.per_page else None
        choices = self.query(sql.CHOICES, self.path + "%")
        return self.due_page.render(
            rows=rows, total=total, overdue=overdue, soon=soon, incoming=incoming, waiting=waiting, next_cursor=next_cursor,
            states=self.states, units=[r[1:3] for r in choices if r[0] == 0], projects=[r[1:3] for r in choices if r[0] == 1])

    def show(self, case_id):
        found = self.query(sql.CASE, case_id, self.scope)
        if not found:
            abort(404)
        case, now, day = found[0], datetime.now(UTC), "%Y-%m-%d"
        due = parse_time(case[2])
        birth = case[14] if isinstance(case[14], str) else case[14].isoformat()
        events = timeline(self.query(sql.HISTORY, case_id), self.query(sql.CONTACTS, case_id),
                          self.query(sql.REGISTERS, case_id), self.labels, self.states, parse_time)
        return self.case_page.render(
            case=case, state_label=self.states[case[1]], due=local(due), badge=lateness(due, now), birth=birth,
            visited=local(parse_time(case[3]), day), card=local(parse_time(case[4]), day),
            group=local(parse_time(case[6]), day), registers=registers(self.query(sql.ENTRIES, case_id)),
            timeline=[(local(e[0]), *e[1:]) for e in events],
            actions=list(self.triggers.get(case[1], {}).items()), household=self.household(case_id))

    def household(self, case_id):
        """(户号, member rows) of the case's household, or None: what its card shows."""
        members = self.query(sql.HOUSEHOLD, case_id)
        if not members:
            return None
        rows = [(m[2], m[3], m[4], m[5], m[6], self.states[m[6]], m[7].startswith(self.path) and m[2] != case_id)
                for m in members]
        return members[0][1], rows


def create_app():
    app = Flask(__name__)
    pages = Pages(os.environ["DONGQIAN_SQLALCHEMY_DATABASE_URI"], os.environ["BENCH_ORG_PATH"],
                  os.environ.get("BENCH_ROLE", "worker"), int(os.environ.get("BENCH_PER_PAGE", "50")))

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/")
    def index():
        return pages.due_list()

    @app.get("/cases/<int:case_id>")
    def show(case_id):
        return pages.show(case_id)

    return app

"""The scale-out path of docs/deploy.md: PostgreSQL, gunicorn with 4 workers, two scheduler
processes (one leader), concurrent writers.

Writers are separate processes using the service layer directly (the worker's forms
are not on this branch yet) while gunicorn serves reads of the same cases. Nothing
may be lost or written twice: every success is one history row and one contact log,
every loser is told Conflict (or finds the case already moved on), versions add up.
"""

import itertools
import multiprocessing
import os
import pathlib
import random
import re
import subprocess
import sys
import threading
from collections import Counter

import psycopg
import pytest
from sqlalchemy import func, select, text

from bench.generate import DEFAULT_PASSWORD, generate
from bench.load import get, login
from bench.server import ROOT, Gunicorn
from tests.scheduler.test_processes import Scheduler, holders
from tests.support.factories import TEST_CONFIG
from workflow.cases import services
from workflow.db import db, utcnow
from workflow.errors import Conflict, NotAllowed
from workflow.models import Case, ContactLog, TransitionRecord, User
from workflow.process.engine import get_engine
from wsgi import create_app

WRITERS = 4
SUPERVISOR = "s1-supervisor"  # the generated street: a tiny district has one
MARK = "备份期间的跟踪"
_names = itertools.count()


def _env(uri, tmp_path):
    return {"DONGQIAN_SQLALCHEMY_DATABASE_URI": uri, "DONGQIAN_SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
            "DONGQIAN_PII_KEY": TEST_CONFIG["PII_KEY"], "DONGQIAN_INSTANCE_PATH": str(tmp_path / "instance")}


@pytest.fixture
def pg_district(request, tmp_path):
    """A fresh PostgreSQL database, migrated by `flask db upgrade`, holding a tiny district."""
    if "postgresql" not in request.config.getoption("--backends"):
        pytest.skip("the scale-out test needs the PostgreSQL backend")
    server = request.getfixturevalue("pg_server")
    name = f"scaleout_{os.getpid()}_{next(_names)}"
    admin = server.url("postgres").replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    env = _env(server.url(name), tmp_path)
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                   env={**os.environ, **env}, check=True, capture_output=True)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": server.url(name)})
    with app.app_context():
        generate(240, seed=11)
        db.engine.dispose()
    yield app, env
    with app.app_context():
        db.engine.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def writer(uri, instance, index, plan, barrier, results):
    """One writer process: run its plan through the service layer, report every outcome."""
    os.environ["DONGQIAN_INSTANCE_PATH"] = instance
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": uri})
    outcomes = []
    with app.app_context():
        barrier.wait(timeout=120)
        for kind, case_id, retry in plan:
            outcomes.append((kind, case_id, *_attempt(index, kind, case_id, retry)))
        db.engine.dispose()
    results.put((index, outcomes))


def _attempt(index, kind, case_id, retry):
    """Return (outcome, conflicts seen); on Conflict reload and try again when retry is set."""
    conflicts = 0
    while True:
        try:
            case = db.session.get(Case, case_id)
            if kind == "approve":
                supervisor = db.session.scalar(select(User).where(User.username == SUPERVISOR))
                get_engine().fire(case, "approve", supervisor)
            else:
                services.record_follow_up(case, db.session.get(User, case.worker_id), kind="phone",
                                          outcome="reached", contacted_at=utcnow(), notes=f"writer {index}")
            return "ok", conflicts
        except Conflict:
            conflicts += 1
            if not retry or conflicts > 200:
                return "conflict", conflicts
        except NotAllowed:
            return "not_allowed", conflicts
        except Exception as exc:  # anything else is a defect the test must show, not a hang
            return f"error: {exc!r}", conflicts
        finally:
            db.session.remove()


def _plans(ids):
    """Per writer: approvals all race on, follow-ups all race on (retried), and follow-ups of its own."""
    plans = []
    for index in range(WRITERS):
        plan = [("approve", case_id, False) for case_id in ids["race_approve"]]
        plan += [("follow_up", case_id, True) for case_id in ids["race_follow"] for _ in range(2)]
        plan += [("follow_up", case_id, False) for case_id in ids["own"][index] for _ in range(2)]
        random.Random(index).shuffle(plan)
        plans.append(plan)
    return plans


def _snapshot(case_ids):
    """Per case: (version, history rows, contact logs)."""
    rows = {}
    for case_id in case_ids:
        case = db.session.get(Case, case_id)
        history = db.session.scalar(select(func.count()).where(TransitionRecord.case_id == case_id))
        contacts = db.session.scalar(select(func.count()).where(ContactLog.case_id == case_id))
        rows[case_id] = (case.version, history, contacts)
    db.session.remove()
    return rows


def _read_while(port, cookie, paths, done, seen):
    while not done.is_set():
        for path in paths:
            status, _headers, _body = get(port, path, {"Cookie": cookie})
            seen[status] += 1


def _run_writers(env, ids):
    """Start the writer processes together; return {writer index: outcomes}."""
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(WRITERS), spawn.Queue()
    processes = [spawn.Process(target=writer, args=(env["DONGQIAN_SQLALCHEMY_DATABASE_URI"],
                                                    env["DONGQIAN_INSTANCE_PATH"], i, plan, barrier, results))
                 for i, plan in enumerate(_plans(ids))]
    for process in processes:
        process.start()
    outcomes = dict(results.get(timeout=180) for _ in processes)
    for process in processes:
        process.join(timeout=30)
    return outcomes


def _serve_while_writing(env, ids, touched, log, schedulers=None):
    """gunicorn with 4 workers answers readers while the writers run; return what each side saw."""
    with Gunicorn("wsgi:create_app()", env, 4, log) as server:
        if schedulers is not None:  # both scheduler processes run beside the web workers
            schedulers[0].wait_for("scan_due:")
        assert len(server.worker_pids()) == 4
        cookie = login(server.port, SUPERVISOR, DEFAULT_PASSWORD)
        done, seen = threading.Event(), Counter()
        paths = ["/", *[f"/cases/{i}" for i in touched]]
        readers = [threading.Thread(target=_read_while, args=(server.port, cookie, paths, done, seen))
                   for _ in range(4)]
        for reader in readers:
            reader.start()
        try:
            outcomes = _run_writers(env, ids)
        finally:
            done.set()
            for reader in readers:
                reader.join(timeout=30)
        pages = {case_id: get(server.port, f"/cases/{case_id}", {"Cookie": cookie})[2]
                 for case_id in ids["race_approve"]}
    return [o for index in range(WRITERS) for o in outcomes[index]], seen, pages


@pytest.mark.heavy
def test_four_gunicorn_workers_and_concurrent_writers_lose_nothing(pg_district, tmp_path):
    app, env = pg_district
    with app.app_context():
        following = db.session.scalars(select(Case.id).where(Case.state == "following").order_by(Case.id)).all()
        in_review = db.session.scalars(select(Case.id).where(Case.state == "in_review").order_by(Case.id)).all()
    own = [following[2 + 3 * i:5 + 3 * i] for i in range(WRITERS)]
    ids = {"race_approve": in_review[:3], "race_follow": following[:2], "own": own}
    own_ids = set(itertools.chain(*own))
    assert len(ids["race_approve"]) == 3 and len(own_ids) == 3 * WRITERS
    touched = [*ids["race_approve"], *ids["race_follow"], *own_ids]
    with app.app_context():
        before = _snapshot(touched)

    sched_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1", "DONGQIAN_DELIVERY_INTERVAL_SECONDS": "1",
                 "DONGQIAN_REMINDER_SCAN_MINUTES": "1", "DONGQIAN_SCHEDULER_LEADER_RETRY_SECONDS": "0.2"}
    leader = Scheduler(sched_env)
    other = None
    try:
        assert f":{leader.proc.pid} runs jobs" in leader.wait_for("leader:")
        other = Scheduler(sched_env)
        assert f":{leader.proc.pid}" in other.wait_for("waiting:")
        flat, seen, pages = _serve_while_writing(env, ids, touched, str(tmp_path / "gunicorn.log"),
                                                 schedulers=[leader, other])
        leader.wait_for("deliver:")
        beat, ran = holders(env["DONGQIAN_SQLALCHEMY_DATABASE_URI"])
    finally:  # the waiting one first: once the leader is gone it would take over
        if other is not None:
            other.stop()
        leader.stop()
    # Exactly one scheduler worked: every job ran in the leader, none in the other process.
    assert beat.endswith(f":{leader.proc.pid}") and {"scan_due", "deliver"} <= set(ran)
    assert all(holder.endswith(f":{leader.proc.pid}") for holder in ran.values())
    assert not any("scan_due:" in line or "deliver:" in line for line in other.seen + other.rest())
    with app.app_context():
        overdue = db.session.scalar(select(func.count()).select_from(Case).where(Case.next_due_at < utcnow()))
        reminded = db.session.scalar(text(
            "SELECT count(DISTINCT case_id) FROM outbox_messages WHERE kind = 'overdue'"))
    assert overdue > 0 and reminded > 0  # the leader's scan reminded the overdue district while writers ran

    assert set(seen) == {200} and seen[200] > 0, seen
    assert not [o for o in flat if o[2].startswith("error")], flat
    with app.app_context():
        after = _snapshot(touched)
    for case_id in ids["race_approve"]:
        results_here = Counter(o[2] for o in flat if o[1] == case_id)
        assert results_here["ok"] == 1 and results_here["conflict"] + results_here["not_allowed"] == WRITERS - 1
        assert after[case_id] == (before[case_id][0] + 1, before[case_id][1] + 1, before[case_id][2])
        assert pages[case_id].count("审核通过 → 已登记") == 1 and "已登记" in pages[case_id]
    for case_id in [*ids["race_follow"], *own_ids]:
        oks = sum(1 for o in flat if o[1] == case_id and o[2] == "ok")
        assert oks == (2 * WRITERS if case_id in ids["race_follow"] else 2)
        version, history, contacts = before[case_id]
        assert after[case_id] == (version + oks, history + oks, contacts + oks)
    assert all(o[3] == 0 for o in flat if o[1] in own_ids)  # a case only one writer touches never conflicts


def test_behind_a_trusted_proxy_the_audit_log_keeps_the_client_address(database, tmp_path, monkeypatch):
    from tests.conftest import make_app
    from tests.support.factories import PASSWORD
    from workflow.models.audit import AuditEvent

    for hops, expected in ((1, "203.0.113.7"), (0, "127.0.0.1")):
        app = make_app(database, tmp_path, monkeypatch, PROXY_FIX_X_FOR=hops)
        with app.app_context():
            client = app.test_client()
            client.post("/login", data={"username": "demo-worker", "password": PASSWORD},
                        headers={"X-Forwarded-For": "203.0.113.7"})
            event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login")
                                       .order_by(AuditEvent.id.desc())).first()
            assert event.address == expected
            db.session.remove()
            db.engine.dispose()


def test_sqlite_online_backup_during_writes_is_a_consistent_copy(tmp_path, monkeypatch):
    """docs/deploy.md: `VACUUM INTO` (or sqlite3 .backup) on the live WAL database."""
    import sqlite3

    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path / "instance"))
    live, copy = tmp_path / "live.sqlite3", tmp_path / "backup.sqlite3"
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, check=True,
                   capture_output=True, env={**os.environ, **_env(f"sqlite:///{live}", tmp_path)})
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{live}"})
    with app.app_context():
        generate(120, seed=5)
        following = db.session.scalars(select(Case.id).where(Case.state == "following")).all()
    stop = threading.Event()

    def keep_writing():
        with app.app_context():
            for case_id in itertools.cycle(following):
                if stop.is_set():
                    break
                case = db.session.get(Case, case_id)
                services.record_follow_up(case, db.session.get(User, case.worker_id), kind="phone",
                                          outcome="reached", contacted_at=utcnow(), notes=MARK)
                db.session.remove()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        with sqlite3.connect(live) as conn:
            while conn.execute("SELECT count(*) FROM contact_logs WHERE notes = ?", (MARK,)).fetchone()[0] < 5:
                stop.wait(0.05)  # let a few follow-ups land before the copy starts
            conn.execute("VACUUM INTO ?", (str(copy),))
    finally:
        stop.set()
        thread.join(timeout=30)
    backup = sqlite3.connect(copy)
    assert backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # A snapshot: every follow-up wrote its contact log and its history row in one transaction.
    logged = backup.execute("SELECT count(*) FROM contact_logs WHERE notes = ?", (MARK,)).fetchone()[0]
    paired = backup.execute(
        "SELECT count(*) FROM contact_logs c JOIN transition_records t ON t.trigger = 'contact' "
        "AND json_extract(t.data, '$.contact_id') = c.id WHERE c.notes = ?", (MARK,)).fetchone()[0]
    orphans = backup.execute(
        "SELECT count(*) FROM transition_records t WHERE t.trigger = 'contact' AND NOT EXISTS "
        "(SELECT 1 FROM contact_logs c WHERE c.id = json_extract(t.data, '$.contact_id'))").fetchone()[0]
    backup.close()
    assert logged >= 5 and paired == logged and orphans == 0
    restored = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}"})
    with restored.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 120
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()


def test_pg_dump_and_pg_restore_round_trip(pg_district, tmp_path):
    """docs/deploy.md: pg_dump -Fc, then pg_restore into a new database."""
    from tests.support.pgserver import find_bin

    app, env = pg_district
    source = env["DONGQIAN_SQLALCHEMY_DATABASE_URI"].replace("+psycopg", "")
    target = source.rsplit("/", 1)[0] + f"/restored_{os.getpid()}_{next(_names)}"
    dump = tmp_path / "dongqian.dump"
    subprocess.run([find_bin("pg_dump"), "--format=custom", f"--file={dump}", source], check=True)
    admin = source.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {target.rsplit('/', 1)[1]}")
    try:
        subprocess.run([find_bin("pg_restore"), "--no-owner", f"--dbname={target}", str(dump)], check=True)
        tables = ["org_units", "users", "people", "cases", "contact_logs", "registration_entries",
                  "transition_records", "alembic_version"]
        counts = []
        for url in (source, target):
            with psycopg.connect(url) as conn:
                counts.append([conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables])
        assert counts[0] == counts[1] and counts[0][3] == 240
        restored = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": target.replace("postgresql://",
                                                                                        "postgresql+psycopg://")})
        with restored.app_context():
            case = db.session.scalars(select(Case).where(Case.state == "in_review")).first()
            get_engine().fire(case, "approve", db.session.scalar(select(User).where(User.username == SUPERVISOR)))
            assert case.state == "registered"  # sequences came back too: the history row got a new id
            db.session.remove()
            db.engine.dispose()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {target.rsplit('/', 1)[1]} WITH (FORCE)")


def test_the_deploy_examples_agree_with_the_app():
    """The units run what the README documents; nginx serves static/ and passes the proxy headers."""
    folder = pathlib.Path(ROOT, "docs", "deploy")
    web_unit = (folder / "dongqian-web.service").read_text()
    scheduler_unit = (folder / "dongqian-scheduler.service").read_text()
    nginx = (folder / "nginx.conf").read_text()
    assert "gunicorn -c /etc/dongqian/gunicorn.conf.py 'wsgi:create_app()'" in web_unit
    assert "flask --app wsgi scheduler run" in scheduler_unit
    assert re.search(r"ExecStartPre=.*flask --app wsgi db upgrade", web_unit)
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert header in nginx
    assert re.search(r"location /static/ \{[^}]*alias /srv/dongqian/app/static/;", nginx)

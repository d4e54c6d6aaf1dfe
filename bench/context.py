"""One backend's benchmark setting: a generated district, its keys, its user and samples."""

import base64
import json
import os
import random
import shutil
import time
from dataclasses import dataclass, field

import flask_migrate
import psycopg
from sqlalchemy import select

from bench.generate import DEFAULT_PASSWORD, generate
from bench.server import ROOT
from workflow import MIGRATIONS
from workflow.db import db
from workflow.models import Case, OrgUnit, User
from wsgi import create_app

# Fixed synthetic keys: benchmark data is synthetic and thrown away.
KEYS = {"SECRET_KEY": "bench-secret-key", "PII_KEY": base64.b64encode(b"b" * 32).decode()}
WORKER = "c1-worker1"


@dataclass
class Context:
    backend: str
    uri: str
    out: str
    args: object
    summary: dict = field(default_factory=dict)
    org_path: str = ""
    case_ids: list = field(default_factory=list)
    cleanup: list = field(default_factory=list)
    cache: dict = field(default_factory=dict)  # things benchmarks share, e.g. running servers
    _app: object = None

    @property
    def env(self):
        """The DONGQIAN_* environment a process needs to serve this database."""
        return {"DONGQIAN_SQLALCHEMY_DATABASE_URI": self.uri, "DONGQIAN_SECRET_KEY": KEYS["SECRET_KEY"],
                "DONGQIAN_PII_KEY": KEYS["PII_KEY"], "DONGQIAN_INSTANCE_PATH": os.path.join(self.out, "instance")}

    def app(self):
        """The real app on this database, for in-process benchmarks."""
        if self._app is None:
            self._app = create_app({**KEYS, "SQLALCHEMY_DATABASE_URI": self.uri})
        return self._app

    def log(self, name):
        return os.path.join(self.out, f"{name}-{self.backend}.log")

    def close(self):
        if self._app is not None:
            with self._app.app_context():
                db.engine.dispose()
        for action in reversed(self.cleanup):
            action()


def _build(uri, cases, seed):
    app = create_app({**KEYS, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS)
        summary = generate(cases, seed=seed, password=DEFAULT_PASSWORD)
        db.engine.dispose()
    return summary


def prepare_sqlite(args, out):
    """Generate (or reuse) the district file, then work on a copy of it."""
    pristine = os.path.join(out, f"district-{args.cases}-{args.seed}.sqlite3")
    meta = pristine + ".json"
    if not (args.reuse and os.path.exists(pristine) and os.path.exists(meta)):
        for suffix in ("", "-wal", "-shm", ".json"):
            if os.path.exists(pristine + suffix):
                os.remove(pristine + suffix)
        summary = _build(f"sqlite:///{pristine}", args.cases, args.seed)
        with open(meta, "w") as handle:
            json.dump(summary, handle)
    with open(meta) as handle:
        summary = json.load(handle)
    work = os.path.join(out, "work.sqlite3")
    for suffix in ("-wal", "-shm"):
        if os.path.exists(work + suffix):
            os.remove(work + suffix)
    shutil.copyfile(pristine, work)
    return _finish(Context("sqlite", f"sqlite:///{work}", out, args, summary))


def prepare_postgresql(args, out):
    """Start a throwaway server (or use --pg-url), generate the district into it."""
    ctx_cleanup = []
    if args.pg_url:
        base = args.pg_url
    else:
        from tests.support.pgserver import available

        if not available():
            raise SystemExit("PostgreSQL binaries not found (initdb, pg_ctl, postgres); use --pg-url")
        server = durable_server()
        ctx_cleanup.append(server.stop)
        base = server.url("postgres")
    name = f"bench_{int(time.time())}"
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    uri = base.rsplit("/", 1)[0] + "/" + name
    summary = _build(uri, args.pg_cases, args.seed)
    ctx = Context("postgresql", uri, out, args, summary, cleanup=ctx_cleanup)
    if args.pg_url:
        ctx.cleanup.append(lambda: _drop(admin, name))
    return _finish(ctx)


def durable_server():
    """A throwaway server like the suite's, but with fsync and synchronous commits on.

    The suite turns durability off for speed; a benchmark of commits must not.
    """
    from tests.support.pgserver import PgServer, find_bin

    server = PgServer()
    server._run(find_bin("initdb"), "-D", server.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                "--locale=C")
    options = (f"-c listen_addresses=127.0.0.1 -p {server.port} -k {server.root} -c max_connections=200 "
               "-c shared_buffers=1GB -c maintenance_work_mem=512MB -c max_wal_size=4GB")
    server._run(find_bin("pg_ctl"), "-D", server.data, "-o", options, "-l", os.path.join(server.root, "log"),
                "-w", "-t", "120", "start")
    return server


def _drop(admin, name):
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _finish(ctx):
    """Find the benchmark worker's subtree and a fixed sample of its cases."""
    with ctx.app().app_context():
        user = db.session.scalar(select(User).where(User.username == WORKER))
        unit = db.session.get(OrgUnit, user.org_unit_id)
        ctx.org_path = unit.path
        ids = db.session.scalars(select(Case.id).where(Case.org_path.like(unit.path + "%")).order_by(Case.id)).all()
        db.session.remove()
    ctx.case_ids = random.Random(ctx.args.seed).sample(ids, min(400, len(ids)))
    return ctx


def machine():
    """What the numbers were measured on."""
    import platform
    import sqlite3

    import gunicorn
    import sqlalchemy

    with open("/proc/meminfo") as handle:
        mem_kib = int(handle.readline().split()[1])
    cpu = ""
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kib / 1024 / 1024, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "postgresql": _pg_version(), "gunicorn": gunicorn.__version__, "sqlalchemy": sqlalchemy.__version__,
            "os": platform.platform(), "root": ROOT}


def _pg_version():
    from tests.support.pgserver import find_bin

    postgres = find_bin("postgres")
    if not postgres:
        return None
    import subprocess

    return subprocess.run([postgres, "--version"], capture_output=True, text=True).stdout.strip()

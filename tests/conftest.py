"""Fixtures: every test that uses `app` runs on SQLite and on a throwaway PostgreSQL.

Each backend gets two template databases made once per session by the real
migrations: "empty" (schema only) and "base" (the demo org tree, accounts and
projects, no cases). Each test gets its own copy, so tests never share rows.
"""

import os
import shutil

import flask_migrate
import psycopg
import pytest

from i18n import build
from tests.support import engines, pgserver, url_builders
from tests.support.factories import PASSWORD, TEST_CONFIG, Factory
from tests.support.security.pii_scan import pii_scan, pytest_configure, pytest_terminal_summary  # noqa: F401  (scans every response and log line)
from workflow import MIGRATIONS
from workflow.db import db
from wsgi import create_app

url_builders.install()  # one compiled URL builder per rule for all the suite's apps
engines.install()  # one engine, with its compiled SQL, per test database URI


def pytest_sessionstart(session):
    """Compile the English catalogue first, as `make translations` does (the app only reads it)."""
    build.compile_all()


def pytest_addoption(parser):
    parser.addoption("--backends", default=os.environ.get("DONGQIAN_TEST_BACKENDS", "sqlite,postgresql"),
                     help="comma-separated database backends to run the suite on")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        wanted = [b.strip() for b in metafunc.config.getoption("--backends").split(",") if b.strip()]
        metafunc.parametrize("backend", _one_for_browsers(metafunc, wanted), scope="session")


def _one_for_browsers(metafunc, wanted):
    """A browser test checks what the phone shows and does; the functions under it run on
    both backends in the rest of the suite. So it runs on one: PostgreSQL, production's
    database, when enabled. The whole walk (@pytest.mark.every_backend) runs on each. This
    halves the browser's share of the suite: Chromium took a quarter of its CPU."""
    if "browser" not in metafunc.definition.path.parts or metafunc.definition.get_closest_marker("every_backend"):
        return wanted
    return ["postgresql"] if "postgresql" in wanted else wanted[:1]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """The longest tests first (stable sort), so no worker starts a 60 s test at the end.

    tryfirst: pytest then still groups the tests by backend, so each backend's template
    databases are built once per worker."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


@pytest.fixture(scope="session")
def pg_server():
    if not pgserver.available():
        if os.environ.get("CI"):
            pytest.fail("CI requires PostgreSQL: initdb/pg_ctl/postgres not found")
        pytest.skip("PostgreSQL binaries not installed here")
    server = pgserver.PgServer().start()
    yield server
    server.stop()


def _build(uri, with_base):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS)
        if with_base:
            Factory.seed_base()
        db.engine.dispose()


@pytest.fixture(scope="session")
def templates(backend, tmp_path_factory, request):
    """Return {"empty": ..., "base": ...}: file paths (SQLite) or database names."""
    if backend == "sqlite":
        folder = tmp_path_factory.mktemp("sqlite-templates")
        out = {}
        for kind in ("empty", "base"):
            path = folder / f"{kind}.sqlite3"
            _build(f"sqlite:///{path}", kind == "base")
            out[kind] = path
        return out
    server = request.getfixturevalue("pg_server")
    with psycopg.connect(server.url("postgres").replace("+psycopg", ""), autocommit=True) as conn:
        for kind in ("empty", "base"):
            conn.execute(f"CREATE DATABASE tpl_{kind}")
    for kind in ("empty", "base"):
        _build(server.url(f"tpl_{kind}"), kind == "base")
    return {"empty": "tpl_empty", "base": "tpl_base", "server": server}


@pytest.fixture(scope="session")
def _database_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("databases")


@pytest.fixture
def database(backend, templates, _database_folder):
    """Yield a factory: database(kind) -> URI of a fresh copy of a template."""
    yield from database_copies(backend, templates, _database_folder)


def database_copies(backend, templates, folder):
    """The `database` fixture's body (a plain generator, so tests/test_databases.py can run it
    twice in one test). The n-th copy of every test of a worker has the same URI (file path
    or database name), made afresh from the template: the apps then share one engine per URI
    and with it the compiled SQL (tests/support/engines.py)."""
    made = []

    def copy(kind="base"):
        if backend == "sqlite":
            target = folder / f"db-{len(made)}.sqlite3"
            url = f"sqlite:///{target}"
            engines.release(url)  # no pooled connection may outlive the file it points at
            for leftover in (target, *(target.with_name(target.name + end) for end in ("-wal", "-shm", "-journal"))):
                leftover.unlink(missing_ok=True)  # an old -wal next to a new copy would be replayed into it
            shutil.copyfile(templates[kind], target)
        else:
            name = f"t_{os.getpid()}_{len(made)}"
            server = templates["server"]
            url = server.url(name)
            engines.release(url)
            with psycopg.connect(server.url("postgres").replace("+psycopg", ""), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # left by a test that crashed
                # FILE_COPY: 42 ms a copy of the base template, where PostgreSQL 15's default
                # WAL_LOG takes 277 ms (it writes every block to the WAL); the suite makes ~750.
                strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
                conn.execute(f"CREATE DATABASE {name} TEMPLATE {templates[kind]}{strategy}")
        made.append(url)
        engines.register(url)
        return url

    yield copy
    for url in made:
        engines.release(url)
    if backend != "sqlite" and made:
        server = templates["server"]
        with psycopg.connect(server.url("postgres").replace("+psycopg", ""), autocommit=True) as conn:
            for url in made:
                conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def make_app(database, tmp_path, monkeypatch, kind="base", **overrides):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database(kind), **overrides})
    return app


@pytest.fixture
def app(database, tmp_path, monkeypatch):
    """The app on a fresh copy of the base data (org tree, accounts, projects)."""
    app = make_app(database, tmp_path, monkeypatch)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    # Rows are never attached to the shared machine, whatever the test did.
    assert len(app.extensions["process_engine"].machine.models) == 0


@pytest.fixture
def empty_app(database, tmp_path, monkeypatch):
    """The app on a migrated database with no rows at all."""
    app = make_app(database, tmp_path, monkeypatch, kind="empty")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories for cases in any state (tests/factories.py)."""
    return Factory(app)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, username="demo-worker", password=PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)

"""The suite's test databases: each test gets a fresh copy of the template on the URI the
test before it had, and the apps on that URI share one engine (tests/support/engines.py)."""

from sqlalchemy import func, select, update

from tests.conftest import database_copies
from tests.support.factories import TEST_CONFIG
from workflow.db import db
from workflow.models import User
from wsgi import create_app


def _active_users():
    return db.session.scalar(select(func.count()).where(User.active.is_(True)))


def test_the_next_test_gets_a_fresh_copy_on_the_same_uri_and_engine(backend, templates, tmp_path, monkeypatch):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path / "instance"))
    folder = tmp_path / "databases"
    folder.mkdir()
    seen = []
    for _test in range(2):  # two tests of one worker, one after the other
        copies = database_copies(backend, templates, folder)
        uri = next(copies)("base")
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": uri})
        with app.app_context():
            seen.append((uri, db.engine, _active_users()))
            db.session.execute(update(User).values(active=False))  # what a test may leave behind
            db.session.commit()
            assert _active_users() == 0
            db.session.remove()
        next(copies, None)  # the fixture's teardown
    (first_uri, first_engine, first_users), (second_uri, second_engine, second_users) = seen
    assert second_uri == first_uri and second_engine is first_engine
    assert first_users == second_users > 0  # the first test's write is gone


def test_an_app_on_any_other_uri_gets_its_own_engine(tmp_path, monkeypatch):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path / "instance"))
    engines = []
    for _ in range(2):
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'own.sqlite3'}"})
        with app.app_context():
            engines.append(db.engine)
            db.engine.dispose()
    assert engines[0] is not engines[1]

"""Odd ids never answer 500: every route of the url_map, every method, with numbers past the
database's range, negative ones, words and 10,000 characters in the path, the query string
and the form, as an administrator and as a worker, with a valid CSRF token."""

import re
from urllib.parse import urlsplit

import pytest
from flask import g, got_request_exception

from forms.fields import MAX_ID, parse_id
from tests.conftest import make_app
from tests.support.factories import PASSWORD, Factory
from tests.support.security.formdata import plausible_form
from tests.support.security.routes import all_rules, build, int_args, methods, variants
from workflow.db import db

# Past int32 (PostgreSQL's integer), past int64 (SQLite's, and any driver's), negative, a word,
# 10,000 digits, full-width digits (Python's int() reads them).
HOSTILE = [str(MAX_ID + 1), str(2**63), "-1", "abc", "9" * 10_000, "１" * 30]
PLACEHOLDER = 987654321  # built into a path, then replaced by the hostile value
# Every name a query string or form carries an id (or a page) under.
ID_NAMES = ("case_id", "case", "unit", "project", "worker", "user", "to_worker", "to_unit_id",
            "org_unit_id", "project_id", "page", "after", "item")


@pytest.fixture
def csrf_app(database, tmp_path, monkeypatch):
    # A view's exception becomes the 500 a user would get (TESTING would raise it instead).
    app = make_app(database, tmp_path, monkeypatch, WTF_CSRF_ENABLED=True, PROPAGATE_EXCEPTIONS=False)
    errors = app.config["TEST_ERRORS"] = []
    got_request_exception.connect(lambda sender, exception, **extra: errors.append(repr(exception)[:120]), app,
                                  weak=False)

    @app.after_request
    def forget_token(response):
        g.pop("csrf_token", None)  # one app context across requests; a server has one per request
        return response

    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class Visitor:
    """A logged-in client (through the form, CSRF token and all) that logs in again when a
    probe ended its session (logout, ending its own session, a new password)."""

    def __init__(self, app, username):
        self.app, self.username = app, username
        self.login()

    def login(self):
        self.client = self.app.test_client()
        token = _token(self.client.get("/login").get_data(as_text=True))
        response = self.client.post("/login", data={"csrf_token": token, "username": self.username,
                                                    "password": PASSWORD})
        assert response.status_code == 302
        self.token = _token(self.client.get("/account/").get_data(as_text=True))

    def open(self, path, method, data):
        for _attempt in range(2):
            response = self.client.open(path, method=method, data={**data, "csrf_token": self.token},
                                        headers={"X-CSRFToken": self.token})
            response.close()
            if not (response.status_code == 302 and urlsplit(response.location).path == "/login"):
                break
            self.login()
        return response


def _token(page):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def server_errors(app, visitor, case, synth):
    """Every request of the walk that answered 500, or did not answer 404 for a bad path id."""
    problems = []
    for rule in all_rules(app):
        for method in methods(rule, skip=("OPTIONS", "HEAD")):
            for value in HOSTILE:
                problems += _probe(app, visitor, rule, method, value, case, synth)
    return problems


def _probe(app, visitor, rule, method, value, case, synth):
    problems, ids = [], int_args(rule)
    for fixed in variants(app, rule):
        good = build(rule, {**fixed, **{arg: case.id for arg in ids}})
        query = "&".join(f"{name}={value}" for name in ID_NAMES)
        form = {**plausible_form(synth, case), **dict.fromkeys(ID_NAMES, value)}
        response = visitor.open(f"{good}?{query}", method, form)
        if response.status_code >= 500:
            problems.append(f"{method} {good} with {value[:24]} in query and form: {response.status_code} "
                            f"{app.config['TEST_ERRORS'][-1:]}")
        for arg in ids:
            path = build(rule, {**fixed, **{a: case.id for a in ids}, arg: PLACEHOLDER})
            path = path.replace(str(PLACEHOLDER), value)
            response = visitor.open(path, method, {})
            if response.status_code != 404:
                problems.append(f"{method} {path[:80]} ({arg}={value[:24]}): {response.status_code}")
    return problems


@pytest.mark.heavy
@pytest.mark.parametrize("username", ["demo-admin", "demo-worker"])
def test_no_route_answers_500_to_an_odd_id(csrf_app, username):
    make = Factory(csrf_app)
    case = make.case("visited")
    problems = server_errors(csrf_app, Visitor(csrf_app, username), case, make.synth)
    assert problems == [], "\n".join(problems)


def test_parse_id_takes_digits_within_the_database_range_only():
    assert [parse_id(v) for v in ("1", " 42 ", str(MAX_ID), 7)] == [1, 42, MAX_ID, 7]
    assert {parse_id(v) for v in [*HOSTILE, "0", "", None, "1.5", "１２", True, 2**40]} == {None}


def test_a_url_id_past_the_range_is_a_404_even_for_a_route_added_later(csrf_app):
    @csrf_app.get("/later/<int:thing_id>")
    def later(thing_id):
        return str(thing_id)

    client = Visitor(csrf_app, "demo-worker").client
    assert client.get(f"/later/{MAX_ID}").get_data(as_text=True) == str(MAX_ID)
    assert client.get(f"/later/{MAX_ID + 1}").status_code == 404

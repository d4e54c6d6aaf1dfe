"""CSRF: with protection on (as in production), every state-changing route refuses a missing
token and a token from another session. The routes come from the live url_map."""

import re

import pytest
from flask import g

from tests.conftest import make_app
from tests.support.factories import PASSWORD, Factory
from tests.support.security.formdata import plausible_form
from tests.support.security.routes import STATE_CHANGING, all_rules, build, int_args, methods
from tests.support.security.world import snapshot
from workflow.db import db

REFUSED = "表单已过期或来源无效"


@pytest.fixture
def csrf_app(database, tmp_path, monkeypatch):
    app = make_app(database, tmp_path, monkeypatch, WTF_CSRF_ENABLED=True)

    @app.after_request
    def forget_token(response):
        # The test keeps one app context (so g) across requests; a server has one per
        # request. Flask-WTF caches the session's token on g: drop it like a server would.
        g.pop("csrf_token", None)
        return response

    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def token_of(page):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def real_login(app, username="demo-worker"):
    """Log in through the form, token and all; return the client and a token of its session."""
    client = app.test_client()
    token = token_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client, token_of(client.get("/account/").get_data(as_text=True))


def csrf_gaps(app, client, case, foreign_token, synth):
    """Return every state-changing request that got past CSRF without a valid token."""
    gaps = []
    for rule in all_rules(app):
        url = build(rule, {arg: case.id for arg in int_args(rule)})
        for method in sorted(set(methods(rule)) & STATE_CHANGING):
            for label, token in (("no token", None), ("another session's token", foreign_token)):
                data = plausible_form(synth, case)
                headers = {}
                if token:
                    data["csrf_token"] = token
                    headers["X-CSRFToken"] = token
                before = snapshot(case)
                response = client.open(url, method=method, data=data, headers=headers)
                if response.status_code != 400 or REFUSED not in response.get_data(as_text=True):
                    gaps.append(f"{method} {url} with {label}: {response.status_code}")
                if snapshot(case) != before:
                    gaps.append(f"{method} {url} with {label}: changed the case")
                if client.get("/").status_code != 200:
                    gaps.append(f"{method} {url} with {label}: the session ended")
                    client, _token = real_login(app)
    return gaps


def test_every_state_changing_route_refuses_a_missing_or_foreign_token(csrf_app):
    make = Factory(csrf_app)
    case = make.case("visited")
    victim, own_token = real_login(csrf_app, "demo-worker")
    _attacker, foreign_token = real_login(csrf_app, "lvyuan-supervisor")
    assert own_token != foreign_token
    gaps = csrf_gaps(csrf_app, victim, case, foreign_token, make.synth)
    assert gaps == [], "\n".join(gaps)
    probed = {r.endpoint for r in all_rules(csrf_app) if set(r.methods) & STATE_CHANGING}
    assert {"auth.logout", "auth.login", "account.password", "account.end_session"} <= probed
    # The token of the session itself does work: the refusals above are about the token.
    response = victim.post("/logout", data={"csrf_token": own_token})
    assert response.status_code == 302 and victim.get("/").status_code == 302


def test_the_login_form_itself_needs_a_token(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login", data={"username": "demo-worker", "password": PASSWORD})
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)
    _other, foreign = real_login(csrf_app, "lvyuan-supervisor")
    response = client.post("/login", data={"csrf_token": foreign, "username": "demo-worker", "password": PASSWORD})
    assert response.status_code == 400


def test_the_sweep_reports_a_route_exempted_from_csrf(csrf_app):
    @csrf_app.post("/careless-form/<int:case_id>")
    def careless(case_id):
        return "done"

    csrf_app.extensions["csrf"].exempt(careless)
    make = Factory(csrf_app)
    victim, _own = real_login(csrf_app)
    _attacker, foreign = real_login(csrf_app, "lvyuan-supervisor")
    gaps = csrf_gaps(csrf_app, victim, make.case("identified"), foreign, make.synth)
    assert any(g.startswith("POST /careless-form/") and "no token: 200" in g for g in gaps)

"""Brute force: failed logins limited per account and per address, counted in the database."""

import logging
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.support.factories import PASSWORD
from workflow.db import db, utcnow
from workflow.models import AuditEvent
from workflow.models.security import LoginAttempt


def from_address(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client, AuthActions(client)


def test_the_sixth_try_after_five_failures_is_refused_even_with_the_right_password(client, auth):
    for _ in range(5):
        assert "用户名或密码错误" in auth.login(password="wrong").get_data(as_text=True)
    response = auth.login()
    assert response.status_code == 429 and response.headers["Retry-After"] == "900"
    assert "登录失败次数过多，请15分钟后再试" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in


def test_the_account_limit_holds_from_every_address(app):
    for n in range(5):
        from_address(app, f"10.0.0.{n}")[1].login(password="wrong")
    assert from_address(app, "10.0.0.99")[1].login().status_code == 429


def test_the_address_limit_stops_guessing_across_many_accounts(app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 6
    client, auth = from_address(app, "10.1.1.1")
    for n in range(6):
        auth.login(username=f"guess-{n}", password="wrong")
    assert auth.login(username="lvyuan-supervisor").status_code == 429
    assert from_address(app, "10.1.1.2")[1].login(username="lvyuan-supervisor").status_code == 302


def test_the_limit_is_logged_in_the_audit_trail_and_the_app_log_without_the_password(client, auth, caplog):
    for _ in range(5):
        auth.login(password="Secret-guess-123")
    with caplog.at_level(logging.WARNING):
        auth.login(password="Secret-guess-123")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login_throttled"))
    assert event.detail == {"username": "demo-worker", "limit": "account"} and event.address == "127.0.0.1"
    assert "login limit reached (account) for 'demo-worker' from 127.0.0.1" in caplog.text
    everything = caplog.text + repr(db.session.scalars(select(AuditEvent.detail)).all())
    assert "Secret-guess-123" not in everything


def test_the_lock_lifts_when_the_window_has_passed(client, auth):
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _ in range(5):
            auth.login(password="wrong")
        assert auth.login().status_code == 429
        clock.shift(timedelta(minutes=16))
        assert auth.login().status_code == 302


def test_a_successful_login_starts_the_account_count_afresh(client, auth):
    for _ in range(4):
        auth.login(password="wrong")
    auth.login()
    auth.logout()
    for _ in range(4):
        auth.login(password="wrong")
    assert auth.login().status_code == 302


def test_wrong_old_passwords_on_the_password_page_count_too(client, auth):
    auth.login()
    for _ in range(5):
        client.post("/account/password", data={"old_password": "guess", "new_password": "x" * 20,
                                               "confirm": "x" * 20})
    response = client.post("/account/password", data={"old_password": PASSWORD, "new_password": "y" * 20,
                                                      "confirm": "y" * 20})
    assert response.status_code == 429 and "登录失败次数过多" in response.get_data(as_text=True)


def test_an_id_number_typed_as_username_is_stored_masked(client, auth, make):
    number = make.id_number()
    auth.login(username=number, password="wrong")
    stored = db.session.scalar(select(LoginAttempt.username))
    assert stored == number[:4] + "*" * 10 + number[-4:]


def test_old_attempts_are_pruned(client, auth):
    with time_machine.travel(utcnow() - timedelta(days=2), tick=False):
        auth.login(password="wrong")
    auth.login(password="wrong")
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 1

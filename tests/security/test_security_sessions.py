"""Sessions: cookie flags, server-side logout, password change, idle and absolute time-outs."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.support.factories import PASSWORD
from workflow.db import db, utcnow
from workflow.models import AuditEvent, User
from workflow.models.security import UserSession

NEW_PASSWORD = "a-much-longer-pass-2027"


def logged_in(client):
    return client.get("/").status_code == 200


def second_device(app, username="demo-worker"):
    client = app.test_client()
    AuthActions(client).login(username)
    assert logged_in(client)
    return client


def session_cookie(response):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookie_is_secure_httponly_and_samesite_lax_by_default(client, auth):
    cookie = session_cookie(auth.login())
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
    assert "Expires=" in cookie  # ends with the absolute time-out, not at browser exit only


def test_secure_flag_can_be_turned_off_for_plain_http_on_loopback(app, client, auth):
    app.config["SESSION_COOKIE_SECURE"] = False  # what `make run` sets
    cookie = session_cookie(auth.login())
    assert "Secure" not in cookie and "HttpOnly" in cookie


def test_a_cookie_captured_before_logout_is_refused_after_it(app, client, auth):
    auth.login()
    captured = client.get_cookie("session").value
    other = second_device(app)
    auth.logout()
    client.set_cookie("session", captured)
    assert client.get("/").status_code == 302
    assert logged_in(other)  # logging out here ends only this session
    row = db.session.scalar(select(UserSession).where(UserSession.revoke_reason == "logout"))
    assert row.revoked_at is not None


def test_login_gives_a_new_session_id_every_time(client, auth):
    auth.login()
    first = client.get_cookie("session").value
    auth.logout()
    auth.login()
    assert client.get_cookie("session").value != first
    assert db.session.query(UserSession).count() == 2


def test_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, auth, make):
    other = second_device(app)
    auth.login()
    response = client.post("/account/password", data={
        "old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in(client) and not logged_in(other)
    assert "密码已在其他地方修改" in other.get("/login").get_data(as_text=True)
    user = make.user("demo-worker")
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password_changed"))
    assert event.user_id == user.id and event.detail["ended_sessions"] == 1
    assert NEW_PASSWORD not in repr(event.detail)


@pytest.mark.parametrize("form, message", [
    ({"old_password": "wrong", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, "原密码不正确"),
    ({"old_password": PASSWORD, "new_password": "short-1", "confirm": "short-1"}, "新密码至少需要12个字符"),
    ({"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}, "两次输入的新密码不一致"),
    ({"old_password": PASSWORD, "new_password": PASSWORD, "confirm": PASSWORD}, "新密码不能与原密码相同"),
    ({"old_password": PASSWORD, "new_password": "Demo-Worker", "confirm": "Demo-Worker"}, "新密码不能与用户名相同"),
    ({"old_password": "", "new_password": "", "confirm": ""}, "请填写原密码"),
])
def test_a_bad_password_change_says_why_next_to_the_field_and_changes_nothing(app, client, auth, make, form, message):
    app.config["PASSWORD_MIN_LENGTH"] = 12 if "short" in form["new_password"] else 8
    auth.login()
    page = client.post("/account/password", data=form).get_data(as_text=True)
    assert message in page and 'class="error"' in page
    assert make.user("demo-worker").check_password(PASSWORD)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password_changed")) is None


def test_the_new_password_logs_in_and_the_old_one_does_not(app, client, auth):
    auth.login()
    client.post("/account/password", data={"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                           "confirm": NEW_PASSWORD})
    auth.logout()
    assert "用户名或密码错误" in auth.login(password=PASSWORD).get_data(as_text=True)
    assert auth.login(password=NEW_PASSWORD).status_code == 302


def test_idle_session_ends_after_30_minutes_without_a_request(client, auth):
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        auth.login()
        clock.shift(timedelta(minutes=29))
        assert logged_in(client)  # a request keeps it alive
        clock.shift(timedelta(minutes=29))
        assert logged_in(client)
        clock.shift(timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302
        assert "长时间未操作，请重新登录" in client.get(response.location).get_data(as_text=True)
    assert db.session.scalar(select(UserSession.revoke_reason)) == "idle"


def test_an_active_session_still_ends_12_hours_after_login(client, auth):
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        auth.login()
        for _ in range(28):  # busy all day, a request every 25 minutes
            clock.shift(timedelta(minutes=25))
            assert logged_in(client)
        clock.shift(timedelta(minutes=25))  # 12 h 5 min after login
        assert not logged_in(client)
    assert db.session.scalar(select(UserSession.revoke_reason)) == "expired"


def test_time_outs_are_settings(app, client, auth):
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_ABSOLUTE_HOURS=1)
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        auth.login()
        clock.shift(timedelta(minutes=6))
        assert not logged_in(client)


def test_a_user_can_see_and_end_their_other_sessions(app, client, auth, make):
    other = second_device(app)
    auth.login()
    page = client.get("/account/").get_data(as_text=True)
    assert page.count("结束此登录") == 2 and "本机" in page
    mine = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
    assert client.post(f"/account/sessions/{mine[0].id}/end").status_code == 302
    assert not logged_in(other) and logged_in(client)
    third = second_device(app)
    client.post("/account/sessions/end-others")
    assert not logged_in(third) and logged_in(client)


def test_ending_someone_elses_session_is_404(app, client, auth):
    other = second_device(app, "lvyuan-supervisor")
    theirs = db.session.scalar(select(UserSession))
    auth.login()
    assert client.post(f"/account/sessions/{theirs.id}/end").status_code == 404
    assert logged_in(other)


def test_a_deactivated_user_is_logged_out_at_the_next_request(client, auth, make):
    auth.login()
    make.user("demo-worker").active = False
    db.session.commit()
    assert not logged_in(client)


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/",
                                    "/\t/evil.example", "javascript:alert(1)"])
def test_login_never_redirects_to_another_site(client, target):
    response = client.post(f"/login?next={target}", data={"username": "demo-worker", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"


def test_login_follows_a_local_next(client):
    response = client.post("/login?next=/cases/7", data={"username": "demo-worker", "password": PASSWORD})
    assert response.location == "/cases/7"


def test_logins_and_logouts_leave_audit_rows(client, auth, make):
    auth.login(password="wrong")
    auth.login()
    auth.logout()
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["login_failed", "login", "logout"]
    user = db.session.scalar(select(User).where(User.username == "demo-worker"))
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert rows[0].detail == {"username": "demo-worker"} and rows[0].address == "127.0.0.1"
    assert rows[1].user_id == rows[2].user_id == user.id


def test_the_account_pages_are_in_english_on_request(client, auth):
    auth.login()
    client.get("/lang/en")
    page = client.get("/account/").get_data(as_text=True)
    assert "Where you are logged in" in page and "This device" in page
    page = client.post("/account/password", data={"old_password": "x", "new_password": "short",
                                                  "confirm": "other"}).get_data(as_text=True)
    assert "The new password needs at least 12 characters" in page and "The two new passwords differ" in page

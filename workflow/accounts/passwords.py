"""Passwords: check one at login, change one (which ends the user's other sessions)."""

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from workflow.accounts import sessions, throttle
from workflow.db import db
from workflow.models import User
from workflow.models.audit import record

_dummy_hashes = {}  # per hash method, so an unknown name costs what a real check costs


def authenticate(username, password):
    """Return the active user with this password, or None; as slow for unknown names."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        # Hash anyway, so the answer's timing does not tell which usernames exist.
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _dummy_hashes:
            _dummy_hashes[method] = generate_password_hash("not-a-password", method)
        check_password_hash(_dummy_hashes[method], password)
        return None
    return user if user.check_password(password) else None


def change(user, old_password, new_password, keep, address):
    """Change the password if the old one is right, within the login limit; return
    "ok", "wrong" or "throttled". Every other session of the user ends, keep stays."""
    attempt, limit = throttle.begin(user.username, address)
    if limit:
        throttle.finish(attempt, "throttled")
        record("login_throttled", user=user, address=address, username=attempt.username,
               limit=limit, where="password_change")
        db.session.commit()
        current_app.logger.warning("login limit reached (%s) for %r on password change", limit, user.username)
        return "throttled"
    if not user.check_password(old_password):
        throttle.finish(attempt, "failed")  # a wrong current password counts as a failed login
        record("password_change_failed", user=user, address=address)
        db.session.commit()
        return "wrong"
    throttle.finish(attempt, "ok")
    user.set_password(new_password)
    ended = sessions.end_all(user, "password", keep=keep)
    record("password_changed", user=user, address=address, ended_sessions=ended)
    db.session.commit()
    return "ok"

"""Logging in (within the brute-force limit, audited) and logging out."""

from typing import NamedTuple

from flask import current_app

from workflow.accounts import passwords, sessions, throttle
from workflow.db import db
from workflow.models.audit import record
from workflow.privacy.reveal import scrub


class Login(NamedTuple):
    """How a login went: outcome "ok", "failed" or "throttled"; token of the new session when ok."""

    outcome: str
    token: str | None = None
    role: str | None = None  # the user's role when ok: where they start depends on it


def log_in(typed, password, address, user_agent):
    """Check a login within the limit (the attempt committed first), audited; return a Login."""
    username = scrub(typed)[:50]  # stored and logged as typed, ID-like input masked
    attempt, limit = throttle.begin(username, address)
    if limit:
        throttle.finish(attempt, "throttled")
        record("login_throttled", address=address, username=username, limit=limit)
        db.session.commit()
        current_app.logger.warning("login limit reached (%s) for %r from %s", limit, username, address)
        return Login("throttled")
    user = passwords.authenticate(typed, password)
    if user is None:
        throttle.finish(attempt, "failed")
        record("login_failed", address=address, username=username)
        db.session.commit()
        current_app.logger.info("failed login for %r from %s", username, address)
        return Login("failed")
    throttle.finish(attempt, "ok")
    token = sessions.begin(user, address, user_agent)
    record("login", user=user, address=address)
    db.session.commit()
    return Login("ok", token, user.role)


def log_out(row, user, address):
    """End this session on the server, audited: a captured copy of its cookie is refused."""
    sessions.end(row, "logout")
    record("logout", user=user, address=address)
    db.session.commit()

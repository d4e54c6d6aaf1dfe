"""The brute-force limit: failed logins per account and per address, counted in the database.

Every attempt is written (and committed) before the password is checked, and the
count includes it; so several web workers, or several requests at once, share one
count and cannot slip past the limit together.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from workflow.db import db, utcnow
from workflow.models.security import LoginAttempt

COUNTED = ("pending", "failed")  # a pending attempt counts until it is known to be good
KEEP = timedelta(days=1)


def window():
    """Return how far back failures count."""
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _failures(condition, since):
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(condition, LoginAttempt.at > since,
                                                  LoginAttempt.outcome.in_(COUNTED))
    )


def begin(username, address, now=None):
    """Record an attempt and commit; return (attempt, limit), limit "account", "address" or None."""
    now = now or utcnow()
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - max(KEEP, window())))
    attempt = LoginAttempt(at=now, username=username, address=address, outcome="pending")
    db.session.add(attempt)
    db.session.commit()
    since = now - window()
    # A successful login starts the account's count afresh (not the address's: one good
    # account must not reset the count of an address that guesses at others).
    last_ok = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.username == username,
                                                LoginAttempt.outcome == "ok")
    )
    account_since = max(since, last_ok) if last_ok is not None else since
    cfg = current_app.config
    if _failures(LoginAttempt.username == username, account_since) > cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return attempt, "account"
    if _failures(LoginAttempt.address == address, since) > cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]:
        return attempt, "address"
    return attempt, None


def finish(attempt, outcome):
    """Mark the attempt "ok", "failed" or "throttled" (caller commits)."""
    attempt.outcome = outcome

"""Server-side sessions: one row per login, so a logout ends exactly that login.

The signed cookie carries only a random token; the row (found by the token's hash)
says whether the session is still alive. Idle and absolute time-outs are checked on
every request; last_seen_at is written, and the cookie re-sent, at most once a minute.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from web.inbox import unread_column
from workflow.db import db, utcnow
from workflow.models.security import UserSession

TOKEN_KEY = "sid"
TOUCH_EVERY = timedelta(seconds=60)
# The user and their unit come in the same statement, and the bell's count: every page needs them.
FIND = (select(UserSession, unread_column(UserSession.user_id)).options(joinedload(UserSession.user))
        .where(UserSession.token_hash == bindparam("token_hash")))


def token_hash(token):
    """Return the stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def client_address():
    """Return the client's address (after ProxyFix when proxies are configured)."""
    return (request.remote_addr or "unknown")[:64]


def start(user):
    """Begin a new session for user in a fresh cookie; return the row (caller commits)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now,
                      address=client_address(), user_agent=(request.user_agent.string or "")[:200])
    db.session.add(row)
    session.clear()  # a new session id on every login: no session fixation
    session[TOKEN_KEY] = token
    session["session_version"] = user.session_version
    session.permanent = True
    # A fresh CSRF secret now, in the cookie the login sends anyway: else the first page
    # after login would have to make one and send the whole cookie again.
    g.pop("csrf_token", None)
    generate_csrf()
    return row


def _ended_by_time(row, now):
    cfg = current_app.config
    if now - row.created_at >= timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"]):
        return "expired"
    if now - row.last_seen_at >= timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]):
        return "idle"
    return None


def current():
    """Return (row, None) for a live session, or (None, why) where why says what ended it."""
    token = session.get(TOKEN_KEY)
    if not token:
        return None, None
    row, g.inbox_unread = db.session.execute(FIND, {"token_hash": token_hash(token)}).first() or (None, None)
    if row is None or row.revoked_at is not None:
        return None, row.revoke_reason if row is not None else "unknown"
    now = utcnow()
    reason = _ended_by_time(row, now)
    if reason:
        revoke(row, reason, now)
        db.session.commit()
        return None, reason
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
        # The cookie's expiry moves with it (not on every response): the cookie outlives the
        # absolute time-out, so the server ends the session and can say why.
        session.modified = True
    return row, None


def revoke(row, reason, now=None):
    """End one session (caller commits)."""
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
        row.revoke_reason = reason


def end_all(user, reason, keep=None):
    """End every live session of a user except keep (caller commits); return how many."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    result = db.session.execute(query.values(revoked_at=utcnow(), revoke_reason=reason))
    return result.rowcount


def live_sessions(user):
    """Return the user's sessions that still work, the most recently used first."""
    cfg = current_app.config
    now = utcnow()
    return db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None),
               UserSession.last_seen_at > now - timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
               UserSession.created_at > now - timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"]))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()

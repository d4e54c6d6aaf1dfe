"""Server-side sessions: one row per login, so a logout ends exactly that login.

The cookie carries only a random token; the row (found by the token's hash) says whether
the session is still alive. Idle and absolute time-outs are checked on every request;
last_seen_at is written at most once a minute.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from workflow.accounts.inbox import unread_column
from workflow.db import db, utcnow
from workflow.models.audit import record
from workflow.models.security import UserSession

TOUCH_EVERY = timedelta(seconds=60)
# The user and their unit come in the same statement, and the bell's count: every page needs them.
FIND = (select(UserSession, unread_column(UserSession.user_id)).options(joinedload(UserSession.user))
        .where(UserSession.token_hash == bindparam("token_hash")))


class Found(NamedTuple):
    """What a request's token leads to."""

    row: UserSession | None  # the live session, or None
    unread: int | None = None  # the bell's count, brought by the same statement
    ended: str | None = None  # why the session the token named is over
    touched: bool = False  # last_seen_at moved, so the cookie's expiry should move with it


def token_hash(token):
    """Return the stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def begin(user, address, user_agent):
    """Add a new session of user (caller commits); return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(UserSession(token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now,
                               address=address, user_agent=user_agent[:200]))
    return token


def _ended_by_time(row, now):
    cfg = current_app.config
    if now - row.created_at >= timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"]):
        return "expired"
    if now - row.last_seen_at >= timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]):
        return "idle"
    return None


def find(token):
    """Return the live session token names, in one statement; end it when it has timed out."""
    if not token:
        return Found(None)
    row, unread = db.session.execute(FIND, {"token_hash": token_hash(token)}).first() or (None, None)
    if row is None or row.revoked_at is not None:
        return Found(None, ended=row.revoke_reason if row is not None else "unknown")
    now = utcnow()
    reason = _ended_by_time(row, now)
    if reason:
        end(row, reason, now)
        db.session.commit()
        return Found(None, ended=reason)
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
        return Found(row, unread, touched=True)
    return Found(row, unread)


def end(row, reason, now=None):
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


def end_own(user, session_id, address):
    """End one of the user's own sessions, audited; return it, or None when it is not theirs."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        return None
    end(row, "user")
    record("session_ended", user=user, address=address, session_id=row.id)
    db.session.commit()
    return row


def end_others(user, keep, address):
    """End every session of the user but keep, audited; return how many."""
    ended = end_all(user, "user", keep=keep)
    record("session_ended", user=user, address=address, others=ended)
    db.session.commit()
    return ended


def live(user):
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

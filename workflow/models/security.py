"""Server-side login sessions and login attempts (the brute-force limit lives in the database)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow

# Why a session ended; shown on the sessions page.
REVOKE_REASONS = {
    "logout": ("已退出", "Logged out"),
    "idle": ("长时间未操作", "Idle time-out"),
    "expired": ("超过最长登录时间", "Absolute time-out"),
    "password": ("密码已修改", "Password changed"),
    "user": ("本人结束", "Ended by the user"),
    "admin": ("管理员结束", "Ended by an administrator"),
}


class UserSession(db.Model):
    """One login on one device: the cookie carries a random token, the row its hash."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the token: a copy of the table does not let anyone forge a session.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user = relationship("User")

    __table_args__ = (Index("ix_user_sessions_user_revoked", "user_id", "revoked_at"),)

    @property
    def active(self):
        return self.revoked_at is None


class LoginAttempt(db.Model):
    """One login attempt; failures within a window are counted per account and address."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(50))  # as typed (ID-like input masked)
    address: Mapped[str] = mapped_column(String(64))
    # pending (counted as a failure until decided), failed, ok, throttled (not counted)
    outcome: Mapped[str] = mapped_column(String(10))

    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
        Index("ix_login_attempts_at", "at"),
    )

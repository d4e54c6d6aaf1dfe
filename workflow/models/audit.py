"""The audit trail: logins, reveals, exports, imports and other acts worth a record."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from workflow.db import UTCDateTime, db, utcnow
from workflow.privacy.identity import scrub_id_numbers


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    address: Mapped[str | None] = mapped_column(String(64))  # client IP
    detail: Mapped[dict | None] = mapped_column(JSON)  # never a full ID number or phone

    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_user_at", "user_id", "at"),
        Index("ix_audit_events_case_at", "case_id", "at"),
    )


def _scrubbed(value):
    """The detail with anything shaped like an ID number masked, however deep."""
    if isinstance(value, str):
        return scrub_id_numbers(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrubbed(item) for item in value]
    return value


def record(action, user=None, case=None, address=None, **detail):
    """Add an audit row to the current session; the caller commits.

    action: a short verb, e.g. "login", "reveal_id", "export", "import"; detail: plain
    JSON facts (ids, counts, a reason). Free text in detail that looks like an ID number
    is stored masked. The table is append-only: rows can never be changed or deleted.
    """
    db.session.add(
        AuditEvent(
            action=action,
            user_id=user.id if user is not None else None,
            case_id=case.id if case is not None else None,
            address=address,
            detail=_scrubbed(detail) or None,
        )
    )

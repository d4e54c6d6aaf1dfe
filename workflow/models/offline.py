"""Receipts of items a phone queued offline: the client's id makes each one apply once."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workflow.db import UTCDateTime, db, utcnow


class OfflineReceipt(db.Model):
    """One applied offline item (visit, contact, 五必登 entry), written in its own transaction."""

    __tablename__ = "offline_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)  # crypto.randomUUID() on the phone
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    result: Mapped[str] = mapped_column(String(200))  # the message the worker was shown
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

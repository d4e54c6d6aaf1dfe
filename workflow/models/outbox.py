"""The outbox: messages as rows, one delivery per channel, and every attempt kept."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow

# kind -> (Chinese label, English label). notify() accepts other kinds too; these are
# the ones the scheduler writes, plus the ones other parts announced they would send.
KINDS = {
    "near_due": ("即将到期", "Due soon"),
    "overdue": ("已逾期", "Overdue"),
    "escalation": ("逾期督办", "Escalated"),
    "lost": ("失联督办", "Lost contact"),
    "serious": ("半年未联系", "Six months without contact"),
    "digest": ("每日待办", "Daily digest"),
    "org_life": ("组织生活提醒", "Organisational life"),
    "sent_back": ("退回修改", "Sent back"),
    "notice": ("通知", "Notice"),
    # The member link (workflow/member, scheduler/member_reminders.py).
    "member_link": ("联系卡链接", "Contact card link"),
    "member_locked": ("成员链接锁定", "Member link locked"),
    "self_report": ("成员自报", "Self-report"),
    "checkin_request": ("报到提醒", "Check-in request"),
    "no_channel": ("无可用联系渠道", "No working channel"),
    # The monthly report upward (scheduler/report_reminders.py).
    "report_due": ("报表待上报", "Report due"),
    "report_missing": ("下级未上报", "Reports missing below"),
}

# Delivery states: pending (waiting for its next attempt), sent, failed (gave up),
# skipped (the channel had no address any more when its turn came).
STATUSES = {
    "pending": ("待发送", "Pending"),
    "sent": ("已发送", "Sent"),
    "failed": ("发送失败", "Failed"),
    "skipped": ("已跳过", "Skipped"),
}


class OutboxMessage(db.Model):
    """One message to one recipient; dedupe_key makes writing it twice a no-op."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "case|deadline|kind|recipient": the unique key of DESIGN.md §4, as one column
    # because NULLs (no case, e.g. a digest) never collide in a multi-column key.
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipient: Mapped[str] = mapped_column(String(40))  # user:5, unit:3, person:7
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(200))  # a path inside the app
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")
    unit = relationship("OrgUnit")
    person = relationship("Person")
    deliveries = relationship("Delivery", back_populates="message", order_by="Delivery.id")


class Delivery(db.Model):
    """A message on one channel: pending until sent, retried with back-off."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"))
    channel: Mapped[str] = mapped_column(String(20))  # inbox, email, webhook
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    message = relationship("OutboxMessage", back_populates="deliveries")
    attempt_log = relationship("DeliveryAttempt", order_by="DeliveryAttempt.id")

    __table_args__ = (
        UniqueConstraint("message_id", "channel"),
        Index("ix_deliveries_status_next", "status", "next_attempt_at"),
    )


class DeliveryAttempt(db.Model):
    """One try on one channel, with its error when it failed."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_delivery_attempts_delivery_at", "delivery_id", "at"),)


class InboxItem(db.Model):
    """A message in a user's in-app inbox (the bell), read or unread."""

    __tablename__ = "inbox_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_inbox_items_user_read", "user_id", "read_at"),
        Index("ix_inbox_items_user_created", "user_id", "created_at"),
    )

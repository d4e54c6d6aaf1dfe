"""The member's own side of the link: the card's token, verification attempts, self-reports."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow

# Why a link stopped working (the member only ever sees the neutral page).
END_REASONS = {
    "reissued": ("已重新生成", "Reissued"),
    "revoked": ("已作废", "Revoked"),
}

# What a member can send; "decided" kinds wait for the worker, the others are recorded at once.
REPORT_KINDS = {
    "checkin": ("平安报到", "Check-in"),
    "change": ("信息变更", "Change of details"),
    "org_life": ("参加组织生活", "Organisational life attended"),
    "transfer": ("申请转组织关系", "Transfer request"),
    "resettled": ("已安置", "Resettled"),
}
DECIDED_KINDS = ("change", "transfer", "resettled")
REPORT_STATUSES = {
    "recorded": ("已记录", "Recorded"),
    "pending": ("待确认", "Waiting for the worker"),
    "confirmed": ("已确认", "Confirmed"),
    "rejected": ("未采纳", "Not accepted"),
}
# Where a member attended 组织生活.
ORG_LIFE_PLACES = {
    "home_branch": ("原支部", "Home branch"),
    "local_branch": ("现居住地支部", "Branch where I live now"),
    "online": ("线上", "Online"),
}


class MemberLink(db.Model):
    """One case's personal link: the card carries the token, the row only its hash."""

    __tablename__ = "member_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # HMAC-SHA256 of the token under SECRET_KEY: a copy of the table opens no link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    failures: Mapped[int] = mapped_column(Integer, default=0)  # wrong answers since the last right one
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email: Mapped[str | None] = mapped_column(String(120))  # where check-in requests may go
    # The deadline the member was last asked to check in for: asked once per deadline.
    asked_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case = relationship("Case")


class MemberAttempt(db.Model):
    """One answer to the verification question, right or wrong, from one address."""

    __tablename__ = "member_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("member_links.id"))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index("ix_member_attempts_address_at", "address", "at"),
        Index("ix_member_attempts_link_at", "link_id", "at"),
    )


class MemberReport(db.Model):
    """Something the member sent: a check-in, a change, 组织生活, a transfer or resettlement."""

    __tablename__ = "member_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    link_id: Mapped[int] = mapped_column(ForeignKey("member_links.id"))
    kind: Mapped[str] = mapped_column(String(20))
    item: Mapped[str | None] = mapped_column(String(32))  # the 五必登 item of a change
    values: Mapped[dict | None] = mapped_column(JSON)  # what the member typed, cleaned
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was not accepted
    # A random id the page put in the form: the same submission twice is recorded once.
    submission_id: Mapped[str] = mapped_column(String(64))
    contact_log_id: Mapped[int | None] = mapped_column(ForeignKey("contact_logs.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case = relationship("Case")
    decided_by = relationship("User")

    __table_args__ = (
        UniqueConstraint("case_id", "submission_id", name="uq_member_reports_case_submission"),
        Index("ix_member_reports_status_created", "status", "created_at"),
        Index("ix_member_reports_case_created", "case_id", "created_at"),
    )


class SmsReceipt(db.Model):
    """What the SMS gateway answered for one delivery: its reference and status."""

    __tablename__ = "sms_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reference: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(40))

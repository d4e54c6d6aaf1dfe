"""The contact log: visits, calls, WeChat and organisational life, reached or not."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow

KINDS = {
    "visit": ("入户走访", "Home visit"),
    "phone": ("电话", "Phone call"),
    "wechat": ("微信", "WeChat"),
    "org_life": ("组织生活", "Organisational life"),
    "self": ("本人报到", "Checked in themselves"),
    "report": ("定期报告", "Periodic report"),
}
# Written by the member on their own page (workflow/member), never offered to a worker.
MEMBER_KINDS = ("self",)
# Written by the 流动党员 定期报告 screen (workflow/mobility), not by a follow-up.
MOBILITY_KINDS = ("report",)
WORKER_KINDS = {kind: pair for kind, pair in KINDS.items() if kind not in MEMBER_KINDS + MOBILITY_KINDS}
OUTCOMES = {
    "reached": ("已联系上", "Reached"),
    "not_reached": ("未联系上", "Not reached"),
}


class ContactLog(db.Model):
    __tablename__ = "contact_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    met_with: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")

    __table_args__ = (
        Index("ix_contact_logs_case_at", "case_id", "contacted_at"),
        # The monthly report's 本人报到 reads one period's self check-ins.
        Index("ix_contact_logs_kind_at", "kind", "contacted_at"),
    )

"""One row for every state change: who, when, from, to, trigger, reason."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow


class TransitionRecord(db.Model):
    __tablename__ = "transition_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    trigger: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
    # The responsible unit's path before and after the row (they differ when a handover is
    # accepted): reports count each row for the unit it happened in, whatever came later.
    from_path: Mapped[str | None] = mapped_column(String(255))
    org_path: Mapped[str | None] = mapped_column(String(255))

    actor = relationship("User")

    __table_args__ = (
        Index("ix_transition_records_case_at", "case_id", "at"),
        # The monthly report reads one period's rows: its cost follows the period's activity.
        Index("ix_transition_records_at", "at"),
        # A unit's report reads its own rows of a period on each side (migration 0016).
        Index("ix_transition_records_org_path_at", "org_path", "at", postgresql_ops={"org_path": "text_pattern_ops"}),
        Index("ix_transition_records_from_path_at", "from_path", "at",
              postgresql_ops={"from_path": "text_pattern_ops"}),
    )

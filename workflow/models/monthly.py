"""Submitted monthly reports: one frozen copy per version, never changed but for a send-back."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow

SUBMITTED, RETURNED = "submitted", "returned"


class MonthlyReport(db.Model):
    """A unit's report for a period ("2026-03", or "2026" for the year) as it was submitted."""

    __tablename__ = "monthly_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    period: Mapped[str] = mapped_column(String(7))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=SUBMITTED)
    # {"rows": [{"unit_id", "name", "cells": {column key: n}}], "total": {key: n}, "columns": [...]}
    figures: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str | None] = mapped_column(Text)

    unit = relationship("OrgUnit")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    returned_by = relationship("User", foreign_keys=[returned_by_id])

    __table_args__ = (
        UniqueConstraint("org_unit_id", "period", "version", name="uq_monthly_reports_unit_period_version"),
        Index("ix_monthly_reports_period", "period", "org_unit_id"),
    )

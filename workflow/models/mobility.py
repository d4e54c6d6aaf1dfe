"""流动党员: a party member's mobility situation over time, and the 活动证 register."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow

# A certificate is active until renewed in place (still active, later expiry) or revoked.
CERTIFICATE_STATUSES = {"active": ("有效", "Valid"), "revoked": ("已收回", "Revoked")}


class MobilityRecord(db.Model):
    """One period of a situation; a change is a new row, the old one stays, no longer current."""

    __tablename__ = "mobility_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    situation: Mapped[str] = mapped_column(String(20))  # a name of workflow/mobility.toml
    since: Mapped[date] = mapped_column(Date)  # local date the situation began
    # Structured so it can be counted: a province (or 境外) and a city (or country).
    dest_province: Mapped[str | None] = mapped_column(String(20))
    dest_city: Mapped[str | None] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(Text)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(20), default="worker")  # or "migration"
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recorded_by = relationship("User")

    __table_args__ = (
        Index("ix_mobility_records_case_current", "case_id", "is_current"),
        # case_id too: the due list reads the registered members' case ids from the index alone.
        Index("ix_mobility_records_current_situation", "is_current", "situation", "case_id"),
    )


class ActivityCertificate(db.Model):
    """A 流动党员活动证: its number is unique in the district (the root of the case's unit)."""

    __tablename__ = "activity_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    number: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    duration_months: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    dest_province: Mapped[str] = mapped_column(String(20))
    dest_city: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="active")
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoke_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    issuing_unit = relationship("OrgUnit", foreign_keys=[issuing_unit_id])

    __table_args__ = (UniqueConstraint("district_id", "number", name="uq_activity_certificates_district_number"),)

"""The 五必登 entries. A change is a new row; the old one stays, no longer current."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow

# item -> (Chinese label, English label), in the order of the five.
ITEMS = {
    "original_address": ("原住址", "Original address"),
    "destination_address": ("去向住址", "Destination address"),
    "contact": ("联系方式", "Contact"),
    "workplace": ("工作单位/务工地", "Workplace"),
    "org_relation": ("组织关系", "Organisational relation"),
}


class RegistrationEntry(db.Model):
    __tablename__ = "registration_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    item: Mapped[str] = mapped_column(String(32))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    address: Mapped[str | None] = mapped_column(String(300))
    address_kind: Mapped[str | None] = mapped_column(String(20))  # transitional / resettlement
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    backup_name: Mapped[str | None] = mapped_column(String(50))
    backup_phone: Mapped[str | None] = mapped_column(String(20))
    workplace: Mapped[str | None] = mapped_column(String(200))
    work_city: Mapped[str | None] = mapped_column(String(50))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    org_note: Mapped[str | None] = mapped_column(String(200))  # a unit outside the system
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="registration")  # or "contact"
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    org_unit = relationship("OrgUnit")
    recorded_by = relationship("User")

    __table_args__ = (Index("ix_registration_entries_case_item", "case_id", "item", "is_current"),)

"""People who relocate, and the relocation projects that move them."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow

PROJECT_KINDS = {
    "rail": ("高铁建设", "High-speed rail"),
    "shanty": ("棚户区改造", "Shanty-town renovation"),
    "industrial": ("产业集聚区", "Industrial zone"),
    "commercial": ("特色商业区", "Commercial district"),
}


class Person(db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[str] = mapped_column(String(1))  # "M" / "F", from the ID number
    birth_date: Mapped[date] = mapped_column(Date)
    is_party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    # The ID number never sits in the clear: ciphertext, a keyed hash for exact
    # search and uniqueness, and the masked form lists show (workflow/pii.py).
    id_cipher: Mapped[str] = mapped_column(String(255))
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_masked: Mapped[str] = mapped_column(String(18))
    id_last4: Mapped[str] = mapped_column(String(4), index=True)
    reminder_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cases = relationship("Case", back_populates="person")

    def __repr__(self):
        return f"<Person {self.id}>"


class Project(db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    started_on: Mapped[date | None] = mapped_column(Date)

    org_unit = relationship("OrgUnit")

"""Households (户): the family a demolition counts, its shared addresses and its members' cases."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow


class Household(db.Model):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    # The unit that listed the household, and its path, so a subtree is one indexed scan.
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    org_path: Mapped[str] = mapped_column(String(255))
    number: Mapped[str | None] = mapped_column(String(40))  # 户号 from the demolition office
    # The shared 必登 facts; every change is also a new entry on each following member's case.
    original_address: Mapped[str | None] = mapped_column(String(300))
    destination_address: Mapped[str | None] = mapped_column(String(300))
    destination_kind: Mapped[str | None] = mapped_column(String(20))  # transitional / resettlement
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    project = relationship("Project")
    org_unit = relationship("OrgUnit")
    members = relationship("HouseholdMember", back_populates="household", order_by="HouseholdMember.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("project_id", "number", name="uq_households_project_number"),
        Index("ix_households_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
    )


class HouseholdMember(db.Model):
    """One case in one household: a case (a person in a project) is in at most one.

    A member follows the household's 原住址 / 去向住址 while their current entry of that
    item came from the household (source "household"); an entry of their own overrides it.
    """

    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)  # 户主
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household = relationship("Household", back_populates="members")
    case = relationship("Case")

"""Supervisor tables: roster import batches and monthly link-health snapshots."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow
from workflow.models.case import Case

# The dashboard counts cases per unit (and state, and deadline). With these two
# indexes every count is read from the index alone, never from the table rows.
Index("ix_cases_unit_state_due", Case.org_unit_id, Case.state, Case.next_due_at)
Index("ix_cases_unit_due", Case.org_unit_id, Case.next_due_at)


class ImportBatch(db.Model):
    """One uploaded 摸底名单: previewed first, imported at most once."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))  # the importer's unit
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="previewed")  # or "imported"
    # The file, encrypted like ID numbers (workflow/pii.py); dropped once imported.
    payload: Mapped[str | None] = mapped_column(Text)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_added: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    rows_invalid: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project = relationship("Project")
    user = relationship("User", foreign_keys=[user_id])

    __table_args__ = (Index("ix_import_batches_project_sha256", "project_id", "sha256"),)


class HealthSnapshot(db.Model):
    """Link health of one unit's own cases at the end of one month (Asia/Shanghai)."""

    __tablename__ = "health_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # "2026-11"
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    following: Mapped[int] = mapped_column(Integer, default=0)
    in_rhythm: Mapped[int] = mapped_column(Integer, default=0)
    lost: Mapped[int] = mapped_column(Integer, default=0)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("month", "org_unit_id", name="uq_health_snapshots_month_unit"),)

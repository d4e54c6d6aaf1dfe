"""A case: one person in one relocation project, carried through the process."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import UTCDateTime, db, utcnow

# Not handled by the reminder scan as the case is now (its version moved on), or with a
# reminder still to come: the predicates of the scan's partial indexes (migration 0007).
SCAN_UNHANDLED = "next_due_at IS NOT NULL AND (scanned_version IS NULL OR scanned_version != version)"
SCAN_TO_COME = "scan_after IS NOT NULL"


class Case(db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    # The responsible unit, and its path copied here so a subtree is one indexed scan.
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    org_path: Mapped[str] = mapped_column(String(255))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    state: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_kind: Mapped[str | None] = mapped_column(String(32))
    state_entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # 三个一: when each was done.
    visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    card_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    group_joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    group_name: Mapped[str | None] = mapped_column(String(100))

    moved_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    miss_count: Mapped[int] = mapped_column(Integer, default=0)
    last_reason: Mapped[str | None] = mapped_column(Text)  # latest send-back/reject reason

    # A pending handover: the sending side stays responsible until it is answered.
    handover_kind: Mapped[str | None] = mapped_column(String(20))  # resettle / transfer
    handover_to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    handover_to_path: Mapped[str | None] = mapped_column(String(255))  # ix_cases_handover_to_path below
    handover_external: Mapped[str | None] = mapped_column(String(200))
    handover_from_state: Mapped[str | None] = mapped_column(String(32))
    receipt_number: Mapped[str | None] = mapped_column(String(100))

    # The reminder scan's mark: the version it last handled, and the earliest instant a
    # reminder it has not written yet can arise (None: none until the case changes).
    # Any change to the case bumps version, so the scan reads it again without a hook.
    scanned_version: Mapped[int | None] = mapped_column(Integer)
    scan_after: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    person = relationship("Person", back_populates="cases")
    project = relationship("Project")
    org_unit = relationship("OrgUnit", foreign_keys=[org_unit_id])
    handover_to_unit = relationship("OrgUnit", foreign_keys=[handover_to_unit_id])
    worker = relationship("User")

    # SQLAlchemy adds "AND version = :old" to every UPDATE and raises StaleDataError
    # when another transaction got there first: the optimistic lock.
    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        UniqueConstraint("person_id", "project_id", name="uq_cases_person_project"),
        Index(
            "ix_cases_org_path_due",
            "org_path",
            "next_due_at",
            "state",  # the due list leaves out what waits on others by state, from the index alone
            # and the ids it reads, so PostgreSQL answers from the index without visiting a row
            # (SQLite's indexes hold the rowid, the id, anyway).
            "id",
            postgresql_ops={"org_path": "text_pattern_ops"},
        ),
        # The handovers addressed to a subtree: a range of the path (workflow/subtree.py).
        Index("ix_cases_handover_to_path", "handover_to_path", postgresql_ops={"handover_to_path": "text_pattern_ops"}),
        # The reminder scan's two sources (scheduler/scan.py): each holds only the cases
        # that may need a look, so a range over it costs what there is to do. No plain
        # next_due_at index: SQLite would prefer it for the second range and walk every due case.
        Index("ix_cases_scan_unhandled", "next_due_at", "id",
              sqlite_where=text(SCAN_UNHANDLED), postgresql_where=text(SCAN_UNHANDLED)),
        Index("ix_cases_scan_after", "scan_after", "next_due_at", "id",
              sqlite_where=text(SCAN_TO_COME), postgresql_where=text(SCAN_TO_COME)),
    )

    def __repr__(self):
        return f"<Case {self.id} {self.state}>"

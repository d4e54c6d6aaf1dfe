"""scan sources: two partial indexes hold only the cases the reminder scan may have to read

ix_cases_next_due_scan made the scan index-only, but it still walked one entry per due
case (273,000 at 1,000,000 cases) to find the few hundred needing a look. Now:
ix_cases_scan_unhandled has an entry only while a case is not handled as it is now,
ix_cases_scan_after one only while a reminder is still to come; a range over either is
the work. No plain next_due_at index: SQLite would pick it for the second range (it
spares a sort) and walk every due case again; the daily digest, which reads every due
case anyway, scans the table instead.

Revision ID: 0007_scan_sources
Revises: 0006_scan
Create Date: 2026-12-01 17:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_scan_sources'
down_revision = '0006_scan'
branch_labels = None
depends_on = None

# Spelled as workflow/models/case.py and scheduler/scan.py spell them: a partial index is
# used only when the query's WHERE repeats its predicate.
UNHANDLED = sa.text("next_due_at IS NOT NULL AND (scanned_version IS NULL OR scanned_version != version)")
TO_COME = sa.text("scan_after IS NOT NULL")


def upgrade():
    op.create_index('ix_cases_scan_unhandled', 'cases', ['next_due_at', 'id'], unique=False,
                    sqlite_where=UNHANDLED, postgresql_where=UNHANDLED)
    op.create_index('ix_cases_scan_after', 'cases', ['scan_after', 'next_due_at', 'id'], unique=False,
                    sqlite_where=TO_COME, postgresql_where=TO_COME)
    op.drop_index('ix_cases_next_due_scan', table_name='cases')


def downgrade():
    op.create_index('ix_cases_next_due_scan', 'cases',
                    ['next_due_at', 'id', 'version', 'scanned_version', 'scan_after'], unique=False)
    op.drop_index('ix_cases_scan_after', table_name='cases')
    op.drop_index('ix_cases_scan_unhandled', table_name='cases')

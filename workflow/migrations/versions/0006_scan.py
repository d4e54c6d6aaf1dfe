"""scan marks: the reminder scan reads only cases it has not handled as they are now

cases.scanned_version (the case version the scan last handled) and cases.scan_after
(the earliest instant a reminder not yet written can arise), and one index on
(next_due_at, id, version, scanned_version, scan_after) that answers the scan's filter
by itself; it replaces ix_cases_next_due_at, whose ranges it serves as well.

Revision ID: 0006_scan
Revises: 0005_security
Create Date: 2026-11-25 19:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_scan'
down_revision = '0005_security'
branch_labels = None
depends_on = None

SCAN_INDEX = ['next_due_at', 'id', 'version', 'scanned_version', 'scan_after']


def upgrade():
    # Plain ALTER TABLE ADD COLUMN on SQLite too: no table rebuild, no data copied.
    op.add_column('cases', sa.Column('scanned_version', sa.Integer(), nullable=True))
    op.add_column('cases', sa.Column('scan_after', sa.DateTime(), nullable=True))
    op.create_index('ix_cases_next_due_scan', 'cases', SCAN_INDEX, unique=False)
    op.drop_index('ix_cases_next_due_at', table_name='cases')


def downgrade():
    op.create_index('ix_cases_next_due_at', 'cases', ['next_due_at'], unique=False)
    op.drop_index('ix_cases_next_due_scan', table_name='cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('scan_after')
        batch_op.drop_column('scanned_version')

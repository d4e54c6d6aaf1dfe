"""report path indexes: history rows by (org_path, at) and (from_path, at)

The monthly report of a street reads that street's history rows in a period, and the
rows written since the period's end, on each side (docs/reports.md, Cost). With only
the index on `at`, that was every row of the district in the period (1.2 million in the
benchmark's last month at 1,000,000 cases); by path first, it is the street's own rows.

Revision ID: 0016_report_path_indexes
Revises: 0015_offline_client_ids
Create Date: 2026-12-03 13:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016_report_path_indexes'
down_revision = '0015_offline_client_ids'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('transition_records', schema=None) as batch_op:
        batch_op.create_index('ix_transition_records_org_path_at', ['org_path', 'at'], unique=False,
                              postgresql_ops={'org_path': 'text_pattern_ops'})
        batch_op.create_index('ix_transition_records_from_path_at', ['from_path', 'at'], unique=False,
                              postgresql_ops={'from_path': 'text_pattern_ops'})


def downgrade():
    with op.batch_alter_table('transition_records', schema=None) as batch_op:
        batch_op.drop_index('ix_transition_records_from_path_at', postgresql_ops={'from_path': 'text_pattern_ops'})
        batch_op.drop_index('ix_transition_records_org_path_at', postgresql_ops={'org_path': 'text_pattern_ops'})

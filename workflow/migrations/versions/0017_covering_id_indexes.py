"""covering id indexes: the due list's and the registered mobile members' ids from the index

The due list's page of ids and the ids of a subtree's registered mobile members (流动党员事项
on the same page) are read by path; with the case id in both indexes PostgreSQL answers
from the indexes alone instead of visiting every case of the subtree (measured at 100,000
cases: 804 → 21 buffers for the page, 1,587 → 33 for the mobile members; docs/benchmarks.md).

Revision ID: 0017_covering_id_indexes
Revises: 0016_report_path_indexes
Create Date: 2026-12-04 20:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017_covering_id_indexes'
down_revision = '0016_report_path_indexes'
branch_labels = None
depends_on = None

OPS = {'org_path': 'text_pattern_ops'}


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_org_path_due', postgresql_ops=OPS)
        batch_op.create_index('ix_cases_org_path_due', ['org_path', 'next_due_at', 'state', 'id'], unique=False,
                              postgresql_ops=OPS)
    with op.batch_alter_table('mobility_records', schema=None) as batch_op:
        batch_op.drop_index('ix_mobility_records_current_situation')
        batch_op.create_index('ix_mobility_records_current_situation', ['is_current', 'situation', 'case_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('mobility_records', schema=None) as batch_op:
        batch_op.drop_index('ix_mobility_records_current_situation')
        batch_op.create_index('ix_mobility_records_current_situation', ['is_current', 'situation'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_org_path_due', postgresql_ops=OPS)
        batch_op.create_index('ix_cases_org_path_due', ['org_path', 'next_due_at', 'state'], unique=False,
                              postgresql_ops=OPS)

"""due list index: (org_path, next_due_at, state), so the list still reads its page from it

The due list leaves out what waits on someone else (a review, the receiving unit's
answer: process.toml waits_on) by state; with state in the index SQLite keeps reading
the page's ids from the covering index instead of sorting joined rows.

Revision ID: 0014_due_list_index
Revises: 0010_mobility
Create Date: 2026-12-02 20:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014_due_list_index'
down_revision = '0010_mobility'
branch_labels = None
depends_on = None

OPS = {'org_path': 'text_pattern_ops'}


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_org_path_due', postgresql_ops=OPS)
        batch_op.create_index('ix_cases_org_path_due', ['org_path', 'next_due_at', 'state'], unique=False,
                              postgresql_ops=OPS)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_org_path_due', postgresql_ops=OPS)
        batch_op.create_index('ix_cases_org_path_due', ['org_path', 'next_due_at'], unique=False,
                              postgresql_ops=OPS)

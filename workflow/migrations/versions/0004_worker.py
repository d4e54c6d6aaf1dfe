"""worker list indexes: a subtree's cases by state or project, by deadline

Revision ID: 0004_worker
Revises: 0001
Create Date: 2026-11-25 17:09:34.700778

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004_worker'
down_revision = '0003_supervisor'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_project_org_path_due', ['project_id', 'org_path', 'next_due_at'], unique=False, postgresql_ops={'org_path': 'text_pattern_ops'})
        batch_op.create_index('ix_cases_state_org_path_due', ['state', 'org_path', 'next_due_at'], unique=False, postgresql_ops={'org_path': 'text_pattern_ops'})


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_state_org_path_due', postgresql_ops={'org_path': 'text_pattern_ops'})
        batch_op.drop_index('ix_cases_project_org_path_due', postgresql_ops={'org_path': 'text_pattern_ops'})

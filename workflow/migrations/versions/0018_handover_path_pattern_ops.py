"""handover path pattern ops: the handovers addressed to a subtree, as a range of the index

The due list counts, on every view, the handovers waiting for the user's unit. Its subtree
condition is a range of the path (workflow/subtree.py), which PostgreSQL can take from an
index only when the index carries text_pattern_ops, as every other path index does; the
plain index made it read every pending handover of the district (5,774 at 100,000 cases)
and filter them.

Revision ID: 0018_handover_path_pattern_ops
Revises: 0017_covering_id_indexes
Create Date: 2026-12-04 23:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018_handover_path_pattern_ops'
down_revision = '0017_covering_id_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_handover_to_path')
        batch_op.create_index('ix_cases_handover_to_path', ['handover_to_path'], unique=False,
                              postgresql_ops={'handover_to_path': 'text_pattern_ops'})


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_handover_to_path', postgresql_ops={'handover_to_path': 'text_pattern_ops'})
        batch_op.create_index('ix_cases_handover_to_path', ['handover_to_path'], unique=False)

"""offline client ids: one receipt per item a phone queued offline (issue 16)

offline_receipts holds the phone's client id (unique) of every applied visit, contact
or 五必登 entry, written in the same transaction as the rows the item creates, so an
item sent twice is recognised and never applied twice.

Revision ID: 0015_offline_client_ids
Revises: 0014_due_list_index
Create Date: 2026-12-03 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_offline_client_ids'
down_revision = '0014_due_list_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('offline_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('result', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_offline_receipts_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_offline_receipts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_receipts')),
    sa.UniqueConstraint('client_id', name=op.f('uq_offline_receipts_client_id'))
    )
    with op.batch_alter_table('offline_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offline_receipts_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('offline_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offline_receipts_case_id'))
    op.drop_table('offline_receipts')

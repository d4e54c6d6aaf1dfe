"""monthly reports: each history row names its unit before and after; submitted report copies

transition_records gains from_path/org_path (the responsible unit's path before and
after the row) and an index on at, so a period's figures read that period's rows
only and count each row where it happened. Rows written before this migration get
the path their case has now (the best that is known; docs/reports.md).
monthly_reports holds the frozen copies of submitted reports, one row per version.

Revision ID: 0011_monthly_reports
Revises: 0009_member_link
Create Date: 2026-12-02 19:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_monthly_reports'
down_revision = '0009_member_link'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('transition_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_path', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('org_path', sa.String(length=255), nullable=True))
        batch_op.create_index('ix_transition_records_at', ['at'], unique=False)
    with op.batch_alter_table('contact_logs', schema=None) as batch_op:
        batch_op.create_index('ix_contact_logs_kind_at', ['kind', 'contacted_at'], unique=False)
    op.execute("UPDATE transition_records SET org_path = "
               "(SELECT cases.org_path FROM cases WHERE cases.id = transition_records.case_id)")
    op.execute("UPDATE transition_records SET from_path = org_path WHERE from_state != ''")
    op.create_table('monthly_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_monthly_reports_org_unit_id_org_units')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_monthly_reports_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['returned_by_id'], ['users.id'], name=op.f('fk_monthly_reports_returned_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monthly_reports')),
    sa.UniqueConstraint('org_unit_id', 'period', 'version', name='uq_monthly_reports_unit_period_version')
    )
    with op.batch_alter_table('monthly_reports', schema=None) as batch_op:
        batch_op.create_index('ix_monthly_reports_period', ['period', 'org_unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('monthly_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_monthly_reports_period')
    op.drop_table('monthly_reports')
    with op.batch_alter_table('transition_records', schema=None) as batch_op:
        batch_op.drop_index('ix_transition_records_at')
        batch_op.drop_column('org_path')
        batch_op.drop_column('from_path')
    with op.batch_alter_table('contact_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_logs_kind_at')

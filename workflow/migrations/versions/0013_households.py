"""households: the family (户) with its shared addresses, and the cases that are its members

households holds one row per 户 of a project (户号 unique per project when given), with
the shared 原住址 / 去向住址; household_members one row per member case (a case is in
at most one household), with the 户主 flag.

Revision ID: 0013_households
Revises: 0011_monthly_reports
Create Date: 2026-12-02 19:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_households'
down_revision = '0011_monthly_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('org_path', sa.String(length=255), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('original_address', sa.String(length=300), nullable=True),
    sa.Column('destination_address', sa.String(length=300), nullable=True),
    sa.Column('destination_kind', sa.String(length=20), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_households_created_by_id_users')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_households_org_unit_id_org_units')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_households_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households')),
    sa.UniqueConstraint('project_id', 'number', name='uq_households_project_number')
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index('ix_households_org_path', ['org_path'], unique=False,
                              postgresql_ops={'org_path': 'text_pattern_ops'})

    op.create_table('household_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('is_head', sa.Boolean(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_household_members_case_id_cases')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_members_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_members')),
    sa.UniqueConstraint('case_id', name=op.f('uq_household_members_case_id'))
    )
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_members_household_id'), ['household_id'], unique=False)


def downgrade():
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_members_household_id'))
    op.drop_table('household_members')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_org_path', postgresql_ops={'org_path': 'text_pattern_ops'})
    op.drop_table('households')

"""mobility: 流动党员 situations (mobility_records) and the 活动证 register (activity_certificates)

Every existing party-member case gets a current situation derived from what it holds:
a workplace in another city (work_city) or an organisational relation kept by a
流动党支部/党小组 makes it 长期外出/流动 from the move-out date, with that city; everything
else is 本地 from the day the case was listed. Residents get no row. Workers correct
the derived situation on the case page (docs/mobile-members.md).

Revision ID: 0010_mobility
Revises: 0013_households (applied after the monthly report and households migrations: the order the work landed)
Create Date: 2026-12-02 19:30:00

"""
from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_mobility'
down_revision = '0013_households'
branch_labels = None
depends_on = None

MOBILE_UNIT_KINDS = ("mobile_branch", "mobile_group")
BATCH = 1000
SHANGHAI = timedelta(hours=8)  # stored times are naive UTC; a date is the local day


def upgrade():
    op.create_table('mobility_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('situation', sa.String(length=20), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('dest_province', sa.String(length=20), nullable=True),
    sa.Column('dest_city', sa.String(length=50), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_mobility_records_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_mobility_records_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mobility_records'))
    )
    with op.batch_alter_table('mobility_records', schema=None) as batch_op:
        batch_op.create_index('ix_mobility_records_case_current', ['case_id', 'is_current'], unique=False)
        batch_op.create_index('ix_mobility_records_current_situation', ['is_current', 'situation'], unique=False)

    op.create_table('activity_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('issuing_unit_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('duration_months', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('dest_province', sa.String(length=20), nullable=False),
    sa.Column('dest_city', sa.String(length=50), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('renewals', sa.Integer(), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('revoke_reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_activity_certificates_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_activity_certificates_created_by_id_users')),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_activity_certificates_district_id_org_units')),
    sa.ForeignKeyConstraint(['issuing_unit_id'], ['org_units.id'], name=op.f('fk_activity_certificates_issuing_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_certificates')),
    sa.UniqueConstraint('district_id', 'number', name='uq_activity_certificates_district_number')
    )
    with op.batch_alter_table('activity_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_certificates_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_certificates_expires_on'), ['expires_on'], unique=False)

    _derive_situations()


def _derive_situations():
    """Give every party-member case its current situation, read from its state and entries."""
    bind = op.get_bind()
    cases = sa.table('cases', sa.column('id'), sa.column('person_id'), sa.column('moved_out_at', sa.DateTime()),
                     sa.column('created_at', sa.DateTime()))
    people = sa.table('people', sa.column('id'), sa.column('is_party_member', sa.Boolean()))
    entries = sa.table('registration_entries', sa.column('case_id'), sa.column('item'), sa.column('is_current'),
                       sa.column('work_city'), sa.column('org_unit_id'))
    units = sa.table('org_units', sa.column('id'), sa.column('kind'), sa.column('city'))
    records = sa.table('mobility_records', sa.column('case_id'), sa.column('situation'), sa.column('since', sa.Date()),
                       sa.column('dest_province'), sa.column('dest_city'), sa.column('is_current', sa.Boolean()),
                       sa.column('source'), sa.column('recorded_at', sa.DateTime()))
    work = (sa.select(entries.c.case_id, entries.c.work_city)
            .where(entries.c.item == 'workplace', entries.c.is_current.is_(True)).subquery())
    relation = (sa.select(entries.c.case_id, units.c.kind, units.c.city)
                .join(units, units.c.id == entries.c.org_unit_id)
                .where(entries.c.item == 'org_relation', entries.c.is_current.is_(True)).subquery())
    rows = bind.execute(
        sa.select(cases.c.id, cases.c.moved_out_at, cases.c.created_at, work.c.work_city, relation.c.kind, relation.c.city)
        .join(people, people.c.id == cases.c.person_id)
        .outerjoin(work, work.c.case_id == cases.c.id)
        .outerjoin(relation, relation.c.case_id == cases.c.id)
        .where(people.c.is_party_member.is_(True)).order_by(cases.c.id)
    ).all()
    now = datetime.now(UTC).replace(tzinfo=None)
    values = [{**_derived(row), 'is_current': True, 'source': 'migration', 'recorded_at': now} for row in rows]
    for start in range(0, len(values), BATCH):
        bind.execute(records.insert(), values[start:start + BATCH])


def _derived(row):
    """long when they moved out to work elsewhere or a mobile branch keeps them; else local."""
    city = (row.work_city or '').strip() or (row.city if row.kind in MOBILE_UNIT_KINDS else None)
    if row.moved_out_at is not None and (city or row.kind in MOBILE_UNIT_KINDS):
        return {'case_id': row.id, 'situation': 'long', 'since': (row.moved_out_at + SHANGHAI).date(),
                'dest_province': None, 'dest_city': city}
    return {'case_id': row.id, 'situation': 'local', 'since': (row.created_at + SHANGHAI).date(),
            'dest_province': None, 'dest_city': None}


def downgrade():
    with op.batch_alter_table('activity_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_certificates_expires_on'))
        batch_op.drop_index(batch_op.f('ix_activity_certificates_case_id'))
    op.drop_table('activity_certificates')
    with op.batch_alter_table('mobility_records', schema=None) as batch_op:
        batch_op.drop_index('ix_mobility_records_current_situation')
        batch_op.drop_index('ix_mobility_records_case_current')
    op.drop_table('mobility_records')

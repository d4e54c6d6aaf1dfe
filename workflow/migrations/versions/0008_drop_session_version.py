"""drop users.session_version: server-side sessions end logins, nothing reads it any more

A password change ends the user's other rows in user_sessions; the version in the cookie
was a second, older way to do the same and was checked on every request for nothing.

Revision ID: 0008_drop_session_version
Revises: 0007_scan_sources
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_drop_session_version"
down_revision = "0007_scan_sources"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))

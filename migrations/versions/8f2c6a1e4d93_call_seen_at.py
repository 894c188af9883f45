"""When the called speaker's page received the call.

A remote speaker's page says so as soon as it shows "you are live"; the chair's
console then knows the resident's page is open and connected, and can skip a
speaker whose page never showed it instead of waiting in silence.

Revision ID: 8f2c6a1e4d93
Revises: 5d1f0a6c3e87
Create Date: 2026-12-06 15:30:00

"""
import sqlalchemy as sa
from alembic import op

from app.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '8f2c6a1e4d93'
down_revision = '5d1f0a6c3e87'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('call_seen_at', UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.drop_column('call_seen_at')

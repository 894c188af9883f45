"""Speaker warnings: when the chair last warned a participant in the queue.

Some rule packs (California, Cal. Gov. Code §54957.95) allow removing a disruptive
participant only after a warning; the entry remembers the warning so the removal
can be checked, and the compliance log keeps each warning with its reason.

Revision ID: 4b2d7e91c0a5
Revises: 9c04f378676e
Create Date: 2026-11-22 08:10:00

"""
import sqlalchemy as sa
from alembic import op

from app.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '4b2d7e91c0a5'
down_revision = '9c04f378676e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warned_at', UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.drop_column('warned_at')

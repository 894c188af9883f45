"""When the chair hid the name a participant typed.

The resident's page says their name was hidden, and the console keeps staff from
giving the place a name again, after a reload too: until now only the compliance log
knew. Names hidden before this release are found there and marked (the log stays as
it is: it cannot be edited).

Revision ID: b7d9e1f3a5c2
Revises: f4a8c2e6b731
Create Date: 2026-12-07 20:30:00

"""
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from app.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'b7d9e1f3a5c2'
down_revision = 'f4a8c2e6b731'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_hidden_at', UTCDateTime(), nullable=True))
    bind = op.get_bind()
    entries = sa.table('live_queue_entries', sa.column('id', sa.Integer), sa.column('name_hidden_at', UTCDateTime()))
    hidden = bind.execute(sa.text(
        "SELECT data, recorded_at FROM compliance_entries WHERE tag = 'speaker:name_hidden' ORDER BY seq")).all()
    for data, recorded_at in hidden:
        data = json.loads(data) if isinstance(data, str) else data
        entry_id = (data or {}).get("entry_id")
        if isinstance(entry_id, int):
            at = datetime.fromisoformat(recorded_at)
            bind.execute(entries.update().where(entries.c.id == entry_id)
                         .values(name_hidden_at=at if at.tzinfo else at.replace(tzinfo=timezone.utc)))


def downgrade():
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.drop_column('name_hidden_at')

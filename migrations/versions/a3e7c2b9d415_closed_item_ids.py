"""The agenda items whose public comment has been held and closed.

A resident who signs up for such an item would be told their place is kept "for
when it opens", but it will not open again unless the chair reopens it: sign-ups
for it are refused, and the pages say the comment has closed.

Revision ID: a3e7c2b9d415
Revises: 8f2c6a1e4d93
Create Date: 2026-12-06 18:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a3e7c2b9d415'
down_revision = '8f2c6a1e4d93'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('live_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_item_ids', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('live_states', schema=None) as batch_op:
        batch_op.drop_column('closed_item_ids')

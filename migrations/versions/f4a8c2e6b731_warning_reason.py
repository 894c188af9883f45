"""What the chair's warning to a participant was for.

The resident's page tells the person warned what the warning is about, as it tells a
person removed why. Warnings given before this release have no reason stored here (the
compliance log holds it): their pages say only that a warning was given.

Revision ID: f4a8c2e6b731
Revises: e1f3a5c7b902
Create Date: 2026-12-07 12:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f4a8c2e6b731'
down_revision = 'e1f3a5c7b902'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warning_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.drop_column('warning_reason')

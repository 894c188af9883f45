"""Speaker numbers: each queue entry's number within its meeting (1, 2, 3… in
sign-up order), so an anonymous speaker is "Speaker 3", not the row's id.

Existing entries are numbered in the order they were added (their ids).

Revision ID: 7e3a5c1d9b24
Revises: 4b2d7e91c0a5
Create Date: 2026-12-06 07:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7e3a5c1d9b24'
down_revision = '4b2d7e91c0a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=True))
    op.execute("UPDATE live_queue_entries SET number = (SELECT count(*) FROM live_queue_entries AS earlier "
               "WHERE earlier.meeting_id = live_queue_entries.meeting_id AND earlier.id <= live_queue_entries.id)")
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.alter_column('number', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_live_queue_entries_meeting_id_number'),
                                          ['meeting_id', 'number'])


def downgrade():
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_live_queue_entries_meeting_id_number'), type_='unique')
        batch_op.drop_column('number')

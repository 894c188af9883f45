"""A turn whose time was never started keeps no seconds used (NULL), not 0.

0 now means a turn whose time was started and stopped within its first second: the
speaker had the floor and is counted as heard. Turns ended before this release with
0 were, as far as anyone can tell now, never started (the two were one value then),
so they keep that meaning.

Revision ID: e1f3a5c7b902
Revises: c6d8e2f4a197
Create Date: 2026-12-07 05:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1f3a5c7b902'
down_revision = 'c6d8e2f4a197'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE live_queue_entries SET used_seconds = NULL WHERE used_seconds = 0")


def downgrade():
    op.execute("UPDATE live_queue_entries SET used_seconds = 0 "
               "WHERE used_seconds IS NULL AND called_at IS NOT NULL AND finished_at IS NOT NULL")

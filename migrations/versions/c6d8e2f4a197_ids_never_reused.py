"""Agenda item and attachment ids are never given out twice, on SQLite too.

SQLite gives a new row the largest id in use plus one, so deleting the newest
item let the next item take its id. Posted agenda versions, queue places, the
compliance log and attachment links name items and files by id: the new item
would have been shown under the deleted one's title, and an old link could have
served a different file. AUTOINCREMENT makes SQLite remember the largest id ever
given, as PostgreSQL's sequences always do. On SQLite a table can only gain it by
being rebuilt; PostgreSQL has nothing to change.

Revision ID: c6d8e2f4a197
Revises: a3e7c2b9d415
Create Date: 2026-12-07 05:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c6d8e2f4a197'
down_revision = 'a3e7c2b9d415'
branch_labels = None
depends_on = None

# Tables whose rows Dais deletes while their ids live on in records.
TABLES = ("agenda_items", "attachments")


def _rebuild(autoincrement):
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        # The rebuilt table is filled with the old rows, ids included, which also
        # starts SQLite's counter at the largest of them.
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass


def upgrade():
    _rebuild(True)


def downgrade():
    _rebuild(False)

"""Agenda item and attachment ids are never given out twice, on SQLite too.

SQLite gives a new row the largest id in use plus one, so deleting the newest
item let the next item take its id. Posted agenda versions, queue places, the
compliance log and attachment links name items and files by id: the new item
would have been shown under the deleted one's title, and an old link could have
served a different file. AUTOINCREMENT makes SQLite remember the largest id ever
given, as PostgreSQL's sequences always do. On SQLite a table can only gain it by
being rebuilt; PostgreSQL has nothing to change. The counter starts past the ids the
records still name, so an item deleted before this migration is not reused either.

Revision ID: c6d8e2f4a197
Revises: a3e7c2b9d415
Create Date: 2026-12-07 05:00:00

"""
import json

import sqlalchemy as sa
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


def _ids_still_named(bind):
    """The largest item and attachment ids the records name: a newest item deleted
    before this migration is still listed by posted versions and queue places."""
    items = [bind.scalar(sa.text("SELECT max(item_id) FROM live_queue_entries")) or 0]
    files = [0]
    for (content,) in bind.execute(sa.text("SELECT content FROM agenda_versions")):
        content = json.loads(content) if isinstance(content, str) else content or {}
        for section in content.get("sections", []):
            for item in section.get("items", []):
                items.append(item.get("id") or 0)
                files.extend(a.get("id") or 0 for a in item.get("attachments", []))
    return {"agenda_items": max(items), "attachments": max(files)}


def upgrade():
    _rebuild(True)
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table, named in _ids_still_named(bind).items():
        # The counter starts past both the rows there are and the ids still named.
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
        bind.execute(sa.text(f"INSERT INTO sqlite_sequence (name, seq) "
                             f"SELECT :t, max(coalesce((SELECT max(id) FROM {table}), 0), :named)"),
                     {"t": table, "named": named})


def downgrade():
    _rebuild(False)

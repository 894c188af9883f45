"""The embedded database behaves like the production one where Dais relies on it."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.meetings.models import AgendaItem
from tests.factories import make_item, make_meeting


def _pragma(name):
    return db.session.connection().exec_driver_sql(f"PRAGMA {name}").scalar()


def test_sqlite_connections_enforce_foreign_keys_and_use_the_write_ahead_log(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's connection settings")
    assert _pragma("foreign_keys") == 1
    assert _pragma("journal_mode") == "wal"
    assert _pragma("synchronous") == 1  # NORMAL


def test_deleting_a_section_deletes_its_items_on_every_backend(app):
    meeting = make_meeting()
    item = make_item(meeting)
    section_id = item.section_id
    db.session.commit()
    # A plain DELETE, so only the database's ON DELETE rule can remove the item.
    db.session.execute(sa.text("DELETE FROM agenda_sections WHERE id = :id"), {"id": section_id})
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgendaItem)
                             .where(AgendaItem.section_id == section_id)) == 0

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


def test_a_row_lock_on_sqlite_makes_a_second_writer_wait_and_read_what_the_first_wrote(app, tmp_path):
    """SQLite ignores FOR UPDATE: `lock_row` takes the file's write lock instead, so a
    second connection (another process, in production) waits, then reads the first's
    commit, rather than both reading the same version and one change being lost."""
    import threading

    from app.core.db import lock_row, tune_sqlite
    from app.meetings.models import Meeting

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's stand-in for row locks")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'two-writers.db'}")
    tune_sqlite(engine)
    with engine.begin() as setup:
        setup.execute(sa.text("CREATE TABLE meetings (id INTEGER PRIMARY KEY, state_version INTEGER)"))
        setup.execute(sa.text("INSERT INTO meetings VALUES (1, 0)"))
    first_holds, versions = threading.Event(), []

    def bump(hold_first):
        session = sa.orm.Session(engine)
        try:
            with app.app_context():
                db.session.registry.set(session)  # this thread's session, on the file
                lock_row(Meeting, 1)
                version = session.execute(sa.text("SELECT state_version FROM meetings WHERE id = 1")).scalar()
                if hold_first:
                    first_holds.set()
                    threading.Event().wait(0.3)  # read, not yet written: the second writer arrives
                session.execute(sa.text("UPDATE meetings SET state_version = :v WHERE id = 1"), {"v": version + 1})
                session.commit()
                versions.append(version + 1)
        finally:
            session.close()

    first = threading.Thread(target=bump, args=(True,))
    first.start()
    first_holds.wait(5)
    second = threading.Thread(target=bump, args=(False,))
    second.start()
    first.join(10)
    second.join(10)
    assert versions == [1, 2]

"""The migrations build the schema the models describe, and can be undone."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from tests.factories import NOW
from tests.e2e.live_server import LiveServer, require_database


@pytest.fixture
def migrated(tmp_path):
    """A fresh database of the configured backend, upgraded by `flask db upgrade`."""
    require_database()
    with LiveServer(tmp_path, label="migrations") as server:
        server.migrate()
        engine = sa.create_engine(server.env["DATABASE_URL"].replace(
            "postgresql://", "postgresql+psycopg://", 1))
        try:
            yield server, engine
        finally:
            engine.dispose()


def insert_meeting(conn):
    """A body and a meeting, by Core inserts (the models' column defaults fill in the rest)."""
    tables = db.metadata.tables
    body_id = conn.execute(tables["bodies"].insert().values(
        slug="b", name="B", timezone="UTC", rule_pack="generic", agenda_template=[],
        created_at=NOW)).inserted_primary_key[0]
    return conn.execute(tables["meetings"].insert().values(
        body_id=body_id, title="M", start_at=NOW, created_at=NOW, revised_at=NOW)).inserted_primary_key[0]


def insert_section(conn, meeting_id):
    return conn.execute(db.metadata.tables["agenda_sections"].insert().values(
        meeting_id=meeting_id, title="Business", kind="business")).inserted_primary_key[0]


def insert_item(conn, meeting_id, section_id, title):
    return conn.execute(db.metadata.tables["agenda_items"].insert().values(
        meeting_id=meeting_id, section_id=section_id, title=title)).inserted_primary_key[0]


def insert_file(conn, item_id, filename):
    return conn.execute(db.metadata.tables["attachments"].insert().values(
        item_id=item_id, filename=filename, sha256="0" * 64, size_bytes=1, page_count=1,
        uploaded_at=NOW)).inserted_primary_key[0]


def schema_differences(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_builds_exactly_the_models_schema(app, migrated):
    _, engine = migrated
    tables = set(sa.inspect(engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert schema_differences(engine) == []


def test_downgrade_to_base_removes_everything(app, migrated):
    server, engine = migrated
    server.flask("db", "downgrade", "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            assert conn.scalar(sa.text(
                "SELECT count(*) FROM pg_proc WHERE proname = 'compliance_entries_insert_only'")) == 0
    server.migrate()  # and back up again from nothing
    assert schema_differences(engine) == []


def test_postgresql_trigger_refuses_update_and_delete(app, migrated):
    _, engine = migrated
    if engine.dialect.name != "postgresql":
        pytest.skip("the insert-only trigger is PostgreSQL's; SQLite relies on the hash chain")
    with engine.begin() as conn:
        assert conn.scalar(sa.text(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'compliance_entries_insert_only'")) == 1
        # Core inserts fill in the models' column defaults, so only required values are given.
        tables = db.metadata.tables
        meeting_id = insert_meeting(conn)
        conn.execute(tables["compliance_entries"].insert().values(
            meeting_id=meeting_id, seq=1, prev_hash="0" * 64, hash="a" * 64,
            recorded_at="2026-03-02T17:00:00Z", actor="system", tag="meeting:created", data={}))
    for statement in ("UPDATE compliance_entries SET actor = 'someone else'",
                      "DELETE FROM compliance_entries"):
        with pytest.raises(sa.exc.DBAPIError, match="insert-only"):
            with engine.begin() as conn:
                conn.execute(sa.text(statement))
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT actor FROM compliance_entries")) == "system"


def test_rebuilding_a_table_leaves_the_rows_that_refer_to_it_alone(app, migrated):
    """On SQLite a batch migration copies the table and drops the old one; with
    foreign keys enforced that drop must not reach the rows that refer to it."""
    server, engine = migrated
    tables = db.metadata.tables
    with engine.begin() as conn:
        meeting_id = insert_meeting(conn)
        entry_id = conn.execute(tables["live_queue_entries"].insert().values(
            meeting_id=meeting_id, number=1, channel="remote", status="speaking",
            signed_up_at=NOW)).inserted_primary_key[0]
        conn.execute(tables["live_states"].insert().values(meeting_id=meeting_id, speaker_entry_id=entry_id))
    # The later migrations rebuild live_queue_entries both ways on SQLite.
    server.flask("db", "downgrade", "9c04f378676e")
    server.migrate()
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT speaker_entry_id FROM live_states")) == entry_id
        assert conn.scalar(sa.text("SELECT count(*) FROM live_queue_entries")) == 1
        # Speaker numbers are given to the entries that were there before them.
        assert conn.scalar(sa.text("SELECT number FROM live_queue_entries")) == 1


def test_ids_of_deleted_items_and_attachments_are_not_given_out_again(app, migrated):
    """SQLite reuses the largest id once its row is gone unless the table says
    AUTOINCREMENT; rows made before the migration keep their ids."""
    server, engine = migrated
    server.flask("db", "downgrade", "a3e7c2b9d415")
    with engine.begin() as conn:
        meeting_id = insert_meeting(conn)
        section_id = insert_section(conn, meeting_id)
        item_ids = [insert_item(conn, meeting_id, section_id, title) for title in ("kept", "deleted")]
        file_ids = [insert_file(conn, item_ids[0], name) for name in ("kept.pdf", "deleted.pdf")]
    server.migrate()
    with engine.begin() as conn:
        assert conn.scalar(sa.text("SELECT title FROM agenda_items WHERE id = :id"), {"id": item_ids[0]}) == "kept"
        conn.execute(sa.text("DELETE FROM attachments WHERE id = :id"), {"id": file_ids[1]})
        conn.execute(sa.text("DELETE FROM agenda_items WHERE id = :id"), {"id": item_ids[1]})
        new_item = insert_item(conn, meeting_id, section_id, "new")
        new_file = insert_file(conn, item_ids[0], "new.pdf")
    assert new_item > item_ids[1] and new_file > file_ids[1]


def test_ids_deleted_before_the_migration_but_still_named_are_not_given_out(app, migrated):
    """The newest item (and its file) deleted before AUTOINCREMENT: a posted version
    still lists them, so the counter starts past them."""
    server, engine = migrated
    tables = db.metadata.tables
    server.flask("db", "downgrade", "a3e7c2b9d415")
    with engine.begin() as conn:
        meeting_id = insert_meeting(conn)
        section_id = insert_section(conn, meeting_id)
        item_id = insert_item(conn, meeting_id, section_id, "Posted, then deleted")
        file_id = insert_file(conn, item_id, "report.pdf")
        conn.execute(tables["agenda_versions"].insert().values(
            meeting_id=meeting_id, number=1, content_hash="0" * 64, posted_at=NOW,
            content={"sections": [{"id": section_id, "items": [
                {"id": item_id, "attachments": [{"id": file_id}]}]}]}))
        conn.execute(sa.text("DELETE FROM attachments"))
        conn.execute(sa.text("DELETE FROM agenda_items"))
    server.migrate()
    with engine.begin() as conn:
        new_item = insert_item(conn, meeting_id, section_id, "New")
        new_file = insert_file(conn, new_item, "new.pdf")
    assert new_item > item_id and new_file > file_id


def test_turns_ended_before_their_time_started_keep_that_meaning(app, migrated):
    """0 seconds used meant "never started" before 0 and None were told apart."""
    server, engine = migrated
    tables = db.metadata.tables
    server.flask("db", "downgrade", "c6d8e2f4a197")
    with engine.begin() as conn:
        meeting_id = insert_meeting(conn)
        for number, used in ((1, 0), (2, 45)):
            conn.execute(tables["live_queue_entries"].insert().values(
                meeting_id=meeting_id, number=number, channel="remote", status="done", signed_up_at=NOW,
                called_at=NOW, finished_at=NOW, used_seconds=used))
    server.migrate()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT number, used_seconds FROM live_queue_entries ORDER BY number")).all() \
            == [(1, None), (2, 45)]


def test_names_hidden_before_the_column_are_found_in_the_log(app, migrated):
    """Until the column, only the log said a name was hidden: the migration marks those
    places from it, at the moment it was hidden, and no others."""
    server, engine = migrated
    tables = db.metadata.tables
    server.flask("db", "downgrade", "f4a8c2e6b731")
    with engine.begin() as conn:
        meeting_id = insert_meeting(conn)
        ids = [conn.execute(tables["live_queue_entries"].insert().values(
            meeting_id=meeting_id, number=number, channel="remote", status="waiting",
            signed_up_at=NOW)).inserted_primary_key[0] for number in (1, 2)]
        conn.execute(tables["compliance_entries"].insert().values(
            meeting_id=meeting_id, seq=1, prev_hash="0" * 64, hash="1" * 64, recorded_at="2026-12-07T19:05:00+00:00",
            actor="user:1", tag="speaker:name_hidden", data={"entry_id": ids[0], "reason": "Impersonates staff"}))
    server.migrate()
    with engine.connect() as conn:
        hidden = dict(conn.execute(sa.select(tables["live_queue_entries"].c.id,
                                             tables["live_queue_entries"].c.name_hidden_at)).all())
    assert hidden[ids[1]] is None
    assert hidden[ids[0]].isoformat() == "2026-12-07T19:05:00+00:00"

"""Tampering with the compliance log directly in the database is detected.

Each test edits, deletes, inserts or reorders rows with plain SQL, as someone with
database access would, then shows that `flask compliance verify` exits non-zero
naming the first bad entry and that the public API reports verified=false.

On PostgreSQL the insert-only trigger refuses UPDATE and DELETE, so the tamper
tests first disable it, as only a database superuser or the table owner could.
"""
import json
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app.compliance import chain
from app.compliance.services import record
from app.compliance.tags import Tag
from app.extensions import db
from app.meetings.models import MeetingStatus
from app.meetings.publishing import publish_agenda
from tests.factories import NOW, make_item, make_meeting, make_user

TRIGGER = "compliance_entries_insert_only"


def is_postgres():
    return db.engine.dialect.name == "postgresql"


@contextmanager
def trigger_disabled():
    """Act as a superuser: switch the insert-only trigger off, and always back on."""
    if not is_postgres():
        yield
        return
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"ALTER TABLE compliance_entries DISABLE TRIGGER {TRIGGER}"))
    try:
        yield
    finally:
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"ALTER TABLE compliance_entries ENABLE TRIGGER {TRIGGER}"))


def sql(statement, **params):
    with db.engine.begin() as conn:
        return conn.execute(sa.text(statement), params)


@pytest.fixture
def logged_meeting(app):
    """A published meeting with six log entries (seq 1..6), committed."""
    clerk = make_user("clerk")
    meeting = make_meeting()
    make_item(meeting, title="Adopt the budget")
    publish_agenda(meeting, actor=clerk, now=NOW)                     # seq 1, 2, 3
    record(meeting, Tag.COMMENT_OPENED, {"item": 1}, actor=clerk, now=NOW)     # seq 4
    record(meeting, Tag.SPEAKER_CALLED, {"entry": 7}, actor=clerk, now=NOW)    # seq 5
    record(meeting, Tag.COMMENT_CLOSED, {"item": 1}, actor=clerk, now=NOW)     # seq 6
    db.session.commit()
    meeting_id = meeting.id
    db.session.expunge_all()
    return meeting_id


def verify_cli(runner, meeting_id=None):
    args = ["compliance", "verify"] + (["--meeting", str(meeting_id)] if meeting_id else [])
    return runner.invoke(args=args)


def api_report(client, meeting_id):
    response = client.get(f"/api/v1/meetings/{meeting_id}/compliance")
    assert response.status_code == 200
    return response.get_json()


def assert_tampered(runner, client, meeting_id, seq):
    result = verify_cli(runner)
    assert result.exit_code != 0, result.output
    assert f"meeting {meeting_id}: TAMPERED at entry seq={seq}" in result.output
    result = verify_cli(runner, meeting_id)
    assert result.exit_code != 0
    report = api_report(client, meeting_id)
    assert report["verified"] is False
    assert report["problem"].startswith(f"entry seq={seq}")


def test_untouched_log_verifies(runner, client, logged_meeting):
    result = verify_cli(runner)
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    report = api_report(client, logged_meeting)
    assert report["verified"] is True and report["problem"] is None
    assert [e["seq"] for e in report["entries"]] == [1, 2, 3, 4, 5, 6]


def test_edited_data_is_detected(runner, client, logged_meeting):
    with trigger_disabled():
        sql("UPDATE compliance_entries SET data = :data WHERE meeting_id = :m AND seq = 4",
            data='{"item": 2}', m=logged_meeting)
    assert_tampered(runner, client, logged_meeting, 4)


def test_edited_actor_or_time_is_detected(runner, client, logged_meeting):
    with trigger_disabled():
        sql("UPDATE compliance_entries SET recorded_at = :at WHERE meeting_id = :m AND seq = 3",
            at="2026-02-01T17:00:00.000000+00:00", m=logged_meeting)
    assert_tampered(runner, client, logged_meeting, 3)


def test_edit_with_a_recomputed_hash_breaks_the_next_link(runner, client, logged_meeting):
    """A forger who rehashes the edited entry is still caught by the next entry's prev_hash."""
    row = sql("SELECT * FROM compliance_entries WHERE meeting_id = :m AND seq = 2",
              m=logged_meeting).mappings().one()
    forged = {**row, "actor": "user:999:someone@example.gov"}
    # SQLite hands JSON columns back as text through plain SQL; PostgreSQL as a dict.
    forged["data"] = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"])
    new_hash = chain.entry_hash(forged)
    with trigger_disabled():
        sql("UPDATE compliance_entries SET actor = :actor, hash = :hash WHERE id = :id",
            actor=forged["actor"], hash=new_hash, id=row["id"])
    assert_tampered(runner, client, logged_meeting, 3)


def test_deleted_entry_is_detected(runner, client, logged_meeting):
    with trigger_disabled():
        sql("DELETE FROM compliance_entries WHERE meeting_id = :m AND seq = 3", m=logged_meeting)
    assert_tampered(runner, client, logged_meeting, 4)


def test_deleted_first_entry_is_detected(runner, client, logged_meeting):
    with trigger_disabled():
        sql("DELETE FROM compliance_entries WHERE meeting_id = :m AND seq = 1", m=logged_meeting)
    assert_tampered(runner, client, logged_meeting, 2)


def test_inserted_entry_is_detected(runner, client, logged_meeting):
    """Make room at seq 4 and slip in a well-formed entry chained to seq 3."""
    previous = sql("SELECT hash FROM compliance_entries WHERE meeting_id = :m AND seq = 3",
                   m=logged_meeting).scalar_one()
    fields = {"meeting_id": logged_meeting, "seq": 4, "prev_hash": previous,
              "recorded_at": "2026-03-02T17:00:00.000000+00:00", "actor": "user:1:x@example.gov",
              "tag": "comment:closed", "data": {"forged": True}}
    with trigger_disabled():
        # Shift later entries up one place (via negative numbers to dodge the unique key).
        sql("UPDATE compliance_entries SET seq = -seq - 1 WHERE meeting_id = :m AND seq >= 4", m=logged_meeting)
        sql("UPDATE compliance_entries SET seq = -seq WHERE meeting_id = :m AND seq < 0", m=logged_meeting)
        sql("INSERT INTO compliance_entries (meeting_id, seq, prev_hash, hash, recorded_at, actor, tag, data) "
            "VALUES (:meeting_id, :seq, :prev_hash, :hash, :recorded_at, :actor, :tag, :data)",
            **{**fields, "hash": chain.entry_hash(fields), "data": '{"forged": true}'})
    # The forged entry itself is consistent; the original seq 4 (now 5) is where it breaks.
    assert_tampered(runner, client, logged_meeting, 5)


def test_reordered_entries_are_detected(runner, client, logged_meeting):
    with trigger_disabled():
        sql("UPDATE compliance_entries SET seq = -1 WHERE meeting_id = :m AND seq = 4", m=logged_meeting)
        sql("UPDATE compliance_entries SET seq = 4 WHERE meeting_id = :m AND seq = 5", m=logged_meeting)
        sql("UPDATE compliance_entries SET seq = 5 WHERE meeting_id = :m AND seq = -1", m=logged_meeting)
    assert_tampered(runner, client, logged_meeting, 4)


def test_entry_moved_to_another_meeting_is_detected(runner, client, logged_meeting):
    other = make_meeting(status=MeetingStatus.PUBLISHED)
    db.session.commit()
    with trigger_disabled():
        sql("UPDATE compliance_entries SET meeting_id = :other WHERE meeting_id = :m AND seq = 6",
            other=other.id, m=logged_meeting)
    result = verify_cli(runner)
    assert result.exit_code != 0
    assert api_report(client, other.id)["verified"] is False


def test_verify_names_an_unknown_meeting(runner, logged_meeting):
    result = verify_cli(runner, 999999)
    assert result.exit_code != 0 and "999999" in result.output


def test_postgres_trigger_refuses_update_and_delete(app, logged_meeting):
    if not is_postgres():
        pytest.skip("the insert-only trigger exists on PostgreSQL only")
    for statement in ("UPDATE compliance_entries SET actor = 'x' WHERE meeting_id = :m",
                      "DELETE FROM compliance_entries WHERE meeting_id = :m"):
        with pytest.raises(sa.exc.DBAPIError) as caught:
            sql(statement, m=logged_meeting)
        assert "insert-only" in str(caught.value)
    count = sql("SELECT count(*) FROM compliance_entries WHERE meeting_id = :m", m=logged_meeting).scalar_one()
    assert count == 6

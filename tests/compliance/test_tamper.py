"""Tampering with the compliance log directly in the database is detected.

Each test edits, deletes, inserts or reorders rows with plain SQL, as someone with
database access would, then shows that `flask compliance verify` exits non-zero
naming the first bad entry and that the public API reports verified=false. The
exported file is checked the same way (`verify --file`), and an earlier export finds
what the chain alone cannot: entries removed from its end.

On PostgreSQL the insert-only trigger refuses UPDATE and DELETE, so the tamper
tests first disable it, as only a database superuser or the table owner could.
"""
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.compliance import chain
from app.compliance.services import record
from app.compliance.tags import Tag
from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.publishing import publish_agenda
from tests.conftest import _clear_tables
from tests.factories import NOW, make_item, make_meeting, make_user

TRIGGER = "compliance_entries_insert_only"
ROOT = Path(__file__).resolve().parents[2]


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


# -- an exported file: `flask compliance verify --file` --------------------------------
def export_to(client, tmp_path, meeting_id, name="export.json"):
    path = tmp_path / name
    path.write_bytes(client.get(f"/api/v1/meetings/{meeting_id}/compliance").data)
    return path


def verify_file(runner, path, *extra):
    return runner.invoke(args=["compliance", "verify", "--file", str(path), *extra])


def rewrite(path, change):
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def test_an_untouched_export_verifies_and_the_database_still_holds_it(runner, client, tmp_path, logged_meeting):
    path = export_to(client, tmp_path, logged_meeting)
    result = verify_file(runner, path)
    assert result.exit_code == 0, result.output
    last = json.loads(path.read_text())["entries"][-1]["hash"]
    assert f"OK: {path}: the exported log of meeting {logged_meeting} verified, 6 entries" in result.output
    assert f"its last entry is seq 6, hash {last}" in result.output
    assert f"this database's log of meeting {logged_meeting} still holds every entry of the export, " \
           "unchanged, and 0 entries recorded since" in result.output


def test_an_earlier_export_is_held_by_a_log_that_went_on(runner, client, tmp_path, logged_meeting):
    path = export_to(client, tmp_path, logged_meeting)
    meeting = db.session.get(Meeting, logged_meeting)
    record(meeting, Tag.COMMENT_OPENED, {"item": 2}, actor="system", now=NOW)
    db.session.commit()
    result = verify_file(runner, path)
    assert result.exit_code == 0, result.output
    assert "and 1 entries recorded since" in result.output


@pytest.mark.parametrize("change, seq", [
    (lambda d: d["entries"][3]["data"].update(item=2), 4),                      # edited
    (lambda d: d["entries"].pop(2), 4),                                           # deleted
    (lambda d: d["entries"].insert(1, dict(d["entries"][1])), 2),                 # duplicated
    (lambda d: d["entries"][0].update(recorded_at="2026-01-01T00:00:00.000000+00:00"), 1),
    (lambda d: d["entries"][4].pop("hash"), 5),                                   # a field lost
    (lambda d: d.update(meeting_id=d["meeting_id"] + 1), 1),                       # relabelled
])
def test_a_tampered_export_is_named_at_its_first_bad_entry(runner, client, tmp_path, logged_meeting, change, seq):
    path = export_to(client, tmp_path, logged_meeting)
    rewrite(path, change)
    result = verify_file(runner, path)
    assert result.exit_code == 1, result.output
    assert f"TAMPERED at entry seq={seq}:" in result.output
    assert "OK" not in result.output


def test_the_export_s_own_verdict_is_not_trusted(runner, client, tmp_path, logged_meeting):
    path = export_to(client, tmp_path, logged_meeting)
    rewrite(path, lambda d: (d["entries"][1].update(actor="someone"), d.update(verified=True)))
    assert verify_file(runner, path).exit_code == 1


def test_a_removed_tail_is_found_against_an_earlier_export(runner, client, tmp_path, logged_meeting):
    """The database's chain alone cannot show it: what is left still links up."""
    path = export_to(client, tmp_path, logged_meeting)
    with trigger_disabled():
        sql("DELETE FROM compliance_entries WHERE meeting_id = :m AND seq >= 5", m=logged_meeting)
    assert verify_cli(runner, logged_meeting).exit_code == 0
    result = verify_file(runner, path)
    assert result.exit_code == 1, result.output
    assert f"meeting {logged_meeting}: this database's log no longer holds the export: entry seq=5: missing: " \
           "the log ends at seq 4 but the export goes on to seq 6; entries were removed from its end" in result.output


def test_a_rewritten_tail_is_found_against_an_earlier_export(runner, client, tmp_path, logged_meeting):
    """Someone with the database replaces seq 6 by a well-formed entry of their own."""
    path = export_to(client, tmp_path, logged_meeting)
    previous = sql("SELECT hash FROM compliance_entries WHERE meeting_id = :m AND seq = 5",
                   m=logged_meeting).scalar_one()
    fields = {"meeting_id": logged_meeting, "seq": 6, "prev_hash": previous,
              "recorded_at": "2026-03-02T17:00:00.000000+00:00", "actor": "user:1:x@example.gov",
              "tag": "comment:closed", "data": {"item": 2}}
    with trigger_disabled():
        sql("DELETE FROM compliance_entries WHERE meeting_id = :m AND seq = 6", m=logged_meeting)
        sql("INSERT INTO compliance_entries (meeting_id, seq, prev_hash, hash, recorded_at, actor, tag, data) "
            "VALUES (:meeting_id, :seq, :prev_hash, :hash, :recorded_at, :actor, :tag, :data)",
            **{**fields, "hash": chain.entry_hash(fields), "data": '{"item": 2}'})
    assert verify_cli(runner, logged_meeting).exit_code == 0
    result = verify_file(runner, path)
    assert result.exit_code == 1, result.output
    assert "no longer holds the export: entry seq=6: differs from the export's entry" in result.output


def test_a_database_log_tampered_inside_is_named_as_such(runner, client, tmp_path, logged_meeting):
    path = export_to(client, tmp_path, logged_meeting)
    with trigger_disabled():
        sql("UPDATE compliance_entries SET actor = 'x' WHERE meeting_id = :m AND seq = 2", m=logged_meeting)
    result = verify_file(runner, path)
    assert result.exit_code == 1
    assert f"meeting {logged_meeting}: TAMPERED at entry seq=2" in result.output
    assert "(in this database)" in result.output


def test_an_export_of_a_meeting_this_database_lacks_is_checked_alone(runner, client, tmp_path, logged_meeting):
    path = export_to(client, tmp_path, logged_meeting)
    result = verify_file(runner, path, "--no-database")
    assert result.exit_code == 0, result.output
    assert "verified, 6 entries" in result.output
    assert "this database's log" not in result.output and "Not compared" not in result.output
    db.session.rollback()  # the command's reads share the test's session: end them before TRUNCATE
    _clear_tables()
    result = verify_file(runner, path)
    assert result.exit_code == 0, result.output
    assert f"Not compared with a database: this installation holds no meeting {logged_meeting}." in result.output


def test_an_export_is_checked_without_any_database_tables(client, tmp_path, logged_meeting):
    """An auditor's fresh copy of Dais: the command starts on an empty SQLite file, checks
    the export, and says it compared nothing (run as a real command: an app context of the
    test's own app would otherwise be reused)."""
    path = export_to(client, tmp_path, logged_meeting)
    env = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DAIS_INSTANCE_DIR=str(tmp_path / "auditor"), SOCKETIO_ASYNC_MODE="threading")
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "compliance", "verify", "--file", str(path)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified, 6 entries" in result.stdout
    assert "Not compared with a database: this installation's database could not be read " \
           "(no such table" in result.stdout


def test_an_export_can_come_on_standard_input(runner, client, logged_meeting):
    export = client.get(f"/api/v1/meetings/{logged_meeting}/compliance").data
    result = runner.invoke(args=["compliance", "verify", "--file", "-"], input=export)
    assert result.exit_code == 0, result.output
    assert "OK: <stdin>: the exported log" in result.output


@pytest.mark.parametrize("content, message", [
    (b"<html>not json</html>", "is not a JSON document"),
    (b"\xff\xfe\x00", "is not a JSON document"),
    (b"[" * 100000, "is not a JSON document"),
    (b'{"entries": []}', "not an export of a meeting's compliance log"),
    (b'{"meeting_id": 1, "entries": [1]}', "entry at position 0 is not an object"),
])
def test_a_file_that_is_no_export_is_refused_saying_why(runner, tmp_path, content, message):
    path = tmp_path / "export.json"
    path.write_bytes(content)
    result = verify_file(runner, path)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("args, message", [
    (["--file", "-", "--meeting", "1"], "--meeting and --file cannot be combined"),
    (["--no-database"], "--no-database goes with --file"),
    (["--file", "/no/such/export.json"], "No such file or directory"),
])
def test_verify_refuses_options_that_do_not_go_together(runner, args, message):
    result = runner.invoke(args=["compliance", "verify", *args], input="{}")
    assert result.exit_code == 2 and message in result.output

"""The remote-access watcher against the real Dais server (`python wsgi.py`) over real HTTP.

The watcher runs here, in the test process, on the server's own database, exactly as
the packet worker runs it: it knocks on the server's Engine.IO handshake and the
meeting's comment page. Pointed at a closed port, or with the server stopped, it
records remote access down after two failed rounds and restored once the server
answers again; a clerk's own report stays until the clerk restores it.
"""
import json
import urllib.request

import pytest
import sqlalchemy as sa

from app import create_app
from app.accounts.services import issue_token
from app.compliance.models import ComplianceEntry
from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from app.minutes import services
from app.minutes.access_watcher import AccessWatcher
from config import TestConfig, normalise_database_url
from tests.e2e.live_server import LiveServer, free_port, require_database
from tests.factories import NOW, make_body, make_meeting, make_user


@pytest.fixture
def server(tmp_path):
    require_database()
    with LiveServer(tmp_path / "server", label="access_watch") as server:
        server.migrate()
        server.start()
        yield server


@pytest.fixture
def world(server, tmp_path):
    """An app on the server's database, with a meeting in progress and its clerk's API token."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=normalise_database_url(server.database_url),
                     INSTANCE_DIR=tmp_path / "watcher")
    with app.app_context():
        body = make_body(slug="city-council")
        meeting = make_meeting(body, status=MeetingStatus.IN_PROGRESS, start_at=NOW)
        clerk = make_user("clerk", body=body)
        token = issue_token(clerk, now=NOW, label="e2e")
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    yield app, meeting_id, token
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def record(app, meeting_id):
    """(tag, actor) of the meeting's remote-access log entries, and whether access is down now."""
    with app.app_context():
        try:
            entries = [(e.tag, e.actor) for e in db.session.scalars(
                sa.select(ComplianceEntry).where(ComplianceEntry.meeting_id == meeting_id,
                                                 ComplianceEntry.tag.like("remote_access:%"))
                .order_by(ComplianceEntry.seq))]
            return entries, services.is_remote_access_down(db.session.get(Meeting, meeting_id))
        finally:
            db.session.remove()


def last_note(app, meeting_id):
    with app.app_context():
        try:
            return db.session.scalars(sa.select(ComplianceEntry.data).where(
                ComplianceEntry.meeting_id == meeting_id).order_by(ComplianceEntry.seq.desc()).limit(1)).one()
        finally:
            db.session.remove()


def actions(watcher, rounds):
    return [[d.action for d in watcher.check_once()] for _ in range(rounds)]


DOWN, RESTORED = "remote_access_down", "remote_access_restored"


def test_the_watcher_sees_the_real_server_go_away_and_come_back(server, world):
    app, meeting_id, _token = world
    watcher = AccessWatcher(app, base_url=server.url, failures_needed=2, timeout=3)

    # The real server answers both checks: nothing to report.
    assert actions(watcher, 3) == [[], [], []]
    assert record(app, meeting_id) == ([], False)

    # A closed port: down after two failed rounds, by "system", naming the handshake.
    closed = f"http://127.0.0.1:{free_port()}"
    watcher.base_url = closed
    assert actions(watcher, 3) == [[], [DOWN], []]
    assert record(app, meeting_id) == ([("remote_access:down", "system")], True)
    data = last_note(app, meeting_id)
    assert data["check"] == "engineio_handshake" and data["automatic"] is True
    assert f"{closed}/socket.io/?EIO=4&transport=polling could not be reached" in data["note"]

    # Pointed at the server again, the first passing round restores.
    watcher.base_url = server.url
    assert actions(watcher, 2) == [[RESTORED], []]
    assert record(app, meeting_id)[1] is False

    # The server itself stops: the same, and restored once it is started again on its port.
    server.stop()
    assert actions(watcher, 2) == [[], [DOWN]]
    assert record(app, meeting_id)[1] is True
    server.start()
    assert actions(watcher, 1) == [[RESTORED]]
    entries, down = record(app, meeting_id)
    assert not down and entries == [("remote_access:down", "system"), ("remote_access:restored", "system")] * 2


def test_a_clerks_report_on_the_real_server_is_not_cleared(server, world):
    app, meeting_id, token = world
    request = urllib.request.Request(
        f"{server.url}/api/v1/meetings/{meeting_id}/proceedings", method="POST",
        data=json.dumps({"action": "remote_access_down", "note": "The webinar host dropped."}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and json.load(response)["remote_access_down"] is True

    watcher = AccessWatcher(app, base_url=server.url, failures_needed=2, timeout=3)
    assert actions(watcher, 3) == [[], [], []]
    entries, down = record(app, meeting_id)
    assert down and len(entries) == 1
    tag, actor = entries[0]
    assert tag == "remote_access:down" and actor.startswith("user:") and actor.endswith("@example.gov")

"""The remote-access watcher in the app: what it records, what it leaves alone, what it broadcasts,
and its two HTTP checks against a stub server. The real Dais server is checked in
tests/e2e/test_remote_access_watch.py."""
import http.server
import threading
import time

import pytest
import sqlalchemy as sa

from app.compliance.models import ComplianceEntry
from app.core.errors import InvalidState
from app.core.time import utcnow
from app.extensions import db, socketio
from app.meetings.models import Meeting, MeetingStatus
from app.minutes import access_probe, services
from app.minutes.access_probe import Failure
from app.minutes.access_watcher import AccessWatcher, start_watching
from app.minutes.models import EventKind, ProceedingsEvent
from tests.factories import make_meeting
from tests.minutes.helpers import act, all_present, comment_period, move, vote

HANDSHAKE_DOWN = Failure(access_probe.ENGINEIO, "the public comment service handshake at "
                                                "http://127.0.0.1:9/socket.io/?EIO=4&transport=polling "
                                                "could not be reached (connection refused)")


class FakeChecks:
    """Stands in for the network: what the next checks answer, and how many were made."""

    def __init__(self, monkeypatch):
        self.engineio = None
        self.pages = {}
        self.calls = 0
        monkeypatch.setattr(access_probe, "check_engineio", self.check_engineio)
        monkeypatch.setattr(access_probe, "check_comment_page", self.check_comment_page)

    def check_engineio(self, base_url, *, timeout):
        self.calls += 1
        return self.engineio

    def check_comment_page(self, base_url, meeting_id, *, timeout):
        self.calls += 1
        return self.pages.get(meeting_id)


@pytest.fixture
def checks(monkeypatch):
    return FakeChecks(monkeypatch)


@pytest.fixture
def watcher(app):
    return AccessWatcher(app, base_url="http://127.0.0.1:9", failures_needed=2, timeout=1)


@pytest.fixture
def sitting(client, auth, meeting, members):
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    all_present(client, auth, meeting, members)
    return meeting


def remote_access_log(meeting):
    db.session.expire_all()
    return [(e.tag, e.actor, e.data) for e in db.session.scalars(
        sa.select(ComplianceEntry).where(ComplianceEntry.meeting_id == meeting.id,
                                         ComplianceEntry.tag.like("remote_access:%"))
        .order_by(ComplianceEntry.seq))]


def is_down(meeting):
    db.session.expire_all()
    return services.is_remote_access_down(db.session.get(Meeting, meeting.id))


def test_down_after_two_failed_rounds_by_system_naming_the_check(watcher, checks, sitting):
    checks.engineio = HANDSHAKE_DOWN
    assert watcher.check_once() == []
    assert not is_down(sitting)
    [decision] = watcher.check_once()
    assert decision.action == "remote_access_down"
    assert is_down(sitting)
    [(tag, actor, data)] = remote_access_log(sitting)
    assert (tag, actor) == ("remote_access:down", "system")
    assert data["automatic"] is True and data["check"] == "engineio_handshake"
    assert "socket.io/?EIO=4&transport=polling" in data["note"] and "could not be reached" in data["note"]
    event = db.session.scalars(sa.select(ProceedingsEvent).where(
        ProceedingsEvent.kind == EventKind.REMOTE_ACCESS_DOWN)).one()
    assert event.actor_id is None and event.note.startswith("Automatic check: the public comment service")
    # Further failures add nothing; the first passing round restores.
    assert watcher.check_once() == []
    checks.engineio = None
    [decision] = watcher.check_once()
    assert decision.action == "remote_access_restored" and not is_down(sitting)
    assert [(t, a) for t, a, _ in remote_access_log(sitting)] == [("remote_access:down", "system"),
                                                                  ("remote_access:restored", "system")]


def test_a_failing_comment_page_is_named_for_its_meeting_only(app, watcher, checks, sitting, body):
    other = make_meeting(body, status=MeetingStatus.IN_PROGRESS)
    db.session.commit()
    checks.pages[sitting.id] = Failure(access_probe.COMMENT_PAGE, f"the comment page "
                                                                  f"http://x/meetings/{sitting.id}/comment answered HTTP 502")
    watcher.check_once()
    [decision] = watcher.check_once()
    assert decision.meeting_id == sitting.id
    assert remote_access_log(sitting)[0][2]["check"] == "comment_page"
    assert "answered HTTP 502" in remote_access_log(sitting)[0][2]["note"]
    assert not is_down(other)


def test_the_watcher_never_clears_a_clerks_report(client, auth, watcher, checks, sitting):
    assert act(client, auth, sitting, "remote_access_down", note="The webinar host lost its connection.").status_code == 200
    for _ in range(3):
        assert watcher.check_once() == []
    assert is_down(sitting)
    assert [(t, a) for t, a, _ in remote_access_log(sitting)][-1][0] == "remote_access:down"
    # Even asked directly, the service refuses and changes nothing.
    meeting = db.session.get(Meeting, sitting.id)
    with pytest.raises(InvalidState, match="reported down by the clerk"):
        services.watcher_reports_restored(meeting, now=utcnow())
    db.session.rollback()
    assert is_down(sitting)
    # Once the clerk restores it, the watcher is back to counting from nothing.
    assert act(client, auth, sitting, "remote_access_restored").status_code == 200
    checks.engineio = HANDSHAKE_DOWN
    assert watcher.check_once() == []
    assert watcher.check_once()[0].action == "remote_access_down"


def test_the_clerk_may_restore_the_watchers_report(client, auth, watcher, checks, sitting):
    checks.engineio = HANDSHAKE_DOWN
    watcher.check_once()
    watcher.check_once()
    assert act(client, auth, sitting, "remote_access_restored").status_code == 200
    assert not is_down(sitting)


def test_the_watchers_report_holds_votes_like_the_clerks(client, auth, watcher, checks, sitting, members, item):
    comment_period(sitting, item)
    motion = move(client, auth, sitting, item, members)
    checks.engineio = HANDSHAKE_DOWN
    watcher.check_once()
    watcher.check_once()
    refused = vote(client, auth, motion["id"], {m.id: "aye" for m in members})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "remote_access_down"


def test_the_minutes_draft_shows_the_automatic_report(client, auth, watcher, checks, sitting):
    checks.engineio = HANDSHAKE_DOWN
    watcher.check_once()
    watcher.check_once()
    draft = client.get(f"/api/v1/meetings/{sitting.id}/minutes", headers=auth).json["draft"]
    assert "Remote public access was reported down at" in draft
    assert "Automatic check: the public comment service handshake" in draft


def test_nothing_is_checked_while_no_meeting_sits(watcher, checks, meeting):
    checks.engineio = HANDSHAKE_DOWN
    for _ in range(3):
        assert watcher.check_once() == []
    assert checks.calls == 0 and remote_access_log(meeting) == []


def test_a_recessed_meeting_is_watched_too(client, auth, watcher, checks, sitting):
    assert act(client, auth, sitting, "recess").status_code == 200
    checks.engineio = HANDSHAKE_DOWN
    watcher.check_once()
    assert watcher.check_once()[0].action == "remote_access_down"


def test_the_record_is_broadcast_to_the_meetings_consoles(app, watcher, checks, sitting):
    sock = socketio.test_client(app, namespace="/live", auth={"meeting": sitting.id})
    try:
        sock.get_received("/live")
        checks.engineio = HANDSHAKE_DOWN
        watcher.check_once()
        watcher.check_once()
        states = [m["args"][0] for m in sock.get_received("/live") if m["name"] == "state"]
        assert states and states[-1]["proceedings"]["remote_access_down"] is True
        assert states[-1]["version"] == db.session.get(Meeting, sitting.id).state_version
    finally:
        sock.disconnect("/live")


def test_the_watcher_thread_starts_only_when_switched_on(app, checks, sitting):
    app.config.update(REMOTE_ACCESS_WATCH=False)
    assert start_watching(app) is None
    app.config.update(REMOTE_ACCESS_WATCH=True, REMOTE_ACCESS_WATCH_INTERVAL=0.05,
                      REMOTE_ACCESS_WATCH_FAILURES=2, REMOTE_ACCESS_WATCH_URL="http://127.0.0.1:9")
    checks.engineio = HANDSHAKE_DOWN
    thread, stop = start_watching(app)
    try:
        deadline = time.monotonic() + 20
        while not is_down(sitting) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert is_down(sitting)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_bad_settings_are_refused(app):
    with pytest.raises(ValueError):
        AccessWatcher(app, base_url="http://127.0.0.1:9", failures_needed=0)
    app.config.update(REMOTE_ACCESS_WATCH=True, REMOTE_ACCESS_WATCH_INTERVAL=0)
    with pytest.raises(ValueError):
        start_watching(app)


# ---------------------------------------------------------------- the HTTP checks, against a stub

class Stub(http.server.BaseHTTPRequestHandler):
    answers = {}     # path prefix -> (status, body)
    posts = []

    def do_GET(self):  # noqa: N802 - http.server's name
        for prefix, (status, body) in self.answers.items():
            if self.path.startswith(prefix):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        self.send_error(404)

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        Stub.posts.append((self.path, self.rfile.read(length)))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def stub():
    Stub.answers, Stub.posts = {}, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


OPEN = b'0{"sid":"abc123","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000}'


def test_the_handshake_passes_with_an_open_packet_and_is_closed_after(stub):
    Stub.answers["/socket.io/"] = (200, OPEN)
    assert access_probe.check_engineio(stub, timeout=2) is None
    assert Stub.posts == [("/socket.io/?EIO=4&transport=polling&sid=abc123", b"1")]


@pytest.mark.parametrize("status, body, says", [
    (503, b"", "answered HTTP 503"),
    (200, b"<html>Maintenance</html>", "without an Engine.IO open packet"),
    (200, b'0{"upgrades": []}', "without an Engine.IO open packet"),
    (200, b"0not json", "without an Engine.IO open packet"),
    (404, b"", "answered HTTP 404"),
])
def test_the_handshake_fails_on_anything_else(stub, status, body, says):
    Stub.answers["/socket.io/"] = (status, body)
    failure = access_probe.check_engineio(stub, timeout=2)
    assert failure.check == "engineio_handshake" and says in failure.detail
    assert f"{stub}/socket.io/?EIO=4&transport=polling" in failure.detail


def test_a_closed_port_could_not_be_reached(stub):
    from tests.e2e.live_server import free_port

    closed = f"http://127.0.0.1:{free_port()}"
    failure = access_probe.check_engineio(closed, timeout=2)
    assert failure.check == "engineio_handshake" and "could not be reached" in failure.detail
    page = access_probe.check_comment_page(closed, 7, timeout=2)
    assert page.check == "comment_page" and f"{closed}/meetings/7/comment" in page.detail


def test_the_comment_page_must_answer_200(stub):
    Stub.answers["/meetings/7/comment"] = (200, b"<html>Comment</html>")
    Stub.answers["/meetings/8/comment"] = (500, b"")
    assert access_probe.check_comment_page(stub + "/", 7, timeout=2) is None
    failure = access_probe.check_comment_page(stub, 8, timeout=2)
    assert failure.check == "comment_page" and "answered HTTP 500" in failure.detail


def test_a_public_address_that_is_not_http_is_a_failure():
    failure = access_probe.check_engineio("ftp://meetings.example.gov", timeout=1)
    assert failure is not None and "not an http(s) address" in failure.detail

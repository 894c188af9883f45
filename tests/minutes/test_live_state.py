"""The /live `state` carries the proceedings summary: quorum, remote access down, closed session."""
from app.core.time import utcnow
from app.extensions import db
from app.live.services import public_state
from app.meetings.models import Meeting
from tests.minutes.helpers import act, attend
from tests.minutes.test_api import in_session


def state(meeting):
    db.session.expire_all()
    return public_state(db.session.get(Meeting, meeting.id), now=utcnow())


def test_public_state_reports_quorum_remote_access_and_closed_session(client, auth, meeting, members):
    before = state(meeting)
    assert before["proceedings"]["quorum"]["has_quorum"] is False
    assert before["proceedings"]["attendance_recorded"] is False  # the roll call is still to come
    assert {"queue", "comment", "speaker", "status"} <= set(before)  # the existing contract stays

    act(client, auth, meeting, "call_to_order")
    for member in members[:2]:
        attend(client, auth, meeting, member)
    attend(client, auth, meeting, members[2], mode="remote", remote_basis="Just cause: caregiving")
    now = state(meeting)["proceedings"]
    assert now["quorum"] == {"seats": 5, "needed": 3, "present": 3, "present_remote": 1, "has_quorum": True}
    assert now["attendance_recorded"] is True

    act(client, auth, meeting, "remote_access_down")
    assert state(meeting)["proceedings"]["remote_access_down"] is True
    act(client, auth, meeting, "remote_access_restored")
    assert state(meeting)["proceedings"]["remote_access_down"] is False
    assert state(meeting)["proceedings"]["in_closed_session"] is False


def test_the_console_page_carries_the_live_hooks(client, staff, clerk, auth, meeting, members):
    in_session(client, auth, meeting, members)
    staff.login(clerk)
    page = client.get(f"/staff/meetings/{meeting.id}/proceedings").text
    assert 'id="proceedings-live"' in page and "proceedings-live.js" in page


def test_a_report_from_the_console_form_reaches_the_live_consoles(app, client, staff, clerk, auth, meeting,
                                                                   members):
    from app.extensions import socketio
    from tests.conftest import csrf_from

    in_session(client, auth, meeting, members)
    sock = socketio.test_client(app, namespace="/live", auth={"meeting": meeting.id})
    try:
        sock.get_received("/live")
        staff.login(clerk)
        token = csrf_from(client.get(f"/staff/meetings/{meeting.id}/proceedings").text)
        response = client.post(f"/staff/meetings/{meeting.id}/proceedings",
                               data={"action": "remote_access_down", "csrf_token": token})
        assert response.status_code == 303
        sent = [m["args"][0] for m in sock.get_received("/live") if m["name"] == "state"]
        assert sent and sent[-1]["proceedings"]["remote_access_down"] is True
        # A refused action sends nothing.
        client.post(f"/staff/meetings/{meeting.id}/proceedings",
                    data={"action": "remote_access_down", "csrf_token": token})
        assert [m for m in sock.get_received("/live") if m["name"] == "state"] == []
    finally:
        sock.disconnect("/live")

"""Changes made outside the live queue that its pages show: a meeting's status, its
agenda, its body's comment settings. Each is a new state version, sent to the open
pages once committed, through the same routes a clerk uses."""
from datetime import timedelta

import pytest

from app.compliance.models import ComplianceEntry
from app.core.time import utcnow
from app.extensions import db, socketio
from app.live import services as live
from app.live.models import EntryStatus, QueueEntry
from app.meetings.models import Meeting, MeetingStatus
from tests.factories import make_item, make_meeting, make_token, make_user

NS = "/live"


@pytest.fixture
def meeting(app):
    """Published, so residents may already sign up, and its agenda may still be amended."""
    meeting = make_meeting(status=MeetingStatus.PUBLISHED)
    meeting.item = make_item(meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def clerk(meeting, staff):
    user = make_user(role="clerk", body=meeting.body)
    db.session.commit()
    return staff.token_headers(user)


@pytest.fixture
def display(app, meeting):
    sock = socketio.test_client(app, namespace=NS, auth={"meeting": meeting.id})
    [first] = _states(sock)
    sock.held = first
    yield sock
    if sock.is_connected(NS):
        sock.disconnect(NS)


def _states(sock):
    return [m["args"][0] for m in sock.get_received(NS) if m["name"] == "state"]


def _newer(sock):
    """The one state the page was sent since, which it takes: newer than what it held."""
    [state] = _states(sock)
    assert state["version"] > sock.held["version"]
    sock.held = state
    return state


@pytest.mark.parametrize("path, body, status", [
    ("cancel", {"reason": "Storm"}, "cancelled"),
    ("postpone", {"reason": "No quorum expected"}, "postponed"),
])
def test_cancelling_or_postponing_reaches_the_open_pages(client, meeting, clerk, display, path, body, status):
    response = client.post(f"/api/v1/meetings/{meeting.id}/{path}", headers=clerk, json=body)
    assert response.status_code == 200, response.text
    assert _newer(display)["status"] == status


def test_a_refused_status_change_sends_nothing(client, meeting, clerk, display):
    response = client.post(f"/api/v1/meetings/{meeting.id}/cancel", headers=clerk, json={"reason": ""})
    assert response.status_code == 422
    meeting.status = MeetingStatus.IN_PROGRESS  # under way: too late to cancel
    db.session.commit()
    response = client.post(f"/api/v1/meetings/{meeting.id}/cancel", headers=clerk, json={"reason": "Storm"})
    assert response.status_code == 409
    assert _states(display) == []


def test_a_new_speaking_order_reaches_the_open_pages_before_anyone_is_called(
        app, client, meeting, clerk, display, now):
    meeting.status = MeetingStatus.IN_PROGRESS
    chair = make_user(role="chair", body=meeting.body)
    db.session.commit()
    live.open_comment(meeting, item_id=meeting.item.id, actor=chair, now=now)
    remote, _ = live.join_queue(meeting, item_id=meeting.item.id, now=now)
    card = live.add_in_person(meeting, item_id=meeting.item.id, display_name="Card", actor=chair, now=now)
    db.session.commit()
    _states(display)
    display.held = display.emit("sync", {}, namespace=NS, callback=True)["state"]
    assert [e["entry_id"] for e in display.held["queue"]] == [remote.id, card.id]

    response = client.patch(f"/api/v1/bodies/{meeting.body.slug}", headers=clerk,
                            json={"comment_policy": "in_person_first"})
    assert response.status_code == 200, response.text
    shown = _newer(display)
    assert [e["entry_id"] for e in shown["queue"]] == [card.id, remote.id]
    assert live.call_next(db.session.get(Meeting, meeting.id), actor=chair, now=now).id == card.id


def test_a_body_setting_the_pages_do_not_show_sends_nothing(client, meeting, clerk, display):
    response = client.patch(f"/api/v1/bodies/{meeting.body.slug}", headers=clerk,
                            json={"default_thresholds": {"ordinance": "majority_present"}})
    assert response.status_code in (200, 422), response.text
    assert _states(display) == []


def test_an_item_removed_from_the_agenda_keeps_its_speakers_in_general_comment(
        client, meeting, clerk, display, now):
    early, early_token = live.join_queue(meeting, item_id=meeting.item.id, display_name="Early", now=now)
    both, both_token = live.join_queue(meeting, item_id=meeting.item.id, display_name="Both", now=now)
    general, _ = live.join_queue(meeting, item_id=None, token=both_token, now=now)
    db.session.commit()
    _states(display)

    assert client.delete(f"/api/v1/items/{meeting.item.id}", headers=clerk).status_code == 204
    shown = _newer(display)
    general_line = [(e["entry_id"], e["item_id"]) for e in shown["queue"]]
    assert general_line == [(early.id, None), (general.id, None)]  # in the order they joined
    db.session.expire_all()
    # One who already had a place in general comment keeps that one, and one only.
    assert db.session.get(QueueEntry, both.id).status == EntryStatus.LEFT
    assert live.resume(meeting, token=early_token).id == early.id
    tags = [(e.tag, e.data.get("reason")) for e in db.session.query(ComplianceEntry)
            .filter_by(meeting_id=meeting.id).order_by(ComplianceEntry.seq)]
    assert ("speaker:moved", "item_removed") in tags and ("speaker:left", "item_removed") in tags

    # General comment opens: the chair calls them, as the pages said.
    meeting = db.session.get(Meeting, meeting.id)
    meeting.status = MeetingStatus.IN_PROGRESS
    chair = make_user(role="chair", body=meeting.body)
    db.session.commit()
    live.open_comment(meeting, item_id=None, actor=chair, now=now)
    assert live.call_next(meeting, actor=chair, now=now).id == early.id


def test_an_item_under_comment_cannot_be_removed(client, meeting, clerk, display, now):
    chair = make_user(role="chair", body=meeting.body)
    db.session.commit()
    live.open_comment(meeting, item_id=meeting.item.id, actor=chair, now=now)
    db.session.commit()
    _states(display)
    response = client.delete(f"/api/v1/items/{meeting.item.id}", headers=clerk)
    assert response.status_code == 409
    assert "close it before removing the item" in response.json["error"]["message"]
    assert _states(display) == []
    assert db.session.get(Meeting, meeting.id).items


def test_an_item_whose_comment_was_held_stays_on_the_record(client, meeting, clerk, display, now):
    """What was said on it is in the minutes and the log: it cannot leave the agenda."""
    chair = make_user(role="chair", body=meeting.body)
    db.session.commit()
    live.open_comment(meeting, item_id=meeting.item.id, actor=chair, now=now)
    live.add_in_person(meeting, item_id=meeting.item.id, display_name="Ana", actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now)
    live.close_comment(meeting, actor=chair, now=now)
    db.session.commit()
    _states(display)
    response = client.delete(f"/api/v1/items/{meeting.item.id}", headers=clerk)
    assert response.status_code == 409
    assert "part of the record" in response.json["error"]["message"]
    assert _states(display) == []


def test_publishing_a_draft_reaches_a_console_open_on_it(app, client, staff):
    """The status goes from draft to published: a new version, or a console opened on the
    draft would keep showing "draft" (and `sync` would answer the same version)."""
    draft = make_meeting(status=MeetingStatus.DRAFT, start_at=utcnow() + timedelta(days=30))
    make_item(draft, title="Contract with Acme Paving for the repair of the Main Street sidewalks")
    user = make_user(role="clerk", body=draft.body)
    db.session.commit()
    token = make_token(user)
    db.session.commit()
    console = socketio.test_client(app, namespace=NS, auth={"meeting": draft.id, "api_token": token})
    [console.held] = _states(console)
    assert console.held["status"] == "draft"
    response = client.post(f"/api/v1/meetings/{draft.id}/publish", headers={"Authorization": f"Bearer {token}"},
                           json={})
    assert response.status_code == 201, response.text
    assert _newer(console)["status"] == "published"
    console.disconnect(NS)


def test_an_item_that_stops_taking_comment_sends_its_speakers_to_general_comment(
        client, meeting, clerk, display, now):
    """Nobody could call them on an item that takes no comment (open_comment refuses it,
    skip acts only on the item under comment): they go where a removal would send them."""
    early, token = live.join_queue(meeting, item_id=meeting.item.id, display_name="Early", now=now)
    db.session.commit()
    _states(display)
    response = client.patch(f"/api/v1/items/{meeting.item.id}", headers=clerk,
                            json={"accepts_public_comment": False})
    assert response.status_code == 200, response.text
    assert [(e["entry_id"], e["item_id"]) for e in _newer(display)["queue"]] == [(early.id, None)]
    tags = [(e.tag, e.data.get("reason")) for e in db.session.query(ComplianceEntry)
            .filter_by(meeting_id=meeting.id).order_by(ComplianceEntry.seq)]
    assert ("speaker:moved", "comment_withdrawn") in tags
    assert live.resume(db.session.get(Meeting, meeting.id), token=token).id == early.id


def test_an_item_under_comment_cannot_stop_taking_it(client, meeting, clerk, display, now):
    chair = make_user(role="chair", body=meeting.body)
    db.session.commit()
    live.open_comment(meeting, item_id=meeting.item.id, actor=chair, now=now)  # before the call to order
    db.session.commit()
    response = client.patch(f"/api/v1/items/{meeting.item.id}", headers=clerk,
                            json={"accepts_public_comment": False})
    assert response.status_code == 409, response.text
    assert "close it before turning its public comment off" in response.json["error"]["message"]
    db.session.expire_all()
    assert db.session.get(type(meeting.item), meeting.item.id).accepts_public_comment is True

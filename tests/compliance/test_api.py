"""GET /api/v1/meetings/<id>/compliance: the public, independently verifiable export."""
from datetime import timedelta

from app.compliance import chain
from app.extensions import db
from app.meetings.models import MeetingStatus
from app.meetings.publishing import publish_agenda
from tests.factories import NOW, make_item, make_meeting, make_user


def published_meeting(**overrides):
    clerk = make_user("clerk")
    meeting = make_meeting(**overrides)
    make_item(meeting, title="Adopt the budget")
    publish_agenda(meeting, actor=clerk, now=NOW, override_reason="Late by design.")
    db.session.commit()
    return meeting, clerk


def test_export_holds_everything_needed_to_recompute_every_hash(client):
    meeting, _ = published_meeting(start_at=NOW + timedelta(hours=12))
    response = client.get(f"/api/v1/meetings/{meeting.id}/compliance")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"meeting_id", "entries", "verified", "problem"}
    assert body["meeting_id"] == meeting.id and body["verified"] is True and body["problem"] is None
    assert [e["tag"] for e in body["entries"]] == [
        "deadline:checked", "deadline:overridden", "content:checked", "agenda:posted"]
    # An outsider's check, with nothing but the export and the published algorithm:
    assert chain.verify(meeting.id, body["entries"]) is None
    for entry in body["entries"]:
        assert entry["hash"] == chain.entry_hash(entry)
    assert body["entries"][0]["prev_hash"] == chain.GENESIS
    assert body["entries"][1]["data"]["reason"] == "Late by design."


def test_meeting_without_entries_is_trivially_verified(client):
    meeting = make_meeting(status=MeetingStatus.PUBLISHED)
    db.session.commit()
    body = client.get(f"/api/v1/meetings/{meeting.id}/compliance").get_json()
    assert body == {"meeting_id": meeting.id, "entries": [], "verified": True, "problem": None}


def test_unknown_meeting_is_404_in_the_error_shape(client):
    response = client.get("/api/v1/meetings/424242/compliance")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_draft_log_is_hidden_from_the_public_but_shown_to_the_body_staff(client, staff):
    meeting = make_meeting()
    db.session.commit()
    url = f"/api/v1/meetings/{meeting.id}/compliance"
    assert client.get(url).status_code == 404
    outsider = staff.user("clerk")
    assert client.get(url, headers=staff.token_headers(outsider)).status_code == 404
    member = staff.user("member", body=meeting.body)
    assert client.get(url, headers=staff.token_headers(member)).status_code == 200


def test_write_methods_are_not_allowed(client):
    meeting, _ = published_meeting()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"/api/v1/meetings/{meeting.id}/compliance")
        assert response.status_code == 405

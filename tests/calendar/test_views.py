"""The .ics routes: what each feed holds, validators and 304s, changes seen by subscribers."""
from datetime import timedelta

import pytest
from flask import render_template_string
from icalendar import Calendar

from app.core.time import UTC
from app.extensions import db
from app.meetings import services as meeting_services
from app.meetings.models import AgendaVersion, MeetingStatus
from tests.factories import NOW, make_body, make_meeting, make_user

PUBLISHED = MeetingStatus.PUBLISHED


def events_of(response):
    assert response.status_code == 200, response.text
    return {str(e["UID"]): e for e in Calendar.from_ical(response.data).walk("VEVENT")}


def uid(meeting):
    return f"meeting-{meeting.id}@127.0.0.1"


@pytest.fixture
def council():
    body = make_body(slug="city-council", name="City Council")
    db.session.commit()
    return body


def test_meeting_feed_is_a_calendar_with_validators(client, council):
    meeting = make_meeting(council, status=PUBLISHED, title="Regular Meeting")
    db.session.commit()
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"].startswith('"') and len(response.headers["ETag"]) == 66
    assert response.headers["Last-Modified"] == "Mon, 02 Mar 2026 17:00:00 GMT"
    event = events_of(response)[uid(meeting)]
    assert str(event["SUMMARY"]) == "City Council: Regular Meeting"
    assert event.decoded("DTSTART") == NOW + timedelta(days=7)
    assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["URL"]) == f"http://127.0.0.1:5000/meetings/{meeting.id}"
    description = str(event["DESCRIPTION"])
    assert f"http://127.0.0.1:5000/meetings/{meeting.id}" in description
    assert "https://example.org/webinar" in description and "+1 555 0100" in description
    assert "Join the webinar or call in to comment." in description
    assert str(event["LOCATION"]) == "Council Chambers, 100 Main St"


def test_agenda_pdf_link_appears_once_an_agenda_is_posted(client, council):
    meeting = make_meeting(council, status=PUBLISHED)
    db.session.commit()
    before = client.get(f"/meetings/{meeting.id}.ics")
    assert b"agenda.pdf" not in before.data.replace(b"\r\n ", b"")
    posted_at = NOW + timedelta(hours=2)
    db.session.add(AgendaVersion(meeting_id=meeting.id, number=1, content={}, content_hash="0" * 64,
                                 posted_at=posted_at))
    db.session.commit()
    after = client.get(f"/meetings/{meeting.id}.ics", headers={"If-None-Match": before.headers["ETag"]})
    event = events_of(after)[uid(meeting)]
    assert f"/meetings/{meeting.id}/agenda.pdf" in str(event["DESCRIPTION"])
    # Posting revises the event: a newer stamp, and If-Modified-Since sees it too.
    assert event.decoded("DTSTAMP") == posted_at
    assert after.headers["Last-Modified"] == "Mon, 02 Mar 2026 19:00:00 GMT"


def test_unknown_and_draft_meetings_are_not_found(client, council):
    draft = make_meeting(council, status=MeetingStatus.DRAFT)
    db.session.commit()
    assert client.get(f"/meetings/{draft.id}.ics").status_code == 404
    assert client.get("/meetings/999999.ics").status_code == 404
    assert client.get("/bodies/no-such-body/calendar.ics").status_code == 404


def test_body_feed_hides_drafts_and_keeps_cancelled_and_postponed(client, council):
    published = make_meeting(council, status=PUBLISHED)
    draft = make_meeting(council, status=MeetingStatus.DRAFT)
    cancelled = make_meeting(council, status=MeetingStatus.CANCELLED, title="Budget Hearing")
    postponed = make_meeting(council, status=MeetingStatus.POSTPONED)
    other = make_meeting(make_body(), status=PUBLISHED)
    db.session.commit()
    response = client.get("/bodies/city-council/calendar.ics")
    events = events_of(response)
    assert set(events) == {uid(published), uid(cancelled), uid(postponed)}
    assert uid(draft) not in events and uid(other) not in events
    assert str(events[uid(published)]["STATUS"]) == "CONFIRMED"
    assert str(events[uid(cancelled)]["STATUS"]) == "CANCELLED"
    assert str(events[uid(postponed)]["STATUS"]) == "CANCELLED"
    assert str(events[uid(cancelled)]["SUMMARY"]) == "Cancelled: City Council: Budget Hearing"
    assert "has been cancelled" in str(events[uid(cancelled)]["DESCRIPTION"])
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "City Council"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]


def test_global_feed_holds_every_body_with_each_zone(client, council):
    east = make_body(slug="east-board", name="East Board", timezone="America/New_York")
    here = make_meeting(council, status=PUBLISHED)
    there = make_meeting(east, status=MeetingStatus.ADJOURNED, start_at=NOW - timedelta(days=30))
    hidden = make_meeting(east, status=MeetingStatus.DRAFT)
    db.session.commit()
    response = client.get("/calendar.ics")
    events = events_of(response)
    assert set(events) == {uid(here), uid(there)} and uid(hidden) not in events
    assert events[uid(there)]["DTSTART"].params["TZID"] == "America/New_York"
    zones = {str(tz["TZID"]) for tz in Calendar.from_ical(response.data).walk("VTIMEZONE")}
    assert zones == {"America/Los_Angeles", "America/New_York"}


def test_feeds_keep_a_year_of_history(client, council):
    recent = make_meeting(council, status=MeetingStatus.ADJOURNED, start_at=NOW - timedelta(days=300))
    old = make_meeting(council, status=MeetingStatus.ADJOURNED, start_at=NOW - timedelta(days=400))
    db.session.commit()
    events = events_of(client.get("/bodies/city-council/calendar.ics"))
    assert uid(recent) in events and uid(old) not in events
    # The meeting's own feed is for that meeting, whatever its age.
    assert uid(old) in events_of(client.get(f"/meetings/{old.id}.ics"))


@pytest.mark.parametrize("path", ["/meetings/{id}.ics", "/bodies/city-council/calendar.ics", "/calendar.ics"])
def test_unchanged_feed_is_byte_identical_and_revalidates_with_304(client, council, path):
    meeting = make_meeting(council, status=PUBLISHED)
    db.session.commit()
    url = path.format(id=meeting.id)
    first, second = client.get(url), client.get(url)
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]

    by_etag = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert by_etag.status_code == 304 and by_etag.data == b""
    assert by_etag.headers["ETag"] == first.headers["ETag"]
    by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.data == first.data
    older = client.get(url, headers={"If-Modified-Since": "Sun, 01 Mar 2026 00:00:00 GMT"})
    assert older.status_code == 200


def test_head_answers_with_the_same_validators(client, council):
    meeting = make_meeting(council, status=PUBLISHED)
    db.session.commit()
    get, head = client.get(f"/meetings/{meeting.id}.ics"), client.head(f"/meetings/{meeting.id}.ics")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]


def test_rescheduling_increments_sequence_and_changes_the_feed(client, council):
    clerk = make_user("clerk", body=council)
    meeting = make_meeting(council, status=PUBLISHED)
    db.session.commit()
    before = client.get("/bodies/city-council/calendar.ics")
    assert events_of(before)[uid(meeting)]["SEQUENCE"] == 0

    later, new_start = NOW + timedelta(hours=1), NOW + timedelta(days=8)
    meeting_services.update_meeting(meeting, {"start_at": new_start}, actor=clerk, now=later)
    db.session.commit()
    after = client.get("/bodies/city-council/calendar.ics", headers={"If-None-Match": before.headers["ETag"]})
    event = events_of(after)[uid(meeting)]
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == new_start
    assert event.decoded("DTSTAMP") == later
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.headers["Last-Modified"] == "Mon, 02 Mar 2026 18:00:00 GMT"
    assert client.get("/bodies/city-council/calendar.ics",
                      headers={"If-Modified-Since": before.headers["Last-Modified"]}).status_code == 200


def test_time_change_made_on_the_model_shows_as_a_new_sequence(client, council):
    meeting = make_meeting(council, status=PUBLISHED)
    db.session.commit()
    meeting.start_at = meeting.start_at + timedelta(hours=1)
    meeting.sequence += 1
    meeting.revised_at = NOW + timedelta(minutes=5)
    db.session.commit()
    event = events_of(client.get(f"/meetings/{meeting.id}.ics"))[uid(meeting)]
    assert event["SEQUENCE"] == 1 and event.decoded("DTSTAMP") == NOW + timedelta(minutes=5)


def test_cancelling_keeps_the_event_with_status_cancelled(client, council):
    clerk = make_user("clerk", body=council)
    meeting = make_meeting(council, status=PUBLISHED)
    db.session.commit()
    meeting_services.cancel_meeting(meeting, reason="No quorum expected.", actor=clerk,
                                    now=NOW + timedelta(hours=3))
    db.session.commit()
    for path in (f"/meetings/{meeting.id}.ics", "/bodies/city-council/calendar.ics", "/calendar.ics"):
        event = events_of(client.get(path))[uid(meeting)]
        assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1


def test_uid_uses_the_public_host(app, council):
    app.config["PUBLIC_BASE_URL"] = "https://meetings.example.gov"
    meeting = make_meeting(council, status=PUBLISHED)
    db.session.commit()
    event = events_of(app.test_client().get(f"/meetings/{meeting.id}.ics"))
    assert list(event) == [f"meeting-{meeting.id}@meetings.example.gov"]
    assert str(event[f"meeting-{meeting.id}@meetings.example.gov"]["URL"]).startswith(
        "https://meetings.example.gov/meetings/")


def test_subscribe_links_for_templates(app, council):
    app.config["PUBLIC_BASE_URL"] = "https://meetings.example.gov"
    meeting = make_meeting(council, status=PUBLISHED)
    db.session.commit()
    with app.test_request_context():
        rendered = render_template_string(
            "{% set m = calendar_subscribe_links(meeting=meeting) %}{{ m.https }}|{{ m.webcal }}\n"
            "{% set b = calendar_subscribe_links(body=body) %}{{ b.https }}|{{ b.webcal }}\n"
            "{% set a = calendar_subscribe_links() %}{{ a.https }}|{{ a.webcal }}",
            meeting=meeting, body=council)
    assert rendered.splitlines() == [
        f"https://meetings.example.gov/meetings/{meeting.id}.ics|webcal://meetings.example.gov/meetings/{meeting.id}.ics",
        "https://meetings.example.gov/bodies/city-council/calendar.ics|webcal://meetings.example.gov/bodies/city-council/calendar.ics",
        "https://meetings.example.gov/calendar.ics|webcal://meetings.example.gov/calendar.ics",
    ]


def test_timestamps_in_the_feed_are_utc(client, council):
    meeting = make_meeting(council, status=PUBLISHED, end_at=NOW + timedelta(days=7, hours=2))
    db.session.commit()
    event = events_of(client.get(f"/meetings/{meeting.id}.ics"))[uid(meeting)]
    assert event.decoded("DTEND").astimezone(UTC) == NOW + timedelta(days=7, hours=2)
    assert b"DTSTAMP:20260302T170000Z" in client.get(f"/meetings/{meeting.id}.ics").data


def test_subscribe_links_partial(app, council):
    meeting = make_meeting(council, status=PUBLISHED)
    db.session.commit()
    with app.test_request_context():
        on_meeting = render_template_string('{% include "calendar/_subscribe_links.html" %}', meeting=meeting)
        on_body = render_template_string('{% include "calendar/_subscribe_links.html" %}', body=council)
        everywhere = render_template_string('{% include "calendar/_subscribe_links.html" %}')
    assert f'href="http://127.0.0.1:5000/meetings/{meeting.id}.ics"' in on_meeting
    assert 'href="webcal://127.0.0.1:5000/bodies/city-council/calendar.ics"' in on_meeting
    assert "Subscribe to all meetings of City Council" in on_body and ".ics\"" in on_body
    assert 'href="webcal://127.0.0.1:5000/calendar.ics"' in everywhere
    assert "Subscribe to all public meetings" in everywhere

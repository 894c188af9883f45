"""Pure feed building: plain data in, bytes out, no app and no database."""
import os
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from app.calendar.ical import (DEFAULT_DURATION, Feed, FeedEvent, event_times, local_time, meeting_uid, to_ical,
                               vtimezone)
from app.core.time import UTC

SNAPSHOTS = Path(__file__).parent / "snapshots"
LA = ZoneInfo("America/Los_Angeles")
REVISED = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
BASE = "https://dais.example.gov"


def la(*args):
    return datetime(*args, tzinfo=LA).astimezone(UTC)


def event(meeting_id, start_at, **overrides):
    values = dict(
        uid=meeting_uid(meeting_id, "dais.example.gov"), sequence=0, revised_at=REVISED,
        created_at=datetime(2026, 2, 1, 17, 0, tzinfo=UTC), start_at=start_at, end_at=None,
        timezone="America/Los_Angeles", summary=f"City Council: Regular Meeting {meeting_id}",
        description=f"Agenda and meeting page: {BASE}/meetings/{meeting_id}",
        url=f"{BASE}/meetings/{meeting_id}", location="Council Chambers, 100 Main St",
    )
    values.update(overrides)
    return FeedEvent(**values)


def council_feed():
    return Feed(
        uid="calendar-body-city-council@dais.example.gov", name="City Council",
        description="Public meetings of City Council", source_url=f"{BASE}/bodies/city-council/calendar.ics",
        url=f"{BASE}/meetings?body=city-council",
        events=(
            # The Tuesday before and after the spring change (8 March 2026).
            event(1, la(2026, 3, 3, 18, 0), end_at=la(2026, 3, 3, 21, 30)),
            event(2, la(2026, 3, 10, 18, 0), sequence=2, revised_at=REVISED + timedelta(days=1),
                  conference_url="https://example.org/webinar", conference_label="Join online",
                  description="Agenda and meeting page: https://dais.example.gov/meetings/2\n\n"
                              "Remote participation\nJoin by phone: +1 555 0100"),
            # Ends in the hour repeated on 1 November (second 01:30, PST): start and end in UTC.
            event(3, la(2026, 10, 31, 18, 0), end_at=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
                  summary="Cancelled: City Council: Budget Hearing", is_cancelled=True, sequence=1),
            event(4, la(2026, 11, 3, 18, 0), summary="City Council: Sesión extraordinaria — presupuesto"),
        ),
    )


def test_feed_matches_the_reviewed_snapshot():
    data = to_ical(council_feed())
    snapshot = SNAPSHOTS / "city_council.ics"
    if os.environ.get("DAIS_UPDATE_SNAPSHOTS"):
        snapshot.write_bytes(data)
    assert data == snapshot.read_bytes(), "feed changed: review it, then DAIS_UPDATE_SNAPSHOTS=1"


def test_same_data_gives_the_same_bytes():
    assert to_ical(council_feed()) == to_ical(council_feed())


def test_events_carry_uid_sequence_stamp_status_and_url():
    calendar = Calendar.from_ical(to_ical(council_feed()))
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    second = events["meeting-2@dais.example.gov"]
    assert second["SEQUENCE"] == 2
    assert second.decoded("DTSTAMP") == REVISED + timedelta(days=1)
    assert second.decoded("LAST-MODIFIED") == REVISED + timedelta(days=1)
    assert str(second["STATUS"]) == "CONFIRMED"
    assert str(second["URL"]) == f"{BASE}/meetings/2"
    assert "Join by phone" in str(second["DESCRIPTION"])
    assert str(second["CONFERENCE"]) == "https://example.org/webinar"
    assert str(events["meeting-3@dais.example.gov"]["STATUS"]) == "CANCELLED"


def test_times_are_written_in_the_body_zone_with_its_vtimezone():
    data = to_ical(council_feed()).decode()
    assert "DTSTART;TZID=America/Los_Angeles:20260303T180000\r\n" in data
    assert "DTSTART;TZID=America/Los_Angeles:20260310T180000\r\n" in data
    assert data.count("BEGIN:VTIMEZONE") == 1
    assert "TZID:America/Los_Angeles\r\n" in data


def test_missing_end_defaults_to_three_hours():
    single = replace(council_feed(), events=(event(9, la(2026, 6, 2, 18, 0)),))
    vevent = Calendar.from_ical(to_ical(single)).walk("VEVENT")[0]
    assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == DEFAULT_DURATION == timedelta(hours=3)


def test_calendar_name_and_refresh_interval():
    data = to_ical(council_feed()).decode()
    for line in ("NAME:City Council", "X-WR-CALNAME:City Council", "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
                 "X-PUBLISHED-TTL:PT1H", "METHOD:PUBLISH",
                 "UID:calendar-body-city-council@dais.example.gov"):
        assert line + "\r\n" in data


def test_lines_are_crlf_and_folded_to_75_octets():
    data = to_ical(council_feed())
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert "Sesión extraordinaria".encode() in data.replace(b"\r\n ", b"")


def test_an_empty_feed_is_valid_and_has_no_last_modified():
    empty = replace(council_feed(), events=())
    calendar = Calendar.from_ical(to_ical(empty))
    assert calendar.walk("VEVENT") == [] and calendar.walk("VTIMEZONE") == []
    assert empty.last_modified is None
    assert council_feed().last_modified == REVISED + timedelta(days=1)


@pytest.mark.parametrize("instant, expected", [
    (la(2026, 3, 10, 18, 0), "2026-03-10T18:00:00-07:00"),            # plain daylight time
    (la(2026, 3, 3, 18, 0), "2026-03-03T18:00:00-08:00"),             # plain standard time
    (datetime(2026, 11, 1, 8, 30, tzinfo=UTC), "2026-11-01T08:30:00+00:00"),  # first 01:30 (PDT)
    (datetime(2026, 11, 1, 9, 30, tzinfo=UTC), "2026-11-01T09:30:00+00:00"),  # second 01:30 (PST)
    (datetime(2026, 11, 1, 10, 0, tzinfo=UTC), "2026-11-01T02:00:00-08:00"),  # just after
])
def test_ambiguous_local_times_are_written_in_utc(instant, expected):
    assert local_time(instant, "America/Los_Angeles").isoformat() == expected


def test_start_and_end_share_a_zone():
    plain = event(1, la(2026, 3, 7, 22, 0), end_at=la(2026, 3, 8, 3, 30))
    start, end = event_times(plain)
    assert (start.tzinfo, end.tzinfo) == (LA, LA)
    # Only the end is ambiguous, yet both are written in UTC.
    late = event(2, la(2026, 10, 31, 22, 0), end_at=datetime(2026, 11, 1, 9, 30, tzinfo=UTC))
    start, end = event_times(late)
    assert (start.utcoffset(), end.utcoffset()) == (timedelta(0), timedelta(0))
    assert (start, end) == (late.start_at, late.end_at)


def test_vtimezone_lists_each_transition_with_its_onset_in_the_previous_offset():
    zone = vtimezone("America/Los_Angeles", 2026, 2026)
    onsets = [(sub.name, sub.decoded("DTSTART").isoformat(), sub.decoded("TZOFFSETTO") / timedelta(hours=1))
              for sub in zone.subcomponents]
    assert onsets == [
        ("STANDARD", "2026-01-01T00:00:00", -8),
        ("DAYLIGHT", "2026-03-08T02:00:00", -7),
        ("STANDARD", "2026-11-01T02:00:00", -8),
    ]
    # No RDATE: ical.js ignores an observance's DTSTART when RDATEs are present.
    assert b"RDATE" not in zone.to_ical()


def test_vtimezone_for_a_zone_without_daylight_saving():
    zone = vtimezone("America/Phoenix", 2026, 2027)
    assert [sub.name for sub in zone.subcomponents] == ["STANDARD"]


def test_vtimezone_starts_in_the_local_year_of_the_first_event():
    new_years_eve = la(2026, 12, 31, 19, 0)  # 2027-01-01 03:00 UTC
    data = to_ical(replace(council_feed(), events=(event(5, new_years_eve),))).decode()
    assert "DTSTART:20260101T000000\r\n" in data
    assert "DTSTART;TZID=America/Los_Angeles:20261231T190000\r\n" in data

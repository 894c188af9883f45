"""Every feed, read by four independent parsers, gives every meeting the same UTC start and end.

icalendar, vobject and recurring-ical-events are Python readers; Mozilla's ical.js
is the parser inside Thunderbird and resolves times only through the VTIMEZONE
blocks of the file. The meetings sit in the weeks around the spring and autumn
daylight-saving changes, including ones that span the change and end in the
repeated hour, for Los Angeles and New York.
"""
import json
import os
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from app.calendar.ical import DEFAULT_DURATION
from app.core.time import UTC
from app.extensions import db
from app.meetings.models import MeetingStatus
from tests.factories import make_body, make_meeting

JS_DIR = Path(__file__).resolve().parents[1] / "js"
LA, NY = ZoneInfo("America/Los_Angeles"), ZoneInfo("America/New_York")


def at(zone, *args, fold=0):
    return datetime(*args, tzinfo=zone, fold=fold).astimezone(UTC)


# (zone, start, end or None, status)
LOS_ANGELES_MEETINGS = [
    (at(LA, 2026, 3, 3, 18), at(LA, 2026, 3, 3, 21), MeetingStatus.PUBLISHED),     # week before spring
    (at(LA, 2026, 3, 7, 22), at(LA, 2026, 3, 8, 3, 30), MeetingStatus.PUBLISHED),  # spans the lost hour
    (at(LA, 2026, 3, 8, 18), None, MeetingStatus.PUBLISHED),                       # day of the change
    (at(LA, 2026, 3, 10, 18), None, MeetingStatus.PUBLISHED),                      # week after spring
    (at(LA, 2026, 10, 27, 18), at(LA, 2026, 10, 27, 21), MeetingStatus.PUBLISHED),  # week before autumn
    (at(LA, 2026, 10, 31, 22), at(LA, 2026, 11, 1, 1, 30, fold=1), MeetingStatus.PUBLISHED),  # 2nd 01:30
    (at(LA, 2026, 10, 31, 23), at(LA, 2026, 11, 1, 1, 30), MeetingStatus.IN_PROGRESS),  # 1st 01:30
    (at(LA, 2026, 11, 1, 1, 15, fold=1), at(LA, 2026, 11, 1, 4), MeetingStatus.PUBLISHED),  # starts in it
    (at(LA, 2026, 11, 3, 18), at(LA, 2026, 11, 3, 21), MeetingStatus.CANCELLED),   # week after autumn
    (at(LA, 2026, 11, 10, 18), None, MeetingStatus.POSTPONED),
    (at(LA, 2026, 12, 31, 19), None, MeetingStatus.PUBLISHED),  # already 2027 in UTC
    (at(LA, 2027, 3, 9, 18), None, MeetingStatus.PUBLISHED),                       # next year's change
    (at(LA, 2027, 3, 16, 18), None, MeetingStatus.PUBLISHED),
]
NEW_YORK_MEETINGS = [
    (at(NY, 2026, 3, 3, 19), None, MeetingStatus.PUBLISHED),
    (at(NY, 2026, 3, 10, 19), at(NY, 2026, 3, 10, 22), MeetingStatus.PUBLISHED),
    (at(NY, 2026, 10, 31, 23), at(NY, 2026, 11, 1, 1, 45, fold=1), MeetingStatus.PUBLISHED),
    (at(NY, 2026, 11, 3, 19), None, MeetingStatus.CANCELLED),
]


def ical_js_available():
    return shutil.which("node") and (JS_DIR / "node_modules" / "ical.js").is_dir()


@pytest.fixture
def node_ical():
    if not ical_js_available():
        if os.environ.get("CI") == "true":
            pytest.fail("node and tests/js/node_modules/ical.js are required in CI (make install-test)")
        pytest.skip("node or ical.js missing: run `cd tests/js && npm ci`")

    def parse(paths):
        done = subprocess.run(["node", "ical-parse.mjs", *map(str, paths)], cwd=JS_DIR, check=True,
                              capture_output=True, text=True, timeout=60)
        parsed = json.loads(done.stdout)
        return {path: {e["uid"]: (_iso(e["start"]), _iso(e["end"])) for e in parsed[str(path)]}
                for path in paths}

    return parse


def _iso(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).isoformat()


def _utc_pair(start, end):
    return start.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat()


def with_icalendar(data):
    return {str(e["UID"]): _utc_pair(e.decoded("DTSTART"), e.decoded("DTEND"))
            for e in Calendar.from_ical(data).walk("VEVENT")}


def with_vobject(data):
    calendar = vobject.readOne(data.decode("utf-8"))
    return {e.uid.value: _utc_pair(e.dtstart.value, e.dtend.value)
            for e in getattr(calendar, "vevent_list", [])}


def with_recurring_ical_events(data):
    occurrences = recurring_ical_events.of(Calendar.from_ical(data)).between(
        datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    return {str(e["UID"]): _utc_pair(e["DTSTART"].dt, e["DTEND"].dt) for e in occurrences}


@pytest.fixture
def meetings():
    council = make_body(slug="city-council", name="City Council", timezone="America/Los_Angeles")
    east = make_body(slug="east-board", name="East Board", timezone="America/New_York")
    made = []
    for body, rows in ((council, LOS_ANGELES_MEETINGS), (east, NEW_YORK_MEETINGS)):
        for start_at, end_at, status in rows:
            made.append(make_meeting(body, start_at=start_at, end_at=end_at, status=status))
    make_meeting(council, status=MeetingStatus.DRAFT, start_at=at(LA, 2026, 3, 9, 18))
    db.session.commit()
    return made


def test_four_parsers_agree_on_every_utc_start_and_end(client, meetings, node_ical, tmp_path):
    expected = {f"meeting-{m.id}@127.0.0.1": _utc_pair(m.start_at, m.end_at or m.start_at + DEFAULT_DURATION)
                for m in meetings}
    paths = {"/calendar.ics": expected,
             "/bodies/city-council/calendar.ics": {
                 uid: times for uid, times in expected.items()
                 if any(f"meeting-{m.id}@" in uid for m in meetings if m.body.slug == "city-council")},
             "/bodies/east-board/calendar.ics": {
                 uid: times for uid, times in expected.items()
                 if any(f"meeting-{m.id}@" in uid for m in meetings if m.body.slug == "east-board")}}
    paths.update({f"/meetings/{m.id}.ics": {f"meeting-{m.id}@127.0.0.1": expected[f"meeting-{m.id}@127.0.0.1"]}
                  for m in meetings})

    files, feeds = {}, {}
    for index, path in enumerate(paths):
        response = client.get(path)
        assert response.status_code == 200, path
        feeds[path] = response.data
        files[path] = tmp_path / f"feed-{index}.ics"
        files[path].write_bytes(response.data)
    by_ical_js = node_ical(list(files.values()))

    for path, want in paths.items():
        readings = {
            "icalendar": with_icalendar(feeds[path]),
            "vobject": with_vobject(feeds[path]),
            "recurring-ical-events": with_recurring_ical_events(feeds[path]),
            "ical.js": by_ical_js[files[path]],
        }
        for parser, got in readings.items():
            assert got == want, f"{parser} reads {path} differently"


def test_the_expected_times_really_straddle_the_changes():
    # Guards the fixture itself: local 18:00 maps to different UTC hours across each change.
    hours = [start.hour for start, _, _ in LOS_ANGELES_MEETINGS[:4]]
    assert hours[0] == 2 and hours[3] == 1  # 18:00 PST = 02:00Z, 18:00 PDT = 01:00Z
    second, first = LOS_ANGELES_MEETINGS[5][1], LOS_ANGELES_MEETINGS[6][1]
    assert second - first == timedelta(hours=1)

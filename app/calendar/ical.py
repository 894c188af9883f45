"""iCalendar feeds built from plain data: no Flask, no database.

The same input always gives the same bytes, so an unchanged feed keeps its ETag
and calendar clients are not made to re-import anything. That is why nothing
here reads the clock: DTSTAMP is the meeting's last revision, and the VTIMEZONE
covers a range derived from the events, not from today.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration

PRODID = "-//Dais//Public meeting calendar//EN"
# Councils rarely move a meeting at less than an hour's notice; polling more often
# only loads the server.
REFRESH_INTERVAL = timedelta(hours=1)
# Used when a meeting has no announced end: long enough for a typical council
# meeting, so that the event blocks a sensible span in every client.
DEFAULT_DURATION = timedelta(hours=3)


@dataclass(frozen=True)
class FeedEvent:
    """One meeting as a calendar event. Datetimes are timezone-aware (UTC)."""

    uid: str
    sequence: int
    revised_at: datetime
    created_at: datetime
    start_at: datetime
    end_at: datetime | None
    timezone: str
    summary: str
    description: str
    url: str
    location: str = ""
    is_cancelled: bool = False
    conference_url: str = ""
    conference_label: str = ""

    @property
    def effective_end_at(self):
        return self.end_at or self.start_at + DEFAULT_DURATION


@dataclass(frozen=True)
class Feed:
    uid: str
    name: str
    description: str
    source_url: str
    url: str
    events: tuple[FeedEvent, ...] = field(default_factory=tuple)

    @property
    def last_modified(self):
        return max((event.revised_at for event in self.events), default=None)


def meeting_uid(meeting_id, host):
    """Stable for the life of the meeting, whatever else about it changes."""
    return f"meeting-{meeting_id}@{host}"


def to_ical(feed: Feed) -> bytes:
    calendar = Calendar.new(
        prodid=PRODID,
        calscale="GREGORIAN",
        method="PUBLISH",
        name=feed.name,
        description=feed.description or None,
        source=feed.source_url,
        url=feed.url,
        # Without an explicit UID the library invents a random one: a feed that
        # changed on every request would defeat ETags and confuse subscribers.
        uid=feed.uid,
    )
    # RFC 7986 requires the VALUE parameter here.
    calendar.add("REFRESH-INTERVAL", vDuration(REFRESH_INTERVAL), parameters={"VALUE": "DURATION"})
    # Outlook and older Apple clients ignore REFRESH-INTERVAL and read this instead.
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    # No X-WR-TIMEZONE: every time carries its own TZID, and readers that honour
    # X-WR-TIMEZONE rewrite UTC times into it, losing which of a repeated hour was meant.

    for tzid in sorted({event.timezone for event in feed.events}):
        calendar.add_component(vtimezone(tzid, *_year_range(feed.events)))
    for event in sorted(feed.events, key=lambda e: (e.start_at, e.uid)):
        calendar.add_component(_vevent(event))
    return calendar.to_ical()


def _year_range(events):
    # Whole local years around the events: stable while the meetings stay in those
    # years, and short enough to list the transitions instead of 70 years of them.
    # Local, not UTC: an evening meeting on 31 December is already next year in UTC,
    # and a reader given no observance before an event (ical.js) takes it as UTC.
    years = [moment.astimezone(ZoneInfo(e.timezone)).year
             for e in events for moment in (e.start_at, e.effective_end_at)]
    return min(years), max(years) + 1


@lru_cache(maxsize=64)
def vtimezone(tzid, first_year, last_year):
    """The zone's offsets from 1 January of first_year to the end of last_year.

    One observance per transition, each onset written in the wall-clock time in
    force just before it (RFC 5545, 3.6.5). Not icalendar's Timezone.from_tzinfo:
    it lists later onsets as RDATEs, which ical.js (Thunderbird) ignores together
    with the DTSTART beside them, and it puts the spring onset an hour late.
    """
    zone = ZoneInfo(tzid)
    begin = datetime(first_year, 1, 1, tzinfo=zone).astimezone(timezone.utc)
    end = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(timezone.utc)
    component = Timezone()
    component.add("TZID", tzid)
    initial = begin.astimezone(zone)
    component.add_component(_observance(initial, initial.utcoffset(), initial.replace(tzinfo=None)))
    for instant in _transitions(zone, begin, end):
        before, after = (instant - timedelta(seconds=1)).astimezone(zone), instant.astimezone(zone)
        onset = (instant + before.utcoffset()).replace(tzinfo=None)
        component.add_component(_observance(after, before.utcoffset(), onset))
    return component


def _observance(local, offset_from, onset):
    observance = TimezoneDaylight() if local.dst() else TimezoneStandard()
    observance.add("DTSTART", onset)
    observance.add("TZNAME", local.tzname())
    observance.add("TZOFFSETFROM", offset_from)
    observance.add("TZOFFSETTO", local.utcoffset())
    return observance


def _transitions(zone, begin, end):
    """UTC instants where the zone's offset or name changes, found day by day, then to the second."""
    def state(instant):
        local = instant.astimezone(zone)
        return local.utcoffset(), local.tzname()

    day = timedelta(days=1)
    cursor = begin
    while cursor < end:
        following = min(cursor + day, end)
        if state(cursor) != state(following):
            low, high = cursor, following  # state(low) is the old one, state(high) the new
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if state(middle) == state(low):
                    low = middle
                else:
                    high = middle
            yield high
        cursor = following


def local_time(value, tzid):
    """The body's wall-clock time, or UTC where wall-clock time cannot say which instant.

    In the hour repeated when daylight saving ends a local time is ambiguous. RFC 5545
    reads it as the first occurrence, but ical.js takes the second, so both are
    written in UTC, which every client reads the same way.
    """
    local = value.astimezone(ZoneInfo(tzid))
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return value.astimezone(timezone.utc)
    return local


def event_times(event: FeedEvent):
    """DTSTART and DTEND, both in the body's zone or, if either cannot be, both in UTC.

    A start and end in different zones make some readers (recurring-ical-events,
    for one) add the real duration to the local start in wall-clock time, which
    is an hour off when the meeting spans a change.
    """
    start = local_time(event.start_at, event.timezone)
    end = local_time(event.effective_end_at, event.timezone)
    if start.tzinfo is timezone.utc or end.tzinfo is timezone.utc:
        return event.start_at.astimezone(timezone.utc), event.effective_end_at.astimezone(timezone.utc)
    return start, end


def _vevent(event: FeedEvent):
    start, end = event_times(event)
    vevent = Event.new(
        uid=event.uid,
        sequence=event.sequence,
        stamp=event.revised_at,
        created=event.created_at,
        last_modified=event.revised_at,
        start=start,
        end=end,
        summary=event.summary,
        description=event.description,
        location=event.location or None,
        url=event.url,
        status="CANCELLED" if event.is_cancelled else "CONFIRMED",
        # Residents follow a council's calendar to know, not to be shown as busy.
        transparency="TRANSPARENT",
    )
    vevent.add("CLASS", "PUBLIC")
    if event.conference_url:
        params = {"VALUE": "URI", "FEATURE": ["AUDIO", "VIDEO"]}
        if event.conference_label:
            params["LABEL"] = event.conference_label
        vevent.add("CONFERENCE", event.conference_url, parameters=params)
    return vevent

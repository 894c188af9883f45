"""The only place that reads the clock. Everything else receives `now` as an argument."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc


def utcnow():
    return datetime.now(UTC)


def ensure_utc(value):
    """Aware UTC datetime from an aware datetime; naive values are refused, not guessed."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: a timezone is required")
    return value.astimezone(UTC)


def to_local(value, tz_name):
    return value.astimezone(ZoneInfo(tz_name))


def parse_local_or_aware(text, tz_name):
    """ISO-8601 input: with an offset it is taken as is; without, as the body's local time."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz_name))
    return parsed.astimezone(UTC)

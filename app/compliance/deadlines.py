"""Posting deadlines: when must a meeting's agenda be posted at the latest?

Pure: plain values in, an aware UTC datetime and the rule used out. Every
computation errs on the early side, because a deadline computed too late
exposes the body's actions to challenge while one too early costs a clerk a day:

- "N hours before" is the earlier of N elapsed hours and N wall-clock hours in
  the body's timezone, so a daylight-saving change inside the window never
  shortens the notice under either reading;
- business days skip weekends and every holiday the holiday library knows for
  the jurisdiction (see rules.TX_HOLIDAYS), and the notice must cover whole
  business days before the meeting's local date;
- "as practicable" rules have no fixed figure: the deadline is the start itself.
"""
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays

from app.compliance.rules import POSTING, get_pack, rule_in_force

UTC = ZoneInfo("UTC")


class PostingDeadline(NamedTuple):
    at: datetime
    rule: object
    hours: int | None = None  # the figure applied, when the rule counts hours


def posting_deadline(pack_id, kind, start_at_utc, tz_name, *, generic_hours=72, scheduled_at=None):
    """The latest moment the agenda may be posted, and the rule that says so.

    `scheduled_at` (when the meeting was put on the calendar) matters only where
    the law depends on it (New York); unknown, it is taken as long enough ahead,
    which selects the stricter rule.
    """
    if start_at_utc.tzinfo is None:
        raise ValueError("start_at_utc must be timezone-aware")
    kind = str(kind)
    zone = ZoneInfo(tz_name)
    local_date = start_at_utc.astimezone(zone).date()
    rule = select_rule(pack_id, kind, local_date, start_at_utc=start_at_utc, scheduled_at=scheduled_at)
    params = rule.params
    if params.get("practicable"):
        return PostingDeadline(start_at_utc.astimezone(UTC), rule)
    if "business_days" in params:
        at = business_days_before(local_date, params["business_days"], zone, params["holidays"])
        return PostingDeadline(at, rule)
    hours = params["hours"] if params["hours"] is not None else generic_hours
    return PostingDeadline(hours_before(start_at_utc, hours, zone), rule, hours)


def select_rule(pack_id, kind, local_date, *, start_at_utc=None, scheduled_at=None):
    """The posting rule of `pack_id` that governs a meeting of `kind` on `local_date`."""
    pack = get_pack(pack_id)
    lead_days = None
    if scheduled_at is not None and start_at_utc is not None:
        lead_days = (start_at_utc - scheduled_at) / timedelta(days=1)
    versions_by_id = {}
    for rule in pack.rules_for(POSTING):
        if kind not in rule.kinds or not _lead_matches(rule.params, lead_days):
            continue
        versions_by_id.setdefault(rule.id, []).append(rule)
    # A date before a rule's first version (historic or mistyped) gets that first version
    # rather than no rule at all.
    candidates = [rule_in_force(v, local_date) or min(v, key=lambda r: r.effective_from)
                  for v in versions_by_id.values()]
    if not candidates:
        raise LookupError(f"rule pack {pack_id!r} has no posting rule for a {kind} meeting on {local_date}")
    return candidates[0]


def _lead_matches(params, lead_days):
    at_least = params.get("scheduled_at_least_days")
    less_than = params.get("scheduled_less_than_days")
    if lead_days is None:
        # Unknown scheduling: assume the meeting was planned well ahead (stricter rule).
        return less_than is None
    if at_least is not None and lead_days < at_least:
        return False
    if less_than is not None and lead_days >= less_than:
        return False
    return True


def hours_before(start_at_utc, hours, zone):
    elapsed = start_at_utc.astimezone(UTC) - timedelta(hours=hours)
    local_start = start_at_utc.astimezone(zone).replace(tzinfo=None)
    # fold=0 picks the earlier of two ambiguous local times (the conservative one).
    wall_clock = (local_start - timedelta(hours=hours)).replace(tzinfo=zone, fold=0).astimezone(UTC)
    return min(elapsed, wall_clock)


def business_days_before(local_date, count, zone, holiday_spec):
    """Start (local midnight) of the `count`-th business day before `local_date`, in UTC.

    Posting by then keeps the notice up for `count` whole business days before
    the meeting's date, whatever time of day the meeting starts.
    """
    day, found = local_date, 0
    while found < count:
        day -= timedelta(days=1)
        if is_business_day(day, holiday_spec):
            found += 1
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


def is_business_day(day, holiday_spec):
    return day.weekday() < 5 and day not in _holidays(holiday_spec["country"], holiday_spec.get("subdiv"),
                                                       tuple(holiday_spec.get("categories", ("public",))),
                                                       day.year)


def holiday_name(day, holiday_spec):
    calendar = _holidays(holiday_spec["country"], holiday_spec.get("subdiv"),
                         tuple(holiday_spec.get("categories", ("public",))), day.year)
    return calendar.get(day)


@lru_cache(maxsize=64)
def _holidays(country, subdiv, categories, year):
    merged = {}
    for category in categories:
        merged.update(holidays.country_holidays(country, subdiv=subdiv, years=year, categories=(category,)))
    return merged

"""Live-meeting use cases. Each takes `actor=` and `now=`, flushes but never commits,
bumps the meeting's state version once per change and writes the compliance log.

Every change first locks the meeting row (PostgreSQL), so changes to one meeting
are serialised: versions never repeat and the one-place-per-item check cannot race.
"""
import secrets
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from app.compliance import rules
from app.compliance.services import data_tagged, record, record_many
from app.compliance.tags import Tag
from app.core.db import hold_sqlite_writers, lock_row_once, mark_row_locked
from app.core.errors import Conflict, DomainError, InvalidState, NotFound, ValidationFailed
from app.core.time import to_local
from app.extensions import db
from app.live import queue as q
from app.live import schemas
from app.live import timer as timers
from app.live.models import Channel, EntryStatus, LiveState, QueueEntry, Stance, hash_token
from app.meetings import services as meetings
from app.meetings.models import AgendaItem, Body, Meeting, MeetingStatus

RESIDENT = "resident"
DEFAULT_QUEUE_CAP = 300
MAX_REASON = 500
LIVE_STATUSES = {MeetingStatus.PUBLISHED, MeetingStatus.IN_PROGRESS, MeetingStatus.RECESSED}
ACTIVE = (EntryStatus.WAITING, EntryStatus.SPEAKING)
HOLDS_PLACE = [EntryStatus(status) for status in q.HOLDS_PLACE]
# Still holding a place (a skipped one can be recalled): may be warned or removed, may
# leave, and is what `resume` finds.
IN_QUEUE = (EntryStatus.WAITING, EntryStatus.SPEAKING, EntryStatus.SKIPPED)


class QueueFull(Conflict):
    code = "queue_full"


class AlreadyQueued(Conflict):
    code = "already_queued"

    def __init__(self, message="You already have a place for this item, or have already spoken or been removed on it."):
        super().__init__(message)


class RemovedFromMeeting(Conflict):
    code = "removed_from_meeting"

    def __init__(self, message="The chair removed you from this meeting's public comment, so you cannot sign up "
                               "again in this meeting."):
        super().__init__(message)


class WarningRequired(InvalidState):
    code = "warning_required"


class CommentPeriodRunning(InvalidState):
    code = "comment_period_running"


class CommentClosed(InvalidState):
    code = "comment_closed"

    def __init__(self, message="Public comment on this item has been held and closed: sign-ups for it are over "
                               "unless the chair opens it again."):
        super().__init__(message)


class SpeakerChanged(InvalidState):
    code = "speaker_changed"


class TimeChanged(InvalidState):
    code = "time_changed"


class InRecess(InvalidState):
    code = "in_recess"


ANY_SPEAKER = object()


# -- reading -------------------------------------------------------------------

def live_state(meeting):
    """The meeting's live row (created on first use with the body's default time)."""
    state = db.session.get(LiveState, meeting.id)
    if state is None:
        state = LiveState(meeting_id=meeting.id, seconds_per_speaker=meeting.body.comment_seconds,
                          is_comment_open=False, timer_allotted_seconds=0, timer_paused_seconds=0.0)
        db.session.add(state)
        db.session.flush()
    return state


def _timer(state):
    return timers.Timer(allotted_seconds=state.timer_allotted_seconds, started_at=state.timer_started_at,
                        paused_at=state.timer_paused_at, paused_seconds=state.timer_paused_seconds or 0.0)


def _store_timer(state, timer):
    state.timer_allotted_seconds = timer.allotted_seconds
    state.timer_started_at = timer.started_at
    state.timer_paused_at = timer.paused_at
    state.timer_paused_seconds = timer.paused_seconds


def _pure(entry):
    return q.Entry(entry_id=entry.id, channel=entry.channel.value, seq=entry.id, item_id=entry.item_id,
                   participant=entry.token_hash, status=entry.status.value, called_seq=entry.called_seq)


def _entries(meeting_id, item_key=None):
    query = sa.select(QueueEntry).where(QueueEntry.meeting_id == meeting_id)
    if item_key is not None:
        query = query.where(QueueEntry.item_key == item_key)
    return db.session.scalars(query.order_by(QueueEntry.id)).all()


# What the public state and positions need of an entry: plain rows, not ORM objects,
# because they are read for the whole queue on every broadcast.
_ROW_COLUMNS = (QueueEntry.id, QueueEntry.number, QueueEntry.channel, QueueEntry.item_id, QueueEntry.item_key,
                QueueEntry.token_hash, QueueEntry.status, QueueEntry.called_seq, QueueEntry.display_name,
                QueueEntry.stance, QueueEntry.needs_interpreter, QueueEntry.warned_at, QueueEntry.name_hidden_at)


def _queue_rows(meeting_id, *, with_skipped=False, item_keys=None):
    """Rows that can matter to the order: waiting ones, and called ones (the alternate
    policy continues from the last channel called), plus skipped ones on request."""
    statuses = [EntryStatus.WAITING, EntryStatus.SKIPPED] if with_skipped else [EntryStatus.WAITING]
    query = (sa.select(*_ROW_COLUMNS)
             .where(QueueEntry.meeting_id == meeting_id,
                    sa.or_(QueueEntry.status.in_(statuses), QueueEntry.called_seq.is_not(None))))
    if item_keys is not None:
        query = query.where(QueueEntry.item_key.in_(item_keys))
    return db.session.execute(query.order_by(QueueEntry.id)).all()


def _policy(meeting):
    return meeting.body.comment_policy.value


def _ordered(meeting, entries):
    """{item_key: [waiting entries in speaking order]} by the body's policy."""
    by_item = {}
    for entry in entries:
        by_item.setdefault(entry.item_key, []).append(entry)
    rows = {entry.id: entry for entry in entries}
    result = {}
    for item_key, group in by_item.items():
        pure = [_pure(e) for e in group]
        waiting = q.ordered(pure, _policy(meeting), q.last_called_channel(pure))
        if waiting:
            result[item_key] = [rows[e.entry_id] for e in waiting]
    return result


def position_of(meeting, entry):
    if entry.status != EntryStatus.WAITING:
        return None
    return positions(meeting).get(entry.id)


def positions(meeting, *, item_ids=None):
    """{entry_id: position in its item's queue} for every waiting entry (of `item_ids`, an
    item id or None for general comment, when given), from one query."""
    keys = None if item_ids is None else {item_id or 0 for item_id in item_ids}
    return {entry.id: n for waiting in _ordered(meeting, _queue_rows(meeting.id, item_keys=keys)).values()
            for n, entry in enumerate(waiting, start=1)}


def public_state(meeting, *, now):
    """The `state` event of the /live contract: everything anyone may see, nothing more."""
    return public_state_and_timer(meeting, now=now)[0]


def public_state_and_timer(meeting, *, now):
    """The state, and the speaker's timer so a kept copy can be brought up to `now` later."""
    state = db.session.get(LiveState, meeting.id)
    seconds = state.seconds_per_speaker if state else meeting.body.comment_seconds
    is_open = bool(state and state.is_comment_open)
    comment_item_id = state.comment_item_id if is_open else None
    rows = _queue_rows(meeting.id, with_skipped=is_open)
    ordered = _ordered(meeting, rows)
    warned = _warned_tokens(meeting.id)
    first = (comment_item_id or 0) if is_open else None
    # What a speaker will be given if called now; residents sum the entries ahead of
    # them to estimate their wait. Two possible values, so worked out once.
    expected = {interpreter: timers.allotted_for(seconds, needs_interpreter=interpreter,
                                                 rule_pack=meeting.body.rule_pack)
                for interpreter in (False, True)}
    queue = []
    for item_key in sorted(ordered, key=lambda key: (key != first, key)):
        for position, entry in enumerate(ordered[item_key], start=1):
            queue.append({"entry_id": entry.id, "number": entry.number, "position": position,
                          "display_name": entry.display_name,
                          "stance": entry.stance.value if entry.stance else None,
                          "channel": entry.channel.value, "item_id": entry.item_id,
                          "interpreter": entry.needs_interpreter, "name_verified": False,
                          **_warning_fields(entry, warned), **_hidden_field(entry),
                          "has_page": entry.token_hash is not None,
                          "expected_seconds": expected[bool(entry.needs_interpreter)]})
    current_item = None
    # Read once for both items below, and only while there is one: the numbers tie the
    # chamber screen and the residents' pages to the printed agenda ("6.a").
    numbers, posted = meetings.public_labels(meeting) if comment_item_id or (state and state.current_item_id) \
        else ({}, None)

    def title(item):
        return (posted or {}).get(item.id, item.title)

    if state and state.current_item_id:
        item = db.session.get(AgendaItem, state.current_item_id)
        if item is not None:
            current_item = {"item_id": item.id, "title": title(item), "number": numbers.get(item.id)}
    may_close_at = _may_close_at(meeting, state, now) if is_open else None
    # Its title too: an item added or renamed since a page loaded is not in the page's list.
    comment_item = db.session.get(AgendaItem, comment_item_id) if comment_item_id else None
    comment = {"open": is_open, "item_id": comment_item_id,
               "item_title": title(comment_item) if comment_item is not None else None,
               "item_number": numbers.get(comment_item_id),
               "seconds_per_speaker": seconds,
               "opened_at": _iso(state.comment_opened_at) if is_open else None,
               "period_seconds": state.comment_period_seconds if is_open else None,
               # When a timed period's time is up: residents and the chamber see it too.
               "period_ends_at": _iso(timers.period_end(state.comment_opened_at, state.comment_period_seconds))
               if is_open else None,
               "may_close_at": _iso(may_close_at), "may_close_in_seconds": _seconds_until(may_close_at, now),
               "warn_before_removal": _warning_rule(meeting, now) is not None,
               "closed_item_ids": list(state.closed_item_ids or []) if state else []}
    return {"meeting_id": meeting.id, "version": meeting.state_version, "status": meeting.status.value,
            "current_item": current_item, "comment": comment, "speaker": _speaker(state, now, warned),
            "queue": queue, "skipped": _skipped(rows, comment_item_id, warned) if is_open else [],
            "removed": _removed(meeting.id, comment_item_id) if is_open else [],
            "proceedings": _proceedings(meeting)}, (_timer(state) if state and state.speaker_entry_id else None)


def waiting_on_comment_item(public):
    """The queue entries of a public state on the item under comment, in speaking order;
    none while comment is closed (DaisLive.waitingOnCommentItem is the pages' twin)."""
    comment = public["comment"]
    return [e for e in public["queue"] if e["item_id"] == comment["item_id"]] if comment["open"] else []


def state_at(public, timer, now):
    """A kept state brought up to `now`: the speaker's remaining time and time since their
    call, and how long a timed comment period has left before it may close (nothing else
    moves with time)."""
    served = public
    speaker = public.get("speaker")
    if timer is not None and speaker is not None:
        served = {**served, "speaker": {**speaker, "remaining_seconds": timers.remaining_seconds(timer, now),
                                        "called_seconds_ago": _seconds_since(_moment(speaker["called_at"]), now)}}
    if public["comment"].get("may_close_at"):
        may_close_at = _moment(public["comment"]["may_close_at"])
        served = {**served, "comment": {**public["comment"], "may_close_in_seconds": _seconds_until(may_close_at, now)}}
    return served


def _may_close_at(meeting, state, now):
    """Before when the body's rules forbid closing this timed comment period (None: no such limit now)."""
    return timers.earliest_close(meeting.body.rule_pack, opened_at=state.comment_opened_at,
                                 period_seconds=state.comment_period_seconds, now=now,
                                 local_date=to_local(now, meeting.body.timezone).date())


def _seconds_until(moment, now):
    # Pages count down from this, as from the speaker's remaining time: the server is the only clock.
    return None if moment is None else max(0.0, round((moment - now).total_seconds(), 3))


def _seconds_since(moment, now):
    # Counted on from its arrival by the console, whatever the clock of the chair's computer says.
    return None if moment is None else max(0.0, round((now - moment).total_seconds(), 3))


def _proceedings(meeting):
    """Quorum, remote public access and closed session, for every console and the display."""
    from app.minutes import services as minutes  # imported here: minutes imports this module

    return {"quorum": minutes.quorum(meeting), "attendance_recorded": minutes.attendance_recorded(meeting),
            "remote_access_down": minutes.is_remote_access_down(meeting),
            "in_closed_session": minutes.in_closed_session(meeting)}


def _warned_tokens(meeting_id):
    """{token: when last warned} for the residents warned in this meeting, on any of their
    places: a warning is given to a person, and holds when they leave and sign up again,
    or wait on another item. (Cards have no token: theirs is the entry's own.)"""
    return dict(db.session.execute(
        sa.select(QueueEntry.token_hash, sa.func.max(QueueEntry.warned_at))
        .where(QueueEntry.meeting_id == meeting_id, QueueEntry.warned_at.is_not(None),
               QueueEntry.token_hash.is_not(None))
        .group_by(QueueEntry.token_hash)).all())


def _warning_fields(entry, warned_tokens):
    """`warned`, and `warned_at` only when warned (a field on every entry would weigh on
    every state sent to everyone): the person's page asks what the warning was for."""
    at = warned_tokens.get(entry.token_hash) if entry.token_hash is not None else None
    at = at or entry.warned_at
    return {"warned": True, "warned_at": _iso(at)} if at is not None else {"warned": False}


def _hidden_field(entry):
    """`name_hidden`, only on an entry whose name the chair hid (not on every entry of
    every state: each field weighs on every broadcast)."""
    return {"name_hidden": True} if entry.name_hidden_at is not None else {}


def _skipped(entries, comment_item_id, warned):
    """Skipped speakers of the open item, so the chair can recall them (with what their
    card says, as in the queue, for staff to correct a skipped card from the right values)."""
    return [{"entry_id": e.id, "number": e.number, "display_name": e.display_name, "channel": e.channel.value,
             "stance": e.stance.value if e.stance else None, "interpreter": e.needs_interpreter,
             "item_id": e.item_id, **_warning_fields(e, warned), **_hidden_field(e),
             "has_page": e.token_hash is not None}
            for e in entries if e.status == EntryStatus.SKIPPED and e.item_key == (comment_item_id or 0)]


def _removed(meeting_id, comment_item_id):
    """Participants removed on the open item, so the chair can reinstate one removed by
    mistake (the log already names them, with the reason)."""
    entries = db.session.execute(
        sa.select(QueueEntry.id, QueueEntry.number, QueueEntry.display_name, QueueEntry.channel, QueueEntry.item_id,
                  QueueEntry.token_hash)
        .where(QueueEntry.meeting_id == meeting_id, QueueEntry.status == EntryStatus.REMOVED,
               QueueEntry.item_key == (comment_item_id or 0))
        .order_by(QueueEntry.id)).all()
    return [{"entry_id": e.id, "number": e.number, "display_name": e.display_name, "channel": e.channel.value,
             "item_id": e.item_id, "has_page": e.token_hash is not None} for e in entries]


def _speaker(state, now, warned):
    if state is None or state.speaker is None:
        return None
    entry, timer = state.speaker, _timer(state)
    return {"entry_id": entry.id, "number": entry.number, "display_name": entry.display_name,
            "channel": entry.channel.value, "has_page": entry.token_hash is not None,
            "stance": entry.stance.value if entry.stance else None, "item_id": entry.item_id,
            "interpreter": entry.needs_interpreter, "name_verified": False, **_hidden_field(entry),
            **_warning_fields(entry, warned), "called_at": _iso(entry.called_at),
            "called_seconds_ago": _seconds_since(entry.called_at, now), "seen_at": _iso(entry.call_seen_at),
            "started_at": _iso(timer.started_at), "allotted_seconds": timer.allotted_seconds,
            "remaining_seconds": timers.remaining_seconds(timer, now),
            "paused": timer.is_paused, "running": timer.is_running}


def _iso(value):
    return value.isoformat() if value is not None else None


def _moment(iso):
    return datetime.fromisoformat(iso) if iso is not None else None


def entry_view(meeting, entry, token=None, *, known_positions=None):
    """What a resident learns about their own entry (join and resume acks).

    `known_positions` (from `positions`) saves the query when many views are made at once."""
    if known_positions is not None:
        position = known_positions.get(entry.id) if entry.status == EntryStatus.WAITING else None
    else:
        position = position_of(meeting, entry)
    view = {"entry_id": entry.id, "number": entry.number, "position": position, "item_id": entry.item_id,
            "status": entry.status.value, "channel": entry.channel.value, "display_name": entry.display_name,
            **_hidden_field(entry)}
    if token is not None:
        view["token"] = token
    return view


# -- shared steps ----------------------------------------------------------------

def locked_meeting(meeting_id):
    """The meeting, read and locked in one query, for a batch of changes (None if gone)."""
    # Not with its body joined in: the loader options would stay on the object, and a
    # later refresh FOR UPDATE of it would lock the outer join, which PostgreSQL refuses.
    hold_sqlite_writers(Meeting, meeting_id)
    meeting = db.session.get(Meeting, meeting_id, with_for_update=True, populate_existing=True)
    if meeting is not None:
        mark_row_locked(meeting)
    return meeting


def speaker_entry_id(meeting):
    """Who is speaking (an entry id, or None), without creating the live row."""
    state = db.session.get(LiveState, meeting.id)
    return state.speaker_entry_id if state is not None else None


def _begin_change(meeting):
    """Lock the meeting row (once per transaction), check it is live, and return its live state."""
    _lock_live(meeting)
    return live_state(meeting)


def _lock_live(meeting):
    lock_row_once(meeting)
    if meeting.status not in LIVE_STATUSES:
        raise InvalidState(f"The meeting is {meeting.status.value}; the live queue is not available.")


def _changed(meeting):
    meetings.bump_state_version(meeting)


def _set_timer(meeting, state, action, updated, *, seconds=None, actor, now, **why):
    """Store the speaker's timer as `action` left it, and log the change (with `why`,
    when it was not the chair's own action)."""
    _store_timer(state, updated)
    record(meeting, Tag.TIMER_CHANGED,
           {"entry_id": state.speaker_entry_id, "action": action, "seconds": seconds, **why,
            "allotted_seconds": updated.allotted_seconds,
            "remaining_seconds": timers.remaining_seconds(updated, now)}, actor=actor, now=now)


def _refuse_in_recess(meeting, doing):
    # Places are kept through a recess, but nobody is given the floor until it ends.
    if meeting.status == MeetingStatus.RECESSED:
        raise InRecess(f"The meeting is in recess; reconvene before you {doing}.")


def _item(meeting, item_id, *, for_comment, loaded=None):
    if item_id is None:
        return None
    item = loaded.get(item_id) if loaded is not None else db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound(f"Item {item_id} is not on this meeting's agenda.")
    if for_comment and not item.accepts_public_comment:
        raise InvalidState("This item does not take public comment.")
    return item


def _entry(meeting, entry_id):
    entry = db.session.get(QueueEntry, entry_id)
    if entry is None or entry.meeting_id != meeting.id:
        raise NotFound(f"No queue entry {entry_id} in this meeting.")
    return entry


def _speaker_data(entry):
    return {"entry_id": entry.id, "number": entry.number, "item_id": entry.item_id, "channel": entry.channel.value,
            "interpreter": entry.needs_interpreter, "display_name": entry.display_name}


def _finish_speaker(meeting, state, *, status, actor, now, record_finish=True):
    """End the current speaker's turn, keeping the time they were given and used."""
    entry = state.speaker
    if entry is None:
        return None
    timer = _timer(state)
    # Time used in an earlier part of this turn, cut short by a skip or a removal: this
    # part was given what was left, and the record is of the whole turn.
    earlier = entry.used_seconds
    used = timers.used_seconds(timer, now)
    entry.status = status
    entry.finished_at = now
    entry.allotted_seconds = timer.allotted_seconds + (earlier or 0)
    entry.used_seconds = used if earlier is None else earlier + (used or 0)
    state.speaker = None  # the relationship, not only its key: later changes in this session read it
    _store_timer(state, timers.Timer(allotted_seconds=0))
    db.session.flush()
    if record_finish:
        record(meeting, Tag.SPEAKER_FINISHED,
               {**_speaker_data(entry), "status": status.value, "allotted_seconds": entry.allotted_seconds,
                "used_seconds": entry.used_seconds}, actor=actor, now=now)
    return entry


def _seconds(value, name):
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not timers.MIN_SECONDS <= value <= timers.MAX_SECONDS:
        raise ValidationFailed(f"'{name}' must be {timers.MIN_SECONDS} to {timers.MAX_SECONDS} seconds.")
    return value


# -- chair -------------------------------------------------------------------------

def set_item(meeting, *, item_id, actor, now):
    state = _begin_change(meeting)
    item = _item(meeting, item_id, for_comment=False)
    # Nothing changes, so nothing is logged or sent (a second press, two consoles at once).
    if state.current_item_id == (item.id if item else None):
        raise InvalidState("This is already the current item." if item else "No item is current already.")
    state.current_item_id = item.id if item else None
    record(meeting, Tag.ITEM_CURRENT, {"item_id": state.current_item_id,
                                       "title": item.title if item else None}, actor=actor, now=now)
    _changed(meeting)
    return state


def open_comment(meeting, *, item_id, seconds_per_speaker=None, period_seconds=None, actor, now):
    state = _begin_change(meeting)
    if state.is_comment_open:
        raise InvalidState("Public comment is already open; close it first.")
    item = _item(meeting, item_id, for_comment=True)
    seconds = _seconds(seconds_per_speaker, "seconds_per_speaker") or meeting.body.comment_seconds
    shortest, longest = schemas.PERIOD_SECONDS
    if period_seconds is not None and (not isinstance(period_seconds, int) or isinstance(period_seconds, bool)
                                       or not shortest <= period_seconds <= longest):
        raise ValidationFailed("'period_seconds' must be 60 seconds to 6 hours.")
    state.is_comment_open = True
    state.comment_item_id = item.id if item else None
    if item is not None and item.id in (state.closed_item_ids or []):
        state.closed_item_ids = [i for i in state.closed_item_ids if i != item.id]  # opened again
    state.seconds_per_speaker = seconds
    state.comment_opened_at = now
    state.comment_period_seconds = period_seconds
    record(meeting, Tag.COMMENT_OPENED,
           {"item_id": state.comment_item_id, "general": item is None, "seconds_per_speaker": seconds,
            "period_seconds": period_seconds, "policy": _policy(meeting),
            "opened_at": now.isoformat()}, actor=actor, now=now)
    _changed(meeting)
    return state


def close_comment(meeting, *, actor, now):
    state = _begin_change(meeting)
    if not state.is_comment_open:
        raise InvalidState("Public comment is not open.")
    may_close_at = _may_close_at(meeting, state, now)
    if may_close_at is not None:
        raise CommentPeriodRunning(
            f"This timed comment period cannot close before {may_close_at.isoformat()} under the "
            f"body's rules.", details={"may_close_at": may_close_at.isoformat()})
    _finish_speaker(meeting, state, status=EntryStatus.DONE, actor=actor, now=now)
    _record_close(meeting, state, now=now, actor=actor)
    _changed(meeting)
    return state


def _record_close(meeting, state, *, now, actor, reason=None):
    """Log the end of the comment period (with why, when the chair did not close it) and close it."""
    entries = _entries(meeting.id, state.comment_item_id or 0)
    waiting = sum(1 for e in entries if e.status == EntryStatus.WAITING)
    # Skipped and never recalled: not heard either (unless skipped part-way through a turn).
    skipped = sum(1 for e in entries if e.status == EntryStatus.SKIPPED and e.used_seconds is None)
    record(meeting, Tag.COMMENT_CLOSED,
           {"item_id": state.comment_item_id, "opened_at": _iso(state.comment_opened_at),
            "closed_at": now.isoformat(), "period_seconds": state.comment_period_seconds,
            "still_waiting": waiting, "still_skipped": skipped, **({"reason": reason} if reason else {})},
           actor=actor, now=now)
    if state.comment_item_id is not None:
        state.closed_item_ids = sorted({*(state.closed_item_ids or []), state.comment_item_id})
    state.is_comment_open = False
    state.comment_opened_at = None
    state.comment_period_seconds = None


@meetings.on_status_change
def follow_meeting_status(meeting, previous, *, actor, now):
    """A recess pauses the speaker's countdown, so nobody loses time while the room is
    away (the chair resumes it). Once the meeting is no longer live (adjourned,
    cancelled, postponed) public comment ends with it, whatever a timed period would
    allow: the speaker's turn ends and the close is logged with the reason. The places
    still waiting or skipped, on any item, end too: logged once, with their numbers, as
    nobody will call them (the minutes count them as not heard)."""
    # (The status change itself is the new version: meetings.note_state_change.)
    state = db.session.get(LiveState, meeting.id)  # (none until the chair first acts)
    if meeting.status == MeetingStatus.RECESSED and state is not None:
        timer = _timer(state)
        if state.speaker is not None and timer.is_running:
            _set_timer(meeting, state, "pause", timers.pause(timer, now), actor=actor, now=now, reason="recess")
    elif meeting.status not in LIVE_STATUSES:
        if state is not None and state.is_comment_open:
            _finish_speaker(meeting, state, status=EntryStatus.DONE, actor=actor, now=now)
            _record_close(meeting, state, now=now, actor=actor, reason=meeting.status.value)
        still = db.session.execute(
            sa.select(QueueEntry.id, QueueEntry.number, QueueEntry.item_id, QueueEntry.status)
            .where(QueueEntry.meeting_id == meeting.id,
                   QueueEntry.status.in_([EntryStatus.WAITING, EntryStatus.SKIPPED]))
            .order_by(QueueEntry.id)).all()
        if still:
            record(meeting, Tag.QUEUE_ENDED, {"reason": meeting.status.value, "places": [
                {"entry_id": e.id, "number": e.number, "item_id": e.item_id, "status": e.status.value}
                for e in still]}, actor=actor, now=now)


@meetings.on_item_removal
def release_item(item, *, actor, now, reason="item_removed"):
    """An item leaves the agenda (before the meeting, as an amendment), or stops taking
    public comment (`reason` says which): whoever signed up to speak on it keeps their
    place, in general comment, where the chair can still call them; one who already has
    a place there keeps that one. Refused while comment is open on the item (the chair
    closes it first), and once comment has been held on it: what was said on it is on
    the record."""
    meeting = item.meeting
    lock_row_once(meeting)
    doing = "removing the item" if reason == "item_removed" else "turning its public comment off"
    state = db.session.get(LiveState, meeting.id)
    if state is not None and state.is_comment_open and state.comment_item_id == item.id:
        raise InvalidState(f"Public comment is open on this item: close it before {doing}.")
    entries = db.session.scalars(sa.select(QueueEntry).where(
        QueueEntry.meeting_id == meeting.id, QueueEntry.item_key == item.id).order_by(QueueEntry.id)).all()
    if (state is not None and item.id in (state.closed_item_ids or [])) or any(
            e.status in (EntryStatus.DONE, EntryStatus.REMOVED, EntryStatus.SKIPPED) for e in entries):
        # The minutes and the log speak of the comment given on it.
        raise InvalidState("Public comment has been held on this item: it is part of the record and cannot be "
                           + ("removed from the agenda." if reason == "item_removed" else "turned off."))
    if reason == "item_removed" and state is not None and state.current_item_id == item.id:
        state.current_item_id = None
    held = [e for e in entries if e.status in IN_QUEUE]
    general = {token_hash for token_hash in db.session.scalars(sa.select(QueueEntry.token_hash).where(
        QueueEntry.meeting_id == meeting.id, QueueEntry.item_key == 0, QueueEntry.token_hash.is_not(None),
        QueueEntry.status != EntryStatus.LEFT))}
    for entry in held:
        if entry.token_hash is not None and entry.token_hash in general:
            was = entry.status
            entry.status = EntryStatus.LEFT
            entry.finished_at = now
            record(meeting, Tag.SPEAKER_LEFT, {**_speaker_data(entry), "was": was.value, "reason": reason},
                   actor=actor, now=now)
        else:
            record(meeting, Tag.SPEAKER_MOVED, {**_speaker_data(entry), "to_item_id": None,
                                                "reason": reason}, actor=actor, now=now)
            entry.item_id = None
            entry.item_key = 0
    db.session.flush()


def change_speaker_time(meeting, *, seconds, actor, now):
    """One time limit for everyone called from now on (limits must be uniform)."""
    state = _begin_change(meeting)
    seconds = _seconds(seconds, "seconds")
    if seconds is None:
        raise ValidationFailed("'seconds' is required.")
    if not state.is_comment_open:
        raise InvalidState("Public comment is not open.")
    old = state.seconds_per_speaker
    if old == seconds:
        raise InvalidState(f"The time per speaker is already {seconds} seconds.")
    state.seconds_per_speaker = seconds
    record(meeting, Tag.COMMENT_TIME_CHANGED,
           {"item_id": state.comment_item_id, "old_seconds": old, "new_seconds": seconds}, actor=actor, now=now)
    _changed(meeting)
    return state


def call_next(meeting, *, actor, now, current_speaker=ANY_SPEAKER):
    """Finish the current speaker and call the head of the open item's queue (None if empty).

    `current_speaker` is who the caller saw speaking (an entry id, or None for nobody).
    When someone else has called next since, the call is refused: two consoles pressing
    Call next together would otherwise end the new speaker's turn before it began. A
    turn that has ended meanwhile (the speaker ended it, or the timer was stopped) is
    no reason to refuse: nobody's turn is cut short, and the next is called as meant."""
    state = _begin_change(meeting)
    if not state.is_comment_open:
        raise InvalidState("Open public comment before calling speakers.")
    _refuse_in_recess(meeting, "call speakers")
    if (current_speaker is not ANY_SPEAKER and state.speaker_entry_id is not None
            and current_speaker != state.speaker_entry_id):
        raise SpeakerChanged("The speaker changed since this was sent: someone else called next.")
    item_key = state.comment_item_id or 0
    waiting = _ordered(meeting, [row for row in _queue_rows(meeting.id) if row.item_key == item_key]).get(item_key, [])
    if state.speaker is None and not waiting:
        raise InvalidState("Nobody is waiting to speak.")
    _finish_speaker(meeting, state, status=EntryStatus.DONE, actor=actor, now=now)
    entry = None
    if waiting:
        entry = db.session.get(QueueEntry, waiting[0].id)
        last = db.session.scalar(sa.select(sa.func.max(QueueEntry.called_seq))
                                 .where(QueueEntry.meeting_id == meeting.id))
        allotted = timers.allotted_for(state.seconds_per_speaker, needs_interpreter=entry.needs_interpreter,
                                       rule_pack=meeting.body.rule_pack)
        earlier = entry.used_seconds  # a turn cut short before goes on where it stopped
        if earlier is not None:
            allotted = timers.rest_of_turn(entry.allotted_seconds or allotted, earlier)
        entry.status = EntryStatus.SPEAKING
        entry.called_at = now
        entry.call_seen_at = None
        entry.called_seq = (last or 0) + 1
        entry.allotted_seconds = allotted
        state.speaker = entry  # (sets speaker_entry_id at the flush below)
        # The timer waits for the chair: a remote speaker must be unmuted first, and
        # remote and in-person speakers are owed the same time.
        _store_timer(state, timers.Timer(allotted_seconds=allotted))
        db.session.flush()
        record(meeting, Tag.SPEAKER_CALLED, {**_speaker_data(entry), "allotted_seconds": allotted,
                                             "seconds_per_speaker": state.seconds_per_speaker,
                                             **({"earlier_used_seconds": earlier} if earlier is not None else {})},
               actor=actor, now=now)
    _changed(meeting)
    return entry


def skip(meeting, *, entry_id, actor, now):
    state = _begin_change(meeting)
    entry = _entry(meeting, entry_id)
    timing = {}
    if entry.status == EntryStatus.SPEAKING and state.speaker_entry_id == entry.id:
        _finish_speaker(meeting, state, status=EntryStatus.SKIPPED, actor=actor, now=now, record_finish=False)
        # The time they had and used so far: called again, they are given the rest.
        timing = {"allotted_seconds": entry.allotted_seconds, "used_seconds": entry.used_seconds}
    elif entry.status == EntryStatus.WAITING:
        # Skipped entries are listed (and can be recalled) only while comment is open on
        # their item: skipped in another item's line, a resident would be lost to both.
        if not state.is_comment_open or (state.comment_item_id or 0) != entry.item_key:
            raise InvalidState("Only people waiting on the item under comment can be skipped.")
        entry.status = EntryStatus.SKIPPED
    else:
        raise InvalidState(f"Entry {entry.id} is {entry.status.value}; only waiting or speaking entries can be skipped.")
    record(meeting, Tag.SPEAKER_SKIPPED, {**_speaker_data(entry), **timing}, actor=actor, now=now)
    _changed(meeting)
    return entry


def recall(meeting, *, entry_id, actor, now):
    """A skipped speaker returns to the queue at their original sign-up place."""
    state = _begin_change(meeting)
    return _back_in_line(meeting, state, _entry(meeting, entry_id), was=EntryStatus.SKIPPED, done="recalled",
                         tag=Tag.SPEAKER_RECALLED, actor=actor, now=now)


def reinstate(meeting, *, entry_id, reason, actor, now):
    """A removed participant gets their place back, at their original sign-up place: the
    chair removed the wrong person, or thought better of it. The removal stays in the
    log; the reinstatement follows it, with who did it and why."""
    state = _begin_change(meeting)
    reason = _reason(reason, "Say why this participant is reinstated: it is logged with it.")
    return _back_in_line(meeting, state, _entry(meeting, entry_id), was=EntryStatus.REMOVED, done="reinstated",
                         tag=Tag.SPEAKER_REINSTATED, data={"reason": reason}, actor=actor, now=now,
                         also=lambda entry: {"other_places_restored": _other_places_back(meeting, state, entry)})


def _other_places_back(meeting, state, entry):
    """The places on other items that the removal ended, back at their sign-up places: the
    reinstatement undoes the whole removal. Not a place whose turn was had (it ended done,
    as leaving would), nor one on an item whose comment has since been held and closed.
    The ids restored (logged with the reinstatement, as the removal logged those ended)."""
    ended = next((data.get("other_places_ended") or [] for data in reversed(
        data_tagged(meeting.id, Tag.SPEAKER_REMOVED)) if data.get("entry_id") == entry.id), [])
    if not ended:
        return []
    closed = set(state.closed_item_ids or [])
    places = db.session.scalars(sa.select(QueueEntry).where(
        QueueEntry.meeting_id == meeting.id, QueueEntry.id.in_(ended),
        QueueEntry.status == EntryStatus.LEFT).order_by(QueueEntry.id)).all()
    restored = []
    for place in places:
        if place.item_id is not None and place.item_id in closed:
            continue
        place.status = EntryStatus.WAITING
        place.finished_at = None
        restored.append(place.id)
    return restored


def _back_in_line(meeting, state, entry, *, was, done, tag, data=None, actor, now, also=None):
    """A skipped or removed entry back in line at its original sign-up place, and only in
    the line of the item under comment: back in another item's line, nobody could call
    or skip them (a console that had not yet seen comment close, or move on). `also`,
    once the entry is allowed back: what else comes back with it, as more data to log."""
    if entry.status != was:
        raise InvalidState(f"Entry {entry.id} is {entry.status.value}; only {was.value} entries can be {done}.")
    if not state.is_comment_open or (state.comment_item_id or 0) != entry.item_key:
        raise InvalidState(f"Only people {was.value} on the item under comment can be {done}: open public comment "
                           "on their item first.")
    entry.status = EntryStatus.WAITING
    entry.finished_at = None
    entry.removal_reason = ""
    data = {**(data or {}), **(also(entry) if also else {})}
    db.session.flush()
    record(meeting, tag, {**_speaker_data(entry), **data}, actor=actor, now=now)
    _changed(meeting)
    return entry


def _reason(reason, missing):
    reason = " ".join((reason or "").split()) if isinstance(reason, str) else ""
    if not reason:
        raise ValidationFailed(missing)
    if len(reason) > MAX_REASON:
        raise ValidationFailed(f"The reason must be at most {MAX_REASON} characters.")
    return reason


def _warning_rule(meeting, now):
    """The body's rule asking for a warning before removal, in force today, or None."""
    return rules.warning_before_removal(meeting.body.rule_pack, to_local(now, meeting.body.timezone).date())


def warn(meeting, *, entry_id, reason, actor, now):
    """The chair warns a participant that their conduct is disrupting the meeting and
    may lead to removal; the warning and what it was for are logged."""
    _begin_change(meeting)
    reason = _reason(reason, "Say what the disruption is: the warning is logged with it.")
    entry = _entry(meeting, entry_id)
    if entry.status not in IN_QUEUE:
        raise InvalidState(f"Entry {entry.id} is {entry.status.value}; only a participant in the queue can be warned.")
    entry.warned_at = now
    entry.warning_reason = reason
    db.session.flush()
    record(meeting, Tag.SPEAKER_WARNED, {**_speaker_data(entry), "reason": reason}, actor=actor, now=now)
    _changed(meeting)
    return entry


def _warning_of(meeting, entry):
    """When this participant was last warned in this meeting, on this place or (a resident)
    any other: None if never."""
    if entry.token_hash is None:
        return entry.warned_at
    return db.session.scalar(sa.select(sa.func.max(QueueEntry.warned_at)).where(
        QueueEntry.meeting_id == meeting.id, QueueEntry.token_hash == entry.token_hash))


def remove(meeting, *, entry_id, reason, threat=False, actor, now):
    """Remove a disruptive participant. Where the body's rules ask for a warning first
    (Cal. Gov. Code §54957.95), a participant who was not warned can be removed only
    for a use of force or a true threat of force (`threat`), which is logged."""
    state = _begin_change(meeting)
    reason = _reason(reason, "A reason is required to remove a participant.")
    entry = _entry(meeting, entry_id)
    rule = _warning_rule(meeting, now)
    warned_at = _warning_of(meeting, entry)
    if rule is not None and warned_at is None and not threat and entry.status in IN_QUEUE:
        raise WarningRequired(
            f"Warn this participant before removing them ({rule.citation}), unless the removal is "
            f"for a use of force or a true threat of force.")
    if entry.status == EntryStatus.SPEAKING and state.speaker_entry_id == entry.id:
        _finish_speaker(meeting, state, status=EntryStatus.REMOVED, actor=actor, now=now, record_finish=False)
    elif entry.status in (EntryStatus.WAITING, EntryStatus.SKIPPED):
        entry.status = EntryStatus.REMOVED
        entry.finished_at = now  # when the place ended: the minutes place the removal by it
    else:
        raise InvalidState(f"Entry {entry.id} is {entry.status.value} and cannot be removed.")
    entry.removal_reason = reason
    db.session.flush()
    others = _end_other_places(meeting, state, entry, actor=actor, now=now)
    record(meeting, Tag.SPEAKER_REMOVED, {
        **_speaker_data(entry), "reason": reason, "used_seconds": entry.used_seconds,
        "warned_at": _iso(warned_at), "threat": bool(threat), "other_places_ended": others,
        **({"rule": rule.as_evidence()} if rule is not None else {})}, actor=actor, now=now)
    _changed(meeting)
    return entry


def _end_other_places(meeting, state, entry, *, actor, now):
    """A resident removed is removed from the meeting: their places on other items end
    too (logged `speaker:left` with `reason: "removed"`), and the page cannot sign up
    again until the chair reinstates them. The ids of the places ended."""
    if entry.token_hash is None:
        return []
    others = db.session.scalars(sa.select(QueueEntry).where(
        QueueEntry.meeting_id == meeting.id, QueueEntry.token_hash == entry.token_hash,
        QueueEntry.id != entry.id, QueueEntry.status.in_(IN_QUEUE)).order_by(QueueEntry.id)).all()
    for other in others:
        _end_place(meeting, state, other, actor=actor, now=now, reason="removed")
    return [other.id for other in others]


def _end_place(meeting, state, entry, *, actor, now, **why):
    """End a place still held as its resident leaving it does: a turn had (its time
    started, now or before a skip) ends done, so one turn per person per item holds;
    otherwise it ends left, and the place may be taken again. Logged like the join, so
    every place in the log is accounted for."""
    spoke = entry.used_seconds is not None
    if entry.status == EntryStatus.SPEAKING and state.speaker_entry_id == entry.id:
        # Before their time started they have not spoken: most often "Leave" pressed just
        # as the chair called them.
        spoke = spoke or _timer(state).started_at is not None
        _finish_speaker(meeting, state, status=EntryStatus.DONE if spoke else EntryStatus.LEFT, actor=actor, now=now)
        return
    was = entry.status
    entry.status = EntryStatus.DONE if spoke else EntryStatus.LEFT
    entry.finished_at = now
    record(meeting, Tag.SPEAKER_LEFT, {**_speaker_data(entry), "was": was.value, **why,
                                       **({"status": "done"} if spoke else {})}, actor=actor, now=now)


def hide_name(meeting, *, entry_id, reason, actor, now):
    """The chair hides the display name a participant typed (an insult, "Chair", "City
    Attorney — verified"): from now on every page, and the minutes, show them as
    "Speaker <number>", and they keep their place. The log keeps who hid it and why, but
    not the name: the log cannot be edited, and it is public."""
    _begin_change(meeting)
    reason = _reason(reason, "Say why the name is hidden: it is logged with it.")
    entry = _entry(meeting, entry_id)
    if entry.status not in IN_QUEUE:
        raise InvalidState(f"Entry {entry.id} is {entry.status.value}; only a name still in the queue can be hidden.")
    if not entry.display_name:
        raise InvalidState(f"Entry {entry.id} has no name to hide: it is shown as Speaker {entry.number}.")
    entry.display_name = None
    entry.name_hidden_at = now
    db.session.flush()
    data = {key: value for key, value in _speaker_data(entry).items() if key != "display_name"}
    record(meeting, Tag.SPEAKER_NAME_HIDDEN, {**data, "reason": reason}, actor=actor, now=now)
    _changed(meeting)
    return entry


def withdraw_card(meeting, *, entry_id, reason, actor, now):
    """Take back a speaker card or a caller's entry staff added (entered twice, under the
    wrong item or stance, or the person has gone home): the place ends as left, with
    who withdrew it and why in the log. Not a removal: nobody disrupted anything, so
    neither the warning rule nor the minutes' removals apply. A resident's own place
    is theirs to leave (or the chair removes it); a card being called is ended with the
    timer instead."""
    _begin_change(meeting)
    reason = _reason(reason, "Say why the card is withdrawn: it is logged with it.")
    entry = _card_in_line(meeting, entry_id, verb="withdrawn",
                          own_page="they leave the queue there, or the chair removes them with a reason.")
    was = entry.status
    entry.status = EntryStatus.LEFT
    entry.finished_at = now
    db.session.flush()
    record(meeting, Tag.SPEAKER_LEFT, {**_speaker_data(entry), "was": was.value, "reason": reason,
                                       "withdrawn": True}, actor=actor, now=now)
    _changed(meeting)
    return entry


def _card_in_line(meeting, entry_id, *, verb, own_page):
    """An entry staff added (a card, a caller: no page of its own) still waiting or
    skipped, for staff to withdraw or correct. A resident's own place is theirs
    (`own_page` says what is done instead); a card called or gone is part of the record."""
    entry = _entry(meeting, entry_id)
    if entry.token_hash is not None:
        raise InvalidState(f"This participant joined from their own page: {own_page}")
    if entry.status not in (EntryStatus.WAITING, EntryStatus.SKIPPED):
        raise InvalidState(f"Entry {entry.id} is {entry.status.value}: only a waiting or skipped card can be "
                           f"{verb}.")
    return entry


def correct_card(meeting, *, entry_id, changes, cap=DEFAULT_QUEUE_CAP, actor, now):
    """Correct a speaker card or a caller's entry staff added (a typo in the name, the wrong
    stance or item, a missed interpreter) without sending the person to the back of the
    line: the entry keeps its sign-up order, so under another item it stands where its
    sign-up time places it there (docs/live.md). `changes` holds only the fields to
    correct. The target item is held to `add_in_person`'s rules. A resident's own place
    is not staff's to rewrite (the chair hides a name instead), and a card called or
    gone is part of the record. The log keeps who corrected what, before and after."""
    state = _begin_change(meeting)
    entry = _card_in_line(meeting, entry_id, verb="corrected",
                          own_page="staff do not rewrite what they gave (the chair can hide a name).")
    corrected = q.corrections(_card_fields(entry), changes)
    if not corrected:
        raise InvalidState("The card already says that: there is nothing to correct.")
    if "item_id" in corrected:
        _check_card_move(meeting, state, entry, corrected["item_id"][1], cap=cap)
    if corrected.get("display_name", (None, None))[1] and entry.name_hidden_at is not None:
        raise InvalidState("The chair hid this card's name: it is listed by its number, and staff do not give it "
                           "a name again.")
    _apply_card_fields(entry, {name: after for name, (_, after) in corrected.items()})
    db.session.flush()
    record(meeting, Tag.SPEAKER_CORRECTED,
           {**_speaker_data(entry), "stance": entry.stance.value if entry.stance else None,
            "before": {name: before for name, (before, _) in corrected.items()},
            "after": {name: after for name, (_, after) in corrected.items()}}, actor=actor, now=now)
    _changed(meeting)
    return entry, sorted(corrected, key=schemas.CARD_FIELDS.index)


def _card_fields(entry):
    """A card's correctable fields, as the payload and the log say them."""
    return {"display_name": entry.display_name, "stance": entry.stance.value if entry.stance else None,
            "interpreter": bool(entry.needs_interpreter), "item_id": entry.item_id}


def _apply_card_fields(entry, values):
    if "display_name" in values:
        entry.display_name = values["display_name"]
    if "stance" in values:
        entry.stance = Stance(values["stance"]) if values["stance"] else None
    if "interpreter" in values:
        entry.needs_interpreter = values["interpreter"]
    if "item_id" in values:
        entry.item_id = values["item_id"]
        entry.item_key = values["item_id"] or 0


def _check_card_move(meeting, state, entry, item_id, *, cap):
    """A card moved to another item's line as `add_in_person` would add it there: an item
    taking comment whose comment has not been held and closed, with room in its line
    (cards carry no token, so the one-place rule has nobody to hold). A skipped card
    stays on the item it was skipped on: the chair recalls it there, or it is withdrawn."""
    if entry.status != EntryStatus.WAITING:
        raise InvalidState(f"Entry {entry.id} was skipped on its item: only a waiting card can move to another "
                           "item.")
    _item_taking_cards(meeting, state, item_id)
    waiting = db.session.scalar(sa.select(sa.func.count()).where(
        QueueEntry.meeting_id == meeting.id, QueueEntry.item_key == (item_id or 0),
        QueueEntry.status == EntryStatus.WAITING))
    try:
        q.refuse_join(holds_place=False, waiting=waiting, cap=cap)
    except q.QueueFull:
        raise QueueFull("The queue for this item is full.") from None


TIMER_ACTIONS = ("start", "pause", "resume", "extend", "stop")


def timer(meeting, *, action, seconds=None, allotted=None, actor, now, current_speaker=ANY_SPEAKER):
    """Start, pause, resume, extend or stop the speaker's countdown.

    `allotted`, for an extension, is the speaker's time the caller saw. When it has
    changed since (another console added time), the extension is refused: the chair
    and the clerk both pressing "Add 30 seconds" for one request would give 60.
    `current_speaker`, the speaker the caller saw: when another has been called since
    (a Stop confirmed while another console called next), the action is refused rather
    than applied to a turn the caller never saw."""
    state = _begin_change(meeting)
    if action not in TIMER_ACTIONS:
        raise ValidationFailed(f"'action' must be one of {', '.join(TIMER_ACTIONS)}.")
    if state.speaker is None:
        raise InvalidState("Nobody is speaking.")
    if current_speaker is not ANY_SPEAKER and current_speaker != state.speaker_entry_id:
        raise SpeakerChanged("The speaker changed since this was sent: someone else called next.")
    if action in ("start", "resume"):
        _refuse_in_recess(meeting, f"{action} the timer")
    current = _timer(state)
    if action == "extend" and allotted is not None and allotted != current.allotted_seconds:
        raise TimeChanged("The speaker's time changed since this was sent: someone else added time.")
    try:
        if action == "extend":
            updated = timers.extend(current, seconds, now)
        else:
            updated = getattr(timers, action)(current, now)
    except timers.TimerError as exc:
        raise InvalidState(f"Cannot {action} the timer: {exc}.") from None
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None
    _set_timer(meeting, state, action, updated, seconds=seconds if action == "extend" else None,
               actor=actor, now=now)
    if action == "stop":
        _finish_speaker(meeting, state, status=EntryStatus.DONE, actor=actor, now=now)
    _changed(meeting)
    return state


# -- residents and speaker cards ----------------------------------------------------

def _new_entry(meeting, *, item, channel, display_name, stance, interpreter, token_hash, cap, actor, now,
               added_by_id=None):
    item_key = item.id if item else 0
    # Two counts instead of loading the item's whole queue: joins come in bursts.
    holds_place, waiting, last_number = db.session.execute(
        sa.select(sa.func.count().filter(QueueEntry.token_hash == token_hash,
                                         QueueEntry.status.in_(HOLDS_PLACE)) if token_hash else sa.literal(0),
                  sa.func.count().filter(QueueEntry.status == EntryStatus.WAITING),
                  _last_number(meeting))
        .where(QueueEntry.meeting_id == meeting.id, QueueEntry.item_key == item_key)).one()
    try:
        q.refuse_join(holds_place=bool(holds_place), waiting=waiting, cap=cap)
    except q.AlreadyQueued:
        raise AlreadyQueued() from None
    except q.QueueFull:
        raise QueueFull("The queue for this item is full.") from None
    entry = QueueEntry(meeting_id=meeting.id, number=last_number + 1, item_id=item.id if item else None,
                       item_key=item_key, channel=channel, display_name=display_name,
                       stance=Stance(stance) if stance else None,
                       needs_interpreter=bool(interpreter), token_hash=token_hash, status=EntryStatus.WAITING,
                       signed_up_at=now, added_by_id=added_by_id, removal_reason="")
    db.session.add(entry)
    db.session.flush()
    record(meeting, Tag.SPEAKER_JOINED,
           {"entry_id": entry.id, "number": entry.number, "item_id": entry.item_id, "channel": channel.value,
            "display_name": display_name, "stance": stance, "interpreter": bool(interpreter)},
           actor=actor, now=now)
    _changed(meeting)
    return entry


def join_queue(meeting, *, item_id, display_name=None, stance=None, interpreter=False, token=None,
               cap=DEFAULT_QUEUE_CAP, actor=RESIDENT, now):
    """A resident takes a place; returns (entry, token). The token is the resident's only key."""
    token = token or new_token()
    [outcome] = join_many(meeting, [JoinRequest(item_id=item_id, token=token, display_name=display_name,
                                                stance=stance, interpreter=interpreter)], cap=cap, actor=actor, now=now)
    if isinstance(outcome, DomainError):
        raise outcome
    return db.session.get(QueueEntry, outcome.id), token


@dataclass(frozen=True)
class JoinRequest:
    item_id: int | None
    token: str
    display_name: str | None = None
    stance: str | None = None
    interpreter: bool = False


@dataclass(frozen=True)
class Joined:
    """A new remote entry, as the join acknowledgement shows it."""

    id: int
    item_id: int | None
    number: int | None = None
    position: int | None = None
    display_name: str | None = None
    status: EntryStatus = EntryStatus.WAITING
    channel: Channel = Channel.REMOTE
    name_hidden_at: None = None  # (as on an entry: a place just taken has had nothing hidden)


def new_token():
    return secrets.token_urlsafe(24)


def join_many(meeting, requests, *, cap=DEFAULT_QUEUE_CAP, actor=RESIDENT, now):
    """Several residents' joins at once, with exactly `join_queue`'s rules applied in order.

    For a burst of joins: one query checks the whole batch and gives the counts its
    places follow from (`queue.place_of_newest`), one INSERT adds the entries and
    one their log entries. Returns one `Joined` or `DomainError` per request.
    """
    _lock_live(meeting)
    outcomes = [None] * len(requests)
    item_ids = {request.item_id for request in requests} - {None}
    items = {row.id: row for row in db.session.execute(
        sa.select(AgendaItem.id, AgendaItem.meeting_id, AgendaItem.accepts_public_comment)
        .where(AgendaItem.id.in_(item_ids)))} if item_ids else {}
    state = db.session.get(LiveState, meeting.id)
    closed = set(state.closed_item_ids or []) if state is not None else set()
    # While the clerk's edits are not posted, residents sign up on the agenda as posted.
    posted = ({item.id: item.accepts_public_comment for item in meetings.public_items(meeting)}
              if meeting.has_unpublished_changes and item_ids else None)
    for index, request in enumerate(requests):
        try:
            _item(meeting, request.item_id, for_comment=True, loaded=items)
            # (Not the item under comment: the chair has brought it up, posted or not.)
            under_comment = state is not None and state.is_comment_open and state.comment_item_id == request.item_id
            if posted is not None and request.item_id is not None and not under_comment:
                if request.item_id not in posted:
                    raise NotFound(f"Item {request.item_id} is not on this meeting's posted agenda.")
                if not posted[request.item_id]:
                    raise InvalidState("This item does not take public comment.")
            if request.item_id in closed:
                raise CommentClosed()
        except DomainError as error:
            outcomes[index] = error
    hashes = {index: hash_token(request.token) for index, request in enumerate(requests)}
    queues, held, last_number = _join_counts(meeting, {request.item_id or 0 for request in requests},
                                             set(hashes.values()))
    policy = None
    accepted = []
    for index, request in enumerate(requests):
        if outcomes[index] is not None:
            continue
        key = request.item_id or 0
        queue = queues.setdefault(key, _QueueCounts())
        if (_REMOVED_ROW, hashes[index]) in held:  # removed from the meeting, on any item
            outcomes[index] = RemovedFromMeeting()
            continue
        try:
            q.refuse_join(holds_place=(key, hashes[index]) in held, waiting=sum(queue.waiting.values()), cap=cap)
        except q.AlreadyQueued:
            outcomes[index] = AlreadyQueued()
            continue
        except q.QueueFull:
            outcomes[index] = QueueFull("The queue for this item is full.")
            continue
        if policy is None:
            policy = db.session.execute(
                sa.select(Body.comment_policy).where(Body.id == meeting.body_id)).scalar_one().value
        position = q.place_of_newest(policy, q.REMOTE, queue.waiting, queue.first_channel, queue.last_called)
        held.add((key, hashes[index]))
        queue.waiting[q.REMOTE] = queue.waiting.get(q.REMOTE, 0) + 1
        queue.first_channel = queue.first_channel or q.REMOTE
        accepted.append((index, position))
    if not accepted:
        return outcomes
    rows = [{"meeting_id": meeting.id, "number": last_number + n, "item_id": requests[i].item_id,
             "item_key": requests[i].item_id or 0,
             "channel": Channel.REMOTE, "display_name": requests[i].display_name,
             "stance": Stance(requests[i].stance) if requests[i].stance else None,
             "needs_interpreter": bool(requests[i].interpreter), "token_hash": hashes[i],
             "status": EntryStatus.WAITING, "signed_up_at": now, "removal_reason": ""}
            for n, (i, _) in enumerate(accepted, start=1)]
    # Plain INSERT ... RETURNING on the table: the rows need no ORM bookkeeping, and
    # the ORM's bulk path costs more than the statement itself.
    table = QueueEntry.__table__
    ids = db.session.connection().execute(
        sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
    record_many(meeting, [(Tag.SPEAKER_JOINED, {
        "entry_id": entry_id, "number": row["number"], "item_id": row["item_id"],
        "channel": Channel.REMOTE.value,
        "display_name": row["display_name"], "stance": requests[i].stance,
        "interpreter": row["needs_interpreter"]}) for (i, _), entry_id, row in zip(accepted, ids, rows, strict=True)],
        actor=actor, now=now)
    meetings.bump_state_version(meeting, len(accepted))  # one version per change
    for (i, position), entry_id, row in zip(accepted, ids, rows, strict=True):
        outcomes[i] = Joined(id=entry_id, item_id=requests[i].item_id, number=row["number"], position=position,
                             display_name=requests[i].display_name)
    return outcomes


@dataclass
class _QueueCounts:
    """What the places of new entries in one item's queue follow from."""

    waiting: dict = field(default_factory=dict)  # {channel: entries waiting}
    first_channel: str | None = None             # channel of the earliest waiting entry
    last_called: str | None = None               # channel of the last speaker called


def _last_number(meeting):
    """The meeting's highest speaker number so far (0 before the first entry)."""
    return (sa.select(sa.func.coalesce(sa.func.max(QueueEntry.number), 0))
            .where(QueueEntry.meeting_id == meeting.id).scalar_subquery())


# Mark _join_counts' row that carries the meeting's last speaker number, and the rows of
# tokens the chair removed from the meeting (item keys are 0 for general comment, else
# an agenda item's id).
_NUMBER_ROW = -1
_REMOVED_ROW = -2


def _join_counts(meeting, item_keys, token_hashes):
    """({item_key: _QueueCounts}, {(item_key, token_hash) holding a place, and
    (_REMOVED_ROW, token_hash) removed from the meeting}, the meeting's last speaker
    number) in one query."""
    in_items = (QueueEntry.meeting_id == meeting.id) & QueueEntry.item_key.in_(item_keys)
    waiting = QueueEntry.status == EntryStatus.WAITING
    per_channel = (sa.select(QueueEntry.item_key, QueueEntry.channel, sa.func.count().filter(waiting).label("n"),
                             sa.func.min(QueueEntry.id).filter(waiting).label("first_id"),
                             sa.func.max(QueueEntry.called_seq).label("last_called"),
                             sa.null().label("token_hash"))
                   .where(in_items, waiting | QueueEntry.called_seq.is_not(None))
                   .group_by(QueueEntry.item_key, QueueEntry.channel))
    holding = (sa.select(QueueEntry.item_key, sa.null(), sa.literal(0), sa.null(), sa.null(), QueueEntry.token_hash)
               .where(in_items, QueueEntry.token_hash.in_(token_hashes), QueueEntry.status.in_(HOLDS_PLACE)))
    removed = (sa.select(sa.literal(_REMOVED_ROW), sa.null(), sa.literal(0), sa.null(), sa.null(),
                         QueueEntry.token_hash)
               .where(QueueEntry.meeting_id == meeting.id, QueueEntry.token_hash.in_(token_hashes),
                      QueueEntry.status == EntryStatus.REMOVED))
    numbering = sa.select(sa.literal(_NUMBER_ROW), sa.null(), _last_number(meeting), sa.null(), sa.null(), sa.null())
    lanes, held, last_number = {}, set(), 0
    for item_key, channel, n, first_id, last_called, token_hash in db.session.execute(
            sa.union_all(per_channel, holding, removed, numbering)).all():
        if item_key == _NUMBER_ROW:
            last_number = n
        elif token_hash is not None:
            held.add((item_key, token_hash))
        else:
            lanes.setdefault(item_key, []).append((Channel(channel).value, n, first_id, last_called))
    queues = {}
    for item_key, rows in lanes.items():
        waiting_rows = [row for row in rows if row[1]]
        called_rows = [row for row in rows if row[3] is not None]
        queues[item_key] = _QueueCounts(
            waiting={channel: n for channel, n, _, _ in waiting_rows},
            first_channel=min(waiting_rows, key=lambda row: row[2])[0] if waiting_rows else None,
            last_called=max(called_rows, key=lambda row: row[3])[0] if called_rows else None)
    return queues, held, last_number


def _item_taking_cards(meeting, state, item_id):
    """The item (None: general comment) a card may go on: one taking comment, whose
    comment has not been held and closed (a card entered or moved there alike)."""
    item = _item(meeting, item_id, for_comment=True)
    if item is not None and item.id in (state.closed_item_ids or []):
        raise CommentClosed()
    return item


def add_in_person(meeting, *, item_id, display_name=None, stance=None, interpreter=False, channel="in_person",
                  cap=DEFAULT_QUEUE_CAP, actor, now):
    """The clerk enters a speaker card, or a caller on the phone line or the webinar
    who has no comment page (`channel="remote"`: the ordering policies count them as
    remote). Neither carries a token, so there is no duplicate check."""
    state = _begin_change(meeting)
    item = _item_taking_cards(meeting, state, item_id)
    return _new_entry(meeting, item=item, channel=Channel(channel), display_name=display_name, stance=stance,
                      interpreter=interpreter, token_hash=None, cap=cap, actor=actor, now=now,
                      added_by_id=getattr(actor, "id", None))


def _entries_for_token(meeting, token):
    if not token or not isinstance(token, str) or len(token) > 200:
        return []
    return db.session.scalars(
        sa.select(QueueEntry).where(QueueEntry.meeting_id == meeting.id,
                                    QueueEntry.token_hash == hash_token(token))
        .order_by(QueueEntry.id)).all()


def resume(meeting, *, token):
    """The resident's place for this token; read-only. With several, the one under
    comment comes first, then a waiting or speaking one before a skipped one, then the
    newest. A skipped place is found too: the chair may still recall it."""
    return held_places(meeting, token=token)[0]


def held_places(meeting, *, token):
    """Every place this token holds (waiting, speaking or skipped), in `resume`'s order
    of preference; NotFound, saying how each ended, when it holds none."""
    return token_places(meeting, token=token)[0]


def token_places(meeting, *, token):
    """The places this token holds, in `resume`'s order of preference, how its other
    places ended (`[{entry_id, item_id, status, heard?, reason?}]`): a page that followed one of those
    says how it ended, though the browser holds another, and the chair's latest warning
    to them (`{at, reason}`, or None). NotFound, with the endings, when it holds none."""
    entries = _entries_for_token(meeting, token)
    held = [e for e in entries if e.status in IN_QUEUE]
    # How this token's places ended (spoken, removed, left): the resident's page says
    # which, rather than only that the place is gone. Only the token's holder asks.
    # `heard`, for a turn that ended: whether its time was started (a turn ended
    # before then is not counted as a comment, and the page says so).
    # `reason`, for a place the chair removed: the reason they gave (it is in the public
    # log already), so the person removed is told why, not only that they were.
    ended = [{"entry_id": e.id, "item_id": e.item_id, "status": e.status.value,
              **({"heard": e.used_seconds is not None} if e.status == EntryStatus.DONE else {}),
              **({"reason": e.removal_reason} if e.status == EntryStatus.REMOVED else {})}
             for e in entries if e.status not in IN_QUEUE]
    if not held:
        raise NotFound("No place in the queue for this token.", details={"ended": ended} if entries else None)
    # A warning is given to the person (on any of their places): the latest, and what it was
    # for, so their page can say so.
    warnings = [e for e in entries if e.warned_at is not None]
    latest = max(warnings, key=lambda e: e.warned_at) if warnings else None
    warning = {"at": _iso(latest.warned_at), "reason": latest.warning_reason} if latest else None
    state = db.session.get(LiveState, meeting.id)
    is_open = state is not None and state.is_comment_open

    def preference(entry):
        return is_open and entry.item_id == state.comment_item_id, entry.status in ACTIVE, entry.id
    return sorted(held, key=preference, reverse=True), ended, warning


def seen_call(meeting, *, token, now):
    """The speaker's own page says it has received the call. The chair's console
    shows it: a remote speaker whose page never did has most likely closed it or lost
    the connection, and can be skipped rather than waited for. Said again (after a
    reconnection, say) it changes nothing; it is not logged, as it moves nobody."""
    state = _begin_change(meeting)
    entry = state.speaker
    if entry is None or not token or entry.token_hash != hash_token(token):
        raise NotFound("You are not the speaker now.")
    if entry.call_seen_at is None:
        entry.call_seen_at = now
        _changed(meeting)
    return entry


def leave_queue(meeting, *, token, entry_id=None, actor=RESIDENT, now):
    """The resident gives up their place (one entry, or every one for the token),
    skipped ones included, so the chair does not recall someone who has gone."""
    state = _begin_change(meeting)
    held = [e for e in _entries_for_token(meeting, token) if e.status in IN_QUEUE
            and (entry_id is None or e.id == entry_id)]
    if not held:
        raise NotFound("No place in the queue for this token.")
    for entry in held:
        _end_place(meeting, state, entry, actor=actor, now=now)
    db.session.flush()
    _changed(meeting)
    return held

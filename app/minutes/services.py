"""Proceedings and minutes use cases. Each takes `actor=` and `now=`, flushes but never
commits, locks the meeting row first (so one meeting's record is written in order),
bumps `Meeting.state_version` once per change and writes the compliance log.
"""
import difflib
import hashlib
from datetime import datetime

import sqlalchemy as sa

from app.compliance import rules as compliance_rules
from app.compliance.models import ComplianceEntry
from app.compliance.services import record
from app.compliance.tags import Tag
from app.core.db import lock_row_once
from app.core.errors import InvalidState, NotFound, ValidationFailed
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import AgendaItem, Meeting, MeetingStatus, Member, SectionKind
from app.meetings.sanitize import clean_html
from app.minutes import rules
from app.minutes.models import (Attendance, AttendanceMode, AttendanceStatus, BodySeats, EventKind,
                                MinutesApproval, MinutesRevision, Motion, MotionKind, MotionResult,
                                ProceedingsEvent, Recusal, Threshold, Vote, VoteChoice)

MAX_TEXT = 20000
MAX_REASON = 2000
MAX_MINUTES_HTML = 500000
SITTING = {MeetingStatus.IN_PROGRESS, MeetingStatus.RECESSED}
STARTED = SITTING | {MeetingStatus.ADJOURNED}


class VoteRefused(InvalidState):
    """A vote guard refused the vote; `code` is the first guard that stands."""

    def __init__(self, refusals):
        first = refusals[0]
        super().__init__(first.message, details={"refusals": [r.as_dict() for r in refusals]})
        self.code = first.code


class MinutesApproved(InvalidState):
    code = "minutes_approved"


# -- shared steps ------------------------------------------------------------------

def _lock(meeting):
    lock_row_once(meeting)


def _changed(meeting):
    # A new version of the live state, sent to the /live pages once committed.
    meetings.note_state_change(meeting)


def _require_status(meeting, allowed, doing):
    if meeting.status not in allowed:
        raise InvalidState(f"The meeting is {meeting.status.value}; cannot {doing}.")


def _not_closed(meeting):
    if in_closed_session(meeting):
        raise InvalidState("The body is in closed session: its reportable actions go in the report on return.")


def _actor_id(actor):
    return getattr(actor, "id", None)


def _text(name, value, max_length, *, required=True):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(f"'{name}' must be text.")
    value = value.strip()
    if required and not value:
        raise ValidationFailed(f"'{name}' is required and must not be blank.")
    if len(value) > max_length:
        raise ValidationFailed(f"'{name}' is longer than {max_length} characters.")
    return value


def _iso(value):
    return value.isoformat() if value is not None else None


def get_motion(motion_id):
    return meetings.get_by_id(Motion, motion_id, "motion")


def member_of(meeting, member_id, field="member_id"):
    member = meetings.get_by_id(Member, member_id, "member") if member_id is not None else None
    if member is None or member.body_id != meeting.body_id:
        raise NotFound(f"'{field}': no member {member_id} on this body.")
    return member


def item_of(meeting, item_id):
    item = meetings.get_by_id(AgendaItem, item_id, "agenda item")
    if item.meeting_id != meeting.id:
        raise NotFound(f"Item {item_id} is not on this meeting's agenda.")
    return item


# -- reading the record --------------------------------------------------------------

def seated_members(meeting):
    return [m for m in meeting.body.members if m.is_active]


def seats(body):
    row = db.session.get(BodySeats, body.id)
    if row is not None:
        return row.seats
    return max(1, sum(1 for m in body.members if m.is_active))


def attendance_rows(meeting):
    return {row.member_id: row for row in db.session.scalars(
        sa.select(Attendance).where(Attendance.meeting_id == meeting.id))}


def attendance_map(meeting):
    """{member_id: (status, mode)} for every seated member; nobody recorded yet is absent."""
    rows = attendance_rows(meeting)
    result = {}
    for member in seated_members(meeting):
        row = rows.get(member.id)
        result[member.id] = ((row.status.value, row.mode.value) if row
                             else (rules.ABSENT, rules.IN_PERSON))
    return result


def quorum(meeting):
    return rules.quorum_summary(seats(meeting.body), attendance_map(meeting))


def attendance_recorded(meeting):
    """Whether anyone's attendance has been recorded yet. Until then the quorum counts
    everyone absent, and the pages say the roll call has not been taken rather than
    that there is no quorum."""
    return db.session.scalar(sa.select(sa.exists().where(Attendance.meeting_id == meeting.id)))


def events(meeting):
    return db.session.scalars(sa.select(ProceedingsEvent).where(ProceedingsEvent.meeting_id == meeting.id)
                              .order_by(ProceedingsEvent.occurred_at, ProceedingsEvent.id)).all()


def is_remote_access_down(meeting):
    last = db.session.scalars(
        sa.select(ProceedingsEvent).where(
            ProceedingsEvent.meeting_id == meeting.id,
            ProceedingsEvent.kind.in_([EventKind.REMOTE_ACCESS_DOWN, EventKind.REMOTE_ACCESS_RESTORED]))
        .order_by(ProceedingsEvent.id.desc()).limit(1)).first()
    return bool(last and last.kind == EventKind.REMOTE_ACCESS_DOWN)


def comment_periods(meeting):
    """The meeting's comment periods, read from the comment opened/closed log entries.

    The compliance log is the durable record of each period (the live state keeps only
    the current one), so the guard trusts exactly what an auditor can verify.
    """
    entries = db.session.scalars(
        sa.select(ComplianceEntry).where(
            ComplianceEntry.meeting_id == meeting.id,
            ComplianceEntry.tag.in_([Tag.COMMENT_OPENED.value, Tag.COMMENT_CLOSED.value]))
        .order_by(ComplianceEntry.seq)).all()
    periods = []
    for entry in entries:
        item_id = (entry.data or {}).get("item_id")
        if entry.tag == Tag.COMMENT_OPENED.value:
            periods.append({"item_id": item_id, "opened_at": entry.recorded_at, "closed_at": None})
        else:
            for period in reversed(periods):
                if period["item_id"] == item_id and period["closed_at"] is None:
                    period["closed_at"] = entry.recorded_at
                    break
    return tuple(rules.CommentPeriod(**p) for p in periods)


# The log entries that move a meeting on from its opening roll call, with the kind of
# happening each is to the pure rule (rules.ROLL_CALL_ENDS); recesses, adjournment and
# closed sessions are read from the meeting's events.
_ROLL_CALL_ENDING_TAGS = {Tag.ITEM_CURRENT.value: "item_taken_up", Tag.COMMENT_OPENED.value: "comment_opened",
                          Tag.MOTION_MADE.value: "motion", Tag.RECUSAL_DECLARED.value: "recusal",
                          Tag.CONSENT_PULLED.value: "consent_pulled"}


def roll_call_closed_at(meeting, meeting_events=None):
    """When the opening roll call ended (rules.roll_call_closed_at), or None while it lasts.

    The compliance log holds when each item was taken up and each comment period opened
    (the live state keeps only the current ones), in the order they happened."""
    meeting_events = events(meeting) if meeting_events is None else meeting_events
    start = next((ev for ev in meeting_events if ev.kind == EventKind.CALL_TO_ORDER), None)
    if start is None:
        return None
    happenings = [rules.Happening(ev.kind.value, ev.occurred_at) for ev in meeting_events
                  if ev.kind != EventKind.CALL_TO_ORDER]
    entries = db.session.scalars(
        sa.select(ComplianceEntry).where(ComplianceEntry.meeting_id == meeting.id,
                                         ComplianceEntry.tag.in_(list(_ROLL_CALL_ENDING_TAGS)))
        .order_by(ComplianceEntry.seq)).all()
    sections = {item.id: item.section.kind.value for item in meeting.items}
    for entry in entries:
        kind = _ROLL_CALL_ENDING_TAGS[entry.tag]
        item_id = (entry.data or {}).get("item_id") if kind == "item_taken_up" else None
        # recorded_at is the exact ISO-8601 text that was hashed.
        happenings.append(rules.Happening(kind, datetime.fromisoformat(entry.recorded_at), sections.get(item_id)))
    return rules.roll_call_closed_at(start.occurred_at, happenings)


def arrived_late(row, closed_at):
    """True when the member was first recorded present after the opening roll call ended."""
    return rules.arrived_late(row.arrived_at if row is not None else None, closed_at)


def roll_call_quorum(meeting, rows, closed_at):
    """The quorum as the opening roll call found it, for the minutes beside the roll call:
    the members recorded present by its end, counted even if they left later (and not
    those who arrived late). While the roll call lasts, the quorum now."""
    if closed_at is None:
        return quorum(meeting)
    attendance = {}
    for member in seated_members(meeting):
        row = rows.get(member.id)
        answered = (row is not None and row.arrived_at is not None and not arrived_late(row, closed_at)
                    and (row.left_at is None or row.left_at > closed_at))
        attendance[member.id] = (rules.PRESENT, row.mode.value) if answered else (rules.ABSENT, rules.IN_PERSON)
    return rules.quorum_summary(seats(meeting.body), attendance)


def recusals(meeting):
    return db.session.scalars(sa.select(Recusal).where(Recusal.meeting_id == meeting.id)
                              .order_by(Recusal.id)).all()


def motions(meeting):
    return db.session.scalars(sa.select(Motion).where(Motion.meeting_id == meeting.id)
                              .order_by(Motion.made_at, Motion.id)).all()


# -- lifecycle -------------------------------------------------------------------------

ACTIONS = {
    # action: (statuses it may start from, status it leads to)
    "call_to_order": ({MeetingStatus.PUBLISHED}, MeetingStatus.IN_PROGRESS),
    "recess": ({MeetingStatus.IN_PROGRESS}, MeetingStatus.RECESSED),
    "reconvene": ({MeetingStatus.RECESSED}, MeetingStatus.IN_PROGRESS),
    "adjourn": (SITTING, MeetingStatus.ADJOURNED),
    "remote_access_down": (SITTING, None),
    "remote_access_restored": (SITTING, None),
    # Announced in open session with its items; on return, the reportable actions.
    "closed_session": ({MeetingStatus.IN_PROGRESS}, None),
    "closed_session_report": ({MeetingStatus.IN_PROGRESS}, None),
}


def in_closed_session(meeting):
    last = db.session.scalars(
        sa.select(ProceedingsEvent).where(
            ProceedingsEvent.meeting_id == meeting.id,
            ProceedingsEvent.kind.in_([EventKind.CLOSED_SESSION, EventKind.CLOSED_SESSION_REPORT]))
        .order_by(ProceedingsEvent.id.desc()).limit(1)).first()
    return bool(last and last.kind == EventKind.CLOSED_SESSION)


def _closed_session_items(meeting, item_ids):
    if not item_ids:
        raise ValidationFailed("'item_ids': announce the closed-session items before going in.")
    items = [item_of(meeting, item_id) for item_id in item_ids]
    stray = [i.id for i in items if i.section.kind != SectionKind.CLOSED_SESSION]
    if stray:
        raise ValidationFailed(f"'item_ids': items {stray} are not in a closed-session section of the agenda.")
    return items


def proceedings_action(meeting, *, action, note="", item_ids=None, actor, now):
    """Call to order, recess, reconvene, adjourn, a remote-access report, or a closed session."""
    if action not in ACTIONS:
        raise ValidationFailed(f"'action' must be one of: {', '.join(ACTIONS)}.")
    note = _text("note", note, MAX_TEXT if action == "closed_session_report" else MAX_REASON,
                 required=action == "closed_session_report")
    _lock(meeting)
    if action == "closed_session":
        return _closed_session(meeting, item_ids, note, actor=actor, now=now)
    if action == "closed_session_report":
        return _closed_session_report(meeting, note, actor=actor, now=now)
    if action in ("recess", "adjourn") and in_closed_session(meeting):
        raise InvalidState("Report out of the closed session first.")
    allowed, target = ACTIONS[action]
    if meeting.status not in allowed:
        raise InvalidState(f"{meeting.status.a_meeting.capitalize()} cannot {action.replace('_', ' ')}.")
    if action in REMOTE_ACCESS_ACTIONS:
        return _remote_access(meeting, action, note, {}, actor=actor, now=now)
    event = ProceedingsEvent(meeting_id=meeting.id, kind=EventKind(action), occurred_at=now,
                             actor_id=_actor_id(actor), note=note, item_ids=[])
    db.session.add(event)
    previous = meeting.status
    meetings.change_status(meeting, target, actor=actor, now=now)
    record(meeting, Tag.PROCEEDINGS_CHANGED,
           {"action": action, "from": previous.value, "to": target.value, "at": now.isoformat(),
            "note": note, "quorum": quorum(meeting)}, actor=actor, now=now)
    return event  # (the status change was the new version)


REMOTE_ACCESS_ACTIONS = ("remote_access_down", "remote_access_restored")


def _remote_access(meeting, action, note, evidence, *, actor, now):
    """A remote-access report, the clerk's or the watcher's: the same event and log tag for both."""
    is_down = is_remote_access_down(meeting)
    if action == "remote_access_down" and is_down:
        raise InvalidState("Remote public access is already reported down.")
    if action == "remote_access_restored" and not is_down:
        raise InvalidState("Remote public access is not reported down.")
    event = ProceedingsEvent(meeting_id=meeting.id, kind=EventKind(action), occurred_at=now,
                             actor_id=_actor_id(actor), note=note, item_ids=[])
    db.session.add(event)
    tag = Tag.REMOTE_ACCESS_DOWN if action == "remote_access_down" else Tag.REMOTE_ACCESS_RESTORED
    record(meeting, tag, {"at": now.isoformat(), "note": note, **evidence}, actor=actor, now=now)
    _changed(meeting)
    return event


# -- the remote-access watcher (access_watch.py decides, access_watcher.py checks) --------

# The actor of the watcher's reports in the compliance log; its entries also carry
# "automatic": true and the check that failed, which is how a report is known as its own.
WATCHER = "system"


def _last_remote_access_entry(meeting):
    return db.session.scalars(
        sa.select(ComplianceEntry).where(
            ComplianceEntry.meeting_id == meeting.id,
            ComplianceEntry.tag.in_([Tag.REMOTE_ACCESS_DOWN.value, Tag.REMOTE_ACCESS_RESTORED.value]))
        .order_by(ComplianceEntry.seq.desc()).limit(1)).first()


def down_reported_by_watcher(meeting):
    """True when remote access is reported down and the report in force is the watcher's own."""
    entry = _last_remote_access_entry(meeting)
    return bool(entry is not None and entry.tag == Tag.REMOTE_ACCESS_DOWN.value and entry.actor == WATCHER
                and (entry.data or {}).get("automatic") is True)


def watcher_reports_down(meeting, *, check, detail, now):
    """The watcher found the public comment service unreachable: remote access is down.

    `check` names the check that failed (engineio_handshake or comment_page) and
    `detail` says what it got; both go into the note and the log entry."""
    _lock(meeting)
    _require_status(meeting, SITTING, "report remote access down")
    note = f"Automatic check: {detail}"[:MAX_REASON]
    return _remote_access(meeting, "remote_access_down", note, {"automatic": True, "check": check},
                          actor=WATCHER, now=now)


def watcher_reports_restored(meeting, *, now):
    """The checks pass again: clear the watcher's own down report, never the clerk's."""
    _lock(meeting)
    _require_status(meeting, SITTING, "report remote access restored")
    if is_remote_access_down(meeting) and not down_reported_by_watcher(meeting):
        raise InvalidState("Remote public access was reported down by the clerk; only the clerk restores it.")
    note = "Automatic check: the public comment service and the comment page answer again."
    return _remote_access(meeting, "remote_access_restored", note, {"automatic": True}, actor=WATCHER, now=now)


def _closed_session(meeting, item_ids, note, *, actor, now):
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise InvalidState(f"{meeting.status.a_meeting.capitalize()} cannot go into closed session.")
    if in_closed_session(meeting):
        raise InvalidState("The body is already in closed session.")
    items = _closed_session_items(meeting, item_ids)
    event = ProceedingsEvent(meeting_id=meeting.id, kind=EventKind.CLOSED_SESSION, occurred_at=now,
                             actor_id=_actor_id(actor), note=note, item_ids=[i.id for i in items])
    db.session.add(event)
    record(meeting, Tag.CLOSED_SESSION_ANNOUNCED,
           {"action": "closed_session", "at": now.isoformat(), "note": note,
            "items": [{"item_id": i.id, "title": i.title} for i in items]}, actor=actor, now=now)
    _changed(meeting)
    return event


def _closed_session_report(meeting, report, *, actor, now):
    if meeting.status != MeetingStatus.IN_PROGRESS or not in_closed_session(meeting):
        raise InvalidState("The body is not in closed session.")
    event = ProceedingsEvent(meeting_id=meeting.id, kind=EventKind.CLOSED_SESSION_REPORT, occurred_at=now,
                             actor_id=_actor_id(actor), note=report, item_ids=[])
    db.session.add(event)
    record(meeting, Tag.CLOSED_SESSION_REPORTED,
           {"action": "closed_session_report", "at": now.isoformat(), "report": report}, actor=actor, now=now)
    _changed(meeting)
    return event


# -- attendance ---------------------------------------------------------------------------

def record_attendance(meeting, member, *, status, mode=AttendanceMode.IN_PERSON.value, remote_basis="",
                      correction=False, actor, now):
    """Roll call for one member. Returns (row, changed): resending the same answer changes nothing.

    A member recorded present and then absent left the meeting, and the minutes say
    when. With `correction`, they were never here (the clerk chose the wrong row):
    their arrival is forgotten rather than a departure recorded. The log keeps both."""
    try:
        status = AttendanceStatus(status)
        mode = AttendanceMode(mode or AttendanceMode.IN_PERSON.value)
    except ValueError:
        raise ValidationFailed("'status' must be present or absent; 'mode' in_person or remote.") from None
    remote_basis = _text("remote_basis", remote_basis, 500, required=False)
    _lock(meeting)
    _require_status(meeting, SITTING, "take attendance before the meeting is called to order")
    if member.body_id != meeting.body_id or not member.is_active:
        raise NotFound(f"No seated member {member.id} on this body.")
    pack = rules.rules_for(meeting.body.rule_pack)
    if status == AttendanceStatus.PRESENT and mode == AttendanceMode.REMOTE and pack.remote_basis_required \
            and not remote_basis:
        raise ValidationFailed("'remote_basis' is required: the rules ask for the legal ground for "
                               f"remote attendance ({pack.citations.get('remote_basis', '')}).")
    if status == AttendanceStatus.ABSENT:
        mode, remote_basis = AttendanceMode.IN_PERSON, ""
    if mode == AttendanceMode.IN_PERSON:
        remote_basis = ""
    row = attendance_rows(meeting).get(member.id)
    was_present = row is not None and row.status == AttendanceStatus.PRESENT
    if correction and (status != AttendanceStatus.ABSENT or not was_present):
        raise ValidationFailed("'correction' is for recording absent a member now recorded present.")
    if row is not None and (row.status, row.mode, row.remote_basis) == (status, mode, remote_basis):
        return row, False
    before = quorum(meeting)["has_quorum"]
    if row is None:
        row = Attendance(meeting_id=meeting.id, member_id=member.id, status=status, mode=mode,
                         remote_basis=remote_basis, recorded_at=now)
        db.session.add(row)
    previous = row.status if row.id else None
    row.status, row.mode, row.remote_basis, row.recorded_at = status, mode, remote_basis, now
    if status == AttendanceStatus.PRESENT and previous != AttendanceStatus.PRESENT:
        row.arrived_at = row.arrived_at or now
        row.left_at = None
    elif correction:
        row.arrived_at = row.left_at = None
    elif status == AttendanceStatus.ABSENT and previous == AttendanceStatus.PRESENT:
        row.left_at = now
    db.session.flush()
    summary = quorum(meeting)
    record(meeting, Tag.ATTENDANCE_RECORDED,
           {"member_id": member.id, "name": member.name, "status": status.value, "mode": mode.value,
            "remote_basis": remote_basis, "arrived_at": _iso(row.arrived_at), "left_at": _iso(row.left_at),
            **({"correction": True} if correction else {}),
            "quorum": summary, "quorum_changed": before != summary["has_quorum"]}, actor=actor, now=now)
    _changed(meeting)
    return row, True


def declare_recusal(meeting, *, item, member, reason, actor, now):
    reason = _text("reason", reason, MAX_REASON)
    _lock(meeting)
    _require_status(meeting, SITTING, "declare a recusal")
    existing = db.session.scalar(sa.select(Recusal).where(Recusal.item_id == item.id,
                                                          Recusal.member_id == member.id))
    if existing is not None:
        raise InvalidState(f"{member.name} is already recused from this item.")
    recusal = Recusal(meeting_id=meeting.id, item_id=item.id, member_id=member.id, reason=reason,
                      declared_at=now)
    db.session.add(recusal)
    db.session.flush()
    record(meeting, Tag.RECUSAL_DECLARED,
           {"action": "recusal", "item_id": item.id, "member_id": member.id, "name": member.name,
            "reason": reason, "at": now.isoformat()}, actor=actor, now=now)
    _changed(meeting)
    return recusal


# -- motions and votes ------------------------------------------------------------------------

def covered_items(item):
    """A motion on a consent item decides the whole consent calendar it belongs to."""
    if item.section.kind == SectionKind.CONSENT:
        return list(item.section.items)
    return [item]


# Where a pulled consent item goes: the first of these after the consent calendar.
REGULAR_SECTIONS = (SectionKind.BUSINESS, SectionKind.PUBLIC_HEARING, SectionKind.REPORTS)


def _regular_section_after(meeting, consent):
    sections = meeting.sections
    later = sections[sections.index(consent) + 1:]
    for kinds in ((SectionKind.BUSINESS,), REGULAR_SECTIONS):
        for section in later:
            if section.kind in kinds:
                return section
    for section in sections:
        if section.kind in REGULAR_SECTIONS:
            return section
    raise InvalidState("This agenda has no regular business section to move the item to.")


def pull_from_consent(meeting, *, item_id, reason="", actor, now):
    """Take an item off the consent calendar: it moves to the regular agenda, to be heard and
    voted on its own, and a consent motion not yet voted no longer covers it."""
    reason = _text("reason", reason, MAX_REASON, required=False)
    _lock(meeting)
    item = item_of(meeting, item_id)
    _require_status(meeting, SITTING, "pull an item from consent unless the meeting is in session")
    _not_closed(meeting)
    consent = item.section
    if consent.kind != SectionKind.CONSENT:
        raise InvalidState(f"Item {item.id} is not on the consent calendar.")
    covering = [m for m in motions(meeting) if item.id in (m.covered_item_ids or [])]
    if any(m.result is not None for m in covering):
        raise InvalidState("The consent calendar has already been voted on; this item was decided with it.")
    target = _regular_section_after(meeting, consent)
    remaining = [i.id for i in consent.items if i.id != item.id]
    for motion in covering:
        if not remaining:
            raise InvalidState(f"Motion {motion.id} covers only this item; vote on it as it stands, or "
                               "make a new motion after pulling.")
        motion.covered_item_ids = [i for i in motion.covered_item_ids if i != item.id]
        if motion.item_id == item.id:
            motion.item_id = remaining[0]
    meetings.pull_from_consent(item, target)
    record(meeting, Tag.CONSENT_PULLED,
           {"item_id": item.id, "title": item.title, "from_section_id": consent.id,
            "to_section_id": target.id, "reason": reason,
            "motions": [{"motion_id": m.id, "item_ids": list(m.covered_item_ids)} for m in covering]},
           actor=actor, now=now)
    _changed(meeting)
    return item


def make_motion(meeting, *, item_id, text, mover_id, seconder_id=None, threshold=None,
                kind=MotionKind.MAIN.value, actor, now):
    text = _text("text", text, MAX_TEXT)
    try:
        kind = MotionKind(kind or MotionKind.MAIN.value)
        # Named with the motion, or the body's default for its kind (Robert's Rules unless changed).
        threshold = Threshold(rules.threshold_for(kind.value, meeting.body.default_thresholds, threshold))
    except ValueError:
        raise ValidationFailed(f"'kind' must be one of {', '.join(rules.MOTION_KINDS)}; 'threshold' one of "
                               f"{', '.join(rules.THRESHOLDS)}.") from None
    _lock(meeting)
    item = item_of(meeting, item_id)
    mover = member_of(meeting, mover_id, "mover_id")
    seconder = member_of(meeting, seconder_id, "seconder_id") if seconder_id is not None else None
    _require_status(meeting, {MeetingStatus.IN_PROGRESS}, "take a motion unless the meeting is in session")
    _not_closed(meeting)
    if seconder is not None and seconder.id == mover.id:
        raise ValidationFailed("A member cannot second their own motion.")
    attendance = attendance_map(meeting)
    items = covered_items(item)
    recused = {r.member_id for r in recusals(meeting) if r.item_id in {i.id for i in items}}
    for role, member in (("mover", mover), ("seconder", seconder)):
        if member is None:
            continue
        if attendance.get(member.id, (rules.ABSENT,))[0] != rules.PRESENT:
            raise InvalidState(f"The {role}, {member.name}, is not recorded present.")
        if member.id in recused:
            error = InvalidState(f"The {role}, {member.name}, is recused from this item.")
            error.code = rules.RECUSED_MEMBER_VOTING
            raise error
    motion = Motion(meeting_id=meeting.id, item_id=item.id, covered_item_ids=[i.id for i in items], text=text,
                    kind=kind, threshold=threshold, mover_id=mover.id,
                    seconder_id=seconder.id if seconder else None, made_at=now, made_by_id=_actor_id(actor),
                    override_reason="", overridden_guards=[])
    db.session.add(motion)
    db.session.flush()
    record(meeting, Tag.MOTION_MADE,
           {"motion_id": motion.id, "item_id": item.id, "item_ids": motion.covered_item_ids,
            "kind": kind.value, "text": text, "threshold": threshold.value,
            "mover": {"member_id": mover.id, "name": mover.name},
            "seconder": {"member_id": seconder.id, "name": seconder.name} if seconder else None},
           actor=actor, now=now)
    _changed(meeting)
    return motion


def vote_context(motion, votes, method):
    meeting = db.session.get(Meeting, motion.meeting_id)
    covered = set(motion.covered_item_ids)
    items = [db.session.get(AgendaItem, i) for i in motion.covered_item_ids]
    return rules.VoteContext(
        seats=seats(meeting.body), attendance=attendance_map(meeting), votes=votes,
        recused=frozenset(r.member_id for r in recusals(meeting) if r.item_id in covered),
        items_needing_comment=tuple(i.id for i in items if i is not None and i.accepts_public_comment),
        comment_periods=comment_periods(meeting), remote_access_down=is_remote_access_down(meeting),
        has_second=motion.seconder_id is not None,
        second_required=motion.kind.value in rules.SECOND_REQUIRED, method=method)


def record_vote(motion, *, votes=None, method=rules.ROLL_CALL, override_reason=None, actor, now):
    """Record every member's vote; the tally and result follow from the motion's threshold."""
    meeting = db.session.get(Meeting, motion.meeting_id)
    if method not in rules.VOTE_METHODS:
        raise ValidationFailed(f"'method' must be one of {', '.join(rules.VOTE_METHODS)}.")
    override_reason = _text("override_reason", override_reason, MAX_REASON, required=False)
    _lock(meeting)
    _require_status(meeting, {MeetingStatus.IN_PROGRESS}, "vote unless the meeting is in session")
    _not_closed(meeting)
    if motion.result is not None:
        raise InvalidState(f"Motion {motion.id} was already voted on ({motion.result.value}).")
    members = {m.id: m for m in seated_members(meeting)}
    attendance = attendance_map(meeting)
    context = vote_context(motion, {}, method)
    if method == rules.VOICE:
        if votes:
            raise ValidationFailed("A voice vote takes no individual votes; use a roll call.")
        votes = rules.voice_votes(attendance, context.recused)
    for member_id in votes:
        if member_id not in members:
            raise NotFound(f"'votes': no seated member {member_id} on this body.")
    votes, missing = rules.complete_votes(list(members), attendance, votes, context.recused)
    if missing:
        names = ", ".join(members[m].name for m in missing)
        raise ValidationFailed(f"Every member present needs a vote; missing: {names}.",
                               details={"member_ids": missing})
    context = vote_context(motion, votes, method)
    pack = rules.rules_for(meeting.body.rule_pack)
    refusals = rules.vote_refusals(context, pack)
    standing = rules.blocking(refusals, override_reason)
    if standing:
        raise VoteRefused(standing)
    counts = rules.tally(votes)
    outcome = rules.result(motion.threshold.value, counts, context.seats)
    for member_id, choice in votes.items():
        db.session.add(Vote(motion_id=motion.id, member_id=member_id, choice=VoteChoice(choice)))
    motion.result = MotionResult(outcome)
    motion.vote_method = method
    motion.voted_at = now
    if refusals:
        motion.override_reason = override_reason
        motion.overridden_guards = [r.code for r in refusals]
        record(meeting, Tag.VOTE_OVERRIDDEN,
               {"motion_id": motion.id, "reason": override_reason, "rule_pack": pack.pack_id,
                "guards": [r.as_dict() for r in refusals]}, actor=actor, now=now)
    db.session.flush()
    record(meeting, Tag.VOTE_RECORDED,
           {"motion_id": motion.id, "item_ids": motion.covered_item_ids, "method": method,
            "threshold": motion.threshold.value, "seats": context.seats,
            "votes": {str(m): {"name": members[m].name, "vote": votes[m]} for m in sorted(votes)},
            "tally": counts.as_dict(), "result": outcome, "quorum": quorum(meeting),
            "recused_member_ids": sorted(context.recused), "overridden": [r.code for r in refusals]},
           actor=actor, now=now)
    _changed(meeting)
    db.session.refresh(motion)
    return motion


def log_refused_vote(motion, refused, *, votes=None, method=None, override_reason=None, actor, now):
    """Evidence that a guard refused a vote. Runs in its own transaction after the refused one
    rolled back: the refusal itself is part of the record (who tried, which guard stood)."""
    meeting = db.session.get(Meeting, motion.meeting_id)
    _lock(meeting)
    record(meeting, Tag.VOTE_REFUSED,
           {"motion_id": motion.id, "item_ids": list(motion.covered_item_ids or []), "code": refused.code,
            "refusals": (refused.details or {}).get("refusals", []), "method": method,
            "votes": {str(k): v for k, v in (votes or {}).items()},
            "override_reason": override_reason or ""}, actor=actor, now=now)


def motion_tally(motion):
    return rules.tally({v.member_id: v.choice.value for v in motion.votes})


# -- minutes ---------------------------------------------------------------------------------

def content_hash(html):
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def revisions(meeting):
    return db.session.scalars(sa.select(MinutesRevision).where(MinutesRevision.meeting_id == meeting.id)
                              .order_by(MinutesRevision.number)).all()


def approvals(meeting):
    return {a.revision_id: a for a in db.session.scalars(
        sa.select(MinutesApproval).where(MinutesApproval.meeting_id == meeting.id))}


def minutes_status(meeting):
    history = revisions(meeting)
    approved = approvals(meeting)
    if not history:
        return "none"
    if history[-1].id in approved:
        return "approved"
    return "correction_pending" if approved else "draft"


def save_revision(meeting, *, html, correction=False, actor, now):
    """A new revision when the text changed; returns (revision, created)."""
    if not isinstance(html, str):
        raise ValidationFailed("'html' must be text.")
    if len(html) > MAX_MINUTES_HTML:
        raise ValidationFailed(f"'html' is longer than {MAX_MINUTES_HTML} characters.")
    html = clean_html(html)
    if not html:
        raise ValidationFailed("'html' is required and must not be blank.")
    _lock(meeting)
    _require_status(meeting, STARTED, "write minutes before the meeting is called to order")
    history = revisions(meeting)
    approved = approvals(meeting)
    latest = history[-1] if history else None
    is_approved = latest is not None and latest.id in approved
    if is_approved and not correction:
        raise MinutesApproved("These minutes are approved and cannot change; send a correction "
                              "(\"correction\": true), which needs its own approval.")
    if correction and not is_approved:
        raise InvalidState("Only approved minutes take a correction; edit the draft instead.")
    if latest is not None and latest.html == html:
        return latest, False
    corrects = latest.id if correction else (latest.corrects_id if latest else None)
    revision = MinutesRevision(meeting_id=meeting.id, number=(latest.number + 1) if latest else 1, html=html,
                               content_hash=content_hash(html), author_id=_actor_id(actor), created_at=now,
                               corrects_id=corrects)
    db.session.add(revision)
    db.session.flush()
    record(meeting, Tag.MINUTES_REVISED,
           {"revision": revision.number, "content_hash": revision.content_hash,
            "previous_hash": latest.content_hash if latest else None,
            "corrects_revision": _number_of(corrects)}, actor=actor, now=now)
    _changed(meeting)
    return revision, True


def approve_minutes(meeting, *, approving_motion_id, actor, now):
    _lock(meeting)
    motion = get_motion(approving_motion_id)
    _require_status(meeting, {MeetingStatus.ADJOURNED}, "approve minutes before the meeting is adjourned")
    history = revisions(meeting)
    if not history:
        raise InvalidState("There are no minutes to approve yet.")
    latest = history[-1]
    if latest.id in approvals(meeting):
        raise MinutesApproved("This revision of the minutes is already approved.")
    later = db.session.get(Meeting, motion.meeting_id)
    if later.body_id != meeting.body_id or later.id == meeting.id or later.start_at <= meeting.start_at:
        raise InvalidState("Minutes are approved by a motion of the same body at a later meeting.")
    if motion.result != MotionResult.ADOPTED:
        raise InvalidState(f"Motion {motion.id} was not adopted.")
    approval = MinutesApproval(meeting_id=meeting.id, revision_id=latest.id, motion_id=motion.id,
                               approved_at=now, approved_by_id=_actor_id(actor))
    db.session.add(approval)
    db.session.flush()
    record(meeting, Tag.MINUTES_APPROVED,
           {"revision": latest.number, "content_hash": latest.content_hash, "motion_id": motion.id,
            "approving_meeting_id": later.id, "tally": motion_tally(motion).as_dict(),
            "corrects_revision": _number_of(latest.corrects_id)}, actor=actor, now=now)
    _changed(meeting)
    return approval


def _number_of(revision_id):
    if revision_id is None:
        return None
    return db.session.get(MinutesRevision, revision_id).number


def revision_diff(old_html, new_html):
    """Line diff between two revisions (unified format, without the file headers)."""
    lines = difflib.unified_diff((old_html or "").splitlines(), new_html.splitlines(), lineterm="", n=1)
    return [line for line in lines if not line.startswith(("---", "+++"))]


# -- the record, as plain data for the draft and the API ------------------------------------

def _speaker_counts(entries, removed=0, not_heard=(0, 0), *, limits=(), multiple=1, comment_opened=True):
    """Counts of the comments given. A turn ended before its time was started (`used_seconds`
    None: most often someone called who did not answer, but also a chair who does not run
    the timer) is not counted as one, only reported, so the clerk decides. With them, the
    time the speakers were given: `limits`, the seconds per speaker in force in turn, and
    the rule pack's interpreter `multiple` when someone spoke through an interpreter.
    Those `not_heard` (a count, and how many of them the chair had skipped and not
    recalled) were still in line when comment ended, or, where comment was never opened
    on the item (`comment_opened` false), waited for it in vain."""
    not_heard, not_heard_skipped = not_heard
    counts = {"total": 0, "in_person": 0, "remote": 0, "support": 0, "oppose": 0, "neutral": 0,
              "unstated": 0, "names": [], "removed": removed, "untimed": 0, "not_heard": not_heard,
              "not_heard_skipped": not_heard_skipped,
              "interpreted": 0, "seconds_per_speaker": list(limits), "interpreter_multiple": None,
              "not_heard_reason": (None if not not_heard else
                                   "comment_ended" if comment_opened else "comment_not_opened")}
    for entry in entries:
        if entry.finished_at is not None and entry.used_seconds is None:
            counts["untimed"] += 1
            continue
        counts["total"] += 1
        counts["interpreted"] += bool(entry.needs_interpreter)
        counts[entry.channel.value] += 1
        counts[entry.stance.value if entry.stance else "unstated"] += 1
        # Only names the speakers chose to give; anonymous speakers stay anonymous.
        if entry.display_name:
            counts["names"].append(entry.display_name)
    if counts["interpreted"] and multiple > 1:
        counts["interpreter_multiple"] = multiple
    return counts


def _speakers_by_item(meeting, log_rows, order_at=None):
    """Who spoke on each item (called, and not skipped or removed, unless they had spoken
    before the skip), and how many people the chair removed: a removal is part of the
    record, but not a public comment given.

    Two maps, {item_id (None: general comment): counts}: comment given after the call to
    order at `order_at` (or with no call to order), and comment given before it, which
    the minutes place before the call to order. `log_rows`: the meeting's `_comment_log`."""
    try:
        from app.live.models import EntryStatus, QueueEntry
    except ModuleNotFoundError:  # the live queue is optional
        return {}, {}
    unheard = _not_heard_by_item(meeting)
    entries = db.session.scalars(
        sa.select(QueueEntry).where(
            QueueEntry.meeting_id == meeting.id,
            (QueueEntry.called_at.is_not(None) & QueueEntry.status.in_([EntryStatus.DONE, EntryStatus.SPEAKING]))
            # Skipped part-way through their time (and not called again): they were heard.
            | (QueueEntry.called_at.is_not(None) & QueueEntry.used_seconds.is_not(None)
               & QueueEntry.status.in_([EntryStatus.WAITING, EntryStatus.SKIPPED]))
            | (QueueEntry.status == EntryStatus.REMOVED))
        .order_by(QueueEntry.called_at, QueueEntry.id)).all()
    spoke, removed = ({}, {}), ({}, {})
    for entry in entries:
        # A removal happened when the entry ended (unknown for places removed from the
        # line before that was stored: after the call to order, with the item); a turn,
        # when it was called.
        at = entry.finished_at if entry.status == EntryStatus.REMOVED else entry.called_at
        before = int(order_at is not None and at is not None and at < order_at)
        if entry.status == EntryStatus.REMOVED:
            removed[before][entry.item_id] = removed[before].get(entry.item_id, 0) + 1
        else:
            spoke[before].setdefault(entry.item_id, []).append(entry)
    limits = _time_limits_by_item(log_rows, order_at)
    multiple = compliance_rules.interpreter_multiple(meeting.body.rule_pack)

    def counted(part, item_id, not_heard=(0, 0)):
        return _speaker_counts(spoke[part].get(item_id, []), removed[part].get(item_id, 0), not_heard,
                               limits=limits[part].get(item_id, ()), multiple=multiple,
                               comment_opened=item_id in limits[0] or item_id in limits[1])
    # Those never heard are written with the item, after the call to order.
    heard_after = {item_id: counted(0, item_id, unheard.get(item_id, (0, 0)))
                   for item_id in spoke[0].keys() | removed[0].keys() | unheard.keys()}
    heard_before = {item_id: counted(1, item_id) for item_id in spoke[1].keys() | removed[1].keys()}
    return heard_after, heard_before


def _time_limits_by_item(log_rows, order_at=None):
    """{item_id (None: general comment): the seconds per speaker in force on it, in the
    order they applied}, from the log: each opening of comment, and each change of the
    time while it was open. Equal time for every speaker is the rule; a change shows.

    Two maps, like the speakers': after the call to order at `order_at` (or with no call
    to order), and before it, so that comment held before the meeting began and comment
    held during it each name only their own times. (Comment still open when the meeting
    was called to order goes on at the time it had.)"""
    limits = ({}, {})
    open_on, in_force = None, None  # (item_id,) while comment is open, and its time
    crossed = order_at is None

    def given(part, item_id, seconds):
        times = limits[part].setdefault(item_id, [])
        if isinstance(seconds, int) and (not times or times[-1] != seconds):
            times.append(seconds)

    for entry in log_rows:
        if entry.tag not in _COMMENT_LOG_TAGS:
            continue
        data = entry.data or {}
        before = int(not crossed and datetime.fromisoformat(entry.recorded_at) < order_at)
        if not before and not crossed:
            crossed = True
            if open_on is not None:
                given(0, open_on[0], in_force)
        if entry.tag == Tag.COMMENT_CLOSED.value:
            open_on = None
            continue
        if entry.tag == Tag.COMMENT_OPENED.value:
            open_on = (data.get("item_id"),)
        in_force = data.get("seconds_per_speaker", data.get("new_seconds"))
        given(before, data.get("item_id"), in_force)
    if not crossed and open_on is not None:
        given(0, open_on[0], in_force)
    return limits


# The log entries the minutes read for how each comment period ran and for the chair's
# warnings, removals and reinstatements.
_COMMENT_LOG_TAGS = (Tag.COMMENT_OPENED.value, Tag.COMMENT_TIME_CHANGED.value, Tag.COMMENT_CLOSED.value)
_CONDUCT_TAGS = {Tag.SPEAKER_WARNED.value: "warned", Tag.SPEAKER_REMOVED.value: "removed",
                 Tag.SPEAKER_REINSTATED.value: "reinstated"}


def _comment_log(meeting):
    """The meeting's log entries on its comment periods and the chair's conduct, in order:
    read once for the times in force on each item and for how each period ran."""
    return db.session.scalars(sa.select(ComplianceEntry).where(
        ComplianceEntry.meeting_id == meeting.id,
        ComplianceEntry.tag.in_(_COMMENT_LOG_TAGS + tuple(_CONDUCT_TAGS)))
        .order_by(ComplianceEntry.seq)).all()


def _comment_log_by_item(rows, when, order_at=None):
    """{item_id (None: general comment): {"periods": [...], "conduct": [...]}}, from the
    compliance log, with every moment written by `when` (the body's local time).

    A period: when comment opened and closed (None while it is still open; with the
    `closed_reason` when the chair did not close it), the seconds per speaker it opened
    with and each change of them while it was open, and the limit set for the whole
    period, if any. Conduct, in order: each warning, removal and reinstatement, with the
    reason the chair gave, the warning a removal followed (`warned_at`) and whether it
    was for a use or threat of force. The participant is given by their sign-up `number`
    only, never by name: a name typed on a comment page is unverified (anyone can type
    anyone's), and the chair may have hidden it. (The log never holds a resident's token.)

    Two maps, like the speakers': after the call to order at `order_at` (or with no call
    to order), and before it. A period still open at the call to order is in both."""
    parts = ({}, {})

    def part(at):
        return int(order_at is not None and at < order_at)

    def moment(text):
        return datetime.fromisoformat(text) if isinstance(text, str) else None

    def place(index, item_id):
        return parts[index].setdefault(item_id, {"periods": [], "conduct": []})

    open_period = None  # while comment is open: (the period, when it opened, its item)
    for row in rows:
        data = row.data or {}
        at = datetime.fromisoformat(row.recorded_at)
        if row.tag == Tag.COMMENT_OPENED.value:
            period = {"opened": when(at), "closed": None, "closed_reason": None,
                      "seconds_per_speaker": data.get("seconds_per_speaker"),
                      "period_seconds": data.get("period_seconds"), "changes": []}
            place(part(at), data.get("item_id"))["periods"].append(period)
            open_period = (period, at, data.get("item_id"))
        elif row.tag == Tag.COMMENT_TIME_CHANGED.value and open_period is not None:
            open_period[0]["changes"].append({"at": when(at), "seconds_per_speaker": data.get("new_seconds")})
        elif row.tag == Tag.COMMENT_CLOSED.value and open_period is not None:
            period, opened_at, item_id = open_period
            period.update(closed=when(at), closed_reason=data.get("reason"))
            open_period = None
            if part(opened_at) and not part(at):  # open across the call to order: in both parts
                place(0, item_id)["periods"].append(period)
        elif row.tag in _CONDUCT_TAGS:
            warned_at = moment(data.get("warned_at"))
            place(part(at), data.get("item_id"))["conduct"].append({
                "kind": _CONDUCT_TAGS[row.tag], "at": when(at), "number": data.get("number"),
                "reason": data.get("reason") or "",
                "warned_at": when(warned_at) if warned_at is not None else None,
                "threat": bool(data.get("threat"))})
    if open_period is not None and part(open_period[1]) and order_at is not None:
        place(0, open_period[2])["periods"].append(open_period[0])  # still open, begun before the order
    return parts


def _not_heard_by_item(meeting):
    """{item_id: (people who asked to speak and were never heard, how many of them were
    skipped)}: still waiting (or skipped and never recalled) once comment on their item
    was over, that is once the chair closed it, or once the meeting itself ended. The
    clerk needs this before approving: the law gives the public the right to address
    the body on each item."""
    from app.live.models import EntryStatus, LiveState, QueueEntry
    from app.live.services import LIVE_STATUSES

    state = db.session.get(LiveState, meeting.id)
    over = meeting.status not in LIVE_STATUSES
    closed = set(state.closed_item_ids or []) if state is not None else set()
    # (General comment, opened and closed as often as needed, counts only once the meeting is over.)
    open_now = state.comment_item_id if state is not None and state.is_comment_open else None
    counts = {}
    for item_id, status in db.session.execute(sa.select(QueueEntry.item_id, QueueEntry.status).where(
            QueueEntry.meeting_id == meeting.id,
            QueueEntry.status.in_([EntryStatus.WAITING, EntryStatus.SKIPPED]),
            QueueEntry.used_seconds.is_(None))):  # (one skipped part-way through was heard)
        if over or (item_id in closed and item_id != open_now):
            total, skipped = counts.get(item_id, (0, 0))
            counts[item_id] = (total + 1, skipped + (status == EntryStatus.SKIPPED))
    return counts


def motion_json(motion, *, with_votes=True):
    data = {"id": motion.id, "meeting_id": motion.meeting_id, "item_id": motion.item_id,
            "item_ids": list(motion.covered_item_ids), "kind": motion.kind.value, "text": motion.text,
            "threshold": motion.threshold.value,
            "mover": {"member_id": motion.mover_id, "name": motion.mover.name},
            "seconder": ({"member_id": motion.seconder_id, "name": motion.seconder.name}
                         if motion.seconder_id else None),
            "made_at": _iso(motion.made_at), "result": motion.result.value if motion.result else None,
            "method": motion.vote_method, "voted_at": _iso(motion.voted_at),
            "override_reason": motion.override_reason or None, "overridden": list(motion.overridden_guards or [])}
    if with_votes:
        data["votes"] = {str(v.member_id): v.choice.value for v in motion.votes}
        data["tally"] = motion_tally(motion).as_dict() if motion.result else None
    return data


def minutes_record(meeting, *, fmt=None):
    """The record as plain data, with times already written in the body's timezone."""
    from app.core.display import local_time
    from app.meetings.numbering import item_numbers

    tz = meeting.body.timezone

    def when(value, pattern="time"):
        return (fmt or local_time)(value, tz, pattern) if value is not None else None

    meeting_events = events(meeting)
    closed_at = roll_call_closed_at(meeting, meeting_events)
    rows = attendance_rows(meeting)
    people = []
    for member in seated_members(meeting):
        row = rows.get(member.id)
        late = arrived_late(row, closed_at)
        people.append({"member_id": member.id, "name": member.name, "title": member.title,
                       # Never recorded is not absent: the draft says so, for the clerk to settle.
                       "status": row.status.value if row else "not_recorded",
                       "mode": row.mode.value if row else "in_person",
                       "remote_basis": row.remote_basis if row else "",
                       "arrived": when(row.arrived_at) if row else None, "late": late,
                       "left": when(row.left_at) if row else None})
    numbers = item_numbers(meeting.sections)
    titles = {item.id: item.title for item in meeting.items}
    agenda_order = {item.id: position for position, item in enumerate(meeting.items)}
    order = next((ev for ev in meeting_events if ev.kind == EventKind.CALL_TO_ORDER), None)
    order_at = order.occurred_at if order else None
    log_rows = _comment_log(meeting)
    speakers, before_order = _speakers_by_item(meeting, log_rows, order_at)
    # How each comment period ran and the chair's warnings and removals, from the log: an
    # item whose comment was opened is written even if nobody spoke.
    for counts, logged in zip((speakers, before_order), _comment_log_by_item(log_rows, when, order_at)):
        for item_id, held in logged.items():
            counts.setdefault(item_id, _speaker_counts([], comment_opened=bool(held["periods"])))
        for item_id, part in counts.items():
            part.update(logged.get(item_id, {"periods": [], "conduct": []}))
    by_item = {}
    for motion in motions(meeting):
        by_item.setdefault(motion.item_id, []).append(motion)
    recusal_rows = recusals(meeting)
    started = _taken_up(meeting, by_item)
    if speakers.get(None) is None:
        started.pop("general", None)  # not in the draft (nobody heard): events go with what came before
    # General comment is written where it was first taken up: after the part of the
    # meeting under way then (None: after the roll call, where most agendas put it).
    general_place = None
    if "general" in started:
        general_place = _place_of(started["general"], {k: v for k, v in started.items() if k != "general"})
    items = []
    for item in meeting.items:
        item_motions = []
        for motion in by_item.get(item.id, []):
            data = motion_json(motion)
            names = {v.member_id: v.member.name for v in motion.votes}
            data.update(mover=motion.mover.name, seconder=motion.seconder.name if motion.seconder_id else None,
                        votes=[{"name": names[v.member_id], "vote": v.choice.value} for v in motion.votes])
            item_motions.append(data)
        items.append({"item_id": item.id, "number": numbers.get(item.id, ""), "title": item.title,
                      "recusals": [{"name": r.member.name, "reason": r.reason}
                                   for r in recusal_rows if r.item_id == item.id],
                      "speakers": speakers.get(item.id) if item.accepts_public_comment else None,
                      "motions": item_motions})
    return {"meeting_id": meeting.id, "body": meeting.body.name, "title": meeting.title,
            "date": when(meeting.start_at, "date"), "location": meeting.location,
            # `place`: where in the minutes an event in the middle of the meeting belongs,
            # after the part that was under way ("general", an item id; None: before any).
            "events": [{"kind": ev.kind.value, "time": when(ev.occurred_at), "note": ev.note,
                        "items": [f"{numbers.get(i, '')} {titles.get(i, '')}".strip() for i in ev.item_ids or []],
                        "place": _place_of(ev.occurred_at, started) if ev.kind in MIDDLE_EVENTS else None}
                       for ev in meeting_events],
            "attendance": people, "quorum": roll_call_quorum(meeting, rows, closed_at),
            "general_comment": speakers.get(None), "general_comment_place": general_place,
            # Comment heard before the call to order (residents may sign up, and the chair
            # open comment, early): written before it, general comment first.
            "comment_before_order": [
                {"item_id": item_id, "number": numbers.get(item_id, "") if item_id else "",
                 "title": titles.get(item_id, "") if item_id else "", "speakers": before_order[item_id]}
                for item_id in sorted(before_order, key=lambda i: (i is not None, agenda_order.get(i, 0)))],
            "items": items}


# The proceedings events that happen during the business (a recess, a remote-access
# report, a closed session); the call to order and the adjournment frame it.
MIDDLE_EVENTS = frozenset({EventKind.RECESS, EventKind.RECONVENE, EventKind.REMOTE_ACCESS_DOWN,
                           EventKind.REMOTE_ACCESS_RESTORED, EventKind.CLOSED_SESSION,
                           EventKind.CLOSED_SESSION_REPORT})


def _taken_up(meeting, item_motions):
    """When the record shows each part of the meeting first taken up: an item made the
    current one, comment opened on it (general comment: "general"), or a motion on it."""
    started = {}

    def note(key, at):
        if at is not None and (key not in started or at < started[key]):
            started[key] = at
    for entry in db.session.scalars(sa.select(ComplianceEntry).where(
            ComplianceEntry.meeting_id == meeting.id,
            ComplianceEntry.tag.in_([Tag.ITEM_CURRENT.value, Tag.COMMENT_OPENED.value]))):
        item_id = (entry.data or {}).get("item_id")
        if item_id is None and entry.tag == Tag.ITEM_CURRENT.value:
            continue  # no item current: nothing taken up
        note(item_id if item_id is not None else "general", datetime.fromisoformat(entry.recorded_at))
    for item_id, rows in item_motions.items():
        for motion in rows:
            note(item_id, motion.made_at)
    return started


def _place_of(at, started):
    """The part of the meeting under way at `at` (the last one taken up by then), or None
    before any was."""
    under_way = [(begun, key) for key, begun in started.items() if begun <= at]
    return max(under_way, key=lambda pair: pair[0])[1] if under_way else None


def draft_minutes(meeting, *, fmt=None):
    from flask_babel import gettext, ngettext

    from app.minutes import draft

    return clean_html(draft.render(minutes_record(meeting, fmt=fmt), _=gettext, ngettext=ngettext))


def minutes_deadlines(meeting, *, now):
    """The rule pack's minutes deadlines for this meeting, each with its state at `now`."""
    later_regulars = db.session.scalars(
        sa.select(Meeting.start_at).where(
            Meeting.body_id == meeting.body_id, Meeting.start_at > meeting.start_at,
            Meeting.kind == "regular",
            Meeting.status.not_in([MeetingStatus.DRAFT, MeetingStatus.CANCELLED, MeetingStatus.POSTPONED]))
        .order_by(Meeting.start_at).limit(2)).all()
    first_approval = min((a.approved_at for a in approvals(meeting).values()), default=None)
    deadlines = rules.minutes_deadlines(
        meeting.body.rule_pack, meeting_at=meeting.start_at, approved_at=first_approval,
        second_regular_meeting_at=later_regulars[1] if len(later_regulars) > 1 else None)
    # Dais publishes minutes when they are approved, so approval is when they become available.
    return [{"rule_id": d.rule_id, "duty": d.duty, "due_at": _iso(d.due_at), "citation": d.citation,
             "state": d.state(now, first_approval)} for d in deadlines]

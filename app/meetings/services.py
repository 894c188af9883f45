"""Use cases for bodies, meetings and their agendas.

Services validate, change the session and flush; the caller's `transaction()`
commits. They never read the clock or the request: `actor` and `now` come in
as arguments. A change of time, place or status is a new iCalendar revision
(`sequence` + 1, `revised_at`), and every agenda change after publishing marks
the meeting as having unpublished changes so the clerk is asked to amend.
"""
import re
from collections import namedtuple
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from app.compliance.rules import PACK_IDS
from app.compliance.services import record
from app.compliance.tags import Tag
from flask_babel import gettext

from app.core.db import lock_row_once
from app.core.errors import Conflict, InvalidState, NotFound, ValidationFailed
from app.extensions import db
from app.meetings.models import (AgendaItem, AgendaSection, AgendaVersion, Body, CommentPolicy, Meeting,
                                 MeetingKind, MeetingStatus, Member, SectionKind)
from app.meetings.numbering import item_numbers
from app.meetings.sanitize import clean_html
from app.minutes import rules as proceedings_rules

# Largest id a PostgreSQL integer column holds; bigger ids cannot exist, and asking
# the database about them would be an error instead of a clean "not found".
MAX_ID = 2**31 - 1
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RULE_PACKS = PACK_IDS

DEFAULT_AGENDA_TEMPLATE = [
    {"title": "Call to Order", "kind": "ceremonial"},
    {"title": "Roll Call", "kind": "ceremonial"},
    {"title": "Public Comment on Non-Agenda Items", "kind": "public_comment"},
    {"title": "Consent Calendar", "kind": "consent"},
    {"title": "Public Hearings", "kind": "public_hearing"},
    {"title": "New Business", "kind": "business"},
    {"title": "Adjournment", "kind": "ceremonial"},
]

# Where each status may go. Publishing (draft -> published) belongs to publishing.py.
TRANSITIONS = {
    MeetingStatus.DRAFT: {MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED, MeetingStatus.POSTPONED},
    MeetingStatus.PUBLISHED: {MeetingStatus.IN_PROGRESS, MeetingStatus.CANCELLED, MeetingStatus.POSTPONED},
    MeetingStatus.IN_PROGRESS: {MeetingStatus.RECESSED, MeetingStatus.ADJOURNED},
    MeetingStatus.RECESSED: {MeetingStatus.IN_PROGRESS, MeetingStatus.ADJOURNED},
    MeetingStatus.ADJOURNED: set(),
    MeetingStatus.CANCELLED: set(),
    MeetingStatus.POSTPONED: set(),
}
# Once a meeting has started (or will never happen) its details and agenda are the record.
EDITABLE_STATUSES = {MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED}
AGENDA_EDITABLE_STATUSES = {MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED}

MEETING_TEXT_FIELDS = {"title": 300, "location": 500, "remote_url": 500, "dial_in": 200,
                       "remote_instructions": 20000, "accommodation_notice": 20000}
MEETING_FIELDS = set(MEETING_TEXT_FIELDS) | {"kind", "start_at", "end_at", "status"}
# Changes that make a calendar entry out of date (iCalendar SEQUENCE, "rescheduled" log entry).
TIME_OR_PLACE_FIELDS = {"start_at", "end_at", "location", "remote_url", "dial_in"}
ITEM_TEXT_FIELDS = {"title": 500, "recommended_action": 20000, "department": 200, "fiscal_impact": 20000,
                    "body_html": 200000}
ITEM_FIELDS = set(ITEM_TEXT_FIELDS) | {"accepts_public_comment", "estimated_minutes", "section_id"}
MAX_ESTIMATED_MINUTES = 24 * 60


# ---------------------------------------------------------------- look-ups

def get_by_id(model, object_id, label):
    """The row with this id, or NotFound (also for ids no database integer can hold)."""
    if not isinstance(object_id, int) or isinstance(object_id, bool) or not 1 <= object_id <= MAX_ID:
        raise NotFound(f"No {label} with id {object_id}.")
    found = db.session.get(model, object_id)
    if found is None:
        raise NotFound(f"No {label} with id {object_id}.")
    return found




def get_body(slug):
    # A slug that could never be stored (NUL, too long) is simply not found; PostgreSQL would refuse the query.
    is_possible = isinstance(slug, str) and "\x00" not in slug and len(slug) <= 80
    body = db.session.scalar(sa.select(Body).where(Body.slug == slug)) if is_possible else None
    if body is None:
        raise NotFound(f"No body with slug '{slug}'.")
    return body


def get_meeting(meeting_id):
    return get_by_id(Meeting, meeting_id, "meeting")


def staff_meeting(meeting_id, viewer, action):
    """The meeting, once `viewer` is shown to hold `action` on its body (Unauthorized/Forbidden otherwise)."""
    from app.accounts.policy import require

    meeting = get_meeting(meeting_id)
    require(viewer, action, meeting.body_id)
    return meeting


def visible_meeting(meeting_id, viewer):
    """The meeting if `viewer` may see it. Drafts are not public: for anyone but the
    body's staff they do not exist, so their existence is not revealed either."""
    from app.accounts.policy import can

    try:
        meeting = get_meeting(meeting_id)
    except NotFound:
        meeting = None
    if meeting is None or (meeting.status == MeetingStatus.DRAFT
                           and not can(viewer, "meeting.view_staff", meeting.body_id)):
        raise NotFound(gettext("There is no public meeting with this number."))
    return meeting


def get_item(item_id):
    return get_by_id(AgendaItem, item_id, "agenda item")


def get_section(section_id):
    return get_by_id(AgendaSection, section_id, "agenda section")


def get_member(member_id):
    return get_by_id(Member, member_id, "member")


# ---------------------------------------------------------------- field checks

def _text(field, value, max_length, *, required=False):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(f"'{field}' must be text.")
    if "\x00" in value:
        raise ValidationFailed(f"'{field}' must not contain NUL characters.")
    value = value.strip()
    if required and not value:
        raise ValidationFailed(f"'{field}' is required.")
    if len(value) > max_length:
        raise ValidationFailed(f"'{field}' is longer than {max_length} characters.")
    return value


def _aware(field, value, *, required=False):
    if value is None:
        if required:
            raise ValidationFailed(f"'{field}' is required.")
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationFailed(f"'{field}' must be a date and time with a timezone.")
    if not 1900 <= value.year <= 9998:
        raise ValidationFailed(f"'{field}' is out of range.")
    return value


def _enum(field, enum_cls, value):
    try:
        return enum_cls(value)
    except ValueError:
        choices = ", ".join(m.value for m in enum_cls)
        raise ValidationFailed(f"'{field}' must be one of: {choices}.") from None


def _timezone(value):
    if not isinstance(value, str) or not value or "\x00" in value:
        raise ValidationFailed("'timezone' must be an IANA timezone name such as America/Los_Angeles.")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationFailed(f"'timezone' {value!r} is not an IANA timezone name.") from None
    return value


def _template(value):
    if value is None:
        return [dict(section) for section in DEFAULT_AGENDA_TEMPLATE]
    if not isinstance(value, list):
        raise ValidationFailed("'agenda_template' must be a list of sections.")
    template = []
    for index, section in enumerate(value):
        if not isinstance(section, dict) or set(section) - {"title", "kind"}:
            raise ValidationFailed(f"'agenda_template[{index}]' must be an object with 'title' and 'kind'.")
        title = _text(f"agenda_template[{index}].title", section.get("title"), 200, required=True)
        kind = _enum(f"agenda_template[{index}].kind", SectionKind, section.get("kind", "business"))
        template.append({"title": title, "kind": kind.value})
    return template


def _check_meeting_times(start_at, end_at):
    if end_at is not None and end_at <= start_at:
        raise ValidationFailed("'end' must be after 'start'.")


# ---------------------------------------------------------------- bodies

def _rule_pack(value):
    if value not in RULE_PACKS:
        raise ValidationFailed(f"'rule_pack' must be one of: {', '.join(RULE_PACKS)}.")
    return value


def _comment_seconds(value):
    if not isinstance(value, int) or isinstance(value, bool) or not 10 <= value <= 3600:
        raise ValidationFailed("'comment_seconds' must be a whole number between 10 and 3600.")
    return value


def _default_thresholds(value, current=None):
    """{kind: threshold} merged over `current` (Robert's Rules when None): only the kinds given change."""
    if not isinstance(value, dict):
        raise ValidationFailed("'default_thresholds' must be an object such as {\"main\": \"two_thirds\"}.")
    for kind, threshold in value.items():
        if kind not in proceedings_rules.MOTION_KINDS:
            raise ValidationFailed(f"'default_thresholds': {str(kind)[:40]!r} is not a kind of motion; the kinds "
                                   f"are {', '.join(proceedings_rules.MOTION_KINDS)}.")
        if threshold not in proceedings_rules.THRESHOLDS:
            raise ValidationFailed(f"'default_thresholds.{kind}' must be one of: "
                                   f"{', '.join(proceedings_rules.THRESHOLDS)}.")
    return {kind: value.get(kind) or proceedings_rules.threshold_for(kind, current)
            for kind in proceedings_rules.MOTION_KINDS}


def create_body(*, slug, name, timezone, rule_pack, comment_seconds=180, comment_policy="fifo",
                agenda_template=None, default_thresholds=None, actor, now):
    slug = _text("slug", slug, 80, required=True)
    if not SLUG_PATTERN.match(slug):
        raise ValidationFailed("'slug' may hold only lower-case letters, digits and single hyphens.")
    name = _text("name", name, 200, required=True)
    timezone = _timezone(timezone)
    rule_pack = _rule_pack(rule_pack)
    comment_seconds = _comment_seconds(comment_seconds)
    policy = _enum("comment_policy", CommentPolicy, comment_policy)
    template = _template(agenda_template)
    thresholds = _default_thresholds({} if default_thresholds is None else default_thresholds)
    if db.session.scalar(sa.select(Body.id).where(Body.slug == slug)) is not None:
        raise Conflict(f"A body with slug '{slug}' already exists.")
    body = Body(slug=slug, name=name, timezone=timezone, rule_pack=rule_pack,
                comment_seconds=comment_seconds, comment_policy=policy, agenda_template=template,
                default_thresholds=thresholds, created_at=now)
    db.session.add(body)
    db.session.flush()
    return body


# The settings an existing body may change. The open-meeting law and the timezone its
# deadlines are counted in are LEGAL_SETTINGS: the entry points ask `body.configure` for
# those (admins), and `body.edit` (the body's clerk) for the rest.
BODY_SETTINGS = ("timezone", "rule_pack", "comment_seconds", "comment_policy", "default_thresholds")
LEGAL_SETTINGS = frozenset({"timezone", "rule_pack"})
# The settings the live state shows (the speaking order, each speaker's time).
LIVE_BODY_SETTINGS = frozenset({"rule_pack", "comment_seconds", "comment_policy"})


def update_body(body, changes, *, actor, now):
    """Change a body's settings; returns {field: (old, new)} for what actually changed.

    Every value is checked before any is applied, so a bad one changes nothing. Meetings
    keep their moment in time when the timezone changes (they are stored in UTC); a new
    rule pack or default threshold applies from the next deadline check or motion on, and
    each of those logs the rule or threshold it used. Body settings are not a meeting's
    event, so they have no entry of their own in the (per-meeting) compliance log.
    """
    unknown = sorted(set(changes) - set(BODY_SETTINGS))
    if unknown:
        raise ValidationFailed(f"Unknown field '{unknown[0]}'.")
    checks = {"timezone": _timezone, "rule_pack": _rule_pack, "comment_seconds": _comment_seconds,
              "comment_policy": lambda value: _enum("comment_policy", CommentPolicy, value),
              "default_thresholds": lambda value: _default_thresholds(value, body.default_thresholds)}
    values = {name: checks[name](value) for name, value in changes.items()}
    changed = {}
    for name, value in values.items():
        old = getattr(body, name)
        if old != value:
            changed[name] = (_log_value(old), _log_value(value))
            setattr(body, name, value)
    db.session.flush()
    if set(changed) & LIVE_BODY_SETTINGS:
        # The queue's order and the time each speaker is owed follow at once, so every
        # page that shows them must too.
        for meeting in db.session.scalars(sa.select(Meeting).where(Meeting.body_id == body.id,
                                                                   Meeting.status.in_(STATE_STATUSES))):
            note_state_change(meeting)
    return changed


def add_member(body, *, name, title="Councilmember", seat="", actor, now):
    member = Member(name=_text("name", name, 200, required=True),
                    title=_text("title", title, 100) or "Councilmember",
                    seat=_text("seat", seat, 100), sort_order=len(body.members))
    body.members.append(member)
    db.session.flush()
    return member


# ---------------------------------------------------------------- meetings

def create_meeting(body, *, kind, title, start_at, end_at=None, location="", remote_url="", dial_in="",
                   remote_instructions="", accommodation_notice="", actor, now):
    """A draft meeting whose sections are copied from the body's agenda template."""
    values = {field: _text(field, value, MEETING_TEXT_FIELDS[field], required=(field == "title"))
              for field, value in (("title", title), ("location", location), ("remote_url", remote_url),
                                   ("dial_in", dial_in), ("remote_instructions", remote_instructions),
                                   ("accommodation_notice", accommodation_notice))}
    kind = _enum("kind", MeetingKind, kind)
    start_at = _aware("start", start_at, required=True)
    end_at = _aware("end", end_at)
    _check_meeting_times(start_at, end_at)
    meeting = Meeting(body_id=body.id, kind=kind, start_at=start_at, end_at=end_at,
                      status=MeetingStatus.DRAFT, sequence=0, created_at=now, revised_at=now, **values)
    meeting.body = body
    db.session.add(meeting)
    for position, section in enumerate(body.agenda_template or []):
        meeting.sections.append(AgendaSection(position=position, title=section["title"],
                                              kind=SectionKind(section.get("kind", "business"))))
    db.session.flush()
    record(meeting, Tag.MEETING_CREATED, {
        "title": meeting.title, "kind": kind.value, "start_at": start_at.isoformat(),
        "end_at": end_at.isoformat() if end_at else None, "location": meeting.location,
    }, actor=actor, now=now)
    return meeting


def _revise(meeting, now):
    meeting.sequence = (meeting.sequence or 0) + 1
    meeting.revised_at = now


def _log_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def update_meeting(meeting, changes, *, actor, now):
    """Apply field changes (model names: title, kind, start_at, ...; status too).

    Only real changes count: sending the current value changes nothing and
    bumps nothing.
    """
    unknown = set(changes) - MEETING_FIELDS
    if unknown:
        raise ValidationFailed(f"Unknown meeting field: '{sorted(unknown)[0]}'.")
    lock_row_once(meeting)
    if meeting.status not in EDITABLE_STATUSES:
        raise InvalidState(f"{meeting.status.a_meeting.capitalize()} can no longer be changed.")
    clean = {}
    for field, value in changes.items():
        if field in MEETING_TEXT_FIELDS:
            clean[field] = _text(field, value, MEETING_TEXT_FIELDS[field], required=(field == "title"))
        elif field == "kind":
            clean[field] = _enum("kind", MeetingKind, value)
        elif field == "start_at":
            clean[field] = _aware("start", value, required=True)
        elif field == "end_at":
            clean[field] = _aware("end", value)
        elif field == "status":
            clean[field] = _enum("status", MeetingStatus, value)
    _check_meeting_times(clean.get("start_at", meeting.start_at), clean.get("end_at", meeting.end_at))

    status = clean.pop("status", meeting.status)
    changed = {field: value for field, value in clean.items() if getattr(meeting, field) != value}
    if status != meeting.status:
        _check_transition(meeting, status)
        if status == MeetingStatus.PUBLISHED:
            raise InvalidState("Publish the agenda to publish a meeting.")
    if not changed and status == meeting.status:
        return meeting

    before = {field: getattr(meeting, field) for field in changed}
    for field, value in changed.items():
        setattr(meeting, field, value)
    if set(changed) & TIME_OR_PLACE_FIELDS:
        _revise(meeting, now)
        record(meeting, Tag.MEETING_RESCHEDULED, {
            "changes": {field: {"from": _log_value(before[field]), "to": _log_value(changed[field])}
                        for field in sorted(set(changed) & TIME_OR_PLACE_FIELDS)},
        }, actor=actor, now=now)
    elif changed:
        meeting.revised_at = now
    if changed and meeting.status != MeetingStatus.DRAFT:
        # The posted agenda shows these details, so the public copy is now stale.
        meeting.has_unpublished_changes = True
    if status != meeting.status:
        _set_status(meeting, status, reason="", actor=actor, now=now)
    db.session.flush()
    return meeting


def _check_transition(meeting, status):
    if status not in TRANSITIONS[meeting.status]:
        raise InvalidState(f"{meeting.status.a_meeting.capitalize()} cannot become {status.value.replace('_', ' ')}.")


STATUS_TAGS = {MeetingStatus.CANCELLED: Tag.MEETING_CANCELLED, MeetingStatus.POSTPONED: Tag.MEETING_POSTPONED}


# Parts built on meetings act on a status change in the same transaction (the live
# queue: a recess pauses the speaker's clock, an adjournment closes public comment).
_status_listeners = []


def on_status_change(listener):
    """Register `listener(meeting, previous, *, actor, now)`, called after every status change."""
    _status_listeners.append(listener)
    return listener


def _set_status(meeting, status, *, reason, actor, now):
    """The caller holds the meeting's row lock, taken before it checked the transition."""
    previous = meeting.status
    meeting.status = status
    _revise(meeting, now)
    if status in STATUS_TAGS:
        record(meeting, STATUS_TAGS[status], {"from": previous.value, "reason": reason},
               actor=actor, now=now)
    for listener in _status_listeners:
        listener(meeting, previous, actor=actor, now=now)
    note_state_change(meeting)


def change_status(meeting, status, *, actor, now, reason=""):
    """Move a meeting along its status machine (proceedings use this for start/recess/adjourn)."""
    status = _enum("status", MeetingStatus, status)
    lock_row_once(meeting)
    _check_transition(meeting, status)
    _set_status(meeting, status, reason=reason, actor=actor, now=now)
    db.session.flush()
    return meeting


def _reasoned_status(meeting, status, reason, actor, now):
    reason = _text("reason", reason, 2000, required=True)
    lock_row_once(meeting)
    _check_transition(meeting, status)
    _set_status(meeting, status, reason=reason, actor=actor, now=now)
    db.session.flush()
    return meeting


def cancel_meeting(meeting, *, reason, actor, now):
    return _reasoned_status(meeting, MeetingStatus.CANCELLED, reason, actor, now)


def postpone_meeting(meeting, *, reason, actor, now):
    return _reasoned_status(meeting, MeetingStatus.POSTPONED, reason, actor, now)


# ---------------------------------------------------------------- the live state
# The live pages (app.live) show a meeting's `state`: its status, the title of the item
# under way and its body's comment settings among the rest, with a `version` that goes
# up with every change and lets a page ignore anything older than what it holds. So a
# change to any of those made here is a new version too, sent to the pages once
# committed by whoever registered with `on_state_change` (the /live namespace).
STATE_STATUSES = (MeetingStatus.PUBLISHED, MeetingStatus.IN_PROGRESS, MeetingStatus.RECESSED)
_state_listeners = []


def on_state_change(listener):
    """Register `listener(meeting_id)`, told of each new version made by `note_state_change`."""
    _state_listeners.append(listener)
    return listener


def bump_state_version(meeting, by=1):
    """`by` more versions, in one UPDATE that leaves the ORM object current: atomic, so
    safe even for a caller that does not hold the meeting's row lock."""
    db.session.flush()
    table = Meeting.__table__
    version = db.session.connection().execute(
        sa.update(table).where(table.c.id == meeting.id)
        .values(state_version=table.c.state_version + by).returning(table.c.state_version)).scalar_one()
    set_committed_value(meeting, "state_version", version)


def note_state_change(meeting):
    """A change made outside the live queue that its pages show: one new version, sent once committed."""
    bump_state_version(meeting)
    for listener in _state_listeners:
        listener(meeting.id)


def visible_meetings_query(*, staff_body_ids=None, include_all_drafts=False, body=None,
                           start_from=None, start_to=None):
    """Meetings in start order; drafts only for the bodies whose staff is asking."""
    query = sa.select(Meeting).order_by(Meeting.start_at, Meeting.id)
    if body is not None:
        query = query.where(Meeting.body_id == body.id)
    if start_from is not None:
        query = query.where(Meeting.start_at >= start_from)
    if start_to is not None:
        query = query.where(Meeting.start_at < start_to)
    if not include_all_drafts:
        public = Meeting.status != MeetingStatus.DRAFT
        if staff_body_ids:
            public = sa.or_(public, Meeting.body_id.in_(sorted(staff_body_ids)))
        query = query.where(public)
    return query


# ---------------------------------------------------------------- the agenda as posted

PublicItem = namedtuple("PublicItem", "id number title accepts_public_comment")


def public_items(meeting):
    """The agenda's items as the public knows them, in order: while the clerk's edits since
    the last posting are not posted, the posted version's (an item added, renamed or
    taken off is not news before its amendment is posted), else the agenda's own."""
    # Only the newest version's content is read (not every version's, as current_version would).
    content = db.session.scalar(
        sa.select(AgendaVersion.content).where(AgendaVersion.meeting_id == meeting.id)
        .order_by(AgendaVersion.number.desc()).limit(1)) if meeting.has_unpublished_changes else None
    if content is None:
        return working_items(meeting)
    return [PublicItem(item["id"], item["number"], item["title"], bool(item.get("accepts_public_comment", True)))
            for section in content.get("sections", []) for item in section.get("items", [])]


def working_items(meeting):
    """The agenda's items as they stand (what staff see), in the same shape as public_items."""
    numbers = item_numbers(meeting.sections)
    return [PublicItem(item.id, numbers.get(item.id, ""), item.title, item.accepts_public_comment)
            for item in meeting.items]


def public_labels(meeting):
    """({item_id: number}, {item_id: title} or None): the items' numbers as the public knows
    them, and their titles as posted while the clerk's edits are not (None: the items' own
    titles are the public's). An item never posted is known by its own title and its
    number as it stands once the chair has brought it up. The live state is built after
    every change, so the numbers are read in one query rather than by loading the agenda."""
    if meeting.has_unpublished_changes:
        posted = public_items(meeting)
        numbers = {entry.id: entry.number for entry in posted}
        return {**numbers_as_they_stand(meeting.id), **numbers}, {entry.id: entry.title for entry in posted}
    return numbers_as_they_stand(meeting.id), None


def numbers_as_they_stand(meeting_id):
    """{item_id: "5.a"} for the agenda as it stands, in one query (no sections loaded)."""
    rows = db.session.execute(
        sa.select(AgendaSection.id, AgendaItem.id)
        .outerjoin(AgendaItem, AgendaItem.section_id == AgendaSection.id)
        .where(AgendaSection.meeting_id == meeting_id)
        .order_by(AgendaSection.position, AgendaSection.id, AgendaItem.position, AgendaItem.id))
    sections = {}  # in agenda order; an empty section still takes its number
    for section_id, item_id in rows:
        sections.setdefault(section_id, [])
        if item_id is not None:
            sections[section_id].append({"id": item_id})
    return item_numbers([{"id": key, "items": items} for key, items in sections.items()])


# ---------------------------------------------------------------- agenda

def note_agenda_change(meeting, now):
    """Refuse edits to a frozen agenda; after publishing, flag that an amendment is due."""
    lock_row_once(meeting)  # (a call to order cannot slip in between the check and the edit)
    if meeting.status not in AGENDA_EDITABLE_STATUSES:
        raise InvalidState(f"The agenda of {meeting.status.a_meeting} can no longer be changed.")
    if meeting.status != MeetingStatus.DRAFT:
        meeting.has_unpublished_changes = True
        note_state_change(meeting)  # an item's title or place may be on the live pages
    meeting.revised_at = now


def _section_of(meeting, section_id, field="section_id"):
    if isinstance(section_id, bool) or not isinstance(section_id, int):
        raise ValidationFailed(f"'{field}' must be a whole number.")
    for section in meeting.sections:
        if section.id == section_id:
            return section
    raise ValidationFailed(f"'{field}' {section_id} is not a section of this meeting.")


def _renumber(items):
    for position, item in enumerate(items):
        item.position = position


def add_section(meeting, *, title, kind, actor, now):
    title = _text("title", title, 200, required=True)
    kind = _enum("kind", SectionKind, kind)
    note_agenda_change(meeting, now)
    section = AgendaSection(title=title, kind=kind, position=len(meeting.sections))
    meeting.sections.append(section)
    db.session.flush()
    return section


def _item_values(changes):
    values = {}
    for field, value in changes.items():
        if field == "body_html":
            values[field] = clean_html(_text(field, value, ITEM_TEXT_FIELDS[field]))
        elif field in ITEM_TEXT_FIELDS:
            values[field] = _text(field, value, ITEM_TEXT_FIELDS[field], required=(field == "title"))
        elif field == "accepts_public_comment":
            if not isinstance(value, bool):
                raise ValidationFailed("'accepts_public_comment' must be true or false.")
            values[field] = value
        elif field == "estimated_minutes":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or not 0 <= value <= MAX_ESTIMATED_MINUTES):
                raise ValidationFailed(
                    f"'estimated_minutes' must be a whole number from 0 to {MAX_ESTIMATED_MINUTES}, or null.")
            values[field] = value
    return values


def add_item(meeting, *, section_id, title, body_html="", recommended_action="", department="",
             fiscal_impact="", accepts_public_comment=True, estimated_minutes=None, actor, now):
    section = _section_of(meeting, section_id)
    values = _item_values({"title": title, "body_html": body_html, "recommended_action": recommended_action,
                           "department": department, "fiscal_impact": fiscal_impact,
                           "accepts_public_comment": accepts_public_comment,
                           "estimated_minutes": estimated_minutes})
    note_agenda_change(meeting, now)
    item = AgendaItem(meeting_id=meeting.id, position=len(section.items), **values)
    section.items.append(item)
    db.session.flush()
    return item


def update_item(item, changes, *, actor, now):
    unknown = set(changes) - ITEM_FIELDS
    if unknown:
        raise ValidationFailed(f"Unknown item field: '{sorted(unknown)[0]}'.")
    meeting = item.meeting
    target = _section_of(meeting, changes["section_id"]) if "section_id" in changes else item.section
    values = _item_values({k: v for k, v in changes.items() if k != "section_id"})
    changed = {k: v for k, v in values.items() if getattr(item, k) != v}
    if not changed and target is item.section:
        return item
    note_agenda_change(meeting, now)
    if changed.get("accepts_public_comment") is False:
        # Nobody could call those already in line for it: they go where an item's removal
        # sends them (general comment), or the change is refused, as a removal would be.
        for listener in _item_removal_listeners:
            listener(item, actor=actor, now=now, reason="comment_withdrawn")
    for field, value in changed.items():
        setattr(item, field, value)
    if target is not item.section:
        _move_to_section(item, target)
    db.session.flush()
    return item


def _move_to_section(item, target, at_start=False):
    source = item.section
    # Re-parenting through the many-to-one keeps the item alive (no orphan delete in between).
    item.section = target
    if item in source.items:
        source.items.remove(item)
    if item not in target.items:
        target.items.append(item)
    _renumber(source.items)
    others = [other for other in target.items if other is not item]
    _place(target, [item] + others if at_start else others + [item])


def pull_from_consent(item, target):
    """Move a consent item to a regular section during the meeting.

    A pull is part of the proceedings, not an agenda amendment: the posted agenda
    stays the legal notice (no status check, no unpublished-changes flag), and the
    pull is written to the compliance log by the caller.
    """
    _move_to_section(item, target)
    db.session.flush()
    return item


def _place(section, ordered):
    """Give `ordered` positions 0..n and sort the loaded collection without re-adding anything."""
    for position, item in enumerate(ordered):
        item.position = position
    section.items.sort(key=lambda item: item.position)


# Parts that hold on to agenda items act before one is deleted, in the same transaction
# (the live queue: residents who signed up to speak on it keep a place).
_item_removal_listeners = []


def on_item_removal(listener):
    """Register `listener(item, *, actor, now, reason)`, called before an item is deleted
    (`item_removed`) or stops taking public comment (`comment_withdrawn`); it may refuse."""
    _item_removal_listeners.append(listener)
    return listener


def delete_item(item, *, actor, now):
    meeting = item.meeting
    note_agenda_change(meeting, now)
    for listener in _item_removal_listeners:
        listener(item, actor=actor, now=now, reason="item_removed")
    section = item.section
    # The section's delete-orphan cascade removes the row at flush.
    section.items.remove(item)
    _renumber(section.items)
    db.session.flush()


def _check_order(meeting, order):
    if not isinstance(order, list):
        raise ValidationFailed("'sections' must be a list.")
    seen_sections, seen_items = set(), []
    for index, entry in enumerate(order):
        if not isinstance(entry, dict) or set(entry) != {"section_id", "item_ids"}:
            raise ValidationFailed(f"'sections[{index}]' must be an object with 'section_id' and 'item_ids'.")
        section = _section_of(meeting, entry["section_id"], f"sections[{index}].section_id")
        if section.id in seen_sections:
            raise ValidationFailed(f"'sections[{index}].section_id' {section.id} is listed twice.")
        seen_sections.add(section.id)
        item_ids = entry["item_ids"]
        if not isinstance(item_ids, list) or any(isinstance(i, bool) or not isinstance(i, int)
                                                 for i in item_ids):
            raise ValidationFailed(f"'sections[{index}].item_ids' must be a list of item ids.")
        seen_items.extend(item_ids)
    expected = {item.id for item in meeting.items}
    if len(seen_items) != len(set(seen_items)):
        raise ValidationFailed("'sections': an item is listed more than once.")
    if set(seen_items) != expected:
        missing = sorted(expected - set(seen_items))
        extra = sorted(set(seen_items) - expected)
        detail = f"missing {missing}" if missing else f"not items of this meeting: {extra}"
        raise ValidationFailed(f"'sections' must list every item of the meeting exactly once ({detail}).")


def reorder_items(meeting, order, *, actor, now):
    """Put every item where `order` says: [{"section_id": 4, "item_ids": [9, 7]}, ...].

    The whole order is checked before anything moves, so a bad request changes nothing.
    """
    _check_order(meeting, order)
    note_agenda_change(meeting, now)
    items = {item.id: item for item in meeting.items}
    sections = {section.id: section for section in meeting.sections}
    for entry in order:
        target = sections[entry["section_id"]]
        for item_id in entry["item_ids"]:
            if items[item_id].section is not target:
                items[item_id].section = target
    for entry in order:
        _place(sections[entry["section_id"]], [items[item_id] for item_id in entry["item_ids"]])
    db.session.flush()
    return meeting


def move_item(item, *, direction=None, to_section_id=None, actor, now):
    """One step up or down (crossing into the neighbouring section at an edge), or to another section.

    The keyboard alternative to drag and drop.
    """
    meeting = item.meeting
    if (direction is None) == (to_section_id is None):
        raise ValidationFailed("Give either 'direction' or 'to_section_id'.")
    if to_section_id is not None:
        target = _section_of(meeting, to_section_id, "to_section_id")
        note_agenda_change(meeting, now)
        if target is not item.section:
            _move_to_section(item, target)
        db.session.flush()
        return item
    if direction not in ("up", "down"):
        raise ValidationFailed("'direction' must be 'up' or 'down'.")
    note_agenda_change(meeting, now)
    section = item.section
    siblings = section.items
    index = siblings.index(item)
    sections = meeting.sections
    section_index = sections.index(section)
    if (direction == "up" and index > 0) or (direction == "down" and index < len(siblings) - 1):
        other = index - 1 if direction == "up" else index + 1
        ordered = list(siblings)
        ordered[other], ordered[index] = ordered[index], ordered[other]
        _place(section, ordered)
    elif direction == "up" and section_index > 0:
        _move_to_section(item, sections[section_index - 1])
    elif direction == "down" and section_index < len(sections) - 1:
        _move_to_section(item, sections[section_index + 1], at_start=True)
    db.session.flush()
    return item

"""Publishing agendas: immutable versions, the posting-deadline check and its evidence.

A draft meeting is published as agenda version 1 ("agenda:posted"); any later
change to a published or running meeting's agenda is published as version n+1
("agenda:amended"). Every publish records, in the same transaction, the deadline
check, any override, the content checks and the version's content hash.
"""
from zoneinfo import ZoneInfo

from flask import has_request_context
from flask_babel import gettext

from app.compliance import chain
from app.compliance import services as compliance
from app.compliance.checks import blocking_failures, check_agenda
from app.compliance.deadlines import posting_deadline
from app.compliance.tags import Tag
from app.core.db import after_commit, lock_row
from app.core.errors import DeadlinePassed, InvalidState, ValidationFailed
from app.extensions import db
from app.meetings.models import AgendaVersion, Meeting, MeetingStatus
from app.meetings.services import note_state_change
from app.meetings.numbering import item_numbers
from app.packets.tasks import enqueue_packet_build

MAX_OVERRIDE_REASON = 2000
PUBLISHABLE = (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.IN_PROGRESS,
               MeetingStatus.RECESSED)
MEETING_FIELDS = ("title", "kind", "start_at", "end_at", "location", "remote_url", "dial_in",
                  "remote_instructions", "accommodation_notice")
ITEM_FIELDS = ("title", "body_html", "recommended_action", "department", "fiscal_impact",
               "accepts_public_comment", "estimated_minutes")
ATTACHMENT_FIELDS = ("id", "filename", "title", "sha256", "size_bytes", "page_count")


def _(text, **values):
    """Translated in a request (the visitor's language); plain English from the CLI or a worker."""
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text


def _iso(value):
    return value.isoformat() if value is not None else None


def agenda_snapshot(meeting):
    """The agenda as published: plain JSON, complete enough to render and to hash.

    Status, sequence and revision times are left out on purpose: they change
    without the agenda changing, and the snapshot's hash must not.
    """
    numbers = item_numbers(meeting.sections)
    body = meeting.body
    return {
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "kind": str(meeting.kind),
            "start_at": _iso(meeting.start_at),
            "end_at": _iso(meeting.end_at),
            "location": meeting.location or "",
            "remote_url": meeting.remote_url or "",
            "dial_in": meeting.dial_in or "",
            "remote_instructions": meeting.remote_instructions or "",
            "accommodation_notice": meeting.accommodation_notice or "",
        },
        "body": {"slug": body.slug, "name": body.name, "timezone": body.timezone,
                 "rule_pack": body.rule_pack},
        "sections": [
            {
                "id": section.id,
                "number": str(position),
                "title": section.title,
                "kind": str(section.kind),
                "items": [
                    {
                        "id": item.id,
                        "number": numbers[item.id],
                        **{name: getattr(item, name) for name in ITEM_FIELDS},
                        "attachments": [{name: getattr(a, name) for name in ATTACHMENT_FIELDS}
                                        for a in item.attachments],
                    }
                    for item in section.items
                ],
            }
            for position, section in enumerate(meeting.sections, start=1)
        ],
    }


def publish_agenda(meeting, *, actor, now, override_reason=None):
    """Publish the meeting's agenda as a new immutable version; returns the AgendaVersion."""
    # Read sections and items back as stored, in their saved order, not as the
    # in-memory collections happened to be built during this request.
    db.session.flush()
    db.session.expire_all()
    # Serialise publishes of one meeting (PostgreSQL row lock) so two clerks clicking
    # at once cannot both claim the same version number.
    lock_row(Meeting, meeting.id)
    status = MeetingStatus(meeting.status)
    if status not in PUBLISHABLE:
        raise InvalidState(_("A %(status)s meeting's agenda cannot be published.", status=_status_word(status)))
    content = agenda_snapshot(meeting)
    digest = chain.content_hash(content)
    current = meeting.current_version
    if current is not None and current.content_hash == digest:
        raise InvalidState(_("Nothing changed since agenda version %(number)d was published.",
                             number=current.number))

    content_results = check_agenda(content, meeting.body.rule_pack)
    failures = blocking_failures(content_results)
    if failures:
        raise ValidationFailed(_("The agenda cannot be published: %(problems)s",
                                 problems="; ".join(_(f["summary"]) for f in failures)),
                               details={"checks": failures})

    deadline = _deadline(meeting)
    late_seconds = int((now - deadline.at).total_seconds())
    is_late = late_seconds > 0
    enforced = deadline.rule.severity == "block"
    reason = None
    if is_late and enforced:
        reason = _valid_override(override_reason, meeting, deadline, late_seconds)

    number = (current.number + 1) if current is not None else 1
    version = AgendaVersion(
        meeting_id=meeting.id, number=number, content=content, content_hash=digest, posted_at=now,
        posted_by_id=getattr(actor, "id", None), deadline_at=deadline.at, override_reason=reason or "",
    )
    meeting.versions.append(version)

    compliance.record(meeting, Tag.DEADLINE_CHECKED, {
        **deadline.rule.as_evidence(),
        "kind": str(meeting.kind),
        "start_at": _iso(meeting.start_at),
        "deadline_at": _iso(deadline.at),
        "published_at": _iso(now),
        "margin_seconds": -late_seconds,
        "met": not is_late,
        "notice_hours": deadline.hours,
        "agenda_version": number,
        "content_hash": digest,
    }, actor=actor, now=now)
    if reason is not None:
        compliance.record(meeting, Tag.DEADLINE_OVERRIDDEN, {
            "rule_id": deadline.rule.id, "citation": deadline.rule.citation,
            "deadline_at": _iso(deadline.at), "published_at": _iso(now), "late_seconds": late_seconds,
            "reason": reason, "by": compliance.actor_label(actor), "agenda_version": number,
        }, actor=actor, now=now)
    compliance.record(meeting, Tag.CONTENT_CHECKED, {
        "agenda_version": number, "content_hash": digest, "results": content_results,
    }, actor=actor, now=now)
    compliance.record(meeting, Tag.AGENDA_POSTED if number == 1 else Tag.AGENDA_AMENDED, {
        "agenda_version": number, "content_hash": digest, "posted_at": _iso(now),
        "deadline_at": _iso(deadline.at), "overridden": reason is not None,
        "previous_content_hash": current.content_hash if current is not None else None,
    }, actor=actor, now=now)

    if status == MeetingStatus.DRAFT:
        meeting.status = MeetingStatus.PUBLISHED
        meeting.sequence += 1
    meeting.has_unpublished_changes = False
    meeting.revised_at = now
    db.session.flush()
    # The live pages show the meeting's status and the posted agenda's items: a new
    # version of their state, sent once committed (a console open on the draft too).
    note_state_change(meeting)
    # The PDFs are rebuilt by the worker, and only once this version is committed.
    meeting_id = meeting.id
    after_commit(lambda: enqueue_packet_build(meeting_id))
    return version


def _deadline(meeting):
    body = meeting.body
    return posting_deadline(body.rule_pack, meeting.kind, meeting.start_at, body.timezone,
                            generic_hours=body.generic_notice_hours, scheduled_at=meeting.created_at)


def _valid_override(override_reason, meeting, deadline, late_seconds):
    reason = (override_reason or "").strip()
    if not reason:
        raise DeadlinePassed(
            _("The posting deadline for this meeting was %(deadline)s (%(citation)s); publishing now "
              "would be %(late)s late. Give a reason to publish anyway; it will be logged.",
              deadline=format_local(deadline.at, meeting.body.timezone),
              citation=deadline.rule.citation, late=format_duration(late_seconds)),
            details={"deadline_at": _iso(deadline.at), "late_seconds": late_seconds,
                     "rule_id": deadline.rule.id, "citation": deadline.rule.citation})
    if len(reason) > MAX_OVERRIDE_REASON:
        raise ValidationFailed(_("The override reason must be %(max)d characters or fewer.",
                                 max=MAX_OVERRIDE_REASON))
    return reason


def format_local(value, tz_name):
    """'Friday, February 27, 2026 at 6:00 PM PST' in the body's timezone."""
    local = value.astimezone(ZoneInfo(tz_name))
    hour = local.strftime("%I").lstrip("0")
    return f"{local:%A, %B} {local.day}, {local:%Y} at {hour}:{local:%M %p %Z}"


def format_duration(seconds):
    """Whole days, hours and minutes, e.g. '1 day 2 hours 5 minutes' (at least '1 minute')."""
    minutes = max(1, -(-seconds // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    for amount, one, many in ((days, _("day"), _("days")), (hours, _("hour"), _("hours")),
                              (minutes, _("minute"), _("minutes"))):
        if amount:
            parts.append(f"{amount} {one if amount == 1 else many}")
    return " ".join(parts)


def _status_word(status):
    return str(status).replace("_", " ")


# ---------------------------------------------------------------------------
# Differences between two published versions, for the public history page.

def version_diff(old_content, new_content):
    """What changed between two snapshots, as rows a page can render.

    Each row: {kind: added|removed|changed, number, title, field, old, new, summary}.
    Meeting-level changes have number None and field the meeting field's name;
    items are matched by id, so a moved item shows as a changed number.
    """
    changes = []
    old_meeting, new_meeting = old_content.get("meeting", {}), new_content.get("meeting", {})
    for name in MEETING_FIELDS:
        if old_meeting.get(name) != new_meeting.get(name):
            changes.append(_row("changed", None, new_meeting.get("title"), name,
                                old_meeting.get(name), new_meeting.get(name)))

    old_sections = {s["id"]: s for s in old_content.get("sections", [])}
    for section in new_content.get("sections", []):
        before = old_sections.get(section["id"])
        if before is None:
            changes.append(_row("added", section.get("number"), section.get("title"), "section"))
        elif before.get("title") != section.get("title"):
            changes.append(_row("changed", section.get("number"), section.get("title"), "section_title",
                                before.get("title"), section.get("title")))
    new_section_ids = {s["id"] for s in new_content.get("sections", [])}
    for section in old_content.get("sections", []):
        if section["id"] not in new_section_ids:
            changes.append(_row("removed", section.get("number"), section.get("title"), "section"))

    old_items, new_items = _items_by_id(old_content), _items_by_id(new_content)
    for item_id, item in new_items.items():
        before = old_items.get(item_id)
        if before is None:
            changes.append(_row("added", item.get("number"), item.get("title"), "item"))
            continue
        if before.get("number") != item.get("number"):
            changes.append(_row("changed", item.get("number"), item.get("title"), "number",
                                before.get("number"), item.get("number")))
        for name in ITEM_FIELDS:
            if before.get(name) != item.get(name):
                changes.append(_row("changed", item.get("number"), item.get("title"), name,
                                    before.get(name), item.get(name)))
        old_files, new_files = _attachment_names(before), _attachment_names(item)
        if old_files != new_files:
            changes.append(_row("changed", item.get("number"), item.get("title"), "attachments",
                                old_files, new_files))
    for item_id, item in old_items.items():
        if item_id not in new_items:
            changes.append(_row("removed", item.get("number"), item.get("title"), "item"))
    return changes


def _items_by_id(content):
    return {item["id"]: item for section in content.get("sections", []) for item in section.get("items", [])}


def _attachment_names(item):
    return [f"{a.get('title') or a.get('filename')} ({a.get('sha256', '')[:12]})"
            for a in item.get("attachments", [])]


def _row(kind, number, title, field, old=None, new=None):
    label = f"{number} {title}".strip() if number else (title or "")
    if kind == "added":
        summary = f"Added {field} {label}"
    elif kind == "removed":
        summary = f"Removed {field} {label}"
    else:
        summary = f"{label}: {field.replace('_', ' ')} changed"
    return {"kind": kind, "number": number, "title": title, "field": field, "old": old, "new": new,
            "summary": summary}

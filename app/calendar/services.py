"""Meetings as calendar feed data: which meetings a feed holds and what each event says.

Every feed shows a meeting the same way (same UID, summary and description), so a
resident subscribed to both a body's feed and the global one sees one meeting,
not two that disagree.
"""
from datetime import timedelta
from urllib.parse import quote, urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask_babel import gettext as _

from app.calendar.ical import Feed, FeedEvent, meeting_uid
from app.core.errors import NotFound
from app.extensions import db
from app.meetings.models import AgendaVersion, Body, Meeting, MeetingStatus

# Subscription feeds keep a year of history: enough to look back at recent
# meetings without making every poll download a decade of them.
HISTORY = timedelta(days=366)

CANCELLED_STATUSES = (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED)


def meeting_feed(meeting_id, *, base_url):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.status == MeetingStatus.DRAFT:
        raise NotFound(_("There is no public meeting with this number."))
    links = _Links(base_url)
    event = _event(meeting, links, _last_posted_at([meeting.id]).get(meeting.id))
    return Feed(uid=f"calendar-meeting-{meeting.id}@{links.host}", name=event.summary, description="",
                source_url=links.meeting_feed(meeting.id), url=links.meeting_page(meeting.id),
                events=(event,))


def body_feed(slug, *, base_url, now):
    body = db.session.scalar(sa.select(Body).where(Body.slug == slug))
    if body is None:
        raise NotFound(_("There is no body with this name."))
    links = _Links(base_url)
    return Feed(uid=f"calendar-body-{body.slug}@{links.host}", name=body.name,
                description=_("Public meetings of %(body)s", body=body.name),
                source_url=links.body_feed(body.slug), url=links.body_page(body.slug),
                events=_events(_public_since(now).where(Meeting.body_id == body.id), links))


def global_feed(*, base_url, now):
    links = _Links(base_url)
    return Feed(uid=f"calendar-all@{links.host}", name=_("Public meetings"),
                description=_("Public meetings of every body"),
                source_url=links.global_feed(), url=links.meetings_page(),
                events=_events(_public_since(now), links))


def subscribe_links(https_url):
    """The https address of a feed and its webcal:// twin, which opens a calendar app."""
    return {"https": https_url, "webcal": "webcal://" + https_url.split("://", 1)[1]}


def _public_since(now):
    # Drafts are the clerk's working copies; they never reach a resident's calendar.
    return (sa.select(Meeting)
            .where(Meeting.status != MeetingStatus.DRAFT, Meeting.start_at >= now - HISTORY)
            .order_by(Meeting.start_at, Meeting.id))


def _events(query, links):
    meetings = db.session.scalars(query.options(selectinload(Meeting.body))).all()
    posted = _last_posted_at([meeting.id for meeting in meetings])
    return tuple(_event(meeting, links, posted.get(meeting.id)) for meeting in meetings)


def _last_posted_at(meeting_ids):
    if not meeting_ids:
        return {}
    rows = db.session.execute(
        sa.select(AgendaVersion.meeting_id, sa.func.max(AgendaVersion.posted_at))
        .where(AgendaVersion.meeting_id.in_(meeting_ids))
        .group_by(AgendaVersion.meeting_id)
    ).all()
    # max() keeps the column's UTC type, so these come back timezone-aware.
    return dict(rows)


def _event(meeting, links, last_posted_at):
    # Posting an agenda adds its PDF link to the event, so it counts as a revision.
    revised_at = max(filter(None, (meeting.revised_at, last_posted_at)))
    return FeedEvent(
        uid=meeting_uid(meeting.id, links.host),
        sequence=meeting.sequence,
        revised_at=revised_at,
        created_at=meeting.created_at,
        start_at=meeting.start_at,
        end_at=meeting.end_at,
        timezone=meeting.body.timezone,
        summary=_summary(meeting),
        description=_description(meeting, links, has_agenda=last_posted_at is not None),
        url=links.meeting_page(meeting.id),
        location=meeting.location,
        is_cancelled=meeting.status in CANCELLED_STATUSES,
        conference_url=meeting.remote_url if _is_web_url(meeting.remote_url) else "",
        conference_label=_("Join online") if _is_web_url(meeting.remote_url) else "",
    )


def _summary(meeting):
    title = f"{meeting.body.name}: {meeting.title}"
    # Several clients show STATUS:CANCELLED no differently from a confirmed event.
    if meeting.status == MeetingStatus.CANCELLED:
        return _("Cancelled: %(title)s", title=title)
    if meeting.status == MeetingStatus.POSTPONED:
        return _("Postponed: %(title)s", title=title)
    return title


def _description(meeting, links, *, has_agenda):
    lines = []
    if meeting.status == MeetingStatus.CANCELLED:
        lines += [_("This meeting has been cancelled."), ""]
    elif meeting.status == MeetingStatus.POSTPONED:
        lines += [_("This meeting has been postponed. The new date will be announced."), ""]
    lines.append(_("Agenda and meeting page: %(url)s", url=links.meeting_page(meeting.id)))
    if has_agenda:
        lines.append(_("Agenda (PDF): %(url)s", url=links.agenda_pdf(meeting.id)))
    if meeting.remote_url or meeting.dial_in or meeting.remote_instructions:
        lines += ["", _("Remote participation")]
        if meeting.remote_url:
            lines.append(_("Join online: %(url)s", url=meeting.remote_url))
        if meeting.dial_in:
            lines.append(_("Join by phone: %(number)s", number=meeting.dial_in))
        if meeting.remote_instructions:
            lines.append(meeting.remote_instructions.strip())
    if meeting.accommodation_notice:
        lines += ["", meeting.accommodation_notice.strip()]
    return "\n".join(lines)


def _is_web_url(value):
    return urlsplit(value or "").scheme in ("http", "https")


class _Links:
    """Public addresses, always from PUBLIC_BASE_URL: a feed fetched through a proxy or
    an internal host name must still point residents at the public site."""

    def __init__(self, base_url):
        self.base = base_url.rstrip("/")
        self.host = urlsplit(self.base).hostname or "localhost"

    def meeting_page(self, meeting_id):
        return f"{self.base}/meetings/{meeting_id}"

    def agenda_pdf(self, meeting_id):
        return f"{self.base}/meetings/{meeting_id}/agenda.pdf"

    def meeting_feed(self, meeting_id):
        return f"{self.base}/meetings/{meeting_id}.ics"

    def body_page(self, slug):
        return f"{self.base}/meetings?body={quote(slug)}"

    def body_feed(self, slug):
        return f"{self.base}/bodies/{quote(slug)}/calendar.ics"

    def meetings_page(self):
        return f"{self.base}/meetings"

    def global_feed(self):
        return f"{self.base}/calendar.ics"

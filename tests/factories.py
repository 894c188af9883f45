"""Test data with good defaults. Every function takes overrides as keyword arguments."""
import itertools
from datetime import datetime, timedelta

from app.accounts.services import create_user, issue_token
from app.core.time import UTC
from app.extensions import db
from app.meetings.models import (AgendaItem, AgendaSection, Body, Meeting, MeetingKind, MeetingStatus,
                                 Member, SectionKind)

# A fixed "now" for the whole suite: Monday 2026-03-02 17:00 UTC (09:00 in Los Angeles).
NOW = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)

DEFAULT_TEMPLATE = [
    {"title": "Call to Order", "kind": "ceremonial"},
    {"title": "Roll Call", "kind": "ceremonial"},
    {"title": "Public Comment on Non-Agenda Items", "kind": "public_comment"},
    {"title": "Consent Calendar", "kind": "consent"},
    {"title": "Public Hearings", "kind": "public_hearing"},
    {"title": "New Business", "kind": "business"},
    {"title": "Adjournment", "kind": "ceremonial"},
]


def make_body(**overrides):
    n = next(_counter)
    values = dict(slug=f"body-{n}", name=f"Test Council {n}", timezone="America/Los_Angeles",
                  rule_pack="us-ca-brown-act", agenda_template=DEFAULT_TEMPLATE, created_at=NOW)
    values.update(overrides)
    members = values.pop("members", ["Ana Ruiz", "Ben Okafor", "Chen Wei", "Dana Fox", "Eli Stone"])
    body = Body(**values)
    db.session.add(body)
    for i, name in enumerate(members):
        body.members.append(Member(name=name, sort_order=i, title="Councilmember"))
    db.session.flush()
    return body


def make_meeting(body=None, **overrides):
    body = body or make_body()
    values = dict(body_id=body.id, kind=MeetingKind.REGULAR, title=f"Regular Meeting {next(_counter)}",
                  start_at=NOW + timedelta(days=7), location="Council Chambers, 100 Main St",
                  remote_url="https://example.org/webinar", dial_in="+1 555 0100",
                  remote_instructions="Join the webinar or call in to comment.",
                  accommodation_notice="To request a disability accommodation, call the clerk at 555-0100.",
                  status=MeetingStatus.DRAFT, created_at=NOW, revised_at=NOW)
    values.update(overrides)
    with_sections = values.pop("with_sections", True)
    meeting = Meeting(**values)
    meeting.body = body
    db.session.add(meeting)
    if with_sections:
        for i, section in enumerate(body.agenda_template or []):
            meeting.sections.append(AgendaSection(position=i, title=section["title"],
                                                  kind=SectionKind(section["kind"])))
    db.session.flush()
    return meeting


def make_item(meeting, section=None, **overrides):
    section = section or next((s for s in meeting.sections if s.kind == SectionKind.BUSINESS),
                              meeting.sections[0])
    values = dict(meeting_id=meeting.id, title=f"Item {next(_counter)}", position=len(section.items),
                  recommended_action="Approve.", accepts_public_comment=True)
    values.update(overrides)
    item = AgendaItem(**values)
    section.items.append(item)
    db.session.flush()
    return item


def make_closed_session_item(meeting, title):
    """An item in a closed-session section of its own, added at the end of the agenda."""
    section = AgendaSection(meeting_id=meeting.id, position=99, title="Closed Session", kind=SectionKind.CLOSED_SESSION)
    db.session.add(section)
    db.session.flush()
    return make_item(meeting, section, title=title)


def make_user(role="clerk", body=None, email=None, password=PASSWORD, **overrides):
    if role != "admin" and body is None:
        body = make_body()
    email = email or f"{role}{next(_counter)}@example.gov"
    return create_user(email, password, role=role, body=body, now=NOW, **overrides)


def make_token(user):
    return issue_token(user, now=NOW)

"""publish_agenda and friends, against the database (SQLite or PostgreSQL)."""
from datetime import timedelta

import pytest

from app.compliance import chain
from app.compliance.services import entries_for, verify_meeting
from app.core.errors import DeadlinePassed, InvalidState, ValidationFailed
from app.extensions import db
from app.meetings.models import Attachment, MeetingKind, MeetingStatus
from app.meetings.publishing import agenda_snapshot, publish_agenda, version_diff
from tests.factories import NOW, make_body, make_item, make_meeting, make_user


@pytest.fixture
def clerk(app):
    return make_user("clerk")


def tags(meeting):
    return [entry.tag for entry in entries_for(meeting.id)]


def entry(meeting, tag):
    return [e for e in entries_for(meeting.id) if e.tag == tag][-1]


def test_first_publish_posts_version_one(app, clerk):
    meeting = make_meeting()
    make_item(meeting, title="Adopt the 2026 budget")
    version = publish_agenda(meeting, actor=clerk, now=NOW)

    assert version.number == 1 and not version.is_amendment
    assert meeting.status == MeetingStatus.PUBLISHED
    assert meeting.sequence == 1 and meeting.revised_at == NOW
    assert meeting.has_unpublished_changes is False
    assert version.posted_at == NOW and version.posted_by_id == clerk.id
    assert version.content_hash == chain.content_hash(version.content)
    assert version.content == agenda_snapshot(meeting)
    assert version.deadline_at == meeting.start_at - timedelta(hours=72)
    assert tags(meeting) == ["deadline:checked", "content:checked", "agenda:posted"]
    assert verify_meeting(meeting.id) == (True, None)


def test_deadline_evidence_is_recorded(app, clerk):
    meeting = make_meeting()
    make_item(meeting)
    version = publish_agenda(meeting, actor=clerk, now=NOW)
    data = entry(meeting, "deadline:checked").data
    assert data["rule_id"] == "ca.posting.regular" and data["citation"] == "Cal. Gov. Code §54954.2(a)(1)"
    assert data["deadline_at"] == version.deadline_at.isoformat()
    assert data["published_at"] == NOW.isoformat()
    assert data["margin_seconds"] == int((version.deadline_at - NOW).total_seconds()) > 0
    assert data["met"] is True and data["content_hash"] == version.content_hash
    posted = entry(meeting, "agenda:posted").data
    assert posted["content_hash"] == version.content_hash and posted["agenda_version"] == 1
    assert entry(meeting, "agenda:posted").actor == f"user:{clerk.id}:{clerk.email}"


def test_content_check_results_are_recorded(app, clerk):
    meeting = make_meeting(accommodation_notice="")
    make_item(meeting, title=" ".join(["long"] * 30))
    publish_agenda(meeting, actor=clerk, now=NOW)
    results = {r["rule_id"]: r for r in entry(meeting, "content:checked").data["results"]}
    assert results["ca.agenda.accommodation_notice"]["passed"] is False
    assert results["ca.agenda.description_words"]["passed"] is False
    assert results["ca.agenda.item_title"]["passed"] is True


def test_item_without_title_is_refused_and_nothing_is_written(app, clerk):
    meeting = make_meeting()
    make_item(meeting, title="  ")
    with pytest.raises(ValidationFailed):
        publish_agenda(meeting, actor=clerk, now=NOW)
    db.session.rollback()
    assert tags(meeting) == [] and meeting.status == MeetingStatus.DRAFT


def test_snapshot_holds_numbers_fields_and_attachment_hashes(app, clerk):
    meeting = make_meeting()
    consent = next(s for s in meeting.sections if s.title == "Consent Calendar")
    first = make_item(meeting, consent, title="Minutes", department="Clerk", estimated_minutes=5)
    make_item(meeting, consent, title="Warrants")
    db.session.add(Attachment(item_id=first.id, filename="minutes.pdf", title="Draft minutes",
                              sha256="ab" * 32, size_bytes=1234, page_count=3, uploaded_at=NOW))
    db.session.flush()
    content = agenda_snapshot(meeting)
    section = content["sections"][3]
    assert section["number"] == "4" and section["title"] == "Consent Calendar"
    assert [i["number"] for i in section["items"]] == ["4.a", "4.b"]
    item = section["items"][0]
    assert item["department"] == "Clerk" and item["estimated_minutes"] == 5
    assert item["attachments"][0]["sha256"] == "ab" * 32
    assert content["meeting"]["start_at"] == meeting.start_at.isoformat()
    assert content["body"]["timezone"] == "America/Los_Angeles"


def test_change_after_publishing_makes_an_amended_version(app, clerk):
    meeting = make_meeting()
    item = make_item(meeting, title="Parks plan")
    first = publish_agenda(meeting, actor=clerk, now=NOW)
    item.title = "Parks master plan"
    make_item(meeting, title="Library hours")
    meeting.has_unpublished_changes = True
    second = publish_agenda(meeting, actor=clerk, now=NOW + timedelta(hours=1))

    assert second.number == 2 and second.is_amendment
    assert second.content_hash != first.content_hash
    assert meeting.status == MeetingStatus.PUBLISHED and meeting.sequence == 1  # status unchanged
    assert meeting.has_unpublished_changes is False
    assert tags(meeting)[-1] == "agenda:amended"
    assert entry(meeting, "agenda:amended").data["previous_content_hash"] == first.content_hash
    assert [v.number for v in meeting.versions] == [1, 2]
    assert verify_meeting(meeting.id) == (True, None)


def test_publishing_again_without_changes_is_refused(app, clerk):
    meeting = make_meeting()
    make_item(meeting)
    publish_agenda(meeting, actor=clerk, now=NOW)
    meeting.has_unpublished_changes = True  # a change that was undone leaves the agenda identical
    with pytest.raises(InvalidState):
        publish_agenda(meeting, actor=clerk, now=NOW + timedelta(minutes=5))


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.ADJOURNED, MeetingStatus.POSTPONED])
def test_closed_meetings_cannot_be_published(app, clerk, status):
    meeting = make_meeting(status=status)
    make_item(meeting)
    with pytest.raises(InvalidState):
        publish_agenda(meeting, actor=clerk, now=NOW)


def test_late_publish_is_refused_with_the_deadline_in_local_time(app, clerk):
    meeting = make_meeting(start_at=NOW + timedelta(hours=48))  # Wed 2026-03-04 09:00 PST
    make_item(meeting)
    with pytest.raises(DeadlinePassed) as caught:
        publish_agenda(meeting, actor=clerk, now=NOW)
    error = caught.value
    assert error.code == "deadline_passed"
    assert "Sunday, March 1, 2026 at 9:00 AM PST" in error.message
    assert "1 day" in error.message and "late" in error.message
    assert error.details["late_seconds"] == 24 * 3600
    db.session.rollback()
    assert tags(meeting) == []


def test_late_publish_with_override_is_logged(app, clerk):
    meeting = make_meeting(start_at=NOW + timedelta(hours=48))
    make_item(meeting)
    version = publish_agenda(meeting, actor=clerk, now=NOW, override_reason="  Storm closed City Hall.  ")
    assert version.override_reason == "Storm closed City Hall."
    assert tags(meeting) == ["deadline:checked", "deadline:overridden", "content:checked", "agenda:posted"]
    override = entry(meeting, "deadline:overridden")
    assert override.data["reason"] == "Storm closed City Hall."
    assert override.data["by"] == f"user:{clerk.id}:{clerk.email}"
    assert override.data["late_seconds"] == 24 * 3600
    checked = entry(meeting, "deadline:checked").data
    assert checked["met"] is False and checked["margin_seconds"] == -24 * 3600


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_blank_override_does_not_count(app, clerk, reason):
    meeting = make_meeting(start_at=NOW + timedelta(hours=10))
    make_item(meeting)
    with pytest.raises(DeadlinePassed):
        publish_agenda(meeting, actor=clerk, now=NOW, override_reason=reason)


def test_overlong_override_is_refused(app, clerk):
    meeting = make_meeting(start_at=NOW + timedelta(hours=10))
    make_item(meeting)
    with pytest.raises(ValidationFailed):
        publish_agenda(meeting, actor=clerk, now=NOW, override_reason="x" * 2001)
    publish_agenda(meeting, actor=clerk, now=NOW, override_reason="x" * 2000)


def test_amending_a_meeting_in_progress_needs_an_override(app, clerk):
    meeting = make_meeting(start_at=NOW + timedelta(days=7))
    item = make_item(meeting)
    publish_agenda(meeting, actor=clerk, now=NOW)
    meeting.status = MeetingStatus.IN_PROGRESS
    item.recommended_action = "Continue to the next meeting."
    later = meeting.start_at + timedelta(minutes=30)
    with pytest.raises(DeadlinePassed):
        publish_agenda(meeting, actor=clerk, now=later)
    version = publish_agenda(meeting, actor=clerk, now=later, override_reason="Correcting a typo live.")
    assert version.number == 2 and meeting.status == MeetingStatus.IN_PROGRESS


def test_advisory_rule_never_blocks(app, clerk):
    body = make_body(rule_pack="us-ny-oml", timezone="America/New_York")
    # Scheduled two days ahead: New York asks for notice "to the extent practicable".
    meeting = make_meeting(body, kind=MeetingKind.SPECIAL, start_at=NOW + timedelta(hours=1),
                           created_at=NOW - timedelta(days=1))
    make_item(meeting)
    publish_agenda(meeting, actor=clerk, now=NOW + timedelta(hours=2))
    data = entry(meeting, "deadline:checked").data
    assert data["rule_id"] == "ny.posting.practicable" and data["severity"] == "warn"
    assert data["met"] is False


def test_texas_body_uses_business_days(app, clerk):
    body = make_body(rule_pack="us-tx-oma", timezone="America/Chicago")
    # Monday 2026-03-09 18:00 CDT: post by Wednesday 2026-03-04 00:00 CST.
    meeting = make_meeting(body, start_at=NOW.replace(day=9, hour=23))
    make_item(meeting)
    version = publish_agenda(meeting, actor=clerk, now=NOW)
    assert version.deadline_at.isoformat() == "2026-03-04T06:00:00+00:00"
    assert entry(meeting, "deadline:checked").data["rule_version"] == 2


def test_generic_body_uses_its_own_hours(app, clerk):
    body = make_body(rule_pack="generic", generic_notice_hours=120)
    meeting = make_meeting(body, start_at=NOW + timedelta(hours=100))
    make_item(meeting)
    with pytest.raises(DeadlinePassed):
        publish_agenda(meeting, actor=clerk, now=NOW)


def test_log_actor_can_be_a_system_label(app):
    meeting = make_meeting()
    make_item(meeting)
    publish_agenda(meeting, actor="system:scheduler", now=NOW)
    assert entry(meeting, "agenda:posted").actor == "system:scheduler"


# --- version_diff (pure) -------------------------------------------------------------

def _content(items, **meeting):
    return {"meeting": {"title": "Regular Meeting", "start_at": "2026-03-09T02:00:00+00:00", **meeting},
            "sections": [{"id": 1, "number": "1", "title": "New Business", "items": items}]}


def _item(item_id, number, title, **fields):
    return {"id": item_id, "number": number, "title": title, "body_html": "", "recommended_action": "",
            "department": "", "fiscal_impact": "", "accepts_public_comment": True,
            "estimated_minutes": None, "attachments": [], **fields}


def test_version_diff_lists_added_removed_and_changed():
    old = _content([_item(1, "1.a", "Parks"), _item(2, "1.b", "Roads")])
    new = _content([_item(3, "1.a", "Library"), _item(1, "1.b", "Parks", recommended_action="Approve.")],
                   start_at="2026-03-10T02:00:00+00:00")
    changes = version_diff(old, new)
    by_kind = {(c["kind"], c["field"]): c for c in changes}
    assert by_kind[("changed", "start_at")]["number"] is None
    assert by_kind[("changed", "start_at")]["new"] == "2026-03-10T02:00:00+00:00"
    assert by_kind[("added", "item")]["title"] == "Library"
    assert by_kind[("removed", "item")]["number"] == "1.b" and by_kind[("removed", "item")]["title"] == "Roads"
    assert by_kind[("changed", "number")]["old"] == "1.a" and by_kind[("changed", "number")]["new"] == "1.b"
    assert by_kind[("changed", "recommended_action")]["new"] == "Approve."
    assert all(set(c) >= {"kind", "number", "title", "field", "old", "new"} for c in changes)


def test_version_diff_of_identical_content_is_empty():
    content = _content([_item(1, "1.a", "Parks")])
    assert version_diff(content, content) == []


def test_version_diff_notices_attachments():
    old = _content([_item(1, "1.a", "Parks")])
    new = _content([_item(1, "1.a", "Parks", attachments=[{"id": 9, "filename": "plan.pdf", "title": "",
                                                            "sha256": "cd" * 32}])])
    (change,) = version_diff(old, new)
    assert change["field"] == "attachments" and change["old"] == [] and "plan.pdf" in change["new"][0]

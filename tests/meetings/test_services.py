"""Meetings use cases against the database: validation, status machine, agenda editing, logging."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.compliance.models import ComplianceEntry
from app.compliance.services import verify_meeting
from app.core.errors import Conflict, InvalidState, NotFound, ValidationFailed
from app.extensions import db
from app.meetings import services
from app.meetings.models import AgendaItem, MeetingStatus
from app.meetings.numbering import item_numbers
from tests.factories import make_body, make_item, make_meeting, make_user


def tags(meeting):
    return db.session.scalars(sa.select(ComplianceEntry.tag).where(ComplianceEntry.meeting_id == meeting.id)
                              .order_by(ComplianceEntry.seq)).all()


def order_of(meeting):
    return [(s.id, [i.id for i in s.items], [i.position for i in s.items]) for s in meeting.sections]


@pytest.fixture
def body(app):
    return make_body()


@pytest.fixture
def clerk(body):
    return make_user("clerk", body=body)


@pytest.fixture
def meeting(body, clerk, now):
    return services.create_meeting(body, kind="regular", title="Regular Meeting",
                                   start_at=now + timedelta(days=10), actor=clerk, now=now)


def business(meeting):
    return next(s for s in meeting.sections if s.kind.value == "business")


# ---------------------------------------------------------------- bodies

def test_create_body_with_the_default_template(app, now):
    body = services.create_body(slug="planning", name="Planning Commission", timezone="America/Chicago",
                                rule_pack="us-tx-oma", actor=None, now=now)
    assert body.agenda_template[0] == {"title": "Call to Order", "kind": "ceremonial"}
    assert services.get_body("planning") is body


@pytest.mark.parametrize("field, value", [
    ("slug", "Not A Slug"), ("slug", ""), ("name", "  "), ("timezone", "Mars/Olympus"),
    ("rule_pack", "us-zz"), ("comment_seconds", 0), ("comment_seconds", True), ("comment_policy", "loudest"),
    ("agenda_template", [{"title": "x", "kind": "party"}]), ("agenda_template", "nope"),
])
def test_create_body_refuses_bad_values_naming_the_field(app, now, field, value):
    values = dict(slug="ok", name="OK", timezone="UTC", rule_pack="generic")
    values[field] = value
    with pytest.raises(ValidationFailed, match=field):
        services.create_body(**values, actor=None, now=now)


def test_duplicate_slug_is_a_conflict(app, now):
    services.create_body(slug="dup", name="A", timezone="UTC", rule_pack="generic", actor=None, now=now)
    with pytest.raises(Conflict):
        services.create_body(slug="dup", name="B", timezone="UTC", rule_pack="generic", actor=None, now=now)


def test_unknown_and_impossible_ids_are_not_found(app):
    for lookup in (services.get_meeting, services.get_item, services.get_section):
        for bad in (987654, 2**40, 0, -1, "1", None):
            with pytest.raises(NotFound):
                lookup(bad)
    with pytest.raises(NotFound):
        services.get_body("nobody")


# ---------------------------------------------------------------- meetings

def test_create_meeting_copies_the_template_and_logs_it(meeting, body):
    assert [s.title for s in meeting.sections] == [t["title"] for t in body.agenda_template]
    assert meeting.status == MeetingStatus.DRAFT and meeting.sequence == 0
    assert meeting.start_at.utcoffset() == timedelta(0)
    assert tags(meeting) == ["meeting:created"]
    assert verify_meeting(meeting.id)[0]


def test_create_meeting_refuses_naive_times_and_end_before_start(body, clerk, now):
    with pytest.raises(ValidationFailed, match="start"):
        services.create_meeting(body, kind="regular", title="X", start_at=now.replace(tzinfo=None),
                                actor=clerk, now=now)
    with pytest.raises(ValidationFailed, match="end"):
        services.create_meeting(body, kind="regular", title="X", start_at=now, end_at=now - timedelta(hours=1),
                                actor=clerk, now=now)
    with pytest.raises(ValidationFailed, match="kind"):
        services.create_meeting(body, kind="casual", title="X", start_at=now, actor=clerk, now=now)


def test_time_change_bumps_sequence_and_is_logged_as_rescheduled(meeting, clerk, now):
    later = now + timedelta(hours=1)
    services.update_meeting(meeting, {"start_at": meeting.start_at + timedelta(days=1)}, actor=clerk, now=later)
    assert meeting.sequence == 1 and meeting.revised_at == later
    services.update_meeting(meeting, {"location": "Library"}, actor=clerk, now=later)
    assert meeting.sequence == 2
    assert tags(meeting) == ["meeting:created", "meeting:rescheduled", "meeting:rescheduled"]
    entry = db.session.scalars(sa.select(ComplianceEntry).where(ComplianceEntry.seq == 3,
                                                                ComplianceEntry.meeting_id == meeting.id)).one()
    assert entry.data["changes"]["location"]["to"] == "Library"


def test_title_change_is_not_a_new_calendar_revision(meeting, clerk, now):
    services.update_meeting(meeting, {"title": "Renamed"}, actor=clerk, now=now)
    assert meeting.title == "Renamed" and meeting.sequence == 0


def test_sending_the_current_values_changes_nothing(meeting, clerk, now):
    services.update_meeting(meeting, {"start_at": meeting.start_at, "title": meeting.title},
                            actor=clerk, now=now + timedelta(days=1))
    assert meeting.sequence == 0 and meeting.revised_at == now and tags(meeting) == ["meeting:created"]


def test_unknown_fields_are_refused(meeting, clerk, now):
    with pytest.raises(ValidationFailed, match="colour"):
        services.update_meeting(meeting, {"colour": "red"}, actor=clerk, now=now)


@pytest.mark.parametrize("start", [MeetingStatus.DRAFT, MeetingStatus.PUBLISHED])
def test_cancel_and_postpone_from_draft_or_published(meeting, clerk, now, start):
    meeting.status = start
    services.cancel_meeting(meeting, reason="No quorum expected", actor=clerk, now=now)
    assert meeting.status == MeetingStatus.CANCELLED and meeting.sequence == 1
    assert tags(meeting)[-1] == "meeting:cancelled"


def test_postpone_is_logged(meeting, clerk, now):
    services.postpone_meeting(meeting, reason="Storm", actor=clerk, now=now)
    assert meeting.status == MeetingStatus.POSTPONED and tags(meeting)[-1] == "meeting:postponed"


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.IN_PROGRESS,
                                    MeetingStatus.ADJOURNED, MeetingStatus.POSTPONED])
def test_cancel_from_other_states_is_refused(meeting, clerk, now, status):
    meeting.status = status
    with pytest.raises(InvalidState):
        services.cancel_meeting(meeting, reason="x", actor=clerk, now=now)


def test_cancel_needs_a_reason(meeting, clerk, now):
    with pytest.raises(ValidationFailed, match="reason"):
        services.cancel_meeting(meeting, reason="  ", actor=clerk, now=now)
    assert meeting.status == MeetingStatus.DRAFT


def test_status_change_through_update_follows_the_machine(meeting, clerk, now):
    with pytest.raises(InvalidState):
        services.update_meeting(meeting, {"status": "adjourned"}, actor=clerk, now=now)
    with pytest.raises(InvalidState):
        services.update_meeting(meeting, {"status": "published"}, actor=clerk, now=now)
    services.update_meeting(meeting, {"status": "postponed"}, actor=clerk, now=now)
    assert meeting.status == MeetingStatus.POSTPONED and meeting.sequence == 1


def test_change_status_walks_the_live_states(meeting, clerk, now):
    meeting.status = MeetingStatus.PUBLISHED
    for status in ("in_progress", "recessed", "in_progress", "adjourned"):
        services.change_status(meeting, status, actor=clerk, now=now)
    assert meeting.status == MeetingStatus.ADJOURNED and meeting.sequence == 4
    with pytest.raises(InvalidState):
        services.update_meeting(meeting, {"title": "Too late"}, actor=clerk, now=now)


def test_drafts_are_listed_only_for_their_own_staff(meeting, body, now):
    other = make_meeting(status=MeetingStatus.PUBLISHED)
    public = db.session.scalars(services.visible_meetings_query()).all()
    assert public == [other]
    staff_view = db.session.scalars(services.visible_meetings_query(staff_body_ids={body.id})).all()
    assert set(staff_view) == {meeting, other}


# ---------------------------------------------------------------- agenda

def test_add_item_sanitizes_rich_text(meeting, clerk, now):
    item = services.add_item(meeting, section_id=business(meeting).id, title=" Budget ",
                             body_html='<p onclick="x()">Hi<script>alert(1)</script>'
                                       '<a href="javascript:alert(1)">x</a></p>',
                             actor=clerk, now=now)
    assert item.title == "Budget"
    assert "script" not in item.body_html and "onclick" not in item.body_html
    assert "javascript" not in item.body_html and item.body_html.startswith("<p>Hi")


def test_add_item_refuses_a_section_of_another_meeting(meeting, clerk, now):
    other = make_meeting()
    with pytest.raises(ValidationFailed, match="section_id"):
        services.add_item(meeting, section_id=other.sections[0].id, title="X", actor=clerk, now=now)


@pytest.mark.parametrize("changes, field", [({"estimated_minutes": -1}, "estimated_minutes"),
                                            ({"estimated_minutes": True}, "estimated_minutes"),
                                            ({"accepts_public_comment": "yes"}, "accepts_public_comment"),
                                            ({"title": ""}, "title"), ({"title": "a\x00b"}, "title"),
                                            ({"nonsense": 1}, "nonsense")])
def test_update_item_refuses_bad_values(meeting, clerk, now, changes, field):
    item = make_item(meeting, title="Keep")
    with pytest.raises(ValidationFailed, match=field):
        services.update_item(item, changes, actor=clerk, now=now)
    assert item.title == "Keep"


def test_agenda_changes_after_publishing_are_flagged(meeting, clerk, now):
    item = services.add_item(meeting, section_id=business(meeting).id, title="A", actor=clerk, now=now)
    assert meeting.has_unpublished_changes is False
    meeting.status = MeetingStatus.PUBLISHED
    services.update_item(item, {"title": "A"}, actor=clerk, now=now)
    assert meeting.has_unpublished_changes is False  # nothing actually changed
    services.update_item(item, {"title": "B"}, actor=clerk, now=now)
    assert meeting.has_unpublished_changes is True


@pytest.mark.parametrize("change", ["add", "delete", "move", "reorder", "section", "details"])
def test_every_kind_of_change_on_a_published_meeting_is_flagged(meeting, clerk, now, change):
    item = make_item(meeting)
    make_item(meeting)
    meeting.status = MeetingStatus.PUBLISHED
    meeting.has_unpublished_changes = False
    if change == "add":
        services.add_item(meeting, section_id=business(meeting).id, title="New", actor=clerk, now=now)
    elif change == "delete":
        services.delete_item(item, actor=clerk, now=now)
    elif change == "move":
        services.move_item(item, direction="down", actor=clerk, now=now)
    elif change == "reorder":
        order = [{"section_id": s.id, "item_ids": [i.id for i in reversed(s.items)]} for s in meeting.sections]
        services.reorder_items(meeting, order, actor=clerk, now=now)
    elif change == "section":
        services.add_section(meeting, title="Presentations", kind="reports", actor=clerk, now=now)
    else:
        services.update_meeting(meeting, {"location": "Annex"}, actor=clerk, now=now)
    assert meeting.has_unpublished_changes is True


def test_agenda_of_a_cancelled_meeting_is_frozen(meeting, clerk, now):
    item = make_item(meeting)
    services.cancel_meeting(meeting, reason="x", actor=clerk, now=now)
    with pytest.raises(InvalidState):
        services.add_item(meeting, section_id=business(meeting).id, title="X", actor=clerk, now=now)
    with pytest.raises(InvalidState):
        services.delete_item(item, actor=clerk, now=now)


def test_reorder_moves_items_between_sections(meeting, clerk, now):
    consent = next(s for s in meeting.sections if s.kind.value == "consent")
    a, b, c = (make_item(meeting, title=t) for t in "abc")
    order = [{"section_id": consent.id, "item_ids": [c.id, a.id]}, {"section_id": business(meeting).id,
                                                                     "item_ids": [b.id]}]
    services.reorder_items(meeting, order, actor=clerk, now=now)
    db.session.expire_all()
    assert [i.title for i in consent.items] == ["c", "a"]
    assert [i.title for i in business(meeting).items] == ["b"]
    assert [i.position for i in consent.items] == [0, 1]
    numbers = item_numbers(meeting.sections)
    assert numbers[c.id] == "4.a" and numbers[a.id] == "4.b" and numbers[b.id] == "6.a"


@pytest.mark.parametrize("bad", ["missing", "twice", "foreign", "section", "duplicate-section", "shape"])
def test_bad_orders_change_nothing(meeting, clerk, now, bad):
    a, b = make_item(meeting), make_item(meeting)
    other_item = make_item(make_meeting())
    section = business(meeting).id
    order = {
        "missing": [{"section_id": section, "item_ids": [a.id]}],
        "twice": [{"section_id": section, "item_ids": [a.id, b.id, a.id]}],
        "foreign": [{"section_id": section, "item_ids": [a.id, b.id, other_item.id]}],
        "section": [{"section_id": other_item.section_id, "item_ids": [a.id, b.id]}],
        "duplicate-section": [{"section_id": section, "item_ids": [a.id]},
                              {"section_id": section, "item_ids": [b.id]}],
        "shape": [{"section_id": section, "item_ids": [a.id, b.id], "extra": 1}],
    }[bad]
    before = order_of(meeting)
    with pytest.raises(ValidationFailed):
        services.reorder_items(meeting, order, actor=clerk, now=now)
    assert order_of(meeting) == before


def test_move_item_steps_within_and_across_sections(meeting, clerk, now):
    consent = next(s for s in meeting.sections if s.kind.value == "consent")
    hearings = next(s for s in meeting.sections if s.kind.value == "public_hearing")
    a, b = make_item(meeting, consent, title="a"), make_item(meeting, consent, title="b")
    services.move_item(b, direction="up", actor=clerk, now=now)
    assert [i.title for i in consent.items] == ["b", "a"]
    services.move_item(a, direction="down", actor=clerk, now=now)  # last in section -> next section's top
    assert [i.title for i in consent.items] == ["b"] and hearings.items == [a]
    services.move_item(a, to_section_id=consent.id, actor=clerk, now=now)
    assert [i.title for i in consent.items] == ["b", "a"] and [i.position for i in consent.items] == [0, 1]
    with pytest.raises(ValidationFailed):
        services.move_item(a, direction="sideways", actor=clerk, now=now)


def test_delete_item_closes_the_gap(meeting, clerk, now):
    a, b, c = (make_item(meeting, title=t) for t in "abc")
    services.delete_item(b, actor=clerk, now=now)
    assert [(i.title, i.position) for i in business(meeting).items] == [("a", 0), ("c", 1)]
    assert db.session.get(AgendaItem, b.id) is None


def test_a_deleted_items_id_is_not_given_to_a_new_item(meeting, clerk, now):
    """Posted versions, queue places and the log still name the deleted item by id."""
    make_item(meeting, title="a")
    newest = make_item(meeting, title="b")
    deleted_id = newest.id
    services.delete_item(newest, actor=clerk, now=now)
    db.session.commit()
    assert make_item(meeting, title="c").id > deleted_id


def test_update_item_section_id_moves_it_to_the_end(meeting, clerk, now):
    consent = next(s for s in meeting.sections if s.kind.value == "consent")
    make_item(meeting, consent)
    item = make_item(meeting)
    services.update_item(item, {"section_id": consent.id}, actor=clerk, now=now)
    assert consent.items[-1] is item and item.position == 1

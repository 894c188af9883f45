"""Who answered the opening roll call and who arrived late: the rule (pure), the record, the
draft minutes and the API say the same."""
from datetime import timedelta

from app.core.db import transaction
from app.extensions import db
from app.live import services as live
from app.meetings.models import MeetingStatus
from app.minutes import rules, services
from app.minutes.models import Attendance, AttendanceMode, AttendanceStatus
from tests.factories import make_item
from tests.minutes.helpers import act, attend

def happening(kind, at, section_kind=None):
    return rules.Happening(kind, at, section_kind)


# -- the rule, on plain data (times are plain numbers: the rule only compares them) ------

def test_the_roll_call_lasts_until_business_begins():
    assert rules.roll_call_closed_at(10, []) is None
    assert rules.roll_call_closed_at(10, [happening("motion", 30), happening("recess", 20)]) == 20
    assert rules.roll_call_closed_at(None, [happening("motion", 30)]) is None


def test_what_counts_as_business():
    for kind in ("recess", "adjourn", "closed_session", "comment_opened", "motion", "recusal", "consent_pulled"):
        assert rules.roll_call_closed_at(10, [happening(kind, 20)]) == 20, kind
    # Reports on the public's remote access, reconvening, reporting out: not business of their own.
    for kind in ("remote_access_down", "remote_access_restored", "reconvene", "closed_session_report"):
        assert rules.roll_call_closed_at(10, [happening(kind, 20)]) is None, kind


def test_taking_up_an_item_is_business_unless_it_is_part_of_the_opening():
    assert rules.roll_call_closed_at(10, [happening("item_taken_up", 20, "business")]) == 20
    assert rules.roll_call_closed_at(10, [happening("item_taken_up", 20, "public_comment")]) == 20
    assert rules.roll_call_closed_at(10, [happening("item_taken_up", 20, "ceremonial")]) is None
    assert rules.roll_call_closed_at(10, [happening("item_taken_up", 20, None)]) is None  # the item cleared


def test_business_before_the_call_to_order_does_not_end_the_roll_call():
    assert rules.roll_call_closed_at(10, [happening("item_taken_up", 5, "business")]) is None
    assert rules.roll_call_closed_at(10, [happening("comment_opened", 10)]) == 10


def test_late_only_after_the_roll_call_ended():
    assert not rules.arrived_late(15, None)      # the roll call is still going on
    assert not rules.arrived_late(5, 20)         # present before the call to order
    assert not rules.arrived_late(15, 20)        # answered the roll call
    assert not rules.arrived_late(20, 20)        # at the same moment: the roll call's
    assert rules.arrived_late(21, 20)
    assert not rules.arrived_late(None, 20)      # never present


# -- the record, the draft and the API --------------------------------------------------

def _fixed(value, tz, pattern):
    return value.strftime("%H:%M")


def _people(meeting):
    return {p["member_id"]: p for p in services.minutes_record(meeting, fmt=_fixed)["attendance"]}


def test_members_recorded_right_after_the_call_to_order_answered_the_roll_call(app, meeting, members, item,
                                                                                 clerk, now):
    t = iter(now + timedelta(minutes=n) for n in range(0, 100))
    with transaction():
        services.proceedings_action(meeting, action="call_to_order", actor=clerk, now=next(t))
        for member in members[:3]:
            services.record_attendance(meeting, member, status="present", actor=clerk, now=next(t))
        services.record_attendance(meeting, members[3], status="absent", actor=clerk, now=next(t))

    people = _people(meeting)
    assert [people[m.id]["late"] for m in members[:4]] == [False] * 4
    html = services.draft_minutes(meeting, fmt=_fixed)
    assert "arrived at" not in html
    assert f"<li>Councilmember {members[0].name}: present in person</li>" in html


def test_a_member_recorded_after_business_began_arrived_late(app, meeting, members, item, clerk, now):
    t = iter(now + timedelta(minutes=n) for n in range(0, 100))
    with transaction():
        services.proceedings_action(meeting, action="call_to_order", actor=clerk, now=next(t))
        for member in members[:3]:
            services.record_attendance(meeting, member, status="present", actor=clerk, now=next(t))
    with transaction():
        live.set_item(meeting, item_id=item.id, actor=clerk, now=next(t))
    with transaction():
        services.record_attendance(meeting, members[3], status="present", actor=clerk, now=next(t))

    people = _people(meeting)
    assert [people[m.id]["late"] for m in members[:3]] == [False] * 3
    assert people[members[3].id]["late"] is True
    html = services.draft_minutes(meeting, fmt=_fixed)
    late_at = (now + timedelta(minutes=5)).strftime("%H:%M")
    assert f"{members[3].name}: present in person; arrived at {late_at}" in html
    assert html.count("arrived at") == 1


def test_the_opening_items_and_a_remote_access_report_do_not_end_the_roll_call(app, meeting, members, clerk, now):
    opening = next(s for s in meeting.sections if s.kind.value == "ceremonial")
    pledge = make_item(meeting, opening, title="Pledge of Allegiance", accepts_public_comment=False)
    db.session.commit()
    t = iter(now + timedelta(minutes=n) for n in range(0, 100))
    with transaction():
        services.proceedings_action(meeting, action="call_to_order", actor=clerk, now=next(t))
    with transaction():
        live.set_item(meeting, item_id=pledge.id, actor=clerk, now=next(t))
    with transaction():
        services.proceedings_action(meeting, action="remote_access_down", actor=clerk, now=next(t))
    with transaction():
        services.record_attendance(meeting, members[0], status="present", actor=clerk, now=next(t))

    assert _people(meeting)[members[0].id]["late"] is False


def test_a_member_present_before_the_call_to_order_is_not_late(app, meeting, members, item, clerk, now):
    # Recorded before the meeting was called to order (an earlier record, or an import).
    db.session.add(Attendance(meeting_id=meeting.id, member_id=members[0].id, status=AttendanceStatus.PRESENT,
                              mode=AttendanceMode.IN_PERSON, remote_basis="", arrived_at=now - timedelta(minutes=3),
                              recorded_at=now - timedelta(minutes=3)))
    db.session.commit()
    with transaction():
        services.proceedings_action(meeting, action="call_to_order", actor=clerk, now=now)
        services.make_motion(meeting, item_id=item.id, text="Approve.", mover_id=members[0].id, actor=clerk,
                             now=now + timedelta(minutes=1))
    assert meeting.status == MeetingStatus.IN_PROGRESS
    assert _people(meeting)[members[0].id]["late"] is False
    assert "arrived at" not in services.draft_minutes(meeting, fmt=_fixed)


def test_the_api_says_who_arrived_late_as_the_draft_does(client, auth, meeting, members, item):
    act(client, auth, meeting, "call_to_order")
    first = attend(client, auth, meeting, members[0])
    assert first.status_code == 200 and first.json["late"] is False
    attend(client, auth, meeting, members[1])
    attend(client, auth, meeting, members[2])
    assert act(client, auth, meeting, "recess").status_code == 200
    act(client, auth, meeting, "reconvene")
    late = attend(client, auth, meeting, members[3])
    assert late.status_code == 200 and late.json["late"] is True

    proceedings = client.get(f"/api/v1/meetings/{meeting.id}/proceedings", headers=auth).json
    by_member = {a["member_id"]: a["late"] for a in proceedings["attendance"]}
    assert by_member == {members[0].id: False, members[1].id: False, members[2].id: False, members[3].id: True}
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert draft.count("arrived at") == 1 and f"{members[3].name}: present in person; arrived at" in draft

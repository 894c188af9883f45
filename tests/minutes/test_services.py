"""A whole meeting through the services: the record, the log and the draft minutes."""
from datetime import timedelta

from app.compliance.services import verify_meeting
from app.core.db import transaction
from app.extensions import db
from app.live import services as live
from app.minutes import services
from tests.minutes.helpers import tags


def test_a_whole_meeting_becomes_its_minutes(app, meeting, members, item, consent_items, clerk, now):
    t = iter(now + timedelta(minutes=n) for n in range(0, 500, 2))
    with transaction():
        services.proceedings_action(meeting, action="call_to_order", actor=clerk, now=next(t))
        for member in members[:3]:
            services.record_attendance(meeting, member, status="present", actor=clerk, now=next(t))
        services.record_attendance(meeting, members[3], status="present", mode="remote",
                                   remote_basis="Just cause: caregiving", actor=clerk, now=next(t))
        # Consent calendar: one motion, one vote, every consent item decided.
        consent = services.make_motion(meeting, item_id=consent_items[0].id, text="Approve the consent calendar.",
                                       mover_id=members[0].id, seconder_id=members[1].id, actor=clerk, now=next(t))
        services.record_vote(consent, votes={m.id: "aye" for m in members[:4]}, actor=clerk, now=next(t))
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor=clerk, now=next(t))
        _, _token = live.join_queue(meeting, item_id=item.id, display_name="Maria", stance="support", now=next(t))
        live.join_queue(meeting, item_id=item.id, stance="oppose", now=next(t))
        live.add_in_person(meeting, item_id=item.id, display_name="Sam", stance="neutral", actor=clerk, now=next(t))
        for _n in range(3):
            live.call_next(meeting, actor=clerk, now=next(t))
            live.timer(meeting, action="start", actor=clerk, now=next(t))
        live.close_comment(meeting, actor=clerk, now=next(t))
    with transaction():
        services.record_attendance(meeting, members[4], status="present", actor=clerk, now=next(t))  # late
        motion = services.make_motion(meeting, item_id=item.id, text="Award the resurfacing contract.",
                                      mover_id=members[2].id, seconder_id=members[3].id,
                                      threshold="majority_of_full_body", actor=clerk, now=next(t))
        voted = services.record_vote(motion, votes={members[0].id: "aye", members[1].id: "no",
                                                    members[2].id: "aye", members[3].id: "aye",
                                                    members[4].id: "abstain"}, actor=clerk, now=next(t))
        services.proceedings_action(meeting, action="adjourn", actor=clerk, now=next(t))

    assert voted.result.value == "adopted"
    assert services.motion_tally(voted).as_dict()["votes_cast"] == 4
    assert tags(meeting).count("vote:recorded") == 2
    assert verify_meeting(meeting.id) == (True, None)

    fixed = lambda value, tz, pattern: value.strftime("%H:%M")  # noqa: E731 - stable times for asserts
    record = services.minutes_record(meeting, fmt=fixed)
    speakers = next(i for i in record["items"] if i["item_id"] == item.id)["speakers"]
    assert {k: speakers[k] for k in ("total", "in_person", "remote", "support", "oppose", "neutral")} == {
        "total": 3, "in_person": 1, "remote": 2, "support": 1, "oppose": 1, "neutral": 1}
    assert speakers["names"] == ["Maria", "Sam"]
    late = next(p for p in record["attendance"] if p["member_id"] == members[4].id)
    assert late["late"] is True

    html = services.draft_minutes(meeting, fmt=fixed)
    assert "The meeting was called to order at 17:00." in html
    assert f"{members[3].name}: present remotely (Just cause: caregiving)" in html
    assert f"<li>{members[1].name}: No</li>" in html
    assert "Adopted by roll call, 3-1 (1 abstaining, 0 absent, 0 recused; needed: majority of the full body)." in html
    for consent_item in consent_items:
        assert consent_item.title in html
    assert html.count("Approve the consent calendar.") == 1
    assert "Speakers who gave a name: Maria, Sam" in html


def test_every_change_bumps_the_state_version_once(app, meeting, members, clerk, now):
    version = meeting.state_version
    with transaction():
        services.proceedings_action(meeting, action="call_to_order", actor=clerk, now=now)
    assert meeting.state_version == version + 1
    with transaction():
        services.record_attendance(meeting, members[0], status="present", actor=clerk, now=now)
        services.record_attendance(meeting, members[0], status="present", actor=clerk, now=now)  # no change
    assert meeting.state_version == version + 2


def test_seats_include_vacancies(app, meeting, members, clerk, now):
    from app.minutes.models import BodySeats

    db.session.add(BodySeats(body_id=meeting.body_id, seats=7))
    with transaction():
        services.proceedings_action(meeting, action="call_to_order", actor=clerk, now=now)
        for member in members[:3]:
            services.record_attendance(meeting, member, status="present", actor=clerk, now=now)
    assert services.quorum(meeting) == {"seats": 7, "needed": 4, "present": 3, "present_remote": 0,
                                        "has_quorum": False}


def test_minutes_deadlines_for_an_illinois_meeting(app, clerk, now):
    from tests.factories import make_body, make_meeting
    from app.meetings.models import MeetingStatus

    body = make_body(rule_pack="us-il-oma")
    held = make_meeting(body, start_at=now - timedelta(days=40), status=MeetingStatus.ADJOURNED)
    make_meeting(body, start_at=now - timedelta(days=26), status=MeetingStatus.ADJOURNED)
    make_meeting(body, start_at=now - timedelta(days=5), status=MeetingStatus.PUBLISHED)
    db.session.commit()
    approve, available = services.minutes_deadlines(held, now=now)
    assert approve["rule_id"] == "il.minutes.approve" and approve["state"] == "overdue"
    # The second regular meeting after it (5 days ago) is later than 30 days (10 days ago).
    assert approve["due_at"] == (now - timedelta(days=5)).isoformat()
    assert available["state"] == "unknown"

"""Live use cases against the database: state, versions, compliance entries."""
from datetime import timedelta

import pytest

from app.compliance.services import entries_for, verify_meeting
from app.core.errors import InvalidState, NotFound, ValidationFailed
from app.extensions import db
from app.live import services as live
from app.live.models import EntryStatus
from app.meetings import services as meetings
from app.meetings.models import CommentPolicy, MeetingStatus
from app.meetings.numbering import item_numbers
from tests.factories import make_body, make_item, make_meeting, make_user


@pytest.fixture
def meeting(app):
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    db.session.commit()
    return meeting


@pytest.fixture
def item(meeting):
    item = make_item(meeting)
    db.session.commit()
    return item


@pytest.fixture
def chair(meeting):
    user = make_user(role="chair", body=meeting.body)
    db.session.commit()
    return user


def tags(meeting):
    return [e.tag for e in entries_for(meeting.id)]


def test_state_of_an_untouched_meeting(meeting, now):
    state = live.public_state(meeting, now=now)
    assert state == {"meeting_id": meeting.id, "version": 0, "status": "in_progress", "current_item": None,
                     "comment": {"open": False, "item_id": None, "item_title": None, "item_number": None,
                                 "seconds_per_speaker": 180,
                                 "opened_at": None, "period_seconds": None, "period_ends_at": None,
                                 "may_close_at": None,
                                 "may_close_in_seconds": None, "warn_before_removal": True,
                                 "closed_item_ids": []},
                     "speaker": None, "queue": [], "skipped": [], "removed": [],
                     "proceedings": {"quorum": {"seats": 5, "needed": 3, "present": 0, "present_remote": 0,
                                                "has_quorum": False},
                                     "attendance_recorded": False,
                                     "remote_access_down": False, "in_closed_session": False}}


def test_a_full_comment_period(meeting, item, chair, now):
    live.set_item(meeting, item_id=item.id, actor=chair, now=now)
    live.open_comment(meeting, item_id=item.id, seconds_per_speaker=120, actor=chair, now=now)
    first, token = live.join_queue(meeting, item_id=item.id, display_name="Ana", stance="support", now=now)
    card = live.add_in_person(meeting, item_id=item.id, display_name="Card 1", actor=chair, now=now)
    second, _ = live.join_queue(meeting, item_id=item.id, interpreter=True, now=now)
    state = live.public_state(meeting, now=now)
    assert state["version"] == 5
    # Its number as the agenda gives it: the chamber screen and the pages show it before the title.
    number = item_numbers(meeting.sections)[item.id]
    assert state["current_item"] == {"item_id": item.id, "title": item.title, "number": number}
    assert state["comment"]["item_number"] == number
    assert [(e["entry_id"], e["position"]) for e in state["queue"]] == [(first.id, 1), (card.id, 2), (second.id, 3)]
    assert state["queue"][0]["display_name"] == "Ana" and state["queue"][0]["channel"] == "remote"
    assert [e["expected_seconds"] for e in state["queue"]] == [120, 120, 240]

    assert live.call_next(meeting, actor=chair, now=now) == first
    assert live.resume(meeting, token=token) == first
    live.timer(meeting, action="start", actor=chair, now=now)
    speaker = live.public_state(meeting, now=now + timedelta(seconds=30))["speaker"]
    assert speaker["entry_id"] == first.id and speaker["remaining_seconds"] == 90 and speaker["running"]
    live.timer(meeting, action="pause", actor=chair, now=now + timedelta(seconds=40))
    live.timer(meeting, action="resume", actor=chair, now=now + timedelta(seconds=50))
    live.timer(meeting, action="extend", seconds=30, actor=chair, now=now + timedelta(seconds=50))
    assert live.public_state(meeting, now=now + timedelta(seconds=60))["speaker"]["remaining_seconds"] == 100

    assert live.call_next(meeting, actor=chair, now=now + timedelta(seconds=70)) == card
    assert first.status == EntryStatus.DONE and first.used_seconds == 60 and first.allotted_seconds == 150
    live.skip(meeting, entry_id=card.id, actor=chair, now=now)
    called = live.call_next(meeting, actor=chair, now=now)
    assert called == second and second.allotted_seconds == 240  # interpreted: twice the time
    live.recall(meeting, entry_id=card.id, actor=chair, now=now)
    live.timer(meeting, action="stop", actor=chair, now=now)
    assert second.status == EntryStatus.DONE
    live.warn(meeting, entry_id=card.id, reason="Shouting over the speaker", actor=chair, now=now)
    assert [e["warned"] for e in live.public_state(meeting, now=now)["queue"]] == [True]
    live.remove(meeting, entry_id=card.id, reason="Repeated disruption after a warning", actor=chair, now=now)
    live.close_comment(meeting, actor=chair, now=now)
    db.session.commit()

    assert tags(meeting) == [
        "item:current", "comment:opened", "speaker:joined", "speaker:joined", "speaker:joined",
        "speaker:called", "timer:changed", "timer:changed", "timer:changed", "timer:changed",
        "speaker:finished", "speaker:called", "speaker:skipped", "speaker:called", "speaker:recalled",
        "timer:changed", "speaker:finished", "speaker:warned", "speaker:removed", "comment:closed"]
    warned, removed = entries_for(meeting.id)[-3:-1]
    assert warned.data["reason"] == "Shouting over the speaker" and warned.data["entry_id"] == card.id
    assert removed.data["reason"] == "Repeated disruption after a warning"
    assert removed.data["warned_at"] == now.isoformat() and removed.data["threat"] is False
    assert removed.data["rule"]["rule_id"] == "ca.comment.warn_before_removal"
    assert removed.actor == f"user:{chair.id}:{chair.email}"
    assert entries_for(meeting.id)[2].actor == "resident"
    assert verify_meeting(meeting.id)[0]
    state = live.public_state(meeting, now=now)
    assert state["version"] == 18 and state["queue"] == [] and state["speaker"] is None  # one per change


def test_speakers_are_numbered_within_their_meeting(meeting, item, chair, now):
    """An anonymous speaker is "Speaker 3": the number counts the meeting's sign-ups,
    whatever other meetings the installation has held."""
    other = make_meeting(meeting.body, status=MeetingStatus.IN_PROGRESS)
    for _ in range(4):
        live.join_queue(other, item_id=None, now=now)
    first, _ = live.join_queue(meeting, item_id=item.id, now=now)
    card = live.add_in_person(meeting, item_id=item.id, actor=chair, now=now)
    joined = live.join_many(meeting, [live.JoinRequest(item_id=None, token=live.new_token()) for _ in range(2)],
                            now=now)
    assert [first.number, card.number] + [j.number for j in joined] == [1, 2, 3, 4]
    assert first.id >= 5  # ids run across meetings; numbers do not
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now)
    state = live.public_state(meeting, now=now)
    assert state["speaker"]["number"] == 1
    assert [e["number"] for e in state["queue"]] == [2, 3, 4]
    assert live.entry_view(meeting, card)["number"] == 2
    logged = [e.data["number"] for e in entries_for(meeting.id) if e.tag == "speaker:joined"]
    assert logged == [1, 2, 3, 4]


def test_one_place_per_resident_per_item_and_a_cap(meeting, item, chair, now):
    entry, token = live.join_queue(meeting, item_id=item.id, now=now)
    with pytest.raises(live.AlreadyQueued):
        live.join_queue(meeting, item_id=item.id, token=token, now=now)
    live.join_queue(meeting, item_id=None, token=token, now=now)  # general comment is another queue
    live.leave_queue(meeting, token=token, entry_id=entry.id, now=now)
    again, _ = live.join_queue(meeting, item_id=item.id, token=token, now=now)
    assert again.status == EntryStatus.WAITING
    live.join_queue(meeting, item_id=item.id, cap=2, now=now)
    with pytest.raises(live.QueueFull):
        live.join_queue(meeting, item_id=item.id, cap=2, now=now)


def test_leaving_and_resuming(meeting, item, now):
    entry, token = live.join_queue(meeting, item_id=item.id, now=now)
    assert live.entry_view(meeting, live.resume(meeting, token=token))["position"] == 1
    assert live.leave_queue(meeting, token=token, now=now) == [entry]
    assert entry.status == EntryStatus.LEFT
    # The log accounts for the place it recorded joining.
    left = entries_for(meeting.id)[-1]
    assert left.tag == "speaker:left" and left.actor == "resident"
    assert left.data["entry_id"] == entry.id and left.data["was"] == "waiting"
    assert verify_meeting(meeting.id)[0]
    for bad in (token, "not-a-token", None):
        with pytest.raises(NotFound):
            live.resume(meeting, token=bad)


def test_a_speaker_who_ends_their_own_turn_has_had_it(meeting, item, chair, now):
    entry, token = live.join_queue(meeting, item_id=item.id, now=now)
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now)
    live.timer(meeting, action="start", actor=chair, now=now)
    assert live.leave_queue(meeting, token=token, now=now + timedelta(seconds=40)) == [entry]
    assert entry.status == EntryStatus.DONE and entry.used_seconds == 40
    assert live.public_state(meeting, now=now)["speaker"] is None
    assert entries_for(meeting.id)[-1].tag == "speaker:finished"
    assert entries_for(meeting.id)[-1].data["status"] == "done"
    with pytest.raises(live.AlreadyQueued):  # one turn per person per item
        live.join_queue(meeting, item_id=item.id, token=token, now=now)


def test_leaving_just_as_the_chair_calls_is_leaving_not_a_turn(meeting, item, chair, now):
    # "Leave" pressed while the chair called: the time never started, nothing was said.
    entry, token = live.join_queue(meeting, item_id=item.id, now=now)
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now)
    assert live.leave_queue(meeting, token=token, entry_id=entry.id, now=now) == [entry]
    assert entry.status == EntryStatus.LEFT and entry.used_seconds is None
    assert live.public_state(meeting, now=now)["speaker"] is None
    assert entries_for(meeting.id)[-1].data["status"] == "left"
    again, _ = live.join_queue(meeting, item_id=item.id, token=token, now=now)  # may sign up again
    assert again.status == EntryStatus.WAITING


def test_only_the_line_under_comment_can_be_skipped(meeting, item, chair, now):
    # Skipped entries are listed, and recalled, only while comment is open on their item:
    # one skipped in another item's line would vanish from every list.
    other = make_item(meeting)
    elsewhere, _ = live.join_queue(meeting, item_id=other.id, now=now)
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    version = meeting.state_version
    with pytest.raises(InvalidState):
        live.skip(meeting, entry_id=elsewhere.id, actor=chair, now=now)
    assert elsewhere.status == EntryStatus.WAITING and meeting.state_version == version
    live.close_comment(meeting, actor=chair, now=now + timedelta(minutes=5))
    with pytest.raises(InvalidState):  # nor while comment is closed
        live.skip(meeting, entry_id=elsewhere.id, actor=chair, now=now)
    live.open_comment(meeting, item_id=other.id, actor=chair, now=now + timedelta(minutes=6))
    live.skip(meeting, entry_id=elsewhere.id, actor=chair, now=now)
    assert [e["entry_id"] for e in live.public_state(meeting, now=now)["skipped"]] == [elsewhere.id]


def test_only_those_skipped_on_the_item_under_comment_can_be_recalled(meeting, item, chair, now):
    """A console that had not yet seen comment close (or move on) cannot put a skipped
    place back in a line nobody can call or skip."""
    other = make_item(meeting)
    skipped, _ = live.join_queue(meeting, item_id=item.id, now=now)
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    live.skip(meeting, entry_id=skipped.id, actor=chair, now=now)
    live.close_comment(meeting, actor=chair, now=now + timedelta(minutes=5))
    version = meeting.state_version
    with pytest.raises(InvalidState, match="open public comment on their item first"):
        live.recall(meeting, entry_id=skipped.id, actor=chair, now=now)
    live.open_comment(meeting, item_id=other.id, actor=chair, now=now + timedelta(minutes=6))
    version = meeting.state_version
    with pytest.raises(InvalidState):  # nor while comment is open on another item
        live.recall(meeting, entry_id=skipped.id, actor=chair, now=now)
    assert skipped.status == EntryStatus.SKIPPED and meeting.state_version == version
    live.close_comment(meeting, actor=chair, now=now + timedelta(minutes=7))
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now + timedelta(minutes=8))
    live.recall(meeting, entry_id=skipped.id, actor=chair, now=now)  # its item under comment again
    assert skipped.status == EntryStatus.WAITING


def test_a_skipped_resident_can_come_back_or_withdraw(meeting, item, chair, now):
    other = make_item(meeting)
    skipped, token = live.join_queue(meeting, item_id=item.id, now=now)
    later, _ = live.join_queue(meeting, item_id=other.id, token=token, now=now)
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now)
    live.skip(meeting, entry_id=skipped.id, actor=chair, now=now)
    # Under comment, the skipped place is the one found again (the chair may recall it) ...
    assert live.resume(meeting, token=token) == skipped
    assert live.held_places(meeting, token=token) == [skipped, later]  # every place, best first
    assert live.entry_view(meeting, skipped)["status"] == "skipped"
    # ... once comment moves on, a place still waiting comes first.
    live.close_comment(meeting, actor=chair, now=now + timedelta(minutes=5))
    assert live.resume(meeting, token=token) == later
    assert live.held_places(meeting, token=token) == [later, skipped]
    # Withdrawing ends the skipped place: it leaves the chair's list and cannot be recalled.
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now + timedelta(minutes=6))
    assert [e["entry_id"] for e in live.public_state(meeting, now=now)["skipped"]] == [skipped.id]
    version = meeting.state_version
    assert live.leave_queue(meeting, token=token, entry_id=skipped.id, now=now) == [skipped]
    assert skipped.status == EntryStatus.LEFT and meeting.state_version == version + 1
    assert live.public_state(meeting, now=now)["skipped"] == []
    with pytest.raises(InvalidState):
        live.recall(meeting, entry_id=skipped.id, actor=chair, now=now)
    assert live.resume(meeting, token=token) == later


def test_a_turn_cut_short_by_a_skip_goes_on_with_the_time_that_was_left(meeting, item, chair, now):
    """A caller drops 150 s into their 180: skipped, recalled when back, they are given
    the 30 s left, not a second turn, and the record is of the whole turn."""
    entry, token = live.join_queue(meeting, item_id=item.id, now=now)
    live.join_queue(meeting, item_id=item.id, now=now)
    live.open_comment(meeting, item_id=item.id, seconds_per_speaker=180, actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now)
    live.timer(meeting, action="start", actor=chair, now=now)
    live.skip(meeting, entry_id=entry.id, actor=chair, now=now + timedelta(seconds=150))
    skipped = entries_for(meeting.id)[-1]
    assert (skipped.tag, skipped.data["allotted_seconds"], skipped.data["used_seconds"]) == ("speaker:skipped", 180, 150)
    live.recall(meeting, entry_id=entry.id, actor=chair, now=now + timedelta(seconds=160))
    live.call_next(meeting, actor=chair, now=now + timedelta(seconds=170))
    speaker = live.public_state(meeting, now=now + timedelta(seconds=170))["speaker"]
    assert (speaker["entry_id"], speaker["allotted_seconds"], speaker["remaining_seconds"]) == (entry.id, 30, 30)
    called = entries_for(meeting.id)[-1]
    assert (called.data["allotted_seconds"], called.data["earlier_used_seconds"]) == (30, 150)
    live.timer(meeting, action="start", actor=chair, now=now + timedelta(seconds=180))
    live.timer(meeting, action="stop", actor=chair, now=now + timedelta(seconds=200))
    assert (entry.status, entry.allotted_seconds, entry.used_seconds) == (EntryStatus.DONE, 180, 170)
    with pytest.raises(live.AlreadyQueued):
        live.join_queue(meeting, item_id=item.id, token=token, now=now)


def test_a_turn_cut_short_and_not_resumed_was_still_heard(meeting, item, chair, now):
    """Called again and gone before their time restarted, or never called again: they spoke,
    so the turn is theirs (no third sign-up) and it counts as heard."""
    first, first_token = live.join_queue(meeting, item_id=item.id, now=now)
    second, second_token = live.join_queue(meeting, item_id=item.id, now=now)
    live.open_comment(meeting, item_id=item.id, seconds_per_speaker=180, actor=chair, now=now)
    for entry in (first, second):
        live.call_next(meeting, actor=chair, now=now)
        live.timer(meeting, action="start", actor=chair, now=now)
        live.skip(meeting, entry_id=entry.id, actor=chair, now=now + timedelta(seconds=60))
    live.recall(meeting, entry_id=first.id, actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now + timedelta(seconds=90))
    assert live.leave_queue(meeting, token=first_token, now=now + timedelta(seconds=95)) == [first]
    assert (first.status, first.used_seconds) == (EntryStatus.DONE, 60)
    assert live.leave_queue(meeting, token=second_token, now=now + timedelta(seconds=95)) == [second]
    assert (second.status, second.used_seconds) == (EntryStatus.DONE, 60)
    for token in (first_token, second_token):
        with pytest.raises(live.AlreadyQueued):
            live.join_queue(meeting, item_id=item.id, token=token, now=now)


def test_an_item_whose_comment_was_held_takes_no_new_sign_ups_until_it_opens_again(meeting, item, chair, now):
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    kept, _ = live.join_queue(meeting, item_id=item.id, now=now)
    live.close_comment(meeting, actor=chair, now=now)
    state = live.public_state(meeting, now=now)
    assert state["comment"]["closed_item_ids"] == [item.id]
    assert [e["entry_id"] for e in state["queue"]] == [kept.id]  # who was waiting keeps their place
    version = meeting.state_version
    with pytest.raises(live.CommentClosed) as refused:
        live.join_queue(meeting, item_id=item.id, now=now)
    assert refused.value.code == "comment_closed"
    with pytest.raises(live.CommentClosed):
        live.add_in_person(meeting, item_id=item.id, display_name="Late card", actor=chair, now=now)
    assert meeting.state_version == version
    # General comment may be held again and again: closing it shuts nothing.
    live.open_comment(meeting, item_id=None, actor=chair, now=now)
    live.close_comment(meeting, actor=chair, now=now)
    live.join_queue(meeting, item_id=None, now=now)
    # Opened again, the item takes sign-ups again.
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    assert live.public_state(meeting, now=now)["comment"]["closed_item_ids"] == []
    live.join_queue(meeting, item_id=item.id, now=now)


def test_policy_orders_the_queue(app, now):
    body = make_body(comment_policy=CommentPolicy.IN_PERSON_FIRST)
    meeting = make_meeting(body, status=MeetingStatus.PUBLISHED)
    chair = make_user(role="chair", body=body)
    remote, _ = live.join_queue(meeting, item_id=None, now=now)
    card = live.add_in_person(meeting, item_id=None, actor=chair, now=now)
    assert [e["entry_id"] for e in live.public_state(meeting, now=now)["queue"]] == [card.id, remote.id]


def test_a_timed_california_period_cannot_close_early(meeting, item, chair, now):
    live.open_comment(meeting, item_id=item.id, period_seconds=1800, actor=chair, now=now)
    with pytest.raises(live.CommentPeriodRunning) as refused:
        live.close_comment(meeting, actor=chair, now=now + timedelta(minutes=29))
    assert refused.value.code == "comment_period_running"
    live.close_comment(meeting, actor=chair, now=now + timedelta(minutes=30))


def test_the_state_says_when_a_timed_period_may_close(meeting, item, chair, now):
    live.open_comment(meeting, item_id=item.id, period_seconds=1800, actor=chair, now=now)
    public, timer = live.public_state_and_timer(meeting, now=now + timedelta(minutes=10))
    comment = public["comment"]
    assert comment["may_close_at"] == (now + timedelta(minutes=30)).isoformat()
    assert comment["may_close_in_seconds"] == 1200
    # A kept copy counts down as it is served, and stops at 0 once the period is over.
    assert live.state_at(public, timer, now + timedelta(minutes=25))["comment"]["may_close_in_seconds"] == 300
    assert live.state_at(public, timer, now + timedelta(minutes=31))["comment"]["may_close_in_seconds"] == 0
    assert public["comment"]["may_close_in_seconds"] == 1200  # the kept copy itself is unchanged


def test_an_untimed_period_or_one_under_other_rules_may_close_any_time(meeting, item, chair, now):
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    comment = live.public_state(meeting, now=now)["comment"]
    assert comment["may_close_at"] is None and comment["may_close_in_seconds"] is None
    assert comment["period_ends_at"] is None
    live.close_comment(meeting, actor=chair, now=now)
    meeting.body.rule_pack = "us-tx-oma"
    live.open_comment(meeting, item_id=item.id, period_seconds=1800, actor=chair, now=now)
    comment = live.public_state(meeting, now=now)["comment"]
    assert comment["may_close_at"] is None
    # Still a timed period: everyone is told when its time is up, whatever the rules.
    assert comment["period_ends_at"] == (now + timedelta(minutes=30)).isoformat()


def test_changing_the_time_is_uniform_and_logged(meeting, item, chair, now):
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    live.change_speaker_time(meeting, seconds=90, actor=chair, now=now)
    live.join_queue(meeting, item_id=item.id, now=now)
    assert live.call_next(meeting, actor=chair, now=now).allotted_seconds == 90
    entry = entries_for(meeting.id)[1]
    assert entry.tag == "comment:time_changed" and entry.data["old_seconds"] == 180
    with pytest.raises(ValidationFailed):
        live.change_speaker_time(meeting, seconds=5, actor=chair, now=now)


@pytest.mark.parametrize("action", [
    lambda m, c, n, e: live.call_next(m, actor=c, now=n),
    lambda m, c, n, e: live.close_comment(m, actor=c, now=n),
    lambda m, c, n, e: live.timer(m, action="start", actor=c, now=n),
    lambda m, c, n, e: live.recall(m, entry_id=e.id, actor=c, now=n),
    lambda m, c, n, e: live.remove(m, entry_id=e.id, reason="  ", actor=c, now=n),
    lambda m, c, n, e: live.skip(m, entry_id=10**6, actor=c, now=n),
    # California: no removal without a warning first (unless for force or a threat of it).
    lambda m, c, n, e: live.remove(m, entry_id=e.id, reason="Shouting", actor=c, now=n),
    lambda m, c, n, e: live.warn(m, entry_id=e.id, reason=" ", actor=c, now=n),
    lambda m, c, n, e: live.warn(m, entry_id=10**6, reason="Shouting", actor=c, now=n),
    # The entry joined without a name: there is none to hide.
    lambda m, c, n, e: live.hide_name(m, entry_id=e.id, reason="Offensive name", actor=c, now=n),
    lambda m, c, n, e: live.hide_name(m, entry_id=10**6, reason="Offensive name", actor=c, now=n),
])
def test_refused_actions_change_nothing(meeting, item, chair, now, action):
    entry, _ = live.join_queue(meeting, item_id=item.id, now=now)
    db.session.commit()
    before = live.public_state(meeting, now=now)
    with pytest.raises((InvalidState, ValidationFailed, NotFound)):
        action(meeting, chair, now, entry)
    db.session.rollback()
    assert live.public_state(meeting, now=now) == before


def test_a_warning_comes_before_removal_where_the_rules_say_so(meeting, item, chair, now):
    entry, _ = live.join_queue(meeting, item_id=item.id, display_name="Ana", now=now)
    other, _ = live.join_queue(meeting, item_id=item.id, now=now)
    db.session.commit()
    assert live.public_state(meeting, now=now)["comment"]["warn_before_removal"] is True
    with pytest.raises(live.WarningRequired, match="54957.95"):
        live.remove(meeting, entry_id=entry.id, reason="Shouting", actor=chair, now=now)
    db.session.rollback()
    live.warn(meeting, entry_id=entry.id, reason="Shouting over the chair", actor=chair, now=now)
    live.remove(meeting, entry_id=entry.id, reason="Kept shouting", actor=chair, now=now)
    # A use of force or a true threat of force needs no warning; the log says which it was.
    live.remove(meeting, entry_id=other.id, reason="Threatened the clerk", threat=True, actor=chair, now=now)
    db.session.commit()
    warned, removed, threatened = entries_for(meeting.id)[-3:]
    assert (warned.tag, warned.data["reason"]) == ("speaker:warned", "Shouting over the chair")
    assert removed.data["warned_at"] is not None and removed.data["threat"] is False
    assert threatened.data["warned_at"] is None and threatened.data["threat"] is True
    assert threatened.data["rule"]["citation"] == "Cal. Gov. Code §54957.95 (SB 1100)"
    assert {e.status for e in (entry, other)} == {EntryStatus.REMOVED}
    assert verify_meeting(meeting.id)[0]


def test_a_warning_holds_for_the_person_when_they_leave_and_sign_up_again(meeting, item, chair, now):
    """Warned, they leave and join again (or wait on another item): the warning was given
    to them, so the chair need not warn again, and every screen shows it."""
    other_item = make_item(meeting)
    warned, token = live.join_queue(meeting, item_id=item.id, now=now)
    stranger, _ = live.join_queue(meeting, item_id=item.id, now=now)
    live.warn(meeting, entry_id=warned.id, reason="Shouting over the chair", actor=chair, now=now)
    live.leave_queue(meeting, token=token, now=now + timedelta(seconds=5))
    again, _ = live.join_queue(meeting, item_id=item.id, token=token, now=now + timedelta(seconds=10))
    elsewhere, _ = live.join_queue(meeting, item_id=other_item.id, token=token, now=now + timedelta(seconds=10))
    db.session.commit()
    state = live.public_state(meeting, now=now)
    assert {e["entry_id"]: e["warned"] for e in state["queue"]} == {stranger.id: False, again.id: True,
                                                                   elsewhere.id: True}
    with pytest.raises(live.WarningRequired):  # someone else's warning is not theirs
        live.remove(meeting, entry_id=stranger.id, reason="Shouting", actor=chair, now=now)
    db.session.rollback()
    live.remove(meeting, entry_id=again.id, reason="Kept shouting", actor=chair, now=now + timedelta(seconds=20))
    removed = entries_for(meeting.id)[-1]
    assert removed.tag == "speaker:removed" and removed.data["warned_at"] == now.isoformat()


def test_a_resident_removed_is_removed_from_the_meeting_until_reinstated(meeting, item, chair, now):
    """Removed on general comment, their place on the item ends too, and their page cannot
    sign up again on any item; reinstated, they may."""
    other_item = make_item(meeting)
    removed, token = live.join_queue(meeting, item_id=None, now=now)
    elsewhere, _ = live.join_queue(meeting, item_id=item.id, token=token, now=now)
    bystander, _ = live.join_queue(meeting, item_id=item.id, now=now)
    live.open_comment(meeting, item_id=None, actor=chair, now=now)
    live.remove(meeting, entry_id=removed.id, reason="Threats", threat=True, actor=chair, now=now)
    assert (removed.status, elsewhere.status, bystander.status) == (EntryStatus.REMOVED, EntryStatus.LEFT,
                                                                    EntryStatus.WAITING)
    left, logged = entries_for(meeting.id)[-2:]
    assert (left.tag, left.data["entry_id"], left.data["reason"]) == ("speaker:left", elsewhere.id, "removed")
    assert logged.tag == "speaker:removed" and logged.data["other_places_ended"] == [elsewhere.id]
    version = meeting.state_version
    for item_id in (None, item.id, other_item.id):
        with pytest.raises(live.RemovedFromMeeting):
            live.join_queue(meeting, item_id=item_id, token=token, now=now)
    assert meeting.state_version == version
    live.reinstate(meeting, entry_id=removed.id, reason="Wrong person", actor=chair, now=now)
    again, _ = live.join_queue(meeting, item_id=other_item.id, token=token, now=now)
    assert again.status == EntryStatus.WAITING


def test_reinstated_their_other_places_come_back_too(meeting, item, chair, now):
    """The reinstatement undoes the whole removal: the place on another item that it ended
    is back at its sign-up place (ahead of someone who joined later), and logged so; a
    place on an item whose comment was held and closed meanwhile stays ended."""
    closed_item = make_item(meeting)
    removed, token = live.join_queue(meeting, item_id=None, now=now)
    elsewhere, _ = live.join_queue(meeting, item_id=item.id, token=token, now=now)
    missed, _ = live.join_queue(meeting, item_id=closed_item.id, token=token, now=now)
    live.open_comment(meeting, item_id=None, actor=chair, now=now)
    live.remove(meeting, entry_id=removed.id, reason="Shouting", threat=True, actor=chair, now=now)
    later, _ = live.join_queue(meeting, item_id=item.id, now=now + timedelta(seconds=5))
    live.close_comment(meeting, actor=chair, now=now)
    live.open_comment(meeting, item_id=closed_item.id, actor=chair, now=now)
    live.close_comment(meeting, actor=chair, now=now)
    live.open_comment(meeting, item_id=None, actor=chair, now=now)
    live.reinstate(meeting, entry_id=removed.id, reason="Wrong person", actor=chair, now=now)
    assert (removed.status, elsewhere.status, missed.status) == (EntryStatus.WAITING, EntryStatus.WAITING,
                                                                 EntryStatus.LEFT)
    assert elsewhere.finished_at is None
    logged = entries_for(meeting.id)[-1]
    assert logged.tag == "speaker:reinstated" and logged.data["other_places_restored"] == [elsewhere.id]
    on_item = [e["entry_id"] for e in live.public_state(meeting, now=now)["queue"] if e["item_id"] == item.id]
    assert on_item == [elsewhere.id, later.id]


def test_a_refused_reinstatement_brings_no_other_place_back(meeting, item, chair, now):
    removed, token = live.join_queue(meeting, item_id=None, now=now)
    elsewhere, _ = live.join_queue(meeting, item_id=item.id, token=token, now=now)
    live.open_comment(meeting, item_id=None, actor=chair, now=now)
    live.remove(meeting, entry_id=removed.id, reason="Shouting", threat=True, actor=chair, now=now)
    live.close_comment(meeting, actor=chair, now=now)
    with pytest.raises(live.InvalidState):
        live.reinstate(meeting, entry_id=removed.id, reason="Wrong person", actor=chair, now=now)
    assert elsewhere.status == EntryStatus.LEFT


def test_bodies_without_the_rule_remove_without_a_warning(app, now):
    body = make_body(rule_pack="us-tx-oma", timezone="America/Chicago")
    meeting = make_meeting(body=body, status=MeetingStatus.IN_PROGRESS)
    item = make_item(meeting)
    chair = make_user(role="chair", body=body)
    db.session.commit()
    entry, _ = live.join_queue(meeting, item_id=item.id, now=now)
    assert live.public_state(meeting, now=now)["comment"]["warn_before_removal"] is False
    live.remove(meeting, entry_id=entry.id, reason="Shouting", actor=chair, now=now)
    db.session.commit()
    removed = entries_for(meeting.id)[-1]
    assert removed.tag == "speaker:removed" and "rule" not in removed.data


def test_only_a_participant_still_in_the_queue_can_be_warned(meeting, item, chair, now):
    entry, token = live.join_queue(meeting, item_id=item.id, now=now)
    live.leave_queue(meeting, token=token, now=now)
    with pytest.raises(InvalidState):
        live.warn(meeting, entry_id=entry.id, reason="Shouting", actor=chair, now=now)
    speaker, _ = live.join_queue(meeting, item_id=item.id, display_name="Ben", token="ben", now=now)
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now)
    live.warn(meeting, entry_id=speaker.id, reason="Off topic and shouting", actor=chair, now=now)
    assert live.public_state(meeting, now=now)["speaker"]["warned"] is True


def test_the_chair_hides_a_name_and_the_place_is_kept(meeting, item, chair, now):
    """A name that insults or impersonates ("Chair", "City Attorney — verified") is hidden:
    the participant is "Speaker <number>" from then on, in line where they were, and the
    log says who hid it and why, without repeating the name (the log cannot be edited)."""
    first, token = live.join_queue(meeting, item_id=item.id, display_name="City Attorney verified", now=now)
    second, _ = live.join_queue(meeting, item_id=item.id, display_name="Ana", now=now)
    db.session.commit()
    version = live.public_state(meeting, now=now)["version"]
    hidden = live.hide_name(meeting, entry_id=first.id, reason="Impersonates staff", actor=chair, now=now)
    db.session.commit()
    assert hidden == first and first.display_name is None and first.status == EntryStatus.WAITING
    state = live.public_state(meeting, now=now)
    assert state["version"] == version + 1
    assert [(e["entry_id"], e["position"], e["display_name"]) for e in state["queue"]] == [
        (first.id, 1, None), (second.id, 2, "Ana")]
    assert live.entry_view(meeting, live.resume(meeting, token=token))["display_name"] is None
    logged = entries_for(meeting.id)[-1]
    assert logged.tag == "speaker:name_hidden" and logged.actor == f"user:{chair.id}:{chair.email}"
    assert logged.data == {"entry_id": first.id, "number": first.number, "item_id": item.id, "channel": "remote",
                           "interpreter": False, "reason": "Impersonates staff"}
    assert "City Attorney" not in repr(logged.data)
    assert verify_meeting(meeting.id)[0]
    # The speaker's name too, and a skipped one's; the minutes then have no name to list.
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now)
    live.hide_name(meeting, entry_id=second.id, reason="Offensive", actor=chair, now=now)
    assert live.public_state(meeting, now=now)["speaker"]["display_name"] is None
    live.skip(meeting, entry_id=second.id, actor=chair, now=now)
    third, _ = live.join_queue(meeting, item_id=item.id, display_name="Chair", now=now)
    live.skip(meeting, entry_id=third.id, actor=chair, now=now)
    live.hide_name(meeting, entry_id=third.id, reason="Impersonates the chair", actor=chair, now=now)
    assert [e["display_name"] for e in live.public_state(meeting, now=now)["skipped"]] == [None, None]


def test_a_name_is_hidden_only_while_its_place_is_held_and_only_once(meeting, item, chair, now):
    entry, token = live.join_queue(meeting, item_id=item.id, display_name="Ben", now=now)
    elsewhere, _ = live.join_queue(make_meeting(meeting.body, status=MeetingStatus.IN_PROGRESS), item_id=None,
                                   display_name="Cy", now=now)
    live.hide_name(meeting, entry_id=entry.id, reason="Offensive", actor=chair, now=now)
    db.session.commit()
    before = live.public_state(meeting, now=now)
    with pytest.raises(InvalidState):  # already hidden
        live.hide_name(meeting, entry_id=entry.id, reason="Again", actor=chair, now=now)
    db.session.rollback()
    with pytest.raises(NotFound):  # another meeting's entry
        live.hide_name(meeting, entry_id=elsewhere.id, reason="Offensive", actor=chair, now=now)
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        live.hide_name(meeting, entry_id=entry.id, reason=" ", actor=chair, now=now)
    db.session.rollback()
    assert live.public_state(meeting, now=now) == before
    gone, token = live.join_queue(meeting, item_id=None, display_name="Dee", now=now)
    live.leave_queue(meeting, token=token, now=now)
    db.session.commit()
    with pytest.raises(InvalidState):  # their place has ended
        live.hide_name(meeting, entry_id=gone.id, reason="Offensive", actor=chair, now=now)
    db.session.rollback()
    assert gone.display_name == "Dee"


def test_items_must_belong_to_the_meeting_and_take_comment(meeting, chair, now):
    other = make_item(make_meeting(status=MeetingStatus.PUBLISHED))
    closed = make_item(meeting, accepts_public_comment=False)
    with pytest.raises(NotFound):
        live.open_comment(meeting, item_id=other.id, actor=chair, now=now)
    with pytest.raises(InvalidState):
        live.join_queue(meeting, item_id=closed.id, now=now)


def test_draft_and_cancelled_meetings_have_no_queue(app, now):
    meeting = make_meeting(status=MeetingStatus.DRAFT)
    with pytest.raises(InvalidState):
        live.join_queue(meeting, item_id=None, now=now)


def test_joins_applied_together_follow_the_same_rules_in_order(meeting, item, chair, now):
    other = make_item(meeting, accepts_public_comment=False)
    db.session.commit()
    join = live.JoinRequest
    outcomes = live.join_many(meeting, [
        join(item_id=item.id, token="ana", display_name="Ana", stance="support"),
        join(item_id=item.id, token="ana"),                 # the same resident again in the batch
        join(item_id=None, token="ana", interpreter=True),  # general comment is another queue
        join(item_id=other.id, token="ben"),                # takes no comment
        join(item_id=10**6, token="ben"),                   # not on the agenda
        join(item_id=item.id, token="ben"),
        join(item_id=item.id, token="cy"),                  # over the cap of 2
    ], cap=2, now=now)
    db.session.commit()
    codes = [o.code if isinstance(o, Exception) else "ok" for o in outcomes]
    assert codes == ["ok", "already_queued", "ok", "invalid_state", "not_found", "ok", "queue_full"]
    assert meeting.state_version == 3  # one version per change that happened
    state = live.public_state(meeting, now=now)
    queue = {e["entry_id"]: e for e in state["queue"]}
    assert [(e["entry_id"], e["item_id"], e["position"]) for e in state["queue"]] == [
        (outcomes[2].id, None, 1), (outcomes[0].id, item.id, 1), (outcomes[5].id, item.id, 2)]
    assert queue[outcomes[0].id]["display_name"] == "Ana" and queue[outcomes[2].id]["interpreter"] is True
    # One log entry per join, in order, and the chain still verifies.
    joined = [e for e in entries_for(meeting.id) if e.tag == "speaker:joined"]
    assert [e.data["entry_id"] for e in joined] == [outcomes[0].id, outcomes[2].id, outcomes[5].id]
    assert verify_meeting(meeting.id)[0]
    assert live.positions(meeting) == {outcomes[0].id: 1, outcomes[5].id: 2, outcomes[2].id: 1}
    assert live.positions(meeting, item_ids={None}) == {outcomes[2].id: 1}


@pytest.mark.parametrize("policy", list(CommentPolicy))
def test_the_places_joins_are_given_are_the_places_the_queue_shows(meeting, item, chair, now, policy):
    meeting.body.comment_policy = policy
    db.session.commit()
    live.set_item(meeting, item_id=item.id, actor=chair, now=now)
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    join = live.JoinRequest
    given = {}
    # Remote residents and cards, speakers called in between: every lane and turn,
    # and a remote lane that starts first but is shorter than the cards'.
    given.update({o.id: o.position for o in live.join_many(meeting, [join(item_id=item.id, token="first")], now=now)})
    for step in range(4):
        for card in range(2):
            live.add_in_person(meeting, item_id=item.id, display_name=f"Card {step}.{card}", actor=chair, now=now)
        outcomes = live.join_many(meeting, [join(item_id=item.id, token=f"r{step}-{n}") for n in range(3)]
                                  + [join(item_id=None, token=f"g{step}")], now=now)
        assert live.positions(meeting) == {**live.positions(meeting), **{o.id: o.position for o in outcomes}}
        given.update({o.id: o.position for o in outcomes})
        if step % 2:
            live.call_next(meeting, actor=chair, now=now)
        db.session.commit()
    assert len(given) == 17 and all(given.values())


def test_a_batch_of_joins_on_a_meeting_that_is_not_live_changes_nothing(app, now):
    meeting = make_meeting(status=MeetingStatus.ADJOURNED)
    item = make_item(meeting)
    db.session.commit()
    with pytest.raises(InvalidState):
        live.join_many(meeting, [live.JoinRequest(item_id=item.id, token="ana")], now=now)
    db.session.rollback()
    assert live.public_state(meeting, now=now)["queue"] == [] and tags(meeting) == []


def test_a_recess_pauses_the_speakers_clock_and_reconvening_leaves_it_to_the_chair(meeting, item, chair, now):
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    entry, _ = live.join_queue(meeting, item_id=item.id, now=now)
    live.call_next(meeting, actor=chair, now=now)
    live.timer(meeting, action="start", actor=chair, now=now)
    meetings.change_status(meeting, MeetingStatus.RECESSED, actor=chair, now=now + timedelta(seconds=30))
    speaker = live.public_state(meeting, now=now + timedelta(minutes=10))["speaker"]
    assert speaker["paused"] and speaker["remaining_seconds"] == 150  # 3 min, 30 s used before the recess
    assert entries_for(meeting.id)[-1].data["reason"] == "recess"
    meetings.change_status(meeting, MeetingStatus.IN_PROGRESS, actor=chair, now=now + timedelta(minutes=10))
    assert live.public_state(meeting, now=now + timedelta(minutes=11))["speaker"]["paused"]
    live.timer(meeting, action="resume", actor=chair, now=now + timedelta(minutes=11))
    assert verify_meeting(meeting.id) == (True, None)


def test_adjourning_ends_public_comment_even_in_a_timed_period(meeting, item, chair, now):
    live.open_comment(meeting, item_id=item.id, period_seconds=1800, actor=chair, now=now)
    live.join_queue(meeting, item_id=item.id, now=now)
    live.join_queue(meeting, item_id=item.id, now=now)
    called = live.call_next(meeting, actor=chair, now=now)
    version = meeting.state_version
    meetings.change_status(meeting, MeetingStatus.ADJOURNED, actor=chair, now=now + timedelta(minutes=5))
    state = live.public_state(meeting, now=now + timedelta(minutes=5))
    assert state["comment"]["open"] is False and state["speaker"] is None
    assert db.session.get(live.QueueEntry, called.id).status == EntryStatus.DONE
    closed = [e for e in entries_for(meeting.id) if e.tag == "comment:closed"][-1]
    assert closed.data["reason"] == "adjourned" and closed.data["still_waiting"] == 1
    assert meeting.state_version > version
    assert verify_meeting(meeting.id) == (True, None)


def test_places_still_in_line_end_with_the_meeting_on_every_item(meeting, item, chair, now):
    """Logged once, with their numbers: nobody will call them. (The state still shows the
    line as it stood, under the meeting's new status, for the console's record.)"""
    live.set_item(meeting, item_id=item.id, actor=chair, now=now)
    live.open_comment(meeting, item_id=None, actor=chair, now=now)
    general, _ = live.join_queue(meeting, item_id=None, now=now)
    on_item, _ = live.join_queue(meeting, item_id=item.id, now=now)  # comment never opened on it
    second, _ = live.join_queue(meeting, item_id=None, now=now)
    live.skip(meeting, entry_id=general.id, actor=chair, now=now)  # first in line: skipped
    live.close_comment(meeting, actor=chair, now=now)
    meetings.change_status(meeting, MeetingStatus.ADJOURNED, actor=chair, now=now + timedelta(minutes=5))
    ended = [e for e in entries_for(meeting.id) if e.tag == "queue:ended"]
    assert len(ended) == 1 and ended[0].data == {"reason": "adjourned", "places": [
        {"entry_id": e.id, "number": e.number, "item_id": e.item_id, "status": status}
        for e, status in ((general, "skipped"), (on_item, "waiting"), (second, "waiting"))]}
    state = live.public_state(meeting, now=now + timedelta(minutes=6))
    assert state["status"] == "adjourned" and len(state["queue"]) == 2
    assert verify_meeting(meeting.id) == (True, None)


def test_a_meeting_ended_with_nobody_in_line_logs_no_places(meeting, item, chair, now):
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    meetings.change_status(meeting, MeetingStatus.ADJOURNED, actor=chair, now=now)
    assert "queue:ended" not in [e.tag for e in entries_for(meeting.id)]


def test_nobody_is_given_the_floor_during_a_recess(meeting, item, chair, now):
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    live.join_queue(meeting, item_id=item.id, now=now)
    meetings.change_status(meeting, MeetingStatus.RECESSED, actor=chair, now=now)
    with pytest.raises(InvalidState, match="recess") as refused:
        live.call_next(meeting, actor=chair, now=now)
    assert refused.value.code == "in_recess"
    meetings.change_status(meeting, MeetingStatus.IN_PROGRESS, actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now)
    meetings.change_status(meeting, MeetingStatus.RECESSED, actor=chair, now=now)
    with pytest.raises(InvalidState, match="recess"):
        live.timer(meeting, action="start", actor=chair, now=now)


def test_waiting_on_the_comment_item_is_that_items_line_and_nobody_while_closed():
    queue = [{"entry_id": 1, "item_id": 7}, {"entry_id": 2, "item_id": None}, {"entry_id": 3, "item_id": 7}]
    state = {"comment": {"open": True, "item_id": 7}, "queue": queue}
    assert [e["entry_id"] for e in live.waiting_on_comment_item(state)] == [1, 3]
    state["comment"] = {"open": True, "item_id": None}  # general comment
    assert [e["entry_id"] for e in live.waiting_on_comment_item(state)] == [2]
    state["comment"] = {"open": False, "item_id": 7}
    assert live.waiting_on_comment_item(state) == []


def test_a_caller_the_clerk_adds_takes_the_remote_turn_in_the_alternation(meeting, chair, now):
    meeting.body.comment_policy = CommentPolicy.ALTERNATE
    cards = [live.add_in_person(meeting, item_id=None, display_name=f"Card {n}", actor=chair, now=now) for n in (1, 2)]
    caller = live.add_in_person(meeting, item_id=None, display_name="Caller", channel="remote", actor=chair, now=now)
    order = [e["entry_id"] for e in live.public_state(meeting, now=now)["queue"]]
    assert order == [cards[0].id, caller.id, cards[1].id]
    logged = [e.data for e in entries_for(meeting.id) if e.tag == "speaker:joined"]
    assert [d["channel"] for d in logged] == ["in_person", "in_person", "remote"]


def test_the_speakers_call_has_an_age_that_kept_states_bring_up_to_date(meeting, chair, now):
    live.open_comment(meeting, item_id=None, actor=chair, now=now)
    live.join_queue(meeting, item_id=None, now=now)
    live.call_next(meeting, actor=chair, now=now)
    public, timer = live.public_state_and_timer(meeting, now=now + timedelta(seconds=5))
    assert public["speaker"]["called_at"] == now.isoformat() and public["speaker"]["called_seconds_ago"] == 5
    assert live.state_at(public, timer, now + timedelta(seconds=12))["speaker"]["called_seconds_ago"] == 12


# -- correcting a card -----------------------------------------------------------------

def _line(meeting, now, item_id=None):
    return [(e["entry_id"], e["display_name"]) for e in live.public_state(meeting, now=now)["queue"]
            if e["item_id"] == item_id]


def _untouched(meeting):
    """The meeting's version and log length: what a refusal must leave as it was."""
    return meeting.state_version, len(entries_for(meeting.id))


def test_a_corrected_card_keeps_its_place_and_the_log_says_what_changed(meeting, chair, now):
    first = live.add_in_person(meeting, item_id=None, display_name="Ana", actor=chair, now=now)
    typo = live.add_in_person(meeting, item_id=None, display_name="Jon Smiht", stance="support", actor=chair, now=now)
    last, _ = live.join_queue(meeting, item_id=None, display_name="Lee", now=now)
    version = meeting.state_version
    entry, changed = live.correct_card(meeting, entry_id=typo.id, actor=chair, now=now,
                                       changes={"display_name": "John Smith", "stance": "oppose",
                                                "interpreter": False})
    assert changed == ["display_name", "stance"]  # interpreter was already off: not a change
    assert meeting.state_version == version + 1
    assert _line(meeting, now) == [(first.id, "Ana"), (typo.id, "John Smith"), (last.id, "Lee")]
    assert (entry.number, entry.signed_up_at, entry.stance.value) == (typo.number, typo.signed_up_at, "oppose")
    logged = entries_for(meeting.id)[-1]
    assert logged.tag == "speaker:corrected" and logged.actor.startswith(f"user:{chair.id}:")
    assert logged.data["before"] == {"display_name": "Jon Smiht", "stance": "support"}
    assert logged.data["after"] == {"display_name": "John Smith", "stance": "oppose"}
    assert logged.data["entry_id"] == typo.id and logged.data["display_name"] == "John Smith"
    assert verify_meeting(meeting.id)[0]


def test_a_card_moved_to_another_item_stands_where_its_sign_up_time_places_it(meeting, item, chair, now):
    """Put on the wrong item by mistake: on the right one it goes ahead of those who
    signed up after it, and behind those who signed up before, as if entered there."""
    early = live.add_in_person(meeting, item_id=item.id, display_name="Early", actor=chair, now=now)
    wrong = live.add_in_person(meeting, item_id=None, display_name="Filed wrong", actor=chair, now=now)
    later, _ = live.join_queue(meeting, item_id=item.id, display_name="Later", now=now)
    _, changed = live.correct_card(meeting, entry_id=wrong.id, changes={"item_id": item.id}, actor=chair, now=now)
    assert changed == ["item_id"]
    assert _line(meeting, now, item.id) == [(early.id, "Early"), (wrong.id, "Filed wrong"), (later.id, "Later")]
    assert _line(meeting, now) == []
    logged = entries_for(meeting.id)[-1].data
    assert (logged["before"], logged["after"], logged["item_id"]) == ({"item_id": None}, {"item_id": item.id}, item.id)
    # And back to general comment: item_id None.
    live.correct_card(meeting, entry_id=wrong.id, changes={"item_id": None}, actor=chair, now=now)
    assert _line(meeting, now) == [(wrong.id, "Filed wrong")]


def test_a_skipped_card_may_have_its_name_corrected_but_stays_on_its_item(meeting, item, chair, now):
    live.open_comment(meeting, item_id=None, actor=chair, now=now)
    card = live.add_in_person(meeting, item_id=None, display_name="Bo", actor=chair, now=now)
    live.skip(meeting, entry_id=card.id, actor=chair, now=now)
    live.correct_card(meeting, entry_id=card.id, changes={"display_name": "Bob"}, actor=chair, now=now)
    assert live.public_state(meeting, now=now)["skipped"][0]["display_name"] == "Bob"
    before = _untouched(meeting)
    with pytest.raises(InvalidState, match="skipped"):
        live.correct_card(meeting, entry_id=card.id, changes={"item_id": item.id}, actor=chair, now=now)
    assert _untouched(meeting) == before


def test_every_refused_correction_leaves_the_version_and_the_log_as_they_were(meeting, item, chair, now):
    from app.live.services import CommentClosed, QueueFull

    other = make_meeting(meeting.body, status=MeetingStatus.IN_PROGRESS)
    card = live.add_in_person(meeting, item_id=None, display_name="Card", actor=chair, now=now)
    online, _ = live.join_queue(meeting, item_id=None, display_name="Typed it myself", now=now)
    foreign = live.add_in_person(other, item_id=None, display_name="Elsewhere", actor=chair, now=now)
    called = live.add_in_person(meeting, item_id=item.id, display_name="Called", actor=chair, now=now)
    closed = make_item(meeting)
    live.open_comment(meeting, item_id=closed.id, actor=chair, now=now)
    live.close_comment(meeting, actor=chair, now=now)
    no_comment = make_item(meeting, accepts_public_comment=False)
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    live.call_next(meeting, actor=chair, now=now)
    hidden = live.add_in_person(meeting, item_id=None, display_name="Rude", actor=chair, now=now)
    live.hide_name(meeting, entry_id=hidden.id, reason="Insult", actor=chair, now=now)
    refusals = [
        (InvalidState, {"entry_id": card.id, "changes": {"display_name": "Card", "stance": None}}),  # no change
        (NotFound, {"entry_id": 10**6, "changes": {"display_name": "X"}}),
        (NotFound, {"entry_id": foreign.id, "changes": {"display_name": "X"}}),  # another meeting's
        (InvalidState, {"entry_id": online.id, "changes": {"display_name": "Staff wrote this"}}),
        (InvalidState, {"entry_id": called.id, "changes": {"display_name": "Callled"}}),  # speaking
        (NotFound, {"entry_id": card.id, "changes": {"item_id": 10**6}}),
        (InvalidState, {"entry_id": card.id, "changes": {"item_id": no_comment.id}}),
        (CommentClosed, {"entry_id": card.id, "changes": {"item_id": closed.id}}),
        (InvalidState, {"entry_id": hidden.id, "changes": {"display_name": "Rude again"}}),
    ]
    before = _untouched(meeting)
    for error, kwargs in refusals:
        with pytest.raises(error):
            live.correct_card(meeting, actor=chair, now=now, **kwargs)
        assert _untouched(meeting) == before, kwargs
    with pytest.raises(QueueFull):  # the target item's line is full (one waiting, cap 1)
        live.add_in_person(meeting, item_id=item.id, display_name="Waiting", actor=chair, now=now)
        before = _untouched(meeting)
        live.correct_card(meeting, entry_id=card.id, changes={"item_id": item.id}, cap=1, actor=chair, now=now)
    assert _untouched(meeting) == before
    assert db.session.get(type(card), card.id).display_name == "Card"
    # A hidden card's stance may still be corrected: only its name stays hidden.
    live.correct_card(meeting, entry_id=hidden.id, changes={"stance": "neutral"}, actor=chair, now=now)
    with pytest.raises(InvalidState):  # the meeting over: the queue is closed
        meetings.change_status(meeting, MeetingStatus.ADJOURNED, actor=chair, now=now)
        before = _untouched(meeting)
        live.correct_card(meeting, entry_id=card.id, changes={"display_name": "Late"}, actor=chair, now=now)
    assert _untouched(meeting) == before

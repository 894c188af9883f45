"""The minutes draft says how each comment period ran (when it opened and closed, the time
per speaker and any change of it, a limit on the period) and the chair's warnings,
removals and reinstatements with their reasons, in the body's local time, from the
compliance log."""
from datetime import UTC, datetime, timedelta

import pytest

from app.core.db import transaction
from app.extensions import db
from app.live import services as live
from app.meetings.models import MeetingStatus
from app.minutes import services as minutes
from tests.factories import make_body, make_item, make_meeting

# Tuesday, March 10, 2026, 7:00 PM in Los Angeles (daylight time since March 8).
SEVEN_PM = datetime(2026, 3, 11, 2, 0, tzinfo=UTC)


def at(minutes_after_seven, seconds=0):
    return SEVEN_PM + timedelta(minutes=minutes_after_seven, seconds=seconds)


@pytest.fixture
def sitting(body):
    """A meeting called to order at 7:00 PM, with one item that takes comment."""
    meeting = make_meeting(body, start_at=SEVEN_PM, title="Regular Meeting", status=MeetingStatus.PUBLISHED)
    item = make_item(meeting, title="Street resurfacing contract")
    db.session.commit()
    with transaction():
        minutes.proceedings_action(meeting, action="call_to_order", actor="clerk", now=SEVEN_PM)
    return meeting, item


def draft_of(client, auth, meeting, **headers):
    return client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers={**auth, **headers}).json["draft"]


def item_part(draft, item):
    """The draft from the item's heading to the next heading."""
    start = draft.index(f"{item.title}</h4>")
    end = draft.find("<h4>", start)
    return draft[start:end if end != -1 else len(draft)]


def speak(meeting, item, name, when, *, stance="support"):
    with transaction():
        entry = live.add_in_person(meeting, item_id=item.id, display_name=name, stance=stance, actor="clerk",
                                   now=when)
    with transaction():
        live.call_next(meeting, actor="chair", now=when + timedelta(seconds=5))
        live.timer(meeting, action="start", actor="chair", now=when + timedelta(seconds=10))
    return entry


def test_a_period_says_when_it_opened_and_closed_and_the_time_per_speaker(client, auth, sitting):
    meeting, item = sitting
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=180, actor="chair", now=at(12))
    speak(meeting, item, "Maria", at(13))
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(40))
    part = item_part(draft_of(client, auth, meeting), item)
    assert ("<p>Public comment opened at 7:12 PM PDT with 3 minutes per speaker and closed at 7:40 PM PDT.</p>"
            in part)
    # Written before the speakers it heard, and the time per speaker is not said twice.
    assert part.index("Public comment opened") < part.index("1 public speaker")
    assert "Time per speaker" not in part


def test_a_limit_on_the_whole_period_is_said(client, auth, sitting):
    meeting, item = sitting
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=120, period_seconds=1800, actor="chair",
                          now=at(12))
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(42, 30))
    assert ("Public comment opened at 7:12 PM PDT with 2 minutes per speaker and a limit of 30 minutes for the "
            "period, and closed at 7:42 PM PDT.") in draft_of(client, auth, meeting)


def test_a_change_of_the_time_per_speaker_during_the_item_is_said_with_when(client, auth, sitting):
    meeting, item = sitting
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=180, actor="chair", now=at(12))
    speak(meeting, item, "Maria", at(13))
    with transaction():
        live.change_speaker_time(meeting, seconds=90, actor="chair", now=at(20))
    speak(meeting, item, "Tom", at(21), stance="oppose")
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(40))
    assert ("<p>Public comment opened at 7:12 PM PDT with 3 minutes per speaker. The time per speaker was changed "
            "to 1 minute 30 seconds at 7:20 PM PDT. Public comment closed at 7:40 PM PDT.</p>") \
        in draft_of(client, auth, meeting)


def test_comment_opened_twice_on_an_item_says_each_period(client, auth, sitting):
    meeting, item = sitting
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=180, actor="chair", now=at(12))
    speak(meeting, item, "Maria", at(13))
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(20))
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=60, actor="chair", now=at(45))
    speak(meeting, item, "Tom", at(46), stance="oppose")
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(50))
    part = item_part(draft_of(client, auth, meeting), item)
    first = "Public comment opened at 7:12 PM PDT with 3 minutes per speaker and closed at 7:20 PM PDT."
    second = "Public comment opened again at 7:45 PM PDT with 1 minute per speaker and closed at 7:50 PM PDT."
    assert part.index(first) < part.index(second) < part.index("2 public speakers")


def test_comment_opened_with_nobody_to_speak_is_still_on_the_record(client, auth, sitting):
    meeting, item = sitting
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=180, actor="chair", now=at(12))
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(13))
    part = item_part(draft_of(client, auth, meeting), item)
    assert "Public comment opened at 7:12 PM PDT with 3 minutes per speaker and closed at 7:13 PM PDT." in part
    assert "No public speakers." in part


def test_comment_still_open_and_comment_ended_by_the_adjournment(client, auth, sitting):
    meeting, item = sitting
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=180, actor="chair", now=at(12))
    speak(meeting, item, "Maria", at(13))
    assert "with 3 minutes per speaker. Public comment is still open." in draft_of(client, auth, meeting)
    with transaction():
        minutes.proceedings_action(meeting, action="adjourn", actor="clerk", now=at(55))
    assert ("Public comment opened at 7:12 PM PDT with 3 minutes per speaker. Public comment closed at 7:55 PM "
            "PDT, when the meeting was adjourned.") in draft_of(client, auth, meeting)


def test_a_removal_after_a_warning_says_both_with_when_and_the_reasons(client, auth, sitting):
    meeting, item = sitting
    assert meeting.body.rule_pack == "us-ca-brown-act"  # a warning is required before a removal
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=at(12))
    with transaction():
        loud, _ = live.join_queue(meeting, item_id=item.id, display_name="Loud Larry", now=at(14))
    with transaction():
        live.warn(meeting, entry_id=loud.id, reason="Shouting threats at the council", actor="chair", now=at(31))
    with transaction():
        live.remove(meeting, entry_id=loud.id, reason="Repeated threats", actor="chair", now=at(33))
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(40))
    part = item_part(draft_of(client, auth, meeting), item)
    warned = "<p>The chair warned Speaker 1 at 7:31 PM PDT: Shouting threats at the council.</p>"
    removed = "<p>The chair removed Speaker 1 at 7:33 PM PDT, after a warning at 7:31 PM PDT: Repeated threats.</p>"
    assert part.index(warned) < part.index(removed)
    assert "compliance log gives" not in part
    assert "Larry" not in part  # a typed name is unverified: the number says who


def test_a_removal_without_a_warning_says_so_and_whether_it_was_for_a_threat(client, auth, sitting):
    meeting, item = sitting
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=at(12))
        threat, _ = live.join_queue(meeting, item_id=item.id, now=at(13))
    with transaction():
        live.remove(meeting, entry_id=threat.id, reason="Threatened the mayor", threat=True, actor="chair",
                    now=at(15))
    assert ("The chair removed Speaker 1 at 7:15 PM PDT without a prior warning, for a use of force or a true "
            "threat of force: Threatened the mayor.") in draft_of(client, auth, meeting)


def test_a_removal_undone_reads_as_removed_then_reinstated(client, auth, sitting):
    meeting, item = sitting
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=at(12))
        maria, _ = live.join_queue(meeting, item_id=item.id, display_name="Maria", stance="support", now=at(13))
    with transaction():
        live.warn(meeting, entry_id=maria.id, reason="Talking over the speaker", actor="chair", now=at(14))
    with transaction():
        live.remove(meeting, entry_id=maria.id, reason="Kept talking", actor="chair", now=at(15))
    with transaction():
        live.reinstate(meeting, entry_id=maria.id, reason="The chair removed the wrong person", actor="chair",
                       now=at(16))
    with transaction():
        live.call_next(meeting, actor="chair", now=at(17))
        live.timer(meeting, action="start", actor="chair", now=at(17))
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(20))
    part = item_part(draft_of(client, auth, meeting), item)
    lines = ["<p>The chair warned Speaker 1 at 7:14 PM PDT: Talking over the speaker.</p>",
             "<p>The chair removed Speaker 1 at 7:15 PM PDT, after a warning at 7:14 PM PDT: Kept talking.</p>",
             "<p>The chair reinstated Speaker 1 at 7:16 PM PDT, undoing the removal: The chair removed the wrong "
             "person.</p>"]
    assert part.index(lines[0]) < part.index(lines[1]) < part.index(lines[2])
    # Reinstated and heard: a speaker, not one of those removed.
    assert "1 public speaker (0 in person, 1 remote): 1 support." in part
    assert "participant was removed" not in part


def test_a_hidden_name_stays_hidden(client, auth, sitting):
    meeting, item = sitting
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=at(12))
        posing, _ = live.join_queue(meeting, item_id=item.id, display_name="City Attorney (verified)", now=at(13))
        rude, _ = live.join_queue(meeting, item_id=item.id, display_name="Insult Name", stance="oppose", now=at(13))
    with transaction():
        live.warn(meeting, entry_id=posing.id, reason="Posing as staff", actor="chair", now=at(14))
    with transaction():
        live.hide_name(meeting, entry_id=posing.id, reason="Passes for staff", actor="chair", now=at(15))
        live.hide_name(meeting, entry_id=rude.id, reason="An insult", actor="chair", now=at(15))
    with transaction():
        live.remove(meeting, entry_id=posing.id, reason="Kept interrupting", actor="chair", now=at(16))
    with transaction():
        live.call_next(meeting, actor="chair", now=at(17))
        live.timer(meeting, action="start", actor="chair", now=at(17))
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(20))
    draft = draft_of(client, auth, meeting)
    assert "City Attorney" not in draft and "Insult Name" not in draft
    assert "Passes for staff" not in draft and "An insult" not in draft  # why a name was hidden says the name
    assert "The chair warned Speaker 1 at 7:14 PM PDT: Posing as staff." in draft
    assert "The chair removed Speaker 1 at 7:16 PM PDT, after a warning at 7:14 PM PDT: Kept interrupting." in draft
    assert "1 public speaker (0 in person, 1 remote): 1 oppose." in draft and "gave a name" not in draft


def test_times_are_the_bodys_local_time_across_the_change_from_daylight_time(client, auth, staff):
    """November 1, 2026: Los Angeles goes back from 2:00 AM PDT to 1:00 AM PST. A period
    opened at 1:50 AM PDT and closed 20 minutes later closed at 1:10 AM PST."""
    body = make_body(slug="night-board", timezone="America/Los_Angeles")
    start = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # 1:30 AM PDT
    meeting = make_meeting(body, start_at=start, status=MeetingStatus.PUBLISHED)
    item = make_item(meeting, title="Night work permits")
    db.session.commit()
    night_auth = staff.token_headers(staff.user("clerk", body=body))
    with transaction():
        minutes.proceedings_action(meeting, action="call_to_order", actor="clerk", now=start)
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=120, actor="chair",
                          now=start + timedelta(minutes=20))
    with transaction():
        live.change_speaker_time(meeting, seconds=60, actor="chair", now=start + timedelta(minutes=35))
    with transaction():
        live.close_comment(meeting, actor="chair", now=start + timedelta(minutes=40))
    assert ("Public comment opened at 1:50 AM PDT with 2 minutes per speaker. The time per speaker was changed to "
            "1 minute at 1:05 AM PST. Public comment closed at 1:10 AM PST.") in draft_of(client, night_auth, meeting)


def test_times_are_in_the_bodys_time_zone_not_utc(client, auth, staff):
    body = make_body(slug="east-board", timezone="America/New_York")
    meeting = make_meeting(body, start_at=SEVEN_PM, status=MeetingStatus.PUBLISHED)
    item = make_item(meeting, title="Harbor lease")
    db.session.commit()
    east_auth = staff.token_headers(staff.user("clerk", body=body))
    with transaction():
        minutes.proceedings_action(meeting, action="call_to_order", actor="clerk", now=SEVEN_PM)
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=180, actor="chair", now=at(12))
        entry, _ = live.join_queue(meeting, item_id=item.id, now=at(13))
    with transaction():
        live.remove(meeting, entry_id=entry.id, reason="Threw a chair", threat=True, actor="chair", now=at(14))
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(40))
    draft = draft_of(client, east_auth, meeting)
    assert "Public comment opened at 10:12 PM EDT with 3 minutes per speaker and closed at 10:40 PM EDT." in draft
    assert "The chair removed Speaker 1 at 10:14 PM EDT without a prior warning" in draft
    assert "2:12" not in draft and "UTC" not in draft


@pytest.fixture
def spanish(spanish_app):
    return spanish_app.test_client()


def test_the_periods_and_the_removals_are_written_in_spanish(spanish, auth, sitting):
    meeting, item = sitting
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=180, actor="chair", now=at(12))
        loud, _ = live.join_queue(meeting, item_id=item.id, now=at(13))
    with transaction():
        live.change_speaker_time(meeting, seconds=120, actor="chair", now=at(20))
    with transaction():
        live.warn(meeting, entry_id=loud.id, reason="Gritos", actor="chair", now=at(31))
    with transaction():
        live.remove(meeting, entry_id=loud.id, reason="Amenazas repetidas", actor="chair", now=at(33))
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(40))
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=60, period_seconds=600, actor="chair",
                          now=at(45))
    with transaction():
        live.close_comment(meeting, actor="chair", now=at(55))
    draft = spanish.get(f"/api/v1/meetings/{meeting.id}/minutes?lang=es",
                        headers={**auth, "Accept-Language": "es"}).json["draft"]
    for words in [
        "Se abrió el comentario público a las 19:12 PDT con 3 minutos por orador. El tiempo por orador se cambió "
        "a 2 minutos a las 19:20 PDT. Se cerró el comentario público a las 19:40 PDT.",
        "Se abrió de nuevo el comentario público a las 19:45 PDT con 1 minuto por orador y un límite de 10 minutos "
        "para todo el periodo, y se cerró a las 19:55 PDT.",
        "La presidencia advirtió a quien figura como Participante 1 a las 19:31 PDT: Gritos.",
        "La presidencia retiró a quien figura como Participante 1 a las 19:33 PDT, tras una advertencia a las "
        "19:31 PDT: Amenazas repetidas.",
    ]:
        assert words in draft

"""The minutes draft counts an item's public speakers in words that agree with the number,
through the app's own translator (Flask-Babel), in English and in Spanish."""
from datetime import timedelta

import pytest

from app.core.db import transaction
from app.core.time import utcnow
from app.compliance.services import entries_for
from app.live import services as live
from tests.minutes.helpers import act, all_present


def hear(meeting, item, people, start=None):
    """Open comment on the item (None: general comment) at `start` (by default now), call
    each speaker (in person first, then one remote) and give them a minute on the clock,
    close it."""
    start = start or utcnow()
    item_id = item.id if item else None
    t = iter(start + timedelta(minutes=n) for n in range(100))
    with transaction():
        live.open_comment(meeting, item_id=item_id, actor="chair", now=next(t))
    for index, (name, stance) in enumerate(people):
        with transaction():
            if index % 2:
                live.join_queue(meeting, item_id=item_id, display_name=name, stance=stance, now=next(t))
            else:
                live.add_in_person(meeting, item_id=item_id, display_name=name, stance=stance, actor="clerk",
                                   now=next(t))
        with transaction():
            live.call_next(meeting, actor="chair", now=next(t))
            live.timer(meeting, action="start", actor="chair", now=next(t))
    with transaction():
        live.close_comment(meeting, actor="chair", now=next(t))


def comment_open_on(client, auth, meeting, members, item):
    """The meeting called to order with everyone present and comment open on `item`; the
    clock the test goes on with, a minute a step."""
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    all_present(client, auth, meeting, members)
    t = iter(utcnow() + timedelta(minutes=n) for n in range(100))
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=next(t))
    return t


@pytest.fixture
def spanish(spanish_app):
    return spanish_app.test_client()


@pytest.mark.parametrize("people, english, spanish_words", [
    ([("Maria", "support")],
     ["1 public speaker (1 in person, 0 remote): 1 support.", "Speaker who gave a name: Maria"],
     ["1 orador del público (1 en persona, 0 a distancia): 1 a favor.", "Orador que dio su nombre: Maria"]),
    ([("Maria", "support"), ("Tom", "oppose")],
     ["2 public speakers (1 in person, 1 remote): 1 support, 1 oppose.", "Speakers who gave a name: Maria, Tom"],
     ["2 oradores del público (1 en persona, 1 a distancia): 1 a favor, 1 en contra.",
      "Oradores que dieron su nombre: Maria, Tom"]),
    ([("Maria", "support"), ("Tom", None)],  # one who gave no position is counted in those words
     ["2 public speakers (1 in person, 1 remote): 1 support, 1 no position given."],
     ["2 oradores del público (1 en persona, 1 a distancia): 1 a favor, 1 sin postura indicada."]),
])
def test_one_speaker_and_two_speakers(client, auth, spanish, meeting, members, item, people, english,
                                      spanish_words):
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    all_present(client, auth, meeting, members)
    hear(meeting, item, people)
    url = f"/api/v1/meetings/{meeting.id}/minutes"
    draft = client.get(url, headers=auth).json["draft"]
    for words in english:
        assert words in draft
    assert ("public speakers" in draft) == (len(people) > 1)
    draft_es = spanish.get(url + "?lang=es", headers={**auth, "Accept-Language": "es"}).json["draft"]
    for words in spanish_words:
        assert words in draft_es


def test_a_speaker_removed_during_their_turn_is_not_counted_as_a_public_speaker(client, auth, meeting, members,
                                                                                 item):
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    all_present(client, auth, meeting, members)
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=utcnow())
    with transaction():
        disruptive, _ = live.join_queue(meeting, item_id=item.id, display_name="Loud Larry", now=utcnow())
        live.join_queue(meeting, item_id=item.id, display_name="Maria", stance="support", now=utcnow())
    with transaction():
        live.call_next(meeting, actor="chair", now=utcnow())
    with transaction():
        live.warn(meeting, entry_id=disruptive.id, reason="Shouting over the chair", actor="chair", now=utcnow())
    with transaction():
        live.remove(meeting, entry_id=disruptive.id, reason="Kept shouting after a warning", actor="chair",
                    now=utcnow())
    with transaction():
        live.call_next(meeting, actor="chair", now=utcnow())
        live.timer(meeting, action="start", actor="chair", now=utcnow())
    with transaction():
        live.close_comment(meeting, actor="chair", now=utcnow() + timedelta(seconds=90))
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert "1 public speaker (0 in person, 1 remote): 1 support." in draft
    assert "Speaker who gave a name: Maria" in draft
    # The removal, with the warning before it and both reasons; the person by their number only.
    warned = draft.index("The chair warned Speaker 1 at ")
    removed = draft.index("The chair removed Speaker 1 at ")
    assert warned < removed
    assert ": Shouting over the chair." in draft[warned:removed]
    assert ", after a warning at " in draft[removed:] and ": Kept shouting after a warning." in draft[removed:]
    assert "compliance log gives" not in draft
    assert "Larry" not in draft


def test_a_participant_reinstated_after_a_mistaken_removal_is_counted_as_heard(client, auth, meeting, members, item):
    t = comment_open_on(client, auth, meeting, members, item)
    with transaction():
        maria, _ = live.join_queue(meeting, item_id=item.id, display_name="Maria", stance="support", now=next(t))
    with transaction():
        live.remove(meeting, entry_id=maria.id, reason="Wrong row", threat=True, actor="chair", now=next(t))
    with transaction():
        live.reinstate(meeting, entry_id=maria.id, reason="Removed the wrong person", actor="chair", now=next(t))
    with transaction():
        live.call_next(meeting, actor="chair", now=next(t))
        live.timer(meeting, action="start", actor="chair", now=next(t))
    with transaction():
        live.close_comment(meeting, actor="chair", now=next(t))
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert "1 public speaker (0 in person, 1 remote): 1 support." in draft
    assert "removed by the chair" not in draft
    # The removal happened and was undone: both are said, in order, each with its reason.
    removed = draft.index("The chair removed Speaker 1 at ")
    reinstated = draft.index("The chair reinstated Speaker 1 at ")
    assert removed < reinstated
    assert "without a prior warning, for a use of force or a true threat of force: Wrong row." in draft
    assert ", undoing the removal: Removed the wrong person." in draft
    assert "Maria" in draft and draft.count("Maria") == 1  # named once, as a speaker


def test_a_speaker_skipped_part_way_through_and_not_called_again_is_counted_as_heard(client, auth, meeting,
                                                                                     members, item):
    t = comment_open_on(client, auth, meeting, members, item)
    with transaction():
        dropped, _ = live.join_queue(meeting, item_id=item.id, display_name="Maria", stance="support", now=next(t))
        live.join_queue(meeting, item_id=item.id, display_name="Tom", now=next(t))
    with transaction():
        live.call_next(meeting, actor="chair", now=next(t))
        live.timer(meeting, action="start", actor="chair", now=next(t))
    with transaction():
        live.skip(meeting, entry_id=dropped.id, actor="chair", now=next(t))  # the call dropped a minute in
    with transaction():
        live.close_comment(meeting, actor="chair", now=next(t))
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert "1 public speaker (0 in person, 1 remote): 1 support." in draft
    assert "Speaker who gave a name: Maria" in draft
    assert "1 person asked to speak but was not heard: still in line when public comment ended." in draft  # Tom


def test_those_skipped_and_not_recalled_are_told_apart_from_those_never_reached(client, auth, meeting, members,
                                                                                   item):
    t = comment_open_on(client, auth, meeting, members, item)
    with transaction():
        greg, _ = live.join_queue(meeting, item_id=item.id, display_name="Greg", now=next(t))
        live.join_queue(meeting, item_id=item.id, display_name="Tom", now=next(t))
    with transaction():
        live.call_next(meeting, actor="chair", now=next(t))
    with transaction():
        live.skip(meeting, entry_id=greg.id, actor="chair", now=next(t))  # never answered, never recalled
    with transaction():
        live.close_comment(meeting, actor="chair", now=next(t))
    closed = [e for e in entries_for(meeting.id) if e.tag == "comment:closed"][-1]
    assert (closed.data["still_waiting"], closed.data["still_skipped"]) == (1, 1)
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert "1 person asked to speak but was not heard: still in line when public comment ended." in draft
    assert ("1 person asked to speak but was not heard: skipped by the chair and not recalled before public "
            "comment ended.") in draft


def test_a_turn_ended_before_its_time_started_is_reported_not_counted(client, auth, meeting, members, item):
    """Called, no answer, and the chair called the next one: no comment was given, and
    the draft says so instead of counting their stance (the clerk decides)."""
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    t = iter(utcnow() + timedelta(minutes=n) for n in range(100))
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=next(t))
        live.add_in_person(meeting, item_id=item.id, display_name="Linda", stance="oppose", actor="clerk",
                           now=next(t))
        live.join_queue(meeting, item_id=item.id, display_name="Maria", stance="support", now=next(t))
    with transaction():
        live.call_next(meeting, actor="chair", now=next(t))
    with transaction():
        live.call_next(meeting, actor="chair", now=next(t))  # Linda never started
        live.timer(meeting, action="start", actor="chair", now=next(t))
    with transaction():
        live.close_comment(meeting, actor="chair", now=next(t))
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert "1 public speaker (0 in person, 1 remote): 1 support." in draft
    assert "Speaker who gave a name: Maria" in draft and "Linda" not in draft
    assert "1 person was called, but the turn ended before its time was started: not counted as a speaker." \
        in draft


def test_a_turn_stopped_within_its_first_second_is_counted(client, auth, meeting, members, item):
    """The chair started the time, so the speaker had the floor, as the log says."""
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    now = utcnow()
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=now)
        live.join_queue(meeting, item_id=item.id, display_name="Maria", stance="support", now=now)
        live.call_next(meeting, actor="chair", now=now)
        live.timer(meeting, action="start", actor="chair", now=now)
        live.timer(meeting, action="stop", actor="chair", now=now + timedelta(milliseconds=400))
        live.close_comment(meeting, actor="chair", now=now + timedelta(seconds=1))
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert "1 public speaker (0 in person, 1 remote): 1 support." in draft
    assert "before its time was started" not in draft


def test_a_recess_during_an_items_comment_is_placed_with_that_item(client, auth, meeting, members, item):
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    all_present(client, auth, meeting, members)
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=utcnow())
    assert act(client, auth, meeting, "recess").status_code == 200
    assert act(client, auth, meeting, "reconvene").status_code == 200
    record = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json
    draft = record["draft"]
    assert draft.index(item.title) < draft.index("The meeting recessed at") < draft.index("reconvened")


def test_a_recess_during_general_comment_nobody_spoke_in_goes_with_the_item_before(client, auth, meeting, members,
                                                                                  item):
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    all_present(client, auth, meeting, members)
    with transaction():
        live.set_item(meeting, item_id=item.id, actor="chair", now=utcnow())
    with transaction():
        live.open_comment(meeting, item_id=None, actor="chair", now=utcnow())
    assert act(client, auth, meeting, "recess", note="Break during general comment").status_code == 200
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert draft.index(item.title) < draft.index("Break during general comment")


def test_comment_heard_before_the_call_to_order_is_written_before_it(client, auth, meeting, members, item):
    """Residents may sign up, and the chair open comment, before the call to order; the
    console warns that the minutes then place that comment before it, and they do."""
    early = utcnow() - timedelta(hours=2)
    hear(meeting, None, [("Early Bird", "support")], start=early)
    hear(meeting, item, [("Ann Before", "oppose")], start=early + timedelta(minutes=30))
    with transaction():  # signed up early, removed after the call to order: written after it
        loud, _ = live.join_queue(meeting, item_id=None, display_name="Loud Larry",
                                  now=early + timedelta(minutes=40))
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    with transaction():
        live.remove(meeting, entry_id=loud.id, reason="Threatened the council", threat=True, actor="chair",
                    now=utcnow() + timedelta(minutes=1))
    all_present(client, auth, meeting, members)
    hear(meeting, item, [("Maria", "neutral")])
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    order = draft.index("called to order")
    assert draft.index("Public comment on non-agenda items") < draft.index("Early Bird") < order
    heading = draft.index("Public comment on ", draft.index("Early Bird"))
    assert heading < draft.index(f"{item.title}</h4>") < draft.index("Ann Before") < order
    assert order < draft.index("Maria") and order < draft.index("The chair removed Speaker")
    assert draft.count("The chair removed") == 1
    assert draft.count("Early Bird") == 1 and draft.count("Ann Before") == 1


def test_people_still_in_line_when_comment_ended_are_written_as_not_heard(client, auth, meeting, members, item):
    """Asked to speak, never heard: once the chair closes comment on the item, and for an
    item whose comment never opened, once the meeting is over. Not before: they may
    still be heard."""
    from tests.factories import make_item

    later = make_item(meeting, title="Library hours")
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    all_present(client, auth, meeting, members)
    t = iter(utcnow() + timedelta(minutes=n) for n in range(100))
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=next(t))
        for name in ("Maria", "Tom", "Ana"):
            live.add_in_person(meeting, item_id=item.id, display_name=name, actor="clerk", now=next(t))
        live.join_queue(meeting, item_id=later.id, display_name="Early Bird", now=next(t))
    with transaction():
        live.call_next(meeting, actor="chair", now=next(t))
        live.timer(meeting, action="start", actor="chair", now=next(t))
    with transaction():
        live.call_next(meeting, actor="chair", now=next(t))
    with transaction():
        live.skip(meeting, entry_id=live.public_state(meeting, now=next(t))["speaker"]["entry_id"], actor="chair",
                  now=next(t))

    def record():
        return client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json

    assert "not heard" not in record()["draft"]  # comment still open: they may be heard yet
    with transaction():
        live.close_comment(meeting, actor="chair", now=next(t))
    draft = record()["draft"]
    # Ana (still waiting) and Tom (skipped, never recalled), each said as it was; the later
    # item's sign-up may yet be heard.
    waiting = "1 person asked to speak but was not heard: still in line when public comment ended."
    skipped = ("1 person asked to speak but was not heard: skipped by the chair and not recalled before public "
               "comment ended.")
    assert draft.count(waiting) == 1 and draft.count(skipped) == 1 and "people asked to speak" not in draft
    assert draft.index(item.title) < draft.index(waiting) < draft.index(skipped) < draft.index("Library hours")
    assert act(client, auth, meeting, "adjourn").status_code == 200
    draft = record()["draft"]
    # Comment on the later item never opened: not said to have ended.
    assert draft.index("Library hours") < draft.index(
        "1 person asked to speak but was not heard: public comment on this was not opened.")
    assert draft.count("still in line when public comment ended") == 1


def test_general_comment_taken_late_is_written_where_it_was_heard(client, auth, meeting, members, item):
    """Opened after the items were taken up, general comment (and a recess during it)
    is written after them, not after the roll call."""
    from tests.factories import make_item

    later = make_item(meeting, title="Library hours")
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    all_present(client, auth, meeting, members)
    for taken_up in (item, later):
        with transaction():
            live.set_item(meeting, item_id=taken_up.id, actor="chair", now=utcnow())
    with transaction():
        live.open_comment(meeting, item_id=None, actor="chair", now=utcnow())
        live.add_in_person(meeting, item_id=None, display_name="Maria", stance="support", actor="clerk",
                           now=utcnow())
    with transaction():
        live.call_next(meeting, actor="chair", now=utcnow())
        live.timer(meeting, action="start", actor="chair", now=utcnow())
    assert act(client, auth, meeting, "recess", note="Break during general comment").status_code == 200
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert draft.index("Street resurfacing contract") < draft.index("Library hours") \
        < draft.index("Public comment on non-agenda items") < draft.index("Break during general comment")


def test_the_time_each_speaker_was_given_is_written_with_a_change_and_the_interpreter_multiple(
        client, auth, meeting, members, item):
    assert meeting.body.rule_pack == "us-ca-brown-act"  # interpreted speakers get twice the time
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    all_present(client, auth, meeting, members)
    t = iter(utcnow() + timedelta(minutes=n) for n in range(100))
    with transaction():
        live.open_comment(meeting, item_id=item.id, seconds_per_speaker=120, actor="chair", now=next(t))
        live.add_in_person(meeting, item_id=item.id, display_name="Rosa", interpreter=True, actor="clerk",
                           now=next(t))
        live.add_in_person(meeting, item_id=item.id, display_name="Tom", actor="clerk", now=next(t))
    with transaction():
        live.call_next(meeting, actor="chair", now=next(t))
        live.timer(meeting, action="start", actor="chair", now=next(t))
    with transaction():
        live.change_speaker_time(meeting, seconds=90, actor="chair", now=next(t))
    with transaction():
        live.call_next(meeting, actor="chair", now=next(t))
        live.timer(meeting, action="start", actor="chair", now=next(t))
    with transaction():
        live.close_comment(meeting, actor="chair", now=next(t))
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    # The comment period says the time per speaker and its change; the interpreter's longer time follows.
    assert "with 2 minutes per speaker. The time per speaker was changed to 1 minute 30 seconds at " in draft
    assert "<p>Speakers who used an interpreter had 2 times as long.</p>" in draft
    assert "Time per speaker:" not in draft  # not said twice


def test_comment_before_and_after_the_call_to_order_each_name_their_own_time(client, auth, meeting, members,
                                                                             item):
    """Residents may be heard before the meeting is called to order, at another time per
    speaker: each part of the record says only the time it gave."""
    before = iter(utcnow() - timedelta(minutes=30 - n) for n in range(20))
    for opened_at, seconds in ((next(before), 30), (None, 45)):
        if opened_at is None:
            assert act(client, auth, meeting, "call_to_order").status_code == 200
            all_present(client, auth, meeting, members)
            opened_at = utcnow() + timedelta(minutes=1)
        t = iter(opened_at + timedelta(seconds=n) for n in range(0, 600, 10))
        with transaction():
            live.open_comment(meeting, item_id=None, seconds_per_speaker=seconds, actor="chair", now=next(t))
            live.add_in_person(meeting, item_id=None, display_name=f"Spoke for {seconds}", actor="clerk",
                               now=next(t))
            live.call_next(meeting, actor="chair", now=next(t))
            live.timer(meeting, action="start", actor="chair", now=next(t))
            live.timer(meeting, action="stop", actor="chair", now=next(t))
            live.close_comment(meeting, actor="chair", now=next(t))
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert "with 30 seconds per speaker and closed at" in draft and "with 45 seconds per speaker and closed at" in draft
    assert "changed" not in draft
    assert draft.index("with 30 seconds per speaker") < draft.index("called to order") \
        < draft.index("with 45 seconds per speaker")


def test_comment_open_across_the_call_to_order_keeps_its_time_after_it(client, auth, meeting, members, item):
    opened_at = utcnow() - timedelta(minutes=10)
    with transaction():
        live.open_comment(meeting, item_id=None, seconds_per_speaker=60, actor="chair", now=opened_at)
        live.add_in_person(meeting, item_id=None, display_name="Early", actor="clerk", now=opened_at)
        live.add_in_person(meeting, item_id=None, display_name="Late", actor="clerk", now=opened_at)
        live.call_next(meeting, actor="chair", now=opened_at)
        live.timer(meeting, action="start", actor="chair", now=opened_at)
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    t = iter(utcnow() + timedelta(seconds=n) for n in range(1, 100))
    with transaction():
        live.call_next(meeting, actor="chair", now=next(t))
        live.timer(meeting, action="start", actor="chair", now=next(t))
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    # The period open across the call to order is written with both parts, still open.
    assert draft.count("with 1 minute per speaker. Public comment is still open.") == 2

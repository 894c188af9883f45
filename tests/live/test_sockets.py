"""The /live namespace through Flask-SocketIO's test client: every event, roles, bad input."""
import time
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Membership
from app.compliance.models import ComplianceEntry
from app.core.time import utcnow
from app.extensions import db, limiter, socketio
from app.live.models import QueueEntry
from app.meetings.models import Meeting, MeetingStatus
from tests.factories import make_item, make_meeting, make_token, make_user

NS = "/live"

CHAIR_EVENTS = {
    "set_item": lambda ids: {"item_id": ids["item"]},
    "open_comment": lambda ids: {"item_id": ids["item"], "seconds_per_speaker": 120},
    "close_comment": lambda ids: {},
    "set_speaker_time": lambda ids: {"seconds": 90},
    "add_in_person": lambda ids: {"item_id": ids["item"], "display_name": "Card"},
    "withdraw_card": lambda ids: {"entry_id": ids["entry"], "reason": "Entered twice"},
    "correct_card": lambda ids: {"entry_id": ids["entry"], "display_name": "Corrected"},
    "call_next": lambda ids: {},
    "recall": lambda ids: {"entry_id": ids["entry"]},
    "skip": lambda ids: {"entry_id": ids["entry"]},
    "warn": lambda ids: {"entry_id": ids["entry"], "reason": "Shouting"},
    "remove": lambda ids: {"entry_id": ids["entry"], "reason": "Disruption"},
    "reinstate": lambda ids: {"entry_id": ids["entry"], "reason": "Removed by mistake"},
    "hide_name": lambda ids: {"entry_id": ids["entry"], "reason": "Offensive name"},
    "timer": lambda ids: {"action": "start"},
}


@pytest.fixture
def meeting(app):
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    meeting.item = make_item(meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def connect(app, meeting):
    clients = []

    def connect(flask_client=None, **auth):
        auth.setdefault("meeting", meeting.id)
        kwargs = {"flask_test_client": flask_client} if flask_client else {}
        sock = socketio.test_client(app, namespace=NS, auth=auth, **kwargs)
        clients.append(sock)
        return sock

    yield connect
    for sock in clients:
        if sock.is_connected(NS):
            sock.disconnect(NS)


@pytest.fixture
def chair(app, meeting, staff, connect):
    user = make_user(role="chair", body=meeting.body)
    db.session.commit()
    staff.login(user)
    sock = connect(flask_client=staff.client)
    sock.user = user
    return sock


def emit(sock, event, data=None):
    args = () if data is None else (data,)
    return sock.emit(event, *args, namespace=NS, callback=True)


def states(sock):
    return [m["args"][0] for m in sock.get_received(NS) if m["name"] == "state"]


def version(meeting):
    db.session.expire_all()
    return db.session.get(type(meeting), meeting.id).state_version


def test_connecting_sends_the_current_state(connect, meeting):
    sock = connect()
    assert sock.is_connected(NS)
    [state] = states(sock)
    assert state["meeting_id"] == meeting.id and state["version"] == 0 and state["queue"] == []


@pytest.mark.parametrize("auth", [{"meeting": None}, {"meeting": "1"}, {"meeting": 10**6}, {"meeting": 2**63},
                                  {"api_token": "dais_wrong"}, {"token": 5}, {"token": "short-guessable"},
                                  {"token": "x" * 201},
                                  # Legal JSON, but no token: lone surrogates, control and non-ASCII characters.
                                  {"token": "\udc80" * 22}, {"token": "\x00" * 22}, {"token": "é" * 22},
                                  {"api_token": "\udc80" * 22}])
def test_bad_connections_are_refused(connect, auth):
    assert not connect(**auth).is_connected(NS)


def test_a_full_round_between_chair_and_residents(app, connect, chair, meeting):
    # Residents' changes wait for a pause, as in production, here one long enough that the
    # next staff change takes them however slow the machine (a pending send that staff
    # change took does nothing when its wait ends).
    app.config.update(LIVE_RESIDENT_BROADCAST_QUIET=5, LIVE_RESIDENT_BROADCAST_MAX_DELAY=10)
    item_id = meeting.item.id
    resident, display = connect(), connect()
    assert emit(chair, "set_item", {"item_id": item_id}) == {"ok": True, "version": 1}
    assert emit(chair, "open_comment", {"item_id": item_id, "seconds_per_speaker": 120})["ok"]
    joined = emit(resident, "join_queue", {"item_id": item_id, "display_name": " Ana\u202e ", "stance": "oppose"})
    assert joined["ok"] and joined["entry"]["position"] == 1 and joined["version"] == 3
    assert joined["entry"]["display_name"] == "Ana"  # as listed, so an anonymous resident knows their number
    token = joined["entry"]["token"]
    card = emit(chair, "add_in_person", {"item_id": item_id, "display_name": "Card 7"})
    assert card["ok"] and card["entry"]["position"] == 2

    assert emit(chair, "call_next") == {"ok": True, "entry_id": joined["entry"]["entry_id"], "version": 5}
    assert emit(chair, "timer", {"action": "start"})["ok"]
    assert emit(chair, "timer", {"action": "pause"})["ok"]
    assert emit(chair, "timer", {"action": "resume"})["ok"]
    assert emit(chair, "timer", {"action": "extend", "seconds": 30})["ok"]
    assert emit(chair, "set_speaker_time", {"seconds": 90})["ok"]
    assert emit(chair, "skip", {"entry_id": card["entry"]["entry_id"]})["ok"]
    assert emit(chair, "recall", {"entry_id": card["entry"]["entry_id"]})["ok"]
    assert emit(chair, "timer", {"action": "stop"})["ok"]
    assert emit(chair, "warn", {"entry_id": card["entry"]["entry_id"], "reason": "Shouting"})["ok"]
    assert emit(chair, "remove", {"entry_id": card["entry"]["entry_id"], "reason": "Kept shouting"})["ok"]
    assert emit(chair, "close_comment") == {"ok": True, "version": 16}

    # Every staff change went out at once, in order; the resident's join (version 3)
    # went out with the next one, which says what it follows so nobody resyncs.
    received = states(display)
    seen = [s["version"] for s in received]
    assert seen == [0, 1, 2, *range(4, 17)]
    assert received[3]["previous_version"] == 2 and len(received[3]["queue"]) == 2
    assert all(later["previous_version"] == earlier["version"] for earlier, later in zip(received[3:], received[4:]))
    assert [s["version"] for s in states(resident)] == seen
    synced = emit(resident, "sync")
    assert synced["ok"] and synced["state"]["version"] == 16
    assert synced["state"]["speaker"] is None

    # The resident's display name was cleaned of the bidi override.
    db.session.expire_all()
    assert db.session.get(QueueEntry, joined["entry"]["entry_id"]).display_name == "Ana"
    assert emit(resident, "resume", {"token": token})["ok"] is False  # done: no active place


def test_a_timed_period_refused_early_says_when_it_may_close(connect, chair, meeting):
    assert emit(chair, "open_comment", {"item_id": meeting.item.id, "period_seconds": 1800})["ok"]
    before = version(meeting)
    refused = emit(chair, "close_comment")
    assert refused["ok"] is False and refused["error"]["code"] == "comment_period_running"
    may_close_at = datetime.fromisoformat(refused["error"]["details"]["may_close_at"])
    assert timedelta(minutes=29) < may_close_at - utcnow() <= timedelta(minutes=30)
    assert version(meeting) == before
    # Consoles know it before anyone presses Close: the state says it too.
    comment = emit(chair, "sync")["state"]["comment"]
    assert comment["may_close_at"] == refused["error"]["details"]["may_close_at"]
    assert 1790 < comment["may_close_in_seconds"] <= 1800


def test_residents_changes_are_gathered_and_sent_after_a_pause(app, connect, chair, meeting):
    app.config.update(LIVE_RESIDENT_BROADCAST_QUIET=1.0, LIVE_RESIDENT_BROADCAST_MAX_DELAY=8)
    item_id = meeting.item.id
    display = connect()
    assert emit(chair, "open_comment", {"item_id": item_id})["version"] == 1
    residents = [connect() for _ in range(3)]
    versions = [emit(r, "join_queue", {"item_id": item_id})["version"] for r in residents]
    assert versions == [2, 3, 4]
    assert [s["version"] for s in states(display)] == [0, 1]  # not yet: joins are still coming
    deadline = time.monotonic() + 8
    received = []
    while time.monotonic() < deadline and not received:
        time.sleep(0.05)
        received = states(display)
    [state] = received
    assert state["version"] == 4 and state["previous_version"] == 1 and len(state["queue"]) == 3


def test_a_speaker_who_leaves_is_gone_from_every_screen_at_once(app, connect, chair, meeting):
    """Leaving is a resident's change, but a speaker's is what the room is watching: it
    is not held back for the pause that gathers joins."""
    app.config.update(LIVE_RESIDENT_BROADCAST_QUIET=5, LIVE_RESIDENT_BROADCAST_MAX_DELAY=10)
    speaker, waiting, display = connect(), connect(), connect()
    emit(chair, "open_comment", {"item_id": None})
    token = emit(speaker, "join_queue", {"item_id": None})["entry"]["token"]
    emit(chair, "call_next")
    emit(waiting, "join_queue", {"item_id": None})
    states(display)
    assert emit(speaker, "leave_queue", {"token": token})["ok"]
    [state] = states(display)
    assert state["speaker"] is None
    assert emit(waiting, "leave_queue", {})["ok"]
    assert states(display) == []  # a waiting resident's leave waits for the pause


def test_resume_after_reconnect_and_leave(connect, chair, meeting):
    resident = connect()
    joined = emit(resident, "join_queue", {"item_id": None})
    token = joined["entry"]["token"]
    resident.disconnect(NS)
    again = connect(token=token)
    resumed = emit(again, "resume", {"token": token})
    assert resumed["ok"] and resumed["entry"]["entry_id"] == joined["entry"]["entry_id"]
    assert resumed["entry"]["position"] == 1 and "token" not in resumed["entry"]
    assert resumed["places"] == [resumed["entry"]]  # every place the token holds: here one
    assert resumed["ended"] == []  # and how its others ended: none yet
    # The connection's token is reused: a second join for the same queue is refused.
    assert emit(again, "join_queue", {"item_id": None})["error"]["code"] == "already_queued"
    left = emit(again, "leave_queue", {"token": token})
    assert left["ok"] and left["ended"] == [{"entry_id": joined["entry"]["entry_id"], "status": "left"}]
    gone = emit(again, "resume", {"token": token})["error"]
    # The token's holder learns how the place ended; an unknown token learns nothing.
    assert gone["code"] == "not_found"
    assert gone["details"] == {"ended": [{"entry_id": joined["entry"]["entry_id"], "item_id": None,
                                          "status": "left"}]}
    unknown = emit(connect(), "resume", {"token": "x" * 40})["error"]
    assert unknown["code"] == "not_found" and "details" not in unknown


def test_resume_lists_every_place_of_the_token_the_one_under_comment_first(connect, chair, meeting):
    resident = connect()
    general = emit(resident, "join_queue", {"item_id": None})["entry"]
    on_item = emit(resident, "join_queue", {"item_id": meeting.item.id})["entry"]  # the connection's token
    assert emit(chair, "open_comment", {"item_id": None})["ok"]
    resumed = emit(resident, "resume", {"token": general["token"]})
    assert [p["entry_id"] for p in resumed["places"]] == [general["entry_id"], on_item["entry_id"]]
    assert resumed["entry"] == resumed["places"][0] and resumed["places"][1]["item_id"] == meeting.item.id
    # Reading them changes nothing.
    assert resumed["version"] == emit(resident, "sync", {})["state"]["version"]
    # A place that ended is listed apart, with how it ended: the general comment turn,
    # called and ended while this resident's page may have been closed.
    assert emit(chair, "call_next")["ok"] and emit(chair, "timer", {"action": "start"})["ok"]
    assert emit(chair, "timer", {"action": "stop"})["ok"]
    resumed = emit(resident, "resume", {"token": general["token"]})
    assert [p["entry_id"] for p in resumed["places"]] == [on_item["entry_id"]]
    assert resumed["ended"] == [{"entry_id": general["entry_id"], "item_id": None, "status": "done", "heard": True}]


def test_the_speakers_page_says_it_showed_the_call_and_nobody_else_can(connect, chair, meeting):
    speaker, other = connect(), connect()
    called = emit(speaker, "join_queue", {"item_id": None})["entry"]
    emit(other, "join_queue", {"item_id": None})
    assert emit(chair, "open_comment", {"item_id": None})["ok"]
    # Before the call, and from anyone but the speaker, it is refused and changes nothing.
    assert emit(speaker, "seen_call")["error"]["code"] == "not_found"
    assert emit(chair, "call_next")["ok"]
    before = version(meeting)
    assert emit(other, "seen_call")["error"]["code"] == "not_found"
    assert emit(connect(), "seen_call", {"token": "x" * 40})["error"]["code"] == "not_found"
    assert version(meeting) == before
    states(chair)
    seen = emit(speaker, "seen_call")
    assert seen["ok"] and seen["version"] == before + 1
    speaking = states(chair)[-1]["speaker"]
    assert speaking["entry_id"] == called["entry_id"] and speaking["seen_at"]
    # Said again (after reconnecting, say), it changes nothing; a new call starts unseen.
    assert emit(speaker, "seen_call", {"token": called["token"]})["version"] == before + 1
    assert emit(chair, "skip", {"entry_id": called["entry_id"]})["ok"]
    assert emit(chair, "recall", {"entry_id": called["entry_id"]})["ok"]
    states(chair)
    assert emit(chair, "call_next")["ok"]  # back at their place, first in line
    again = states(chair)[-1]["speaker"]
    assert again["entry_id"] == called["entry_id"] and again["seen_at"] is None


def test_a_removed_resident_is_told_they_were_removed_and_why(connect, chair, meeting):
    resident = connect()
    joined = emit(resident, "join_queue", {"item_id": None})
    assert emit(chair, "remove", {"entry_id": joined["entry"]["entry_id"], "reason": "Threats", "threat": True})["ok"]
    gone = emit(resident, "resume", {"token": joined["entry"]["token"]})["error"]
    assert gone["details"]["ended"] == [{"entry_id": joined["entry"]["entry_id"], "item_id": None,
                                         "status": "removed", "reason": "Threats"}]


def test_a_participant_removed_by_mistake_is_reinstated_at_their_place(connect, chair, meeting):
    """The chair removed the wrong person: they come back at their sign-up place, their
    page finds the place again, and the log keeps the removal and the reinstatement."""
    item = meeting.item.id
    first, second, third = connect(), connect(), connect()
    entries = [emit(sock, "join_queue", {"item_id": item})["entry"] for sock in (first, second, third)]
    assert emit(chair, "open_comment", {"item_id": item})["ok"]
    assert emit(chair, "remove", {"entry_id": entries[0]["entry_id"], "reason": "Shouting", "threat": True})["ok"]
    removed = states(chair)[-1]
    assert [e["entry_id"] for e in removed["queue"]] == [entries[1]["entry_id"], entries[2]["entry_id"]]
    assert [(e["entry_id"], e["number"]) for e in removed["removed"]] == [(entries[0]["entry_id"],
                                                                          entries[0]["number"])]
    before = version(meeting)
    assert emit(chair, "reinstate", {"entry_id": entries[0]["entry_id"], "reason": "Wrong person"}) == {
        "ok": True, "version": before + 1}
    back = states(chair)[-1]
    assert [(e["entry_id"], e["position"]) for e in back["queue"]] == [
        (entries[0]["entry_id"], 1), (entries[1]["entry_id"], 2), (entries[2]["entry_id"], 3)]
    assert back["removed"] == []
    resumed = emit(first, "resume", {"token": entries[0]["token"]})
    assert resumed["ok"] and resumed["entry"]["status"] == "waiting" and resumed["entry"]["position"] == 1
    tags = list(db.session.scalars(sa.select(ComplianceEntry.tag).filter_by(meeting_id=meeting.id)
                                   .order_by(ComplianceEntry.seq)))
    assert tags[-2:] == ["speaker:removed", "speaker:reinstated"]
    [logged] = db.session.scalars(sa.select(ComplianceEntry).filter_by(meeting_id=meeting.id,
                                                                       tag="speaker:reinstated"))
    assert logged.data["reason"] == "Wrong person" and logged.data["entry_id"] == entries[0]["entry_id"]
    assert logged.actor.startswith(f"user:{chair.user.id}:")
    # Called, and removed while speaking, the speaker comes back to the head of the line.
    assert emit(chair, "call_next")["entry_id"] == entries[0]["entry_id"]
    assert emit(chair, "remove", {"entry_id": entries[0]["entry_id"], "reason": "Shouting again", "threat": True})["ok"]
    assert emit(chair, "reinstate", {"entry_id": entries[0]["entry_id"], "reason": "Misheard"})["ok"]
    assert states(chair)[-1]["speaker"] is None
    assert emit(chair, "call_next")["entry_id"] == entries[0]["entry_id"]


def test_reinstating_what_cannot_be_reinstated_is_refused_and_changes_nothing(connect, chair, meeting):
    other = make_meeting(meeting.body, status=MeetingStatus.IN_PROGRESS)
    db.session.commit()
    foreign_sock = connect(meeting=other.id)
    foreign = emit(foreign_sock, "join_queue", {"item_id": None})["entry"]
    waiting, general = connect(), connect()
    item = meeting.item.id
    in_line = emit(waiting, "join_queue", {"item_id": item})["entry"]
    elsewhere = emit(general, "join_queue", {"item_id": None})["entry"]
    assert emit(chair, "open_comment", {"item_id": None})["ok"]
    assert emit(chair, "remove", {"entry_id": elsewhere["entry_id"], "reason": "Shouting", "threat": True})["ok"]
    assert emit(chair, "close_comment")["ok"]
    assert emit(chair, "open_comment", {"item_id": item})["ok"]
    before = version(meeting)
    refused = {
        "no such entry": {"entry_id": 10**6, "reason": "Mistake"},
        "another meeting's": {"entry_id": foreign["entry_id"], "reason": "Mistake"},
        "not removed": {"entry_id": in_line["entry_id"], "reason": "Mistake"},
        "removed on an item not under comment": {"entry_id": elsewhere["entry_id"], "reason": "Mistake"},
        "no reason": {"entry_id": elsewhere["entry_id"], "reason": "  "},
    }
    codes = {why: emit(chair, "reinstate", payload)["error"]["code"] for why, payload in refused.items()}
    assert codes == {"no such entry": "not_found", "another meeting's": "not_found", "not removed": "invalid_state",
                     "removed on an item not under comment": "invalid_state", "no reason": "invalid"}
    assert version(meeting) == before
    assert emit(chair, "close_comment")["ok"]
    closed = emit(chair, "reinstate", {"entry_id": elsewhere["entry_id"], "reason": "Mistake"})
    assert closed["error"]["code"] == "invalid_state"


def test_setting_the_current_item_again_changes_nothing(connect, chair, meeting):
    """A second press, or two consoles at once: no new version, no second log entry."""
    assert emit(chair, "set_item", {"item_id": meeting.item.id})["ok"]
    before = version(meeting)
    logged = db.session.scalar(sa.select(sa.func.count()).select_from(ComplianceEntry)
                               .filter_by(meeting_id=meeting.id))
    again = emit(chair, "set_item", {"item_id": meeting.item.id})
    assert again["error"] == {"code": "invalid_state", "message": "This is already the current item."}
    assert emit(chair, "set_item", {"item_id": None})["ok"]
    assert emit(chair, "set_item", {"item_id": None})["error"]["code"] == "invalid_state"
    assert version(meeting) == before + 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplianceEntry)
                             .filter_by(meeting_id=meeting.id)) == logged + 1


def test_the_person_warned_learns_what_for_on_resume(connect, chair, meeting):
    resident, other = connect(), connect()
    joined = emit(resident, "join_queue", {"item_id": None})["entry"]
    emit(other, "join_queue", {"item_id": None})
    assert emit(resident, "resume", {"token": joined["token"]})["warning"] is None
    assert emit(chair, "warn", {"entry_id": joined["entry_id"], "reason": "Shouting over the chair"})["ok"]
    [mine, theirs] = states(chair)[-1]["queue"]
    assert mine["warned"] is True and mine["warned_at"] and theirs == {**theirs, "warned": False}
    assert "warned_at" not in theirs  # only where there is one: every state goes to everyone
    warning = emit(resident, "resume", {"token": joined["token"]})["warning"]
    assert warning == {"at": mine["warned_at"], "reason": "Shouting over the chair"}


def test_a_turn_that_ended_says_whether_it_was_heard(connect, chair, meeting):
    """A turn ended before its time started is `done` but not heard: the resident's page
    does not thank them for a comment the minutes do not count. A turn whose time was
    started is heard, however soon the chair stopped it (the log says it started)."""
    unheard, heard = connect(), connect()
    first = emit(unheard, "join_queue", {"item_id": None})["entry"]
    second = emit(heard, "join_queue", {"item_id": None})["entry"]
    assert emit(chair, "open_comment", {"item_id": None})["ok"]
    assert emit(chair, "call_next")["ok"]
    assert emit(chair, "call_next")["ok"]  # before the first one's time was started
    assert emit(chair, "timer", {"action": "start"})["ok"]
    assert emit(chair, "timer", {"action": "stop"})["ok"]  # within the second
    for sock, entry, was_heard in ((unheard, first, False), (heard, second, True)):
        ended = emit(sock, "resume", {"token": entry["token"]})["error"]["details"]["ended"]
        assert ended == [{"entry_id": entry["entry_id"], "item_id": None, "status": "done", "heard": was_heard}]


def test_the_clerk_adds_a_caller_as_remote_with_no_page(connect, chair, meeting):
    resident = connect()
    emit(resident, "join_queue", {"item_id": None})
    caller = emit(chair, "add_in_person", {"item_id": None, "display_name": "Caller 4410", "channel": "remote"})
    card = emit(chair, "add_in_person", {"item_id": None, "display_name": "Card"})
    assert caller["entry"]["channel"] == "remote" and card["entry"]["channel"] == "in_person"
    assert emit(chair, "open_comment", {"item_id": None})["ok"]
    states(chair)
    pages = []
    for _ in range(3):
        assert emit(chair, "call_next")["ok"]
        speaker = states(chair)[-1]["speaker"]
        pages.append((speaker["display_name"], speaker["channel"], speaker["has_page"]))
    # Only the resident who joined from their own page has one to say it received the call.
    assert pages == [(None, "remote", True), ("Caller 4410", "remote", False), ("Card", "in_person", False)]


def test_a_card_entered_by_mistake_is_withdrawn_with_a_reason_not_removed(app, connect, chair, meeting):
    """A duplicate card, or one filed under the wrong item, is taken back by staff: the
    place ends as left, logged with who and why; no warning, no removal on the record.
    A resident's own place is not staff's to withdraw, nor a card being called."""
    item = meeting.item.id
    first = emit(chair, "add_in_person", {"item_id": item, "display_name": "Pat Smith"})["entry"]
    twice = emit(chair, "add_in_person", {"item_id": item, "display_name": "Pat Smith"})["entry"]
    resident = connect()
    online = emit(resident, "join_queue", {"item_id": item})["entry"]
    before = version(meeting)
    reply = emit(chair, "withdraw_card", {"entry_id": twice["entry_id"], "reason": "Entered twice"})
    assert reply == {"ok": True, "version": before + 1}
    state = emit(resident, "sync")["state"]
    assert [(e["entry_id"], e["has_page"]) for e in state["queue"]] == [(first["entry_id"], False),
                                                                        (online["entry_id"], True)]
    [logged] = db.session.scalars(sa.select(ComplianceEntry).filter_by(meeting_id=meeting.id, tag="speaker:left"))
    assert logged.data["reason"] == "Entered twice" and logged.data["withdrawn"] is True
    assert logged.data["entry_id"] == twice["entry_id"] and logged.actor.startswith("user:")
    refused = {
        "a resident's own place": {"entry_id": online["entry_id"], "reason": "Gone home"},
        "withdrawn already": {"entry_id": twice["entry_id"], "reason": "Again"},
        "no such entry": {"entry_id": 10**6, "reason": "Typo"},
    }
    codes = {why: emit(chair, "withdraw_card", payload)["error"]["code"] for why, payload in refused.items()}
    assert codes == {"a resident's own place": "invalid_state", "withdrawn already": "invalid_state",
                     "no such entry": "not_found"}
    assert emit(chair, "open_comment", {"item_id": item})["ok"]
    assert emit(chair, "call_next")["entry_id"] == first["entry_id"]
    called = emit(chair, "withdraw_card", {"entry_id": first["entry_id"], "reason": "Wrong item"})
    assert called["error"]["code"] == "invalid_state"  # being called: the timer ends the turn


def test_a_clerk_corrects_a_card_and_it_keeps_its_place(app, connect, meeting, staff):
    """A typo, the wrong stance or item: corrected in place, not withdrawn and entered
    again at the back of the line. The room sees it at once; the log keeps before and after."""
    clerk = make_user(role="clerk", body=meeting.body)
    db.session.commit()
    staff.login(clerk)
    console = connect(flask_client=staff.client)
    item = meeting.item.id
    first = emit(console, "add_in_person", {"item_id": None, "display_name": "Ana"})["entry"]
    typo = emit(console, "add_in_person", {"item_id": None, "display_name": "Jon", "stance": "support"})["entry"]
    resident, display = connect(), connect()
    online = emit(resident, "join_queue", {"item_id": None})["entry"]
    before = version(meeting)
    states(display)
    reply = emit(console, "correct_card", {"entry_id": typo["entry_id"], "display_name": "John",
                                           "stance": "oppose", "interpreter": True})
    assert reply["ok"] and reply["version"] == before + 1
    assert reply["changed"] == ["display_name", "stance", "interpreter"]
    assert (reply["entry"]["entry_id"], reply["entry"]["position"], reply["entry"]["display_name"]) == \
        (typo["entry_id"], 2, "John")
    [sent] = states(display)  # a staff change: sent at once
    assert [(e["entry_id"], e["display_name"], e["stance"], e["interpreter"]) for e in sent["queue"]] == [
        (first["entry_id"], "Ana", None, False), (typo["entry_id"], "John", "oppose", True),
        (online["entry_id"], None, None, False)]
    [logged] = db.session.scalars(sa.select(ComplianceEntry).filter_by(meeting_id=meeting.id,
                                                                       tag="speaker:corrected"))
    assert logged.actor.startswith(f"user:{clerk.id}:")
    assert logged.data["before"] == {"display_name": "Jon", "stance": "support", "interpreter": False}
    assert logged.data["after"] == {"display_name": "John", "stance": "oppose", "interpreter": True}
    # To an item, at the place its sign-up gives it there; null takes it back to general comment.
    moved = emit(console, "correct_card", {"entry_id": typo["entry_id"], "item_id": item})
    assert moved["ok"] and moved["changed"] == ["item_id"] and moved["entry"]["item_id"] == item
    assert emit(console, "correct_card", {"entry_id": typo["entry_id"], "item_id": None})["entry"]["position"] == 2


def test_a_correction_that_cannot_be_made_is_refused_and_changes_nothing(app, connect, chair, meeting):
    card = emit(chair, "add_in_person", {"item_id": None, "display_name": "Pat"})["entry"]
    resident = connect()
    online = emit(resident, "join_queue", {"item_id": None, "display_name": "Mine"})["entry"]
    other = make_meeting(meeting.body, status=MeetingStatus.IN_PROGRESS)
    db.session.commit()
    foreign = emit(connect(meeting=other.id), "join_queue", {"item_id": None})["entry"]
    before, logged = version(meeting), db.session.scalar(sa.select(sa.func.count(ComplianceEntry.id)))
    refused = {
        "malformed": ({"entry_id": card["entry_id"], "stance": "maybe"}, "invalid"),
        "nothing sent to correct": ({"entry_id": card["entry_id"]}, "invalid"),
        "nothing changed": ({"entry_id": card["entry_id"], "display_name": " Pat "}, "invalid_state"),
        "a reserved name": ({"entry_id": card["entry_id"], "display_name": "Speaker 4"}, "name_reserved"),
        "a name claiming verification": ({"entry_id": card["entry_id"], "display_name": "Pat ✓"},
                                         "name_claims_verified"),
        "a disguised name": ({"entry_id": card["entry_id"], "display_name": "\u0421hair"}, "name_mixes_scripts"),
        "a resident's own entry": ({"entry_id": online["entry_id"], "display_name": "Staff's"}, "invalid_state"),
        "another meeting's": ({"entry_id": foreign["entry_id"], "display_name": "X"}, "not_found"),
        "no such entry": ({"entry_id": 10**6, "display_name": "X"}, "not_found"),
        "no such item": ({"entry_id": card["entry_id"], "item_id": 10**6}, "not_found"),
    }
    codes = {why: emit(chair, "correct_card", payload)["error"]["code"] for why, (payload, _) in refused.items()}
    assert codes == {why: code for why, (_, code) in refused.items()}
    # (Residents and anonymous connections: forbidden, with every staff event, below.)
    assert version(meeting) == before
    assert db.session.scalar(sa.select(sa.func.count(ComplianceEntry.id))) == logged
    assert emit(chair, "open_comment", {"item_id": None})["ok"]
    assert emit(chair, "call_next")["entry_id"] == card["entry_id"]
    called = emit(chair, "correct_card", {"entry_id": card["entry_id"], "display_name": "Patricia"})
    assert called["error"]["code"] == "invalid_state"  # being called: no longer waiting


def test_the_chair_hides_a_name_and_everyone_sees_the_number(app, connect, chair, meeting):
    """A name typed to insult or impersonate is hidden: every page shows "Speaker <number>"
    at the same place in line, and the log says who and why without the name."""
    resident = connect()
    joined = emit(resident, "join_queue", {"item_id": None, "display_name": "City Attorney (official)"})["entry"]
    before = version(meeting)
    earlier = emit(resident, "sync")["state"]
    states(resident)
    reply = emit(chair, "hide_name", {"entry_id": joined["entry_id"], "reason": "Impersonates staff"})
    assert reply == {"ok": True, "version": before + 1}
    [seen] = [entry for entry in states(resident)[-1]["queue"] if entry["entry_id"] == joined["entry_id"]]
    assert seen["display_name"] is None and seen["number"] == joined["number"] and seen["position"] == 1
    # Marked so (a page or console opened later tells it from a place given without a
    # name); only where hidden, not on every entry of every state.
    assert seen["name_hidden"] is True and "name_hidden" not in earlier["queue"][0]
    resumed = emit(resident, "resume", {"token": joined["token"]})["entry"]
    assert resumed["display_name"] is None and resumed["name_hidden"] is True
    [logged] = db.session.scalars(sa.select(ComplianceEntry).filter_by(meeting_id=meeting.id,
                                                                       tag="speaker:name_hidden"))
    assert logged.data["reason"] == "Impersonates staff" and logged.data["number"] == joined["number"]
    assert logged.actor.startswith(f"user:{chair.user.id}:") and "display_name" not in logged.data
    assert "City Attorney" not in repr(logged.data)


def test_hiding_a_name_that_cannot_be_hidden_is_refused_and_changes_nothing(app, connect, chair, meeting):
    other = make_meeting(meeting.body, status=MeetingStatus.IN_PROGRESS)
    db.session.commit()
    elsewhere = connect(meeting=other.id)
    foreign = emit(elsewhere, "join_queue", {"item_id": None, "display_name": "Cy"})["entry"]
    resident, leaver = connect(), connect()
    anonymous = emit(resident, "join_queue", {"item_id": None})["entry"]
    left = emit(leaver, "join_queue", {"item_id": None, "display_name": "Dee"})["entry"]
    assert emit(leaver, "leave_queue", {"token": left["token"]})["ok"]
    named = emit(chair, "add_in_person", {"item_id": None, "display_name": "Chair"})["entry"]
    assert emit(chair, "hide_name", {"entry_id": named["entry_id"], "reason": "Impersonates the chair"})["ok"]
    before = version(meeting)
    refused = {
        "no such entry": {"entry_id": 10**6, "reason": "Offensive"},
        "another meeting's": {"entry_id": foreign["entry_id"], "reason": "Offensive"},
        "no name given": {"entry_id": anonymous["entry_id"], "reason": "Offensive"},
        "hidden already": {"entry_id": named["entry_id"], "reason": "Again"},
        "place ended": {"entry_id": left["entry_id"], "reason": "Offensive"},
        "no reason": {"entry_id": named["entry_id"], "reason": "  "},
    }
    codes = {why: emit(chair, "hide_name", payload)["error"]["code"] for why, payload in refused.items()}
    assert codes == {"no such entry": "not_found", "another meeting's": "not_found",
                     "no name given": "invalid_state", "hidden already": "invalid_state",
                     "place ended": "invalid_state", "no reason": "invalid"}
    assert version(meeting) == before


def test_staff_can_use_an_api_token(app, connect, meeting):
    clerk = make_user(role="clerk", body=meeting.body)
    token = make_token(clerk)
    db.session.commit()
    kiosk = connect(api_token=token)
    assert emit(kiosk, "add_in_person", {"item_id": None, "display_name": "Card"})["ok"]


@pytest.mark.parametrize("who", ["anonymous", "resident", "member", "chair_of_another_body"])
def test_every_chair_event_is_forbidden_to_everyone_else(app, connect, meeting, staff, who):
    app.config["LIVE_EVENT_BURST"] = 3 * len(CHAIR_EVENTS)
    ids = {"item": meeting.item.id, "entry": 1}
    if who in ("anonymous", "resident"):
        sock = connect()
        if who == "resident":
            ids["entry"] = emit(sock, "join_queue", {"item_id": None})["entry"]["entry_id"]
    else:
        user = make_user(role="member" if who == "member" else "chair",
                         body=meeting.body if who == "member" else None)
        db.session.commit()
        staff.login(user)
        sock = connect(flask_client=staff.client)
    before = version(meeting)
    for event, payload in CHAIR_EVENTS.items():
        reply = emit(sock, event, payload(ids))
        assert reply["ok"] is False and reply["error"]["code"] == "forbidden", (event, reply)
        if who in ("anonymous", "resident"):  # not signed in: whatever the payload says
            reply = emit(sock, event, {"nonsense": True})
            assert reply["ok"] is False and reply["error"]["code"] == "forbidden", (event, reply)
    assert version(meeting) == before


def test_a_revoked_role_takes_effect_without_reconnecting(chair, meeting):
    assert emit(chair, "set_item", {"item_id": meeting.item.id})["ok"]
    Membership.query.filter_by(user_id=chair.user.id).delete()
    db.session.commit()
    assert emit(chair, "set_item", {"item_id": None})["error"]["code"] == "forbidden"


def test_a_revoked_api_token_stops_its_open_socket_acting(app, connect, meeting):
    from app.accounts.services import revoke_user_tokens

    clerk = make_user(role="clerk", body=meeting.body)
    token = make_token(clerk)
    db.session.commit()
    kiosk = connect(api_token=token)
    assert emit(kiosk, "set_item", {"item_id": meeting.item.id})["ok"]
    revoke_user_tokens(clerk, now=utcnow())
    db.session.commit()
    before = version(meeting)
    reply = emit(kiosk, "set_item", {"item_id": None})
    assert reply["error"]["code"] == "signed_out" and version(meeting) == before
    fresh = make_token(clerk)
    db.session.commit()
    assert emit(connect(api_token=fresh), "set_item", {"item_id": None})["ok"]  # a new token works


def test_signing_out_stops_the_consoles_the_account_opened(app, connect, chair, meeting, staff):
    from tests.conftest import csrf_from

    assert emit(chair, "set_item", {"item_id": meeting.item.id})["ok"]
    stolen = staff.client.get_cookie("session").value
    token = csrf_from(staff.client.get(f"/staff/meetings/{meeting.id}/live").text)
    assert staff.client.post("/logout", data={"csrf_token": token}).status_code == 302
    before = version(meeting)
    reply = emit(chair, "set_item", {"item_id": None})
    assert reply["error"]["code"] == "signed_out" and version(meeting) == before
    # A copy of the session's cookie taken before signing out is signed out too.
    assert staff.client.get(f"/staff/meetings/{meeting.id}/live").status_code == 302
    staff.client.set_cookie("session", stolen)
    assert staff.client.get(f"/staff/meetings/{meeting.id}/live").status_code == 302
    assert emit(connect(flask_client=staff.client), "set_item", {"item_id": None})["error"]["code"] == "forbidden"
    # Signed in again, a console opened since acts as before.
    staff.login(chair.user)
    assert emit(connect(flask_client=staff.client), "set_item", {"item_id": None})["ok"]


def test_deactivating_an_account_forbids_its_open_consoles(app, connect, chair, meeting):
    """Both kinds of console: the chair's page (session) and a kiosk (API token)."""
    from app.accounts.services import deactivate_user

    clerk = make_user(role="clerk", body=meeting.body)
    token = make_token(clerk)
    db.session.commit()
    kiosk = connect(api_token=token)
    assert emit(chair, "set_item", {"item_id": meeting.item.id})["ok"]
    assert emit(kiosk, "add_in_person", {"item_id": None, "display_name": "Card"})["ok"]
    for user in (chair.user, clerk):
        deactivate_user(user, now=utcnow())  # as `flask users deactivate` does
    db.session.commit()
    before = version(meeting)
    for sock, event, payload in ((chair, "set_item", {"item_id": None}),
                                 (kiosk, "add_in_person", {"item_id": None, "display_name": "Card 2"})):
        reply = emit(sock, event, payload)
        assert reply["error"] == {"code": "forbidden", "message": "This account has been deactivated."}, reply
    assert version(meeting) == before


MALFORMED = [
    ("join_queue", "not an object"),
    ("join_queue", {"item_id": "1"}),
    ("join_queue", {"item_id": True}),
    ("join_queue", {"item_id": None, "display_name": "x" * 61}),
    ("join_queue", {"item_id": None, "display_name": 5}),
    ("join_queue", {"item_id": None, "stance": "angry"}),
    ("join_queue", {"item_id": None, "interpreter": "yes"}),
    ("join_queue", {"item_id": None, "extra": 1}),
    ("leave_queue", {"token": 5}),
    ("seen_call", {"token": ""}),
    ("seen_call", {"entry_id": 1}),
    ("seen_call", "seen"),
    ("resume", {}),
    ("resume", {"token": ""}),
    ("sync", {"x": 1}),
    ("set_item", {}),
    ("set_item", {"item_id": -1}),
    ("open_comment", {"item_id": None, "seconds_per_speaker": "120"}),
    ("open_comment", {"item_id": None, "seconds_per_speaker": 5}),
    ("open_comment", [1, 2]),
    ("close_comment", {"now": True}),
    ("set_speaker_time", {"seconds": 0}),
    ("add_in_person", {"item_id": None, "stance": 3}),
    ("add_in_person", {"item_id": None, "channel": "phone"}),
    ("call_next", "go"),
    ("call_next", {"current_speaker": "3"}),
    ("call_next", {"current_speaker": 0}),
    ("recall", {"entry_id": None}),
    ("skip", {"entry_id": 1.5}),
    ("remove", {"entry_id": 1}),
    ("remove", {"entry_id": 1, "reason": "   "}),
    ("remove", {"entry_id": 1, "reason": "Threats", "threat": "yes"}),
    ("withdraw_card", {"entry_id": 1}),
    ("withdraw_card", {"entry_id": 1, "reason": " "}),
    ("withdraw_card", {"entry_id": "1", "reason": "Entered twice"}),
    ("withdraw_card", {"entry_id": 1, "reason": "Entered twice", "threat": True}),
    ("correct_card", {"entry_id": 1}),  # nothing to correct
    ("correct_card", {"display_name": "No entry"}),
    ("correct_card", {"entry_id": "1", "display_name": "Pat"}),
    ("correct_card", {"entry_id": 1, "stance": "against"}),
    ("correct_card", {"entry_id": 1, "interpreter": None}),
    ("correct_card", {"entry_id": 1, "item_id": 0}),
    ("correct_card", {"entry_id": 1, "display_name": "z" * 61}),
    ("correct_card", {"entry_id": 1, "channel": "remote"}),
    ("correct_card", {"entry_id": 1, "reason": "Typo"}),
    ("warn", {"entry_id": 1}),
    ("warn", {"entry_id": 1, "reason": " \u200b "}),
    ("warn", {"entry_id": "1", "reason": "Shouting"}),
    ("reinstate", {"entry_id": 1}),
    ("reinstate", {"entry_id": 1, "reason": " \u200b "}),
    ("reinstate", {"entry_id": "1", "reason": "Removed by mistake"}),
    ("reinstate", {"entry_id": 1, "reason": "Removed by mistake", "threat": False}),
    ("hide_name", {"entry_id": 1}),
    ("hide_name", {"entry_id": 1, "reason": " \u200b "}),
    ("hide_name", {"entry_id": "1", "reason": "Offensive name"}),
    ("hide_name", {"entry_id": 1, "reason": "Offensive name", "display_name": "Nice"}),
    ("timer", {"action": "rewind"}),
    ("timer", {"action": "extend"}),
    ("timer", {"action": "start", "seconds": 10}),
    ("timer", {"action": "start", "allotted": 120}),
    ("timer", {"action": "extend", "seconds": 30, "allotted": "120"}),
    ("timer", {"action": "extend", "seconds": 30, "allotted": 0}),
]


def test_two_consoles_calling_next_together_call_one_speaker(connect, chair, meeting):
    """Both consoles saw nobody speaking; the second call would have ended the turn of
    the speaker the first one had just called."""
    token = make_token(make_user(role="chair", body=meeting.body))
    db.session.commit()
    second = connect(api_token=token)
    assert emit(chair, "open_comment", {"item_id": meeting.item.id})["ok"]
    residents = [emit(connect(), "join_queue", {"item_id": meeting.item.id})["entry"]["entry_id"] for _ in range(2)]
    first = emit(chair, "call_next", {"current_speaker": None})
    assert first["ok"] and first["entry_id"] == residents[0]
    before = version(meeting)
    late = emit(second, "call_next", {"current_speaker": None})
    assert late["ok"] is False and late["error"]["code"] == "speaker_changed"
    assert version(meeting) == before
    # Pressed again knowing who speaks now, it moves on.
    again = emit(second, "call_next", {"current_speaker": residents[0]})
    assert again["ok"] and again["entry_id"] == residents[1]


def test_call_next_after_the_speaker_ended_their_own_turn_calls_the_next(connect, chair, meeting):
    """The chair pressed Call next as the speaker ended their turn: nobody else was
    called, so there is nothing to refuse; the next in line is called as meant."""
    assert emit(chair, "open_comment", {"item_id": meeting.item.id})["ok"]
    speaker, waiting = connect(), connect()
    spoke = emit(speaker, "join_queue", {"item_id": meeting.item.id})["entry"]
    following = emit(waiting, "join_queue", {"item_id": meeting.item.id})["entry"]
    assert emit(chair, "call_next")["entry_id"] == spoke["entry_id"]
    assert emit(speaker, "leave_queue", {"token": spoke["token"]})["ok"]  # "End my turn"
    crossed = emit(chair, "call_next", {"current_speaker": spoke["entry_id"]})
    assert crossed["ok"] and crossed["entry_id"] == following["entry_id"]


def test_a_timer_action_for_a_speaker_no_longer_speaking_is_refused(connect, chair, meeting):
    """A Stop confirmed on one console while another called next ends nobody's turn: it
    was for the speaker that console showed."""
    assert emit(chair, "open_comment", {"item_id": meeting.item.id})["ok"]
    residents = [emit(connect(), "join_queue", {"item_id": meeting.item.id})["entry"]["entry_id"] for _ in range(2)]
    emit(chair, "call_next")
    emit(chair, "call_next")  # another console's call: the second resident speaks now
    before = version(meeting)
    late = emit(chair, "timer", {"action": "stop", "current_speaker": residents[0]})
    assert late["ok"] is False and late["error"]["code"] == "speaker_changed" and version(meeting) == before
    assert emit(chair, "timer", {"action": "stop", "current_speaker": None})["error"]["code"] == "invalid"
    assert emit(chair, "timer", {"action": "stop", "current_speaker": residents[1]})["ok"]


def test_two_consoles_adding_time_together_add_it_once(connect, chair, meeting):
    """The chair and the clerk both press "Add 30 seconds" for one request: the second
    press, sent for the time its console showed before the first, is refused."""
    token = make_token(make_user(role="clerk", body=meeting.body))
    db.session.commit()
    second = connect(api_token=token)
    assert emit(chair, "open_comment", {"item_id": meeting.item.id})["ok"]
    emit(connect(), "join_queue", {"item_id": meeting.item.id})
    assert emit(chair, "call_next")["ok"]
    allotted = emit(chair, "sync")["state"]["speaker"]["allotted_seconds"]
    assert emit(chair, "timer", {"action": "extend", "seconds": 30, "allotted": allotted})["ok"]
    before = version(meeting)
    late = emit(second, "timer", {"action": "extend", "seconds": 30, "allotted": allotted})
    assert late["ok"] is False and late["error"]["code"] == "time_changed"
    assert version(meeting) == before
    assert emit(second, "sync")["state"]["speaker"]["allotted_seconds"] == allotted + 30
    # Sent for the time it shows now (or with no expectation, as API users may), it adds.
    assert emit(second, "timer", {"action": "extend", "seconds": 30, "allotted": allotted + 30})["ok"]
    assert emit(second, "timer", {"action": "extend", "seconds": 30})["ok"]
    assert emit(chair, "sync")["state"]["speaker"]["allotted_seconds"] == allotted + 90


def test_removal_without_a_warning_is_refused_and_changes_nothing(connect, chair, meeting):
    resident = connect()
    entry_id = emit(resident, "join_queue", {"item_id": meeting.item.id})["entry"]["entry_id"]
    before = version(meeting)
    reply = emit(chair, "remove", {"entry_id": entry_id, "reason": "Shouting"})
    assert reply["ok"] is False and reply["error"]["code"] == "warning_required"
    assert "54957.95" in reply["error"]["message"] and version(meeting) == before
    assert emit(chair, "warn", {"entry_id": entry_id, "reason": "Shouting"})["ok"]
    assert emit(resident, "sync")["state"]["queue"][0]["warned"] is True
    assert emit(chair, "remove", {"entry_id": entry_id, "reason": "Kept shouting"})["ok"]


def test_joins_from_one_address_are_limited_across_connections(app, connect, meeting):
    from app.live.sockets import Connection, _give_back_join, _take_join_from_address

    app.config["LIVE_JOINS_PER_ADDRESS"] = "2 per minute"
    item = {"item_id": meeting.item.id}

    def resident():  # Flask's test client connects from 127.0.0.1
        return connect(flask_client=app.test_client())

    first = resident()
    assert emit(first, "join_queue", item)["ok"]
    # Joins refused for another reason (already in line, an unknown item) use up nothing.
    for _ in range(3):
        assert emit(first, "join_queue", item)["error"]["code"] == "already_queued"
        assert emit(resident(), "join_queue", {"item_id": 10**6})["error"]["code"] == "not_found"
    # A join still on its way through a batch (here, on another process) has taken its
    # place already: a burst from one address cannot all pass before any is counted.
    here = Connection(meeting_id=meeting.id, body_id=meeting.body_id, address="127.0.0.1")
    with app.app_context():
        on_its_way = _take_join_from_address(here)
    reply = emit(resident(), "join_queue", item)
    assert reply["ok"] is False and reply["error"]["code"] == "rate_limited"
    with app.app_context():
        _give_back_join(here, on_its_way)  # it did not go in
    assert emit(resident(), "join_queue", item)["ok"]
    before = version(meeting)
    reply = emit(resident(), "join_queue", item)  # a third connection, same address
    assert reply["ok"] is False and reply["error"]["code"] == "rate_limited" and version(meeting) == before
    # Other addresses, and the same address in another meeting, keep their own count.
    with app.app_context():
        for elsewhere in (Connection(meeting_id=meeting.id, body_id=meeting.body_id, address="192.0.2.7"),
                          Connection(meeting_id=10**6, body_id=meeting.body_id, address="127.0.0.1")):
            assert _take_join_from_address(elsewhere)


def test_a_limit_store_failing_half_way_lets_the_join_through_and_keeps_no_count(app, meeting, monkeypatch):
    from app.extensions import limiter
    from app.live.sockets import Connection, _join_key, _join_limits, _take_join_from_address

    app.config["LIVE_JOINS_PER_ADDRESS"] = "5 per minute; 50 per hour"
    here = Connection(meeting_id=meeting.id, body_id=meeting.body_id, address="192.0.2.9")
    strategy, hit = limiter.limiter, limiter.limiter.hit
    calls = []

    def second_fails(limit, *identifiers, **options):
        calls.append(limit)
        if len(calls) == 2:
            raise ConnectionError("the limit store went away")
        return hit(limit, *identifiers, **options)

    monkeypatch.setattr(strategy, "hit", second_fails)
    with app.app_context():
        assert _take_join_from_address(here) == []  # let through, nothing to give back later
        first = _join_limits(here)[0]
        assert strategy.storage.get(first.key_for(*_join_key(here))) == 0  # the first hit was given back


def test_malformed_payloads_are_invalid_and_change_nothing(app, chair, meeting):
    app.config["LIVE_EVENT_BURST"] = len(MALFORMED)
    before = version(meeting)
    for event, payload in MALFORMED:
        reply = emit(chair, event, payload)
        assert reply["ok"] is False and reply["error"]["code"] == "invalid", (event, payload, reply)
    assert version(meeting) == before


def test_a_time_out_of_range_says_the_range(chair, meeting):
    emit(chair, "open_comment", {"item_id": None})
    for event, payload, said in (("set_speaker_time", {"seconds": 100000}, "from 10 to 3600"),
                                 ("set_speaker_time", {"seconds": -1}, "from 10 to 3600"),
                                 ("timer", {"action": "extend", "seconds": 601}, "from 1 to 600"),
                                 ("open_comment", {"item_id": None, "period_seconds": 5}, "from 60 to 21600")):
        refused = emit(chair, event, payload)["error"]
        assert refused["code"] == "invalid" and said in refused["message"], (event, payload, refused)


def test_refused_actions_report_their_code_and_change_nothing(chair, connect, meeting):
    assert emit(chair, "call_next")["error"]["code"] == "invalid_state"
    assert emit(chair, "skip", {"entry_id": 999})["error"]["code"] == "not_found"
    assert emit(chair, "open_comment", {"item_id": 999})["error"]["code"] == "not_found"
    assert version(meeting) == 0


def test_unknown_events_oversized_events_and_floods_are_refused(app, connect, meeting):
    sock = connect()
    assert emit(sock, "drop_tables", {})["error"]["code"] == "unknown_event"
    huge = {"item_id": None, "display_name": "x" * 5000}
    assert emit(sock, "join_queue", huge)["error"]["code"] == "too_large"
    assert sock.emit("sync", 1, 2, namespace=NS, callback=True)["error"]["code"] == "invalid"
    # The connection's own events, sent by a client as events, are unknown ones: they
    # neither connect it again nor make the server forget it.
    for reserved in ("connect", "disconnect"):
        assert emit(sock, reserved, {"meeting": meeting.id})["error"]["code"] == "unknown_event"
    assert emit(sock, "sync")["ok"]
    app.config.update(LIVE_EVENT_BURST=3, LIVE_EVENTS_PER_SECOND=0.001)
    flooder = connect()
    codes = [emit(flooder, "sync").get("error", {}).get("code") for _ in range(5)]
    assert codes == [None, None, None, "rate_limited", "rate_limited"]
    assert version(meeting) == 0


def test_a_connection_that_keeps_flooding_is_cut_off_and_its_address_kept_out(app, connect, meeting):
    """Refused events still cost the server their reading and answering: a dozen sockets
    flooding refused events starved the chair. A flood is disconnected, and anonymous
    connections from its address are refused for a while; staff are not."""
    app.config.update(LIVE_EVENT_BURST=3, LIVE_EVENTS_PER_SECOND=0.001, LIVE_FLOOD_REFUSALS=5)

    def resident():  # Flask's test client connects from 127.0.0.1
        return connect(flask_client=app.test_client())

    flooder = resident()
    codes = [emit(flooder, "sync").get("error", {}).get("code") for _ in range(7)]
    assert codes == [None, None, None] + ["rate_limited"] * 4 and flooder.is_connected(NS)
    assert emit(flooder, "sync")["error"]["message"].startswith("Too many events, sent too fast")
    assert not flooder.is_connected(NS)
    assert not resident().is_connected(NS)
    clerk = make_user(role="clerk", body=meeting.body)
    token = make_token(clerk)
    db.session.commit()
    console = connect(flask_client=app.test_client(), api_token=token)
    assert console.is_connected(NS) and emit(console, "sync")["ok"], "staff on the same address are not kept out"
    limiter.reset()
    assert resident().is_connected(NS), "once the ban has passed, residents may connect again"


def test_a_flood_of_unknown_events_is_cut_off_too(app, connect, meeting):
    app.config.update(LIVE_EVENT_BURST=1, LIVE_EVENTS_PER_SECOND=0.001, LIVE_FLOOD_REFUSALS=3)
    flooder = connect()
    codes = [emit(flooder, "drop_tables").get("error", {}).get("code") for _ in range(4)]
    assert codes == ["unknown_event", "rate_limited", "rate_limited", "rate_limited"]
    assert not flooder.is_connected(NS)


def test_a_page_that_only_sometimes_goes_too_fast_stays_connected(app, connect, meeting):
    app.config.update(LIVE_EVENT_BURST=2, LIVE_EVENTS_PER_SECOND=0.001, LIVE_FLOOD_REFUSALS=50)
    sock = connect()
    codes = [emit(sock, "sync").get("error", {}).get("code") for _ in range(10)]
    assert codes.count("rate_limited") == 8 and sock.is_connected(NS)


def test_the_size_limit_counts_bytes_as_sent_not_escapes(connect, chair, meeting):
    """A reason in Cyrillic within the length limit fits: it is not six bytes a letter."""
    emit(chair, "open_comment", {"item_id": None})
    entry = emit(chair, "add_in_person", {"item_id": None, "display_name": "Card"})["entry"]
    reason = ("Перебивает выступающих и кричит " * 20)[:480]
    assert emit(chair, "warn", {"entry_id": entry["entry_id"], "reason": reason})["ok"]
    assert emit(chair, "warn", {"entry_id": entry["entry_id"], "reason": "Ж" * 1100})["error"]["code"] \
        == "too_large"


@pytest.mark.parametrize("data", ['["sync",{', '["sync" "x"]', "[" * 30000 + "]" * 30000, '{"a":1',
                                  "[]", '{"a":1}', '[{"x":1}]', "[7]", '"sync"'])
def test_a_frame_whose_data_is_not_json_is_answered_invalid(caplog, connect, meeting, data):
    """Written by hand, not by a Socket.IO client: cut short, malformed, nested too deep
    for the decoder (64 KB of brackets), or JSON that is not [name, payload...]. The
    sender is answered; no traceback."""
    sock = connect()
    sock.socketio.server._handle_eio_message(sock.eio_sid, f"2{NS},7{data}")  # an EVENT with ack id 7
    assert sock.acks["args"][0]["error"]["code"] == "invalid"
    sock.acks = None
    assert emit(sock, "sync")["ok"] and version(meeting) == 0
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.parametrize("frame", [f"4{NS},5{{}}", f"9{NS},5[]", "x", f"2{NS},{'1' * 120}[\"sync\"]",
                                   f"5{NS},5[\"sync\"]", f"6{NS},5[]", b"2" + NS.encode() + b',5["sync"]'])
def test_a_packet_no_client_sends_is_dropped_without_a_traceback(caplog, connect, meeting, frame):
    """A CONNECT_ERROR (only servers send those), a type that does not exist, one that
    does not parse, a binary packet with no attachments, bytes where text belongs:
    nothing answered, nothing logged as an error, and the connection goes on (a binary
    packet with no attachments must not take the next packets for its attachments)."""
    sock = connect()
    sock.socketio.server._handle_eio_message(sock.eio_sid, frame)
    assert sock.acks is None  # no answer, to any ack id
    for _ in range(2):
        assert emit(sock, "sync")["ok"] and version(meeting) == 0
    assert not [r for r in caplog.records if r.exc_info]


def test_unknown_and_malformed_events_count_against_the_allowance(app, connect, meeting):
    app.config.update(LIVE_EVENT_BURST=3, LIVE_EVENTS_PER_SECOND=0.001)
    sock = connect()
    codes = [emit(sock, "drop_tables").get("error", {}).get("code") for _ in range(2)]
    sock.socketio.server._handle_eio_message(sock.eio_sid, f"2{NS},7[]")
    codes.append(sock.acks["args"][0]["error"]["code"])
    codes.append(emit(sock, "sync").get("error", {}).get("code"))
    assert codes == ["unknown_event", "unknown_event", "invalid", "rate_limited"]


@pytest.mark.parametrize("name, code", [
    ("Speaker 1", "name_reserved"),  # passes for someone's place
    ("Mayor Smith (verified)", "name_claims_verified"),
    ("\u0421hair", "name_mixes_scripts"),  # a Cyrillic С
])
def test_a_name_that_passes_for_something_else_is_refused_and_changes_nothing(connect, meeting, name, code):
    reply = emit(connect(), "join_queue", {"item_id": None, "display_name": name})
    assert reply["ok"] is False and reply["error"]["code"] == code
    assert version(meeting) == 0


def test_a_full_queue_refuses_new_speakers(app, connect, meeting):
    app.config["LIVE_QUEUE_CAP"] = 1
    assert emit(connect(), "join_queue", {"item_id": None})["ok"]
    assert emit(connect(), "join_queue", {"item_id": None})["error"]["code"] == "queue_full"


def test_drafts_are_hidden_and_only_live_meetings_have_a_queue(app, connect, staff):
    draft = make_meeting(status=MeetingStatus.DRAFT)
    closed = make_meeting(status=MeetingStatus.ADJOURNED)
    clerk = make_user(role="clerk", body=draft.body)
    db.session.commit()
    assert not connect(meeting=draft.id).is_connected(NS)
    staff.login(clerk)
    reply = emit(connect(flask_client=staff.client, meeting=draft.id), "join_queue", {"item_id": None})
    assert reply["error"]["code"] == "invalid_state"
    reply = emit(connect(meeting=closed.id), "join_queue", {"item_id": None})
    assert reply["error"]["code"] == "invalid_state"


def test_a_batch_answers_each_change_and_leaves_out_only_the_refused_ones(app, meeting):
    """Changes that arrive together are applied in one transaction; one that is refused
    half-way (here a removal that fails after the lock) is answered alone and the
    others are applied again without it."""
    from app.live.sockets import NAMESPACE, Change, Connection

    namespace = socketio.server.namespace_handlers[NAMESPACE]
    chair = make_user(role="chair", body=meeting.body)
    db.session.commit()
    item_id = meeting.item.id
    resident = Connection(meeting_id=meeting.id, body_id=meeting.body_id)
    staff = Connection(meeting_id=meeting.id, body_id=meeting.body_id, user_id=chair.id)
    speaker = {"item_id": item_id, "display_name": None, "stance": None, "interpreter": False}
    outcomes = namespace._run_batch(meeting.id, [
        Change("open_comment", staff, "live.moderate", {"item_id": item_id, "seconds_per_speaker": None,
                                                        "period_seconds": None}),
        Change("join_queue", resident, None, speaker),
        Change("remove", staff, "live.moderate", {"entry_id": 10**6, "reason": "Gone", "threat": False}),
        Change("join_queue", resident, None, speaker),  # same connection, same token: refused
        Change("call_next", resident, "live.moderate", {}),  # a resident may not
        Change("call_next", staff, "live.moderate", {}),
        # Started in the same batch: the speaker just called is seen by the next change.
        Change("timer", staff, "live.moderate", {"action": "start", "seconds": None, "allotted": None}),
    ])
    acks = [ack for ack, error in outcomes]
    assert all(error is None for _, error in outcomes)
    assert [a["ok"] or a["error"]["code"] for a in acks] == [True, True, "not_found", "already_queued",
                                                             "forbidden", True, True]
    # Acknowledgements describe the state at the batch's version: the resident who
    # joined was already called by the end of it, so has no place in the queue.
    assert acks[5]["entry_id"] == acks[1]["entry"]["entry_id"] and acks[1]["entry"]["position"] is None
    assert acks[1]["entry"]["status"] == "speaking"  # not "waiting" at a version that calls them
    assert {acks[i]["version"] for i in (0, 1, 5, 6)} == {4} == {version(meeting)}


def test_a_failure_inside_joins_made_together_is_answered_to_its_own_join_only(app, meeting, monkeypatch):
    """Joins of one batch go to the database together, so a failure there (not a rule
    refusing one of them) cannot be pinned on one: each is tried again alone, and only
    the one that fails is answered `server_error`."""
    from app.live import services as live
    from app.live.sockets import NAMESPACE, Change, Connection

    namespace = socketio.server.namespace_handlers[NAMESPACE]
    join_many = live.join_many

    def failing_for_one(meeting, requests, **kwargs):
        if any(request.display_name == "Breaks" for request in requests):
            raise RuntimeError("a failure this join alone brings")
        return join_many(meeting, requests, **kwargs)

    monkeypatch.setattr(live, "join_many", failing_for_one)
    speaker = {"item_id": meeting.item.id, "stance": None, "interpreter": False}
    outcomes = namespace._run_batch(meeting.id, [
        Change("join_queue", Connection(meeting_id=meeting.id, body_id=meeting.body_id), None,
               {**speaker, "display_name": name}) for name in ("Ana", "Bo", "Breaks", "Cy")])
    assert [ack["ok"] or ack["error"]["code"] for ack, _ in outcomes] == [True, True, "server_error", True]
    assert [entry["display_name"] for entry in live.public_state(meeting, now=utcnow())["queue"]] == [
        "Ana", "Bo", "Cy"]


def test_changes_made_by_another_process_are_caught_up(app, connect, meeting):
    """Without a message queue a change committed elsewhere (the worker's remote-access
    watcher) reaches this process's clients at its next catch-up."""
    from app.live.sockets import APP_KEY

    broadcaster = app.extensions[APP_KEY]
    display = connect()
    assert [s["version"] for s in states(display)] == [0]
    broadcaster.catch_up()  # the room's first send: what its clients already hold
    states(display)
    assert broadcaster.catch_up() == []  # nothing moved
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(state_version=7))
    db.session.commit()
    assert broadcaster.catch_up() == [meeting.id]
    [state] = states(display)
    assert state["version"] == 7 and state["previous_version"] == 0
    assert broadcaster.catch_up() == []  # sent once


def test_a_change_made_elsewhere_reaches_the_room_though_a_client_that_connected_since_has_it(
        app, connect, meeting):
    from app.live.sockets import APP_KEY

    broadcaster = app.extensions[APP_KEY]
    display = connect()
    broadcaster.catch_up()
    states(display)
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(state_version=7))
    db.session.commit()
    late = connect()  # a resident opens their page before the next catch-up
    assert [s["version"] for s in states(late)] == [7]
    assert broadcaster.catch_up() == [meeting.id]
    assert [s["version"] for s in states(display)] == [7]


def test_catching_up_runs_only_without_a_message_queue(app):
    from app.live.sockets import APP_KEY

    broadcaster = app.extensions[APP_KEY]
    started = []
    broadcaster.socketio = type("FakeSocketIO", (), {"start_background_task": lambda self, *a: started.append(a)})()
    app.config.update(LIVE_CATCH_UP_SECONDS=2, REDIS_URL="redis://127.0.0.1:6379/15")
    broadcaster.start_catching_up(app)
    assert started == []
    app.config.update(REDIS_URL=None)
    broadcaster.start_catching_up(app)
    broadcaster.start_catching_up(app)  # once per process
    assert len(started) == 1

"""Proceedings and minutes API: the contract, every guard refusal, and bad input that changes nothing."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.compliance.models import ComplianceEntry
from app.core.time import utcnow
from app.extensions import db
from app.meetings.models import MeetingStatus
from tests.factories import make_body, make_item, make_meeting
from tests.minutes.helpers import (act, all_present, attend, comment_period, fingerprint, move, tags,
                                   vote)

AYES = "aye"


def in_session(client, auth, meeting, members):
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    all_present(client, auth, meeting, members)


# ---------------------------------------------------------------- lifecycle

def test_lifecycle_drives_the_meeting_status_and_the_log(client, auth, meeting):
    version = meeting.state_version
    for action, status in (("call_to_order", "in_progress"), ("recess", "recessed"),
                           ("reconvene", "in_progress"), ("adjourn", "adjourned")):
        response = act(client, auth, meeting, action)
        assert response.status_code == 200, response.text
        assert response.json["status"] == status
        assert response.json["state_version"] > version
        version = response.json["state_version"]
    assert [e["kind"] for e in response.json["events"]] == ["call_to_order", "recess", "reconvene", "adjourn"]
    assert tags(meeting).count("proceedings:changed") == 4


@pytest.mark.parametrize("steps, action", [
    ([], "recess"), ([], "reconvene"), ([], "adjourn"), ([], "remote_access_down"),
    (["call_to_order"], "call_to_order"), (["call_to_order"], "reconvene"),
    (["call_to_order"], "remote_access_restored"), (["call_to_order", "adjourn"], "call_to_order"),
    (["call_to_order", "remote_access_down"], "remote_access_down"),
])
def test_out_of_order_actions_are_refused_and_change_nothing(client, auth, meeting, steps, action):
    for step in steps:
        assert act(client, auth, meeting, step).status_code == 200
    before = fingerprint(meeting.id)
    response = act(client, auth, meeting, action)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "invalid_state"
    assert fingerprint(meeting.id) == before


def test_a_refusal_names_the_meeting_as_it_is(client, auth, meeting):
    for step in ("call_to_order", "adjourn"):
        assert act(client, auth, meeting, step).status_code == 200
    assert act(client, auth, meeting, "adjourn").json["error"]["message"] == "An adjourned meeting cannot adjourn."


def test_a_draft_meeting_cannot_be_called_to_order(client, auth, body):
    draft = make_meeting(body)
    db.session.commit()
    assert act(client, auth, draft, "call_to_order").status_code == 409


def test_remote_access_down_and_restored_are_logged(client, auth, meeting):
    act(client, auth, meeting, "call_to_order")
    down = act(client, auth, meeting, "remote_access_down", note="Webinar stream failed")
    assert down.status_code == 200 and down.json["remote_access_down"] is True
    up = act(client, auth, meeting, "remote_access_restored")
    assert up.json["remote_access_down"] is False
    assert tags(meeting)[-2:] == ["remote_access:down", "remote_access:restored"]


@pytest.mark.parametrize("data, content_type, status, code", [
    ("{not json", "application/json", 400, "bad_request"),
    ("[]", "application/json", 422, "invalid"),
    ('{"action": "party"}', "application/json", 422, "invalid"),
    ('{"action": 3}', "application/json", 422, "invalid"),
    ('{}', "application/json", 422, "invalid"),
    ('{"action": "recess", "extra": 1}', "application/json", 422, "invalid"),
    ("action=recess", "application/x-www-form-urlencoded", 400, "bad_request"),
])
def test_bad_proceedings_input(client, auth, meeting, data, content_type, status, code):
    before = fingerprint(meeting.id)
    response = client.post(f"/api/v1/meetings/{meeting.id}/proceedings", data=data,
                           content_type=content_type, headers=auth)
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
    assert fingerprint(meeting.id) == before


def test_unknown_meeting_is_404(client, auth):
    assert client.post("/api/v1/meetings/999999/proceedings", json={"action": "recess"},
                       headers=auth).status_code == 404


def test_anonymous_is_401_and_other_roles_403(client, staff, body, meeting, members, item):
    before = fingerprint(meeting.id)
    assert act(client, {}, meeting, "call_to_order").status_code == 401
    chair = staff.token_headers(staff.user("chair", body=body))
    other_clerk = staff.token_headers(staff.user("clerk"))
    for headers in (chair, other_clerk):
        assert act(client, headers, meeting, "call_to_order").status_code == 403
        assert attend(client, headers, meeting, members[0]).status_code == 403
        assert client.post(f"/api/v1/meetings/{meeting.id}/motions", headers=headers, json={
            "item_id": item.id, "text": "x", "mover_id": members[0].id}).status_code == 403
        assert client.post(f"/api/v1/meetings/{meeting.id}/minutes/revisions", headers=headers,
                           json={"html": "<p>x</p>"}).status_code == 403
    assert fingerprint(meeting.id) == before


def test_cookie_sessions_need_the_csrf_token(client, staff, clerk, meeting):
    staff.login(clerk)
    response = client.post(f"/api/v1/meetings/{meeting.id}/proceedings", json={"action": "call_to_order"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf_failed"


# ---------------------------------------------------------------- attendance

def test_roll_call_and_quorum(client, auth, meeting, members):
    act(client, auth, meeting, "call_to_order")
    first = attend(client, auth, meeting, members[0])
    assert first.status_code == 200
    assert first.json["quorum"] == {"seats": 5, "needed": 3, "present": 1, "present_remote": 0,
                                    "has_quorum": False}
    attend(client, auth, meeting, members[1])
    third = attend(client, auth, meeting, members[2], mode="remote", remote_basis="Just cause: childcare")
    assert third.json["quorum"]["has_quorum"] is True
    assert third.json["quorum"]["present_remote"] == 1
    assert third.json["remote_basis"] == "Just cause: childcare"
    assert tags(meeting).count("attendance:recorded") == 3


def test_same_answer_twice_changes_nothing(client, auth, meeting, members):
    act(client, auth, meeting, "call_to_order")
    attend(client, auth, meeting, members[0])
    before = fingerprint(meeting.id)
    again = attend(client, auth, meeting, members[0])
    assert again.status_code == 200 and again.json["changed"] is False
    assert fingerprint(meeting.id) == before


def test_departure_and_late_arrival_times(client, auth, meeting, members):
    act(client, auth, meeting, "call_to_order")
    arrived = attend(client, auth, meeting, members[0])
    assert arrived.json["arrived_at"] and arrived.json["left_at"] is None
    left = attend(client, auth, meeting, members[0], status="absent")
    assert left.json["left_at"] is not None and left.json["arrived_at"] == arrived.json["arrived_at"]


def test_a_member_recorded_present_by_mistake_never_arrived_or_left(client, auth, meeting, members):
    act(client, auth, meeting, "call_to_order")
    all_present(client, auth, meeting, members[:2])
    attend(client, auth, meeting, members[2])  # the wrong row
    corrected = attend(client, auth, meeting, members[2], status="absent", correction=True)
    assert corrected.status_code == 200 and corrected.json["status"] == "absent"
    assert corrected.json["arrived_at"] is None and corrected.json["left_at"] is None
    attend(client, auth, meeting, members[1], status="absent")  # one who did leave
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert "left at" not in draft and f"{members[1].name}: present until" in draft
    assert f"{members[2].name}: absent</li>" in draft
    # The log keeps both entries, the second marked as a correction.
    mine = [e.data for e in db.session.scalars(sa.select(ComplianceEntry).order_by(ComplianceEntry.seq))
            if e.tag == "attendance:recorded" and e.data["member_id"] == members[2].id]
    assert [p["status"] for p in mine] == ["present", "absent"] and mine[1]["correction"] is True


@pytest.mark.parametrize("first, payload", [
    (None, {"status": "absent", "correction": True}),          # never recorded
    ("absent", {"status": "absent", "correction": True}),      # already absent
    ("present", {"status": "present", "correction": True}),    # a correction is to absent
    ("present", {"status": "absent", "correction": "yes"}),
])
def test_a_correction_only_of_a_member_recorded_present(client, auth, meeting, members, first, payload):
    act(client, auth, meeting, "call_to_order")
    if first:
        attend(client, auth, meeting, members[0], status=first)
    before = fingerprint(meeting.id)
    response = client.put(f"/api/v1/meetings/{meeting.id}/attendance/{members[0].id}", json=payload,
                          headers=auth)
    assert response.status_code == 422 and "correction" in response.json["error"]["message"]
    assert fingerprint(meeting.id) == before


def test_california_asks_for_the_ground_of_remote_attendance(client, auth, meeting, members):
    act(client, auth, meeting, "call_to_order")
    before = fingerprint(meeting.id)
    response = attend(client, auth, meeting, members[0], mode="remote")
    assert response.status_code == 422 and "remote_basis" in response.json["error"]["message"]
    assert fingerprint(meeting.id) == before


@pytest.mark.parametrize("payload, status", [
    ({"status": "here"}, 422), ({"status": "present", "mode": "zoom"}, 422), ({"status": True}, 422),
    ({}, 422), ({"status": "present", "remote_basis": 5}, 422), ({"status": "present", "x": 1}, 422),
])
def test_bad_attendance_input(client, auth, meeting, members, payload, status):
    act(client, auth, meeting, "call_to_order")
    before = fingerprint(meeting.id)
    response = client.put(f"/api/v1/meetings/{meeting.id}/attendance/{members[0].id}", json=payload,
                          headers=auth)
    assert response.status_code == status
    assert fingerprint(meeting.id) == before


def test_attendance_needs_a_member_of_the_body_and_a_sitting_meeting(client, auth, meeting, members):
    stranger = make_body().members[0]
    db.session.commit()
    assert attend(client, auth, meeting, members[0]).status_code == 409  # not called to order yet
    act(client, auth, meeting, "call_to_order")
    assert attend(client, auth, meeting, stranger).status_code == 404
    assert client.put(f"/api/v1/meetings/{meeting.id}/attendance/99999999", json={"status": "present"},
                      headers=auth).status_code == 404


# ---------------------------------------------------------------- motions

def test_a_motion_is_made_and_logged(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    motion = move(client, auth, meeting, item, members)
    assert motion["item_ids"] == [item.id]
    assert motion["threshold"] == "majority_of_votes_cast"
    assert motion["kind"] == "main"
    assert motion["mover"]["name"] == members[0].name and motion["result"] is None
    assert tags(meeting)[-1] == "motion:made"


@pytest.mark.parametrize("change, status", [
    ({"item_id": "one"}, 422), ({"text": ""}, 422), ({"mover_id": None}, 422), ({"threshold": "most"}, 422),
    ({"kind": "privileged"}, 422), ({"seconder_id": "x"}, 422), ({"item_id": 99999999}, 404),
    ({"mover_id": 99999999}, 404), ({"seconder_id": 0}, 422), ({"surprise": 1}, 422),
])
def test_bad_motion_input(client, auth, meeting, members, item, change, status):
    in_session(client, auth, meeting, members)
    before = fingerprint(meeting.id)
    payload = {"item_id": item.id, "text": "Approve.", "mover_id": members[0].id,
               "seconder_id": members[1].id, **change}
    response = client.post(f"/api/v1/meetings/{meeting.id}/motions", json=payload, headers=auth)
    assert response.status_code == status, response.text
    assert fingerprint(meeting.id) == before


def test_motion_refusals(client, auth, meeting, members, item, body):
    other = make_meeting(body, status=MeetingStatus.PUBLISHED)
    foreign_item = make_item(other)
    db.session.commit()
    act(client, auth, meeting, "call_to_order")
    attend(client, auth, meeting, members[0])
    base = {"item_id": item.id, "text": "Approve.", "mover_id": members[0].id}
    url = f"/api/v1/meetings/{meeting.id}/motions"
    assert client.post(url, json={**base, "item_id": foreign_item.id}, headers=auth).status_code == 404
    assert client.post(url, json={**base, "seconder_id": members[0].id}, headers=auth).status_code == 422
    absent_seconder = client.post(url, json={**base, "seconder_id": members[3].id}, headers=auth)
    assert absent_seconder.status_code == 409
    act(client, auth, meeting, "recess")
    assert client.post(url, json=base, headers=auth).status_code == 409


def test_a_consent_motion_covers_the_whole_consent_calendar(client, auth, meeting, members, consent_items):
    in_session(client, auth, meeting, members)
    motion = move(client, auth, meeting, consent_items[0], members, text="Approve the consent calendar.")
    assert motion["item_ids"] == [i.id for i in consent_items]
    response = vote(client, auth, motion["id"], {m.id: AYES for m in members})
    assert response.status_code == 200 and response.json["result"] == "adopted"


# ---------------------------------------------------------------- votes and guards

def test_a_roll_call_vote_gives_the_tally_and_the_result(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members)
    version = fingerprint(meeting.id)[1]
    votes = {members[0].id: "aye", members[1].id: "aye", members[2].id: "no", members[3].id: "abstain",
             members[4].id: "aye"}
    response = vote(client, auth, motion["id"], votes)
    assert response.status_code == 200, response.text
    body = response.json
    assert body["tally"] == {"aye": 3, "no": 1, "abstain": 1, "absent": 0, "recused": 0, "votes_cast": 4}
    assert body["result"] == "adopted" and body["method"] == "roll_call"
    assert body["votes"][str(members[2].id)] == "no"
    assert fingerprint(meeting.id)[1] > version
    assert tags(meeting)[-1] == "vote:recorded"


def test_a_tie_fails(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members)
    votes = dict(zip([m.id for m in members], ["aye", "aye", "no", "no", "abstain"]))
    assert vote(client, auth, motion["id"], votes).json["result"] == "failed"


def test_absent_members_are_filled_in_and_present_ones_must_vote(client, auth, meeting, members, item):
    act(client, auth, meeting, "call_to_order")
    for member in members[:4]:
        attend(client, auth, meeting, member)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members)
    before = fingerprint(meeting.id)
    missing = vote(client, auth, motion["id"], {m.id: "aye" for m in members[:3]})
    assert missing.status_code == 422 and members[3].name in missing.json["error"]["message"]
    assert fingerprint(meeting.id) == before
    done = vote(client, auth, motion["id"], {m.id: "aye" for m in members[:4]})
    assert done.json["votes"][str(members[4].id)] == "absent"
    assert done.json["tally"]["absent"] == 1


def refused(client, auth, meeting, motion_id, votes, code, **extra):
    before = fingerprint(meeting.id)
    response = vote(client, auth, motion_id, votes, **extra)
    assert response.status_code == 409, response.text
    assert response.json["error"]["code"] == code
    # Nothing changes but the log, which keeps the refusal as evidence.
    status, version, counts, results = before
    assert fingerprint(meeting.id) == (status, version, counts[:-1] + (counts[-1] + 1,), results)
    entry = last_entry(meeting)
    assert entry.tag == "vote:refused" and entry.data["motion_id"] == motion_id and entry.data["code"] == code
    return response.json["error"]


def last_entry(meeting):
    import sqlalchemy as sa

    from app.compliance.models import ComplianceEntry

    return db.session.scalars(sa.select(ComplianceEntry).where(ComplianceEntry.meeting_id == meeting.id)
                              .order_by(ComplianceEntry.seq.desc())).first()


def test_guard_no_quorum(client, auth, meeting, members, item):
    act(client, auth, meeting, "call_to_order")
    for member in members[:3]:
        attend(client, auth, meeting, member)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members)
    attend(client, auth, meeting, members[2], status="absent")  # leaves early: quorum lost
    votes = {members[0].id: "aye", members[1].id: "aye"}
    error = refused(client, auth, meeting, motion["id"], votes, "no_quorum")
    assert error["details"]["refusals"][0]["details"] == {"present": 2, "needed": 3}
    refused(client, auth, meeting, motion["id"], votes, "no_quorum", override_reason="We must act tonight")


def test_guard_comment_period_not_opened_and_closed(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    motion = move(client, auth, meeting, item, members)
    votes = {m.id: "aye" for m in members}
    refused(client, auth, meeting, motion["id"], votes, "comment_not_closed")
    from app.core.db import transaction
    from app.live import services as live
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=utcnow())
    refused(client, auth, meeting, motion["id"], votes, "comment_not_closed")


def test_california_allows_a_reasoned_override_of_the_comment_guard(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    motion = move(client, auth, meeting, item, members)
    response = vote(client, auth, motion["id"], {m.id: "aye" for m in members},
                    override_reason="Heard by the council's committee, §54954.3(a)")
    assert response.status_code == 200
    assert response.json["overridden"] == ["comment_not_closed"]
    assert tags(meeting)[-2:] == ["vote:overridden", "vote:recorded"]


def test_guard_remote_access_down_cannot_be_overridden_in_california(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members)
    act(client, auth, meeting, "remote_access_down")
    votes = {m.id: "aye" for m in members}
    refused(client, auth, meeting, motion["id"], votes, "remote_access_down")
    error = refused(client, auth, meeting, motion["id"], votes, "remote_access_down", override_reason="Hurry")
    assert error["details"]["refusals"][0]["citation"] == "Cal. Gov. Code §54953.8"
    act(client, auth, meeting, "remote_access_restored")
    assert vote(client, auth, motion["id"], votes).status_code == 200


def test_guard_recused_member_voting(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    comment_period(meeting, item)
    recusal = client.post(f"/api/v1/meetings/{meeting.id}/recusals", headers=auth, json={
        "item_id": item.id, "member_id": members[4].id, "reason": "Owns property within 500 feet"})
    assert recusal.status_code == 201
    motion = move(client, auth, meeting, item, members)
    votes = {m.id: "aye" for m in members}
    refused(client, auth, meeting, motion["id"], votes, "recused_member_voting")
    refused(client, auth, meeting, motion["id"], votes, "recused_member_voting", override_reason="x")
    del votes[members[4].id]
    response = vote(client, auth, motion["id"], votes)
    assert response.json["votes"][str(members[4].id)] == "recused"
    assert response.json["tally"]["recused"] == 1


def test_a_recused_member_cannot_move_the_item(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    client.post(f"/api/v1/meetings/{meeting.id}/recusals", headers=auth, json={
        "item_id": item.id, "member_id": members[0].id, "reason": "Conflict"})
    response = client.post(f"/api/v1/meetings/{meeting.id}/motions", headers=auth, json={
        "item_id": item.id, "text": "Approve.", "mover_id": members[0].id})
    assert response.status_code == 409 and response.json["error"]["code"] == "recused_member_voting"


def test_guard_second_required_and_its_override(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members, seconder_id=None)
    votes = {m.id: "aye" for m in members}
    refused(client, auth, meeting, motion["id"], votes, "second_required")
    response = vote(client, auth, motion["id"], votes, override_reason="The body's rules waive seconds")
    assert response.status_code == 200 and response.json["overridden"] == ["second_required"]


def test_guard_roll_call_required_when_a_member_is_remote(client, auth, meeting, members, item):
    act(client, auth, meeting, "call_to_order")
    for member in members[:4]:
        attend(client, auth, meeting, member)
    attend(client, auth, meeting, members[4], mode="remote", remote_basis="Just cause: travel")
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members)
    before = fingerprint(meeting.id)
    response = client.post(f"/api/v1/motions/{motion['id']}/vote", json={"method": "voice"}, headers=auth)
    assert response.status_code == 409 and response.json["error"]["code"] == "roll_call_required"
    status, version, counts, results = before
    assert fingerprint(meeting.id) == (status, version, counts[:-1] + (counts[-1] + 1,), results)
    assert last_entry(meeting).tag == "vote:refused"


def test_a_voice_vote_is_unanimous_among_members_present(client, auth, meeting, members, item):
    act(client, auth, meeting, "call_to_order")
    for member in members[:4]:
        attend(client, auth, meeting, member)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members)
    response = client.post(f"/api/v1/motions/{motion['id']}/vote", json={"method": "voice"}, headers=auth)
    assert response.status_code == 200
    assert response.json["tally"]["aye"] == 4 and response.json["tally"]["absent"] == 1


def test_an_absent_member_cannot_vote(client, auth, meeting, members, item):
    act(client, auth, meeting, "call_to_order")
    for member in members[:4]:
        attend(client, auth, meeting, member)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members)
    refused(client, auth, meeting, motion["id"], {m.id: "aye" for m in members}, "member_not_present")


def test_a_motion_is_voted_once(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members)
    votes = {m.id: "aye" for m in members}
    assert vote(client, auth, motion["id"], votes).status_code == 200
    again = vote(client, auth, motion["id"], {m.id: "no" for m in members})
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_state"


@pytest.mark.parametrize("payload, status", [
    ({"votes": {"abc": "aye"}}, 422), ({"votes": {"1": "yes"}}, 422), ({"votes": []}, 422),
    ({"votes": {}}, 422), ({}, 422), ({"votes": {"99999999": "aye"}}, 404), ({"method": "show_of_hands"}, 422),
    ({"method": "voice", "votes": {"1": "aye"}}, 422), ({"votes": {"1": "aye"}, "override_reason": 3}, 422),
])
def test_bad_vote_input(client, auth, meeting, members, item, payload, status):
    in_session(client, auth, meeting, members)
    motion = move(client, auth, meeting, item, members)
    if "votes" in payload and isinstance(payload["votes"], dict) and "1" in payload["votes"]:
        payload["votes"] = {str(members[0].id): payload["votes"]["1"]}
    before = fingerprint(meeting.id)
    response = client.post(f"/api/v1/motions/{motion['id']}/vote", json=payload, headers=auth)
    assert response.status_code == status, response.text
    assert fingerprint(meeting.id) == before


def test_vote_on_unknown_motion_and_by_the_wrong_caller(client, auth, staff, body, meeting, members, item):
    assert vote(client, auth, 99999999, {1: "aye"}).status_code == 404
    in_session(client, auth, meeting, members)
    motion = move(client, auth, meeting, item, members)
    assert vote(client, {}, motion["id"], {members[0].id: "aye"}).status_code == 401
    chair = staff.token_headers(staff.user("chair", body=body))
    assert vote(client, chair, motion["id"], {members[0].id: "aye"}).status_code == 403
    assert client.post(f"/api/v1/motions/{motion['id']}/vote", data="{", content_type="application/json",
                       headers=auth).status_code == 400


def test_no_vote_during_a_recess(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members)
    act(client, auth, meeting, "recess")
    before = fingerprint(meeting.id)
    response = vote(client, auth, motion["id"], {m.id: "aye" for m in members})
    assert response.status_code == 409 and response.json["error"]["code"] == "invalid_state"
    assert fingerprint(meeting.id) == before


# ---------------------------------------------------------------- minutes

def held_meeting(client, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members)
    vote(client, auth, motion["id"], dict(zip([m.id for m in members], ["aye", "aye", "no", "aye", "abstain"])))
    act(client, auth, meeting, "adjourn")
    return motion


def test_the_draft_gives_the_quorum_the_roll_call_found(client, auth, meeting, members, item):
    """Members who answered the roll call and left later still count in the quorum beside
    the roll call (the quorum now is another matter, logged with each change)."""
    act(client, auth, meeting, "call_to_order")
    all_present(client, auth, meeting, members[:4])
    comment_period(meeting, item)  # business begins: the roll call has ended
    for member in members[:2]:
        attend(client, auth, meeting, member, status="absent")  # left: 2 of 5 now, no quorum
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert "A quorum was present (4 of 5; 3 needed)." in draft
    assert f"{members[0].name}: present until" in draft


def test_the_spanish_draft_has_no_english_wording(client, auth, spanish_app, meeting, members, item):
    """Every fixed phrase of the draft (events, thresholds, quorum) is translated: the
    phrases kept in tables are marked for extraction (draft.N_)."""
    held_meeting(client, auth, meeting, members, item)
    url = f"/api/v1/meetings/{meeting.id}/minutes"
    draft = spanish_app.test_client().get(url, headers={**auth, "Accept-Language": "es"}).json["draft"]
    assert "Se abrió la sesión a las" in draft and "Se levantó la sesión a las" in draft
    assert "se necesitaban" in draft and "mayoría" in draft
    for english in ("The meeting", "needed", "majority", "called to order", "Motion", " by "):
        assert english not in draft, english


def later_approval(client, auth, body, members):
    later = make_meeting(body, start_at=utcnow() + timedelta(days=14), status=MeetingStatus.PUBLISHED)
    approval_item = make_item(later, title="Approve the minutes", accepts_public_comment=False)
    db.session.commit()
    in_session(client, auth, later, members)
    motion = move(client, auth, later, approval_item, members, text="Approve the minutes as presented.")
    assert vote(client, auth, motion["id"], {m.id: "aye" for m in members}).status_code == 200
    return motion


def test_the_draft_is_written_from_the_record(client, auth, meeting, members, item):
    held_meeting(client, auth, meeting, members, item)
    minutes = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json
    assert minutes["status"] == "none" and minutes["current"] is None
    draft = minutes["draft"]
    assert "called to order" in draft and "adjourned" in draft
    assert f"{members[2].name}: No" in draft and f"{members[4].name}: Abstain" in draft
    assert "Adopted by roll call, 3-1" in draft
    assert item.title in draft


def test_revisions_diffs_approval_and_immutability(client, auth, body, meeting, members, item):
    held_meeting(client, auth, meeting, members, item)
    url = f"/api/v1/meetings/{meeting.id}/minutes"
    draft = client.get(url, headers=auth).json["draft"]
    first = client.post(f"{url}/revisions", json={"html": draft}, headers=auth)
    assert first.status_code == 201 and first.json["number"] == 1
    same = client.post(f"{url}/revisions", json={"html": draft}, headers=auth)
    assert same.status_code == 200 and same.json["created"] is False and same.json["number"] == 1
    edited = draft.replace("</h3>", "</h3>\n<p>Minutes prepared by the City Clerk.</p>", 1)
    second = client.post(f"{url}/revisions", json={"html": edited + "<script>x</script>"}, headers=auth)
    assert second.status_code == 201 and "<script>" not in second.json["html"]
    history = client.get(url, headers=auth).json["revisions"]
    assert [r["number"] for r in history] == [1, 2]
    assert "+<p>Minutes prepared by the City Clerk.</p>" in history[1]["diff"]

    # Only a later meeting's adopted motion approves them.
    own_motion = client.get(f"/api/v1/meetings/{meeting.id}/proceedings", headers=auth).json["motions"][0]
    same_meeting = client.post(f"{url}/approve", json={"approving_motion_id": own_motion["id"]}, headers=auth)
    assert same_meeting.status_code == 409
    approving = later_approval(client, auth, body, members)
    approved = client.post(f"{url}/approve", json={"approving_motion_id": approving["id"]}, headers=auth)
    assert approved.status_code == 200, approved.text
    assert approved.json["status"] == "approved"
    assert approved.json["approved"]["approval"]["motion_id"] == approving["id"]
    assert tags(meeting)[-1] == "minutes:approved"

    before = fingerprint(meeting.id)
    frozen = client.post(f"{url}/revisions", json={"html": "<p>Rewritten</p>"}, headers=auth)
    assert frozen.status_code == 409 and frozen.json["error"]["code"] == "minutes_approved"
    twice = client.post(f"{url}/approve", json={"approving_motion_id": approving["id"]}, headers=auth)
    assert twice.status_code == 409
    assert fingerprint(meeting.id) == before

    correction = client.post(f"{url}/revisions", json={"html": edited + "<p>Correction: spelling.</p>",
                                                       "correction": True}, headers=auth)
    assert correction.status_code == 201 and correction.json["corrects"] == 2
    public = client.get(url).json
    assert public["status"] == "correction_pending"
    assert public["approved"]["number"] == 2 and "revisions" not in public and "draft" not in public

    # The correction is approved by its own motion; both approvals stay on record.
    second = later_approval(client, auth, body, members)
    corrected = client.post(f"{url}/approve", json={"approving_motion_id": second["id"]}, headers=auth)
    assert corrected.status_code == 200 and corrected.json["status"] == "approved"
    assert corrected.json["approved"]["number"] == 3 and corrected.json["approved"]["corrects"] == 2
    assert [r["approved"] for r in corrected.json["revisions"]] == [False, True, True]


def test_approval_refusals(client, auth, body, meeting, members, item):
    url = f"/api/v1/meetings/{meeting.id}/minutes"
    assert client.post(f"{url}/approve", json={"approving_motion_id": 1}, headers=auth).status_code == 404
    held_meeting(client, auth, meeting, members, item)
    approving = later_approval(client, auth, body, members)
    no_minutes = client.post(f"{url}/approve", json={"approving_motion_id": approving["id"]}, headers=auth)
    assert no_minutes.status_code == 409
    client.post(f"{url}/revisions", json={"html": "<p>Minutes</p>"}, headers=auth)
    for payload, status in (({"approving_motion_id": "1"}, 422), ({}, 422), ({"approving_motion_id": 0}, 422)):
        assert client.post(f"{url}/approve", json=payload, headers=auth).status_code == status
    assert client.post(f"{url}/approve", json={"approving_motion_id": approving["id"]}).status_code == 401


@pytest.mark.parametrize("payload", [{"html": ""}, {"html": 5}, {}, {"html": "<p>x</p>", "correction": "yes"},
                                     {"html": "<script>alert(1)</script>"}])
def test_bad_revision_input(client, auth, meeting, members, item, payload):
    held_meeting(client, auth, meeting, members, item)
    before = fingerprint(meeting.id)
    response = client.post(f"/api/v1/meetings/{meeting.id}/minutes/revisions", json=payload, headers=auth)
    assert response.status_code == 422
    assert fingerprint(meeting.id) == before


def test_minutes_wait_for_the_meeting_and_drafts_stay_private(client, auth, body, meeting):
    assert client.post(f"/api/v1/meetings/{meeting.id}/minutes/revisions", json={"html": "<p>x</p>"},
                       headers=auth).status_code == 409
    draft = make_meeting(body)
    db.session.commit()
    assert client.get(f"/api/v1/meetings/{draft.id}/minutes").status_code == 404
    assert client.get(f"/api/v1/meetings/{draft.id}/minutes", headers=auth).status_code == 200
    assert client.get("/api/v1/meetings/99999999/minutes").status_code == 404


# ---------------------------------------------------------------- closed session

def test_closed_session_is_announced_reported_and_in_the_minutes(client, auth, meeting, members):
    from tests.factories import make_closed_session_item

    labor = make_closed_session_item(meeting, "Conference with labor negotiators (§54957.6)")
    regular = make_item(meeting, title="Budget")
    db.session.commit()
    in_session(client, auth, meeting, members)
    not_announced = act(client, auth, meeting, "closed_session")
    assert not_announced.status_code == 422
    wrong_item = act(client, auth, meeting, "closed_session", item_ids=[regular.id])
    assert wrong_item.status_code == 422
    assert act(client, auth, meeting, "closed_session_report", note="x").status_code == 409
    entered = act(client, auth, meeting, "closed_session", item_ids=[labor.id])
    assert entered.status_code == 200 and entered.json["in_closed_session"] is True
    motion = client.post(f"/api/v1/meetings/{meeting.id}/motions", headers=auth, json={
        "item_id": labor.id, "text": "Approve.", "mover_id": members[0].id, "seconder_id": members[1].id})
    assert motion.status_code == 409
    assert act(client, auth, meeting, "adjourn").status_code == 409
    assert act(client, auth, meeting, "closed_session_report").status_code == 422  # the report is required
    back = act(client, auth, meeting, "closed_session_report", note="No reportable action was taken.")
    assert back.status_code == 200 and back.json["in_closed_session"] is False
    logged = tags(meeting)
    assert logged.index("closed_session:announced") < logged.index("closed_session:reported")
    act(client, auth, meeting, "adjourn")
    draft = client.get(f"/api/v1/meetings/{meeting.id}/minutes", headers=auth).json["draft"]
    assert "went into closed session" in draft and "labor negotiators" in draft
    assert "No reportable action was taken." in draft

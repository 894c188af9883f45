"""A motion made without a threshold takes the body's default for its kind; a named one still wins."""
import pytest

from app.extensions import db
from app.minutes import rules
from app.minutes.models import Motion
from tests.conftest import csrf_from
from tests.minutes.helpers import act, all_present, comment_period, move, tags, vote

BODY_RULES = {"main": "majority_of_full_body", "table": "two_thirds"}


def test_threshold_for_prefers_the_motion_then_the_body_then_roberts_rules():
    assert rules.threshold_for("table", BODY_RULES, "majority_of_votes_cast") == "majority_of_votes_cast"
    assert rules.threshold_for("table", BODY_RULES) == "two_thirds"
    assert rules.threshold_for("amendment", BODY_RULES) == "majority_of_votes_cast"
    # Settings written before a kind existed, or none at all: Robert's Rules.
    assert rules.threshold_for("reconsider", {}) == rules.DEFAULT_THRESHOLDS["reconsider"]
    assert rules.threshold_for("main", None) == "majority_of_votes_cast"


@pytest.fixture
def strict_body(body):
    body.default_thresholds = {**rules.DEFAULT_THRESHOLDS, **BODY_RULES}
    db.session.commit()
    return body


def in_session(client, auth, meeting, members):
    assert act(client, auth, meeting, "call_to_order").status_code == 200
    all_present(client, auth, meeting, members)


@pytest.mark.parametrize("kind, expected", [("main", "majority_of_full_body"), ("table", "two_thirds"),
                                            ("amendment", "majority_of_votes_cast")])
def test_a_motion_without_a_threshold_takes_its_kinds_default(client, auth, strict_body, meeting, members,
                                                              item, kind, expected):
    in_session(client, auth, meeting, members)
    motion = move(client, auth, meeting, item, members, kind=kind)
    assert motion["threshold"] == expected
    assert tags(meeting)[-1] == "motion:made"


def test_a_named_threshold_wins_over_the_default(client, auth, strict_body, meeting, members, item):
    in_session(client, auth, meeting, members)
    motion = move(client, auth, meeting, item, members, kind="table", threshold="majority_of_votes_cast")
    assert motion["threshold"] == "majority_of_votes_cast"
    assert move(client, auth, meeting, item, members, threshold=None)["threshold"] == "majority_of_full_body"


def test_the_default_decides_the_vote(client, auth, strict_body, meeting, members, item):
    """3-2 carries a majority of the votes cast but not two-thirds: a motion to table then fails."""
    in_session(client, auth, meeting, members)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members, kind="table", text="Table the item.")
    choices = {m.id: ("aye" if n < 3 else "no") for n, m in enumerate(members)}
    response = vote(client, auth, motion["id"], choices)
    assert response.status_code == 200, response.text
    assert response.json["threshold"] == "two_thirds" and response.json["result"] == "failed"


def test_a_body_that_never_changed_its_defaults_votes_by_roberts_rules(client, auth, body, meeting, members, item):
    in_session(client, auth, meeting, members)
    for kind in rules.MOTION_KINDS:
        assert move(client, auth, meeting, item, members, kind=kind)["threshold"] == "majority_of_votes_cast"


def test_the_console_names_the_defaults_and_applies_them(client, staff, clerk, strict_body, meeting, members,
                                                         item):
    staff.login(clerk)
    base = f"/staff/meetings/{meeting.id}"
    token = csrf_from(client.get(f"{base}/proceedings").text)
    client.post(f"{base}/proceedings", data={"action": "call_to_order", "csrf_token": token})
    page = client.get(f"{base}/proceedings")
    assert "Motion to table: Two-thirds of the votes cast" in page.text
    assert "Main motion: Majority of the full body" in page.text
    for member in members:
        client.post(f"{base}/attendance", data={"member_id": member.id, "attendance": "present:in_person",
                                                "csrf_token": token})
    response = client.post(f"{base}/motions", data={
        "item_id": item.id, "text": "Table it.", "mover_id": members[0].id, "seconder_id": members[1].id,
        "kind": "table", "threshold": "", "csrf_token": token}, follow_redirects=True)
    assert "Motion recorded." in response.text
    assert db.session.query(Motion).one().threshold.value == "two_thirds"

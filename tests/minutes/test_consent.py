"""Pulling an item from the consent calendar: it moves to the regular agenda, out of the consent motion."""
from app.extensions import db
from app.meetings.models import AgendaItem, SectionKind
from tests.conftest import csrf_from
from tests.minutes.helpers import fingerprint, move, tags, vote
from tests.minutes.test_api import in_session


def pull(client, auth, meeting, item, **extra):
    return client.post(f"/api/v1/meetings/{meeting.id}/consent/pull", json={"item_id": item.id, **extra},
                       headers=auth)


def test_a_pulled_item_moves_to_the_regular_agenda_and_out_of_the_consent_motion(
        client, auth, meeting, members, item, consent_items):
    in_session(client, auth, meeting, members)
    motion = move(client, auth, meeting, consent_items[0], members, text="Approve the consent calendar.")
    assert motion["item_ids"] == [i.id for i in consent_items]

    response = pull(client, auth, meeting, consent_items[0], reason="Requested by a resident")
    assert response.status_code == 200, response.text
    db.session.expire_all()
    pulled = db.session.get(AgendaItem, consent_items[0].id)
    assert pulled.section.kind == SectionKind.BUSINESS and pulled.section_id == item.section_id
    assert response.json["section_id"] == item.section_id
    assert response.json["motions"][0]["item_ids"] == [consent_items[1].id]
    assert tags(meeting)[-1] == "consent:pulled"

    # The consent vote now decides only the item left on the calendar.
    voted = vote(client, auth, motion["id"], {m.id: "aye" for m in members})
    assert voted.status_code == 200 and voted.json["item_ids"] == [consent_items[1].id]
    # The pulled item is heard on its own.
    pulled_motion = move(client, auth, meeting, pulled, members, text="Approve the pulled item.")
    assert pulled_motion["item_ids"] == [pulled.id]


def test_pull_refusals_change_nothing(client, auth, meeting, members, item, consent_items):
    url = f"/api/v1/meetings/{meeting.id}/consent/pull"
    before_session = fingerprint(meeting.id)
    assert pull(client, auth, meeting, consent_items[0]).status_code == 409
    assert fingerprint(meeting.id) == before_session

    in_session(client, auth, meeting, members)
    state = fingerprint(meeting.id)
    assert pull(client, auth, meeting, item).status_code == 409  # not on consent
    assert client.post(url, json={}, headers=auth).status_code == 422
    assert client.post(url, json={"item_id": "x"}, headers=auth).status_code == 422
    assert client.post(url, json={"item_id": 999999}, headers=auth).status_code == 404
    assert pull(client, auth, meeting, consent_items[0], reason="x" * 2001).status_code == 422
    assert client.post(url, json={"item_id": consent_items[0].id}).status_code == 401
    assert fingerprint(meeting.id) == state

    motion = move(client, auth, meeting, consent_items[0], members, text="Approve the consent calendar.")
    assert vote(client, auth, motion["id"], {m.id: "aye" for m in members}).status_code == 200
    state = fingerprint(meeting.id)
    late = pull(client, auth, meeting, consent_items[1])
    assert late.status_code == 409 and "already been voted" in late.json["error"]["message"]
    assert fingerprint(meeting.id) == state


def test_the_console_pulls_an_item(client, staff, clerk, meeting, members, item, consent_items, auth):
    in_session(client, auth, meeting, members)
    staff.login(clerk)
    page = client.get(f"/staff/meetings/{meeting.id}/proceedings")
    assert "Pull from consent" in page.text
    response = client.post(f"/staff/meetings/{meeting.id}/consent/pull",
                           data={"csrf_token": csrf_from(page.text), "item_id": consent_items[1].id,
                                 "reason": "Council member asked"}, follow_redirects=True)
    assert "moved from the consent calendar" in response.text
    db.session.expire_all()
    assert db.session.get(AgendaItem, consent_items[1].id).section.kind == SectionKind.BUSINESS

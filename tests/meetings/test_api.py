"""The meetings JSON API: contract shapes, permissions, and bad input that changes nothing."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.compliance.models import ComplianceEntry
from app.core.time import utcnow
from app.extensions import db
from app.meetings.models import AgendaItem, AgendaSection, Body, Meeting, MeetingStatus
from tests.conftest import csrf_from
from tests.factories import make_body, make_item, make_meeting

WORDY = "Approve the professional services agreement for street resurfacing"


def counts():
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Body, Meeting, AgendaSection, AgendaItem, ComplianceEntry))


def snapshot(meeting_id):
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    return (meeting.title, meeting.start_at, meeting.status, meeting.sequence, meeting.revised_at,
            [(s.id, [(i.id, i.title, i.position) for i in s.items]) for s in meeting.sections])


@pytest.fixture
def body(app):
    body = make_body(slug="city-council")
    db.session.commit()
    return body


@pytest.fixture
def clerk(staff, body):
    return staff.user("clerk", body=body)


@pytest.fixture
def auth(staff, clerk):
    return staff.token_headers(clerk)


@pytest.fixture
def meeting(body):
    # Far enough ahead of the real clock that publishing is on time.
    meeting = make_meeting(body, start_at=utcnow() + timedelta(days=30), title="Regular Meeting")
    db.session.commit()
    return meeting


def business(meeting):
    return next(s for s in meeting.sections if s.kind.value == "business")


# ---------------------------------------------------------------- bodies

def test_bodies_are_public_and_list_paginated(client, body):
    response = client.get("/api/v1/bodies?per_page=1")
    assert response.status_code == 200
    assert response.json["total"] == 1 and response.json["pages"] == 1 and response.json["page"] == 1
    assert response.json["items"][0]["slug"] == "city-council"


def test_body_detail_lists_members_with_ids(client, body):
    data = client.get("/api/v1/bodies/city-council").json
    assert [m["name"] for m in data["members"]][:2] == ["Ana Ruiz", "Ben Okafor"]
    assert all(isinstance(m["id"], int) for m in data["members"])
    assert client.get("/api/v1/bodies/nope").json["error"]["code"] == "not_found"


def test_only_admins_create_bodies(client, staff, clerk, auth):
    payload = {"slug": "planning", "name": "Planning Commission", "timezone": "America/Chicago",
               "rule_pack": "us-tx-oma", "members": [{"name": "Pat Lee", "seat": "District 1"}]}
    assert client.post("/api/v1/bodies", json=payload).status_code == 401
    assert client.post("/api/v1/bodies", json=payload, headers=auth).status_code == 403
    admin = staff.token_headers(staff.user("admin"))
    response = client.post("/api/v1/bodies", json=payload, headers=admin)
    assert response.status_code == 201, response.json
    assert response.json["members"][0]["seat"] == "District 1"
    assert response.headers["Location"].endswith("/api/v1/bodies/planning")
    before = counts()
    again = client.post("/api/v1/bodies", json=payload, headers=admin)
    assert again.status_code == 409 and counts() == before
    bad = client.post("/api/v1/bodies", json={**payload, "slug": "x", "timezone": "Nowhere/Else"}, headers=admin)
    assert bad.status_code == 422 and "timezone" in bad.json["error"]["message"] and counts() == before


# ---------------------------------------------------------------- create meeting

def test_create_meeting_reads_start_without_offset_as_local_time(client, body, auth):
    response = client.post("/api/v1/meetings", headers=auth, json={
        "body": "city-council", "kind": "regular", "title": "Regular Meeting", "start": "2026-12-01T18:00"})
    assert response.status_code == 201, response.json
    data = response.json
    assert data["start"] == "2026-12-02T02:00:00Z"  # 18:00 PST
    assert data["start_local"] == "2026-12-01T18:00:00-08:00"
    assert data["status"] == "draft" and data["sequence"] == 0
    assert [s["number"] for s in data["sections"]] == ["1", "2", "3", "4", "5", "6", "7"]
    assert response.headers["Location"].endswith(f"/api/v1/meetings/{data['id']}")
    tags = db.session.scalars(sa.select(ComplianceEntry.tag)).all()
    assert tags == ["meeting:created"]


def test_create_meeting_keeps_an_explicit_offset(client, body, auth):
    data = client.post("/api/v1/meetings", headers=auth, json={
        "body": "city-council", "title": "Special", "kind": "special", "start": "2026-07-01T18:00:00+00:00",
        "end": "2026-07-01T20:00"}).json
    assert data["start"] == "2026-07-01T18:00:00Z" and data["end"] == "2026-07-02T03:00:00Z"


@pytest.mark.parametrize("payload, status, code, field", [
    ({"body": "city-council", "title": "X"}, 422, "invalid", "start"),
    ({"body": "city-council", "title": "X", "start": "soon"}, 422, "invalid", "start"),
    ({"body": "city-council", "title": 5, "start": "2026-12-01T18:00"}, 422, "invalid", "title"),
    ({"body": "city-council", "title": "X", "start": "2026-12-01T18:00", "kind": "party"}, 422, "invalid", "kind"),
    ({"body": "city-council", "title": "X", "start": "2026-12-01T18:00", "colour": "red"}, 422, "invalid",
     "colour"),
    ({"body": "city-council", "title": "X", "start": "2026-12-01T18:00", "end": "2026-12-01T17:00"}, 422,
     "invalid", "end"),
    ({"body": "city-council", "title": " ", "start": "2026-12-01T18:00"}, 422, "invalid", "title"),
    ({"body": "elsewhere", "title": "X", "start": "2026-12-01T18:00"}, 404, "not_found", "elsewhere"),
    ({"body": ["city-council"], "title": "X", "start": "2026-12-01T18:00"}, 422, "invalid", "body"),
])
def test_bad_meeting_payloads_change_nothing(client, body, auth, payload, status, code, field):
    before = counts()
    response = client.post("/api/v1/meetings", headers=auth, json=payload)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code and field in response.json["error"]["message"]
    assert counts() == before


@pytest.mark.parametrize("data, content_type", [("{not json", "application/json"),
                                                ('{"title": "x"', "application/json"),
                                                ("title=x", "application/x-www-form-urlencoded"),
                                                ("", "application/json"),
                                                ("[" * 100_000 + "]" * 100_000, "application/json")])
def test_malformed_json_is_a_bad_request(client, body, auth, data, content_type):
    before = counts()
    response = client.post("/api/v1/meetings", headers=auth, data=data, content_type=content_type)
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"
    assert counts() == before


def test_json_that_is_not_an_object_is_invalid(client, body, auth):
    response = client.post("/api/v1/meetings", headers=auth, json=["body"])
    assert response.status_code == 422


def test_create_meeting_permissions(client, staff, body):
    payload = {"body": "city-council", "title": "X", "start": "2026-12-01T18:00"}
    assert client.post("/api/v1/meetings", json=payload).status_code == 401
    for user in (staff.user("clerk"), staff.user("chair", body=body), staff.user("member", body=body)):
        response = client.post("/api/v1/meetings", json=payload, headers=staff.token_headers(user))
        assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    bad_token = client.post("/api/v1/meetings", json=payload, headers={"Authorization": "Bearer nope"})
    assert bad_token.status_code == 401
    assert counts()[1] == 0


def test_cookie_sessions_need_the_csrf_token(app, staff, clerk):
    client = app.test_client()
    staff_client = type(staff)(client)
    staff_client.login(clerk)
    payload = {"body": "city-council", "title": "X", "start": "2026-12-01T18:00"}
    refused = client.post("/api/v1/meetings", json=payload)
    assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf_failed"
    # Any signed-in page carries the session's token (the sign-out form in the header).
    token = csrf_from(client.get("/", follow_redirects=True).text)
    accepted = client.post("/api/v1/meetings", json=payload, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.json


# ---------------------------------------------------------------- reading meetings

def test_drafts_are_visible_only_to_their_body_staff(client, staff, meeting, auth):
    published = make_meeting(meeting.body, status=MeetingStatus.PUBLISHED, start_at=utcnow() + timedelta(days=3))
    db.session.commit()
    public = client.get("/api/v1/meetings").json
    assert [m["id"] for m in public["items"]] == [published.id]
    assert client.get(f"/api/v1/meetings/{meeting.id}").status_code == 404
    outsider = app_client(client)
    assert outsider.get(f"/api/v1/meetings/{meeting.id}",
                        headers=staff.token_headers(staff.user("clerk"))).status_code == 404
    own = app_client(client).get("/api/v1/meetings", headers=auth).json
    assert {m["id"] for m in own["items"]} == {meeting.id, published.id}
    assert app_client(client).get(f"/api/v1/meetings/{meeting.id}", headers=auth).status_code == 200


def app_client(client):
    return client.application.test_client()


def test_meeting_list_filters_and_pages(client, body):
    other = make_body()
    days = [1, 2, 3, 10]
    for day in days:
        make_meeting(body, status=MeetingStatus.PUBLISHED, start_at=utcnow().replace(
            year=2027, month=1, day=day, hour=20, minute=0, second=0, microsecond=0))
    make_meeting(other, status=MeetingStatus.PUBLISHED)
    db.session.commit()
    all_ = client.get("/api/v1/meetings?per_page=2").json
    assert all_["total"] == 5 and all_["pages"] == 3 and len(all_["items"]) == 2
    mine = client.get("/api/v1/meetings?body=city-council&from=2027-01-02&to=2027-01-03").json
    assert [m["start"][:10] for m in mine["items"]] == ["2027-01-02", "2027-01-03"]
    assert client.get("/api/v1/meetings?from=yesterday").status_code == 422
    assert client.get("/api/v1/meetings?page=0").status_code == 422
    assert client.get("/api/v1/meetings?page=99999999999999999999").status_code == 422
    assert client.get("/api/v1/meetings?body=nope").status_code == 404
    # The calendar's last day or moment as the end: no later bound, every meeting from `from`.
    for end in ("9999-12-31", "9999-12-31T23:59:59.999999%2B00:00"):
        far = client.get(f"/api/v1/meetings?body=city-council&from=2027-01-03&to={end}")
        assert far.status_code == 200 and far.json["total"] == 2, far.text
    # ... and the first day as the start, in a timezone east of UTC (where it begins before year 1 in UTC).
    make_body(slug="tokyo", timezone="Asia/Tokyo")
    db.session.commit()
    early = client.get("/api/v1/meetings?body=tokyo&from=0001-01-01&to=9999-12-31")
    assert early.status_code == 200 and early.json["total"] == 0, early.text


def test_meeting_detail_includes_the_agenda(client, auth, meeting):
    consent = next(s for s in meeting.sections if s.kind.value == "consent")
    make_item(meeting, consent, title="Minutes")
    make_item(meeting, consent, title="Warrants")
    db.session.commit()
    data = app_client(client).get(f"/api/v1/meetings/{meeting.id}", headers=auth).json
    section = data["sections"][3]
    assert section["number"] == "4" and [i["number"] for i in section["items"]] == ["4.a", "4.b"]
    assert {"id", "title", "body_html", "attachments", "accepts_public_comment"} <= set(section["items"][0])
    assert data["current_version"] is None
    assert client.get("/api/v1/meetings/999999").status_code == 404
    assert client.get(f"/api/v1/meetings/{2**63}").status_code == 404


# ---------------------------------------------------------------- changing meetings

def test_patch_reschedules_and_bumps_the_sequence(client, auth, meeting):
    response = client.patch(f"/api/v1/meetings/{meeting.id}", headers=auth,
                            json={"start": "2027-02-02T18:30", "location": "Library Annex"})
    assert response.status_code == 200, response.json
    assert response.json["sequence"] == 1 and response.json["location"] == "Library Annex"
    assert response.json["start"] == "2027-02-03T02:30:00Z"
    tags = db.session.scalars(sa.select(ComplianceEntry.tag)).all()
    assert tags == ["meeting:rescheduled"]


@pytest.mark.parametrize("payload, field", [({}, "at least one"), ({"status": "cancelled"}, "status"),
                                            ({"title": None}, "title"), ({"start": 5}, "start"),
                                            ({"start": "2027-02-02T18:30", "end": "2027-02-02T17:00"}, "end")])
def test_patch_refuses_bad_fields_and_changes_nothing(client, auth, meeting, payload, field):
    before = snapshot(meeting.id)
    response = client.patch(f"/api/v1/meetings/{meeting.id}", headers=auth, json=payload)
    assert response.status_code == 422 and field in response.json["error"]["message"]
    assert snapshot(meeting.id) == before


def test_patch_permissions_and_unknown_ids(client, staff, auth, meeting):
    assert client.patch(f"/api/v1/meetings/{meeting.id}", json={"title": "X"}).status_code == 401
    other = staff.token_headers(staff.user("clerk"))
    assert app_client(client).patch(f"/api/v1/meetings/{meeting.id}", json={"title": "X"},
                                    headers=other).status_code == 403
    assert client.patch("/api/v1/meetings/424242", json={"title": "X"}, headers=auth).status_code == 404


def test_cancel_then_edits_are_invalid_state(client, auth, meeting):
    assert client.post(f"/api/v1/meetings/{meeting.id}/cancel", headers=auth, json={}).status_code == 422
    response = client.post(f"/api/v1/meetings/{meeting.id}/cancel", headers=auth, json={"reason": "No quorum"})
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    assert response.json["sequence"] == 1
    before = snapshot(meeting.id)
    for method, url, payload in [
        ("post", f"/api/v1/meetings/{meeting.id}/cancel", {"reason": "again"}),
        ("post", f"/api/v1/meetings/{meeting.id}/postpone", {"reason": "again"}),
        ("patch", f"/api/v1/meetings/{meeting.id}", {"title": "New"}),
        ("post", f"/api/v1/meetings/{meeting.id}/items", {"section_id": business(meeting).id, "title": "X"}),
    ]:
        refused = getattr(client, method)(url, headers=auth, json=payload)
        assert refused.status_code == 409 and refused.json["error"]["code"] == "invalid_state", url
    assert snapshot(meeting.id) == before


def test_postpone(client, auth, meeting):
    response = client.post(f"/api/v1/meetings/{meeting.id}/postpone", headers=auth, json={"reason": "Storm"})
    assert response.status_code == 200 and response.json["status"] == "postponed"


# ---------------------------------------------------------------- agenda

def test_item_lifecycle(client, auth, meeting):
    section_id = business(meeting).id
    created = client.post(f"/api/v1/meetings/{meeting.id}/items", headers=auth, json={
        "section_id": section_id, "title": WORDY, "body_html": "<p>Staff report<script>x()</script></p>",
        "estimated_minutes": 15, "department": "Public Works"})
    assert created.status_code == 201, created.json
    item = created.json
    assert item["number"] == "6.a" and item["body_html"] == "<p>Staff report</p>"
    patched = client.patch(f"/api/v1/items/{item['id']}", headers=auth, json={"accepts_public_comment": False})
    assert patched.status_code == 200 and patched.json["accepts_public_comment"] is False
    assert client.patch(f"/api/v1/items/{item['id']}", headers=auth,
                        json={"estimated_minutes": "ten"}).status_code == 422
    assert client.patch("/api/v1/items/987654", headers=auth, json={"title": "x"}).status_code == 404
    assert client.delete(f"/api/v1/items/{item['id']}", headers=auth).status_code == 204
    assert client.delete(f"/api/v1/items/{item['id']}", headers=auth).status_code == 404


def test_add_section(client, auth, meeting):
    response = client.post(f"/api/v1/meetings/{meeting.id}/sections", headers=auth,
                           json={"title": "Presentations", "kind": "reports"})
    assert response.status_code == 201 and response.json["sections"][-1]["title"] == "Presentations"


def test_reorder_in_one_call(client, auth, meeting):
    consent = next(s for s in meeting.sections if s.kind.value == "consent")
    a, b, c = (make_item(meeting, title=t) for t in "abc")
    db.session.commit()
    order = {"sections": [{"section_id": consent.id, "item_ids": [c.id]},
                          {"section_id": business(meeting).id, "item_ids": [b.id, a.id]}]}
    response = client.put(f"/api/v1/meetings/{meeting.id}/items/order", headers=auth, json=order)
    assert response.status_code == 200, response.json
    numbers = {i["title"]: i["number"] for s in response.json["sections"] for i in s["items"]}
    assert numbers == {"c": "4.a", "b": "6.a", "a": "6.b"}


@pytest.mark.parametrize("make_order", [
    lambda s, a, b: {"sections": [{"section_id": s, "item_ids": [a]}]},
    lambda s, a, b: {"sections": [{"section_id": s, "item_ids": [a, b, b]}]},
    lambda s, a, b: {"sections": [{"section_id": s, "item_ids": [a, b, 999999]}]},
    lambda s, a, b: {"sections": [{"section_id": 999999, "item_ids": [a, b]}]},
    lambda s, a, b: {"sections": [{"section_id": s, "item_ids": [a, str(b)]}]},
    lambda s, a, b: {"sections": {"section_id": s}},
    lambda s, a, b: {"sections": [{"section_id": s, "item_ids": [a, b]}], "extra": True},
    lambda s, a, b: {},
])
def test_bad_orders_are_422_and_change_nothing(client, auth, meeting, make_order):
    a, b = make_item(meeting), make_item(meeting)
    db.session.commit()
    before = snapshot(meeting.id)
    response = client.put(f"/api/v1/meetings/{meeting.id}/items/order", headers=auth,
                          json=make_order(business(meeting).id, a.id, b.id))
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid"
    assert snapshot(meeting.id) == before


def test_agenda_edits_need_the_clerk_of_that_body(client, staff, meeting):
    item = make_item(meeting)
    db.session.commit()
    chair = staff.token_headers(staff.user("chair", body=meeting.body))
    other = staff.token_headers(staff.user("clerk"))
    calls = [("post", f"/api/v1/meetings/{meeting.id}/items", {"section_id": item.section_id, "title": "X"}),
             ("patch", f"/api/v1/items/{item.id}", {"title": "X"}),
             ("delete", f"/api/v1/items/{item.id}", None),
             ("put", f"/api/v1/meetings/{meeting.id}/items/order", {"sections": []}),
             ("post", f"/api/v1/meetings/{meeting.id}/publish", {}),
             ("post", f"/api/v1/meetings/{meeting.id}/cancel", {"reason": "x"})]
    before = snapshot(meeting.id)
    for method, url, payload in calls:
        kwargs = {"json": payload} if payload is not None else {}
        assert getattr(app_client(client), method)(url, **kwargs).status_code == 401, url
        for headers in (chair, other):
            response = getattr(app_client(client), method)(url, headers=headers, **kwargs)
            assert response.status_code == 403, (url, response.json)
    assert snapshot(meeting.id) == before


# ---------------------------------------------------------------- publishing

def test_publish_then_amend(client, auth, meeting):
    make_item(meeting, title=WORDY)
    db.session.commit()
    first = client.post(f"/api/v1/meetings/{meeting.id}/publish", headers=auth)
    assert first.status_code == 201, first.json
    assert first.json["number"] == 1 and len(first.json["content_hash"]) == 64
    detail = client.get(f"/api/v1/meetings/{meeting.id}").json
    assert detail["status"] == "published" and detail["current_version"]["number"] == 1
    again = client.post(f"/api/v1/meetings/{meeting.id}/publish", headers=auth, json={})
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_state"
    client.patch(f"/api/v1/items/{detail['sections'][5]['items'][0]['id']}", headers=auth,
                 json={"title": WORDY + " and sidewalks"})
    assert client.get(f"/api/v1/meetings/{meeting.id}").json["has_unpublished_changes"] is True
    amended = client.post(f"/api/v1/meetings/{meeting.id}/publish", headers=auth, json={})
    assert amended.status_code == 201 and amended.json["number"] == 2 and amended.json["is_amendment"]


def test_late_publish_needs_an_override_reason(client, auth, body):
    late = make_meeting(body, start_at=utcnow() + timedelta(hours=2))
    make_item(late, title=WORDY)
    db.session.commit()
    before = counts()
    refused = client.post(f"/api/v1/meetings/{late.id}/publish", headers=auth, json={})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "deadline_passed"
    assert counts() == before
    assert client.post(f"/api/v1/meetings/{late.id}/publish", headers=auth,
                       json={"override_reason": 7}).status_code == 422
    accepted = client.post(f"/api/v1/meetings/{late.id}/publish", headers=auth,
                           json={"override_reason": "Emergency water main repair needs council action"})
    assert accepted.status_code == 201, accepted.json
    tags = db.session.scalars(sa.select(ComplianceEntry.tag).where(ComplianceEntry.meeting_id == late.id)).all()
    assert "deadline:overridden" in tags


def test_users_are_untouched_by_api_errors(client, auth):
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    client.post("/api/v1/meetings", headers=auth, data="{", content_type="application/json")
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before


def test_public_reads_the_posted_agenda_until_the_amendment_is_published(client, auth, meeting):
    item = make_item(meeting, title=WORDY)
    db.session.commit()
    assert client.post(f"/api/v1/meetings/{meeting.id}/publish", headers=auth).status_code == 201
    client.patch(f"/api/v1/items/{item.id}", headers=auth, json={"title": WORDY + " (revised)"})
    public = app_client(client).get(f"/api/v1/meetings/{meeting.id}").json
    staff_view = app_client(client).get(f"/api/v1/meetings/{meeting.id}", headers=auth).json
    assert public["agenda_source"] == "posted" and staff_view["agenda_source"] == "working"
    assert public["sections"][5]["items"][0]["title"] == WORDY
    assert staff_view["sections"][5]["items"][0]["title"] == WORDY + " (revised)"
    assert public["sections"][5]["items"][0]["number"] == "6.a"
    client.post(f"/api/v1/meetings/{meeting.id}/publish", headers=auth, json={})
    public = app_client(client).get(f"/api/v1/meetings/{meeting.id}").json
    assert public["sections"][5]["items"][0]["title"] == WORDY + " (revised)"


def test_ids_beyond_a_database_integer_are_unknown_ids_for_every_method(client, auth):
    # The item's path has one rule per method; an id no row can have is a 404 for each
    # of them, not a 405 from the other rule, and never a database error.
    for huge in (2**31, 10**20):
        assert client.delete(f"/api/v1/items/{huge}", headers=auth).status_code == 404
        assert client.patch(f"/api/v1/items/{huge}", json={"title": "x"}, headers=auth).status_code == 404
        assert client.get(f"/meetings/{huge}").status_code == 404
        # The message names the id asked for, not the 0 the database was asked about.
        missing = client.patch(f"/api/v1/items/{huge}", json={"title": "x"}, headers=auth)
        assert f"with id {huge}." in missing.json["error"]["message"]

"""Changing an existing body's settings: the service, `PATCH /api/v1/bodies/<slug>` and the staff page.

Clerks keep their body's comment time and order and its default vote thresholds; the
timezone and the rule pack (the posting deadlines follow from them) are for admins.
Every refusal changes nothing.
"""
import pytest

from app.core.errors import ValidationFailed
from app.core.time import utcnow
from app.extensions import db
from app.meetings import services
from app.meetings.models import Body, CommentPolicy
from app.minutes.rules import DEFAULT_THRESHOLDS, MOTION_KINDS
from tests.conftest import csrf_from
from tests.factories import make_body

ROBERTS = dict(DEFAULT_THRESHOLDS)


def snapshot(body_id):
    db.session.expire_all()
    body = db.session.get(Body, body_id)
    return (body.timezone, body.rule_pack, body.comment_seconds, body.comment_policy,
            dict(body.default_thresholds))


# ---------------------------------------------------------------- the service

def test_a_new_body_takes_roberts_rules_unless_told_otherwise(app):
    plain = services.create_body(slug="plain", name="Plain Board", timezone="UTC", rule_pack="generic",
                                 actor="system", now=utcnow())
    assert plain.default_thresholds == ROBERTS
    strict = services.create_body(slug="strict", name="Strict Board", timezone="UTC", rule_pack="generic",
                                  default_thresholds={"reconsider": "two_thirds"}, actor="system", now=utcnow())
    assert strict.default_thresholds == {**ROBERTS, "reconsider": "two_thirds"}


def test_update_body_changes_only_what_differs_and_merges_thresholds(app):
    body = make_body()
    changed = services.update_body(body, {"comment_seconds": 90, "comment_policy": "alternate",
                                          "default_thresholds": {"table": "two_thirds"}},
                                   actor="system", now=utcnow())
    assert set(changed) == {"comment_seconds", "comment_policy", "default_thresholds"}
    assert body.comment_seconds == 90 and body.comment_policy == CommentPolicy.ALTERNATE
    assert body.default_thresholds == {**ROBERTS, "table": "two_thirds"}
    # Naming one kind leaves the others as they are.
    services.update_body(body, {"default_thresholds": {"main": "majority_of_full_body"}}, actor="system",
                         now=utcnow())
    assert body.default_thresholds == {**ROBERTS, "table": "two_thirds", "main": "majority_of_full_body"}
    again = services.update_body(body, {"comment_seconds": 90, "default_thresholds": {"table": "two_thirds"}},
                                 actor="system", now=utcnow())
    assert again == {}


@pytest.mark.parametrize("changes, message", [
    ({"default_thresholds": {"tabel": "two_thirds"}}, "not a kind of motion"),
    ({"default_thresholds": {"table": "three_quarters"}}, "'default_thresholds.table' must be one of"),
    ({"default_thresholds": ["two_thirds"]}, "must be an object"),
    ({"default_thresholds": {"main": None}}, "'default_thresholds.main' must be one of"),
    ({"comment_seconds": "90"}, "whole number"),
    ({"comment_seconds": True}, "whole number"),
    ({"comment_seconds": 5}, "between 10 and 3600"),
    ({"comment_policy": "loudest_first"}, "'comment_policy' must be one of"),
    ({"timezone": "Mars/Olympus"}, "not an IANA timezone"),
    ({"timezone": 5}, "IANA timezone name"),
    ({"rule_pack": "us-xx"}, "'rule_pack' must be one of"),
    ({"name": "Renamed"}, "Unknown field 'name'"),
])
def test_update_body_refuses_bad_values_and_changes_nothing(app, changes, message):
    body = make_body()
    db.session.commit()
    before = snapshot(body.id)
    # A good value next to the bad one is not applied either.
    with pytest.raises(ValidationFailed, match=message):
        services.update_body(body, {"comment_seconds": 300, **changes}, actor="system", now=utcnow())
    db.session.rollback()
    assert snapshot(body.id) == before


# ---------------------------------------------------------------- the API

@pytest.fixture
def body(app):
    body = make_body(slug="harbor-commission", rule_pack="us-ca-brown-act")
    db.session.commit()
    return body


def patch(client, slug, payload, headers):
    return client.patch(f"/api/v1/bodies/{slug}", json=payload, headers=headers)


def test_clerk_patches_comment_settings_and_thresholds(client, staff, body):
    clerk = staff.token_headers(staff.user("clerk", body=body))
    response = patch(client, body.slug, {"comment_seconds": 120, "comment_policy": "in_person_first",
                                         "default_thresholds": {"amendment": "two_thirds"}}, clerk)
    assert response.status_code == 200, response.text
    assert response.json["comment_seconds"] == 120 and response.json["comment_policy"] == "in_person_first"
    assert response.json["default_thresholds"] == {**ROBERTS, "amendment": "two_thirds"}
    assert set(response.json["default_thresholds"]) == set(MOTION_KINDS)
    assert client.get(f"/api/v1/bodies/{body.slug}").json["default_thresholds"]["amendment"] == "two_thirds"


def test_only_admins_change_the_timezone_and_rule_pack(client, staff, body):
    clerk = staff.token_headers(staff.user("clerk", body=body))
    before = snapshot(body.id)
    for payload in ({"rule_pack": "generic"}, {"timezone": "America/Chicago", "comment_seconds": 60}):
        refused = patch(client, body.slug, payload, clerk)
        assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert snapshot(body.id) == before
    admin = staff.token_headers(staff.user("admin"))
    response = patch(client, body.slug, {"timezone": "America/Chicago", "rule_pack": "us-il-oma"}, admin)
    assert response.status_code == 200, response.text
    assert response.json["timezone"] == "America/Chicago" and response.json["rule_pack"] == "us-il-oma"


@pytest.mark.parametrize("payload, field", [
    ({"default_thresholds": {"tabel": "two_thirds"}}, "default_thresholds.tabel"),
    ({"default_thresholds": {"table": "most"}}, "default_thresholds.table"),
    ({"default_thresholds": "two_thirds"}, "default_thresholds"),
    ({"default_thresholds": {"table": 2}}, "default_thresholds.table"),
    ({"comment_seconds": "ninety"}, "comment_seconds"),
    ({"comment_seconds": 4000}, "comment_seconds"),
    ({"comment_policy": None}, "comment_policy"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"slug": "new-slug"}, "slug"),
    ({}, None),
])
def test_bad_patches_are_422_and_change_nothing(client, staff, body, payload, field):
    admin = staff.token_headers(staff.user("admin"))
    before = snapshot(body.id)
    response = patch(client, body.slug, {"comment_seconds": 300, **payload} if payload else payload, admin)
    assert response.status_code == 422, response.text
    assert response.json["error"]["code"] == "invalid"
    if field:
        assert f"'{field}'" in response.json["error"]["message"]
    assert snapshot(body.id) == before


def test_patch_needs_json_a_known_body_and_a_role_on_it(client, staff, body):
    admin = staff.token_headers(staff.user("admin"))
    missing = patch(client, "no-such-body", {"comment_seconds": 60}, admin)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    not_json = client.patch(f"/api/v1/bodies/{body.slug}", data="comment_seconds=60", headers=admin)
    assert not_json.status_code in (400, 415, 422)
    assert patch(client, body.slug, {"comment_seconds": 60}, {}).status_code == 401
    for role, on in (("member", body), ("chair", body), ("clerk", make_body())):
        headers = staff.token_headers(staff.user(role, body=on))
        assert patch(client, body.slug, {"comment_seconds": 60}, headers).status_code == 403, role
    assert snapshot(body.id)[2] == 180


def test_create_body_through_the_api_with_default_thresholds(client, staff):
    admin = staff.token_headers(staff.user("admin"))
    response = client.post("/api/v1/bodies", json={
        "slug": "parks-board", "name": "Parks Board", "timezone": "America/Denver",
        "default_thresholds": {"reconsider": "two_thirds"}}, headers=admin)
    assert response.status_code == 201, response.text
    assert response.json["default_thresholds"] == {**ROBERTS, "reconsider": "two_thirds"}
    bad = client.post("/api/v1/bodies", json={"slug": "x-board", "name": "X", "timezone": "UTC",
                                               "default_thresholds": {"motion": "two_thirds"}}, headers=admin)
    assert bad.status_code == 422 and "default_thresholds.motion" in bad.json["error"]["message"]


# ---------------------------------------------------------------- the staff page

def settings_form(page, **overrides):
    data = {"settings-comment_seconds": "150", "settings-comment_policy": "fifo",
            **{f"settings-threshold_{kind}": "majority_of_votes_cast" for kind in MOTION_KINDS},
            "csrf_token": csrf_from(page.text)}
    data.update(overrides)
    return data


def test_clerk_edits_settings_from_the_bodies_page(client, staff, body):
    staff.login(staff.user("clerk", body=body))
    listing = client.get("/staff/bodies")
    assert f'href="/staff/bodies/{body.slug}/settings"' in listing.text
    page = client.get(f"/staff/bodies/{body.slug}/settings")
    assert page.status_code == 200
    assert 'name="settings-comment_seconds"' in page.text and 'name="settings-threshold_table"' in page.text
    # The timezone and the rule pack are shown, not offered.
    assert 'name="settings-timezone"' not in page.text and 'name="settings-rule_pack"' not in page.text
    assert body.timezone in page.text
    response = client.post(f"/staff/bodies/{body.slug}/settings", data=settings_form(
        page, **{"settings-threshold_table": "two_thirds", "settings-comment_policy": "alternate",
                 # Sent by hand: ignored, the clerk's form has no such fields.
                 "settings-timezone": "Asia/Tokyo", "settings-rule_pack": "generic"}))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/bodies#body-{body.slug}")
    timezone, rule_pack, seconds, policy, thresholds = snapshot(body.id)
    assert (timezone, rule_pack) == ("America/Los_Angeles", "us-ca-brown-act")
    assert seconds == 150 and policy == CommentPolicy.ALTERNATE
    assert thresholds == {**ROBERTS, "table": "two_thirds"}
    assert "Motion to table: Two-thirds of the votes cast" in client.get("/staff/bodies").text


def test_admin_changes_timezone_and_rule_pack_on_the_page(client, staff, body):
    staff.login(staff.user("admin"))
    page = client.get(f"/staff/bodies/{body.slug}/settings")
    assert 'name="settings-timezone"' in page.text and 'name="settings-rule_pack"' in page.text
    response = client.post(f"/staff/bodies/{body.slug}/settings", data=settings_form(
        page, **{"settings-timezone": "America/New_York", "settings-rule_pack": "us-ny-oml"}))
    assert response.status_code == 302
    assert snapshot(body.id)[:2] == ("America/New_York", "us-ny-oml")


@pytest.mark.parametrize("bad", [
    {"settings-comment_seconds": "5"}, {"settings-comment_seconds": "many"},
    {"settings-threshold_main": "unanimous"}, {"settings-comment_policy": "loudest"},
    {"settings-timezone": "Mars/Olympus"}, {"settings-rule_pack": "us-xx"},
])
def test_bad_settings_on_the_page_are_422_and_change_nothing(client, staff, body, bad):
    staff.login(staff.user("admin"))
    page = client.get(f"/staff/bodies/{body.slug}/settings")
    before = snapshot(body.id)
    form = settings_form(page, **{"settings-timezone": body.timezone, "settings-rule_pack": body.rule_pack})
    form.update(bad)
    response = client.post(f"/staff/bodies/{body.slug}/settings", data=form)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text or 'role="alert"' in response.text
    assert snapshot(body.id) == before


@pytest.mark.parametrize("role", ["other_clerk", "chair", "member"])
def test_the_page_is_for_the_bodys_clerk_and_admins(client, staff, body, role):
    on = make_body() if role == "other_clerk" else body
    staff.login(staff.user("clerk" if role == "other_clerk" else role, body=on))
    assert client.get(f"/staff/bodies/{body.slug}/settings").status_code == 403
    token = csrf_from(client.get("/staff").text)
    refused = client.post(f"/staff/bodies/{body.slug}/settings",
                          data={"settings-comment_seconds": "60", "csrf_token": token})
    assert refused.status_code == 403
    assert snapshot(body.id)[2] == 180


def test_unknown_body_settings_page_is_404(client, staff):
    staff.login(staff.user("admin"))
    assert client.get("/staff/bodies/no-such-body/settings").status_code == 404


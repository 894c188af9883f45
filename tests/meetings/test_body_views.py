"""Bodies and their members through the staff pages: admins create bodies, clerks add members."""
import sqlalchemy as sa

from app.compliance.rules import PACK_IDS
from app.extensions import db
from app.meetings.models import Body, Member
from tests.conftest import csrf_from
from tests.factories import make_body


def body_form(page, **overrides):
    data = {"body-name": "Harbor Commission", "body-slug": "harbor-commission",
            "body-timezone": "America/New_York", "body-rule_pack": "us-ny-oml",
            "body-comment_seconds": "120", "body-comment_policy": "alternate",
            "csrf_token": csrf_from(page.text)}
    data.update(overrides)
    return data


def test_admin_creates_a_body_with_its_template(client, staff):
    staff.login(staff.user("admin"))
    page = client.get("/staff/bodies")
    assert page.status_code == 200 and "New body" in page.text
    response = client.post("/staff/bodies", data=body_form(page))
    assert response.status_code == 302
    body = db.session.scalar(sa.select(Body).where(Body.slug == "harbor-commission"))
    assert body.timezone == "America/New_York" and body.rule_pack == "us-ny-oml"
    assert body.comment_seconds == 120 and body.comment_policy.value == "alternate"
    assert body.agenda_template, "the standard agenda template is copied in"
    assert set(PACK_IDS) >= {body.rule_pack}


def test_bad_body_input_is_refused_and_changes_nothing(client, staff):
    staff.login(staff.user("admin"))
    page = client.get("/staff/bodies")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Body))
    for bad in ({"body-timezone": "Mars/Olympus"}, {"body-slug": "Not A Slug"},
                {"body-comment_seconds": "5"}, {"body-rule_pack": "us-xx"}):
        response = client.post("/staff/bodies", data=body_form(page, **bad))
        assert response.status_code == 422, bad
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Body)) == before


def test_clerk_adds_a_member_to_their_own_body_only(client, staff):
    body, other = make_body(), make_body()
    clerk = staff.user("clerk", body=body)
    staff.login(clerk)
    page = client.get("/staff/bodies")
    assert page.status_code == 200 and body.name in page.text and other.name not in page.text
    assert "New body" not in page.text  # creating bodies is for admins
    token = csrf_from(page.text)
    response = client.post(f"/staff/bodies/{body.slug}/members", data={
        f"member-{body.id}-name": "Rosa Delgado", f"member-{body.id}-title": "Vice Mayor",
        f"member-{body.id}-seat": "District 3", "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Member).where(Member.name == "Rosa Delgado")).body_id == body.id
    refused = client.post(f"/staff/bodies/{other.slug}/members", data={
        f"member-{other.id}-name": "Intruder", "csrf_token": token})
    assert refused.status_code == 403
    assert client.post("/staff/bodies", data={"body-name": "X", "csrf_token": token}).status_code == 403
    empty = client.post(f"/staff/bodies/{body.slug}/members", data={"csrf_token": token})
    assert empty.status_code == 422
    assert client.post("/staff/bodies/no-such-body/members", data={"csrf_token": token}).status_code == 404

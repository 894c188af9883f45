"""Each proceedings action has its own compliance tag, with the evidence COMPLIANCE.md asks for."""
import sqlalchemy as sa

from app.compliance.models import ComplianceEntry
from app.extensions import db
from tests.conftest import csrf_from
from tests.minutes.helpers import act, move, tags
from tests.minutes.test_api import in_session


def entries(meeting, tag):
    return db.session.scalars(sa.select(ComplianceEntry).where(
        ComplianceEntry.meeting_id == meeting.id, ComplianceEntry.tag == tag).order_by(ComplianceEntry.seq)).all()


def test_recusal_revision_and_refused_vote_tags(client, staff, clerk, auth, meeting, members, item):
    in_session(client, auth, meeting, members)
    recused = client.post(f"/api/v1/meetings/{meeting.id}/recusals", headers=auth, json={
        "item_id": item.id, "member_id": members[4].id, "reason": "Owns property next to the site"})
    assert recused.status_code == 201
    [recusal] = entries(meeting, "recusal:declared")
    assert recusal.data["member_id"] == members[4].id and recusal.data["reason"] == "Owns property next to the site"

    motion = move(client, auth, meeting, item, members)
    # Through the console form: comment on the item was never opened, so the guard refuses.
    staff.login(clerk)
    page = client.get(f"/staff/meetings/{meeting.id}/proceedings")
    form = {"csrf_token": csrf_from(page.text), "method": "roll_call",
            **{f"vote-{m.id}": "aye" for m in members[:4]}}
    response = client.post(f"/staff/motions/{motion['id']}/vote", data=form, follow_redirects=True)
    assert response.status_code == 200
    [refusal] = entries(meeting, "vote:refused")
    assert refusal.data["code"] == "comment_not_closed" and refusal.data["motion_id"] == motion["id"]
    assert refusal.data["refusals"] and refusal.data["votes"][str(members[0].id)] == "aye"
    assert "vote:recorded" not in tags(meeting)

    act(client, auth, meeting, "adjourn")
    url = f"/api/v1/meetings/{meeting.id}/minutes"
    assert client.post(f"{url}/revisions", json={"html": "<p>One.</p>"}, headers=auth).status_code == 201
    assert client.post(f"{url}/revisions", json={"html": "<p>One.</p>"}, headers=auth).status_code == 200
    assert client.post(f"{url}/revisions", json={"html": "<p>Two.</p>"}, headers=auth).status_code == 201
    revised = entries(meeting, "minutes:revised")
    assert [e.data["revision"] for e in revised] == [1, 2]
    assert revised[1].data["previous_hash"] == revised[0].data["content_hash"]
    assert "proceedings:changed" in tags(meeting)  # lifecycle only
    assert all(e.data.get("action") not in ("recusal", "closed_session", "closed_session_report")
               for e in entries(meeting, "proceedings:changed"))

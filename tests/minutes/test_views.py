"""Minutes pages, vote exports, a member's voting history, and the clerk's console forms."""
import csv
import io
import re

from app.core.db import transaction
from app.core.time import utcnow
from app.extensions import db
from app.live import services as live
from app.minutes.models import Motion
from tests.conftest import csrf_from
from tests.minutes.helpers import act, all_present, attend, comment_period, fingerprint, move, vote
from tests.minutes.test_api import held_meeting, later_approval


def test_public_minutes_page_votes_and_exports(client, auth, body, meeting, members, item):
    motion = held_meeting(client, auth, meeting, members, item)
    page = client.get(f"/meetings/{meeting.id}/minutes")
    assert page.status_code == 200
    assert "have not been approved yet" in page.text
    assert members[2].name in page.text and "Adopted" in page.text

    url = f"/api/v1/meetings/{meeting.id}/minutes"
    client.post(f"{url}/revisions", json={"html": "<p>The council met.</p>"}, headers=auth)
    approving = later_approval(client, auth, body, members)
    client.post(f"{url}/approve", json={"approving_motion_id": approving["id"]}, headers=auth)
    page = client.get(f"/meetings/{meeting.id}/minutes")
    assert "<p>The council met.</p>" in page.text and f"motion {approving['id']}" in page.text

    exported = client.get(f"/meetings/{meeting.id}/votes.csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 5 and {r["motion_id"] for r in rows} == {str(motion["id"])}
    assert {r["member_name"]: r["vote"] for r in rows}[members[2].name] == "no"
    data = client.get(f"/meetings/{meeting.id}/votes.json").json
    assert data["motions"][0]["tally"]["aye"] == 3 and len(data["votes"]) == 5

    history = client.get(f"/members/{members[2].id}/votes")
    assert history.status_code == 200 and item.title in history.text and "No" in history.text


def test_csv_cells_cannot_run_as_formulas(client, auth, meeting, members, item):
    in_session = act(client, auth, meeting, "call_to_order")
    assert in_session.status_code == 200
    for member in members:
        attend(client, auth, meeting, member)
    comment_period(meeting, item)
    motion = move(client, auth, meeting, item, members, text="=HYPERLINK(\"http://x\")")
    vote(client, auth, motion["id"], {m.id: "aye" for m in members})
    text = client.get(f"/meetings/{meeting.id}/votes.csv").text
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_drafts_and_unknown_ids_are_404(client, body):
    from tests.factories import make_meeting

    draft = make_meeting(body)
    db.session.commit()
    for url in (f"/meetings/{draft.id}/minutes", f"/meetings/{draft.id}/votes.csv", "/meetings/999999/minutes",
                "/members/999999/votes"):
        assert client.get(url).status_code == 404


def test_console_is_for_the_bodys_clerk(client, staff, body, meeting, clerk):
    assert client.get(f"/staff/meetings/{meeting.id}/proceedings").status_code == 302
    staff.login(staff.user("chair", body=body))
    assert client.get(f"/staff/meetings/{meeting.id}/proceedings").status_code == 403


def test_console_forms_record_the_meeting(client, staff, clerk, meeting, members, item):
    staff.login(clerk)
    page = client.get(f"/staff/meetings/{meeting.id}/proceedings")
    assert page.status_code == 200 and "Call to order" in page.text
    token = csrf_from(page.text)
    base = f"/staff/meetings/{meeting.id}"
    assert client.post(f"{base}/proceedings", data={"action": "call_to_order", "csrf_token": token}).status_code == 303
    for member in members:
        client.post(f"{base}/attendance", data={"member_id": member.id, "attendance": "present:in_person",
                                                "csrf_token": token})
    comment_period(meeting, item)
    client.post(f"{base}/motions", data={"item_id": item.id, "text": "Approve.", "mover_id": members[0].id,
                                         "seconder_id": members[1].id, "csrf_token": token})
    motion = db.session.query(Motion).one()
    form = {f"vote-{m.id}": "aye" for m in members}
    response = client.post(f"/staff/motions/{motion.id}/vote", data={**form, "csrf_token": token},
                           follow_redirects=True)
    assert "Vote recorded." in response.text
    db.session.expire_all()
    assert db.session.get(Motion, motion.id).result.value == "adopted"


def test_console_errors_are_shown_and_change_nothing(client, staff, clerk, meeting):
    staff.login(clerk)
    token = csrf_from(client.get(f"/staff/meetings/{meeting.id}/proceedings").text)
    before = fingerprint(meeting.id)
    response = client.post(f"/staff/meetings/{meeting.id}/proceedings", data={"action": "adjourn",
                                                                              "csrf_token": token},
                           follow_redirects=True)
    assert "cannot adjourn" in response.text
    assert fingerprint(meeting.id) == before


def test_minutes_editor_saves_revisions_and_shows_the_history(client, staff, clerk, auth, meeting, members, item):
    held_meeting(client, auth, meeting, members, item)
    staff.login(clerk)
    page = client.get(f"/staff/meetings/{meeting.id}/minutes")
    assert page.status_code == 200 and "called to order" in page.text
    token = csrf_from(page.text)
    saved = client.post(f"/staff/meetings/{meeting.id}/minutes", data={"html": "<p>One</p>", "csrf_token": token},
                        follow_redirects=True)
    assert "Saved as a new revision." in saved.text
    client.post(f"/staff/meetings/{meeting.id}/minutes", data={"html": "<p>Two</p>", "csrf_token": token})
    history = client.get(f"/staff/meetings/{meeting.id}/minutes").text
    assert "Revision 2" in history and "+&lt;p&gt;Two&lt;/p&gt;" in history


def test_console_closed_session_forms(client, staff, clerk, meeting, members):
    from tests.factories import make_closed_session_item
    from tests.minutes.test_console_layout import check_forms

    closed = make_closed_session_item(meeting, "Existing litigation")
    db.session.commit()
    staff.login(clerk)
    base = f"/staff/meetings/{meeting.id}/proceedings"
    token = csrf_from(client.get(base).text)
    client.post(base, data={"action": "call_to_order", "csrf_token": token})
    page = client.get(base).text
    assert "Go into closed session" in page and "Existing litigation" in page
    assert 'id="closed-' in page and check_forms(page) == []  # laid out like every staff form
    client.post(base, data={"action": "closed_session", "item_ids": [str(closed.id)], "csrf_token": token})
    page = client.get(base).text
    assert "Report out of closed session" in page and 'value="adjourn"' not in page
    assert 'id="closed-report"' in page and check_forms(page) == []
    done = client.post(base, data={"action": "closed_session_report", "note": "Settlement approved 5-0.",
                                   "csrf_token": token}, follow_redirects=True)
    assert "Recorded." in done.text and 'value="adjourn"' in done.text
    client.post(base, data={"action": "recess", "csrf_token": token})
    page = client.get(base).text
    assert 'value="reconvene"' in page and check_forms(page) == []


def test_console_asks_before_adjourning_and_before_calling_a_meeting_to_order_early(client, staff, clerk,
                                                                                     meeting):
    from datetime import timedelta

    from app.core.time import utcnow

    staff.login(clerk)
    url = f"/staff/meetings/{meeting.id}/proceedings"
    button = re.compile(r'<button type="submit" name="action" value="call_to_order"([^>]*)>')
    assert "data-confirm" not in button.search(client.get(url).text).group(1)  # it starts within the hour
    meeting.start_at = utcnow() + timedelta(days=10)
    db.session.commit()
    asked = button.search(client.get(url).text).group(1)
    assert "This meeting is scheduled for" in asked and "Call it to order now?" in asked
    client.post(url, data={"action": "call_to_order", "csrf_token": csrf_from(client.get(url).text)})
    html = client.get(url).text
    assert re.search(r'value="adjourn" data-confirm="Adjourn the meeting\? This cannot be undone', html)
    assert "js/confirm-actions.js" in html and 'id="event-note"' in html
    client.post(url, data={"action": "adjourn", "csrf_token": csrf_from(html)})
    # Nothing is left to record with a note: no note field without a button to send it.
    assert 'id="event-note"' not in client.get(url).text


def test_the_console_tells_a_departure_from_a_mistaken_entry(client, staff, clerk, auth, meeting, members):
    act(client, auth, meeting, "call_to_order")
    attend(client, auth, meeting, members[0])
    staff.login(clerk)
    base = f"/staff/meetings/{meeting.id}"
    page = client.get(f"{base}/proceedings").text
    present_row = re.search(rf'<select id="att-{members[0].id}".*?</select>', page, re.S).group(0)
    assert "Left the meeting" in present_row and "recorded present by mistake" in present_row
    assert "Left the meeting" not in re.search(rf'<select id="att-{members[1].id}".*?</select>', page, re.S).group(0)
    response = client.post(f"{base}/attendance", data={"member_id": members[0].id, "attendance": "absent:mistake",
                                                        "csrf_token": csrf_from(page)})
    # Back to the member's row, not the top of a long page (a clerk on a tablet).
    assert response.headers["Location"].endswith(f"/proceedings#member-{members[0].id}")
    assert f"Attendance of {members[0].name} recorded." in client.get(response.headers["Location"]).text
    row = client.get(f"/api/v1/meetings/{meeting.id}/proceedings", headers=auth).json["attendance"][0]
    assert row["status"] == "absent" and row["arrived_at"] is None and row["left_at"] is None


def test_the_console_returns_to_what_was_changed_or_to_the_error(client, staff, clerk, auth, meeting, members,
                                                                  item):
    act(client, auth, meeting, "call_to_order")
    all_present(client, auth, meeting, members)
    with transaction():
        live.set_item(meeting, item_id=item.id, actor="chair", now=utcnow())
    staff.login(clerk)
    base = f"/staff/meetings/{meeting.id}"
    page = client.get(f"{base}/proceedings").text
    # The motion form starts on the item the chair has taken up.
    assert re.search(rf'<option value="{item.id}" selected>', page)
    token = csrf_from(page)
    made = client.post(f"{base}/motions", data={"item_id": item.id, "text": "Approve.", "mover_id": members[0].id,
                                                "seconder_id": members[1].id, "csrf_token": token})
    assert made.headers["Location"].endswith("/proceedings#motions-heading")
    refused = client.post(f"{base}/motions", data={"item_id": item.id, "text": "", "mover_id": members[0].id,
                                                   "csrf_token": token})
    assert refused.headers["Location"].endswith("/proceedings")  # the error is at the top


def test_the_minutes_say_their_language_on_a_page_in_another(client, auth, body, meeting, members, item):
    """The minutes are written in the body's language (English here): on a Spanish page the
    text carries lang="en", and the PDF link says it is in English (hreflang, and in words)."""
    from flask_babel import refresh

    held_meeting(client, auth, meeting, members, item)
    url = f"/api/v1/meetings/{meeting.id}/minutes"
    client.post(f"{url}/revisions", json={"html": "<p>The council met.</p>"}, headers=auth)
    approving = later_approval(client, auth, body, members)
    client.post(f"{url}/approve", json={"approving_motion_id": approving["id"]}, headers=auth)

    def page(lang):
        refresh()  # the locale is chosen again, as by a new request
        return client.get(f"/meetings/{meeting.id}/minutes?lang={lang}").text

    spanish = page("es")
    assert '<div class="minutes-text" lang="en"><p>The council met.</p></div>' in spanish
    link = re.search(r'<a href="/meetings/\d+/minutes.pdf"([^>]*)>([^<]*)</a>', spanish)
    assert 'hreflang="en"' in link.group(1) and link.group(2).endswith("inglés)")
    assert re.search(rf'<span lang="en">{re.escape(item.title)}</span></h3>', spanish)  # the motion's item
    english = page("en")
    assert '<div class="minutes-text"><p>The council met.</p></div>' in english
    link = re.search(r'<a href="/meetings/\d+/minutes.pdf"([^>]*)>([^<]*)</a>', english)
    assert 'hreflang="en"' in link.group(1) and link.group(2) == "Download the minutes as PDF"

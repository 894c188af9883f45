"""The clerk's agenda builder, driven through its HTML forms only (no JavaScript)."""
import io
import re

import pytest
from pypdf import PdfWriter

from app.compliance.models import ComplianceEntry
from app.extensions import db
from app.meetings.models import AgendaItem, Meeting, MeetingStatus
from tests.conftest import csrf_from
from tests.factories import NOW, make_body, make_item, make_meeting


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("app.meetings.staff_views.utcnow", lambda: NOW)
    monkeypatch.setattr("app.meetings.views.utcnow", lambda: NOW)


@pytest.fixture
def body():
    body = make_body(slug="springfield", name="Springfield City Council")
    db.session.commit()
    return body


@pytest.fixture
def clerk(staff, body):
    return staff.login(staff.user("clerk", body))


def pdf_bytes(pages=2):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def token(client, url="/staff"):
    return csrf_from(client.get(url).text)


def create_meeting(client, body, **overrides):
    data = {
        "body": body.slug, "kind": "regular", "title": "Regular Meeting of the City Council",
        "start_at": "2026-03-09T18:00", "end_at": "", "location": "Council Chambers, 100 Main St",
        "remote_url": "https://example.org/webinar", "dial_in": "+1 555 0100 code 1234",
        "remote_instructions": "Join the webinar or call in.",
        "accommodation_notice": "To request an accommodation, call the clerk at 555-0100.",
    }
    data.update(overrides)
    data["csrf_token"] = token(client, "/staff/meetings/new")
    return client.post("/staff/meetings/new", data=data)


def meeting_from(response):
    match = re.search(r"/staff/meetings/(\d+)/agenda", response.headers["Location"])
    return db.session.get(Meeting, int(match.group(1)))


def section_id(meeting, title):
    return next(s.id for s in meeting.sections if s.title == title)


def add_item(client, meeting, section, title, **fields):
    url = f"/staff/meetings/{meeting.id}/agenda"
    data = {"item-section_id": str(section), "item-title": title, "item-body_html": "",
            "item-recommended_action": "", "item-department": "", "item-fiscal_impact": "",
            "item-accepts_public_comment": "y", "item-estimated_minutes": "",
            "item-csrf_token": token(client, url)}
    data.update({f"item-{key}": value for key, value in fields.items()})
    return client.post(f"/staff/meetings/{meeting.id}/items", data=data)


def titles(meeting, section_title):
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    section = next(s for s in meeting.sections if s.title == section_title)
    return [item.title for item in section.items]


def publish(client, meeting, reason=""):
    data = {"publish-csrf_token": token(client, f"/staff/meetings/{meeting.id}/agenda")}
    if reason:
        data["publish-override_reason"] = reason
    return client.post(f"/staff/meetings/{meeting.id}/publish", data=data)


def test_the_whole_clerk_flow(client, clerk, body):
    # Create the meeting: a draft with the body's template sections, in local time.
    response = create_meeting(client, body)
    assert response.status_code == 302, response.text
    meeting = meeting_from(response)
    assert meeting.status == MeetingStatus.DRAFT
    assert meeting.start_at.isoformat() == "2026-03-10T01:00:00+00:00"  # 6 pm PDT = 01:00 UTC
    assert [s.title for s in meeting.sections][:2] == ["Call to Order", "Roll Call"]

    editor = client.get(f"/staff/meetings/{meeting.id}/agenda")
    assert editor.status_code == 200
    assert '<meta name="csrf-token"' in editor.text
    assert "agenda-editor.js" in editor.text
    # The Brown Act deadline for a regular meeting, 72 hours ahead, is shown before publishing.
    assert "Posting deadline:" in editor.text
    assert "Friday, March 6, 2026 at 5:00 PM PST" in editor.text  # 72 real hours across the DST change

    # Add items (rich text is sanitised on the way in).
    consent = section_id(meeting, "Consent Calendar")
    business = section_id(meeting, "New Business")
    for title in ("Approve minutes", "Approve warrants", "Accept donation"):
        assert add_item(client, meeting, consent, title).status_code == 302
    response = add_item(client, meeting, business, "Adopt the budget",
                        body_html='<p>Budget <script>alert(1)</script><strong>2026</strong></p>',
                        recommended_action="Adopt Resolution 2026-12.", department="Finance",
                        fiscal_impact="$1.2M", estimated_minutes="30")
    assert response.status_code == 302
    assert titles(meeting, "Consent Calendar") == ["Approve minutes", "Approve warrants", "Accept donation"]
    budget = db.session.scalar(db.select(AgendaItem).filter_by(title="Adopt the budget"))
    assert budget.body_html == "<p>Budget <strong>2026</strong></p>"
    assert budget.estimated_minutes == 30 and budget.department == "Finance"

    # Reorder without JavaScript: plain form buttons.
    donation = db.session.scalar(db.select(AgendaItem).filter_by(title="Accept donation"))
    response = client.post(f"/staff/items/{donation.id}/move",
                           data={"direction": "up", "csrf_token": token(client)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#item-{donation.id}")
    assert titles(meeting, "Consent Calendar") == ["Approve minutes", "Accept donation", "Approve warrants"]
    response = client.post(f"/staff/items/{donation.id}/move",
                           data={"to_section_id": str(business), "csrf_token": token(client)})
    assert response.status_code == 302
    assert titles(meeting, "New Business") == ["Adopt the budget", "Accept donation"]

    # Edit an item.
    url = f"/staff/items/{donation.id}/edit"
    page = client.get(url)
    assert page.status_code == 200 and 'value="Accept donation"' in page.text
    response = client.post(url, data={
        "item-csrf_token": csrf_from(page.text), "item-section_id": str(business),
        "item-title": "Accept a donation of books", "item-recommended_action": "Accept.",
        "item-department": "Library", "item-estimated_minutes": "5"})
    assert response.status_code == 302
    db.session.expire_all()
    donation = db.session.get(AgendaItem, donation.id)
    assert donation.title == "Accept a donation of books"
    assert donation.accepts_public_comment is False  # unticked checkbox

    # Upload a staff report.
    response = client.post(f"/staff/items/{budget.id}/attachments", data={
        "upload-csrf_token": token(client, f"/staff/items/{budget.id}/edit"),
        "upload-file": (io.BytesIO(pdf_bytes(3)), "Staff Report.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    page = client.get(f"/staff/items/{budget.id}/edit").text
    assert "Staff Report.pdf" in page

    # Publish: version 1, public.
    response = publish(client, meeting)
    assert response.status_code == 302, response.text
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == MeetingStatus.PUBLISHED and len(meeting.versions) == 1
    public = client.get(f"/meetings/{meeting.id}").text
    assert "Adopt the budget" in public and "Staff Report" in public
    assert "Posted at" in public

    # Amend: a change marks the agenda, publishing makes version 2.
    assert add_item(client, meeting, consent, "Late addition").status_code == 302
    editor = client.get(f"/staff/meetings/{meeting.id}/agenda").text
    assert "changed since it was posted" in editor and "Publish amended agenda" in editor
    assert publish(client, meeting).status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert [v.number for v in meeting.versions] == [1, 2]
    assert not meeting.has_unpublished_changes
    history = client.get(f"/meetings/{meeting.id}/versions").text
    assert "Version 2 (amended)" in history and "Late addition" in history


def test_late_publish_is_refused_then_overridden_with_a_logged_reason(client, clerk, body):
    # Tomorrow evening: far less than the Brown Act's 72 hours of notice.
    meeting = meeting_from(create_meeting(client, body, start_at="2026-03-03T18:00"))
    add_item(client, meeting, section_id(meeting, "New Business"), "Urgent contract")

    assert "The posting deadline has passed:" in client.get(f"/staff/meetings/{meeting.id}/agenda").text
    response = publish(client, meeting)
    assert response.status_code == 409
    assert "posting deadline has passed" in response.text
    assert 'name="publish-override_reason"' in response.text
    assert 'aria-describedby="deadline-error' in response.text
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).versions == []

    response = publish(client, meeting, reason="Contract expires Wednesday; counsel approved.")
    assert response.status_code == 302, response.text
    db.session.expire_all()
    version = db.session.get(Meeting, meeting.id).versions[0]
    assert version.override_reason == "Contract expires Wednesday; counsel approved."
    tags = db.session.scalars(db.select(ComplianceEntry.tag).filter_by(meeting_id=meeting.id)).all()
    assert "deadline:overridden" in tags
    assert "Contract expires Wednesday" in client.get(f"/meetings/{meeting.id}/versions").text


def test_delete_asks_for_confirmation(client, clerk, body):
    meeting = make_meeting(body)
    item = make_item(meeting, title="Doomed item")
    db.session.commit()
    page = client.get(f"/staff/items/{item.id}/delete")
    assert page.status_code == 200 and "Doomed item" in page.text
    assert db.session.get(AgendaItem, item.id) is not None
    response = client.post(f"/staff/items/{item.id}/delete", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id) is None


def test_invalid_input_is_shown_next_to_the_field(client, clerk, body):
    response = create_meeting(client, body, title="", start_at="not a date")
    assert response.status_code == 422
    assert 'aria-describedby="title-hint title-error"' in response.text
    assert 'id="start_at-error"' in response.text
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0

    meeting = make_meeting(body)
    db.session.commit()
    response = add_item(client, meeting, section_id(meeting, "New Business"), "")
    assert response.status_code == 422
    assert 'aria-describedby="item-title-hint item-title-error"' in response.text


def test_a_file_that_is_not_a_pdf_is_refused_with_a_clear_error(client, clerk, body):
    meeting = make_meeting(body)
    item = make_item(meeting)
    db.session.commit()
    response = client.post(f"/staff/items/{item.id}/attachments", data={
        "upload-csrf_token": token(client, f"/staff/items/{item.id}/edit"),
        "upload-file": (io.BytesIO(b"MZ not a pdf at all"), "report.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "not a PDF" in response.text
    assert 'aria-describedby="upload-file-hint upload-file-error"' in response.text
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).attachments == []


def test_cancel_needs_a_reason_and_is_shown_publicly(client, clerk, body):
    meeting = make_meeting(body, status=MeetingStatus.PUBLISHED)
    db.session.commit()
    url = f"/staff/meetings/{meeting.id}/agenda"
    response = client.post(f"/staff/meetings/{meeting.id}/cancel", data={
        "cancel-csrf_token": token(client, url), "cancel-action": "cancel", "cancel-reason": ""})
    assert response.status_code == 422
    response = client.post(f"/staff/meetings/{meeting.id}/cancel", data={
        "cancel-csrf_token": token(client, url), "cancel-action": "cancel",
        "cancel-reason": "No quorum expected."})
    assert response.status_code == 302
    assert "This meeting has been cancelled." in client.get(f"/meetings/{meeting.id}").text


def test_meeting_details_are_edited_in_local_time(client, clerk, body):
    meeting = make_meeting(body)
    db.session.commit()
    url = f"/staff/meetings/{meeting.id}/agenda"
    page = client.get(url).text
    assert 'value="2026-03-09T10:00"' in page  # NOW + 7 days = 10:00 PDT
    response = client.post(f"/staff/meetings/{meeting.id}/details", data={
        "details-csrf_token": csrf_from(page), "details-kind": "special", "details-title": "Special Meeting",
        "details-start_at": "2026-03-09T19:30", "details-location": "Library"})
    assert response.status_code == 302, response.text
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.title == "Special Meeting" and meeting.location == "Library"
    assert meeting.start_at.isoformat() == "2026-03-10T02:30:00+00:00"


def test_a_post_without_csrf_token_is_refused(client, clerk, body):
    meeting = make_meeting(body)
    db.session.commit()
    response = client.post(f"/staff/meetings/{meeting.id}/items", data={
        "item-section_id": str(meeting.sections[0].id), "item-title": "Sneaky"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(AgendaItem.id))) == 0


def test_a_clerk_of_another_body_is_forbidden(client, staff, body):
    meeting = make_meeting(body)
    item = make_item(meeting)
    db.session.commit()
    staff.login(staff.user("clerk", make_body()))
    assert client.get(f"/staff/meetings/{meeting.id}/agenda").status_code == 403
    assert client.get(f"/staff/items/{item.id}/edit").status_code == 403
    response = client.post(f"/staff/meetings/{meeting.id}/items", data={
        "item-csrf_token": token(client), "item-section_id": str(meeting.sections[0].id),
        "item-title": "Intruder"})
    assert response.status_code == 403
    response = client.post(f"/staff/meetings/{meeting.id}/publish", data={"csrf_token": token(client)})
    assert response.status_code == 403
    response = create_meeting(client, body)
    assert response.status_code == 422  # the other body is not a choice
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 1


def test_a_member_may_not_edit_the_agenda(client, staff, body):
    meeting = make_meeting(body)
    db.session.commit()
    staff.login(staff.user("member", body))
    assert client.get(f"/staff/meetings/{meeting.id}/agenda").status_code == 403
    assert client.get("/staff/meetings/new").status_code == 403
    assert client.get("/staff").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, body):
    meeting = make_meeting(body)
    db.session.commit()
    for url in ("/staff", "/staff/meetings/new", f"/staff/meetings/{meeting.id}/agenda"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_dashboard_lists_only_the_users_bodies(client, staff, body):
    mine = make_meeting(body, title="Our council meeting")
    make_meeting(make_body(), title="Their planning meeting")
    db.session.commit()
    staff.login(staff.user("clerk", body))
    html = client.get("/staff").text
    assert mine.title in html and "Their planning meeting" not in html
    assert f'href="/staff/meetings/{mine.id}/agenda"' in html
    assert '<th scope="col">' in html


def test_a_pdf_over_the_size_cap_is_refused(client, clerk, body, app):
    app.config["MAX_ATTACHMENT_BYTES"] = 500
    meeting = make_meeting(body)
    item = make_item(meeting)
    db.session.commit()
    response = client.post(f"/staff/items/{item.id}/attachments", data={
        "upload-csrf_token": token(client, f"/staff/items/{item.id}/edit"),
        "upload-file": (io.BytesIO(pdf_bytes(40)), "big.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert 'id="upload-file-error"' in response.text
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).attachments == []

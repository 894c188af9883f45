"""The public portal: home, meeting list, meeting page, version history."""
import re
from datetime import datetime, timedelta

import pytest

from app.core.time import UTC
from app.extensions import db
from app.meetings.models import AgendaVersion, Attachment, MeetingStatus
from tests.factories import NOW, make_body, make_item, make_meeting


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("app.meetings.views.utcnow", lambda: NOW)


def snapshot(meeting):
    from app.meetings.publishing import agenda_snapshot

    return agenda_snapshot(meeting)


def post_version(meeting, *, posted_at=NOW, override_reason=""):
    """Store a published version the way publishing does, without its deadline rules."""
    from app.compliance.chain import content_hash

    content = snapshot(meeting)
    version = AgendaVersion(meeting_id=meeting.id, number=len(meeting.versions) + 1, content=content,
                            content_hash=content_hash(content), posted_at=posted_at,
                            override_reason=override_reason)
    meeting.versions.append(version)
    if meeting.status == MeetingStatus.DRAFT:
        meeting.status = MeetingStatus.PUBLISHED
    meeting.has_unpublished_changes = False
    db.session.flush()
    return version


def published_meeting(**overrides):
    meeting = make_meeting(**overrides)
    make_item(meeting, title="Adopt the budget", body_html="<p>The <strong>budget</strong> for 2026.</p>",
              recommended_action="Adopt Resolution 2026-12.", department="Finance",
              fiscal_impact="None this year.", estimated_minutes=20)
    post_version(meeting, posted_at=NOW - timedelta(days=1))
    db.session.commit()
    return meeting


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_lists_upcoming_and_recent_public_meetings(client):
    body = make_body(name="Springfield City Council")
    upcoming = make_meeting(body, title="Budget Meeting", status=MeetingStatus.PUBLISHED,
                            start_at=NOW + timedelta(days=3))
    past = make_meeting(body, title="February Meeting", status=MeetingStatus.ADJOURNED,
                        start_at=NOW - timedelta(days=10))
    make_meeting(body, title="Secret Draft", status=MeetingStatus.DRAFT, start_at=NOW + timedelta(days=2))
    db.session.commit()

    html = client.get("/").text
    upcoming_part, recent_part = html.split('id="recent-heading"')
    assert upcoming.title in upcoming_part and past.title not in upcoming_part
    assert past.title in recent_part
    assert "Secret Draft" not in html
    assert html.count("<h1") == 1


def test_meeting_page_shows_the_published_agenda_in_local_time(client):
    meeting = published_meeting(start_at=datetime(2026, 3, 10, 2, 0, tzinfo=UTC))  # 6 pm PDT on the 9th
    response = client.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200
    html = response.text
    text = text_of(html)
    assert "Monday, March 9, 2026 at 7:00 PM PDT" in text or "Monday, March 9, 2026 at 6:00 PM PST" in text
    assert "Adopt the budget" in text and "Adopt Resolution 2026-12." in text
    assert "<strong>budget</strong>" in html  # sanitised rich text kept as HTML
    assert "Finance" in text and "None this year." in text
    assert "Council Chambers, 100 Main St" in text
    assert "https://example.org/webinar" in html and "+1 555 0100" in text
    assert "disability accommodation" in text
    assert f'href="/meetings/{meeting.id}/compliance"' in html
    assert f'href="/meetings/{meeting.id}/versions"' in html
    assert html.count("<h1") == 1


def test_once_a_meeting_is_over_its_page_leads_to_the_record_not_to_taking_part(client):
    meeting = published_meeting()
    html = client.get(f"/meetings/{meeting.id}").text
    assert "https://example.org/webinar" in html and f"/meetings/{meeting.id}/comment" in html
    assert f'href="/meetings/{meeting.id}/minutes"' not in html  # nothing to read before it sits
    meeting.status = MeetingStatus.ADJOURNED
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}").text
    assert "https://example.org/webinar" not in html and f"/meetings/{meeting.id}/comment" not in html
    assert f'href="/meetings/{meeting.id}/minutes"' in html
    assert f'href="/meetings/{meeting.id}/compliance"' in html


def test_meeting_page_uses_daylight_saving_offset_of_the_date(client):
    meeting = published_meeting(start_at=datetime(2026, 3, 3, 2, 0, tzinfo=UTC))
    assert "Monday, March 2, 2026 at 6:00 PM PST" in text_of(client.get(f"/meetings/{meeting.id}").text)
    summer = published_meeting(start_at=datetime(2026, 7, 8, 1, 0, tzinfo=UTC))
    assert "Tuesday, July 7, 2026 at 6:00 PM PDT" in text_of(client.get(f"/meetings/{summer.id}").text)


def test_meeting_page_shows_when_the_version_was_posted(client):
    meeting = published_meeting()
    text = text_of(client.get(f"/meetings/{meeting.id}").text)
    # NOW - 1 day = Sunday 2026-03-01 09:00 in Los Angeles
    assert "Posted at Sunday, March 1, 2026 at 9:00 AM PST" in text


def test_public_sees_the_published_version_not_the_working_copy(client):
    meeting = published_meeting()
    meeting.sections[5].items[0].title = "Unpublished new title"
    meeting.has_unpublished_changes = True
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}").text
    assert "Adopt the budget" in html and "Unpublished new title" not in html


def test_attachments_link_to_the_file_route(client):
    meeting = make_meeting()
    item = make_item(meeting, title="Zoning")
    db.session.add(Attachment(item_id=item.id, filename="staff report.pdf", title="Staff report",
                              sha256="a" * 64, size_bytes=2048, page_count=3, uploaded_at=NOW))
    db.session.flush()
    db.session.refresh(item)
    post_version(meeting)
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}").text
    attachment_id = item.attachments[0].id
    assert f'href="/meetings/{meeting.id}/attachments/{attachment_id}/staff%20report.pdf"' in html
    assert "3 pages" in html and "(in English)" not in html


def test_attachment_links_say_their_language_on_a_page_in_another(client):
    meeting = make_meeting()
    item = make_item(meeting, title="Zoning")
    db.session.add(Attachment(item_id=item.id, filename="report.pdf", title="Staff report",
                              sha256="a" * 64, size_bytes=2048, page_count=1, uploaded_at=NOW))
    post_version(meeting)
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}?lang=es").text
    assert 'type="application/pdf" hreflang="en"><span lang="en">Staff report</span></a>' in html
    assert "(PDF, 2 KB, 1 página)</span> <span class=\"muted\">(en inglés)</span>" in html


def test_draft_meeting_is_404_for_the_public(client):
    meeting = make_meeting(status=MeetingStatus.DRAFT)
    db.session.commit()
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    assert client.get(f"/meetings/{meeting.id}/versions").status_code == 404
    assert client.get("/meetings/999999").status_code == 404


def test_draft_meeting_is_visible_to_staff_of_its_body_only(client, staff):
    meeting = make_meeting(status=MeetingStatus.DRAFT, title="Draft for staff")
    clerk = staff.user("clerk", meeting.body)
    other_clerk = staff.user("clerk", make_body())
    db.session.commit()
    staff.login(other_clerk)
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    client.post("/logout", data={"csrf_token": _csrf(client)})
    staff.login(clerk)
    response = client.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200
    assert "Draft for staff" in response.text and "visible only to staff" in response.text
    assert f'href="/staff/meetings/{meeting.id}/agenda"' in response.text


def test_only_those_who_may_edit_get_the_editor_link(client, staff):
    meeting = make_meeting(status=MeetingStatus.PUBLISHED)
    member = staff.user("member", meeting.body)
    db.session.commit()
    assert "/staff/meetings/" not in client.get(f"/meetings/{meeting.id}").text
    staff.login(member)
    html = client.get(f"/meetings/{meeting.id}").text
    assert f'href="/staff/meetings/{meeting.id}/agenda"' not in html


def _csrf(client):
    from tests.conftest import csrf_from

    return csrf_from(client.get("/").text)


def test_meeting_list_filters_by_body_and_date(client):
    council = make_body(slug="council", name="City Council")
    planning = make_body(slug="planning", name="Planning Commission")
    make_meeting(council, title="Council March", status=MeetingStatus.PUBLISHED,
                 start_at=datetime(2026, 3, 10, 2, 0, tzinfo=UTC))  # March 9 local
    make_meeting(council, title="Council April", status=MeetingStatus.PUBLISHED,
                 start_at=datetime(2026, 4, 14, 1, 0, tzinfo=UTC))
    make_meeting(planning, title="Planning March", status=MeetingStatus.PUBLISHED,
                 start_at=datetime(2026, 3, 12, 2, 0, tzinfo=UTC))
    make_meeting(council, title="Council Draft", status=MeetingStatus.DRAFT)
    db.session.commit()

    html = client.get("/meetings").text
    assert all(t in html for t in ("Council March", "Council April", "Planning March"))
    assert "Council Draft" not in html

    html = client.get("/meetings?body=council").text
    assert "Council March" in html and "Council April" in html and "Planning March" not in html

    # March 9 local is March 10 in UTC: the filter works on the body's local dates.
    html = client.get("/meetings?body=council&from_date=2026-03-09&to_date=2026-03-09").text
    assert "Council March" in html and "Council April" not in html
    html = client.get("/meetings?from_date=2026-03-10&to_date=2026-03-31").text
    assert "Planning March" in html and "Council March" not in html
    # The calendar's first and last days as bounds: no bound at all, not an error.
    response = client.get("/meetings?body=council&from_date=0001-01-01&to_date=9999-12-31")
    assert response.status_code == 200
    assert "Council March" in response.text and "Council April" in response.text
    make_body(slug="tokyo", timezone="Asia/Tokyo")  # east of UTC: its first day begins before year 1 in UTC
    db.session.commit()
    assert client.get("/meetings?body=tokyo&from_date=0001-01-01").status_code == 200


def test_meeting_list_reports_bad_filters_next_to_the_field(client):
    response = client.get("/meetings?from_date=2026-04-01&to_date=2026-03-01")
    assert response.status_code == 422
    assert 'aria-describedby="to_date-error"' in response.text
    assert client.get("/meetings?body=nope").status_code == 422


def test_meeting_list_is_paginated(client, app):
    body = make_body(slug="council")
    for day in range(25):
        make_meeting(body, title=f"Meeting day {day:02d}", status=MeetingStatus.PUBLISHED,
                     start_at=NOW + timedelta(days=day))
    db.session.commit()
    first = client.get("/meetings?body=council").text
    assert "25 meetings" in text_of(first)
    assert "Meeting day 24" in first and "Meeting day 04" not in first
    assert 'href="/meetings?page=2&amp;body=council"' in first or \
        'href="/meetings?body=council&amp;page=2"' in first
    second = client.get("/meetings?body=council&page=2").text
    assert "Meeting day 04" in second and "Meeting day 24" not in second
    assert client.get("/meetings?page=9").status_code == 404
    assert client.get("/meetings?page=zero").status_code == 422


def test_version_history_shows_each_posting_and_what_changed(client):
    meeting = published_meeting()
    item = meeting.sections[5].items[0]
    item.title = "Adopt the amended budget"
    meeting.has_unpublished_changes = True
    post_version(meeting, posted_at=NOW, override_reason="Typo in the budget figure.")
    db.session.commit()

    html = client.get(f"/meetings/{meeting.id}/versions").text
    text = text_of(html)
    assert "Version 2 (amended)" in text and "Version 1 (first posting)" in text
    changes = text_of(html.split('class="changes"')[1].split("</ul>")[0])
    assert "before: Adopt the budget" in changes and "now: Adopt the amended budget" in changes
    assert "Typo in the budget figure." in text
    assert meeting.versions[0].content_hash in html
    assert text.index("Version 2") < text.index("Version 1")

    old = client.get(f"/meetings/{meeting.id}/versions/1").text
    assert "Adopt the budget" in old and "earlier version" in old
    current = client.get(f"/meetings/{meeting.id}").text
    assert "Adopt the amended budget" in current and "Amended agenda, version 2" in text_of(current)
    assert client.get(f"/meetings/{meeting.id}/versions/7").status_code == 404


def test_stored_markup_in_text_fields_is_escaped(client):
    meeting = make_meeting(title="<script>alert(1)</script>", location="<img src=x onerror=alert(1)>")
    make_item(meeting, title="<b>bold?</b>", recommended_action="<script>x()</script>")
    post_version(meeting)
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}").text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "<b>bold?</b>" not in html and "<script>x()" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_missing_page_is_not_called_a_fault(client):
    page = client.get("/meetings/999999")
    assert page.status_code == 404
    assert "<h1>Not found</h1>" in page.text and "Something went wrong" not in page.text


def page_in(client, path, lang):
    """The page in `lang`. (The tests' app context outlives a request, and Flask-Babel keeps
    the locale it chose there: forget it, as a new request would.)"""
    from flask_babel import refresh

    refresh()
    return client.get(f"{path}?lang={lang}").text


def marked(html):
    """The lang attribute of each piece of clerk-written content on the meeting page."""
    def lang_of(pattern):
        found = re.search(pattern, html, re.S)
        assert found, pattern
        return found.group(1)
    return {
        "title": lang_of(r'<h1 id="meeting-title"(?: lang="([\w-]+)")?>'),
        "item title": lang_of(r'<span class="item-number">[^<]*</span> <span(?: lang="([\w-]+)")?>Adopt the budget<'),
        "item body": lang_of(r'<div class="item-body"(?: lang="([\w-]+)")?>'),
        "recommended action": lang_of(r'<span(?: lang="([\w-]+)")?>Adopt Resolution 2026-12\.<'),
        "department": lang_of(r'<span(?: lang="([\w-]+)")?>Finance<'),
    }


def test_clerk_written_content_carries_its_language_on_a_page_in_another(client, app):
    """The agenda is written in the body's language (PACKET_LANGUAGE, else the default
    locale): on a Spanish page a screen reader must read "Adopt the budget" as English."""
    meeting = published_meeting()
    path = f"/meetings/{meeting.id}"
    assert set(marked(page_in(client, path, "en")).values()) == {None}  # the page's own language: nothing to say
    spanish = page_in(client, path, "es")
    assert '<html lang="es">' in spanish
    assert set(marked(spanish).values()) == {"en"}

    app.config["PACKET_LANGUAGE"] = "es"  # a body whose documents are written in Spanish
    assert set(marked(page_in(client, path, "es")).values()) == {None}
    assert set(marked(page_in(client, path, "en")).values()) == {"es"}
    app.config["PACKET_LANGUAGE"] = "es_MX"  # as Babel writes it: HTML wants BCP 47
    assert set(marked(page_in(client, path, "en")).values()) == {"es-MX"}


def test_the_comment_page_marks_the_item_titles_language(client):
    meeting = published_meeting()
    meeting.status = MeetingStatus.IN_PROGRESS
    db.session.commit()
    option = r'<option value="\d+" data-number="[^"]*" ?(?: lang="(\w+)")?>[^<]*Adopt the budget</option>'
    path = f"/meetings/{meeting.id}/comment"
    assert re.search(option, page_in(client, path, "es")).group(1) == "en"
    assert re.search(option, page_in(client, path, "en")).group(1) is None

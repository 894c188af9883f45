"""The agenda builder's Add item form keeps the section last added to, so a clerk adding
several items to one section picks it once: in Chromium, with and without JavaScript."""
import pytest

from tests.e2e.conftest import DESKTOP, query, sign_in

ITEMS_SQL = "SELECT i.title, i.section_id FROM agenda_items i WHERE i.meeting_id = :m AND i.title LIKE :t"


def draft_meeting(server):
    (draft,) = query(server, "SELECT m.id FROM meetings m WHERE m.status = 'draft' AND "
                             "EXISTS (SELECT 1 FROM agenda_items i WHERE i.meeting_id = m.id) ORDER BY m.id LIMIT 1")
    return draft.id


def add_item(page, title):
    page.fill("#item-title", title)
    with page.expect_navigation():
        page.click("#item-submit")
    assert "Item added." in page.inner_text("main"), page.inner_text("main")[:1000]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_add_item_keeps_the_section_last_added_to(browser, demo_server, javascript):
    meeting_id = draft_meeting(demo_server)
    sections = query(demo_server, "SELECT id, title FROM agenda_sections WHERE meeting_id = :m ORDER BY position",
                     m=meeting_id)
    target = next(s for s in sections[1:] if "Business" in s.title)
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=javascript)
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, demo_server, "clerk@example.gov")
        page.goto(f"{demo_server.url}/staff/meetings/{meeting_id}/agenda")
        assert page.input_value("#item-section_id") == str(sections[0].id)  # a fresh page starts at the top
        # The drag handles show only when the editor's script ran (under the strict CSP).
        assert page.locator(".drag-handle").first.is_visible() == javascript

        prefix = f"Section test ({'js' if javascript else 'no js'})"
        page.select_option("#item-section_id", str(target.id))
        add_item(page, f"{prefix} 1")
        assert page.input_value("#item-section_id") == str(target.id)
        add_item(page, f"{prefix} 2")  # the section is not picked again
        assert page.input_value("#item-section_id") == str(target.id)
        # Moving items about in between does not reset it (up, then back down).
        for direction in ("up", "down"):
            with page.expect_navigation():
                page.locator("li.editor-item", has_text=f"{prefix} 2").locator(f"button[value={direction}]").click()
            assert "Item moved." in page.inner_text("main")
            assert page.input_value("#item-section_id") == str(target.id)

        # Another section chosen is the one kept from then on.
        page.select_option("#item-section_id", str(sections[0].id))
        add_item(page, f"{prefix} 3")
        assert page.input_value("#item-section_id") == str(sections[0].id)
        assert not errors
    finally:
        context.close()
    added = {row.title: row.section_id for row in query(demo_server, ITEMS_SQL, m=meeting_id, t=f"{prefix}%")}
    assert added == {f"{prefix} 1": target.id, f"{prefix} 2": target.id, f"{prefix} 3": sections[0].id}


def test_an_unknown_section_in_the_address_is_ignored(browser, demo_server):
    meeting_id = draft_meeting(demo_server)
    (first,) = query(demo_server, "SELECT id FROM agenda_sections WHERE meeting_id = :m ORDER BY position LIMIT 1",
                     m=meeting_id)
    (other,) = query(demo_server, "SELECT id FROM agenda_sections WHERE meeting_id != :m LIMIT 1", m=meeting_id)
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        sign_in(page, demo_server, "clerk@example.gov")
        for value in (str(other.id), "not-a-number", "99999999"):
            response = page.goto(f"{demo_server.url}/staff/meetings/{meeting_id}/agenda?section={value}")
            assert response.status == 200
            assert page.input_value("#item-section_id") == str(first.id)
    finally:
        context.close()

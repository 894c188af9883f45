"""A clerk's morning in the browser: sign in, create a meeting, add an item, publish it."""
import re
from datetime import datetime, timedelta

from tests.e2e.conftest import DESKTOP, sign_in

ITEM_TITLE = "Approve a Professional Services Agreement for Library Roof Repairs"


def test_clerk_creates_builds_and_publishes_an_agenda(browser, demo_server):
    context = browser.new_context(viewport=DESKTOP)  # with the real CSP: the editor's scripts must obey it
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, demo_server, "clerk@example.gov")

        page.goto(demo_server.url + "/staff")
        page.get_by_role("link", name="New meeting").click()
        page.wait_for_url(re.compile(r"/staff/meetings/new$"))
        start = (datetime.now() + timedelta(days=30)).replace(hour=18, minute=0)
        page.select_option("#body", "city-council")
        page.select_option("#kind", "regular")
        page.fill("#title", "Regular Meeting of the City Council (browser test)")
        page.fill("#start_at", start.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#location", "Council Chambers, 200 East Mission Street")
        page.fill("#remote_url", "https://example.org/webinar")
        page.fill("#dial_in", "+1 669 555 0142")
        page.fill("#remote_instructions", "Join the webinar to comment remotely.")
        page.fill("#accommodation_notice", "Call the City Clerk 48 hours ahead for accommodations.")
        with page.expect_navigation():
            page.click("#submit")
        match = re.search(r"/staff/meetings/(\d+)/agenda", page.url)
        assert match, f"not redirected to the agenda editor: {page.url}\n{page.inner_text('main')[:1000]}"
        meeting_id = int(match.group(1))

        section = page.eval_on_selector(
            "#item-section_id", "s => [...s.options].find(o => o.text.includes('New Business')).value")
        page.select_option("#item-section_id", section)
        page.fill("#item-title", ITEM_TITLE)
        page.fill("#item-body_html", "<p>The roof over the children's room leaks.</p>")
        page.fill("#item-recommended_action", "Authorize the City Manager to execute the agreement.")
        page.fill("#item-department", "Public Works")
        page.fill("#item-fiscal_impact", "$48,000 from the Facilities Maintenance Fund.")
        page.fill("#item-estimated_minutes", "10")
        with page.expect_navigation():
            page.click("#item-submit")
        assert ITEM_TITLE in page.inner_text("main")

        with page.expect_navigation():
            page.get_by_role("button", name="Publish agenda").click()
        assert "Agenda published" in page.inner_text("body"), page.inner_text("main")[:1500]

        public = context.new_page()
        public.goto(f"{demo_server.url}/meetings/{meeting_id}")
        text = public.inner_text("main")
        assert ITEM_TITLE in text
        assert "Posted at" in text
        public.goto(f"{demo_server.url}/meetings/{meeting_id}/compliance")
        assert public.locator("main").count() == 1
    finally:
        context.close()
    assert not errors, errors

"""The resident's comment page in Chromium, with and without JavaScript."""
from tests.e2e.conftest import PHONE, query


def comment_url(server):
    (published,) = query(server, "SELECT id FROM meetings WHERE status = 'published' ORDER BY start_at LIMIT 1")
    return f"{server.url}/meetings/{published.id}/comment"


def test_without_javascript_the_page_says_joining_needs_it(browser, demo_server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(comment_url(demo_server))
        # (Playwright's text= engine does not look inside <noscript>.)
        assert page.is_visible("noscript p")
        assert "Joining the queue needs JavaScript" in page.inner_text("noscript p")
        assert not page.is_visible("#join-form")  # it could only reload the page
    finally:
        context.close()


def test_with_javascript_the_join_form_is_there(browser, demo_server):
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(comment_url(demo_server))
        page.wait_for_selector("#join-form", state="visible")
        assert not page.is_visible("noscript p")
    finally:
        page.close()

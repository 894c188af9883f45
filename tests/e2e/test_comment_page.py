"""The resident's comment page in Chromium, with and without JavaScript."""
import pytest

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
        said = page.locator("noscript p").all_inner_texts()
        assert said[0] == "Live updates need JavaScript; this page shows the state when it was loaded."
        assert "Joining the queue needs JavaScript" in said[1]
        assert page.inner_text("#connection") == ""  # never "connecting" when it cannot
        assert not page.is_visible("#join-form")  # it could only reload the page
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    """A page on a phone-sized screen, in a browser context of its own."""
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def test_with_javascript_the_join_form_is_there(phone, demo_server):
    phone.goto(comment_url(demo_server))
    phone.wait_for_selector("#join-form", state="visible")
    assert not phone.is_visible("noscript p")


def test_a_page_that_cannot_connect_says_so_and_sends_nothing(phone, demo_server):
    phone.route_web_socket("**/socket.io/**", lambda socket: socket.close())  # the network, say
    phone.goto(comment_url(demo_server))
    phone.wait_for_selector("#connection:has-text('Cannot reach the server for live updates. Still trying')")
    assert phone.get_attribute("#live", "data-offline") == "true"  # the controls look unavailable
    phone.click("#join-form button[type=submit]")
    phone.wait_for_selector("#join-error:has-text('Not connected, so nothing was sent')")


def test_a_page_the_server_turns_away_says_so(phone, demo_server):
    # The page asks for a meeting the server does not know (as if it had been deleted):
    # the server refuses the connection, and retrying would not help.
    phone.add_init_script("""new MutationObserver((changes, observer) => {
        const live = document.getElementById("live");
        if (live) { live.dataset.meeting = "999999"; observer.disconnect(); }
    }).observe(document, {childList: true, subtree: true});""")
    phone.goto(comment_url(demo_server))
    phone.wait_for_selector("#connection:has-text('The server turned this page away')")
    assert phone.get_attribute("#live", "data-offline") == "true"

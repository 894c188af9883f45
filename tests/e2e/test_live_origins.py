"""Which pages may open the live socket, on the real server.

The server accepts the Socket.IO connection only from its public address's origin;
on a local run that address is a loopback one, and a browser that opened the page
as http://localhost:<port> instead of http://127.0.0.1:<port> must still connect.
"""
import urllib.error
import urllib.request

from tests.e2e.conftest import query


def handshake(server, origin):
    """The Engine.IO polling handshake as a browser page at `origin` sends it."""
    request = urllib.request.Request(f"{server.url}/socket.io/?EIO=4&transport=polling",
                                     headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_loopback_names_are_accepted_and_other_origins_refused(demo_server):
    port = demo_server.url.rsplit(":", 1)[1]
    for origin in (demo_server.url, f"http://localhost:{port}", f"http://[::1]:{port}"):
        status, body = handshake(demo_server, origin)
        assert status == 200 and body.startswith("0{"), origin
    for origin in ("http://evil.example", f"http://localhost:{int(port) + 1}", f"https://127.0.0.1:{port}"):
        status, _ = handshake(demo_server, origin)
        assert status == 400, origin


def test_a_resident_page_opened_as_localhost_goes_live(browser, demo_server):
    (published,) = query(demo_server, "SELECT id FROM meetings WHERE status = 'published' ORDER BY start_at LIMIT 1")
    page = browser.new_page()
    try:
        page.goto(demo_server.url.replace("127.0.0.1", "localhost") + f"/meetings/{published.id}/comment")
        page.wait_for_selector("#connection:has-text('Connected')")
    finally:
        page.close()

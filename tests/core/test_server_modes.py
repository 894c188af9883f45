"""The real server process starts and serves in each supported async mode."""
import pytest

from tests.e2e.live_server import LiveServer, fetch, require_database

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("async_mode", ["eventlet", "gevent"])
def test_real_server_serves_health_and_pages(tmp_path, async_mode):
    require_database()
    with LiveServer(tmp_path, label=f"modes_{async_mode}", async_mode=async_mode) as server:
        server.migrate()
        server.start()

        status, headers, body = fetch(server.url + "/healthz")
        assert status == 200, body[-2000:] + server.log()
        assert '"database": "ok"' in body or '"database":"ok"' in body

        status, headers, body = fetch(server.url + "/")
        assert status == 200, body[-2000:] + server.log()
        assert headers["Content-Type"].startswith("text/html")
        assert "<main" in body

        status, _, body = fetch(server.url + "/login")
        assert status == 200, body[-2000:] + server.log()

        # The Socket.IO endpoint answers an Engine.IO handshake in this async mode.
        status, _, body = fetch(server.url + "/socket.io/?EIO=4&transport=polling")
        assert status == 200 and '"sid"' in body, body[-2000:] + server.log()
        assert f"async mode: {async_mode}" in server.log()

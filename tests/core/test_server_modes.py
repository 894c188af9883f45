"""The real server process starts and serves in each supported async mode."""
import os
import socket
import subprocess
import sys

import pytest

from tests.e2e.live_server import ROOT, LiveServer, fetch, require_database

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


def test_a_second_server_on_a_taken_port_stops_with_the_reason(tmp_path):
    """eventlet binds with SO_REUSEPORT: without the check a second process would share
    the port and split long-polling clients' requests between the two."""
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "DAIS_INSTANCE_DIR": str(tmp_path),
               "DATABASE_URL": f"sqlite:///{tmp_path / 'taken.sqlite3'}"}
        env.pop("REDIS_URL", None)
        result = subprocess.run([sys.executable, "wsgi.py"], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=120)
    assert result.returncode == 1
    assert f"Dais cannot start: 127.0.0.1:{port} is not free" in result.stderr

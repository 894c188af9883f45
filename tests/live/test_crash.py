"""Crash: the server is killed with SIGKILL mid-meeting and restarted. The queue is in
the database, so nothing is lost; clients reconnect by themselves, residents get
their places back with `resume`, and every client reaches the latest version."""
import json
import os
import signal
import subprocess
import sys

import pytest

from tests.e2e.live_server import LiveServer, require_database
from tests.live.test_js_client import SETUP, SOCKET_IO_CLIENT, ROOT, _need

pytestmark = pytest.mark.e2e

CLIENTS = ROOT / "tests" / "live" / "crash_clients.mjs"
RESIDENTS = 100
WATCHERS = 100


def _line(process, prefix):
    for line in process.stdout:
        if line.startswith(prefix + " "):
            return json.loads(line[len(prefix) + 1:])
    raise AssertionError(f"clients exited before {prefix}: {process.stderr.read()}")


def test_sigkill_loses_nobody_and_every_client_catches_up(tmp_path):
    require_database()
    _need(SOCKET_IO_CLIENT.exists(), "socket.io-client is not installed (make install-test)")
    with LiveServer(tmp_path) as server:
        setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=server.env,
                               capture_output=True, text=True, timeout=120)
        assert setup.returncode == 0, setup.stderr
        ids = json.loads(setup.stdout.strip().splitlines()[-1])
        server.start()
        clients = subprocess.Popen(
            ["node", str(CLIENTS), server.url, str(ids["meeting"]), str(ids["item"]), ids["token"],
             str(RESIDENTS), str(WATCHERS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            ready = _line(clients, "READY")
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
            server.start()
            clients.stdin.write("GO\n")
            clients.stdin.flush()
            done = _line(clients, "DONE")
            clients.wait(timeout=30)
        finally:
            if clients.poll() is None:
                clients.kill()
    before, after = ready["state"], done["afterRestart"]
    # Nothing lost, nothing reordered, the speaker and the running timer survived.
    assert after["version"] == before["version"]
    assert after["queue"] == before["queue"] and len(after["queue"]) == RESIDENTS - 1
    assert after["speaker"]["entry_id"] == ready["called"]["entry_id"]
    assert after["speaker"]["running"]
    # Every resident gets their own entry back.
    for joined, resumed in zip(ready["joins"], done["resumed"]):
        assert resumed["ok"] and resumed["entry"]["entry_id"] == joined["entry_id"]
    # Everyone reconnected and reached the version made after the restart.
    assert done["connected"] == RESIDENTS + WATCHERS + 1
    assert done["next"]["ok"] and set(done["versions"]) == {done["next"]["version"]}

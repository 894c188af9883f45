"""Two server processes sharing one database and Redis (REDIS_URL -> the Socket.IO
message queue): the chair on one process moves clients on the other, and clients on
either process see the same versions in the same order."""
import json
import subprocess
import sys

import pytest

from tests import dbs
from tests.e2e.live_server import LiveServer, require_database
from tests.live.test_js_client import ROOT, SETUP, SOCKET_IO_CLIENT, _need
from tests.live.versions import assert_nothing_missed

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

CLIENTS = ROOT / "tests" / "live" / "redis_clients.mjs"
RESIDENTS = 10


def test_two_processes_share_the_queue_through_redis(tmp_path):
    require_database()
    _need(SOCKET_IO_CLIENT.exists(), "socket.io-client is not installed (make install-test)")
    _need(dbs.redis_reachable(), f"Redis is not reachable at {dbs.REDIS_TEST_URL}")
    with LiveServer(tmp_path / "a", label="redis_a") as first, LiveServer(tmp_path / "b", label="redis_b") as second:
        for server in (first, second):
            server.env["REDIS_URL"] = dbs.REDIS_TEST_URL
        second.env["DATABASE_URL"] = first.database_url
        setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=first.env,
                               capture_output=True, text=True, timeout=120)
        assert setup.returncode == 0, setup.stderr
        ids = json.loads(setup.stdout.strip().splitlines()[-1])
        first.start()
        second.start()
        run = subprocess.run(["node", str(CLIENTS), first.url, second.url, str(ids["meeting"]),
                              str(ids["item"]), ids["token"], str(RESIDENTS)],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr + first.log() + second.log()
    report = json.loads(run.stdout)
    assert all(a["ok"] for a in report["acks"]), report["acks"]
    final = report["final"]
    assert final == RESIDENTS + 3
    on_b = [c for c in report["clients"] if c["server"] == "B"]
    assert on_b and any(c["name"] == "display" for c in on_b)
    assert_nothing_missed(report["clients"], final)
    lasts = [{k: v for k, v in client["last"].items() if k != "previous_version"} for client in report["clients"]]
    assert all(last == lasts[0] for last in lasts)
    assert lasts[0]["speaker"] is None and len(lasts[0]["queue"]) == RESIDENTS - 1

"""Two server processes sharing one database and Redis (REDIS_URL -> the Socket.IO
message queue): the chair on one process moves clients on the other, and clients on
either process see the same versions in the same order."""
import json
import subprocess
import sys
import uuid

import pytest

from tests import dbs
from tests.e2e.live_server import LiveServer, require_database
from tests.live.test_js_client import ROOT, SETUP, SOCKET_IO_CLIENT, _need
from tests.live.versions import assert_nothing_missed

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

CLIENTS = ROOT / "tests" / "live" / "redis_clients.mjs"
JOIN_BURST = ROOT / "tests" / "live" / "join_burst.mjs"
RESIDENTS = 10


def two_processes(tmp_path, **settings):
    """Two servers on one database and one Redis, with `settings` in both's environment."""
    require_database()
    _need(SOCKET_IO_CLIENT.exists(), "socket.io-client is not installed (make install-test)")
    _need(dbs.redis_reachable(), f"Redis is not reachable at {dbs.REDIS_TEST_URL}")
    first, second = LiveServer(tmp_path / "a", label="redis_a"), LiveServer(tmp_path / "b", label="redis_b")
    # A channel of their own: other tests' pairs, run at the same time on the same Redis,
    # have meetings with the same ids.
    channel = f"dais-test-{uuid.uuid4().hex}"
    for server in (first, second):
        server.env["REDIS_URL"] = dbs.REDIS_TEST_URL
        server.env["SOCKETIO_CHANNEL"] = channel
        server.env.update(settings)
    second.env["DATABASE_URL"] = first.database_url
    return first, second


def set_up(server):
    setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=server.env,
                           capture_output=True, text=True, timeout=120)
    assert setup.returncode == 0, setup.stderr
    return json.loads(setup.stdout.strip().splitlines()[-1])


def test_two_processes_share_the_queue_through_redis(tmp_path):
    first, second = two_processes(tmp_path)
    with first, second:
        ids = set_up(first)
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


def test_joins_from_one_address_are_limited_across_processes(tmp_path):
    """A burst from one address split over two processes is held to the one limit:
    each join takes its place in Redis before it is tried, not after it went in."""
    first, second = two_processes(tmp_path, LIVE_JOINS_PER_ADDRESS="6 per minute")
    # The counts live a minute in Redis, and every run's meeting has the same id.
    import redis

    store = redis.Redis.from_url(dbs.REDIS_TEST_URL)
    for key in store.scan_iter(match="*live-join*"):
        store.delete(key)
    with first, second:
        ids = set_up(first)
        first.start()
        second.start()
        run = subprocess.run(["node", str(JOIN_BURST), first.url, second.url, str(ids["meeting"]),
                              str(ids["item"]), "16"], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr + first.log() + second.log()
    answers = json.loads(run.stdout)
    assert sorted(answers) == ["ok"] * 6 + ["rate_limited"] * 10, answers

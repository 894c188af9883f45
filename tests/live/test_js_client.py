"""End to end: the real server (eventlet) and the official JavaScript client.

Residents join concurrently, the chair calls speakers; every client receives
every version once and in order, and all end on the same state.
"""
import json
import shutil
import subprocess
import sys

import pytest

from tests import dbs
from tests.e2e.live_server import ROOT, LiveServer, require_database
from tests.live.versions import assert_nothing_missed

pytestmark = pytest.mark.e2e

CLIENTS = ROOT / "tests" / "live" / "live_clients.mjs"
SOCKET_IO_CLIENT = ROOT / "tests" / "js" / "node_modules" / "socket.io-client"
RESIDENTS = 12

# Builds the schema from the models and one live meeting; prints the ids the clients need.
SETUP = """
import json
from app import create_app
from app.extensions import db
from app.meetings.models import MeetingStatus
from tests.factories import make_item, make_meeting, make_token, make_user
app = create_app(SOCKETIO_ASYNC_MODE="threading")
with app.app_context():
    db.create_all()
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    item = make_item(meeting)
    token = make_token(make_user(role="chair", body=meeting.body))
    db.session.commit()
    print(json.dumps({"meeting": meeting.id, "item": item.id, "token": token}))
"""


def _need(condition, reason):
    if not condition:
        if dbs.in_ci():
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)


def test_everyone_receives_the_same_versions_in_order(tmp_path):
    require_database()
    _need(shutil.which("node"), "node is not installed")
    _need(SOCKET_IO_CLIENT.exists(), "socket.io-client is not installed (make install-test)")
    with LiveServer(tmp_path) as server:
        setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=server.env,
                               capture_output=True, text=True, timeout=120)
        assert setup.returncode == 0, setup.stderr
        ids = json.loads(setup.stdout.strip().splitlines()[-1])
        server.start()
        run = subprocess.run(["node", str(CLIENTS), server.url, str(ids["meeting"]), str(ids["item"]),
                              ids["token"], str(RESIDENTS)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr + server.log()
    report = json.loads(run.stdout)
    acks = report["acks"]
    assert acks["open"]["ok"] and all(join["ok"] for join in acks["joins"])
    assert sorted(join["entry"]["position"] for join in acks["joins"]) != []
    first = min(acks["joins"], key=lambda join: join["entry"]["entry_id"])
    assert acks["call1"] == {"ok": True, "entry_id": first["entry"]["entry_id"], "version": RESIDENTS + 2}
    final = acks["call2"]["version"]
    assert final == RESIDENTS + 4

    # Every client got the same states in order, missing none, from the moment it connected...
    assert_nothing_missed(report["clients"], final)
    finals = []
    for client in report["clients"]:
        assert client["synced"]["ok"] and client["synced"]["state"]["version"] == final
        state = {k: v for k, v in client["last"].items() if k != "previous_version"}
        state["speaker"] = {k: v for k, v in state["speaker"].items() if k != "remaining_seconds"}
        finals.append(state)
    # ...and everyone ends with the same state.
    assert all(state == finals[0] for state in finals)
    assert [entry["position"] for entry in finals[0]["queue"]] == list(range(1, RESIDENTS - 1))

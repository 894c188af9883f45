"""The pages' live client (static/js/live-common.js) keeps the newest state when a
`sync` reply and a broadcast cross: run under node against a scripted socket."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import dbs

SCRIPT = Path(__file__).parent / "sync_order.cjs"


@pytest.fixture(scope="module")
def results():
    if not shutil.which("node"):
        if dbs.in_ci():
            pytest.fail("CI=true: node is not installed")
        pytest.skip("node is not installed")
    run = subprocess.run(["node", str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_a_sync_reply_older_than_a_state_received_since_is_dropped(results):
    # Taken, it would put back the state before a call the page has already shown.
    assert results["older_reply_after_newer_state"] == {"shown": [10, 12, 13], "held": 13}


def test_a_sync_reply_is_taken_whatever_its_version_when_nothing_arrived_since(results):
    assert results["reply_with_nothing_since"] == {"shown": [10, 12, 4], "held": 4}


def test_a_missed_version_asks_for_sync(results):
    assert results["gap_then_newer_reply"] == {"shown": [3, 6, 7], "held": 7}


def test_the_state_sent_on_reconnecting_is_taken_without_asking_for_sync(results):
    assert results["state_on_reconnecting"] == {"shown": [10, 14], "held": 14, "syncs": 0}
    # Whatever its version: it is the server's whole state.
    assert results["older_state_on_reconnecting"] == {"shown": [10, 3], "held": 3, "syncs": 0}


def test_a_broadcast_ahead_of_the_state_sent_on_reconnecting_is_kept(results):
    assert results["broadcast_before_state_on_reconnecting"] == {"shown": [10, 12], "held": 12, "syncs": 0}
    assert results["older_whole_state_while_connected"] == {"shown": [10], "held": 10}

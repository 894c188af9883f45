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
    assert results["older_reply_after_newer_state"] == {"shown": [10, 11], "held": 11}


def test_a_sync_reply_is_taken_whatever_its_version_when_nothing_arrived_since(results):
    assert results["reply_with_nothing_since"] == {"shown": [10, 4], "held": 4}


def test_a_missed_version_asks_for_sync(results):
    assert results["gap_then_newer_reply"] == {"shown": [3, 6, 7], "held": 7}

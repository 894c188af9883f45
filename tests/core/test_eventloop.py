"""Database calls must not block the event loop (ARCHITECTURE.md, convention 7).

Each check runs in a fresh interpreter that patches the standard library the way
wsgi.py does before anything else is imported, then runs a slow query in one
green thread while another ticks every 10 ms. If the query blocked the loop, the
ticker would stand still for the whole half second.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import dbs

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
SLEEP_SECONDS = 0.5
MIN_TICKS = 20  # of the ~50 possible at one tick per 10 ms

PROBE = r"""
import os, sys, time
mode, url = sys.argv[1], sys.argv[2]

# The start of wsgi.py, verbatim in effect: wait function, then monkey-patching.
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_selector")
if mode == "eventlet":
    import eventlet
    eventlet.monkey_patch()
    spawn, sleep = eventlet.spawn, eventlet.sleep
else:
    from gevent import monkey
    monkey.patch_all()
    import gevent
    spawn, sleep = gevent.spawn, gevent.sleep

import sqlalchemy as sa
from app import create_app
from app.extensions import db
from config import TestConfig

app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, SOCKETIO_ASYNC_MODE=mode)
ticks = []
state = {"running": True}

def ticker():
    while state["running"]:
        ticks.append(time.monotonic())
        sleep(0.01)

def query():
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))  # connect first: only the sleep is timed
        started = time.monotonic()
        db.session.execute(sa.text("SELECT pg_sleep(%s)" % SLEEP))
        finished = time.monotonic()
        db.session.remove()
    return started, finished

SLEEP = float(sys.argv[3])
tick_thread = spawn(ticker)
query_thread = spawn(query)
started, finished = query_thread.wait() if mode == "eventlet" else query_thread.get()
state["running"] = False
(tick_thread.wait() if mode == "eventlet" else tick_thread.join())
during = sum(1 for t in ticks if started <= t <= finished)
print(f"ticks={during} query_seconds={finished - started:.3f}")
"""


def run_probe(mode, url, wait_func=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PSYCOPG_WAIT_FUNC", None)
    if wait_func:
        env["PSYCOPG_WAIT_FUNC"] = wait_func
    result = subprocess.run([sys.executable, "-c", PROBE, mode, url, str(SLEEP_SECONDS)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    line = result.stdout.strip().splitlines()[-1]
    fields = dict(part.split("=") for part in line.split())
    return int(fields["ticks"]), float(fields["query_seconds"])


@pytest.fixture(scope="module")
def postgres_url():
    if not dbs.postgres_reachable():
        if dbs.in_ci():
            pytest.fail("CI=true but PostgreSQL is not reachable at " + dbs.POSTGRES_ADMIN_URL)
        pytest.skip("PostgreSQL is not reachable")
    url = dbs.create_postgres_database("eventloop")
    yield url
    dbs.drop_postgres_database(url)


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_slow_query_does_not_block_the_event_loop(postgres_url, mode):
    ticks, seconds = run_probe(mode, postgres_url)
    assert seconds >= SLEEP_SECONDS * 0.9, "the query did not actually wait"
    assert ticks >= MIN_TICKS, f"{mode}: only {ticks} ticks during a {seconds:.2f}s query: the loop was blocked"


def test_probe_detects_a_blocking_wait(postgres_url):
    """Control: psycopg's C wait function bypasses eventlet's patches, and the probe sees it."""
    ticks, seconds = run_probe("eventlet", postgres_url, wait_func="wait_c")
    assert seconds >= SLEEP_SECONDS * 0.9
    assert ticks < MIN_TICKS, f"{ticks} ticks with a blocking wait: the probe cannot tell blocking apart"

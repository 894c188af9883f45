"""Live-queue benchmark: `python -m bench live [--quick]`.

Real Socket.IO clients (the official `socket.io-client`, websocket transport, many
connections in one Node process, bench/js/live_clients.mjs) talk over 127.0.0.1 to
two servers started by this module, side by side in the same run:

- Dais: `python wsgi.py` (eventlet by default), on PostgreSQL when it is reachable,
  with one meeting in progress, comment open on an item, a chair API token, and
  no limit on joins per client address (every simulated resident is 127.0.0.1);
- bare: bench/live_bare.py, python-socketio on the same async mode with no Flask,
  database or rules, broadcasting a payload of the same size (the very state Dais
  just sent) on a `trigger` event and acknowledging `echo`.

Measured:
1. `state` delivery latency from the chair's `call_next` (bare: `trigger`) to every
   connected resident, p50/p99, and the server process's CPU time per delivered
   message (scheduler counters of every thread, /proc/<pid>/task/*/schedstat), for
   N connected residents. Rounds alternate Dais and bare, so noise hits both.
   Between rounds one more resident joins, so the queue (and the payload) keeps
   the same length.
2. The event loop (PostgreSQL only): `sync` round trips of other clients while
   four `join_queue` events wait in PostgreSQL for the meeting row, which this
   module holds locked from its own connection (no debug hook in Dais), against
   the same probes with no slow query.
3. A burst of residents joining within one second: Dais `join_queue` acks against
   bare `echo` acks, and (PostgreSQL only) against the bare server's `write`: the
   least a durable, logged join can do, to show how much of the gap is Dais's own.

Everything runs in a temporary directory and a throw-away database, binds only
127.0.0.1, has timeouts everywhere and stops every process it started.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_CLIENTS = ROOT / "bench" / "js" / "live_clients.mjs"
SOCKET_IO_CLIENT = ROOT / "tests" / "js" / "node_modules" / "socket.io-client"
BARE_SERVER = ROOT / "bench" / "live_bare.py"

TARGET_P99_RATIO = 1.5
TARGET_BURST_RATIO = 2.0
TARGET_EXTRA_WAIT_MS = 50.0
LOCK_HOLD_LIMIT_SECONDS = 30

# One live meeting with three agenda items that take comment, and a chair's API token.
SETUP = """
import json
from app import create_app
from app.extensions import db
from app.meetings.models import MeetingStatus
from tests.factories import make_item, make_meeting, make_token, make_user
app = create_app(SOCKETIO_ASYNC_MODE="threading")
with app.app_context():
    db.create_all()
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS, title="Benchmark meeting")
    items = [make_item(meeting, title=f"Item {n}") for n in (1, 2, 3)]
    token = make_token(make_user(role="chair", body=meeting.body))
    db.session.commit()
    print(json.dumps({"meeting": meeting.id, "items": [item.id for item in items], "token": token}))
"""

# The event-loop phase runs once, with `event_loop_at` residents connected.
FULL = dict(sizes=[100, 500, 1000, 2000], rounds=15, queue=40, burst=500, alone=30, probes=10, probe_window_ms=2500,
            event_loop_at=500, event_loop_pairs=3)
QUICK = dict(sizes=[50, 200], rounds=5, queue=10, burst=100, alone=10, probes=5, probe_window_ms=1500, event_loop_at=200,
             event_loop_pairs=2)


def resolve_backend(choice):
    """The database a bench run uses: PostgreSQL when reachable, unless told otherwise."""
    sys.path.insert(0, str(ROOT))
    from tests import dbs  # the test suite's helpers make and drop throw-away databases

    backend = choice
    if backend == "auto":
        backend = "postgresql" if dbs.postgres_reachable() else "sqlite"
    os.environ["DAIS_TEST_DB"] = backend
    return backend


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench live", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small N and few rounds: a smoke run")
    parser.add_argument("--sizes", type=lambda s: [int(n) for n in s.split(",")], help="e.g. 100,500,1000,2000")
    parser.add_argument("--rounds", type=int, help="timed broadcasts per N and server")
    parser.add_argument("--burst", type=int, help="residents in the join burst (0: skip)")
    parser.add_argument("--db", choices=("auto", "postgresql", "sqlite"), default="auto",
                        help="Dais's database (auto: PostgreSQL when reachable)")
    parser.add_argument("--async-mode", default=os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet"),
                        choices=("eventlet", "gevent"))
    parser.add_argument("--json", action="store_true", help="also print the raw results as JSON")
    parser.add_argument("--profile", metavar="FILE",
                        help="record Dais's server with py-spy into FILE (collapsed stacks; a .json FILE: speedscope, "
                             "samples in time order); needs py-spy on PATH; BENCH_PROFILE_RATE sets samples a second (250)")
    args = parser.parse_args(argv)

    settings = dict(QUICK if args.quick else FULL)
    for name in ("sizes", "rounds", "burst"):
        if getattr(args, name) is not None:
            settings[name] = getattr(args, name)
    # Each round one more resident joins a queue kept `queue` long, so every N must
    # have that many residents to draw on.
    needed = settings["queue"] + settings["rounds"]
    if min(settings["sizes"]) < needed:
        parser.error(f"every N in --sizes must be at least {needed} (a queue of {settings['queue']} "
                     f"plus one join per round)")
    missing = _missing_tools()
    if missing:
        print(f"bench live: {missing}", file=sys.stderr)
        return 2
    backend = resolve_backend(args.db)
    workdir = Path(tempfile.mkdtemp(prefix="dais-bench-live-"))
    try:
        results = Run(workdir, settings, backend=backend, async_mode=args.async_mode, profile=args.profile).run()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=1))
    print_table(results, settings, backend, args.async_mode)
    return 0 if results.get("targets_met") else 1


def _missing_tools():
    if shutil.which("node") is None:
        return "node is not installed"
    if not SOCKET_IO_CLIENT.exists():
        return "socket.io-client is not installed (run `make install-test`)"
    return None


class Run:
    def __init__(self, workdir, settings, *, backend, async_mode, profile=None):
        self.profile = profile
        self.workdir = workdir
        self.settings = settings
        self.backend = backend
        self.async_mode = async_mode
        self.bare = None
        self.lock = None

    def run(self):
        from tests.e2e.live_server import LiveServer, free_port

        with LiveServer(self.workdir, label="bench", async_mode=self.async_mode) as dais:
            setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=dais.env,
                                   capture_output=True, text=True, timeout=180)
            if setup.returncode != 0:
                raise RuntimeError(f"seeding failed:\n{setup.stderr}")
            ids = json.loads(setup.stdout.strip().splitlines()[-1])
            dais.start()
            profiler = None
            try:
                # The durable-write baseline shares PostgreSQL (its own tables in the same
                # throw-away database); on SQLite there is none.
                self._start_bare(free_port(), dais.database_url if self.backend == "postgresql" else None)
                if self.profile:
                    profiler = subprocess.Popen(
                        ["py-spy", "record", "--pid", str(dais.process.pid), "--rate", os.environ.get("BENCH_PROFILE_RATE", "250"), "--nonblocking",
                         # speedscope keeps the samples in time order (idle ones too), raw adds them up
                         *(["--format", "speedscope", "--idle"] if self.profile.endswith(".json")
                           else ["--format", "raw"]),
                         "--output", str(Path(self.profile).resolve())],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                results = self._drive(dais, ids)
            finally:
                if profiler is not None:
                    profiler.send_signal(signal.SIGINT)
                    profiler.wait(timeout=30)
                self._stop_bare()
                self._release_lock()
            results["dais_log_tail"] = dais.log()[-2000:]
        results["targets_met"] = targets_met(results, self.settings)
        return results

    # -- the bare server ---------------------------------------------------------------
    def _start_bare(self, port, database_url=None):
        self.bare_port = port
        self.bare_durable = database_url is not None
        url = [database_url.replace("postgresql+psycopg://", "postgresql://")] if database_url else []
        self.bare = subprocess.Popen([sys.executable, str(BARE_SERVER), str(port), self.async_mode, *url], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     start_new_session=True)
        line = self.bare.stdout.readline()
        if line.strip() != "READY":
            raise RuntimeError("the bare server did not start")
        time.sleep(0.3)

    def _stop_bare(self):
        if self.bare is not None and self.bare.poll() is None:
            os.killpg(self.bare.pid, signal.SIGTERM)
            try:
                self.bare.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.bare.pid, signal.SIGKILL)
                self.bare.wait(timeout=10)

    # -- the slow queries: a lock held from the bench's own connection ------------------
    def _take_lock(self, database_url, meeting_id):
        import psycopg

        url = database_url.replace("postgresql+psycopg://", "postgresql://")
        self.lock = psycopg.connect(url, autocommit=False, connect_timeout=5)
        self.lock.execute("SELECT id FROM meetings WHERE id = %s FOR UPDATE", (meeting_id,))
        # Never hold it longer than this, whatever happens to the clients.
        self.lock_timer = threading.Timer(LOCK_HOLD_LIMIT_SECONDS, self._release_lock)
        self.lock_timer.start()

    def _release_lock(self):
        lock, self.lock = self.lock, None
        if lock is not None:
            self.lock_timer.cancel()
            lock.rollback()
            lock.close()

    # -- the clients ----------------------------------------------------------------------
    def _drive(self, dais, ids):
        s = self.settings
        config = {
            "dais": {"url": dais.url, "pid": dais.process.pid, "meeting": ids["meeting"], "token": ids["token"]},
            "bare": {"url": f"http://127.0.0.1:{self.bare_port}", "pid": self.bare.pid, "durable": self.bare_durable},
            "items": ids["items"], "sizes": s["sizes"], "rounds": s["rounds"], "queue": s["queue"],
            "burst": s["burst"], "aloneCount": s["alone"], "burstWindowMs": 1000, "burstAckTimeoutMs": 60000,
            "probes": s["probes"], "probeIntervalMs": 500, "probeWindowMs": s["probe_window_ms"],
            "eventLoop": self.backend == "postgresql", "eventLoopAt": s["event_loop_at"],
            "eventLoopPairs": s["event_loop_pairs"],
            "connectBatch": 100, "connectTimeoutMs": 20000, "ackTimeoutMs": 20000,
            "roundTimeoutMs": 15000, "minRoundMs": 250,
        }
        budget = 120 + sum(s["sizes"]) * s["rounds"] * 0.02 + 300
        node = subprocess.Popen(["node", str(NODE_CLIENTS), json.dumps(config)], cwd=ROOT, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sys.stderr,
                                start_new_session=True)
        watchdog = threading.Timer(budget, lambda: node.poll() is None and os.killpg(node.pid, signal.SIGKILL))
        watchdog.start()
        results = {"latency": [], "event_loop": None, "burst": None, "errors": []}
        try:
            for line in node.stdout:
                if line.startswith("RESULT "):
                    result = json.loads(line[len("RESULT "):])
                    phase = result.pop("phase")
                    if phase == "latency":
                        results["latency"].append(result)
                    elif phase == "error":
                        results["errors"].append(result["message"])
                    else:
                        results[phase] = result
                elif line.strip() == "NEED_LOCK":
                    self._take_lock(dais.database_url, ids["meeting"])
                    self._reply(node, "LOCKED")
                elif line.strip() == "RELEASE":
                    self._release_lock()
                    self._reply(node, "RELEASED")
            node.wait(timeout=30)
        finally:
            watchdog.cancel()
            if node.poll() is None:
                os.killpg(node.pid, signal.SIGKILL)
                node.wait(timeout=10)
        if node.returncode not in (0, None):
            results["errors"].append(f"the Node clients exited with {node.returncode}")
        return results

    @staticmethod
    def _reply(node, word):
        node.stdin.write(word + "\n")
        node.stdin.flush()


# -- report -------------------------------------------------------------------------------------

def _ratio(a, b):
    return a / b if a is not None and b else None


def targets_met(results, settings):
    checks = []
    if any("connectFailed" in row for row in results["latency"]):
        return False
    at_1000 = [row for row in results["latency"] if row["size"] == 1000]
    for row in at_1000:
        checks.append((_ratio(row["dais"]["p99"], row["bare"]["p99"]) or 99) <= TARGET_P99_RATIO)
        checks.append(row["dais"]["count"] == row["dais"]["expected"])
    if results["burst"]:
        burst = results["burst"]
        checks.append(burst["dais"]["acked"] == settings["burst"])
        checks.append((_ratio(burst["dais"]["p99"], burst["bare"]["p99"]) or 99) <= TARGET_BURST_RATIO)
    if results["event_loop"]:
        loop = results["event_loop"]
        checks.append(loop["slow"]["p99"] - loop["idle"]["p99"] <= TARGET_EXTRA_WAIT_MS)
    return bool(checks) and all(checks) and not results["errors"]


def _ms(value):
    return "-" if value is None else f"{value:.1f}"


def _x(value):
    return "-" if value is None else f"{value:.2f}x"


def print_table(results, settings, backend, async_mode):
    print(f"\nLive queue benchmark: Dais (python wsgi.py, {async_mode}, {backend}) vs bare python-socketio "
          f"({async_mode}); socket.io-client over 127.0.0.1, websocket; {settings['rounds']} rounds per N, "
          f"queue of {settings['queue']}.")
    print("Latency: chair's call_next (bare: trigger) -> `state` at every resident. CPU: server process per "
          "delivered message.")
    header = (f"{'N':>5} {'bytes':>6} | {'Dais p50':>8} {'p99':>7} {'deliv.':>11} {'CPU us':>7} | "
              f"{'bare p50':>8} {'p99':>7} {'deliv.':>11} {'CPU us':>7} | {'p50 x':>6} {'p99 x':>6} {'CPU x':>6}")
    print(header)
    print("-" * len(header))
    for row in results["latency"]:
        if "connectFailed" in row:
            failed = "; ".join(f"{name}: only {v['connected']} of {row['size']} residents connected ({v['error']})"
                               for name, v in row["connectFailed"].items())
            print(f"{row['size']:>5} {'':>6} | could not connect every client: {failed}")
            continue
        d, b = row["dais"], row["bare"]
        print(f"{row['size']:>5} {row['payloadBytes']:>6} | {_ms(d['p50']):>8} {_ms(d['p99']):>7} "
              f"{d['count']:>5}/{d['expected']:<5} {_ms(d['cpuUsPerMessage']):>7} | {_ms(b['p50']):>8} "
              f"{_ms(b['p99']):>7} {b['count']:>5}/{b['expected']:<5} {_ms(b['cpuUsPerMessage']):>7} | "
              f"{_x(_ratio(d['p50'], b['p50'])):>6} {_x(_ratio(d['p99'], b['p99'])):>6} "
              f"{_x(_ratio(d['cpuUsPerMessage'], b['cpuUsPerMessage'])):>6}")
    for row in results["latency"]:
        if row["size"] == 1000 and "dais" in row:
            ratio = _ratio(row["dais"]["p99"], row["bare"]["p99"])
            delivered = row["dais"]["count"] == row["dais"]["expected"]
            print(f"Target N=1000: Dais p99 {_x(ratio)} of bare (<= {TARGET_P99_RATIO}x) "
                  f"{'MET' if ratio is not None and ratio <= TARGET_P99_RATIO else 'MISSED'}; every message "
                  f"delivered {'MET' if delivered else 'MISSED'}")
    burst = results["burst"]
    if burst:
        d, b = burst["dais"], burst["bare"]
        ratio = _ratio(d["p99"], b["p99"])
        print(f"\nBurst: {burst['size']} residents send within 1 s (Dais join_queue over 2 items; bare echo)")
        print(f"  Dais join ack  p50 {_ms(d['p50'])} ms  p99 {_ms(d['p99'])} ms  max {_ms(d['max'])} ms  "
              f"acked ok {d['acked']}/{burst['size']}  errors {d['errors'] or 'none'}  server CPU {_ms(d.get('cpuMs'))} ms")
        print(f"  bare echo ack  p50 {_ms(b['p50'])} ms  p99 {_ms(b['p99'])} ms  max {_ms(b['max'])} ms  "
              f"acked ok {b['acked']}/{burst['size']}  server CPU {_ms(b.get('cpuMs'))} ms")
        w = burst.get("write")
        if w:
            print(f"  bare durable write  p50 {_ms(w['p50'])} ms  p99 {_ms(w['p99'])} ms  max {_ms(w['max'])} ms  "
                  f"acked ok {w['acked']}/{burst['size']}  server CPU {_ms(w.get('cpuMs'))} ms")
        alone = burst.get("alone")
        if alone:
            da, ba = alone["dais"], alone["bare"]
            print(f"  one at a time ({da['count']} each, nothing else happening): Dais join ack p50 {_ms(da['p50'])} ms "
                  f"p99 {_ms(da['p99'])} ms ({da['acked']} ok), bare echo p50 {_ms(ba['p50'])} ms p99 {_ms(ba['p99'])} ms; "
                  f"a join is acknowledged after its commit: this floor alone is "
                  f"{_x(_ratio(da['p50'], b['p99']))} of the bare burst p99")
            wa = alone.get("write")
            if wa:
                print(f"  one at a time, the durable write: p50 {_ms(wa['p50'])} ms p99 {_ms(wa['p99'])} ms ({wa['acked']} ok)")
        met = ratio is not None and ratio <= TARGET_BURST_RATIO and d["acked"] == burst["size"]
        print(f"  Target: all acknowledged, p99 within {TARGET_BURST_RATIO}x: {_x(ratio)} {'MET' if met else 'MISSED'}")
        if w:
            # Not a target: how much of the gap any acknowledgement after a commit would
            # have, and how much is Dais's own (its rules, the ORM, its batches).
            print(f"  The durable write (lock, insert an entry and a chained log row, bump the version, commit; "
                  f"two round trips, no rules) is {_x(_ratio(w['p99'], b['p99']))} of the echo at p99; Dais's join is "
                  f"{_x(_ratio(d['p99'], w['p99']))} of the durable write")
    loop = results["event_loop"]
    if loop:
        extra = loop["slow"]["p99"] - loop["idle"]["p99"]
        print(f"\nEvent loop ({loop['connected']} residents connected): `sync` round trips of {settings['probes']} "
              f"other clients while 4 join_queue events wait in PostgreSQL for a row lock held by the bench, vs "
              f"idle; {loop['pairs']} alternating pairs of windows")
        for label, key in (("idle          ", "idle"), ("4 slow queries", "slow")):
            worst = ", ".join(f"{_ms(w['ms'])} ms at +{w['at'] / 1000:.1f} s (server waited {_ms(w.get('runQueueMs'))} ms "
                              f"for a CPU)" for w in loop["worst"][key])
            print(f"  {label} p50 {_ms(loop[key]['p50'])} ms  p99 {_ms(loop[key]['p99'])} ms  "
                  f"max {_ms(loop[key]['max'])} ms  ({loop[key]['count']} probes; worst per window: {worst})")
        print(f"  {loop['probeFailures']} probes failed; the blocked joins were acknowledged after "
              f"{min(j['ms'] for j in loop['slowJoins']) / 1000:.1f}-{max(j['ms'] for j in loop['slowJoins']) / 1000:.1f} s"
              f" ({sum(j['ok'] for j in loop['slowJoins'])}/{len(loop['slowJoins'])} ok)")
        print(f"  Target: extra wait at p99 {_ms(extra)} ms <= {TARGET_EXTRA_WAIT_MS:.0f} ms "
              f"{'MET' if extra <= TARGET_EXTRA_WAIT_MS else 'MISSED'} (max - max: "
              f"{_ms(loop['slow']['max'] - loop['idle']['max'])} ms)")
    elif backend != "postgresql":
        print("\nEvent loop: skipped (needs PostgreSQL for the row lock that makes the queries slow).")
    for error in results["errors"]:
        print(f"\nERROR: {error}")
    print()

"""Live queue while a packet builds: `python -m bench packets-live [--quick]`.

The real server (`python wsgi.py`, as `python -m bench live` starts it) and the
real packet worker (`python -m app.packets.worker`) run side by side against the
same database and instance directory, as `make run` starts them. One meeting is
in progress, public comment open on an item, N residents connected with the
official socket.io-client (bench/js/packets_live_clients.mjs). Another body's
upcoming meeting has a large agenda packet (bench/packets.py's generator: 40
items, staff reports with tables and about 200 attached pages, about 300 pages in
all): the clerk amends it while the first meeting runs (a running meeting's own
agenda is frozen, so its packet is not rebuilt during the meeting).

Measured: `state` delivery latency from the chair's `call_next` to every resident,
in phases that alternate

- idle: nothing else happening;
- build: from the clerk amending one staff report of the upcoming meeting and
  publishing through the API with a Bearer token (publishing enqueues the build) until the worker logs the build finished. The piece
  cache is emptied first, so every build renders everything: the worst case.

Everything binds 127.0.0.1, lives in a temporary directory (and a throw-away
database), has timeouts, and every process started here is stopped at the end.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bench.live import ROOT, _missing_tools, _ms, _ratio, _x, resolve_backend

NODE_CLIENTS = ROOT / "bench" / "js" / "packets_live_clients.mjs"
TARGET_P99_RATIO = 1.2
BUILD_TIMEOUT_SECONDS = 900

# Idle phases about as long as a build (about 4 rounds a second), so both sides get as many samples.
FULL = {"residents": 500, "items": 40, "attachment_pages": None, "pairs": 3, "idle_rounds": 25, "queue": 40}
QUICK = {"residents": 100, "items": 6, "attachment_pages": 12, "pairs": 2, "idle_rounds": 15, "queue": 10}

# Runs in a child process with the server's environment: the meeting, its packet sources and tokens.
SEED = """
import json, sys
from pathlib import Path
from bench.packets import Bench
from app.core.db import transaction
from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from app.packets import render
from tests.factories import make_token, make_user

items, pages = int(sys.argv[2]), (None if sys.argv[3] == "pattern" else int(sys.argv[3]))
bench = Bench(Path(sys.argv[1]), repeat=1)
bench.app.config["PACKET_QUEUE"] = "off"  # the measured builds are the ones the bench triggers
render._weasy()
bench.exhibit = bench._exhibit_source()
packet_id = bench._meeting("packet-council", items=items, attachment_pages=pages)
live_id = bench._meeting("live-council", items=3, attachment_pages=0)
with transaction():
    packet = db.session.get(Meeting, packet_id)
    live = db.session.get(Meeting, live_id)
    live.status = MeetingStatus.IN_PROGRESS
    chair = make_token(make_user(role="chair", body=live.body))
    live_clerk = make_token(make_user(role="clerk", body=live.body))
    clerk = make_token(make_user(role="clerk", body=packet.body))
    live_items = [item.id for item in live.items]
    packet_items = [item.id for item in packet.items]
print(json.dumps({"meeting": live_id, "items": live_items, "chair": chair, "live_clerk": live_clerk,
                  "packet_meeting": packet_id, "packet_items": packet_items, "clerk": clerk}))
"""

BUILD_LINE = re.compile(r"packet build (\d+) for meeting (\d+): (\w+)")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench packets-live", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 residents and a small packet: a smoke run")
    parser.add_argument("--pairs", type=int, help="idle/build phase pairs")
    parser.add_argument("--residents", type=int, help="connected residents")
    parser.add_argument("--db", choices=("auto", "postgresql", "sqlite"), default="auto",
                        help="Dais's database (auto: PostgreSQL when reachable)")
    parser.add_argument("--async-mode", default=os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet"),
                        choices=("eventlet", "gevent"))
    args = parser.parse_args(argv)

    settings = dict(QUICK if args.quick else FULL)
    for name in ("pairs", "residents"):
        if getattr(args, name) is not None:
            settings[name] = getattr(args, name)
    missing = _missing_tools()
    if missing:
        print(f"bench packets-live: {missing}", file=sys.stderr)
        return 2
    backend = resolve_backend(args.db)
    workdir = Path(tempfile.mkdtemp(prefix="dais-bench-packets-live-"))
    try:
        results = Run(workdir, settings, async_mode=args.async_mode).run()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    met = print_table(results, settings, backend, args.async_mode)
    return 0 if met else 1


def _percentile(values, p):
    """Nearest rank, as bench/js/live_clients.mjs computes it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-p * len(ordered) // 100) - 1))]


def _schedstat(pid):
    """(CPU ns, ns spent runnable but waiting for a CPU) over every thread of a process."""
    cpu = wait = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0, 0
    for task in tasks:
        try:
            fields = Path(f"/proc/{pid}/task/{task}/schedstat").read_text().split()
        except OSError:
            continue
        cpu += int(fields[0])
        wait += int(fields[1])
    return cpu, wait


def _stop(process, timeout=15):
    """Stop a child started in its own session, and only its process group."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass


class Run:
    def __init__(self, workdir, settings, *, async_mode):
        self.workdir, self.settings, self.async_mode = workdir, settings, async_mode
        self.worker = self.node = None
        self.phases = []
        self.builds = []

    def run(self):
        from tests.e2e.live_server import LiveServer

        with LiveServer(self.workdir, label="bench_packets_live", async_mode=self.async_mode) as dais:
            self.dais = dais
            s = self.settings
            print(f"Seeding a {s['items']}-item meeting with its packet sources...", file=sys.stderr, flush=True)
            seed = subprocess.run(
                [sys.executable, "-c", SEED, str(self.workdir / "seed"), str(s["items"]),
                 "pattern" if s["attachment_pages"] is None else str(s["attachment_pages"])],
                cwd=ROOT, env=dais.env, capture_output=True, text=True, timeout=600, check=False)
            if seed.returncode != 0:
                raise RuntimeError(f"seeding failed:\n{seed.stderr[-4000:]}")
            self.ids = json.loads(seed.stdout.strip().splitlines()[-1])
            dais.start()
            try:
                self._start_worker()
                self._drive()
            finally:
                self._stop_node()
                _stop(self.worker)
            log_tail = dais.log()[-1500:]
        return {"phases": self.phases, "builds": self.builds, "server_log_tail": log_tail,
                "worker_log_tail": self.worker_log.read_text(errors="replace")[-1500:]}

    # -- the worker, as `make run` starts it -------------------------------------------------
    def _start_worker(self):
        self.worker_log = self.workdir / "worker.log"
        with open(self.worker_log, "wb") as log:
            self.worker = subprocess.Popen([sys.executable, "-m", "app.packets.worker", "--max-delay", "0.1"],
                                           cwd=ROOT, env=self.dais.env, stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True)
        deadline = time.monotonic() + 120
        while "consumer started" not in self.worker_log.read_text(errors="replace").lower():
            if self.worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the packet worker did not start:\n" + self.worker_log.read_text()[-3000:])
            time.sleep(0.1)

    def _finished_builds(self):
        text = self.worker_log.read_text(errors="replace")
        return [(int(b), m) for b, meeting, m in BUILD_LINE.findall(text) if int(meeting) == self.ids["packet_meeting"]]

    # -- triggering a build through the API, as a clerk would -----------------------------------
    def _api(self, method, path, payload):
        request = urllib.request.Request(
            self.dais.url + "/api/v1" + path, method=method, data=json.dumps(payload).encode(),
            headers={"Authorization": f"Bearer {self.ids['clerk']}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    def _trigger_build(self, n):
        # Every build starts cold: an empty piece cache renders every page again.
        shutil.rmtree(self.dais.instance_dir / "packets" / "pieces", ignore_errors=True)
        item = self.ids["packet_items"][len(self.ids["packet_items"]) // 2]
        self._api("PATCH", f"/items/{item}", {"body_html": f"<p>Revised staff report, amendment {n}.</p>"
                                                           "<p>The City has reviewed the proposal.</p>"})
        self._api("POST", f"/meetings/{self.ids['packet_meeting']}/publish", {})

    # -- the clients -------------------------------------------------------------------------------
    def _drive(self):
        s = self.settings
        config = {"url": self.dais.url, "meeting": self.ids["meeting"], "item": self.ids["items"][0],
                  "chairToken": self.ids["chair"], "clerkToken": self.ids["live_clerk"], "residents": s["residents"],
                  "queue": s["queue"], "connectBatch": 100, "connectTimeoutMs": 20000, "ackTimeoutMs": 20000,
                  "roundTimeoutMs": 15000, "minRoundMs": 250, "maxRoundsPerPhase": 2000}
        self.node = subprocess.Popen(["node", str(NODE_CLIENTS), json.dumps(config)], cwd=ROOT, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sys.stderr,
                                     start_new_session=True)
        # Whatever happens, nothing runs longer than this.
        budget = 300 + s["pairs"] * (BUILD_TIMEOUT_SECONDS + s["idle_rounds"] * 2)
        self.watchdog = threading.Timer(budget, lambda: _stop(self.node, timeout=5))
        self.watchdog.start()
        ready = self._read_line("READY")
        self.payload_bytes = ready["payloadBytes"]
        server, worker = self.dais.process.pid, self.worker.pid
        for pair in range(s["pairs"]):
            self._idle_phase(server, worker)
            seen = len(self._finished_builds())
            self._trigger_build(pair + 1)
            self._send("PHASE build 0")
            before = (_schedstat(server), _schedstat(worker), time.monotonic())
            deadline = time.monotonic() + BUILD_TIMEOUT_SECONDS
            while len(self._finished_builds()) <= seen:
                if time.monotonic() > deadline or self.worker.poll() is not None:
                    self._send("STOP")
                    raise RuntimeError("the packet build did not finish:\n" + self.worker_log.read_text()[-3000:])
                time.sleep(0.05)
            build_seconds = time.monotonic() - before[2]
            self._send("STOP")
            build_id, status = self._finished_builds()[-1]
            self.builds.append({"id": build_id, "status": status, "seconds": build_seconds})
            self._record(self._read_line("RESULT"), before, server, worker)
            print(f"pair {pair + 1}: idle p99 {_ms(self.phases[-2]['p99'])} ms, build ({build_seconds:.1f} s, "
                  f"{status}) p99 {_ms(self.phases[-1]['p99'])} ms, state {self.phases[-1]['payloadBytes']} bytes",
                  file=sys.stderr, flush=True)
        # The state grows as the meeting goes on; an idle phase after the last build brackets every
        # build between two idle phases, so that drift falls on both sides alike.
        self._idle_phase(server, worker)
        self._send("QUIT")

    def _idle_phase(self, server, worker):
        self._send(f"PHASE idle {self.settings['idle_rounds']}")
        before = (_schedstat(server), _schedstat(worker), time.monotonic())
        self._record(self._read_line("RESULT"), before, server, worker)

    def _record(self, result, before, server, worker):
        (server_cpu, server_wait), (worker_cpu, _), started = before
        server_after, worker_after = _schedstat(server), _schedstat(worker)
        arrivals = result.pop("arrivals")
        self.phases.append({**result, "count": len(arrivals), "p50": _percentile(arrivals, 50),
                            "p99": _percentile(arrivals, 99), "max": max(arrivals) if arrivals else None,
                            "arrivals": arrivals, "wall": time.monotonic() - started,
                            "server_cpu": (server_after[0] - server_cpu) / 1e9,
                            "server_wait": (server_after[1] - server_wait) / 1e9,
                            "worker_cpu": (worker_after[0] - worker_cpu) / 1e9})

    def _send(self, line):
        self.node.stdin.write(line + "\n")
        self.node.stdin.flush()

    def _read_line(self, tag):
        for line in self.node.stdout:
            if line.startswith(tag):
                rest = line[len(tag):].strip()
                return json.loads(rest) if rest else {}
        raise RuntimeError(f"the Node clients stopped before {tag} (exit {self.node.poll()})")

    def _stop_node(self):
        if getattr(self, "watchdog", None) is not None:
            self.watchdog.cancel()
        if self.node is not None:
            try:
                self.node.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
            _stop(self.node, timeout=5)


# -- report ---------------------------------------------------------------------------------------

def _combine(phases, name):
    rows = [p for p in phases if p["name"] == name]
    arrivals = [a for p in rows for a in p["arrivals"]]
    wall = sum(p["wall"] for p in rows) or 1
    return {"rounds": sum(p["rounds"] for p in rows), "count": len(arrivals),
            "expected": sum(p["expected"] for p in rows), "p50": _percentile(arrivals, 50),
            "p99": _percentile(arrivals, 99), "max": max(arrivals) if arrivals else None,
            "errors": [e for p in rows for e in p["errors"]],
            "server_cpu_share": sum(p["server_cpu"] for p in rows) / wall,
            "server_wait_ms_per_s": 1000 * sum(p["server_wait"] for p in rows) / wall,
            "worker_cpu_share": sum(p["worker_cpu"] for p in rows) / wall}


def print_table(results, settings, backend, async_mode):
    idle, build = _combine(results["phases"], "idle"), _combine(results["phases"], "build")
    seconds = ", ".join(f"{b['seconds']:.1f} s ({b['status']})" for b in results["builds"])
    print(f"\nLive queue while the packet builds: Dais (python wsgi.py, {async_mode}, {backend}) + packet worker; "
          f"{settings['residents']} residents (socket.io-client, websocket, 127.0.0.1), queue of {settings['queue']}, "
          f"{settings['items']}-item packet, cold builds: {seconds}; each build between two idle phases "
          f"({settings['idle_rounds']} rounds each); state {results['phases'][-1]['payloadBytes']} bytes.")
    print("Latency: chair's call_next -> `state` at every resident. CPU: share of one core over the phase; "
          "server waited: ms per second the server was runnable but had no CPU.")
    header = (f"{'phase':<6} {'rounds':>6} {'delivered':>13} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} | "
              f"{'server CPU':>10} {'server waited':>13} {'worker CPU':>10}")
    print(header)
    print("-" * len(header))
    for name, row in (("idle", idle), ("build", build)):
        print(f"{name:<6} {row['rounds']:>6} {row['count']:>6}/{row['expected']:<6} {_ms(row['p50']):>7} "
              f"{_ms(row['p99']):>7} {_ms(row['max']):>7} | {row['server_cpu_share']:>10.2f} "
              f"{row['server_wait_ms_per_s']:>10.1f} ms {row['worker_cpu_share']:>10.2f}")
    p50, p99 = _ratio(build["p50"], idle["p50"]), _ratio(build["p99"], idle["p99"])
    print(f"{'build/idle':<21} {'':>6} {_x(p50):>7} {_x(p99):>7}")
    delivered = all(row["count"] == row["expected"] and row["expected"] > 0 and not row["errors"]
                    for row in (idle, build))
    builds_ok = bool(results["builds"]) and all(b["status"] == "ready" for b in results["builds"])
    p99_met = p99 is not None and p99 <= TARGET_P99_RATIO
    print(f"Target: p99 build/idle {_x(p99)} <= {TARGET_P99_RATIO}x {'MET' if p99_met else 'MISSED'}; every state "
          f"delivered {'MET' if delivered else 'MISSED'}; every build ready {'MET' if builds_ok else 'MISSED'}")
    for error in (idle["errors"] + build["errors"])[:5]:
        print(f"ERROR: {error}")
    print()
    return p99_met and delivered and builds_ok

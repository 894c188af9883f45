"""Run the real Dais server (`python wsgi.py`) as a child process for end-to-end tests.

The server gets its own database (SQLite file or a fresh PostgreSQL database),
its own instance directory and a free port on 127.0.0.1. Its schema is built by
the migrations (`flask --app wsgi db upgrade`), exactly as `make run` does.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests import dbs

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 40
COMMAND_TIMEOUT_SECONDS = 180


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, timeout=10, headers=None):
    """GET url; returns (status, headers, body text) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


class LiveServer:
    """One server process with its own database; use as a context manager."""

    def __init__(self, tmp_dir, *, label="live", async_mode="eventlet", extra_env=None):
        self.tmp_dir = Path(tmp_dir)
        self.instance_dir = self.tmp_dir / "instance"
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        self.database_url = dbs.fresh_database_url(self.tmp_dir, label)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.tmp_dir / "server.log"
        self.process = None
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DAIS_INSTANCE_DIR": str(self.instance_dir),
            "UPLOAD_DIR": str(self.instance_dir / "uploads"),
            "SOCKETIO_ASYNC_MODE": async_mode,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "PUBLIC_BASE_URL": self.url,
            "SECRET_KEY": "live-server-test-key",
            "PYTHONUNBUFFERED": "1",
            # Every simulated resident connects from 127.0.0.1: one address, one limit.
            "LIVE_JOINS_PER_ADDRESS": "",
            # So does every signed-in clerk of the browser tests, which share a server.
            # (The sign-in limit has its own tests, in tests/accounts.)
            "LOGIN_RATE_LIMIT": "1000 per minute",
            **(extra_env or {}),
        }
        # A developer's .env must not point the test server at their database.
        self.env.pop("REDIS_URL", None)

    # -- commands ---------------------------------------------------------
    def flask(self, *args, input_text=None):
        """Run `flask --app wsgi ARGS` against this server's database; returns the result."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=self.env,
            input=input_text, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS)
        if result.returncode != 0:
            raise AssertionError(f"flask {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def migrate(self):
        return self.flask("db", "upgrade")

    # -- process ----------------------------------------------------------
    def start(self):
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=self.env, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                status, _, _ = fetch(self.url + "/healthz", timeout=2)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"server not ready after {READY_TIMEOUT_SECONDS}s:\n{self.log()}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            # The server runs in its own session: signal only that process group.
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except OSError:
            return ""

    def drop_database(self):
        if self.database_url.startswith("postgresql"):
            dbs.drop_postgres_database(self.database_url)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            self.drop_database()


def require_database():
    """Skip (or, in CI, fail) when the configured test database is not reachable."""
    import pytest

    if dbs.backend() == "postgresql" and not dbs.postgres_reachable():
        if dbs.in_ci():
            pytest.fail("CI=true but PostgreSQL is not reachable at " + dbs.POSTGRES_ADMIN_URL)
        pytest.skip("PostgreSQL is not reachable")

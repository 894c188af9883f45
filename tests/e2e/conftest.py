"""Fixtures for the browser tests: a real server with the demo city, and Chromium.

Chromium is the system's (/usr/bin/chromium, or DAIS_CHROMIUM); no browser is
ever downloaded. Without it the browser tests are skipped locally and fail in CI.
"""
import functools
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import dbs
from tests.e2e.live_server import ROOT, LiveServer, require_database

CHROMIUM = os.environ.get("DAIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_PATH = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "demo-password-123"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def _unavailable(reason):
    if dbs.in_ci():
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (install Debian's chromium package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (tests/requirements.txt)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The real server process (`python wsgi.py`), migrated and seeded with the demo city."""
    require_database()
    server = LiveServer(tmp_path_factory.mktemp("demo-server"), label="e2e_demo")
    try:
        server.migrate()
        server.flask("seed-demo")
        server.start()
        yield server
    finally:
        server.stop()
        server.drop_database()


def query(server, sql, **params):
    """Read the server's database directly (to find ids the pages link to)."""
    engine = sa.create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).all()
    finally:
        engine.dispose()


def sign_in(page, server, email, password=DEMO_PASSWORD):
    page.goto(server.url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("#submit")
    assert "/login" not in page.url, f"sign-in failed for {email}: {page.inner_text('main')[:500]}"


@functools.lru_cache(maxsize=1)
def _routes():
    from app import create_app
    from config import TestConfig

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    return frozenset(rule.rule for rule in app.url_map.iter_rules())


def served(path):
    """True when some route of the app matches `path` (features land one by one)."""
    import re

    for rule in _routes():
        pattern = "^" + re.sub(r"<(?:[^:>]+:)?[^>]+>", "[^/]+", rule) + "$"
        if re.match(pattern, path.split("?")[0]):
            return True
    return False

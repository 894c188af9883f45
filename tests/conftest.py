"""Fixture chain: database -> app -> client/runner, plus staff helpers.

Each test gets a fresh app bound to the worker's database; rows are removed
after each test so tests never see each other's data.
"""
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db, limiter, socketio
from config import TestConfig
from tests import dbs
from tests.factories import NOW, PASSWORD, make_token, make_user

SPANISH_PO = Path(__file__).resolve().parents[1] / "app" / "translations" / "es" / "LC_MESSAGES" / "messages.po"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    created = None
    if dbs.backend() == "postgresql":
        if not dbs.postgres_reachable():
            if dbs.in_ci():
                pytest.fail("CI=true but PostgreSQL is not reachable at " + dbs.POSTGRES_ADMIN_URL)
            pytest.skip("PostgreSQL is not reachable")
        url = created = dbs.create_postgres_database(f"t_{worker_id}")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db')}/dais.sqlite3"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    if created:
        dbs.drop_postgres_database(created)


def _clear_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _no_message_queue_left_behind():
    """An app made with REDIS_URL (the health check's and the channel's tests) leaves its
    Redis manager in Flask-SocketIO's options, which later apps on this worker would
    inherit, and the socket test client refuses to work with one."""
    yield
    socketio.server_options.pop("client_manager", None)


@pytest.fixture
def spanish_app(database_url, tmp_path):
    """The app reading the shipped Spanish catalog, compiled here (the .mo files are build
    output, not in git), on the same database as `app`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    mo_dir = tmp_path / "spanish" / "es" / "LC_MESSAGES"
    mo_dir.mkdir(parents=True)
    with SPANISH_PO.open("rb") as source, (mo_dir / "messages.mo").open("wb") as target:
        write_mo(target, read_po(source, locale="es"))
    spanish = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_DIR=tmp_path / "spanish-instance",
                         BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "spanish"))
    yield spanish
    with spanish.app_context():
        db.session.remove()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     INSTANCE_DIR=tmp_path / "instance", UPLOAD_DIR=tmp_path / "uploads")
    with app.app_context():
        limiter.reset()
        yield app
        db.session.remove()
        _clear_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now():
    return NOW


def csrf_from(html):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Staff:
    """Sign staff in through the real login form, or mint API tokens for them."""

    def __init__(self, client):
        self.client = client

    def login(self, user, password=PASSWORD):
        page = self.client.get("/login")
        response = self.client.post("/login", data={
            "email": user.email, "password": password, "csrf_token": csrf_from(page.text)})
        assert response.status_code == 302, response.text
        return user

    def token_headers(self, user):
        token = make_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    def user(self, role="clerk", body=None, **kwargs):
        user = make_user(role=role, body=body, **kwargs)
        db.session.commit()
        return user


@pytest.fixture
def staff(client):
    return Staff(client)

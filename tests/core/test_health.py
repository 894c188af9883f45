from app import create_app
from config import TestConfig
from tests import dbs
from tests.accounts.login import post_login
from tests.live.test_js_client import _need


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_security_headers_on_every_response(client):
    response = client.get("/healthz")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_reports_redis_down_as_degraded(database_url, tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_DIR=tmp_path, REDIS_URL=NOWHERE)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "degraded", "database": "ok", "redis": "error: ConnectionError"}


def test_healthz_reports_reachable_redis(database_url, tmp_path):
    _need(dbs.redis_reachable(), f"Redis is not reachable at {dbs.REDIS_TEST_URL}")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_DIR=tmp_path,
                     REDIS_URL=dbs.REDIS_TEST_URL)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_sign_in_works_while_the_rate_limit_store_is_down(database_url, tmp_path):
    """Counted in memory until Redis is back, not a 500 for every clerk signing in."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_DIR=tmp_path,
                     RATELIMIT_STORAGE_URI=NOWHERE, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [post_login(client, "nobody@example.gov", "wrong-password-1").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]

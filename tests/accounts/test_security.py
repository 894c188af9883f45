"""Cookies, security headers and CSRF: the baseline every page gets."""
import pytest

from app import create_app
from app.core.security import browser_origins
from app.extensions import db
from config import TestConfig
from tests.accounts.login import post_login
from tests.conftest import csrf_from
from tests.factories import PASSWORD, make_body


def _session_cookie_header(response):
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    assert cookies, "no session cookie was set"
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_lax_but_not_secure_over_http(client, staff):
    user = staff.user("clerk")
    cookie = _session_cookie_header(post_login(client, user.email, PASSWORD))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_served_over_https(database_url, tmp_path, staff):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_DIR=tmp_path / "i",
                     PUBLIC_BASE_URL="https://meetings.example.gov")
    with app.app_context():
        client = app.test_client()
        response = client.get("/login", base_url="https://localhost")
        cookie = _session_cookie_header(response)
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        db.session.remove()


@pytest.mark.parametrize("path", ["/", "/meetings", "/login", "/no-such-page"])
def test_html_pages_carry_the_security_headers(client, path):
    response = client.get(path)
    assert response.mimetype == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "style-src 'self'" in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "base-uri 'none'" in csp and "form-action 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain http in tests


def test_sign_in_and_staff_pages_are_not_cached(client, staff):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    staff.login(staff.user("clerk"))
    assert client.get("/staff").headers["Cache-Control"] == "no-store"


def test_api_responses_are_not_sniffed(client):
    response = client.get("/api/v1/me")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_templates_carry_no_inline_script_or_style(client):
    html = client.get("/login").text
    assert "<script>" not in html and " style=" not in html and " onclick=" not in html


def test_login_post_without_csrf_token_is_refused(client, staff):
    user = staff.user("clerk")
    client.get("/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "csrf_failed" in response.text
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_every_html_form_post_requires_a_csrf_token(app, client, staff):
    """Walks every non-API rule that accepts a write: no token, no effect (400)."""
    body = make_body()
    db.session.commit()
    staff.login(staff.user("admin"))
    checked = []
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}
        if not methods or rule.rule.startswith("/api/") or rule.endpoint == "static":
            continue
        url = _fill(rule, body)
        for method in sorted(methods):
            response = client.open(url, method=method, data={})
            assert response.status_code == 400, f"{method} {rule.rule} answered {response.status_code}"
            checked.append(f"{method} {rule.rule}")
    assert "POST /login" in checked and "POST /logout" in checked


def _fill(rule, body):
    values = {}
    for name in rule.arguments:
        values[name] = body.slug if name in ("slug", "body_slug") else 1
    try:
        return rule.build(values, append_unknown=False)[1]
    except Exception:  # noqa: BLE001 - a converter we cannot guess: use the literal rule
        return rule.rule


def _csrf_failed(response):
    return response.status_code == 400 and response.json["error"]["code"] == "csrf_failed"


def test_cookie_session_api_writes_need_csrf_but_bearer_calls_do_not(app, client, staff):
    user = staff.login(staff.user("admin"))
    refused = client.post("/api/v1/bodies", json={})
    assert _csrf_failed(refused)

    page = client.get("/does-not-exist")  # any page with the sign-out form carries a token
    with_token = client.post("/api/v1/bodies", json={}, headers={"X-CSRFToken": csrf_from(page.text)})
    assert not _csrf_failed(with_token) and with_token.status_code not in (401, 403)

    bearer = app.test_client().post("/api/v1/bodies", json={}, headers=staff.token_headers(user))
    assert not _csrf_failed(bearer) and bearer.status_code not in (401, 403)


def test_every_api_write_needs_csrf_with_a_session_and_never_with_a_token(app, client, staff):
    """Walks every /api/v1 write: each blueprint must come from make_api_blueprint."""
    body = make_body()
    user = staff.login(staff.user("admin"))
    headers = staff.token_headers(user)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        url = _fill(rule, body)
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            session_call = client.open(url, method=method, json={})
            assert _csrf_failed(session_call), f"{method} {rule.rule}: a cookie session wrote without CSRF"
            token_call = app.test_client().open(url, method=method, json={}, headers=headers)
            assert not _csrf_failed(token_call), f"{method} {rule.rule}: a bearer call was refused for CSRF"
            checked += 1
    assert checked >= 10


def test_bearer_header_never_falls_back_to_the_cookie_session(client, staff):
    staff.login(staff.user("clerk"))
    assert client.get("/api/v1/me").status_code == 200
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer dais_not-a-real-token"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("public, origins", [
    ("http://127.0.0.1:5000", ["http://127.0.0.1:5000", "http://localhost:5000", "http://[::1]:5000"]),
    ("http://localhost:8080/", ["http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080"]),
    ("https://meetings.example.gov/dais", ["https://meetings.example.gov"]),  # an origin has no path
    ("https://meetings.example.gov", ["https://meetings.example.gov"]),
])
def test_live_socket_origins(public, origins):
    assert browser_origins(public) == origins


"""Sign-in and sign-out through the real form, throttling and the ?next= target."""
import pytest

from app import create_app
from app.extensions import db, limiter
from config import TestConfig
from tests.accounts.login import post_login
from tests.conftest import csrf_from
from tests.factories import PASSWORD

FAILED = "That e-mail and password do not match an account."


def test_login_page_has_labelled_fields_and_csrf_token(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert '<label for="email">' in page.text and '<label for="password">' in page.text
    assert 'name="csrf_token"' in page.text
    assert 'autocomplete="current-password"' in page.text


def test_sign_in_and_sign_out_through_the_form(client, staff):
    user = staff.user("clerk")
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff")
    with client.session_transaction() as session:
        assert session["_user_id"] == str(user.id)

    home = client.get("/login", follow_redirects=False)
    assert home.status_code == 302, "a signed-in user is sent on from the login page"

    token_page = client.get("/")
    response = client.post("/logout", data={"csrf_token": csrf_from(token_page.text)})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/login").status_code == 200


def test_e_mail_is_matched_case_insensitively(client, staff):
    user = staff.user("clerk")
    assert post_login(client, user.email.upper(), PASSWORD).status_code == 302


def test_wrong_password_and_unknown_e_mail_get_the_same_answer(client, staff):
    user = staff.user("clerk")
    wrong = post_login(client, user.email, "not-the-password")
    unknown = post_login(client, "nobody@example.gov", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert FAILED in wrong.text and FAILED in unknown.text
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_inactive_account_cannot_sign_in(client, staff):
    user = staff.user("clerk")
    user.is_active_account = False
    db.session.commit()
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 401 and FAILED in response.text


def test_empty_form_is_refused_with_field_errors(client):
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text


def test_logout_needs_post_and_a_csrf_token(client, staff):
    staff.login(staff.user("clerk"))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" in session


def test_login_is_throttled_per_client(database_url, tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, LOGIN_RATE_LIMIT="3 per minute",
                     INSTANCE_DIR=tmp_path / "instance")
    with app.app_context():
        limiter.reset()
    # Requests run outside a test-held app context so each one gets its own `g`.
    client = app.test_client()
    statuses = [post_login(client, "nobody@example.gov", "wrong-password-1").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    limited = post_login(client, "nobody@example.gov", "wrong-password-1")
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert "rate_limited" in limited.text
    assert client.get("/login").status_code == 200, "reading the form is never throttled"

    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert post_login(other, "nobody@example.gov", "wrong-password-1").status_code == 401


@pytest.mark.parametrize("target, expected", [
    ("/meetings", "/meetings"),
    ("/staff?tab=drafts", "/staff?tab=drafts"),
    ("https://evil.example/", "/staff"),
    ("//evil.example/", "/staff"),
    ("///evil.example/", "/staff"),
    ("/\\evil.example", "/staff"),
    ("\\\\evil.example", "/staff"),
    ("javascript:alert(1)", "/staff"),
    ("/\r\nSet-Cookie:x=1", "/staff"),
    ("/\tjavascript:alert(1)", "/staff"),
    ("http:/evil.example", "/staff"),
])
def test_next_only_redirects_within_the_site(client, staff, target, expected):
    from urllib.parse import quote

    user = staff.user("clerk")
    response = post_login(client, user.email, PASSWORD, next_url=quote(target, safe=""))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location in (expected, "http://localhost" + expected), location


def test_anonymous_staff_page_redirects_to_login_with_next(client):
    response = client.get("/staff")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/staff")

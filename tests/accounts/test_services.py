"""Accounts services: password hashing, users, API tokens (DB, no HTTP)."""
import pytest
import sqlalchemy as sa

from app.accounts import passwords, services
from app.accounts.models import ApiToken, User
from app.core.errors import Conflict, InvalidState, ValidationFailed
from app.extensions import db
from tests.factories import NOW, PASSWORD, make_body, make_user


def test_passwords_are_stored_as_argon2id(app):
    user = make_user("clerk")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert passwords.check_password(user.password_hash, PASSWORD)
    assert not passwords.check_password(user.password_hash, PASSWORD + "x")
    assert not passwords.check_password("not-a-hash", PASSWORD)


def test_authenticate(app):
    user = make_user("clerk")
    assert services.authenticate(f"  {user.email.upper()} ", PASSWORD) is user
    assert services.authenticate(user.email, "wrong-password") is None
    assert services.authenticate("nobody@example.gov", PASSWORD) is None
    assert services.authenticate(None, None) is None


def test_outdated_hash_parameters_are_upgraded_on_sign_in(app):
    from argon2 import PasswordHasher

    user = make_user("clerk")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    assert services.authenticate(user.email, PASSWORD) is user
    assert not passwords.needs_rehash(user.password_hash)


@pytest.mark.parametrize("kwargs, error", [
    (dict(email="new@example.gov", password="short", role="clerk", with_body=True), ValidationFailed),
    (dict(email="new@example.gov", password=PASSWORD, role="clerk", with_body=False), ValidationFailed),
    (dict(email="not-an-address", password=PASSWORD, role="admin", with_body=False), ValidationFailed),
])
def test_create_user_refuses_bad_input(app, kwargs, error):
    body = make_body() if kwargs.pop("with_body") else None
    with pytest.raises(error):
        services.create_user(kwargs.pop("email"), kwargs.pop("password"), body=body, now=NOW, **kwargs)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_user_refuses_a_duplicate_e_mail_whatever_its_case(app):
    user = make_user("admin")
    with pytest.raises(Conflict):
        services.create_user(user.email.upper(), PASSWORD, role="admin", now=NOW)


def test_roles_are_held_per_body(app):
    council, planning = make_body(), make_body()
    user = make_user("clerk", body=council)
    assert services.grant_role(user, planning, "member") is True
    assert services.grant_role(user, planning, "member") is False  # held already: nothing changes
    assert services.roles_by_body(user) == {council.id: ["clerk"], planning.id: ["member"]}
    assert user.roles_for(planning.id) == {"member"}
    assert services.revoke_role(user, planning, "member") is True
    assert services.revoke_role(user, planning, "member") is False
    assert services.roles_by_body(user) == {council.id: ["clerk"]}


def test_admin_is_not_a_role_on_a_body(app):
    body = make_body()
    user = make_user("clerk", body=body)
    for change in (services.grant_role, services.revoke_role):
        with pytest.raises(ValidationFailed, match="admin is not a role on a body"):
            change(user, body, "admin")
    assert services.roles_by_body(user) == {body.id: ["clerk"]}


def test_deactivating_ends_sessions_and_revokes_tokens(app):
    user = make_user("clerk")
    token = services.issue_token(user, now=NOW)
    assert services.deactivate_user(user, now=NOW) == 1
    assert not user.is_active and user.signed_out_at == NOW
    assert services.user_for_token(token) is None
    assert services.authenticate(user.email, PASSWORD) is None
    with pytest.raises(InvalidState, match="deactivated"):
        services.issue_token(user, now=NOW)
    assert services.activate_user(user) is True and services.activate_user(user) is False
    assert services.authenticate(user.email, PASSWORD) is user
    assert services.user_for_token(token) is None  # revoked, not merely refused


def test_set_password_checks_the_length_and_ends_sessions(app):
    user = make_user("clerk")
    with pytest.raises(ValidationFailed, match="at least 12"):
        services.set_password(user, "short", now=NOW)
    assert services.authenticate(user.email, PASSWORD) is user and user.signed_out_at is None
    services.set_password(user, "another-long-password", now=NOW)
    assert user.signed_out_at == NOW
    assert services.authenticate(user.email, PASSWORD) is None
    assert services.authenticate(user.email, "another-long-password") is user


def test_api_tokens_are_stored_only_as_hashes(app):
    user = make_user("clerk")
    token = services.issue_token(user, now=NOW, label="kiosk")
    db.session.commit()
    assert token.startswith("dais_") and len(token) > 40
    stored = db.session.execute(sa.text("SELECT token_hash, label FROM api_tokens")).all()
    assert stored == [(ApiToken.hash_token(token), "kiosk")]
    secret = token.removeprefix("dais_")
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).all():
            assert not any(secret in str(value) for value in row), f"token text found in {table.name}"
    assert services.user_for_token(token) is user


def test_revoked_and_unknown_tokens_resolve_to_nobody(app):
    user = make_user("clerk")
    token = services.issue_token(user, now=NOW)
    assert services.revoke_user_tokens(user, now=NOW) == 1
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) == NOW
    assert services.user_for_token(token) is None
    assert services.user_for_token("dais_unknown") is None
    assert services.user_for_token("x" * 500) is None
    assert services.revoke_user_tokens(user, now=NOW) == 0


def test_tokens_of_deactivated_users_stop_working(app):
    user = make_user("clerk")
    token = services.issue_token(user, now=NOW)
    user.is_active_account = False
    assert services.user_for_token(token) is None

"""`flask users create` and `flask users token`."""
import pytest
import sqlalchemy as sa

from app.accounts.models import ApiToken, Membership, User
from app.accounts.services import user_for_token
from app.extensions import db
from tests.factories import PASSWORD, make_body, make_user


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_create_a_clerk_with_the_password_on_stdin(runner):
    body = make_body(slug="city-council")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "Clerk@Example.gov", "--role", "clerk",
                                 "--body", "city-council"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "clerk@example.gov" in result.output
    user = db.session.scalar(sa.select(User).where(User.email == "clerk@example.gov"))
    assert user.password_hash.startswith("$argon2id$")
    assert user.roles_for(body.id) == {"clerk"}
    assert PASSWORD not in result.output


def test_create_an_admin_without_a_body(runner):
    result = runner.invoke(args=["users", "create", "admin@example.gov", "--role", "admin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User.is_admin)) is True


@pytest.mark.parametrize("args, password, message", [
    (["--role", "clerk", "--body", "no-such-body"], PASSWORD, "No body with slug 'no-such-body'"),
    (["--role", "clerk", "--body", "city-council"], "short", "at least 12 characters"),
    (["--role", "clerk", "--body", "city-council"], "", "at least 12 characters"),
    (["--role", "clerk"], PASSWORD, "must belong to a body"),
    (["--role", "chair"], PASSWORD, "must belong to a body"),
    (["--role", "mayor", "--body", "city-council"], PASSWORD, "Invalid value for '--role'"),
])
def test_create_refuses_bad_input_and_creates_nothing(runner, args, password, message):
    make_body(slug="city-council")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "new@example.gov", *args], input=password + "\n")
    assert result.exit_code != 0
    assert message in result.output
    assert count(User) == 0 and count(Membership) == 0


def test_create_refuses_a_duplicate_e_mail(runner):
    existing = make_user("admin", email="taken@example.gov")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "TAKEN@example.gov", "--role", "admin"],
                           input=PASSWORD + "\n")
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert count(User) == 1 and db.session.scalar(sa.select(User)) is existing


def test_token_prints_a_working_token_and_stores_only_its_hash(runner):
    user = make_user("clerk")
    db.session.commit()
    result = runner.invoke(args=["users", "token", user.email])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert user_for_token(token) == user
    assert count(ApiToken) == 1
    assert db.session.scalar(sa.select(ApiToken.token_hash)) != token


def test_token_for_an_unknown_user_fails(runner):
    result = runner.invoke(args=["users", "token", "nobody@example.gov"])
    assert result.exit_code != 0
    assert "No user with e-mail nobody@example.gov" in result.output
    assert count(ApiToken) == 0


def test_revoke_tokens_stops_every_token_of_the_user(runner):
    user = make_user("clerk")
    db.session.commit()
    tokens = [runner.invoke(args=["users", "token", user.email]).output.strip() for _ in range(2)]
    result = runner.invoke(args=["users", "revoke-tokens", user.email])
    assert result.exit_code == 0, result.output
    assert "Revoked 2 token(s)" in result.output
    assert all(user_for_token(token) is None for token in tokens)

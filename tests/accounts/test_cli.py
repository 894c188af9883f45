"""`flask users ...`: create, grant and revoke roles, deactivate and activate, set-password, list, tokens."""
import pytest
import sqlalchemy as sa

from app.accounts.models import ApiToken, Membership, User
from app.accounts.services import user_for_token
from app.extensions import db
from tests.accounts.login import post_login
from tests.factories import PASSWORD, make_body, make_token, make_user

NEW_PASSWORD = "a-different-long-password"


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


def test_token_for_a_deactivated_account_is_refused(runner):
    user = make_user("clerk")
    user.is_active_account = False
    db.session.commit()
    result = runner.invoke(args=["users", "token", user.email])
    assert result.exit_code == 1
    assert f"{user.email} is deactivated" in result.output and "Activate the account first" in result.output
    assert count(ApiToken) == 0


# -- roles ---------------------------------------------------------------------------
def memberships(user):
    db.session.expire_all()
    return sorted((m.body.slug, m.role.value) for m in db.session.get(User, user.id).memberships)


def test_grant_makes_a_clerk_of_two_bodies(runner):
    council = make_body(slug="city-council")
    make_body(slug="planning")
    user = make_user("clerk", body=council)
    db.session.commit()
    result = runner.invoke(args=["users", "grant", user.email, "--role", "clerk", "--body", "planning"])
    assert result.exit_code == 0, result.output
    assert f"{user.email} is now clerk of planning." in result.output
    assert memberships(user) == [("city-council", "clerk"), ("planning", "clerk")]


def test_granting_a_role_held_already_says_so_and_changes_nothing(runner):
    council = make_body(slug="city-council")
    user = make_user("clerk", body=council)
    db.session.commit()
    result = runner.invoke(args=["users", "grant", user.email, "--role", "clerk", "--body", "city-council"])
    assert result.exit_code == 0, result.output
    assert "is clerk of city-council already; nothing changed" in result.output
    assert count(Membership) == 1


@pytest.mark.parametrize("command", ["grant", "revoke-role"])
@pytest.mark.parametrize("args, message", [
    (["nobody@example.gov", "--role", "clerk", "--body", "city-council"], "No user with e-mail nobody@example.gov"),
    (["{email}", "--role", "clerk", "--body", "no-such-body"], "No body with slug 'no-such-body'"),
    (["{email}", "--role", "admin", "--body", "city-council"], "Invalid value for '--role'"),
    (["{email}", "--role", "clerk"], "Missing option '--body'"),
])
def test_role_changes_refuse_bad_input_and_change_nothing(runner, command, args, message):
    user = make_user("chair", body=make_body(slug="city-council"))
    db.session.commit()
    result = runner.invoke(args=["users", command, *[arg.format(email=user.email) for arg in args]])
    assert result.exit_code != 0 and message in result.output
    assert memberships(user) == [("city-council", "chair")]


def test_revoke_role_takes_one_role_on_one_body(runner):
    council, planning = make_body(slug="city-council"), make_body(slug="planning")
    user = make_user("clerk", body=council)
    db.session.commit()
    runner.invoke(args=["users", "grant", user.email, "--role", "clerk", "--body", "planning"])
    runner.invoke(args=["users", "grant", user.email, "--role", "chair", "--body", "city-council"])
    result = runner.invoke(args=["users", "revoke-role", user.email, "--role", "clerk", "--body", "city-council"])
    assert result.exit_code == 0, result.output
    assert f"{user.email} is no longer clerk of city-council." in result.output
    assert memberships(user) == [("city-council", "chair"), ("planning", "clerk")]
    again = runner.invoke(args=["users", "revoke-role", user.email, "--role", "clerk", "--body", "city-council"])
    assert again.exit_code == 0 and "was not clerk of city-council; nothing changed" in again.output
    assert planning.id in {m.body_id for m in db.session.get(User, user.id).memberships}


def test_a_revoked_role_is_refused_at_the_next_request(runner, client, staff):
    council = make_body(slug="city-council")
    user = staff.user("clerk", body=council)
    staff.login(user)
    assert client.get("/staff/bodies/city-council/settings").status_code == 200
    runner.invoke(args=["users", "revoke-role", user.email, "--role", "clerk", "--body", "city-council"])
    assert client.get("/staff/bodies/city-council/settings").status_code == 403


# -- deactivate and activate -----------------------------------------------------------
def test_deactivate_stops_sign_in_sessions_and_tokens(runner, client, staff):
    user = staff.user("clerk")
    token = make_token(user)
    db.session.commit()
    staff.login(user)
    assert client.get("/staff").status_code == 200
    result = runner.invoke(args=["users", "deactivate", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert f"Deactivated {user.email}: its sessions ended and 1 API token(s) were revoked." in result.output
    db.session.expire_all()
    assert user.is_active_account is False and user.signed_out_at is not None
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is not None
    # The session signed in before is over, on pages and in the API.
    assert client.get("/staff").status_code == 302
    assert client.get("/api/v1/me").status_code == 401
    # The sign-in form refuses the right password, with the answer a wrong one gets.
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 401 and "do not match an account" in response.text
    # The token is refused.
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_deactivating_twice_says_so(runner):
    user = make_user("clerk")
    db.session.commit()
    runner.invoke(args=["users", "deactivate", user.email])
    result = runner.invoke(args=["users", "deactivate", user.email])
    assert result.exit_code == 0 and "is deactivated already; nothing changed" in result.output


def test_activate_lets_the_account_sign_in_again_but_revives_no_token(runner, client):
    user = make_user("clerk")
    token = make_token(user)
    db.session.commit()
    runner.invoke(args=["users", "deactivate", user.email])
    result = runner.invoke(args=["users", "activate", user.email])
    assert result.exit_code == 0, result.output
    assert f"Activated {user.email}" in result.output and "stay revoked" in result.output
    assert post_login(client, user.email, PASSWORD).status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    again = runner.invoke(args=["users", "activate", user.email])
    assert again.exit_code == 0 and "is active already; nothing changed" in again.output


@pytest.mark.parametrize("command", ["deactivate", "activate", "set-password"])
def test_account_commands_name_an_unknown_user(runner, command):
    result = runner.invoke(args=["users", command, "nobody@example.gov"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 1 and "No user with e-mail nobody@example.gov" in result.output


# -- set-password ------------------------------------------------------------------------
def test_set_password_replaces_it_and_ends_the_sessions(runner, client, staff):
    user = staff.user("clerk")
    token = make_token(user)
    db.session.commit()
    staff.login(user)
    result = runner.invoke(args=["users", "set-password", user.email], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert client.get("/staff").status_code == 302  # signed in with the old password: ended
    assert post_login(client, user.email, PASSWORD).status_code == 401
    assert post_login(client, user.email, NEW_PASSWORD).status_code == 302
    assert client.get("/staff").status_code == 200
    # Tokens are a separate credential, revoked on their own (`users revoke-tokens`).
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize("password", ["short", ""])
def test_set_password_refuses_a_short_one_and_keeps_the_old(runner, client, password):
    user = make_user("clerk")
    db.session.commit()
    before = user.password_hash
    result = runner.invoke(args=["users", "set-password", user.email], input=password + "\n")
    assert result.exit_code == 1 and "at least 12 characters" in result.output
    db.session.expire_all()
    assert user.password_hash == before and user.signed_out_at is None
    assert post_login(client, user.email, PASSWORD).status_code == 302


# -- list --------------------------------------------------------------------------------
def test_list_shows_each_account_its_state_and_roles_per_body(runner):
    council, planning = make_body(slug="city-council"), make_body(slug="planning")
    clerk = make_user("clerk", body=council, email="clerk@example.gov", name="Carla Clerk")
    make_user("admin", email="admin@example.gov")
    gone = make_user("member", body=planning, email="gone@example.gov")
    db.session.commit()
    for args in (["grant", clerk.email, "--role", "clerk", "--body", "planning"],
                 ["grant", clerk.email, "--role", "chair", "--body", "city-council"],
                 ["deactivate", gone.email]):
        assert runner.invoke(args=["users", *args]).exit_code == 0
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == ["email", "name", "active", "roles"]
    assert [row.split(None, 1)[0] for row in rows] == ["admin@example.gov", "clerk@example.gov", "gone@example.gov"]
    assert rows[0].split()[1:] == ["-", "yes", "admin"]
    assert "Carla Clerk" in rows[1]
    assert rows[1].split("  yes  ")[1].strip() == "city-council: chair, clerk; planning: clerk"
    assert rows[2].split()[1:] == ["-", "no", "planning:", "member"]


def test_list_on_an_empty_database_says_how_to_make_an_account(runner):
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0 and "No accounts yet" in result.output

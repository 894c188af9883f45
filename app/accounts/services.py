"""Account use cases: create users, grant and revoke roles, deactivate, set passwords,
authenticate, issue and resolve API tokens."""
import secrets

import sqlalchemy as sa

from app.accounts.models import ApiToken, Membership, Role, User
from app.accounts.passwords import MIN_LENGTH, check_password, hash_password, needs_rehash
from app.core.errors import Conflict, InvalidState, NotFound, ValidationFailed
from app.extensions import db

TOKEN_PREFIX = "dais_"
# A throwaway hash so unknown e-mails take as long to refuse as wrong passwords.
_DUMMY_HASH = hash_password("timing-equaliser-password")


def normalise_email(email):
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise ValidationFailed(f"'{email}' is not an e-mail address")
    return email


def check_password_length(password):
    if len(password or "") < MIN_LENGTH:
        raise ValidationFailed(f"The password must be at least {MIN_LENGTH} characters.")


def create_user(email, password, *, role, body=None, name="", now):
    email = normalise_email(email)
    role = Role(role)
    check_password_length(password)
    if role != Role.ADMIN and body is None:
        raise ValidationFailed(f"A {role.value} must belong to a body (--body SLUG).")
    if db.session.scalar(sa.select(User).where(User.email == email)):
        raise Conflict(f"A user with e-mail {email} already exists.")
    user = User(email=email, name=name, password_hash=hash_password(password),
                is_admin=(role == Role.ADMIN), created_at=now)
    db.session.add(user)
    if body is not None and role != Role.ADMIN:
        db.session.add(Membership(user=user, body_id=body.id, role=role))
    db.session.flush()
    return user


def grant_role(user, body, role):
    """Give the user `role` on `body`; False (and nothing changes) when it is held already."""
    role = _body_role(role)
    if role in user.roles_for(body.id):
        return False
    db.session.add(Membership(user=user, body_id=body.id, role=role))
    db.session.flush()
    return True


def revoke_role(user, body, role):
    """Take `role` on `body` from the user; False (and nothing changes) when it was not held.

    Takes effect at once everywhere: every request and every privileged live event
    reads the user's roles afresh."""
    role = _body_role(role)
    held = [m for m in user.memberships if m.body_id == body.id and m.role == role]
    for membership in held:
        user.memberships.remove(membership)
    db.session.flush()
    return bool(held)


def _body_role(role):
    role = Role(role)
    if role == Role.ADMIN:
        # Admin is a flag on the account, for every body, not a role held on one.
        raise ValidationFailed("admin is not a role on a body; choose clerk, chair or member.")
    return role


def end_sessions(user, *, now):
    """End every session the user signed in before `now`, as signing out does: a copy
    of its cookie is refused (auth.load_user) and live consoles it opened stop acting."""
    user.signed_out_at = now
    db.session.flush()


def deactivate_user(user, *, now):
    """Stop the account everywhere at once; returns how many API tokens were revoked.

    The flag alone already refuses sign-in and every token, but the tokens are revoked
    and the sessions ended too, so turning the account back on does not revive a
    token or a cookie that may have leaked meanwhile."""
    user.is_active_account = False
    end_sessions(user, now=now)
    return revoke_user_tokens(user, now=now)


def activate_user(user):
    """Let the account sign in again with its password; False when it was active already."""
    if user.is_active_account:
        return False
    user.is_active_account = True
    db.session.flush()
    return True


def set_password(user, password, *, now):
    """A new password; sessions signed in with the old one end (as on signing out)."""
    check_password_length(password)
    user.password_hash = hash_password(password)
    end_sessions(user, now=now)


def list_users():
    return db.session.scalars(sa.select(User).order_by(User.email)).all()


def get_user_by_email(email):
    user = db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise NotFound(f"No user with e-mail {email}.")
    return user


def authenticate(email, password):
    """The user for these credentials, or None. Rehashes outdated argon2 parameters."""
    user = db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.is_active:
        check_password(_DUMMY_HASH, password or "")
        return None
    if not check_password(user.password_hash, password or ""):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def issue_token(user, *, now, label=""):
    """Create an API token; returns the token text, which is never stored."""
    if not user.is_active:
        raise InvalidState(f"{user.email} is deactivated: a token for it would not work. "
                           "Activate the account first.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=ApiToken.hash_token(token),
                            label=label, created_at=now))
    db.session.flush()
    return token


def user_for_token(token):
    """The active user a live (unrevoked) token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    # Looked up by hash: the database never holds a usable token.
    api_token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == ApiToken.hash_token(token)))
    if api_token is None or api_token.revoked_at is not None or not api_token.user.is_active:
        return None
    return api_token.user


def revoke_user_tokens(user, *, now):
    """Revoke every live token of the user; returns how many were revoked."""
    live = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id,
                                                       ApiToken.revoked_at.is_(None))).all()
    for api_token in live:
        api_token.revoked_at = now
    db.session.flush()
    return len(live)


def roles_by_body(user):
    """{body_id: sorted role names} for the user's memberships."""
    roles = {}
    for membership in user.memberships:
        roles.setdefault(membership.body_id, set()).add(membership.role.value)
    return {body_id: sorted(names) for body_id, names in roles.items()}

"""Account use cases: create users, authenticate, issue and resolve API tokens."""
import secrets

import sqlalchemy as sa

from app.accounts.models import ApiToken, Membership, Role, User
from app.accounts.passwords import MIN_LENGTH, check_password, hash_password, needs_rehash
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db

TOKEN_PREFIX = "dais_"
# A throwaway hash so unknown e-mails take as long to refuse as wrong passwords.
_DUMMY_HASH = hash_password("timing-equaliser-password")


def normalise_email(email):
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise ValidationFailed(f"'{email}' is not an e-mail address")
    return email


def create_user(email, password, *, role, body=None, name="", now):
    email = normalise_email(email)
    role = Role(role)
    if len(password or "") < MIN_LENGTH:
        raise ValidationFailed(f"The password must be at least {MIN_LENGTH} characters.")
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
    role = Role(role)
    if role not in user.roles_for(body.id):
        db.session.add(Membership(user=user, body_id=body.id, role=role))
        db.session.flush()


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

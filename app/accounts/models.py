"""Users, their roles per body, and API tokens (stored only as hashes)."""
import hashlib

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import StrEnum, UTCDateTime, enum_column
from app.extensions import db


class Role(StrEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    CHAIR = "chair"
    MEMBER = "member"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    # When the account last signed out: live consoles it connected before then may no
    # longer act (a cookie session cannot be withdrawn from a socket that holds it).
    signed_out_at = mapped_column(UTCDateTime, nullable=True)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self):
        return self.is_active_account

    def roles_for(self, body_id):
        return {m.role for m in self.memberships if m.body_id == body_id}

    def __repr__(self):
        return f"<User {self.email}>"


class Membership(db.Model):
    """A staff or elected role held by a user on one body."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "body_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    role = mapped_column(enum_column(Role), nullable=False)

    user: Mapped[User] = relationship(back_populates="memberships")
    body = relationship("Body")


class ApiToken(db.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at = mapped_column(UTCDateTime, nullable=False)
    last_used_at = mapped_column(UTCDateTime, nullable=True)
    revoked_at = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

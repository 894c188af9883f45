"""The meeting's legal record: attendance, proceedings events, motions, votes, recusals,
and the minutes drawn from them (revisions and their approval).

Rows here are the record: services only add to it. Votes are written once per
motion; minutes revisions are never edited, and an approved revision is final.
"""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import StrEnum, UTCDateTime, enum_column
from app.extensions import db


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"


class AttendanceMode(StrEnum):
    IN_PERSON = "in_person"
    REMOTE = "remote"


class EventKind(StrEnum):
    CALL_TO_ORDER = "call_to_order"
    RECESS = "recess"
    RECONVENE = "reconvene"
    ADJOURN = "adjourn"
    REMOTE_ACCESS_DOWN = "remote_access_down"
    REMOTE_ACCESS_RESTORED = "remote_access_restored"
    CLOSED_SESSION = "closed_session"
    CLOSED_SESSION_REPORT = "closed_session_report"


class MotionKind(StrEnum):
    MAIN = "main"
    AMENDMENT = "amendment"
    SUBSTITUTE = "substitute"
    TABLE = "table"
    RECONSIDER = "reconsider"


class Threshold(StrEnum):
    MAJORITY_OF_VOTES_CAST = "majority_of_votes_cast"
    MAJORITY_OF_FULL_BODY = "majority_of_full_body"
    TWO_THIRDS = "two_thirds"


class VoteChoice(StrEnum):
    AYE = "aye"
    NO = "no"
    ABSTAIN = "abstain"
    ABSENT = "absent"
    RECUSED = "recused"


class MotionResult(StrEnum):
    ADOPTED = "adopted"
    FAILED = "failed"


class BodySeats(db.Model):
    """How many seats a body has (vacancies included). Without a row, its active members count."""

    __tablename__ = "minutes_body_seats"

    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True)
    seats: Mapped[int]


class Attendance(db.Model):
    __tablename__ = "minutes_attendance"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    status = mapped_column(enum_column(AttendanceStatus), nullable=False)
    mode = mapped_column(enum_column(AttendanceMode), nullable=False, default=AttendanceMode.IN_PERSON)
    # The legal ground for remote attendance where the rule pack asks for one.
    remote_basis: Mapped[str] = mapped_column(sa.String(500), default="")
    arrived_at = mapped_column(UTCDateTime, nullable=True)
    left_at = mapped_column(UTCDateTime, nullable=True)
    recorded_at = mapped_column(UTCDateTime, nullable=False)

    member = relationship("Member")


class ProceedingsEvent(db.Model):
    __tablename__ = "minutes_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind = mapped_column(enum_column(EventKind), nullable=False)
    occurred_at = mapped_column(UTCDateTime, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # Closed session: the items announced before it (the report on return is the note).
    item_ids = mapped_column(sa.JSON, nullable=False, default=list)


class Motion(db.Model):
    __tablename__ = "minutes_motions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    # The items the vote decides: the item itself, or every item of a consent calendar.
    covered_item_ids = mapped_column(sa.JSON, nullable=False, default=list)
    text: Mapped[str] = mapped_column(sa.Text)
    kind = mapped_column(enum_column(MotionKind), nullable=False, default=MotionKind.MAIN)
    threshold = mapped_column(enum_column(Threshold), nullable=False)
    mover_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    seconder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"), nullable=True)
    made_at = mapped_column(UTCDateTime, nullable=False)
    made_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Set once, when the vote is recorded.
    result = mapped_column(enum_column(MotionResult), nullable=True)
    vote_method: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    voted_at = mapped_column(UTCDateTime, nullable=True)
    override_reason: Mapped[str] = mapped_column(sa.Text, default="")
    overridden_guards = mapped_column(sa.JSON, nullable=False, default=list)

    mover = relationship("Member", foreign_keys=[mover_id])
    seconder = relationship("Member", foreign_keys=[seconder_id])
    item = relationship("AgendaItem")
    votes: Mapped[list["Vote"]] = relationship(back_populates="motion", order_by="Vote.id",
                                               cascade="all, delete-orphan")


class Vote(db.Model):
    __tablename__ = "minutes_votes"
    __table_args__ = (sa.UniqueConstraint("motion_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes_motions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    choice = mapped_column(enum_column(VoteChoice), nullable=False)

    motion: Mapped[Motion] = relationship(back_populates="votes")
    member = relationship("Member")


class Recusal(db.Model):
    __tablename__ = "minutes_recusals"
    __table_args__ = (sa.UniqueConstraint("item_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    declared_at = mapped_column(UTCDateTime, nullable=False)

    member = relationship("Member")


class MinutesRevision(db.Model):
    __tablename__ = "minutes_revisions"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    html: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, nullable=False)
    # A correction of approved minutes points at the revision it corrects.
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("minutes_revisions.id"), nullable=True)

    author = relationship("User")


class MinutesApproval(db.Model):
    """The vote of a later meeting that approved one revision; that revision is then final."""

    __tablename__ = "minutes_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes_revisions.id"), unique=True)
    motion_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes_motions.id"))
    approved_at = mapped_column(UTCDateTime, nullable=False)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    revision = relationship(MinutesRevision)
    motion = relationship(Motion)

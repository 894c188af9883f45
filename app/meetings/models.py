"""Bodies, their members, meetings, agenda sections and items, attachments, agenda versions."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import StrEnum, UTCDateTime, enum_column
from app.extensions import db
from app.minutes.rules import DEFAULT_THRESHOLDS


class MeetingKind(StrEnum):
    REGULAR = "regular"
    SPECIAL = "special"
    EMERGENCY = "emergency"


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    IN_PROGRESS = "in_progress"
    RECESSED = "recessed"
    ADJOURNED = "adjourned"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"

    @property
    def a_meeting(self):
        """"A meeting in recess", "an adjourned meeting": for messages that say why not."""
        return {"in_progress": "a meeting in progress", "recessed": "a meeting in recess",
                "adjourned": "an adjourned meeting"}.get(self.value, f"a {self.value} meeting")


class CommentPolicy(StrEnum):
    FIFO = "fifo"
    ALTERNATE = "alternate"
    IN_PERSON_FIRST = "in_person_first"


class SectionKind(StrEnum):
    CEREMONIAL = "ceremonial"          # call to order, roll call, pledge, adjournment
    PUBLIC_COMMENT = "public_comment"  # non-agenda public comment
    CONSENT = "consent"
    PUBLIC_HEARING = "public_hearing"
    BUSINESS = "business"
    CLOSED_SESSION = "closed_session"
    REPORTS = "reports"


class Body(db.Model):
    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="America/Los_Angeles")
    rule_pack: Mapped[str] = mapped_column(sa.String(40), default="generic")
    comment_seconds: Mapped[int] = mapped_column(default=180)
    comment_policy = mapped_column(enum_column(CommentPolicy), nullable=False, default=CommentPolicy.FIFO)
    # [{"title": ..., "kind": SectionKind value}, ...] copied into each new meeting.
    agenda_template = mapped_column(sa.JSON, nullable=False, default=list)
    # Posting hours for the `generic` rule pack (other packs carry their own).
    generic_notice_hours: Mapped[int] = mapped_column(default=72)
    # The body's adopted default vote threshold per kind of motion, {kind: threshold} in the
    # vocabulary of app.minutes.rules; a motion that names no threshold takes its kind's.
    default_thresholds = mapped_column(sa.JSON, nullable=False, default=lambda: dict(DEFAULT_THRESHOLDS))
    created_at = mapped_column(UTCDateTime, nullable=False)

    members: Mapped[list["Member"]] = relationship(
        back_populates="body", order_by="Member.sort_order", cascade="all, delete-orphan"
    )


class Member(db.Model):
    """A seat holder (elected official) of a body."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(100), default="Councilmember")
    seat: Mapped[str] = mapped_column(sa.String(100), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    body: Mapped[Body] = relationship(back_populates="members")


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id"), index=True)
    kind = mapped_column(enum_column(MeetingKind), nullable=False, default=MeetingKind.REGULAR)
    title: Mapped[str] = mapped_column(sa.String(300))
    start_at = mapped_column(UTCDateTime, nullable=False, index=True)
    end_at = mapped_column(UTCDateTime, nullable=True)
    location: Mapped[str] = mapped_column(sa.String(500), default="")
    remote_url: Mapped[str] = mapped_column(sa.String(500), default="")
    dial_in: Mapped[str] = mapped_column(sa.String(200), default="")
    remote_instructions: Mapped[str] = mapped_column(sa.Text, default="")
    accommodation_notice: Mapped[str] = mapped_column(sa.Text, default="")
    status = mapped_column(enum_column(MeetingStatus), nullable=False, default=MeetingStatus.DRAFT)
    # Incremented on every change of time, place or status (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    # Live state version for /live clients; bumped in the same transaction as each change.
    state_version: Mapped[int] = mapped_column(default=0)
    created_at = mapped_column(UTCDateTime, nullable=False)
    revised_at = mapped_column(UTCDateTime, nullable=False)
    # True when the agenda changed since the current published version.
    has_unpublished_changes: Mapped[bool] = mapped_column(default=False)

    body: Mapped[Body] = relationship()
    sections: Mapped[list["AgendaSection"]] = relationship(
        back_populates="meeting", order_by="AgendaSection.position", cascade="all, delete-orphan"
    )
    versions: Mapped[list["AgendaVersion"]] = relationship(
        back_populates="meeting", order_by="AgendaVersion.number", cascade="all, delete-orphan"
    )

    @property
    def current_version(self):
        return self.versions[-1] if self.versions else None

    @property
    def items(self):
        return [item for section in self.sections for item in section.items]


class AgendaSection(db.Model):
    __tablename__ = "agenda_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind = mapped_column(enum_column(SectionKind), nullable=False, default=SectionKind.BUSINESS)

    meeting: Mapped[Meeting] = relationship(back_populates="sections")
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="section", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"
    # An item's id lives on in posted versions, queue places and the log after the
    # item is deleted: SQLite must not give it to a new item (migration c6d8e2f4a197).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_sections.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(500))
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    recommended_action: Mapped[str] = mapped_column(sa.Text, default="")
    department: Mapped[str] = mapped_column(sa.String(200), default="")
    fiscal_impact: Mapped[str] = mapped_column(sa.Text, default="")
    accepts_public_comment: Mapped[bool] = mapped_column(default=True)
    estimated_minutes: Mapped[int | None] = mapped_column(nullable=True)

    section: Mapped[AgendaSection] = relationship(back_populates="items")
    meeting: Mapped[Meeting] = relationship(overlaps="sections")
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="item", order_by="Attachment.id", cascade="all, delete-orphan"
    )


class Attachment(db.Model):
    """A validated PDF attached to an item; the bytes live on disk under their SHA-256."""

    __tablename__ = "attachments"
    # Links to a deleted attachment must not serve a newer file under its id.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size_bytes: Mapped[int]
    page_count: Mapped[int]
    uploaded_at = mapped_column(UTCDateTime, nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    item: Mapped[AgendaItem] = relationship(back_populates="attachments")


class AgendaVersion(db.Model):
    """An immutable published agenda: the snapshot, its hash and when it was posted."""

    __tablename__ = "agenda_versions"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    content = mapped_column(sa.JSON, nullable=False)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    posted_at = mapped_column(UTCDateTime, nullable=False)
    posted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    deadline_at = mapped_column(UTCDateTime, nullable=True)
    override_reason: Mapped[str] = mapped_column(sa.Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="versions")

    @property
    def is_amendment(self):
        return self.number > 1

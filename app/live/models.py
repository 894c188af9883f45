"""Queue entries and the live state of each meeting. All live state is in the database,
so a restarted server loses nothing and every process sees the same queue."""
import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import StrEnum, UTCDateTime, enum_column
from app.extensions import db


class Channel(StrEnum):
    REMOTE = "remote"
    IN_PERSON = "in_person"


class Stance(StrEnum):
    SUPPORT = "support"
    OPPOSE = "oppose"
    NEUTRAL = "neutral"


class EntryStatus(StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    SKIPPED = "skipped"
    REMOVED = "removed"
    LEFT = "left"


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class QueueEntry(db.Model):
    __tablename__ = "live_queue_entries"
    __table_args__ = (
        # One place per resident per item (0 stands for general comment, since NULLs
        # never collide); leaving frees the place. The services check first under the
        # meeting lock; this index is the last line of defence against a race.
        sa.Index("uq_live_queue_entries_participant_item", "meeting_id", "item_key", "token_hash",
                 unique=True,
                 sqlite_where=sa.text("token_hash IS NOT NULL AND status != 'left'"),
                 postgresql_where=sa.text("token_hash IS NOT NULL AND status != 'left'")),
        sa.Index("ix_live_queue_entries_meeting_status", "meeting_id", "status"),
        sa.UniqueConstraint("meeting_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="SET NULL"))
    item_key: Mapped[int] = mapped_column(default=0)
    # 1, 2, 3… in sign-up order within the meeting, given under the meeting's lock: an
    # anonymous speaker is "Speaker 3" on every page, not the row id, which grows with
    # every meeting the installation has held.
    number: Mapped[int] = mapped_column(nullable=False)
    channel = mapped_column(enum_column(Channel), nullable=False)
    # Typed by the resident or copied from a speaker card: never verified.
    display_name: Mapped[str | None] = mapped_column(sa.String(60), nullable=True)
    stance = mapped_column(enum_column(Stance), nullable=True)
    needs_interpreter: Mapped[bool] = mapped_column(default=False)
    # SHA-256 of the resident's browser-held token; the token itself is never stored.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)
    status = mapped_column(enum_column(EntryStatus), nullable=False, default=EntryStatus.WAITING)
    signed_up_at = mapped_column(UTCDateTime, nullable=False)
    called_at = mapped_column(UTCDateTime, nullable=True)
    # When the resident's page received their latest call (`seen_call`): the chair
    # then knows the page is open and connected. Reset at every call.
    call_seen_at = mapped_column(UTCDateTime, nullable=True)
    # Order of calls within the meeting; the alternate policy continues from the last one.
    called_seq: Mapped[int | None] = mapped_column(nullable=True)
    finished_at = mapped_column(UTCDateTime, nullable=True)
    allotted_seconds: Mapped[int | None] = mapped_column(nullable=True)
    # Whole seconds of the turn's time used; None while waiting, and for a turn ended
    # before its time was started (not counted as a comment).
    used_seconds: Mapped[int | None] = mapped_column(nullable=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # When the chair last warned the participant that they were disrupting the meeting
    # (some rule packs require a warning before removal; the log keeps each warning).
    warned_at = mapped_column(UTCDateTime, nullable=True)
    # What that warning was for, as the chair gave it: the person warned is told (it is in
    # the public log already).
    warning_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    removal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # When the chair hid the name the participant typed (it is then empty, as for one who
    # gave none): their page and the console can say so after a reload, and staff do not
    # give the place a name again. (The log keeps who hid it and why.)
    name_hidden_at = mapped_column(UTCDateTime, nullable=True)

    meeting = relationship("Meeting")
    item = relationship("AgendaItem")


class LiveState(db.Model):
    """What is happening now in one meeting: current item, comment period, speaker and timer."""

    __tablename__ = "live_states"

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"),
                                            primary_key=True)
    current_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), nullable=True)
    is_comment_open: Mapped[bool] = mapped_column(default=False)
    # None with the comment open means general (non-agenda) comment.
    comment_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), nullable=True)
    seconds_per_speaker: Mapped[int] = mapped_column(default=180)
    comment_opened_at = mapped_column(UTCDateTime, nullable=True)
    # Total length of a timed comment period, when the chair set one.
    comment_period_seconds: Mapped[int | None] = mapped_column(nullable=True)
    # Agenda items whose comment period has been held and closed (not general comment,
    # which may be held more than once): nobody new signs up for them unless it reopens.
    closed_item_ids: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    speaker_entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_queue_entries.id", ondelete="SET NULL"), nullable=True)
    timer_allotted_seconds: Mapped[int] = mapped_column(default=0)
    timer_started_at = mapped_column(UTCDateTime, nullable=True)
    timer_paused_at = mapped_column(UTCDateTime, nullable=True)
    timer_paused_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)

    speaker = relationship("QueueEntry", foreign_keys=[speaker_entry_id])

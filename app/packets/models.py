"""Packet builds: one row per attempt to render a meeting's agenda and packet PDFs."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import StrEnum, UTCDateTime, enum_column
from app.extensions import db


class BuildStatus(StrEnum):
    BUILDING = "building"
    READY = "ready"
    FAILED = "failed"


class PacketBuild(db.Model):
    """A build of one published agenda version, keyed by what it was built from.

    `build_key` hashes the version's content hash with the builder's version, so
    the same agenda is never built twice and a newer builder rebuilds old ones.
    The files live under INSTANCE_DIR/packets/<build_key>/ and never change.
    """

    __tablename__ = "packet_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    build_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    status = mapped_column(enum_column(BuildStatus), nullable=False, default=BuildStatus.BUILDING)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    agenda_pages: Mapped[int] = mapped_column(default=0)
    packet_pages: Mapped[int] = mapped_column(default=0)
    agenda_bytes: Mapped[int] = mapped_column(default=0)
    packet_bytes: Mapped[int] = mapped_column(default=0)
    # How many rendered pieces (agenda, contents, staff reports) came from the cache.
    pieces_rendered: Mapped[int] = mapped_column(default=0)
    pieces_reused: Mapped[int] = mapped_column(default=0)
    started_at = mapped_column(UTCDateTime, nullable=False)
    finished_at = mapped_column(UTCDateTime, nullable=True)

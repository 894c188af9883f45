"""Packet builds as use cases: start, finish or fail a build; the status shown on the meeting page.

The rendering itself (app.packets.builder) runs between two short transactions
so the page can say "building" while the worker renders, and the previous good
packet stays downloadable until the new one is ready.
"""
import hashlib
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from app.packets.models import BuildStatus, PacketBuild
from app.packets.render import RENDERER_VERSION

# A build still "building" after this long was interrupted (the worker stopped or crashed).
STALE_AFTER = timedelta(minutes=30)


def packets_dir():
    return Path(current_app.config["INSTANCE_DIR"]) / "packets"


def build_dir(build_key):
    return packets_dir() / "builds" / build_key


def cache_dir():
    return Path(current_app.config.get("PACKET_CACHE_DIR") or packets_dir() / "pieces")


def build_key_for(version):
    return hashlib.sha256(f"{RENDERER_VERSION}:{version.content_hash}".encode()).hexdigest()


def _builds(meeting_id):
    return sa.select(PacketBuild).where(PacketBuild.meeting_id == meeting_id).order_by(PacketBuild.id.desc())


def latest_ready_build(meeting_id):
    return db.session.scalars(_builds(meeting_id).where(PacketBuild.status == BuildStatus.READY).limit(1)).first()


def latest_build_for_key(meeting_id, build_key):
    return db.session.scalars(_builds(meeting_id).where(PacketBuild.build_key == build_key).limit(1)).first()


def start_build(meeting, *, now, force=False):
    """A new BUILDING row for the meeting's current version, or None when there is nothing to do:
    a draft, or a version already built (unless `force`)."""
    version = meeting.current_version
    if version is None or meeting.status == MeetingStatus.DRAFT:
        return None
    key = build_key_for(version)
    previous = latest_build_for_key(meeting.id, key)
    if not force and previous is not None and previous.status == BuildStatus.READY \
            and (build_dir(key) / "packet.pdf").is_file():
        return None
    build = PacketBuild(meeting_id=meeting.id, version_number=version.number,
                        content_hash=version.content_hash, build_key=key,
                        status=BuildStatus.BUILDING, started_at=now)
    db.session.add(build)
    db.session.flush()
    return build


def finish_build(build, result, *, now):
    build.status = BuildStatus.READY
    build.reason = ""
    build.agenda_pages, build.packet_pages = result.agenda_pages, result.packet_pages
    build.agenda_bytes, build.packet_bytes = result.agenda_bytes, result.packet_bytes
    build.pieces_rendered, build.pieces_reused = len(result.rendered), len(result.reused)
    build.finished_at = now
    db.session.flush()
    return build


def fail_build(build, reason, *, now):
    build.status = BuildStatus.FAILED
    build.reason = reason[:4000]
    build.finished_at = now
    db.session.flush()
    return build


def status_for(meeting, *, now):
    """What the meeting page and the status JSON say about the packet.

    state: none (nothing published) | building | ready | failed. `download` is the
    newest good build, which may belong to an older version while a new one builds.
    """
    version = meeting.current_version
    ready = latest_ready_build(meeting.id)
    download = None
    if ready is not None:
        download = {"version": ready.version_number, "agenda_pages": ready.agenda_pages,
                    "packet_pages": ready.packet_pages, "built_at": ready.finished_at.isoformat(),
                    "is_current": version is not None and ready.build_key == build_key_for(version)}
    if version is None or meeting.status == MeetingStatus.DRAFT:
        return {"state": "none", "version": None, "reason": "", "download": None}
    current = latest_build_for_key(meeting.id, build_key_for(version))
    state, reason = "building", ""
    if current is not None:
        state = str(current.status)
        reason = current.reason
        if current.status == BuildStatus.BUILDING and now - current.started_at > STALE_AFTER:
            state, reason = "failed", "The build did not finish; the packet worker may have stopped."
    return {"state": state, "version": version.number, "reason": reason, "download": download}


def get_meeting_or_none(meeting_id):
    return db.session.get(Meeting, meeting_id)

"""Packet builds as use cases: start, finish or fail a build; the status shown on the meeting page.

The rendering itself (app.packets.builder) runs between two short transactions
so the page can say "building" while the worker renders, and the previous good
packet stays downloadable until the new one is ready.
"""
import hashlib
import shutil
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


def build_dir(build):
    """Each build writes its own directory, so a file never changes under its ETag."""
    return packets_dir() / "builds" / f"{build.meeting_id}-{build.id}-{build.build_key[:16]}"


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
    if not force and _already_served(meeting.id, key):
        return None
    build = PacketBuild(meeting_id=meeting.id, version_number=version.number,
                        content_hash=version.content_hash, build_key=key,
                        status=BuildStatus.BUILDING, started_at=now)
    db.session.add(build)
    db.session.flush()
    return build


def _already_served(meeting_id, key):
    """True when the newest good build is this very content and its files are on disk.

    An agenda amended back to an earlier content has that earlier key again, but
    the newest good build is another one, so it is built anew (from cached pieces).
    """
    newest = latest_ready_build(meeting_id)
    return newest is not None and newest.build_key == key and (build_dir(newest) / "packet.pdf").is_file()


def prune_old_builds(meeting_id, *, keep=2):
    """Delete the files of all but the `keep` newest good builds; returns the build ids removed.

    The previous packet is kept too, so a download that started just before the
    new one became ready can still finish (or resume with a Range request).
    """
    builds = db.session.scalars(_builds(meeting_id)).all()
    ready = [build for build in builds if build.status == BuildStatus.READY]
    # Failed builds never serve anything; their partial files go at once.
    doomed = ready[keep:] + [build for build in builds if build.status == BuildStatus.FAILED]
    removed = []
    for build in doomed:
        if build_dir(build).exists():
            shutil.rmtree(build_dir(build), ignore_errors=True)
            removed.append(build.id)
    return removed


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

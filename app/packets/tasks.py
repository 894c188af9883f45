"""The packet build as a background job (Huey), and the one function both the job and the CLI run.

Huey keeps its queue in SQLite under INSTANCE_DIR by default, or in Redis when
REDIS_URL is set, so the web process only writes a small message and returns;
all rendering happens in the worker (`python -m app.packets.worker`).
"""
import logging
import threading

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey

from app.core.db import transaction
from app.core.languages import documents_language
from app.core.time import utcnow
from config import Config

log = logging.getLogger(__name__)


def make_huey(config=Config):
    if config.REDIS_URL:
        return RedisHuey("dais-packets", url=config.REDIS_URL, results=False)
    instance = config.INSTANCE_DIR
    instance.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("dais-packets", filename=str(instance / "huey.sqlite3"), results=False)


huey = make_huey()


def enqueue_packet_build(meeting_id):
    """Ask the worker to build the meeting's packet. Call after the publishing transaction commits.

    PACKET_QUEUE decides what happens: "huey" (default) enqueues, "inline" builds
    now in this process (scripts), "off" does nothing (the default under TESTING,
    so publishing in unrelated tests renders no PDFs).
    """
    mode = current_app.config.get("PACKET_QUEUE") or ("off" if current_app.testing else "huey")
    if mode == "off":
        return None
    if mode == "inline":
        return build_packet(meeting_id)
    return build_packet_task(meeting_id)


@huey.task()
def build_packet_task(meeting_id):
    app = current_app._get_current_object() if has_app_context() else worker_app()
    with app.app_context():
        build_packet(meeting_id)


_app_lock = threading.Lock()
_app = None


def worker_app():
    """The worker's own app, created once per process (no sockets, no event loop)."""
    global _app
    with _app_lock:
        if _app is None:
            from app import create_app

            _app = create_app(SOCKETIO_ASYNC_MODE="threading")
        return _app


def build_packet(meeting_id, *, force=False):
    """Build the meeting's current agenda version; returns the PacketBuild, or None if nothing to do.

    Three steps, two short transactions: mark BUILDING (committed, so the meeting
    page shows it), render and merge outside any transaction, then mark READY or
    FAILED with the reason.
    """
    from app.extensions import db
    from app.packets import services
    from app.packets.builder import BuildFailed, PacketBuilder, PieceCache

    with transaction():
        meeting = services.get_meeting_or_none(meeting_id)
        if meeting is None:
            log.info("packet build skipped: meeting %s does not exist", meeting_id)
            return None
        build = services.start_build(meeting, now=utcnow(), force=force)
        if build is None:
            return None
        build_id, out_dir = build.id, services.build_dir(build)
        content = meeting.current_version.content

    config = current_app.config
    builder = PacketBuilder(content, upload_dir=config["UPLOAD_DIR"], cache=PieceCache(services.cache_dir()),
                            lang=documents_language(config))
    try:
        result = builder.build(out_dir)
        failure = None
    except BuildFailed as exc:
        result, failure = None, exc.reason
    except Exception as exc:  # noqa: BLE001 - the meeting page must say the build failed, whatever the cause
        log.exception("packet build %s for meeting %s crashed", build_id, meeting_id)
        result, failure = None, f"The packet could not be built because of an internal error ({type(exc).__name__})."

    with transaction():
        build = db.session.get(services.PacketBuild, build_id)
        if failure is None:
            services.finish_build(build, result, now=utcnow())
        else:
            services.fail_build(build, failure, now=utcnow())
    if failure is None:
        services.prune_old_builds(meeting_id)
    log.info("packet build %s for meeting %s: %s", build_id, meeting_id, build.status)
    return build

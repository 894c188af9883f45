"""Public downloads of the agenda and packet PDFs, and the packet's build status.

Files are served from the newest good build, so residents keep the previous
packet while an amended one is being built. ETag and Range come from
send_file(conditional=True); a 300-page packet resumes where it stopped.
"""
from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify, render_template, send_file, url_for
from flask_babel import gettext as _

from app.core.errors import NotFound
from app.core.security import ATTACHMENT_CSP
from app.core.time import utcnow
from app.meetings.models import MeetingStatus
from app.packets import services
from app.packets.tasks import enqueue_packet_build

bp = Blueprint("packets", __name__)

MAX_AGE = 60


@bp.app_template_global("packet_status")
def packet_status(meeting):
    """For templates/packets/_status.html, included on the meeting page."""
    return services.status_for(meeting, now=utcnow())


def _public_meeting(meeting_id):
    meeting = services.get_meeting_or_none(meeting_id)
    if meeting is None or meeting.status == MeetingStatus.DRAFT:
        raise NotFound(_("There is no public meeting with this number."))
    return meeting


@bp.get("/meetings/<int:meeting_id>/agenda.pdf")
def download_agenda(meeting_id):
    return _download(meeting_id, "agenda")


@bp.get("/meetings/<int:meeting_id>/packet.pdf")
def download_packet(meeting_id):
    return _download(meeting_id, "packet")


@bp.get("/meetings/<int:meeting_id>/packet.json")
def show_status(meeting_id):
    meeting = _public_meeting(meeting_id)
    status = services.status_for(meeting, now=utcnow())
    if status["download"]:
        status["download"]["agenda_url"] = url_for("packets.download_agenda", meeting_id=meeting.id)
        status["download"]["packet_url"] = url_for("packets.download_packet", meeting_id=meeting.id)
    response = jsonify(status)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _download(meeting_id, kind):
    meeting = _public_meeting(meeting_id)
    build = services.latest_ready_build(meeting.id)
    path = services.build_dir(build) / f"{kind}.pdf" if build is not None else None
    if path is None or not path.is_file():
        status = services.status_for(meeting, now=utcnow())
        if build is not None and status["state"] == "ready":
            # Built, but its files are gone from this server's disk (restored without the
            # instance directory, say): "being prepared" must come true, not stay forever.
            enqueue_packet_build(meeting.id)
        response = render_template("packets/unavailable.html", meeting=meeting, status=status, kind=kind)
        # 503 + Retry-After: the file will exist soon, and clients and crawlers should come back.
        return response, 503, {"Retry-After": "30", "Cache-Control": "no-store"}
    local_date = meeting.start_at.astimezone(ZoneInfo(meeting.body.timezone)).date().isoformat()
    response = send_file(path, mimetype="application/pdf", as_attachment=False,
                         download_name=f"{meeting.body.slug}-{local_date}-{kind}.pdf",
                         etag=f"{build.id}-{build.build_key[:24]}-{kind}", conditional=True, max_age=MAX_AGE,
                         last_modified=build.finished_at)
    response.headers["Content-Security-Policy"] = ATTACHMENT_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response

"""Public download of attachment bytes.

PDFs are served inline under their own sandboxing CSP and `nosniff`, so a
crafted upload can never run script in our origin. Attachments of a draft
meeting are not public: only that body's staff can fetch them.
"""
from flask import Blueprint, current_app, redirect, send_file, url_for
from flask_login import current_user

from app.accounts import policy
from app.core.errors import NotFound
from app.core.security import ATTACHMENT_CSP
from app.meetings.attachments import attachment_path, get_attachment, published_attachment
from app.meetings.models import MeetingStatus

bp = Blueprint("meeting_files", __name__)


def attachment_url(attachment, **kwargs):
    return url_for("meeting_files.download_attachment", meeting_id=attachment.item.meeting_id,
                   attachment_id=attachment.id, filename=attachment.filename, **kwargs)


@bp.get("/meetings/<int:meeting_id>/attachments/<int:attachment_id>/<path:filename>")
def download_attachment(meeting_id, attachment_id, filename):
    missing = NotFound("This attachment does not exist or is not public.")
    try:
        attachment = get_attachment(attachment_id)
    except NotFound:
        return _from_a_published_version(meeting_id, attachment_id, filename, missing)
    meeting = attachment.item.meeting
    if meeting.id != meeting_id:
        raise missing
    if meeting.status == MeetingStatus.DRAFT and not policy.can(
            current_user, "meeting.view_staff", meeting.body_id):
        raise missing
    if filename != attachment.filename:
        return redirect(attachment_url(attachment), code=301)
    return _send_pdf(attachment.sha256, attachment.filename, private=meeting.status == MeetingStatus.DRAFT,
                     missing=missing)


def _from_a_published_version(meeting_id, attachment_id, filename, missing):
    """An attachment deleted after it was published: the versions that listed it are a
    public record and link to it, and its bytes are kept, so those links keep working."""
    listed = published_attachment(meeting_id, attachment_id)
    if listed is None:
        raise missing
    if filename != listed["filename"]:
        return redirect(url_for("meeting_files.download_attachment", meeting_id=meeting_id,
                                attachment_id=attachment_id, filename=listed["filename"]), code=301)
    return _send_pdf(listed["sha256"], listed["filename"], private=False, missing=missing)


def _send_pdf(sha256, filename, *, private, missing):
    path = attachment_path(current_app.config["UPLOAD_DIR"], sha256)
    if not path.is_file():
        raise missing
    response = send_file(path, mimetype="application/pdf", as_attachment=False,
                         download_name=filename, etag=sha256, conditional=True, max_age=0)
    response.headers["Content-Security-Policy"] = ATTACHMENT_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Drafts and the public copy share one URL scheme; never let a shared cache keep a draft file.
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response

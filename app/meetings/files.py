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
from app.meetings.attachments import attachment_path, get_attachment
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
        raise missing from None
    meeting = attachment.item.meeting
    if meeting.id != meeting_id:
        raise missing
    if meeting.status == MeetingStatus.DRAFT and not policy.can(
            current_user, "meeting.view_staff", meeting.body_id):
        raise missing
    if filename != attachment.filename:
        return redirect(attachment_url(attachment), code=301)
    path = attachment_path(current_app.config["UPLOAD_DIR"], attachment.sha256)
    if not path.is_file():
        raise missing
    response = send_file(path, mimetype="application/pdf", as_attachment=False,
                         download_name=attachment.filename, etag=attachment.sha256,
                         conditional=True, max_age=0)
    response.headers["Content-Security-Policy"] = ATTACHMENT_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Drafts and the public copy share one URL scheme; never let a shared cache keep a draft file.
    response.headers["Cache-Control"] = ("private, no-store" if meeting.status == MeetingStatus.DRAFT
                                         else "public, max-age=300")
    return response

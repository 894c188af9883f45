"""The minutes as a tagged PDF, rendered by the packet pipeline and cached by content.

The public document is the approved revision; before approval it is the latest
draft, stamped DRAFT on every page. The cache key is everything the file shows,
so a new revision or approval makes a new file and a new ETag.
"""
import hashlib
import json
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import force_locale

from app.meetings.sanitize import clean_html
from app.minutes import services
from app.packets import render
from app.packets import services as packets
from app.packets.builder import PieceCache


def published_revision(meeting):
    """(revision, approval or None) the public PDF shows, or (None, None) before any minutes exist."""
    history = services.revisions(meeting)
    if not history:
        return None, None
    approvals = services.approvals(meeting)
    approved = [r for r in history if r.id in approvals]
    if approved:
        return approved[-1], approvals[approved[-1].id]
    return history[-1], None


def minutes_view(meeting, revision, approval):
    tz = ZoneInfo(meeting.body.timezone)
    start = meeting.start_at.astimezone(tz)
    return {
        "body_name": meeting.body.name,
        "title": meeting.title,
        "date": start.date().isoformat(),
        "location": meeting.location,
        "revision": revision.number,
        "content_hash": revision.content_hash,
        "html": revision.html,
        "draft": approval is None,
        "approved_on": approval.approved_at.astimezone(tz).date().isoformat() if approval else None,
        "approving_motion_id": approval.motion_id if approval else None,
    }


def view_key(view, lang):
    payload = json.dumps([render.RENDERER_VERSION, "minutes", lang, view], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def minutes_html(view, *, lang):
    with force_locale(lang):
        return render_template("minutes/minutes_pdf.html", lang=lang, view=view,
                               body_html=clean_html(view["html"] or ""))


def minutes_pdf(meeting, revision, approval, *, lang="en"):
    """(path, key): the cached PDF file for this revision, rendered on first request."""
    view = minutes_view(meeting, revision, approval)
    key = view_key(view, lang)
    cache = PieceCache(packets.cache_dir())
    if cache.get(key) is None:
        cache.put(key, render.render_pdf(minutes_html(view, lang=lang), tagged=True))
    return cache.path(key), key

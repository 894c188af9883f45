"""The public .ics feeds, with validators so that polling clients mostly get 304s."""
import hashlib

from flask import Blueprint, current_app, request, url_for

from app.calendar import ical, services
from app.core.time import utcnow

bp = Blueprint("calendar", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Proxies may hold a feed briefly; clients revalidate with the ETag after that.
CACHE_CONTROL = "public, max-age=300"


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_feed(meeting_id):
    feed = services.meeting_feed(meeting_id, base_url=_base_url())
    return _feed_response(feed, filename=f"meeting-{meeting_id}.ics")


@bp.get("/bodies/<slug>/calendar.ics")
def body_feed(slug):
    feed = services.body_feed(slug, base_url=_base_url(), now=utcnow())
    return _feed_response(feed, filename=f"{slug}.ics")


@bp.get("/calendar.ics")
def global_feed():
    feed = services.global_feed(base_url=_base_url(), now=utcnow())
    return _feed_response(feed, filename="calendar.ics")


@bp.app_template_global()
def calendar_subscribe_links(body=None, meeting=None):
    """Links for the portal: {"https": ..., "webcal": ...} for a meeting, a body or everything."""
    if meeting is not None:
        path = url_for("calendar.meeting_feed", meeting_id=meeting.id)
    elif body is not None:
        path = url_for("calendar.body_feed", slug=body.slug)
    else:
        path = url_for("calendar.global_feed")
    return services.subscribe_links(_base_url() + path)


def _base_url():
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def _feed_response(feed, *, filename):
    data = ical.to_ical(feed)
    response = current_app.response_class(data, mimetype="text/calendar")
    response.headers["Content-Type"] = CONTENT_TYPE
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = CACHE_CONTROL
    # Event text is translated for the visitor's language.
    response.vary.add("Accept-Language")
    response.set_etag(hashlib.sha256(data).hexdigest())
    if feed.last_modified is not None:
        response.last_modified = feed.last_modified
    # Answers If-None-Match (preferred) or If-Modified-Since with 304 and no body.
    return response.make_conditional(request)

"""The public portal: home, meeting list, meeting page and agenda version history.

Residents only ever see published agenda versions (immutable snapshots), never the
clerk's working copy. Draft meetings exist only for staff of their body.
"""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.policy import can
from app.core.errors import NotFound
from app.core.pagination import page_args, page_meta, paginate
from app.core.time import UTC, utcnow
from app.extensions import db
from app.meetings import services
from app.meetings.forms import MeetingFilterForm, choice
from app.meetings.models import AgendaVersion, Body, Meeting, MeetingStatus

bp = Blueprint("meetings", __name__)

HOME_LIST_SIZE = 8
# Meetings under way stay "upcoming" on the home page even though they started.
LIVE_STATUSES = (MeetingStatus.IN_PROGRESS, MeetingStatus.RECESSED)


@bp.app_template_filter("iso_local")
def iso_local(value, tz_name, fmt="full"):
    """A UTC ISO-8601 string from an agenda snapshot, shown in the body's local time."""
    from app.core.display import local_time

    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return local_time(parsed, tz_name, fmt)


def public_meetings():
    return sa.select(Meeting).where(Meeting.status != MeetingStatus.DRAFT)


def visible_meeting(meeting_id):
    return services.visible_meeting(meeting_id, current_user)


@bp.get("/")
def home():
    now = utcnow()
    upcoming = db.session.scalars(
        public_meetings()
        .where(sa.or_(Meeting.start_at >= now, Meeting.status.in_(LIVE_STATUSES)))
        .order_by(Meeting.start_at, Meeting.id).limit(HOME_LIST_SIZE)
    ).all()
    recent = db.session.scalars(
        public_meetings()
        .where(Meeting.start_at < now, Meeting.status.not_in(LIVE_STATUSES))
        .order_by(Meeting.start_at.desc(), Meeting.id.desc()).limit(HOME_LIST_SIZE)
    ).all()
    return render_template("meetings/home.html", upcoming=upcoming, recent=recent)


def _filter_timezone(body):
    """Dates in the filter are local dates: the chosen body's, else the (first) body's zone."""
    if body is not None:
        return body.timezone
    return db.session.scalar(sa.select(Body.timezone).order_by(Body.id).limit(1)) or "UTC"


def _local_day_start(day, tz_name, days_later=0):
    """When the day (`days_later` days on) starts, in UTC; None past either end of the
    calendar, where no bound is needed: no meeting starts that early or that late."""
    try:
        return datetime.combine(day + timedelta(days=days_later), time.min, tzinfo=ZoneInfo(tz_name)).astimezone(UTC)
    except OverflowError:
        return None


@bp.get("/meetings")
def list_meetings():
    bodies = db.session.scalars(sa.select(Body).order_by(Body.name)).all()
    form = MeetingFilterForm(request.args)
    form.body.choices = [choice("", _("All bodies"))] + [choice(b.slug, b.name) for b in bodies]
    status = 200
    query = public_meetings()
    body = None
    if form.validate():
        body = next((b for b in bodies if b.slug == form.body.data), None)
        tz_name = _filter_timezone(body)
        if body is not None:
            query = query.where(Meeting.body_id == body.id)
        start = _local_day_start(form.from_date.data, tz_name) if form.from_date.data else None
        if start is not None:
            query = query.where(Meeting.start_at >= start)
        end = _local_day_start(form.to_date.data, tz_name, days_later=1) if form.to_date.data else None
        if end is not None:
            query = query.where(Meeting.start_at < end)
    else:
        # Show every meeting with the errors next to the fields rather than an empty page.
        status = 422
    page, per_page = page_args(request.args, current_app.config.get("PAGE_SIZE", 20))
    # Upcoming first would split pages oddly; the list is chronological, newest first.
    query = query.order_by(Meeting.start_at.desc(), Meeting.id.desc())
    meetings, total = paginate(query, page, per_page)
    meta = page_meta(page, per_page, total)
    if page > meta["pages"]:
        raise NotFound(_("There is no page %(page)d of this list.", page=page))
    filters = {key: value for key, value in request.args.items()
               if key in ("body", "from_date", "to_date") and value}
    return render_template("meetings/list_meetings.html", form=form, meetings=meetings, meta=meta,
                           filters=filters, selected_body=body), status


@bp.get("/meetings/<int:meeting_id>")
def show_meeting(meeting_id):
    meeting = visible_meeting(meeting_id)
    version = meeting.current_version
    return render_template("meetings/show_meeting.html", meeting=meeting, version=version,
                           content=version.content if version else None,
                           is_current=True, may_edit=can(current_user, "agenda.edit", meeting.body_id))


def _version(meeting, number):
    version = db.session.scalar(sa.select(AgendaVersion).where(
        AgendaVersion.meeting_id == meeting.id, AgendaVersion.number == number))
    if version is None:
        raise NotFound(_("This meeting has no agenda version %(number)d.", number=number))
    return version


@bp.get("/meetings/<int:meeting_id>/versions")
def list_versions(meeting_id):
    from app.meetings.publishing import version_diff

    meeting = visible_meeting(meeting_id)
    history = []
    previous = None
    for version in meeting.versions:
        changes = version_diff(previous.content, version.content) if previous is not None else None
        history.append({"version": version, "changes": changes})
        previous = version
    history.reverse()  # the current version first
    return render_template("meetings/list_versions.html", meeting=meeting, history=history)


@bp.get("/meetings/<int:meeting_id>/versions/<int:number>")
def show_version(meeting_id, number):
    meeting = visible_meeting(meeting_id)
    version = _version(meeting, number)
    return render_template("meetings/show_meeting.html", meeting=meeting, version=version,
                           content=version.content, is_current=version is meeting.current_version,
                           may_edit=can(current_user, "agenda.edit", meeting.body_id))


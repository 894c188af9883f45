"""JSON API for bodies, meetings and agendas (under /api/v1).

Handlers parse and check input, ask the policy, call one service inside
`transaction()` and serialise the result. Permission is decided by
`app.accounts.policy`; drafts are invisible (404) to everyone but the body's staff.
"""
from contextlib import suppress
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, request, url_for
from flask_login import current_user

from app.accounts import policy
from app.core.api import api_user, json_body, make_api_blueprint
from app.core.db import transaction
from app.core.errors import ValidationFailed
from app.core.pagination import page_args, page_meta, paginate
from app.core.time import UTC, utcnow
from app.meetings import attachments, schemas, services
from app.meetings.models import Body

bp = make_api_blueprint("meetings_api", __name__)

# Deep pages cannot hold anything, and huge offsets overflow database integers.
MAX_PAGE = 100000


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _visible_meeting(meeting_id):
    return services.visible_meeting(meeting_id, _viewer())


def _page():
    page, per_page = page_args(request.args, current_app.config.get("PAGE_SIZE", 20))
    if page > MAX_PAGE:
        raise ValidationFailed(f"page must be at most {MAX_PAGE}")
    return page, per_page


def _created(data, location):
    return data, 201, {"Location": location}


# ---------------------------------------------------------------- bodies

@bp.get("/bodies")
def list_bodies():
    import sqlalchemy as sa

    page, per_page = _page()
    rows, total = paginate(sa.select(Body).order_by(Body.name, Body.id), page, per_page)
    return {"items": [schemas.body_json(b) for b in rows], **page_meta(page, per_page, total)}


@bp.post("/bodies")
def create_body():
    user = api_user()
    policy.require(user, "body.create", None)
    payload = schemas.BODY_CREATE.parse(json_body())
    members = payload.pop("members", [])
    rule_pack = payload.pop("rule_pack", "generic")
    now = utcnow()
    with transaction():
        body = services.create_body(**payload, rule_pack=rule_pack, actor=user, now=now)
        for member in members:
            services.add_member(body, **member, actor=user, now=now)
    return _created(schemas.body_json(body, with_members=True),
                    url_for(".get_body", slug=body.slug))


@bp.get("/bodies/<slug>")
def get_body(slug):
    return schemas.body_json(services.get_body(slug), with_members=True)


@bp.patch("/bodies/<slug>")
def update_body(slug):
    user = api_user()
    body = services.get_body(slug)
    policy.require(user, "body.edit", body.id)
    payload = schemas.BODY_UPDATE.parse(json_body(), partial=True)
    if services.LEGAL_SETTINGS & set(payload):
        policy.require(user, "body.configure", body.id)
    with transaction():
        services.update_body(body, payload, actor=user, now=utcnow())
    return schemas.body_json(body, with_members=True)


# ---------------------------------------------------------------- meetings

def _date_arg(name, tz_name):
    text = request.args.get(name)
    if text in (None, ""):
        return None
    try:
        if "T" in text or " " in text.strip():
            value = datetime.fromisoformat(text)
            if value.tzinfo is None:
                value = value.replace(tzinfo=ZoneInfo(tz_name))
            return value.astimezone(UTC), False
        return datetime.combine(date.fromisoformat(text), time(), ZoneInfo(tz_name)).astimezone(UTC), True
    except OverflowError:
        return None  # a moment past either end of the calendar in UTC: no meeting is beyond it, no bound
    except ValueError:
        raise ValidationFailed(f"'{name}' must be a date (YYYY-MM-DD) or an ISO-8601 date and time.") from None


@bp.get("/meetings")
def list_meetings():
    page, per_page = _page()
    body = services.get_body(request.args["body"]) if request.args.get("body") else None
    # Dates are days in the body's own calendar; across bodies, in UTC.
    tz_name = body.timezone if body else "UTC"
    start_from = _date_arg("from", tz_name)
    start_to = _date_arg("to", tz_name)
    lower = start_from[0] if start_from else None
    upper = None
    if start_to:
        # A plain date is inclusive: "to=2026-03-10" keeps meetings on the 10th. At the
        # calendar's last moment there is no later one: no upper bound.
        with suppress(OverflowError):
            upper = start_to[0] + (timedelta(days=1) if start_to[1] else timedelta(microseconds=1))
    user = _viewer()
    staff_ids = policy.staff_body_ids(user) if policy.is_staff(user) else set()
    query = services.visible_meetings_query(
        staff_body_ids=staff_ids or set(), include_all_drafts=staff_ids is None,
        body=body, start_from=lower, start_to=upper)
    rows, total = paginate(query, page, per_page)
    return {"items": [schemas.meeting_json(m) for m in rows], **page_meta(page, per_page, total)}


@bp.post("/meetings")
def create_meeting():
    user = api_user()
    payload = schemas.MEETING_CREATE.parse(json_body())
    body = services.get_body(payload["body"])
    policy.require(user, "meeting.create", body.id)
    changes = schemas.meeting_changes(payload, body.timezone)
    changes.setdefault("kind", "regular")
    now = utcnow()
    with transaction():
        meeting = services.create_meeting(body, **changes, actor=user, now=now)
    return _created(schemas.meeting_json(meeting, with_agenda=True),
                    url_for(".get_meeting", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>")
def get_meeting(meeting_id):
    meeting = _visible_meeting(meeting_id)
    # The public reads what was posted; the body's staff read the agenda they are editing.
    is_staff = policy.can(_viewer(), "meeting.view_staff", meeting.body_id)
    return schemas.meeting_json(meeting, with_agenda=True, as_posted=not is_staff)


def _staff_meeting(meeting_id, action):
    user = api_user()
    return user, services.staff_meeting(meeting_id, user, action)


@bp.patch("/meetings/<int:meeting_id>")
def update_meeting(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "meeting.edit")
    payload = schemas.MEETING_UPDATE.parse(json_body(), partial=True)
    changes = schemas.meeting_changes(payload, meeting.body.timezone)
    with transaction():
        services.update_meeting(meeting, changes, actor=user, now=utcnow())
    return schemas.meeting_json(meeting, with_agenda=True)


@bp.post("/meetings/<int:meeting_id>/publish")
def publish_meeting(meeting_id):
    from app.meetings.publishing import publish_agenda

    user, meeting = _staff_meeting(meeting_id, "meeting.publish")
    payload = schemas.PUBLISH.parse(json_body(required=False))
    reason = (payload.get("override_reason") or "").strip() or None
    with transaction():
        version = publish_agenda(meeting, actor=user, now=utcnow(), override_reason=reason)
    return _created(schemas.version_json(version), url_for(".get_meeting", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/cancel")
def cancel_meeting(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "meeting.cancel")
    payload = schemas.REASON.parse(json_body())
    with transaction():
        services.cancel_meeting(meeting, reason=payload["reason"], actor=user, now=utcnow())
    return schemas.meeting_json(meeting)


@bp.post("/meetings/<int:meeting_id>/postpone")
def postpone_meeting(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "meeting.cancel")
    payload = schemas.REASON.parse(json_body())
    with transaction():
        services.postpone_meeting(meeting, reason=payload["reason"], actor=user, now=utcnow())
    return schemas.meeting_json(meeting)


# ---------------------------------------------------------------- agenda

@bp.post("/meetings/<int:meeting_id>/sections")
def add_section(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "agenda.edit")
    payload = schemas.SECTION_CREATE.parse(json_body())
    with transaction():
        services.add_section(meeting, **payload, actor=user, now=utcnow())
    return _created(schemas.meeting_json(meeting, with_agenda=True),
                    url_for(".get_meeting", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/items")
def add_item(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "agenda.edit")
    payload = schemas.ITEM_CREATE.parse(json_body())
    with transaction():
        item = services.add_item(meeting, **payload, actor=user, now=utcnow())
    return _created(schemas.item_json(item), url_for(".get_meeting", meeting_id=meeting.id))


def _staff_item(item_id):
    user = api_user()
    item = services.get_item(item_id)
    policy.require(user, "agenda.edit", item.meeting.body_id)
    return user, item


@bp.patch("/items/<int:item_id>")
def update_item(item_id):
    user, item = _staff_item(item_id)
    payload = schemas.ITEM_UPDATE.parse(json_body(), partial=True)
    with transaction():
        services.update_item(item, payload, actor=user, now=utcnow())
    return schemas.item_json(item)


@bp.delete("/items/<int:item_id>")
def delete_item(item_id):
    user, item = _staff_item(item_id)
    with transaction():
        services.delete_item(item, actor=user, now=utcnow())
    return "", 204


@bp.put("/meetings/<int:meeting_id>/items/order")
def reorder_items(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "agenda.edit")
    payload = schemas.ITEM_ORDER.parse(json_body())
    with transaction():
        services.reorder_items(meeting, payload["sections"], actor=user, now=utcnow())
    return schemas.meeting_json(meeting, with_agenda=True)


@bp.post("/items/<int:item_id>/attachments")
def add_attachment(item_id):
    user, item = _staff_item(item_id)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed("'file' is required: send the PDF as multipart/form-data field 'file'.")
    unknown = sorted((set(request.form) | set(request.files)) - {"file", "title"})
    if unknown:
        raise ValidationFailed(f"Unknown field '{unknown[0]}'.")
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    # Read one byte past the cap: enough to refuse, never the whole of a huge upload.
    data = upload.stream.read(limit + 1)
    with transaction():
        attachment = attachments.add_attachment(
            item, filename=upload.filename or "attachment.pdf", data=data,
            upload_dir=current_app.config["UPLOAD_DIR"], max_bytes=limit,
            title=request.form.get("title", ""), actor=user, now=utcnow())
    return _created(schemas.attachment_json(attachment, item.meeting_id),
                    schemas.attachment_json(attachment, item.meeting_id)["url"])


@bp.delete("/attachments/<int:attachment_id>")
def delete_attachment(attachment_id):
    user = api_user()
    attachment = attachments.get_attachment(attachment_id)
    policy.require(user, "agenda.edit", attachment.item.meeting.body_id)
    with transaction():
        attachments.delete_attachment(attachment, actor=user, now=utcnow())
    return "", 204


def _openapi_operations():
    from app.core.openapi import op, ref

    return {
        ("PATCH", "/api/v1/bodies/{}"): op(
            "Change a body's settings: comment time and order, default vote thresholds (its clerk); "
            "timezone and rule pack (admins)", tag="bodies",
            request=schemas.BODY_UPDATE.json_schema(partial=True), response=ref("BodyWithMembers"),
            errors={"404"},
            description="Send only what changes; `default_thresholds` changes only the kinds it names. "
                        "A bad value answers 422 naming the field, and nothing changes. A clerk sending "
                        "`timezone` or `rule_pack` is refused with 403."),
    }


OPENAPI_OPERATIONS = _openapi_operations()

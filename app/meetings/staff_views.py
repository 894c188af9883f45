"""The staff side: dashboard, new meeting, and the agenda builder.

Each POST parses one form, calls one service inside `transaction()`, and turns a
DomainError into an error shown next to the form it concerns, with the error's
HTTP status (422 invalid input, 409 wrong state or deadline passed). Everything
works with plain forms; drag and drop (static/js/agenda-editor.js) is an extra.
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.policy import can, require, staff_body_ids
from app.core.db import transaction
from app.core.errors import DeadlinePassed, DomainError, NotFound
from app.core.time import to_local, utcnow
from app.extensions import db, login_manager
from app.meetings import services
from app.meetings.forms import (AttachmentForm, BodySettingsForm, CancelForm, ConfirmForm, ItemForm,
                                MeetingDetailsForm, MemberForm, MoveItemForm, NewBodyForm, NewMeetingForm,
                                PublishForm, SectionForm, choice, motion_kind_labels, threshold_labels)
from app.meetings.models import Body, Meeting, MeetingStatus
from app.meetings.numbering import item_numbers, section_numbers
from app.minutes.rules import threshold_for

bp = Blueprint("staff", __name__, url_prefix="/staff")

DETAIL_FIELDS = ("kind", "title", "start_at", "end_at", "location", "remote_url", "dial_in",
                 "remote_instructions", "accommodation_notice")


@bp.before_request
def require_sign_in():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _user():
    return current_user._get_current_object()


def _meeting(meeting_id, action="agenda.edit"):
    try:
        meeting = services.get_meeting(meeting_id)
    except NotFound:
        raise NotFound(_("There is no meeting with this number.")) from None
    require(current_user, action, meeting.body_id)
    return meeting


def _item(item_id, action="agenda.edit"):
    try:
        item = services.get_item(item_id)
    except NotFound:
        raise NotFound(_("There is no agenda item with this number.")) from None
    require(current_user, action, item.meeting.body_id)
    return item


def _to_utc(local_naive, tz_name):
    """A datetime-local form value is the body's wall-clock time."""
    if local_naive is None:
        return None
    return local_naive.replace(tzinfo=ZoneInfo(tz_name))


def _to_form(value, tz_name):
    return to_local(value, tz_name).replace(tzinfo=None) if value is not None else None


def _error_status(error):
    return error.status if isinstance(error, DomainError) else 422


# ---------------------------------------------------------------- dashboard and new meeting

@bp.get("")
def dashboard():
    body_ids = staff_body_ids(_user())
    query = sa.select(Meeting).order_by(Meeting.start_at.desc(), Meeting.id.desc())
    if body_ids is not None:
        query = query.where(Meeting.body_id.in_(sorted(body_ids) or [-1]))
    meetings = db.session.scalars(query.limit(200)).all()
    now = utcnow()
    upcoming = sorted((m for m in meetings if m.start_at >= now), key=lambda m: (m.start_at, m.id))
    past = [m for m in meetings if m.start_at < now]
    return render_template("staff/dashboard.html", upcoming=upcoming, past=past,
                           minutes_warnings=_minutes_warnings(past, now=now),
                           may_create=bool(_creatable_bodies()),
                           may_edit=lambda m: can(current_user, "agenda.edit", m.body_id))


# Only these packs set minutes deadlines; other bodies cost no queries.
MINUTES_DEADLINE_PACKS = ("us-il-oma", "us-ny-oml")
# A deadline this close is shown before it passes.
MINUTES_DUE_SOON = timedelta(days=7)
MINUTES_HELD = (MeetingStatus.IN_PROGRESS, MeetingStatus.RECESSED, MeetingStatus.ADJOURNED)


def _minutes_warnings(past, *, now):
    """Minutes deadlines (Illinois, New York) that are missed, overdue or due within a week."""
    try:
        from app.minutes.services import minutes_deadlines
    except ModuleNotFoundError:
        return []
    warnings = []
    for meeting in past:
        if meeting.body.rule_pack not in MINUTES_DEADLINE_PACKS or meeting.status not in MINUTES_HELD:
            continue
        for deadline in minutes_deadlines(meeting, now=now):
            due_at = datetime.fromisoformat(deadline["due_at"]) if deadline["due_at"] else None
            state = deadline["state"]
            if state == "pending" and due_at - now <= MINUTES_DUE_SOON:
                state = "due_soon"
            if state in ("missed", "overdue", "due_soon"):
                warnings.append({"meeting": meeting, "duty": deadline["duty"], "due_at": due_at,
                                 "citation": deadline["citation"], "state": state})
    return sorted(warnings, key=lambda w: w["due_at"])


def _creatable_bodies():
    bodies = db.session.scalars(sa.select(Body).order_by(Body.name)).all()
    return [body for body in bodies if can(current_user, "meeting.create", body.id)]


@bp.route("/meetings/new", methods=["GET", "POST"])
def new_meeting():
    bodies = _creatable_bodies()
    if not bodies:
        require(current_user, "meeting.create", -1)  # refuses with the usual 403
    form = NewMeetingForm()
    form.body.choices = [choice(body.slug, body.name) for body in bodies]
    if request.method == "GET" and len(bodies) == 1:
        form.body.data = bodies[0].slug
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("staff/new_meeting.html", form=form), status
    body = next(body for body in bodies if body.slug == form.body.data)
    require(current_user, "meeting.create", body.id)
    try:
        with transaction():
            meeting = services.create_meeting(
                body, kind=form.kind.data, title=form.title.data,
                start_at=_to_utc(form.start_at.data, body.timezone),
                end_at=_to_utc(form.end_at.data, body.timezone),
                location=form.location.data or "", remote_url=form.remote_url.data or "",
                dial_in=form.dial_in.data or "", remote_instructions=form.remote_instructions.data or "",
                accommodation_notice=form.accommodation_notice.data or "",
                actor=_user(), now=utcnow())
            meeting_id = meeting.id
    except DomainError as error:
        form.form_errors.append(error.message)
        return render_template("staff/new_meeting.html", form=form), _error_status(error)
    flash(_("Meeting created as a draft. Build its agenda below."), "info")
    return redirect(url_for("staff.edit_agenda", meeting_id=meeting_id))


# ---------------------------------------------------------------- the agenda editor

def _details_form(meeting, formdata=None):
    tz_name = meeting.body.timezone
    form = MeetingDetailsForm(formdata=formdata, prefix="details", data={
        "kind": meeting.kind.value, "title": meeting.title,
        "start_at": _to_form(meeting.start_at, tz_name), "end_at": _to_form(meeting.end_at, tz_name),
        "location": meeting.location, "remote_url": meeting.remote_url, "dial_in": meeting.dial_in,
        "remote_instructions": meeting.remote_instructions,
        "accommodation_notice": meeting.accommodation_notice,
    } if formdata is None else None)
    return form


def _item_form(meeting, formdata=None, item=None, prefix="item", section_id=None):
    """`section_id` preselects a section of a new item's form (one of the meeting's, else ignored)."""
    if item is not None and formdata is None:
        form = ItemForm(formdata=None, prefix=prefix, obj=item)
    else:
        form = ItemForm(formdata=formdata, prefix=prefix)
    form.section_id.choices = [choice(section.id, f"{number}. {section.title}") for section, number
                               in zip(meeting.sections, section_numbers(meeting.sections).values())]
    if item is None and formdata is None and section_id in {section.id for section in meeting.sections}:
        form.section_id.data = section_id
    if item is not None:
        form.submit.label.text = _("Save item")
    return form


def posting_deadline_of(meeting):
    """The deadline the next publish will be checked against, shown before the clerk publishes."""
    from app.compliance.deadlines import posting_deadline

    body = meeting.body
    try:
        return posting_deadline(body.rule_pack, meeting.kind, meeting.start_at, body.timezone,
                                generic_hours=body.generic_notice_hours, scheduled_at=meeting.created_at)
    except Exception:  # noqa: BLE001 - a hint only; publishing itself reports any real problem
        current_app.logger.exception("posting deadline for meeting %s", meeting.id)
        return None


def render_editor(meeting, status=200, *, deadline_error=None, **forms):
    """The editor page; `forms` replaces a default form with one carrying the user's input and errors."""
    forms.setdefault("details_form", _details_form(meeting))
    forms.setdefault("section_form", SectionForm(formdata=None, prefix="section"))
    forms.setdefault("item_form", _item_form(meeting))
    forms.setdefault("publish_form", PublishForm(formdata=None, prefix="publish"))
    forms.setdefault("cancel_form", CancelForm(formdata=None, prefix="cancel"))
    return render_template(
        "staff/edit_agenda.html", meeting=meeting, numbers=item_numbers(meeting.sections),
        section_numbers=section_numbers(meeting.sections), move_form=MoveItemForm(formdata=None),
        deadline_error=deadline_error, deadline=posting_deadline_of(meeting), now=utcnow(),
        is_editable=meeting.status in services.AGENDA_EDITABLE_STATUSES,
        may_publish=can(current_user, "meeting.publish", meeting.body_id),
        may_cancel=can(current_user, "meeting.cancel", meeting.body_id)
        and meeting.status in (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED),
        **forms), status


@bp.get("/meetings/<int:meeting_id>/agenda")
def edit_agenda(meeting_id):
    meeting = _meeting(meeting_id)
    # After "Add item" the form keeps the section just added to (?section=), for the next item.
    return render_editor(meeting, item_form=_item_form(meeting, section_id=request.args.get("section", type=int)))


def _redirect_to_editor(meeting_id, anchor=None, *, section=None):
    return redirect(url_for("staff.edit_agenda", meeting_id=meeting_id, section=section, _anchor=anchor))


@bp.post("/meetings/<int:meeting_id>/details")
def update_details(meeting_id):
    meeting = _meeting(meeting_id, "meeting.edit")
    form = _details_form(meeting, formdata=request.form)
    if not form.validate():
        return render_editor(meeting, 422, details_form=form)
    tz_name = meeting.body.timezone
    changes = {field: getattr(form, field).data for field in DETAIL_FIELDS}
    changes["start_at"] = _to_utc(changes["start_at"], tz_name)
    changes["end_at"] = _to_utc(changes["end_at"], tz_name)
    for field in ("location", "remote_url", "dial_in", "remote_instructions", "accommodation_notice"):
        changes[field] = changes[field] or ""
    try:
        with transaction():
            services.update_meeting(meeting, changes, actor=_user(), now=utcnow())
    except DomainError as error:
        form.form_errors.append(error.message)
        return render_editor(_meeting(meeting_id, "meeting.edit"), _error_status(error), details_form=form)
    flash(_("Meeting details saved."), "info")
    return _redirect_to_editor(meeting_id, "details-heading")


@bp.post("/meetings/<int:meeting_id>/sections")
def add_section(meeting_id):
    meeting = _meeting(meeting_id)
    form = SectionForm(prefix="section")
    if not form.validate():
        return render_editor(meeting, 422, section_form=form)
    try:
        with transaction():
            services.add_section(meeting, title=form.title.data, kind=form.kind.data,
                                 actor=_user(), now=utcnow())
    except DomainError as error:
        form.form_errors.append(error.message)
        return render_editor(_meeting(meeting_id), _error_status(error), section_form=form)
    flash(_("Section added."), "info")
    return _redirect_to_editor(meeting_id, "agenda-heading")


@bp.post("/meetings/<int:meeting_id>/items")
def add_item(meeting_id):
    meeting = _meeting(meeting_id)
    form = _item_form(meeting, formdata=request.form)
    if not form.validate():
        return render_editor(meeting, 422, item_form=form)
    try:
        with transaction():
            item = services.add_item(meeting, section_id=form.section_id.data, **form.item_values(),
                                     actor=_user(), now=utcnow())
            item_id = item.id
    except DomainError as error:
        form.form_errors.append(error.message)
        return render_editor(_meeting(meeting_id), _error_status(error), item_form=form)
    flash(_("Item added."), "info")
    return redirect(url_for("staff.edit_agenda", meeting_id=meeting_id, section=form.section_id.data,
                            _anchor=f"item-{item_id}"))


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id):
    item = _item(item_id)
    meeting = item.meeting
    if request.method == "GET":
        form = _item_form(meeting, item=item)
        return render_item_page(item, form)
    form = _item_form(meeting, formdata=request.form, item=item)
    if not form.validate():
        return render_item_page(item, form, status=422)
    changes = form.item_values()
    changes["section_id"] = form.section_id.data
    try:
        with transaction():
            services.update_item(item, changes, actor=_user(), now=utcnow())
    except DomainError as error:
        form.form_errors.append(error.message)
        return render_item_page(_item(item_id), form, status=_error_status(error))
    flash(_("Item saved."), "info")
    return _redirect_to_editor(meeting.id, f"item-{item_id}")


def render_item_page(item, form, *, upload_form=None, status=200):
    meeting = item.meeting
    return render_template("staff/edit_item.html", item=item, meeting=meeting, form=form,
                           number=item_numbers(meeting.sections).get(item.id, ""),
                           upload_form=upload_form or AttachmentForm(formdata=None, prefix="upload"),
                           confirm_form=ConfirmForm(formdata=None)), status


@bp.route("/items/<int:item_id>/delete", methods=["GET", "POST"])
def delete_item(item_id):
    item = _item(item_id)
    meeting_id = item.meeting_id
    form = ConfirmForm()
    if request.method == "GET" or not form.validate():
        return render_template("staff/delete_item.html", item=item, meeting=item.meeting, form=form,
                               number=item_numbers(item.meeting.sections).get(item.id, "")), \
            (422 if request.method == "POST" else 200)
    title = item.title
    try:
        with transaction():
            services.delete_item(item, actor=_user(), now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return render_editor(_meeting(meeting_id), _error_status(error))
    flash(_("Item “%(title)s” deleted.", title=title), "info")
    return _redirect_to_editor(meeting_id, "agenda-heading")


@bp.post("/items/<int:item_id>/move")
def move_item(item_id):
    item = _item(item_id)
    meeting_id = item.meeting_id
    form = MoveItemForm()
    form.to_section_id.choices = [choice(section.id, section.title) for section in item.meeting.sections]
    if not form.validate() or (form.direction.data or None) not in (None, "up", "down"):
        flash(_("That move could not be made. Reload the page and try again."), "error")
        return render_editor(item.meeting, 422)
    direction = form.direction.data or None
    to_section_id = None if direction else form.to_section_id.data
    try:
        with transaction():
            services.move_item(item, direction=direction, to_section_id=to_section_id,
                               actor=_user(), now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return render_editor(_meeting(meeting_id), _error_status(error))
    flash(_("Item moved."), "info")
    # Focus returns to the moved item, so a keyboard user can keep moving it; the Add
    # item form keeps the section it was set to (the move forms carry ?section=).
    return _redirect_to_editor(meeting_id, f"item-{item_id}", section=request.args.get("section", type=int))


@bp.post("/items/<int:item_id>/attachments")
def upload_attachment(item_id):
    from app.meetings.attachments import add_attachment

    item = _item(item_id)
    form = AttachmentForm(prefix="upload")
    if not form.validate():
        return render_item_page(item, _item_form(item.meeting, item=item), upload_form=form, status=422)
    upload = form.file.data
    try:
        with transaction():
            attachment = add_attachment(
                # One byte past the cap is enough to refuse; never read all of a huge upload.
                item, filename=upload.filename or "attachment.pdf",
                data=upload.stream.read(current_app.config["MAX_ATTACHMENT_BYTES"] + 1),
                upload_dir=current_app.config["UPLOAD_DIR"],
                max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"], actor=_user(), now=utcnow())
            name = attachment.filename
    except DomainError as error:
        form.file.errors = list(form.file.errors) + [error.message]
        item = _item(item_id)
        return render_item_page(item, _item_form(item.meeting, item=item), upload_form=form,
                                status=_error_status(error))
    flash(_("“%(name)s” attached.", name=name), "info")
    return redirect(url_for("staff.edit_item", item_id=item_id, _anchor="attachments-heading"))


@bp.post("/attachments/<int:attachment_id>/delete")
def delete_attachment(attachment_id):
    from app.meetings.attachments import delete_attachment as remove, get_attachment

    try:
        attachment = get_attachment(attachment_id)
    except NotFound:
        raise NotFound(_("There is no attachment with this number.")) from None
    item = _item(attachment.item_id)
    form = ConfirmForm()
    if not form.validate():
        flash(_("The form expired. Try again."), "error")
        return render_item_page(item, _item_form(item.meeting, item=item), status=422)
    try:
        with transaction():
            remove(attachment, actor=_user(), now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
        item = _item(item.id)
        return render_item_page(item, _item_form(item.meeting, item=item), status=_error_status(error))
    flash(_("Attachment removed."), "info")
    return redirect(url_for("staff.edit_item", item_id=item.id, _anchor="attachments-heading"))


@bp.post("/meetings/<int:meeting_id>/publish")
def publish(meeting_id):
    from app.meetings.publishing import publish_agenda

    meeting = _meeting(meeting_id, "meeting.publish")
    form = PublishForm(prefix="publish")
    if not form.validate():
        return render_editor(meeting, 422, publish_form=form)
    reason = (form.override_reason.data or "").strip() or None
    try:
        with transaction():
            version = publish_agenda(meeting, actor=_user(), now=utcnow(), override_reason=reason)
            number = version.number
    except DeadlinePassed as error:
        # The clerk now sees the reason field; a published override is logged with it.
        return render_editor(_meeting(meeting_id, "meeting.publish"), error.status, publish_form=form,
                             deadline_error=error)
    except DomainError as error:
        form.form_errors.append(error.message)
        return render_editor(_meeting(meeting_id, "meeting.publish"), _error_status(error),
                             publish_form=form)
    if number > 1:
        flash(_("Amended agenda published as version %(number)d.", number=number), "info")
    else:
        flash(_("Agenda published."), "info")
    return _redirect_to_editor(meeting_id, "publish-heading")


@bp.post("/meetings/<int:meeting_id>/cancel")
def cancel(meeting_id):
    meeting = _meeting(meeting_id, "meeting.cancel")
    form = CancelForm(prefix="cancel")
    if not form.validate():
        return render_editor(meeting, 422, cancel_form=form)
    action = services.cancel_meeting if form.action.data == "cancel" else services.postpone_meeting
    try:
        with transaction():
            action(meeting, reason=form.reason.data, actor=_user(), now=utcnow())
    except DomainError as error:
        form.form_errors.append(error.message)
        return render_editor(_meeting(meeting_id, "meeting.cancel"), _error_status(error), cancel_form=form)
    if form.action.data == "cancel":
        flash(_("The meeting is cancelled."), "info")
    else:
        flash(_("The meeting is postponed."), "info")
    return _redirect_to_editor(meeting_id)


# ---------------------------------------------------------------- bodies and their members

def _editable_bodies():
    bodies = db.session.scalars(sa.select(Body).order_by(Body.name)).all()
    return [body for body in bodies if can(current_user, "body.edit", body.id)]


def render_bodies(*, body_form=None, member_forms=None, status=200):
    bodies = _editable_bodies()
    if not bodies and not can(current_user, "body.create"):
        require(current_user, "body.edit", -1)  # refuses with the usual 403
    member_forms = member_forms or {}
    forms = {body.id: member_forms.get(body.id) or MemberForm(prefix=f"member-{body.id}") for body in bodies}
    may_create = can(current_user, "body.create")
    return render_template("staff/bodies.html", bodies=bodies, member_forms=forms, may_create=may_create,
                           body_form=body_form or (NewBodyForm(prefix="body") if may_create else None),
                           kind_labels=motion_kind_labels(), threshold_labels=threshold_labels(),
                           threshold_for=threshold_for), status


@bp.get("/bodies")
def list_bodies():
    return render_bodies()


@bp.post("/bodies")
def create_body():
    require(current_user, "body.create")
    form = NewBodyForm(prefix="body")
    if not form.validate_on_submit():
        return render_bodies(body_form=form, status=422)
    try:
        with transaction():
            body = services.create_body(
                slug=form.slug.data.strip(), name=form.name.data, timezone=form.timezone.data.strip(),
                rule_pack=form.rule_pack.data, comment_seconds=form.comment_seconds.data,
                comment_policy=form.comment_policy.data, actor=_user(), now=utcnow())
            name = body.name
    except DomainError as error:
        form.form_errors.append(error.message)
        return render_bodies(body_form=form, status=_error_status(error))
    flash(_("%(name)s was created with the standard agenda template.", name=name), "info")
    return redirect(url_for("staff.list_bodies"))


def _body(slug, action="body.edit"):
    try:
        body = services.get_body(slug)
    except NotFound:
        raise NotFound(_("There is no body with this name.")) from None
    require(current_user, action, body.id)
    return body


def _settings_form(body, formdata=None):
    """The settings form, without timezone and rule pack for a caller who may not change them."""
    form = BodySettingsForm.for_body(body, formdata=formdata)
    if not can(current_user, "body.configure", body.id):
        for name in services.LEGAL_SETTINGS:
            delattr(form, name)
    return form


def render_body_settings(body, form, status=200):
    return render_template("staff/edit_body.html", body=body, form=form,
                           may_configure="rule_pack" in form, rule_packs=_rule_pack_names()), status


def _rule_pack_names():
    from app.compliance.rules import PACKS

    return {pack.id: _(pack.name) for pack in PACKS.values()}


@bp.route("/bodies/<slug>/settings", methods=["GET", "POST"])
def edit_body(slug):
    body = _body(slug)
    if request.method == "GET":
        return render_body_settings(body, _settings_form(body))
    form = _settings_form(body, formdata=request.form)
    if not form.validate():
        return render_body_settings(body, form, 422)
    changes = {"comment_seconds": form.comment_seconds.data, "comment_policy": form.comment_policy.data,
               "default_thresholds": form.thresholds()}
    changes.update({name: form[name].data.strip() for name in services.LEGAL_SETTINGS if name in form})
    try:
        with transaction():
            changed = services.update_body(body, changes, actor=_user(), now=utcnow())
    except DomainError as error:
        form.form_errors.append(error.message)
        return render_body_settings(_body(slug), form, _error_status(error))
    if changed:
        flash(_("The settings of %(name)s were saved.", name=body.name), "info")
    else:
        flash(_("Nothing changed."), "info")
    return redirect(url_for("staff.list_bodies", _anchor=f"body-{body.slug}"))


@bp.post("/bodies/<slug>/members")
def add_member(slug):
    body = _body(slug)
    form = MemberForm(prefix=f"member-{body.id}")
    if not form.validate_on_submit():
        return render_bodies(member_forms={body.id: form}, status=422)
    try:
        with transaction():
            services.add_member(body, name=form.name.data, title=form.title.data or "Councilmember",
                                seat=form.seat.data or "", actor=_user(), now=utcnow())
    except DomainError as error:
        form.form_errors.append(error.message)
        return render_bodies(member_forms={body.id: form}, status=_error_status(error))
    flash(_("%(name)s was added to %(body)s.", name=form.name.data, body=body.name), "info")
    return redirect(url_for("staff.list_bodies", _anchor=f"body-{body.slug}"))

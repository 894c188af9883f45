"""Pages for proceedings and minutes.

Public: the minutes of a meeting, its votes as CSV and JSON, a member's voting history.
Staff: the clerk's proceedings console and the minutes editor — plain forms that
work from the keyboard and without JavaScript; each POST runs one service in a
transaction and comes back to the page with what happened (nothing changes on error).
"""
import csv
import io
import json
from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.db import transaction
from app.core.errors import DomainError, NotFound
from app.core.languages import documents_language
from app.core.time import utcnow
from app.extensions import db
from app.live.models import LiveState
from app.meetings import services as meetings
from app.meetings.forms import motion_kind_labels, threshold_labels
from app.meetings.models import Meeting, MeetingStatus, Member
from app.minutes import rules, services
from app.minutes.models import Motion, Vote

bp = Blueprint("minutes", __name__)
# Calling a meeting to order more than this before its scheduled start asks first.
CALLED_EARLY = timedelta(hours=1)


def _public_meeting(meeting_id):
    return meetings.visible_meeting(meeting_id, current_user)


# ---------------------------------------------------------------- public

@bp.get("/meetings/<int:meeting_id>/minutes")
def show_minutes(meeting_id):
    meeting = _public_meeting(meeting_id)
    history = services.revisions(meeting)
    approvals = services.approvals(meeting)
    approved = [r for r in history if r.id in approvals]
    revision = approved[-1] if approved else None
    return render_template("minutes/show_minutes.html", meeting=meeting, revision=revision,
                           approval=approvals.get(revision.id) if revision else None,
                           status=services.minutes_status(meeting), motions=services.motions(meeting),
                           numbers=_numbers(meeting))


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
def minutes_pdf(meeting_id):
    from zoneinfo import ZoneInfo

    from app.core.security import ATTACHMENT_CSP
    from app.minutes import pdf

    meeting = _public_meeting(meeting_id)
    revision, approval = pdf.published_revision(meeting)
    if revision is None:
        raise NotFound(_("The minutes of this meeting have not been written yet."))
    path, key = pdf.minutes_pdf(meeting, revision, approval, lang=documents_language())
    local_date = meeting.start_at.astimezone(ZoneInfo(meeting.body.timezone)).date().isoformat()
    suffix = "minutes" if approval else "minutes-draft"
    response = send_file(path, mimetype="application/pdf", as_attachment=False,
                         download_name=f"{meeting.body.slug}-{local_date}-{suffix}.pdf", etag=key[:40],
                         conditional=True, max_age=PDF_MAX_AGE,
                         last_modified=approval.approved_at if approval else revision.created_at)
    response.headers["Content-Security-Policy"] = ATTACHMENT_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = f"public, max-age={PDF_MAX_AGE}"
    return response


PDF_MAX_AGE = 60


def _numbers(meeting):
    from app.meetings.numbering import item_numbers

    return item_numbers(meeting.sections)


def vote_rows(meeting):
    """One row per member per voted motion: the open-data shape of the CSV and JSON exports."""
    numbers = _numbers(meeting)
    rows = []
    for motion in services.motions(meeting):
        if motion.result is None:
            continue
        for vote in motion.votes:
            rows.append({"meeting_id": meeting.id, "motion_id": motion.id, "item_id": motion.item_id,
                         "item_number": numbers.get(motion.item_id, ""), "item_title": motion.item.title,
                         "motion_kind": motion.kind.value, "motion_text": motion.text,
                         "threshold": motion.threshold.value, "result": motion.result.value,
                         "method": motion.vote_method, "voted_at": motion.voted_at.isoformat(),
                         "member_id": vote.member_id, "member_name": vote.member.name,
                         "vote": vote.choice.value})
    return rows


CSV_FIELDS = ("meeting_id", "motion_id", "item_id", "item_number", "item_title", "motion_kind", "motion_text",
              "threshold", "result", "method", "voted_at", "member_id", "member_name", "vote")


def _csv_safe(value):
    # A leading =, +, - or @ would run as a formula in a spreadsheet (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.get("/meetings/<int:meeting_id>/votes.csv")
def votes_csv(meeting_id):
    meeting = _public_meeting(meeting_id)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in vote_rows(meeting):
        writer.writerow({key: _csv_safe(value) for key, value in row.items()})
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="meeting-{meeting.id}-votes.csv"'})


@bp.get("/meetings/<int:meeting_id>/votes.json")
def votes_json(meeting_id):
    meeting = _public_meeting(meeting_id)
    motions = [services.motion_json(m) for m in services.motions(meeting) if m.result is not None]
    return Response(json.dumps({"meeting_id": meeting.id, "motions": motions, "votes": vote_rows(meeting)},
                               ensure_ascii=False), mimetype="application/json")


@bp.get("/members/<int:member_id>/votes")
def member_votes(member_id):
    member = db.session.get(Member, member_id) if 0 < member_id <= meetings.MAX_ID else None
    if member is None:
        raise NotFound(_("There is no member with this number."))
    votes = db.session.execute(
        sa.select(Vote, Motion, Meeting).join(Motion, Vote.motion_id == Motion.id)
        .join(Meeting, Motion.meeting_id == Meeting.id)
        .where(Vote.member_id == member.id, Meeting.status != MeetingStatus.DRAFT)
        .order_by(Meeting.start_at.desc(), Motion.id)).all()
    return render_template("minutes/member_votes.html", member=member, votes=votes)


# ---------------------------------------------------------------- staff

def _staff_meeting(meeting_id, action):
    meeting = meetings.staff_meeting(meeting_id, current_user, action)
    return current_user._get_current_object(), meeting


@bp.get("/staff/meetings/<int:meeting_id>/proceedings")
@login_required
def console(meeting_id):
    _user, meeting = _staff_meeting(meeting_id, "proceedings.record")
    rows = services.attendance_rows(meeting)
    return render_template(
        "minutes/console.html", meeting=meeting, members=services.seated_members(meeting), attendance=rows,
        quorum=services.quorum(meeting), attendance_recorded=bool(rows),
        remote_down=services.is_remote_access_down(meeting),
        in_closed=services.in_closed_session(meeting),
        events=services.events(meeting), motions=services.motions(meeting), numbers=_numbers(meeting),
        recusals=services.recusals(meeting), actions=list(services.ACTIONS), allowed=_allowed_actions(meeting),
        # Only what the meeting's status lets the clerk record is offered as a form.
        sitting=meeting.status in services.SITTING, in_session=meeting.status == MeetingStatus.IN_PROGRESS,
        current_item_id=_current_item_id(meeting),
        called_early=meeting.start_at - utcnow() > CALLED_EARLY,
        thresholds=rules.THRESHOLDS, kinds=rules.MOTION_KINDS, choices=rules.VOTE_CHOICES,
        kind_labels=motion_kind_labels(), threshold_labels=threshold_labels(),
        default_thresholds={k: rules.threshold_for(k, meeting.body.default_thresholds) for k in rules.MOTION_KINDS},
        closed_items=[i for i in meeting.items if i.section.kind.value == "closed_session"])


def _current_item_id(meeting):
    """The item the chair has taken up on the live console (None before any)."""
    state = db.session.get(LiveState, meeting.id)
    return state.current_item_id if state else None


def _allowed_actions(meeting):
    is_down = services.is_remote_access_down(meeting)
    closed = services.in_closed_session(meeting)
    allowed = []
    for action, (statuses, _target) in services.ACTIONS.items():
        if meeting.status not in statuses:
            continue
        if (action == "remote_access_down" and is_down) or (action == "remote_access_restored" and not is_down):
            continue
        if action.startswith("closed_session") and (action == "closed_session") == closed:
            continue
        if closed and action in ("recess", "adjourn"):
            continue
        allowed.append(action)
    return allowed


def _int(name):
    value = request.form.get(name, "")
    return int(value) if value.isdigit() and len(value) < 11 else None


def _run(meeting, change, success, *, anchor=None):
    """Apply `change`, then back to the console: at `anchor` (the part just changed, so a
    clerk on a tablet is not sent back to the top each time) when it worked, at the top,
    where the error is, when it did not. `success` may be a function, called after."""
    try:
        with transaction():
            # The chair's console and the public display follow the record over /live: each
            # change is sent once committed (services._changed).
            change(utcnow())
    except DomainError as error:
        flash(error.message, "error")
        anchor = None
    else:
        flash(success() if callable(success) else success, "info")
    return redirect(url_for(".console", meeting_id=meeting.id, _anchor=anchor), code=303)


@bp.post("/staff/meetings/<int:meeting_id>/proceedings")
@login_required
def console_action(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "proceedings.record")
    action = request.form.get("action", "")
    item_ids = [int(v) for v in request.form.getlist("item_ids") if v.isdigit() and len(v) < 11]
    return _run(meeting, lambda now: services.proceedings_action(
        meeting, action=action, note=request.form.get("note", ""), item_ids=item_ids or None, actor=user,
        now=now), _("Recorded."))


@bp.post("/staff/meetings/<int:meeting_id>/attendance")
@login_required
def console_attendance(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "proceedings.record")
    member_id = _int("member_id")
    value = request.form.get("attendance", "")
    status, _sep, mode = value.partition(":")
    # "absent:mistake": recorded present by mistake, not a departure.
    correction = value == "absent:mistake"

    recorded = []

    def change(now):
        member = services.member_of(meeting, member_id)
        services.record_attendance(meeting, member, status=status,
                                   mode="in_person" if correction else mode or "in_person",
                                   remote_basis=request.form.get("remote_basis", ""), correction=correction,
                                   actor=user, now=now)
        recorded.append(member.name)
    return _run(meeting, change, lambda: _("Attendance of %(name)s recorded.", name=recorded[0]),
                anchor=f"member-{member_id}")


@bp.post("/staff/meetings/<int:meeting_id>/recusals")
@login_required
def console_recusal(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "proceedings.record")

    def change(now):
        services.declare_recusal(meeting, item=services.item_of(meeting, _int("item_id")),
                                 member=services.member_of(meeting, _int("member_id")),
                                 reason=request.form.get("reason", ""), actor=user, now=now)
    return _run(meeting, change, _("Recusal recorded."), anchor="recusal-heading")


@bp.post("/staff/meetings/<int:meeting_id>/consent/pull")
@login_required
def console_pull(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "proceedings.record")
    return _run(meeting, lambda now: services.pull_from_consent(
        meeting, item_id=_int("item_id"), reason=request.form.get("reason", ""), actor=user, now=now),
        _("Item moved from the consent calendar to the regular agenda."), anchor="consent-heading")


@bp.post("/staff/meetings/<int:meeting_id>/motions")
@login_required
def console_motion(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "proceedings.record")
    return _run(meeting, lambda now: services.make_motion(
        meeting, item_id=_int("item_id"), text=request.form.get("text", ""), mover_id=_int("mover_id"),
        seconder_id=_int("seconder_id"), threshold=request.form.get("threshold") or None,
        kind=request.form.get("kind") or "main", actor=user, now=now), _("Motion recorded."),
        anchor="motions-heading")


@bp.post("/staff/motions/<int:motion_id>/vote")
@login_required
def console_vote(motion_id):
    motion = db.session.get(Motion, motion_id) if 0 < motion_id <= meetings.MAX_ID else None
    if motion is None:
        raise NotFound(_("There is no motion with this number."))
    user, meeting = _staff_meeting(motion.meeting_id, "proceedings.record")
    method = request.form.get("method", rules.ROLL_CALL)
    votes = {}
    for member in services.seated_members(meeting):
        choice = request.form.get(f"vote-{member.id}", "")
        if choice:
            votes[member.id] = choice

    override_reason = request.form.get("override_reason") or None

    def change(now):
        try:
            services.record_vote(motion, votes=votes if method == rules.ROLL_CALL else None, method=method,
                                 override_reason=override_reason, actor=user, now=now)
        except services.VoteRefused as refused:
            # The refused vote rolls back; its evidence is written after, on its own.
            after_rollback.append(lambda error=refused: services.log_refused_vote(
                services.get_motion(motion_id), error, votes=votes, method=method,
                override_reason=override_reason, actor=user, now=now))
            raise
    after_rollback = []
    response = _run(meeting, change, _("Vote recorded."), anchor="motions-heading")
    for log in after_rollback:
        with transaction():
            log()
    return response


@bp.route("/staff/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@login_required
def edit_minutes(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "minutes.edit")
    if request.method == "POST":
        try:
            with transaction():
                if request.form.get("approving_motion_id") is not None:
                    services.approve_minutes(meeting, approving_motion_id=_int("approving_motion_id"),
                                             actor=user, now=utcnow())
                    flash(_("Minutes approved."), "info")
                else:
                    _revision, created = services.save_revision(
                        meeting, html=request.form.get("html", ""), correction=bool(request.form.get("correction")),
                        actor=user, now=utcnow())
                    flash(_("Saved as a new revision.") if created else _("No changes to save."), "info")
        except DomainError as error:
            flash(error.message, "error")
        return redirect(url_for(".edit_minutes", meeting_id=meeting.id), code=303)
    history = services.revisions(meeting)
    approvals = services.approvals(meeting)
    current = history[-1] if history else None
    draft = services.draft_minutes(meeting) if meeting.status in services.STARTED else ""
    diffs = [services.revision_diff(history[i - 1].html if i else "", r.html) for i, r in enumerate(history)]
    return render_template("minutes/edit_minutes.html", meeting=meeting, current=current, draft=draft,
                           history=list(zip(history, diffs)), approvals=approvals,
                           status=services.minutes_status(meeting))

"""JSON API for proceedings (lifecycle, attendance, motions, votes) and minutes (under /api/v1).

Handlers parse, ask the policy, call one service inside `transaction()` and
serialise. After a change the meeting's live state goes out on /live, once committed.
"""
from flask import url_for
from flask_login import current_user

from app.accounts import policy
from app.core.api import api_user, json_body, make_api_blueprint
from app.core.db import transaction
from app.core.errors import NotFound
from app.core.time import utcnow
from app.meetings import services as meetings
from app.meetings.models import MeetingStatus
from app.minutes import schemas, services

bp = make_api_blueprint("minutes_api", __name__)


def _staff_meeting(meeting_id, action):
    user = api_user()
    return user, meetings.staff_meeting(meeting_id, user, action)


def proceedings_json(meeting):
    return {"meeting_id": meeting.id, "status": meeting.status.value, "state_version": meeting.state_version,
            "quorum": services.quorum(meeting), "attendance_recorded": services.attendance_recorded(meeting),
            "remote_access_down": services.is_remote_access_down(meeting),
            "in_closed_session": services.in_closed_session(meeting),
            "events": [{"kind": ev.kind.value, "at": ev.occurred_at.isoformat(), "note": ev.note,
                        "item_ids": list(ev.item_ids or [])}
                       for ev in services.events(meeting)],
            "attendance": attendance_list(meeting)}


def attendance_list(meeting):
    closed_at = services.roll_call_closed_at(meeting)
    return [attendance_json(row, closed_at) for row in services.attendance_rows(meeting).values()]


def attendance_json(row, roll_call_closed_at):
    """`late`: first recorded present after the opening roll call ended, as the minutes draft says."""
    return {"member_id": row.member_id, "name": row.member.name, "status": row.status.value,
            "mode": row.mode.value, "remote_basis": row.remote_basis,
            "arrived_at": services._iso(row.arrived_at), "late": services.arrived_late(row, roll_call_closed_at),
            "left_at": services._iso(row.left_at)}


@bp.get("/meetings/<int:meeting_id>/proceedings")
def get_proceedings(meeting_id):
    _user, meeting = _staff_meeting(meeting_id, "meeting.view_staff")
    return {**proceedings_json(meeting),
            "motions": [services.motion_json(m) for m in services.motions(meeting)]}


@bp.post("/meetings/<int:meeting_id>/proceedings")
def proceedings_action(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "proceedings.record")
    payload = schemas.PROCEEDINGS.parse(json_body())
    now = utcnow()
    with transaction():
        services.proceedings_action(meeting, action=payload["action"], note=payload.get("note") or "",
                                    item_ids=schemas.id_list(payload.get("item_ids"), "item_ids"),
                                    actor=user, now=now)
    return proceedings_json(meeting)


@bp.put("/meetings/<int:meeting_id>/attendance/<int:member_id>")
def record_attendance(meeting_id, member_id):
    user, meeting = _staff_meeting(meeting_id, "proceedings.record")
    payload = schemas.ATTENDANCE.parse(json_body())
    member = services.member_of(meeting, member_id)
    now = utcnow()
    with transaction():
        row, changed = services.record_attendance(
            meeting, member, status=payload["status"], mode=payload.get("mode") or "in_person",
            remote_basis=payload.get("remote_basis") or "", correction=bool(payload.get("correction")),
            actor=user, now=now)
    return {**attendance_json(row, services.roll_call_closed_at(meeting)), "changed": changed,
            "quorum": services.quorum(meeting)}


@bp.post("/meetings/<int:meeting_id>/recusals")
def declare_recusal(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "proceedings.record")
    payload = schemas.RECUSAL.parse(json_body())
    item = services.item_of(meeting, payload["item_id"])
    member = services.member_of(meeting, payload["member_id"])
    with transaction():
        recusal = services.declare_recusal(meeting, item=item, member=member, reason=payload["reason"],
                                           actor=user, now=utcnow())
    return {"id": recusal.id, "item_id": item.id, "member_id": member.id, "reason": recusal.reason,
            "declared_at": recusal.declared_at.isoformat()}, 201


@bp.post("/meetings/<int:meeting_id>/consent/pull")
def pull_from_consent(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "proceedings.record")
    payload = schemas.CONSENT_PULL.parse(json_body())
    now = utcnow()
    with transaction():
        item = services.pull_from_consent(meeting, item_id=payload["item_id"], reason=payload.get("reason") or "",
                                          actor=user, now=now)
    from app.meetings.numbering import item_numbers

    return {"item_id": item.id, "section_id": item.section_id, "number": item_numbers(meeting.sections)[item.id],
            "motions": [services.motion_json(m, with_votes=False) for m in services.motions(meeting)
                        if m.result is None]}


@bp.post("/meetings/<int:meeting_id>/motions")
def make_motion(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "proceedings.record")
    payload = schemas.MOTION_CREATE.parse(json_body())
    now = utcnow()
    with transaction():
        motion = services.make_motion(meeting, **payload, actor=user, now=now)
    return services.motion_json(motion), 201, {"Location": url_for(".get_motion", motion_id=motion.id)}


@bp.get("/motions/<int:motion_id>")
def get_motion(motion_id):
    motion = services.get_motion(motion_id)
    meeting = meetings.get_meeting(motion.meeting_id)
    if meeting.status == MeetingStatus.DRAFT and not _may_view_staff(meeting):
        raise NotFound(f"No motion with id {motion_id}.")
    return services.motion_json(motion)


@bp.post("/motions/<int:motion_id>/vote")
def record_vote(motion_id):
    user = api_user()
    motion = services.get_motion(motion_id)
    meeting = meetings.get_meeting(motion.meeting_id)
    policy.require(user, "proceedings.record", meeting.body_id)
    payload = schemas.VOTE.parse(json_body())
    votes = schemas.parse_votes(payload)
    now = utcnow()
    method = payload.get("method") or "roll_call"
    try:
        with transaction():
            motion = services.record_vote(motion, votes=votes, method=method,
                                          override_reason=payload.get("override_reason"), actor=user, now=now)
    except services.VoteRefused as refused:
        with transaction():
            services.log_refused_vote(services.get_motion(motion_id), refused, votes=votes, method=method,
                                      override_reason=payload.get("override_reason"), actor=user, now=now)
        raise
    return services.motion_json(motion)


# ---------------------------------------------------------------- minutes

def _may_view_staff(meeting):
    return policy.can(current_user, "meeting.view_staff", meeting.body_id)


def revision_json(revision, approval=None, previous=None, *, with_html=True, with_diff=False):
    data = {"number": revision.number, "content_hash": revision.content_hash,
            "created_at": revision.created_at.isoformat(),
            "author": revision.author.email if revision.author else None,
            "corrects": services._number_of(revision.corrects_id),
            "approved": approval is not None,
            "approval": ({"motion_id": approval.motion_id, "meeting_id": approval.motion.meeting_id,
                          "approved_at": approval.approved_at.isoformat()} if approval else None)}
    if with_html:
        data["html"] = revision.html
    if with_diff:
        data["diff"] = services.revision_diff(previous.html if previous else "", revision.html)
    return data


def minutes_json(meeting, *, staff):
    history = services.revisions(meeting)
    approvals = services.approvals(meeting)
    approved = [r for r in history if r.id in approvals]
    latest_approved = approved[-1] if approved else None
    data = {"meeting_id": meeting.id, "status": services.minutes_status(meeting),
            "approved": revision_json(latest_approved, approvals[latest_approved.id]) if latest_approved else None}
    if staff:
        current = history[-1] if history else None
        data["current"] = revision_json(current, approvals.get(current.id)) if current else None
        data["revisions"] = [revision_json(r, approvals.get(r.id), history[i - 1] if i else None,
                                           with_html=False, with_diff=True) for i, r in enumerate(history)]
        data["draft"] = services.draft_minutes(meeting) if meeting.status in services.STARTED else None
        data["deadlines"] = services.minutes_deadlines(meeting, now=utcnow())
    return data


@bp.get("/meetings/<int:meeting_id>/minutes")
def get_minutes(meeting_id):
    meeting = meetings.get_meeting(meeting_id)
    staff = _may_view_staff(meeting)
    if meeting.status == MeetingStatus.DRAFT and not staff:
        raise NotFound(f"No meeting with id {meeting_id}.")
    return minutes_json(meeting, staff=staff)


@bp.post("/meetings/<int:meeting_id>/minutes/revisions")
def save_revision(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "minutes.edit")
    payload = schemas.REVISION.parse(json_body())
    with transaction():
        revision, created = services.save_revision(meeting, html=payload["html"],
                                                   correction=bool(payload.get("correction")),
                                                   actor=user, now=utcnow())
    return {**revision_json(revision), "created": created}, 201 if created else 200


@bp.post("/meetings/<int:meeting_id>/minutes/approve")
def approve_minutes(meeting_id):
    user, meeting = _staff_meeting(meeting_id, "minutes.edit")
    payload = schemas.APPROVE.parse(json_body())
    with transaction():
        services.approve_minutes(meeting, approving_motion_id=payload["approving_motion_id"],
                                 actor=user, now=utcnow())
    return minutes_json(meeting, staff=True)


def _openapi_operations():
    from app.core.openapi import ANY_OBJECT, op

    def write(summary, schema, *, tag="proceedings", ok="200", errors=("404", "409")):
        return op(summary, tag=tag, ok=ok, response=ANY_OBJECT, errors=set(errors), request=schema.json_schema())

    return {
        ("GET", "/api/v1/meetings/{}/proceedings"): op(
            "The meeting's proceedings: status, quorum, attendance, events and motions", tag="proceedings",
            response=ANY_OBJECT, errors={"404"}),
        ("POST", "/api/v1/meetings/{}/proceedings"): write(
            "Call to order, recess, reconvene, adjourn, or report remote public access down/restored",
            schemas.PROCEEDINGS),
        ("PUT", "/api/v1/meetings/{}/attendance/{}"): write("Record a member's attendance (roll call)",
                                                            schemas.ATTENDANCE),
        ("POST", "/api/v1/meetings/{}/recusals"): write("Declare a member's recusal from an item",
                                                        schemas.RECUSAL, ok="201"),
        ("POST", "/api/v1/meetings/{}/consent/pull"): write(
            "Pull an item from the consent calendar: it moves to the regular agenda, and a consent motion "
            "not yet voted no longer covers it", schemas.CONSENT_PULL),
        ("POST", "/api/v1/meetings/{}/motions"): write("Make a motion on an item", schemas.MOTION_CREATE,
                                                       ok="201"),
        ("GET", "/api/v1/motions/{}"): op("A motion with its votes, tally and result", tag="proceedings",
                                          public=True, response=ANY_OBJECT, errors={"404"}),
        ("POST", "/api/v1/motions/{}/vote"): op(
            "Record the votes on a motion; the tally and result follow from its threshold", tag="proceedings",
            response=ANY_OBJECT, errors={"404", "409"}, request=schemas.VOTE.json_schema(),
            description="A guard that refuses the vote answers 409 with its code (no_quorum, "
                        "comment_not_closed, remote_access_down, recused_member_voting, second_required, "
                        "roll_call_required, member_not_present) and every refusal in error.details."),
        ("GET", "/api/v1/meetings/{}/minutes"): op(
            "The meeting's minutes: the approved revision for everyone; drafts, history and diffs for staff",
            tag="minutes", public=True, response=ANY_OBJECT, errors={"404"}),
        ("POST", "/api/v1/meetings/{}/minutes/revisions"): write(
            "Save a minutes revision (a new one only when the text changed)", schemas.REVISION, tag="minutes",
            ok="201"),
        ("POST", "/api/v1/meetings/{}/minutes/approve"): write(
            "Approve the minutes by an adopted motion of a later meeting", schemas.APPROVE, tag="minutes"),
    }


OPENAPI_OPERATIONS = _openapi_operations()

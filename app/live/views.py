"""Live pages: the resident's comment page, the public display and the chair's console.

Each page renders the current state server-side (readable without JavaScript);
static/js/live-*.js then keeps it live over the /live namespace.
"""
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.policy import can, require
from app.core.errors import Forbidden, NotFound
from app.core.time import utcnow
from app.extensions import db
from app.live import services
from app.live import timer as timers
from app.meetings import services as meetings
from app.meetings.models import Meeting

bp = Blueprint("live", __name__)


def _public_meeting(meeting_id):
    return meetings.visible_meeting(meeting_id, current_user)


def _items_taking_comment(meeting):
    return [item for item in meeting.items if item.accepts_public_comment]


def _public_items_taking_comment(meeting, agenda):
    """What residents may sign up for: taking comment as posted (`agenda`), and still (the
    chair could not open comment on one the clerk has since turned off)."""
    taking = {item.id for item in _items_taking_comment(meeting)}
    return [item for item in agenda if item.accepts_public_comment and item.id in taking]


def _render(template, meeting, agenda, **context):
    """`agenda`: the items the page names, as posted for the public pages
    (meetings.public_items), as they stand for the console (meetings.working_items)."""
    state = services.public_state(meeting, now=utcnow())
    proceedings = state.get("proceedings") or {}
    return render_template(template, meeting=meeting, state=state,
                           item_titles={item.id: item.title for item in agenda},
                           item_numbers={item.id: item.number for item in agenda},
                           is_live=meeting.status in services.LIVE_STATUSES,
                           under_comment=services.waiting_on_comment_item(state),
                           quorum=proceedings.get("quorum"), attendance_recorded=proceedings.get("attendance_recorded"),
                           remote_down=proceedings.get("remote_access_down"),
                           in_closed=proceedings.get("in_closed_session"), **context)


@bp.get("/meetings/<int:meeting_id>/comment")
def comment(meeting_id):
    meeting = _public_meeting(meeting_id)
    agenda = meetings.public_items(meeting)
    # The extra time promised beside the interpreter box is the body's rule's (none in some states).
    return _render("live/comment.html", meeting, agenda, items=_public_items_taking_comment(meeting, agenda),
                   interpreter_multiple=timers.interpreter_multiple(meeting.body.rule_pack))


@bp.get("/meetings/<int:meeting_id>/display")
def display(meeting_id):
    meeting = _public_meeting(meeting_id)
    # The room sees why a speaker's clock shows more than the time per speaker.
    return _render("live/display.html", meeting, meetings.public_items(meeting),
                   interpreter_multiple=timers.interpreter_multiple(meeting.body.rule_pack))


@bp.get("/staff/meetings/<int:meeting_id>/live")
@login_required
def console(meeting_id):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("There is no meeting with this number."))
    may_moderate = can(current_user, "live.moderate", meeting.body_id)
    may_add = can(current_user, "live.add_in_person", meeting.body_id)
    if not (may_moderate or may_add):
        require(current_user, "live.moderate", meeting.body_id)
        raise Forbidden(_("Your role does not allow this."))
    return _render("live/console.html", meeting, meetings.working_items(meeting), items=meeting.items,
                   commentable=_items_taking_comment(meeting), may_moderate=may_moderate, may_add=may_add)

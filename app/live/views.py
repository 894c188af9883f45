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
from app.meetings.numbering import item_numbers

bp = Blueprint("live", __name__)


def _public_meeting(meeting_id):
    return meetings.visible_meeting(meeting_id, current_user)


def _items_taking_comment(meeting):
    return [item for item in meeting.items if item.accepts_public_comment]


def _public_items_taking_comment(meeting):
    """What residents may sign up for: taking comment as posted, and still (the chair could
    not open comment on one the clerk has since turned off)."""
    taking = {item.id for item in _items_taking_comment(meeting)}
    return [item for item in meetings.public_items(meeting) if item.accepts_public_comment and item.id in taking]


def _render(template, meeting, *, staff=False, **context):
    """`staff`: the console, with the agenda as it stands; the public pages have it as
    posted (meetings.public_items)."""
    state = services.public_state(meeting, now=utcnow())
    if staff:
        titles, numbers = {item.id: item.title for item in meeting.items}, item_numbers(meeting.sections)
    else:
        posted = meetings.public_items(meeting)
        titles, numbers = {item.id: item.title for item in posted}, {item.id: item.number for item in posted}
    proceedings = state.get("proceedings") or {}
    return render_template(template, meeting=meeting, state=state, item_titles=titles,
                           item_numbers=numbers,
                           is_live=meeting.status in services.LIVE_STATUSES,
                           under_comment=services.waiting_on_comment_item(state),
                           quorum=proceedings.get("quorum"), remote_down=proceedings.get("remote_access_down"),
                           in_closed=proceedings.get("in_closed_session"), **context)


@bp.get("/meetings/<int:meeting_id>/comment")
def comment(meeting_id):
    meeting = _public_meeting(meeting_id)
    # The extra time promised beside the interpreter box is the body's rule's (none in some states).
    return _render("live/comment.html", meeting, items=_public_items_taking_comment(meeting),
                   interpreter_multiple=timers.interpreter_multiple(meeting.body.rule_pack))


@bp.get("/meetings/<int:meeting_id>/display")
def display(meeting_id):
    return _render("live/display.html", _public_meeting(meeting_id))


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
    return _render("live/console.html", meeting, staff=True, items=meeting.items,
                   commentable=_items_taking_comment(meeting), may_moderate=may_moderate, may_add=may_add)

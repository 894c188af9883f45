"""The public compliance report of a meeting: every log entry, the verification
result, and the rule checks with their evidence.
"""
from datetime import datetime

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.compliance import services
from app.compliance.field_labels import field_label, value_label
from app.compliance.log_page import DEFAULT_FILTER, FILTERS, LogNames, filter_counts, filter_entries
from app.meetings import services as meetings
from app.compliance.rules import PACKS
from app.compliance.tags import Tag

bp = Blueprint("compliance", __name__)
bp.add_app_template_filter(field_label, "log_field")
bp.add_app_template_global(value_label, "log_value")

TAG_LABELS = {
    Tag.MEETING_CREATED: _l("Meeting created"),
    Tag.MEETING_RESCHEDULED: _l("Meeting rescheduled"),
    Tag.MEETING_CANCELLED: _l("Meeting cancelled"),
    Tag.MEETING_POSTPONED: _l("Meeting postponed"),
    Tag.AGENDA_POSTED: _l("Agenda posted"),
    Tag.AGENDA_AMENDED: _l("Agenda amended"),
    Tag.DEADLINE_CHECKED: _l("Posting deadline checked"),
    Tag.DEADLINE_OVERRIDDEN: _l("Posting deadline overridden"),
    Tag.CONTENT_CHECKED: _l("Agenda content checked"),
    Tag.COMMENT_OPENED: _l("Public comment opened"),
    Tag.COMMENT_CLOSED: _l("Public comment closed"),
    Tag.COMMENT_TIME_CHANGED: _l("Speaking time changed"),
    Tag.SPEAKER_JOINED: _l("Speaker joined the queue"),
    Tag.SPEAKER_CALLED: _l("Speaker called"),
    Tag.SPEAKER_RECALLED: _l("Speaker recalled"),
    Tag.SPEAKER_SKIPPED: _l("Speaker skipped"),
    Tag.SPEAKER_WARNED: _l("Speaker warned"),
    Tag.SPEAKER_REMOVED: _l("Speaker removed"),
    Tag.SPEAKER_REINSTATED: _l("Removed speaker reinstated by the chair"),
    Tag.SPEAKER_NAME_HIDDEN: _l("Speaker's name hidden by the chair"),
    Tag.SPEAKER_CORRECTED: _l("Speaker card corrected by staff"),
    Tag.SPEAKER_FINISHED: _l("Speaker finished"),
    Tag.SPEAKER_LEFT: _l("Speaker left the queue"),
    Tag.SPEAKER_MOVED: _l("Speaker moved to general comment"),
    Tag.QUEUE_ENDED: _l("Places still in line ended with the meeting"),
    Tag.TIMER_CHANGED: _l("Timer changed"),
    Tag.ITEM_CURRENT: _l("Current item changed"),
    Tag.PROCEEDINGS_CHANGED: _l("Proceedings changed"),
    Tag.ATTENDANCE_RECORDED: _l("Attendance recorded"),
    Tag.REMOTE_ACCESS_DOWN: _l("Remote access reported down"),
    Tag.REMOTE_ACCESS_RESTORED: _l("Remote access restored"),
    Tag.MOTION_MADE: _l("Motion made"),
    Tag.VOTE_RECORDED: _l("Vote recorded"),
    Tag.VOTE_OVERRIDDEN: _l("Vote guard overridden"),
    Tag.MINUTES_APPROVED: _l("Minutes approved"),
    Tag.MINUTES_REVISED: _l("Minutes revised"),
    Tag.CONSENT_PULLED: _l("Item pulled from the consent calendar"),
    Tag.RECUSAL_DECLARED: _l("Recusal declared"),
    Tag.CLOSED_SESSION_ANNOUNCED: _l("Closed session announced"),
    Tag.CLOSED_SESSION_REPORTED: _l("Closed session reported"),
    Tag.VOTE_REFUSED: _l("Vote refused by a guard"),
}
SEVERITY_LABELS = {"block": _l("required"), "warn": _l("advisory"), "record": _l("recorded only")}


def visible_meeting(meeting_id):
    """Drafts are not public: only staff of the meeting's body may see their log."""
    return meetings.visible_meeting(meeting_id, current_user)


def tag_label(tag, data=None):
    # A place staff took back (a card entered twice) is a `speaker:left` that says so.
    if tag == Tag.SPEAKER_LEFT and (data or {}).get("withdrawn"):
        return _l("Speaker withdrawn by staff")
    # A turn with no whole second used is not "finished": most often someone called who
    # was never heard (None: the time never started, which the minutes do not count as
    # a comment); 0 is a time stopped within its first second, or, in entries logged
    # before the two were told apart, one never started.
    if tag == Tag.SPEAKER_FINISHED and "used_seconds" in (data or {}) and data["used_seconds"] in (None, 0):
        return _l("Speaker's turn ended with no time used")
    try:
        return TAG_LABELS[Tag(tag)]
    except ValueError:
        return tag


def _check_rows(entries):
    """The rule checks found in the log, newest publish last, with their evidence."""
    deadline_checks, content_checks, overrides = [], [], []
    for entry in entries:
        data = entry["data"]
        if entry["tag"] == Tag.DEADLINE_CHECKED:
            deadline_checks.append({**data, "seq": entry["seq"],
                                    "deadline": _parse(data.get("deadline_at")),
                                    "published": _parse(data.get("published_at"))})
        elif entry["tag"] == Tag.DEADLINE_OVERRIDDEN:
            overrides.append({**data, "seq": entry["seq"], "actor": entry["actor"]})
        elif entry["tag"] == Tag.CONTENT_CHECKED:
            for result in data.get("results", []):
                content_checks.append({**result, "seq": entry["seq"],
                                       "agenda_version": data.get("agenda_version")})
    return deadline_checks, content_checks, overrides


def _parse(text):
    return datetime.fromisoformat(text) if text else None


@bp.get("/meetings/<int:meeting_id>/compliance")
def show_log(meeting_id):
    meeting = visible_meeting(meeting_id)
    report = services.log_report(meeting.id)
    # `?show=` narrows the entries shown; the chain is always verified whole.
    shown = request.args.get("show") or DEFAULT_FILTER
    status, unknown_filter = 200, None
    if shown not in FILTERS:
        status, unknown_filter, shown = 422, shown, DEFAULT_FILTER
    names = LogNames(meeting, report["entries"])
    entries = [{**entry, "at": _parse(entry["recorded_at"]), "label": tag_label(entry["tag"], entry["data"]),
                "by": names.person(entry["actor"]), "subject": names.subject(entry["data"])}
               for entry in filter_entries(report["entries"], shown)]
    deadline_checks, content_checks, overrides = _check_rows(report["entries"])
    return render_template(
        "compliance/show_log.html", meeting=meeting, report=report, entries=entries,
        deadline_checks=deadline_checks, content_checks=content_checks, overrides=overrides,
        pack=PACKS.get(meeting.body.rule_pack), severity_labels=SEVERITY_LABELS, names=names,
        filters=FILTERS, shown=shown, counts=filter_counts(report["entries"]), unknown_filter=unknown_filter,
    ), status

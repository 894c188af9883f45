"""The fields of log entries, named for the public log page in the reader's language.

An entry's data keeps its English keys: they are what is hashed, and what the JSON
export and the API give. The page shows each key through this table; a key that is
not here shows as itself, its underscores as spaces (as English readers see them all).
"""
from flask_babel import gettext, lazy_pgettext

FIELD_LABELS = {
    "absent": lazy_pgettext("log field", "absent"),
    "abstain": lazy_pgettext("log field", "abstain"),
    "action": lazy_pgettext("log field", "action"),
    "after": lazy_pgettext("log field", "after"),
    "agenda_version": lazy_pgettext("log field", "agenda version"),
    "allotted_seconds": lazy_pgettext("log field", "allotted seconds"),
    "approving_meeting_id": lazy_pgettext("log field", "approving meeting id"),
    "arrived_at": lazy_pgettext("log field", "arrived at"),
    "at": lazy_pgettext("log field", "at"),
    "by": lazy_pgettext("log field", "published by"),
    "aye": lazy_pgettext("log field", "aye"),
    "before": lazy_pgettext("log field", "before"),
    "channel": lazy_pgettext("log field", "channel"),
    "citation": lazy_pgettext("log field", "citation"),
    "closed_at": lazy_pgettext("log field", "closed at"),
    "content_hash": lazy_pgettext("log field", "content hash"),
    "correction": lazy_pgettext("log field", "correction"),
    "corrects_revision": lazy_pgettext("log field", "corrects revision"),
    "deadline_at": lazy_pgettext("log field", "deadline at"),
    "details": lazy_pgettext("log field", "details"),
    "display_name": lazy_pgettext("log field", "display name"),
    "effective_from": lazy_pgettext("log field", "rule in force since"),
    "end_at": lazy_pgettext("log field", "end at"),
    "entry_id": lazy_pgettext("log field", "speaker"),
    "from": lazy_pgettext("log field", "from"),
    "general": lazy_pgettext("log field", "general"),
    "has_quorum": lazy_pgettext("log field", "has quorum"),
    "interpreter": lazy_pgettext("log field", "interpreter"),
    "item_id": lazy_pgettext("log field", "agenda item"),
    "item_ids": lazy_pgettext("log field", "agenda items"),
    "kind": lazy_pgettext("log field", "kind"),
    "left_at": lazy_pgettext("log field", "left at"),
    "location": lazy_pgettext("log field", "location"),
    "margin_seconds": lazy_pgettext("log field", "margin seconds"),
    "max_words": lazy_pgettext("log field", "max words"),
    "member_id": lazy_pgettext("log field", "member id"),
    "met": lazy_pgettext("log field", "met"),
    "method": lazy_pgettext("log field", "method"),
    "mode": lazy_pgettext("log field", "mode"),
    "motion_id": lazy_pgettext("log field", "motion id"),
    "mover": lazy_pgettext("log field", "mover"),
    "name": lazy_pgettext("log field", "name"),
    "needed": lazy_pgettext("log field", "needed"),
    "new_seconds": lazy_pgettext("log field", "new seconds"),
    "no": lazy_pgettext("log field", "no"),
    "note": lazy_pgettext("log field", "note"),
    "notice_hours": lazy_pgettext("log field", "notice hours"),
    "number": lazy_pgettext("log field", "sign-up number"),
    "places": lazy_pgettext("log field", "places"),
    "old_seconds": lazy_pgettext("log field", "old seconds"),
    "opened_at": lazy_pgettext("log field", "opened at"),
    "overridden": lazy_pgettext("log field", "overridden"),
    "passed": lazy_pgettext("log field", "passed"),
    "period_seconds": lazy_pgettext("log field", "period seconds"),
    "policy": lazy_pgettext("log field", "policy"),
    "posted_at": lazy_pgettext("log field", "posted at"),
    "present": lazy_pgettext("log field", "present"),
    "present_remote": lazy_pgettext("log field", "present remote"),
    "previous_content_hash": lazy_pgettext("log field", "previous content hash"),
    "previous_hash": lazy_pgettext("log field", "previous hash"),
    "published_at": lazy_pgettext("log field", "published at"),
    "quorum": lazy_pgettext("log field", "quorum"),
    "quorum_changed": lazy_pgettext("log field", "quorum changed"),
    "reason": lazy_pgettext("log field", "reason"),
    "recused": lazy_pgettext("log field", "recused"),
    "recused_member_ids": lazy_pgettext("log field", "recused member ids"),
    "remaining_seconds": lazy_pgettext("log field", "remaining seconds"),
    "remote_basis": lazy_pgettext("log field", "remote basis"),
    "result": lazy_pgettext("log field", "result"),
    "results": lazy_pgettext("log field", "results"),
    "revision": lazy_pgettext("log field", "revision"),
    "rule": lazy_pgettext("log field", "rule"),
    "rule_id": lazy_pgettext("log field", "rule code"),
    "rule_version": lazy_pgettext("log field", "version of the rule"),
    "seats": lazy_pgettext("log field", "seats"),
    "seconder": lazy_pgettext("log field", "seconder"),
    "seconds": lazy_pgettext("log field", "seconds"),
    "seconds_per_speaker": lazy_pgettext("log field", "seconds per speaker"),
    "severity": lazy_pgettext("log field", "if not met"),
    "stance": lazy_pgettext("log field", "stance"),
    "start_at": lazy_pgettext("log field", "start at"),
    "status": lazy_pgettext("log field", "status"),
    "still_waiting": lazy_pgettext("log field", "still waiting"),
    "summary": lazy_pgettext("log field", "summary"),
    "tally": lazy_pgettext("log field", "tally"),
    "text": lazy_pgettext("log field", "text"),
    "threat": lazy_pgettext("log field", "threat"),
    "threshold": lazy_pgettext("log field", "threshold"),
    "title": lazy_pgettext("log field", "title"),
    "to": lazy_pgettext("log field", "to"),
    "to_item_id": lazy_pgettext("log field", "moved to"),
    "too_long": lazy_pgettext("log field", "too long"),
    "untitled_items": lazy_pgettext("log field", "untitled items"),
    "used_seconds": lazy_pgettext("log field", "used seconds"),
    "verify": lazy_pgettext("log field", "figure awaiting legal verification"),
    "vote": lazy_pgettext("log field", "vote"),
    "votes": lazy_pgettext("log field", "votes"),
    "votes_cast": lazy_pgettext("log field", "votes cast"),
    "warned_at": lazy_pgettext("log field", "warned at"),
    "was": lazy_pgettext("log field", "was"),
}


def field_label(key):
    return FIELD_LABELS.get(key) or str(key).replace("_", " ")


# The codes that stand as values (a status, a channel, a vote…), named the same way.
VALUE_LABELS = {
    "in_person": lazy_pgettext("log value", "in person"),
    "remote": lazy_pgettext("log value", "remote"),
    "draft": lazy_pgettext("log value", "draft"),
    "published": lazy_pgettext("log value", "published"),
    "in_progress": lazy_pgettext("log value", "in progress"),
    "recessed": lazy_pgettext("log value", "recessed"),
    "adjourned": lazy_pgettext("log value", "adjourned"),
    "cancelled": lazy_pgettext("log value", "cancelled"),
    "postponed": lazy_pgettext("log value", "postponed"),
    "regular": lazy_pgettext("log value", "regular"),
    "special": lazy_pgettext("log value", "special"),
    "emergency": lazy_pgettext("log value", "emergency"),
    "main": lazy_pgettext("log value", "main"),
    "amendment": lazy_pgettext("log value", "amendment"),
    "substitute": lazy_pgettext("log value", "substitute"),
    "table": lazy_pgettext("log value", "table"),
    "reconsider": lazy_pgettext("log value", "reconsider"),
    "roll_call": lazy_pgettext("log value", "roll call"),
    "voice": lazy_pgettext("log value", "voice"),
    "fifo": lazy_pgettext("log value", "fifo"),
    "alternate": lazy_pgettext("log value", "alternate"),
    "in_person_first": lazy_pgettext("log value", "in person first"),
    "adopted": lazy_pgettext("log value", "adopted"),
    "failed": lazy_pgettext("log value", "failed"),
    "block": lazy_pgettext("log value", "publishing is refused"),
    "warn": lazy_pgettext("log value", "a warning is shown"),
    "record": lazy_pgettext("log value", "it is only recorded"),
    "support": lazy_pgettext("log value", "support"),
    "oppose": lazy_pgettext("log value", "oppose"),
    "neutral": lazy_pgettext("log value", "neutral"),
    "present": lazy_pgettext("log value", "present"),
    "absent": lazy_pgettext("log value", "absent"),
    "waiting": lazy_pgettext("log value", "waiting"),
    "speaking": lazy_pgettext("log value", "speaking"),
    "done": lazy_pgettext("log value", "done"),
    "skipped": lazy_pgettext("log value", "skipped"),
    "removed": lazy_pgettext("log value", "removed"),
    "left": lazy_pgettext("log value", "left"),
    "aye": lazy_pgettext("log value", "aye"),
    "no": lazy_pgettext("log value", "no"),
    "abstain": lazy_pgettext("log value", "abstain"),
    "recused": lazy_pgettext("log value", "recused"),
    "call_to_order": lazy_pgettext("log value", "call to order"),
    "recess": lazy_pgettext("log value", "recess"),
    "reconvene": lazy_pgettext("log value", "reconvene"),
    "adjourn": lazy_pgettext("log value", "adjourn"),
    "remote_access_down": lazy_pgettext("log value", "remote access down"),
    "remote_access_restored": lazy_pgettext("log value", "remote access restored"),
    "closed_session": lazy_pgettext("log value", "closed session"),
    "closed_session_report": lazy_pgettext("log value", "closed session report"),
    "start": lazy_pgettext("log value", "start"),
    "pause": lazy_pgettext("log value", "pause"),
    "resume": lazy_pgettext("log value", "resume"),
    "extend": lazy_pgettext("log value", "extend"),
    "stop": lazy_pgettext("log value", "stop"),
    "majority_of_votes_cast": lazy_pgettext("log value", "majority of votes cast"),
    "majority_of_full_body": lazy_pgettext("log value", "majority of full body"),
    "two_thirds": lazy_pgettext("log value", "two thirds"),
    # The meeting's fields an agenda check found filled in.
    "remote_instructions": lazy_pgettext("log value", "instructions for taking part remotely"),
    "remote_url": lazy_pgettext("log value", "webinar link"),
    "dial_in": lazy_pgettext("log value", "phone line"),
    # Reasons Dais gives itself (beside a meeting status, a recess).
    "item_removed": lazy_pgettext("log value", "item removed from the agenda"),
    "comment_withdrawn": lazy_pgettext("log value", "public comment turned off for the item"),
}


# The fields whose values are such codes: elsewhere (a display name, a reason) the same
# word is somebody's text and stays as typed.
CODE_FIELDS = frozenset({"action", "channel", "from", "kind", "method", "mode", "policy", "present", "result",
                         "severity", "stance", "status", "threshold", "to", "vote", "was"})


# Fields whose text is Dais's own English (a rule's summary, Dais's own practice named
# as a citation): shown in the reader's language where the catalog has it.
DAIS_TEXT_FIELDS = frozenset({"summary", "citation"})


# A `reason` is mostly typed by staff, and stays as typed; these are the ones Dais
# writes itself when the meeting or the agenda ends a place or a period.
DAIS_REASONS = frozenset({"recess", "adjourned", "cancelled", "postponed", "item_removed", "comment_withdrawn"})


def value_label(key, value):
    """The label of `value` under field `key` when it is a code or Dais's own text, else None."""
    if key in DAIS_TEXT_FIELDS:
        return gettext(value)
    if key == "reason" and value in DAIS_REASONS:
        return VALUE_LABELS[value]
    return VALUE_LABELS.get(value) if key in CODE_FIELDS else None

"""Incoming payloads of the proceedings and minutes API, declared once (see meetings.schemas)."""
from app.core.errors import ValidationFailed
from app.meetings.schemas import ID, Field, Schema
from app.minutes import rules
from app.minutes.services import ACTIONS

PROCEEDINGS = Schema("ProceedingsAction", [
    Field("action", "string", required=True, enum=list(ACTIONS)),
    Field("note", "string", max_length=20000, nullable=True,
          description="A note; for closed_session_report, the reportable actions taken in closed session."),
    Field("item_ids", "array", items={"type": "integer"},
          description="closed_session: the closed-session items announced before going in."),
])
ATTENDANCE = Schema("Attendance", [
    Field("status", "string", required=True, enum=[rules.PRESENT, rules.ABSENT]),
    Field("mode", "string", enum=[rules.IN_PERSON, rules.REMOTE], nullable=True),
    Field("remote_basis", "string", max_length=500, nullable=True,
          description="The legal ground for remote attendance, where the rule pack asks for one."),
    Field("correction", "boolean",
          description="With status absent for a member recorded present: they were never here (a "
                      "mistaken entry), so no arrival or departure is kept. Without it, they left."),
])
MOTION_CREATE = Schema("MotionCreate", [
    Field("item_id", "integer", required=True, **ID),
    Field("text", "string", required=True, min_length=1, max_length=20000),
    Field("mover_id", "integer", required=True, **ID),
    Field("seconder_id", "integer", nullable=True, **ID),
    Field("threshold", "string", enum=list(rules.THRESHOLDS), nullable=True),
    Field("kind", "string", enum=list(rules.MOTION_KINDS), nullable=True),
])
VOTE = Schema("VoteRecord", [
    Field("votes", "object", description='{"<member_id>": "aye"|"no"|"abstain"|"absent"|"recused"}'),
    Field("method", "string", enum=list(rules.VOTE_METHODS),
          description="roll_call (default) or voice (recorded as unanimous among the members present)."),
    Field("override_reason", "string", max_length=2000, nullable=True),
])
RECUSAL = Schema("RecusalCreate", [
    Field("item_id", "integer", required=True, **ID),
    Field("member_id", "integer", required=True, **ID),
    Field("reason", "string", required=True, min_length=1, max_length=2000),
])
CONSENT_PULL = Schema("ConsentPull", [
    Field("item_id", "integer", required=True, **ID),
    Field("reason", "string", max_length=2000, nullable=True,
          description="Why the item was pulled, and by whom (a member or the public)."),
])
REVISION = Schema("MinutesRevisionCreate", [
    Field("html", "string", required=True, min_length=1, max_length=500000),
    Field("correction", "boolean", description="A correction of approved minutes; it needs its own approval."),
])
APPROVE = Schema("MinutesApprove", [
    Field("approving_motion_id", "integer", required=True, **ID),
])


def parse_votes(payload):
    """{"<member_id>": choice} -> {member_id: choice}, refusing anything else with 422."""
    votes = payload.get("votes") or {}
    parsed = {}
    for key, choice in votes.items():
        if not (isinstance(key, str) and key.isdigit() and 0 < len(key) <= 10):
            raise ValidationFailed(f"'votes' keys must be member ids; got {key[:20]!r}.")
        if choice not in rules.VOTE_CHOICES:
            raise ValidationFailed(f"'votes.{key}' must be one of: {', '.join(rules.VOTE_CHOICES)}.")
        parsed[int(key)] = choice
    if payload.get("method", rules.ROLL_CALL) == rules.ROLL_CALL and not parsed:
        raise ValidationFailed("'votes' is required for a roll-call vote.")
    return parsed


def id_list(values, name):
    if values is None:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 2**31 - 1 for v in values):
        raise ValidationFailed(f"'{name}' must be a list of ids.")
    if len(values) > 200:
        raise ValidationFailed(f"'{name}' lists too many items.")
    return values

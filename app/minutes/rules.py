"""Pure rules of proceedings: quorum, the opening roll call, vote thresholds, tallies, and the vote guards.

Plain data in, plain data out: no Flask, no database. The services gather the
record (seats, attendance, recusals, comment periods, remote-access reports) and
ask these functions what the law and the body's rules make of it.
"""
from dataclasses import dataclass, field

# -- vocabulary ------------------------------------------------------------------

PRESENT, ABSENT = "present", "absent"
IN_PERSON, REMOTE = "in_person", "remote"
AYE, NO, ABSTAIN, VOTE_ABSENT, RECUSED = "aye", "no", "abstain", "absent", "recused"
VOTE_CHOICES = (AYE, NO, ABSTAIN, VOTE_ABSENT, RECUSED)

MAJORITY_OF_VOTES_CAST = "majority_of_votes_cast"
MAJORITY_OF_FULL_BODY = "majority_of_full_body"
TWO_THIRDS = "two_thirds"
THRESHOLDS = (MAJORITY_OF_VOTES_CAST, MAJORITY_OF_FULL_BODY, TWO_THIRDS)

MOTION_KINDS = ("main", "amendment", "substitute", "table", "reconsider")
# Robert's Rules defaults. A body's adopted rules may set its own default per kind of
# motion (Body.default_thresholds), and a motion may still name its own threshold.
DEFAULT_THRESHOLDS = {kind: MAJORITY_OF_VOTES_CAST for kind in MOTION_KINDS}
# Every motion listed here needs a second before it can be voted on.
SECOND_REQUIRED = frozenset(MOTION_KINDS)

ADOPTED, FAILED = "adopted", "failed"

ROLL_CALL, VOICE = "roll_call", "voice"
VOTE_METHODS = (ROLL_CALL, VOICE)


# -- quorum ------------------------------------------------------------------------

def quorum_needed(seats):
    """A majority of the seats. Vacant seats still count: a vacancy does not lower the quorum."""
    if seats < 1:
        raise ValueError("a body has at least one seat")
    return seats // 2 + 1


def present_count(attendance):
    """attendance: {member_id: (status, mode)} or {member_id: status}."""
    return sum(1 for value in attendance.values() if _status(value) == PRESENT)


def has_quorum(seats, attendance):
    return present_count(attendance) >= quorum_needed(seats)


def quorum_summary(seats, attendance):
    present = present_count(attendance)
    needed = quorum_needed(seats)
    remote = sum(1 for value in attendance.values() if _status(value) == PRESENT and _mode(value) == REMOTE)
    return {"seats": seats, "needed": needed, "present": present, "present_remote": remote,
            "has_quorum": present >= needed}


def _status(value):
    return value[0] if isinstance(value, tuple) else value


def _mode(value):
    return value[1] if isinstance(value, tuple) else IN_PERSON


# -- the opening roll call ----------------------------------------------------------

# What moves a meeting on from its opening roll call to its business. A member recorded
# present once one of these has happened (after the call to order) arrived late, and the
# minutes say when; anyone recorded before it answered the roll call. Reconvening and
# reporting out of closed session always follow one of these. A remote-access report
# is not among them: it is about the public's access, not the body's business, and the
# watcher files it by itself at any moment.
ROLL_CALL_ENDS = frozenset({
    "recess", "adjourn", "closed_session",  # proceedings events
    "item_taken_up",                        # the chair sets the current item (see OPENING_SECTIONS)
    "comment_opened",                       # public comment, on an item or on non-agenda matters
    "motion", "recusal", "consent_pulled",
})
# Items of these sections (call to order, roll call, pledge) are the opening itself:
# taking one up does not end the roll call.
OPENING_SECTIONS = frozenset({"ceremonial"})


@dataclass(frozen=True)
class Happening:
    """Something recorded during a meeting: a kind of ROLL_CALL_ENDS (or any other), when,
    and for item_taken_up the kind of the item's section."""

    kind: str
    at: object
    section_kind: str | None = None


def ends_roll_call(happening):
    if happening.kind == "item_taken_up":
        return happening.section_kind is not None and happening.section_kind not in OPENING_SECTIONS
    return happening.kind in ROLL_CALL_ENDS


def roll_call_closed_at(called_to_order_at, happenings):
    """When the opening roll call ended: the first happening at or after the call to order that
    moves the meeting on to business. None before the call to order, and while none has happened."""
    if called_to_order_at is None:
        return None
    return min((h.at for h in happenings if h.at >= called_to_order_at and ends_roll_call(h)), default=None)


def arrived_late(arrived_at, closed_at):
    """A member arrived late when first recorded present after the roll call ended (a tie is
    the roll call's: the member answered it); present before the call to order is on time."""
    return arrived_at is not None and closed_at is not None and arrived_at > closed_at


# -- tallies -------------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    aye: int = 0
    no: int = 0
    abstain: int = 0
    absent: int = 0
    recused: int = 0

    @property
    def votes_cast(self):
        # Abstentions, absences and recusals are not votes cast.
        return self.aye + self.no

    def as_dict(self):
        return {"aye": self.aye, "no": self.no, "abstain": self.abstain, "absent": self.absent,
                "recused": self.recused, "votes_cast": self.votes_cast}


def tally(votes):
    """votes: {member_id: choice}."""
    counts = {choice: 0 for choice in VOTE_CHOICES}
    for choice in votes.values():
        if choice not in counts:
            raise ValueError(f"unknown vote {choice!r}")
        counts[choice] += 1
    return Tally(aye=counts[AYE], no=counts[NO], abstain=counts[ABSTAIN], absent=counts[VOTE_ABSENT],
                 recused=counts[RECUSED])


def threshold_for(kind, body_defaults=None, explicit=None):
    """The threshold a motion is voted under: its own if it names one, else the body's default
    for its kind, else Robert's Rules (a body whose settings predate a kind, or name none)."""
    if explicit:
        return explicit
    return (body_defaults or {}).get(kind) or DEFAULT_THRESHOLDS[kind]


def ayes_needed(threshold, counts, seats):
    """How many ayes carry the motion under `threshold`."""
    if threshold == MAJORITY_OF_VOTES_CAST:
        return counts.votes_cast // 2 + 1
    if threshold == MAJORITY_OF_FULL_BODY:
        return quorum_needed(seats)
    if threshold == TWO_THIRDS:
        # Two-thirds of the votes cast, rounded up; never fewer than one aye.
        return max(1, -(-2 * counts.votes_cast // 3))
    raise ValueError(f"unknown threshold {threshold!r}")


def result(threshold, counts, seats):
    """ADOPTED or FAILED. A tie fails: whatever the threshold, a motion needs more ayes than noes."""
    carries = counts.aye >= ayes_needed(threshold, counts, seats) and counts.aye > counts.no
    return ADOPTED if carries else FAILED


# -- vote guards ---------------------------------------------------------------------

# Guard codes are part of the API (error codes); keep them stable.
NO_QUORUM = "no_quorum"
COMMENT_NOT_CLOSED = "comment_not_closed"
REMOTE_ACCESS_DOWN = "remote_access_down"
RECUSED_MEMBER_VOTING = "recused_member_voting"
SECOND_MISSING = "second_required"
ROLL_CALL_REQUIRED = "roll_call_required"
MEMBER_NOT_PRESENT = "member_not_present"
GUARDS = (NO_QUORUM, COMMENT_NOT_CLOSED, REMOTE_ACCESS_DOWN, RECUSED_MEMBER_VOTING, SECOND_MISSING,
          ROLL_CALL_REQUIRED, MEMBER_NOT_PRESENT)


@dataclass(frozen=True)
class ProceedingsRules:
    """What one rule pack says about votes. Citations go into the compliance log."""

    pack_id: str
    roll_call_when_remote: bool = False
    # Remote attendance needs a stated legal ground (just cause, illness, ...).
    remote_basis_required: bool = False
    # Guards a clerk may override with a logged reason; the others always refuse.
    overridable: frozenset = frozenset()
    citations: dict = field(default_factory=dict)


_ALWAYS = {
    NO_QUORUM: "Quorum: a majority of the seats (common law; the body's rules)",
    RECUSED_MEMBER_VOTING: "Conflict of interest: a recused member takes no part in the vote",
    MEMBER_NOT_PRESENT: "Only members present may vote",
}

PROCEEDINGS_RULES = {
    "us-ca-brown-act": ProceedingsRules(
        pack_id="us-ca-brown-act", roll_call_when_remote=True, remote_basis_required=True,
        # §54954.3(a) excuses comment on an item the public already addressed before a
        # committee of the body; the clerk states that ground as the override reason.
        overridable=frozenset({COMMENT_NOT_CLOSED, SECOND_MISSING}),
        citations={**_ALWAYS,
                   COMMENT_NOT_CLOSED: "Cal. Gov. Code §54954.3(a)",
                   REMOTE_ACCESS_DOWN: "Cal. Gov. Code §54953.8",
                   ROLL_CALL_REQUIRED: "Cal. Gov. Code §54953(b)(2)",
                   "remote_basis": "Cal. Gov. Code §54953(b)(3), (f)",
                   SECOND_MISSING: "Body's rules of procedure"}),
    "us-tx-oma": ProceedingsRules(
        pack_id="us-tx-oma",
        overridable=frozenset({REMOTE_ACCESS_DOWN, SECOND_MISSING}),
        citations={**_ALWAYS, COMMENT_NOT_CLOSED: "Tex. Gov't Code §551.007",
                   REMOTE_ACCESS_DOWN: "Tex. Gov't Code §551.127 (verify)",
                   SECOND_MISSING: "Body's rules of procedure"}),
    "us-ny-oml": ProceedingsRules(
        pack_id="us-ny-oml", remote_basis_required=True,
        overridable=frozenset({COMMENT_NOT_CLOSED, REMOTE_ACCESS_DOWN, SECOND_MISSING}),
        citations={**_ALWAYS, COMMENT_NOT_CLOSED: "N.Y. Pub. Off. Law §103-a; body's rules",
                   "remote_basis": "N.Y. Pub. Off. Law §103-a(2)(a) (extraordinary circumstances)",
                   REMOTE_ACCESS_DOWN: "N.Y. Pub. Off. Law §103-a (verify)",
                   SECOND_MISSING: "Body's rules of procedure"}),
    "us-il-oma": ProceedingsRules(
        pack_id="us-il-oma", remote_basis_required=True,
        overridable=frozenset({COMMENT_NOT_CLOSED, REMOTE_ACCESS_DOWN, SECOND_MISSING}),
        citations={**_ALWAYS, COMMENT_NOT_CLOSED: "5 ILCS 120/2.06(g)",
                   "remote_basis": "5 ILCS 120/7(a)",
                   REMOTE_ACCESS_DOWN: "5 ILCS 120/7 (verify)",
                   SECOND_MISSING: "Body's rules of procedure"}),
    "generic": ProceedingsRules(
        pack_id="generic",
        overridable=frozenset({COMMENT_NOT_CLOSED, REMOTE_ACCESS_DOWN, SECOND_MISSING}),
        citations={**_ALWAYS, COMMENT_NOT_CLOSED: "Body's rules of procedure",
                   REMOTE_ACCESS_DOWN: "Body's rules of procedure",
                   SECOND_MISSING: "Body's rules of procedure"}),
}


def rules_for(pack_id):
    return PROCEEDINGS_RULES.get(pack_id, PROCEEDINGS_RULES["generic"])


@dataclass(frozen=True)
class CommentPeriod:
    item_id: int | None
    opened_at: object
    closed_at: object = None


def comment_completed(item_id, periods):
    """True when a comment period on the item was opened and then closed (none still open)."""
    mine = [p for p in periods if p.item_id == item_id]
    return bool(mine) and all(p.closed_at is not None for p in mine)


@dataclass(frozen=True)
class VoteContext:
    """Everything the guards look at, as plain data."""

    seats: int
    attendance: dict                    # {member_id: (status, mode)}
    votes: dict                         # {member_id: choice}
    recused: frozenset = frozenset()    # member ids recused from the motion's item(s)
    items_needing_comment: tuple = ()   # item ids that accept public comment
    comment_periods: tuple = ()         # CommentPeriod, for this meeting
    remote_access_down: bool = False
    has_second: bool = True
    second_required: bool = True
    method: str = ROLL_CALL


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    overridable: bool
    citation: str = ""
    details: dict = field(default_factory=dict)

    def as_dict(self):
        return {"code": self.code, "message": self.message, "overridable": self.overridable,
                "citation": self.citation, **({"details": self.details} if self.details else {})}


def vote_refusals(context, rules):
    """Every guard the vote fails, in a fixed order (empty list: the vote may be recorded)."""
    found = []

    def refuse(code, message, **details):
        found.append(Refusal(code=code, message=message, overridable=code in rules.overridable,
                             citation=rules.citations.get(code, ""), details=details))

    if not has_quorum(context.seats, context.attendance):
        summary = quorum_summary(context.seats, context.attendance)
        refuse(NO_QUORUM, f"No quorum: {summary['present']} present, {summary['needed']} needed.",
               present=summary["present"], needed=summary["needed"])
    # A recused member takes no part: recorded as recused (or absent), never aye, no or abstain.
    voting_recused = sorted(m for m in context.recused if context.votes.get(m) in (AYE, NO, ABSTAIN))
    if voting_recused:
        refuse(RECUSED_MEMBER_VOTING, "A recused member cannot vote on this item.", member_ids=voting_recused)
    not_present = sorted(m for m, choice in context.votes.items()
                         if choice in (AYE, NO, ABSTAIN) and _status(context.attendance.get(m, ABSENT)) != PRESENT)
    if not_present:
        refuse(MEMBER_NOT_PRESENT, "Only members recorded present can vote.", member_ids=not_present)
    open_items = [i for i in context.items_needing_comment if not comment_completed(i, context.comment_periods)]
    if open_items:
        refuse(COMMENT_NOT_CLOSED,
               "The public must be able to comment on the item first: open and close its comment period.",
               item_ids=list(open_items))
    if context.remote_access_down:
        refuse(REMOTE_ACCESS_DOWN, "Remote public access is reported down; no action until it is restored.")
    if context.second_required and not context.has_second:
        refuse(SECOND_MISSING, "This motion needs a second before the vote.")
    any_remote = any(_status(v) == PRESENT and _mode(v) == REMOTE for v in context.attendance.values())
    if rules.roll_call_when_remote and any_remote and context.method != ROLL_CALL:
        refuse(ROLL_CALL_REQUIRED, "A member attends remotely: every vote must be taken by roll call.")
    return found


def blocking(refusals, override_reason):
    """The refusals that still stand: all of them without a reason, the non-overridable ones with one."""
    if not override_reason:
        return list(refusals)
    return [r for r in refusals if not r.overridable]


def voice_votes(attendance, recused=frozenset()):
    """A voice vote is recorded as unanimous among the members present (recused members excepted)."""
    votes = {}
    for member_id, value in attendance.items():
        if member_id in recused:
            votes[member_id] = RECUSED
        elif _status(value) == PRESENT:
            votes[member_id] = AYE
        else:
            votes[member_id] = VOTE_ABSENT
    return votes


def complete_votes(member_ids, attendance, votes, recused=frozenset()):
    """Fill in members the roll call left out: absent members vote 'absent', recused 'recused'.

    Returns (votes, missing): `missing` lists present, unrecused members without a vote.
    """
    full = dict(votes)
    missing = []
    for member_id in member_ids:
        if member_id in full:
            continue
        if member_id in recused:
            full[member_id] = RECUSED
        elif _status(attendance.get(member_id, ABSENT)) != PRESENT:
            full[member_id] = VOTE_ABSENT
        else:
            missing.append(member_id)
    return full, missing


# -- minutes deadlines -----------------------------------------------------------------

@dataclass(frozen=True)
class MinutesDeadline:
    rule_id: str
    duty: str            # "available" (open to the public) or "approve"
    due_at: object       # aware datetime, or None while it cannot be known yet
    citation: str

    def state(self, now, done_at=None):
        """met | missed | overdue | pending | unknown."""
        if self.due_at is None:
            return "unknown"
        if done_at is not None:
            return "met" if done_at <= self.due_at else "missed"
        return "overdue" if now > self.due_at else "pending"


def minutes_deadlines(pack_id, *, meeting_at, approved_at=None, second_regular_meeting_at=None):
    """When minutes are due under the pack, from the meeting's date (and approval, once given)."""
    from datetime import timedelta

    if pack_id == "us-ny-oml":
        return [MinutesDeadline("ny.minutes.available", "available", meeting_at + timedelta(weeks=2),
                                "N.Y. Pub. Off. Law §106(3)")]
    if pack_id == "us-il-oma":
        thirty_days = meeting_at + timedelta(days=30)
        # Whichever is later: 30 days, or the second subsequent regular meeting (when scheduled).
        approve_by = max(thirty_days, second_regular_meeting_at) if second_regular_meeting_at else thirty_days
        return [MinutesDeadline("il.minutes.approve", "approve", approve_by, "5 ILCS 120/2.06(b)"),
                MinutesDeadline("il.minutes.available", "available",
                                approved_at + timedelta(days=10) if approved_at else None, "5 ILCS 120/2.06(b)")]
    return []

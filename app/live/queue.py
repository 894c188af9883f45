"""Ordering of the public-comment queue: pure data in, pure data out.

The order is never stored. It is recomputed from each entry's sign-up sequence,
its channel and the body's declared policy, so nobody (chair included) can
reorder the queue except by policy, and a restarted server rebuilds the exact
same order from the database.
"""
from dataclasses import dataclass, replace

FIFO = "fifo"
ALTERNATE = "alternate"
IN_PERSON_FIRST = "in_person_first"
POLICIES = (FIFO, ALTERNATE, IN_PERSON_FIRST)

REMOTE = "remote"
IN_PERSON = "in_person"
CHANNELS = (REMOTE, IN_PERSON)

WAITING = "waiting"
SPEAKING = "speaking"
DONE = "done"
SKIPPED = "skipped"
REMOVED = "removed"
LEFT = "left"
STATUSES = (WAITING, SPEAKING, DONE, SKIPPED, REMOVED, LEFT)
# Statuses that keep a participant's one place for an item: only leaving frees it,
# so a done, skipped or removed speaker cannot sign up again for the same item.
HOLDS_PLACE = frozenset({WAITING, SPEAKING, DONE, SKIPPED, REMOVED})


class QueueError(Exception):
    code = "invalid_state"


class QueueFull(QueueError):
    code = "queue_full"


class AlreadyQueued(QueueError):
    code = "conflict"


class UnknownEntry(QueueError):
    code = "not_found"


class WrongStatus(QueueError):
    code = "invalid_state"


@dataclass(frozen=True)
class Entry:
    entry_id: int
    channel: str
    seq: int                      # sign-up order; smaller signed up earlier
    item_id: int | None = None    # None: general (non-agenda) comment
    participant: str | None = None  # resident identity (token hash); None for speaker cards
    status: str = WAITING
    called_seq: int | None = None  # order in which speakers were called


def other_channel(channel):
    return IN_PERSON if channel == REMOTE else REMOTE


def ordered(entries, policy, last_channel=None):
    """The waiting entries in speaking order.

    `last_channel` is the channel of the last speaker called on this item: the
    alternate policy continues from it, so a recalled queue never gives one
    channel two turns in a row while the other is waiting.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    waiting = sorted((e for e in entries if e.status == WAITING), key=lambda e: (e.seq, e.entry_id))
    if policy == FIFO:
        return waiting
    in_person = [e for e in waiting if e.channel == IN_PERSON]
    remote = [e for e in waiting if e.channel == REMOTE]
    if policy == IN_PERSON_FIRST:
        return in_person + remote
    return _interleave(in_person, remote, waiting, last_channel)


def _interleave(in_person, remote, waiting, last_channel):
    if not in_person or not remote:
        return waiting
    if last_channel in CHANNELS:
        turn = other_channel(last_channel)
    else:
        turn = waiting[0].channel
    lanes = {IN_PERSON: list(in_person), REMOTE: list(remote)}
    result = []
    while lanes[IN_PERSON] or lanes[REMOTE]:
        if not lanes[turn]:
            turn = other_channel(turn)
        result.append(lanes[turn].pop(0))
        turn = other_channel(turn)
    return result


def positions(entries, policy, last_channel=None):
    """{entry_id: position} for waiting entries, contiguous from 1."""
    return {e.entry_id: n for n, e in enumerate(ordered(entries, policy, last_channel), start=1)}


def place_of_newest(policy, channel, waiting, first_channel=None, last_channel=None):
    """The position `ordered` gives a new entry of `channel`, the latest sign-up, from
    counts alone: `waiting` is {channel: entries already waiting}, `first_channel` the
    channel of the earliest of them. A burst of joins learns its places without the
    database reading the whole queue back.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    same, other = waiting.get(channel, 0), waiting.get(other_channel(channel), 0)
    if policy == FIFO or other == 0:
        return same + other + 1
    if policy == IN_PERSON_FIRST:
        return same + 1 if channel == IN_PERSON else same + other + 1
    # Alternate: the lanes take turns from `turn` until one runs out, so the n-th of
    # this lane follows n-1 of the other when this lane starts, n when the other does.
    turn = other_channel(last_channel) if last_channel in CHANNELS else first_channel
    n = same + 1
    return n + min(n - 1 if turn == channel else n, other)


def last_called_channel(entries):
    called = [e for e in entries if e.called_seq is not None]
    if not called:
        return None
    return max(called, key=lambda e: e.called_seq).channel


class Queue:
    """One item's queue (or general comment's) as a small state machine over `Entry`s.

    The services layer mirrors each operation onto database rows; this class is
    the specification those rows follow, and what the property tests exercise.
    """

    def __init__(self, policy, entries=(), cap=200):
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}")
        self.policy = policy
        self.cap = cap
        self.entries = {e.entry_id: e for e in entries}

    # -- reading --------------------------------------------------------------
    @property
    def speaker(self):
        return next((e for e in self.entries.values() if e.status == SPEAKING), None)

    def waiting(self):
        return ordered(self.entries.values(), self.policy, last_called_channel(self.entries.values()))

    def positions(self):
        return {e.entry_id: n for n, e in enumerate(self.waiting(), start=1)}

    def _get(self, entry_id):
        try:
            return self.entries[entry_id]
        except KeyError:
            raise UnknownEntry(entry_id) from None

    def _set(self, entry, **changes):
        self.entries[entry.entry_id] = replace(entry, **changes)
        return self.entries[entry.entry_id]

    def _next_seq(self, field):
        values = [getattr(e, field) for e in self.entries.values() if getattr(e, field) is not None]
        return max(values, default=0) + 1

    # -- operations -----------------------------------------------------------
    def join(self, entry):
        check_can_join(self.entries.values(), entry, self.cap)
        entry = replace(entry, status=WAITING, seq=max(entry.seq, self._next_seq("seq")))
        self.entries[entry.entry_id] = entry
        return entry

    def leave(self, entry_id):
        entry = self._get(entry_id)
        if entry.status not in (WAITING, SPEAKING):
            raise WrongStatus(f"entry {entry_id} is {entry.status}")
        return self._set(entry, status=LEFT)

    def call_next(self):
        """Finish the current speaker, if any, and call the first waiting entry (or None)."""
        if self.speaker is not None:
            self._set(self.speaker, status=DONE)
        waiting = self.waiting()
        if not waiting:
            return None
        return self._set(waiting[0], status=SPEAKING, called_seq=self._next_seq("called_seq"))

    def skip(self, entry_id):
        entry = self._get(entry_id)
        if entry.status not in (WAITING, SPEAKING):
            raise WrongStatus(f"entry {entry_id} is {entry.status}")
        return self._set(entry, status=SKIPPED)

    def recall(self, entry_id):
        """A skipped entry returns to the queue with its original sign-up place."""
        entry = self._get(entry_id)
        if entry.status != SKIPPED:
            raise WrongStatus(f"entry {entry_id} is {entry.status}, only skipped entries can be recalled")
        return self._set(entry, status=WAITING)

    def reinstate(self, entry_id):
        """A removed entry returns to the queue with its original sign-up place (the chair
        removed the wrong person, or thought better of it)."""
        entry = self._get(entry_id)
        if entry.status != REMOVED:
            raise WrongStatus(f"entry {entry_id} is {entry.status}, only removed entries can be reinstated")
        return self._set(entry, status=WAITING)

    def remove(self, entry_id):
        entry = self._get(entry_id)
        if entry.status not in (WAITING, SPEAKING, SKIPPED):
            raise WrongStatus(f"entry {entry_id} is {entry.status}")
        return self._set(entry, status=REMOVED)


def check_can_join(entries, entry, cap):
    """Refuse a second place for the same participant and item, and a full queue."""
    holds_place = entry.participant is not None and any(
        e.participant == entry.participant and e.item_id == entry.item_id and e.status in HOLDS_PLACE
        for e in entries
    )
    waiting = sum(1 for e in entries if e.status == WAITING and e.item_id == entry.item_id)
    refuse_join(holds_place=holds_place, waiting=waiting, cap=cap)


def refuse_join(*, holds_place, waiting, cap):
    """The same rule from two counts, which the database can give without loading the queue."""
    if holds_place:
        raise AlreadyQueued("already in the queue for this item")
    if waiting >= cap:
        raise QueueFull("the queue is full")


def corrections(current, requested):
    """{field: (before, after)} for each field of `requested` whose value differs from
    `current` (both {field: value}): what a correction to a card really changes. Empty
    when it would change nothing, which is refused rather than logged."""
    return {name: (current[name], value) for name, value in requested.items() if current[name] != value}

"""Property tests of the pure queue: any sequence of operations keeps every invariant."""
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.live import queue as q

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("join"), st.sampled_from(q.CHANNELS), st.integers(0, 5)),
        st.tuples(st.just("leave"), st.integers(0, 40)),
        st.tuples(st.just("call_next")),
        st.tuples(st.just("skip"), st.integers(0, 40)),
        st.tuples(st.just("recall"), st.integers(0, 40)),
        st.tuples(st.just("remove"), st.integers(0, 40)),
        st.tuples(st.just("reinstate"), st.integers(0, 40)),
    ),
    max_size=60,
)


def run(policy, operations, cap=8):
    """Apply operations, ignoring the ones the queue refuses; return the queue and joined ids."""
    queue = q.Queue(policy, cap=cap)
    joined = []
    for op in operations:
        try:
            if op[0] == "join":
                entry_id = len(joined) + 1
                waiting = len(queue.waiting())
                queue.join(q.Entry(entry_id=entry_id, channel=op[1], seq=0,
                                   participant=f"p{op[2]}" if op[2] else None))
                # The cap bounds sign-ups. A place the chair gives back (recall,
                # reinstate) was given before, and may take the line past it.
                assert waiting < queue.cap
                joined.append(entry_id)
            elif op[0] == "call_next":
                queue.call_next()
            else:
                getattr(queue, op[0])(op[1])
        except q.QueueError:
            pass
    return queue, joined


def assert_common_invariants(queue, joined):
    # Nothing lost, nothing duplicated: every joined entry exists exactly once.
    assert sorted(queue.entries) == sorted(joined)
    waiting = queue.waiting()
    ids = [e.entry_id for e in waiting]
    assert len(ids) == len(set(ids))
    assert set(ids) == {e.entry_id for e in queue.entries.values() if e.status == q.WAITING}
    assert list(queue.positions().values()) == list(range(1, len(ids) + 1))
    assert sum(1 for e in queue.entries.values() if e.status == q.SPEAKING) <= 1
    # One place per participant: at most one entry holding a place.
    holders = [e.participant for e in queue.entries.values()
               if e.participant is not None and e.status in q.HOLDS_PLACE]
    assert len(holders) == len(set(holders))
    # Within a channel, earlier sign-ups always come first.
    for channel in q.CHANNELS:
        seqs = [e.seq for e in waiting if e.channel == channel]
        assert seqs == sorted(seqs)


@settings(max_examples=150, deadline=None)
@given(OPERATIONS)
def test_fifo_orders_by_sign_up(operations):
    queue, joined = run(q.FIFO, operations)
    assert_common_invariants(queue, joined)
    seqs = [e.seq for e in queue.waiting()]
    assert seqs == sorted(seqs)


@settings(max_examples=150, deadline=None)
@given(OPERATIONS)
def test_in_person_first_puts_every_card_before_remote(operations):
    queue, joined = run(q.IN_PERSON_FIRST, operations)
    assert_common_invariants(queue, joined)
    channels = [e.channel for e in queue.waiting()]
    assert channels == sorted(channels, key=lambda c: c != q.IN_PERSON)


@settings(max_examples=150, deadline=None)
@given(OPERATIONS)
def test_alternate_never_gives_a_channel_two_turns_while_the_other_waits(operations):
    queue, joined = run(q.ALTERNATE, operations)
    assert_common_invariants(queue, joined)
    channels = [e.channel for e in queue.waiting()]
    for i in range(1, len(channels)):
        if channels[i] == channels[i - 1]:
            assert q.other_channel(channels[i]) not in channels[i:]
    last = q.last_called_channel(queue.entries.values())
    if last is not None and q.other_channel(last) in channels:
        assert channels[0] == q.other_channel(last)


def test_alternate_starts_with_the_earliest_sign_up_and_alternates():
    entries = [q.Entry(1, q.REMOTE, 1), q.Entry(2, q.REMOTE, 2), q.Entry(3, q.IN_PERSON, 3),
               q.Entry(4, q.REMOTE, 4), q.Entry(5, q.IN_PERSON, 5)]
    assert [e.entry_id for e in q.ordered(entries, q.ALTERNATE)] == [1, 3, 2, 5, 4]
    assert [e.entry_id for e in q.ordered(entries, q.ALTERNATE, last_channel=q.REMOTE)] == [3, 1, 5, 2, 4]


def test_call_next_finishes_the_speaker_and_takes_the_head():
    queue = q.Queue(q.FIFO)
    for n in (1, 2):
        queue.join(q.Entry(n, q.REMOTE, 0))
    assert queue.call_next().entry_id == 1
    assert queue.call_next().entry_id == 2
    assert queue.entries[1].status == q.DONE
    assert queue.call_next() is None
    assert queue.entries[2].status == q.DONE


def test_recall_returns_a_skipped_entry_to_its_original_place():
    queue = q.Queue(q.FIFO)
    for n in (1, 2, 3):
        queue.join(q.Entry(n, q.REMOTE, 0))
    queue.skip(1)
    assert [e.entry_id for e in queue.waiting()] == [2, 3]
    queue.recall(1)
    assert [e.entry_id for e in queue.waiting()] == [1, 2, 3]
    with pytest.raises(q.WrongStatus):
        queue.recall(2)


def test_reinstate_returns_a_removed_entry_to_its_original_place():
    queue = q.Queue(q.FIFO)
    for n in (1, 2, 3):
        queue.join(q.Entry(n, q.REMOTE, 0))
    queue.call_next()
    queue.remove(1)
    queue.remove(3)
    assert [e.entry_id for e in queue.waiting()] == [2]
    queue.reinstate(3)
    queue.reinstate(1)
    assert [e.entry_id for e in queue.waiting()] == [1, 2, 3]
    with pytest.raises(q.WrongStatus):
        queue.reinstate(2)


def test_a_place_given_back_may_take_the_line_past_its_cap():
    # The cap bounds sign-ups; the chair's recall or reinstatement returns a place given earlier.
    queue, joined = run(q.FIFO, [("join", q.REMOTE, 0)] * 2 + [("skip", 1), ("join", q.REMOTE, 0), ("recall", 1),
                                                                ("remove", 2), ("join", q.REMOTE, 0),
                                                                ("reinstate", 2)], cap=2)
    assert_common_invariants(queue, joined)
    assert [e.entry_id for e in queue.waiting()] == [1, 2, 3]
    with pytest.raises(q.QueueFull):
        queue.join(q.Entry(5, q.REMOTE, 0))


def test_one_place_per_participant_and_a_cap():
    queue = q.Queue(q.FIFO, cap=2)
    queue.join(q.Entry(1, q.REMOTE, 0, participant="a"))
    with pytest.raises(q.AlreadyQueued):
        queue.join(q.Entry(2, q.REMOTE, 0, participant="a"))
    queue.leave(1)
    queue.join(q.Entry(3, q.REMOTE, 0, participant="a"))  # leaving frees the place
    queue.join(q.Entry(4, q.IN_PERSON, 0))
    with pytest.raises(q.QueueFull):
        queue.join(q.Entry(5, q.IN_PERSON, 0))


def test_removed_speakers_cannot_sign_up_again_for_the_item():
    queue = q.Queue(q.FIFO)
    queue.join(q.Entry(1, q.REMOTE, 0, participant="a"))
    queue.remove(1)
    with pytest.raises(q.AlreadyQueued):
        queue.join(q.Entry(2, q.REMOTE, 0, participant="a"))


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        q.ordered([], "random")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(q.POLICIES), OPERATIONS, st.sampled_from(q.CHANNELS))
# Alternate, this lane's turn first and the other lane longer: the new entry waits one turn less.
@example(q.ALTERNATE, [("join", q.REMOTE, 1), ("join", q.IN_PERSON, 0), ("join", q.IN_PERSON, 0)], q.REMOTE)
@example(q.ALTERNATE, [("join", q.IN_PERSON, 0), ("call_next",), ("join", q.REMOTE, 1), ("join", q.IN_PERSON, 0),
                       ("join", q.IN_PERSON, 0)], q.REMOTE)
def test_the_place_of_a_new_entry_follows_from_counts_alone(policy, operations, channel):
    queue, joined = run(policy, operations, cap=1000)
    entries = list(queue.entries.values())
    waiting = [e for e in entries if e.status == q.WAITING]
    counts = {c: sum(1 for e in waiting if e.channel == c) for c in q.CHANNELS}
    first = min(waiting, key=lambda e: (e.seq, e.entry_id)).channel if waiting else None
    last = q.last_called_channel(entries)
    new = q.Entry(entry_id=len(joined) + 1, channel=channel, seq=max([e.seq for e in entries], default=0) + 1)
    expected = q.positions([*entries, new], policy, last)[new.entry_id]
    assert q.place_of_newest(policy, channel, counts, first, last) == expected


def test_place_of_newest_refuses_an_unknown_policy():
    with pytest.raises(ValueError):
        q.place_of_newest("lottery", q.REMOTE, {})

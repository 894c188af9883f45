"""Pure rules of proceedings: quorum, thresholds, tallies and the vote guards."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.minutes import rules as r

P, A = r.PRESENT, r.ABSENT


def present(*ids, mode=r.IN_PERSON):
    return {i: (P, mode) for i in ids}


# -- quorum --------------------------------------------------------------------

@pytest.mark.parametrize("seats, needed", [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (7, 4), (9, 5)])
def test_quorum_is_a_majority_of_the_seats(seats, needed):
    assert r.quorum_needed(seats) == needed


def test_vacancies_do_not_lower_the_quorum():
    # Five seats, two vacant: the three sitting members are exactly a quorum, two are not.
    assert r.has_quorum(5, present(1, 2, 3))
    assert not r.has_quorum(5, {**present(1, 2), 3: (A, r.IN_PERSON)})


def test_remote_members_count_toward_quorum():
    summary = r.quorum_summary(5, {**present(1, 2), **present(3, mode=r.REMOTE)})
    assert summary == {"seats": 5, "needed": 3, "present": 3, "present_remote": 1, "has_quorum": True}


def test_a_body_has_seats():
    with pytest.raises(ValueError):
        r.quorum_needed(0)


@given(st.integers(min_value=1, max_value=60))
def test_quorum_is_the_smallest_strict_majority(seats):
    needed = r.quorum_needed(seats)
    assert needed * 2 > seats
    assert (needed - 1) * 2 <= seats


# -- tallies and thresholds ----------------------------------------------------------

def votes_of(aye=0, no=0, abstain=0, absent=0, recused=0):
    choices = [r.AYE] * aye + [r.NO] * no + [r.ABSTAIN] * abstain + [r.VOTE_ABSENT] * absent + [r.RECUSED] * recused
    return dict(enumerate(choices, start=1))


def test_tally_counts_each_choice_and_votes_cast():
    counts = r.tally(votes_of(aye=3, no=1, abstain=1, absent=1, recused=1))
    assert counts.as_dict() == {"aye": 3, "no": 1, "abstain": 1, "absent": 1, "recused": 1, "votes_cast": 4}


def test_unknown_vote_is_refused():
    with pytest.raises(ValueError):
        r.tally({1: "maybe"})


def test_a_tie_fails():
    assert r.result(r.MAJORITY_OF_VOTES_CAST, r.tally(votes_of(aye=2, no=2)), 5) == r.FAILED


def test_abstentions_do_not_count_as_votes_cast():
    counts = r.tally(votes_of(aye=2, no=1, abstain=2))
    assert r.result(r.MAJORITY_OF_VOTES_CAST, counts, 5) == r.ADOPTED
    # ...but a majority of the full body needs 3 ayes of 5 seats.
    assert r.result(r.MAJORITY_OF_FULL_BODY, counts, 5) == r.FAILED


def test_full_body_majority_counts_vacant_seats():
    # 7 seats, 2 vacant, 4 ayes of the 5 sitting: carries (4 of 7 needed).
    assert r.result(r.MAJORITY_OF_FULL_BODY, r.tally(votes_of(aye=4, no=1)), 7) == r.ADOPTED
    assert r.result(r.MAJORITY_OF_FULL_BODY, r.tally(votes_of(aye=3, no=0, absent=2)), 7) == r.FAILED


def test_recusals_and_absences_shrink_votes_cast():
    counts = r.tally(votes_of(aye=2, no=1, recused=1, absent=1))
    assert counts.votes_cast == 3
    assert r.result(r.MAJORITY_OF_VOTES_CAST, counts, 5) == r.ADOPTED


@pytest.mark.parametrize("aye, no, expected", [(2, 1, r.ADOPTED), (3, 2, r.FAILED), (4, 2, r.ADOPTED),
                                               (0, 0, r.FAILED), (1, 0, r.ADOPTED)])
def test_two_thirds_of_votes_cast(aye, no, expected):
    assert r.result(r.TWO_THIRDS, r.tally(votes_of(aye=aye, no=no)), 5) == expected


def test_unknown_threshold_is_refused():
    with pytest.raises(ValueError):
        r.result("plurality", r.tally({}), 5)


vote_maps = st.dictionaries(st.integers(min_value=1, max_value=15), st.sampled_from(r.VOTE_CHOICES), max_size=15)


@given(vote_maps, st.sampled_from(r.THRESHOLDS), st.integers(min_value=1, max_value=15))
def test_result_properties(votes, threshold, seats):
    counts = r.tally(votes)
    assert sum(counts.as_dict()[c] for c in r.VOTE_CHOICES) == len(votes)
    outcome = r.result(threshold, counts, seats)
    if outcome == r.ADOPTED:
        # Nothing passes without more ayes than noes, or with no aye at all.
        assert counts.aye > counts.no and counts.aye >= 1
    if counts.aye == counts.no:
        assert outcome == r.FAILED


@given(vote_maps, st.integers(min_value=1, max_value=15))
def test_thresholds_are_ordered(votes, seats):
    counts = r.tally(votes)
    # Whatever carries by two-thirds carries by a simple majority of the votes cast.
    if r.result(r.TWO_THIRDS, counts, seats) == r.ADOPTED:
        assert r.result(r.MAJORITY_OF_VOTES_CAST, counts, seats) == r.ADOPTED


@given(vote_maps, st.sampled_from(r.THRESHOLDS), st.integers(min_value=1, max_value=15))
def test_one_more_aye_never_defeats_a_motion(votes, threshold, seats):
    counts = r.tally(votes)
    more = r.Tally(aye=counts.aye + 1, no=counts.no, abstain=counts.abstain, absent=counts.absent,
                   recused=counts.recused)
    if r.result(threshold, counts, seats) == r.ADOPTED and threshold != r.TWO_THIRDS:
        assert r.result(threshold, more, seats) == r.ADOPTED
    if threshold == r.TWO_THIRDS and r.result(threshold, counts, seats) == r.ADOPTED:
        assert r.result(threshold, more, seats) == r.ADOPTED


@given(vote_maps, st.integers(min_value=1, max_value=15))
def test_abstaining_changes_nothing_under_votes_cast(votes, seats):
    counts = r.tally(votes)
    with_abstention = r.Tally(aye=counts.aye, no=counts.no, abstain=counts.abstain + 1,
                              absent=counts.absent, recused=counts.recused)
    assert r.result(r.MAJORITY_OF_VOTES_CAST, counts, seats) == r.result(
        r.MAJORITY_OF_VOTES_CAST, with_abstention, seats)


# -- guards ------------------------------------------------------------------------

CA = r.rules_for("us-ca-brown-act")
GENERIC = r.rules_for("generic")
CLOSED = r.CommentPeriod(item_id=10, opened_at="t1", closed_at="t2")


def context(**overrides):
    values = dict(seats=5, attendance=present(1, 2, 3, 4, 5), votes={i: r.AYE for i in range(1, 6)},
                  items_needing_comment=(10,), comment_periods=(CLOSED,))
    values.update(overrides)
    return r.VoteContext(**values)


def codes(refusals):
    return [x.code for x in refusals]


def test_a_clean_vote_passes_every_guard():
    assert r.vote_refusals(context(), CA) == []


def test_no_quorum():
    attendance = {**present(1, 2), 3: (A, r.IN_PERSON), 4: (A, r.IN_PERSON), 5: (A, r.IN_PERSON)}
    refusals = r.vote_refusals(context(attendance=attendance, votes={1: r.AYE, 2: r.AYE}), CA)
    assert codes(refusals) == [r.NO_QUORUM]
    assert refusals[0].details == {"present": 2, "needed": 3}
    assert not refusals[0].overridable


def test_comment_never_opened():
    assert codes(r.vote_refusals(context(comment_periods=()), CA)) == [r.COMMENT_NOT_CLOSED]


def test_comment_opened_but_not_closed():
    still_open = r.CommentPeriod(item_id=10, opened_at="t3")
    assert codes(r.vote_refusals(context(comment_periods=(CLOSED, still_open)), CA)) == [r.COMMENT_NOT_CLOSED]


def test_comment_on_another_item_does_not_count():
    other = r.CommentPeriod(item_id=11, opened_at="t1", closed_at="t2")
    assert codes(r.vote_refusals(context(comment_periods=(other,)), CA)) == [r.COMMENT_NOT_CLOSED]


def test_items_without_public_comment_need_no_period():
    assert r.vote_refusals(context(items_needing_comment=(), comment_periods=()), CA) == []


def test_remote_access_down():
    refusals = r.vote_refusals(context(remote_access_down=True), CA)
    assert codes(refusals) == [r.REMOTE_ACCESS_DOWN]
    assert not refusals[0].overridable
    assert refusals[0].citation == "Cal. Gov. Code §54953.8"
    assert r.vote_refusals(context(remote_access_down=True), GENERIC)[0].overridable


def test_recused_member_voting():
    refusals = r.vote_refusals(context(recused=frozenset({2})), CA)
    assert codes(refusals) == [r.RECUSED_MEMBER_VOTING]
    assert refusals[0].details == {"member_ids": [2]}
    votes = {1: r.AYE, 2: r.RECUSED, 3: r.AYE, 4: r.NO, 5: r.AYE}
    assert r.vote_refusals(context(recused=frozenset({2}), votes=votes), CA) == []
    abstaining = {**votes, 2: r.ABSTAIN}
    assert codes(r.vote_refusals(context(recused=frozenset({2}), votes=abstaining), CA)) == [r.RECUSED_MEMBER_VOTING]


def test_absent_member_cannot_vote():
    attendance = {**present(1, 2, 3, 4), 5: (A, r.IN_PERSON)}
    assert codes(r.vote_refusals(context(attendance=attendance), CA)) == [r.MEMBER_NOT_PRESENT]


def test_missing_second():
    assert codes(r.vote_refusals(context(has_second=False), CA)) == [r.SECOND_MISSING]
    assert r.vote_refusals(context(has_second=False, second_required=False), CA) == []


def test_roll_call_required_when_a_member_is_remote_in_california():
    attendance = {**present(1, 2, 3, 4), **present(5, mode=r.REMOTE)}
    assert codes(r.vote_refusals(context(attendance=attendance, method=r.VOICE), CA)) == [r.ROLL_CALL_REQUIRED]
    assert r.vote_refusals(context(attendance=attendance, method=r.ROLL_CALL), CA) == []
    assert r.vote_refusals(context(attendance=attendance, method=r.VOICE), GENERIC) == []
    assert r.vote_refusals(context(method=r.VOICE), CA) == []


def test_override_clears_only_overridable_refusals():
    refusals = r.vote_refusals(context(comment_periods=(), has_second=False, remote_access_down=True), CA)
    assert codes(refusals) == [r.COMMENT_NOT_CLOSED, r.REMOTE_ACCESS_DOWN, r.SECOND_MISSING]
    assert codes(r.blocking(refusals, "")) == codes(refusals)
    assert codes(r.blocking(refusals, "Heard at committee, §54954.3(a)")) == [r.REMOTE_ACCESS_DOWN]


def test_every_pack_cites_every_guard_it_can_refuse():
    for pack in r.PROCEEDINGS_RULES.values():
        for code in (r.NO_QUORUM, r.COMMENT_NOT_CLOSED, r.REMOTE_ACCESS_DOWN, r.RECUSED_MEMBER_VOTING,
                     r.SECOND_MISSING):
            assert pack.citations.get(code), (pack.pack_id, code)
        assert not {r.NO_QUORUM, r.RECUSED_MEMBER_VOTING, r.MEMBER_NOT_PRESENT} & pack.overridable


def test_unknown_pack_falls_back_to_generic():
    assert r.rules_for("us-zz") is GENERIC


@given(st.dictionaries(st.integers(1, 9), st.tuples(st.sampled_from([P, A]), st.sampled_from([r.IN_PERSON, r.REMOTE])),
                       min_size=1, max_size=9),
       st.frozensets(st.integers(1, 9), max_size=3))
def test_voice_votes_are_unanimous_among_members_present(attendance, recused):
    votes = r.voice_votes(attendance, recused)
    for member_id, value in attendance.items():
        if member_id in recused:
            assert votes[member_id] == r.RECUSED
        else:
            assert votes[member_id] == (r.AYE if value[0] == P else r.VOTE_ABSENT)
    context_ = r.VoteContext(seats=9, attendance=attendance, votes=votes, recused=recused)
    assert r.RECUSED_MEMBER_VOTING not in codes(r.vote_refusals(context_, GENERIC))
    assert r.MEMBER_NOT_PRESENT not in codes(r.vote_refusals(context_, GENERIC))


def test_complete_votes_fills_absent_and_recused_and_lists_missing():
    attendance = {**present(1, 2, 3), 4: (A, r.IN_PERSON)}
    votes, missing = r.complete_votes([1, 2, 3, 4, 5], attendance, {1: r.AYE}, recused=frozenset({2}))
    assert votes == {1: r.AYE, 2: r.RECUSED, 4: r.VOTE_ABSENT, 5: r.VOTE_ABSENT}
    assert missing == [3]


# -- minutes deadlines -----------------------------------------------------------------

def test_minutes_deadlines_by_pack():
    from datetime import datetime, timedelta, timezone

    met = datetime(2026, 3, 2, 18, tzinfo=timezone.utc)
    assert r.minutes_deadlines("us-ca-brown-act", meeting_at=met) == []
    (ny,) = r.minutes_deadlines("us-ny-oml", meeting_at=met)
    assert ny.due_at == met + timedelta(days=14) and ny.citation == "N.Y. Pub. Off. Law §106(3)"
    assert ny.state(met + timedelta(days=15)) == "overdue"
    assert ny.state(met + timedelta(days=1)) == "pending"
    assert ny.state(met, done_at=met + timedelta(days=3)) == "met"

    approve, available = r.minutes_deadlines("us-il-oma", meeting_at=met)
    assert approve.due_at == met + timedelta(days=30) and available.state(met) == "unknown"
    later = met + timedelta(days=35)
    approve, available = r.minutes_deadlines("us-il-oma", meeting_at=met, second_regular_meeting_at=later,
                                             approved_at=later)
    assert approve.due_at == later and available.due_at == later + timedelta(days=10)
    assert approve.state(later, done_at=later) == "met"

"""The speaker timer and the rule-pack comment rules (pure, no database)."""
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, strategies as st

from app.core.time import UTC
from app.live import timer as t

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def test_a_fresh_timer_shows_its_full_time_and_does_not_run():
    timer = t.Timer(allotted_seconds=180)
    assert t.remaining_seconds(timer, at(500)) == 180
    assert not timer.is_running


def test_counts_down_from_the_start_and_never_below_zero():
    timer = t.start(t.Timer(180), at(0))
    assert t.remaining_seconds(timer, at(0)) == 180
    assert t.remaining_seconds(timer, at(0.5)) == 180
    assert t.remaining_seconds(timer, at(60)) == 120
    assert t.remaining_seconds(timer, at(1000)) == 0


def test_pauses_accumulate_and_pause_freezes_the_countdown():
    timer = t.start(t.Timer(180), at(0))
    timer = t.pause(timer, at(30))
    assert timer.is_paused
    assert t.remaining_seconds(timer, at(100)) == 150
    timer = t.resume(timer, at(100))
    assert t.remaining_seconds(timer, at(110)) == 140
    timer = t.resume(t.pause(timer, at(120)), at(130))
    assert timer.paused_seconds == 80
    assert t.remaining_seconds(timer, at(140)) == 120
    assert t.used_seconds(timer, at(140)) == 60


def test_extend_adds_time_and_stop_freezes_for_good():
    timer = t.extend(t.start(t.Timer(60), at(0)), 30, at(10))
    assert t.remaining_seconds(timer, at(60)) == 30
    timer = t.stop(timer, at(70))
    assert t.remaining_seconds(timer, at(500)) == 20
    assert t.used_seconds(timer, at(500)) == 70
    for action in (lambda: t.start(timer, at(80)), lambda: t.extend(timer, 10, at(85)), lambda: t.stop(timer, at(90))):
        with pytest.raises(t.TimerError):
            action()


def test_time_never_started_is_not_zero_seconds_used():
    assert t.used_seconds(t.stop(t.Timer(60), at(5)), at(10)) is None
    assert t.used_seconds(t.stop(t.start(t.Timer(60), at(0)), at(0.3)), at(10)) == 0


@given(st.integers(min_value=t.MIN_SECONDS, max_value=600), st.floats(min_value=0, max_value=600))
def test_used_and_remaining_add_up_to_the_time_given(allotted, elapsed):
    """The log gives both when a turn ends; read side by side they must agree."""
    timer = t.stop(t.start(t.Timer(allotted), at(0)), at(elapsed))
    used, remaining = t.used_seconds(timer, at(1000)), t.remaining_seconds(timer, at(1000))
    assert used + remaining == allotted if elapsed <= allotted else remaining == 0 and used >= allotted


def test_stop_while_paused_counts_only_the_time_before_the_pause():
    timer = t.stop(t.pause(t.start(t.Timer(60), at(0)), at(10)), at(50))
    assert t.used_seconds(timer, at(100)) == 10


@pytest.mark.parametrize("action", [
    lambda timer: t.pause(timer, at(1)),
    lambda timer: t.resume(timer, at(1)),
])
def test_out_of_order_actions_are_refused(action):
    with pytest.raises(t.TimerError):
        action(t.Timer(60))
    running = t.start(t.Timer(60), at(0))
    with pytest.raises(t.TimerError):
        t.start(running, at(1))
    with pytest.raises(t.TimerError):
        t.resume(running, at(1))


@pytest.mark.parametrize("seconds", [0, -5, t.MAX_EXTENSION + 1, 1.5, True, "30"])
def test_extension_bounds(seconds):
    with pytest.raises(ValueError):
        t.extend(t.Timer(60), seconds, at(0))


def test_time_added_to_a_speaker_over_time_counts_from_now():
    timer = t.start(t.Timer(60), at(0))
    assert t.remaining_seconds(timer, at(80)) == 0  # twenty seconds over
    timer = t.extend(timer, 30, at(80))
    assert t.remaining_seconds(timer, at(80)) == 30
    assert t.remaining_seconds(timer, at(100)) == 10
    # Paused over time: the pause does not count, the overrun does.
    paused = t.pause(t.start(t.Timer(60), at(0)), at(75))
    assert t.remaining_seconds(t.extend(paused, 30, at(200)), at(200)) == 30
    # Part of a second over: the clock shows the thirty given, not thirty-one.
    late = t.extend(t.start(t.Timer(60), at(0)), 30, at(100.3))
    assert t.remaining_seconds(late, at(100.3)) == 30


@pytest.mark.parametrize("pack, interpreted, expected", [
    ("us-ca-brown-act", True, 360), ("us-tx-oma", True, 360), ("us-ca-brown-act", False, 180),
    ("us-ny-oml", True, 180), ("generic", True, 180),
])
def test_interpreted_speakers_get_the_rule_pack_multiple(pack, interpreted, expected):
    assert t.allotted_for(180, needs_interpreter=interpreted, rule_pack=pack) == expected


def test_a_timed_california_period_cannot_close_early_from_2026():
    opened = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    kwargs = dict(opened_at=opened, period_seconds=1800)
    assert t.earliest_close("us-ca-brown-act", now=opened + timedelta(minutes=10), **kwargs) == \
        opened + timedelta(minutes=30)
    assert t.earliest_close("us-ca-brown-act", now=opened + timedelta(minutes=30), **kwargs) is None
    assert t.earliest_close("us-tx-oma", now=opened + timedelta(minutes=10), **kwargs) is None
    assert t.earliest_close("us-ca-brown-act", now=opened, opened_at=opened, period_seconds=None) is None
    before = datetime(2025, 12, 31, 18, 0, tzinfo=UTC)
    assert t.earliest_close("us-ca-brown-act", now=before, opened_at=before, period_seconds=1800) is None
    # 2026-01-01 04:00 UTC is still New Year's Eve in California: the rule is not yet in force.
    new_year_utc = datetime(2026, 1, 1, 4, 0, tzinfo=UTC)
    assert t.earliest_close("us-ca-brown-act", now=new_year_utc, opened_at=new_year_utc, period_seconds=1800,
                            local_date=date(2025, 12, 31)) is None
    assert t.early_close_forbidden("us-ca-brown-act", date(2026, 1, 1))
    assert not t.early_close_forbidden("us-ca-brown-act", date(2025, 12, 31))


def test_a_timed_period_ends_its_length_after_it_opened_whatever_the_rules():
    opened = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    assert t.period_end(opened, 1800) == opened + timedelta(minutes=30)
    assert t.period_end(opened, None) is None and t.period_end(None, 1800) is None

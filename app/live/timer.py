"""The server-authoritative speaker timer, and the comment rules that depend on the rule pack.

Clients never keep time: they receive `remaining_seconds` computed here at the
moment the state was sent and count down locally from it.
"""
import math
from dataclasses import dataclass, replace
from datetime import timedelta

from app.compliance import rules

MIN_SECONDS = 10
MAX_SECONDS = 60 * 60
MAX_EXTENSION = 10 * 60



class TimerError(Exception):
    code = "invalid_state"


@dataclass(frozen=True)
class Timer:
    allotted_seconds: int
    started_at: object = None      # datetime when first started, None until then
    paused_at: object = None       # datetime while paused
    paused_seconds: float = 0.0    # pauses already finished, in seconds
    stopped_at: object = None

    @property
    def is_running(self):
        return self.started_at is not None and self.paused_at is None and self.stopped_at is None

    @property
    def is_paused(self):
        return self.paused_at is not None and self.stopped_at is None


def elapsed_seconds(timer, now):
    if timer.started_at is None:
        return 0.0
    end = timer.stopped_at or timer.paused_at or now
    if timer.stopped_at is not None and timer.paused_at is not None:
        end = min(timer.paused_at, timer.stopped_at)
    return max(0.0, (end - timer.started_at).total_seconds() - timer.paused_seconds)


def remaining_seconds(timer, now):
    """Whole seconds left, rounded up so a fresh timer shows its full time; never negative."""
    return max(0, math.ceil(timer.allotted_seconds - elapsed_seconds(timer, now) - 1e-9))


def used_seconds(timer, now):
    """Whole seconds used, None when the time was never started.

    Rounded down, so that with `remaining_seconds` (rounded up) the two add up to the
    time given, as the log's entries are read side by side. None, not 0, tells a turn
    whose time never ran from one stopped within its first second: that speaker had
    the floor, and is counted as heard."""
    if timer.started_at is None:
        return None
    return math.floor(elapsed_seconds(timer, now) + 1e-9)


def start(timer, now):
    if timer.stopped_at is not None:
        raise TimerError("the timer was stopped")
    if timer.started_at is not None:
        raise TimerError("the timer is already started")
    return replace(timer, started_at=now)


def pause(timer, now):
    if not timer.is_running:
        raise TimerError("the timer is not running")
    return replace(timer, paused_at=now)


def resume(timer, now):
    if not timer.is_paused:
        raise TimerError("the timer is not paused")
    return replace(timer, paused_at=None,
                   paused_seconds=timer.paused_seconds + (now - timer.paused_at).total_seconds())


def extend(timer, seconds, now):
    """`seconds` more to speak. Given to a speaker already over their time, they count
    from now: "thirty more seconds" means thirty, not thirty less the overrun. (Time is
    kept in whole seconds: part of a second already over is forgiven rather than added,
    so the clock then shows the thirty given, not thirty-one.)"""
    if timer.stopped_at is not None:
        raise TimerError("the timer was stopped")
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 1 <= seconds <= MAX_EXTENSION:
        raise ValueError(f"an extension is 1 to {MAX_EXTENSION} seconds")
    used = math.floor(elapsed_seconds(timer, now) + 1e-9)
    return replace(timer, allotted_seconds=max(timer.allotted_seconds, used) + seconds)


def stop(timer, now):
    if timer.stopped_at is not None:
        raise TimerError("the timer was already stopped")
    return replace(timer, stopped_at=now)


def rest_of_turn(given_seconds, used_seconds):
    """What is left of a turn cut short (skipped, or removed and reinstated) when the
    speaker is called again: the time they were given less what they used, never less
    than nothing. Every speaker is owed the same time, not a second turn."""
    return max(0, given_seconds - used_seconds)


def interpreter_multiple(rule_pack):
    # The statutes' figures (CA §54954.3(b)(2), TX §551.007(e)) live in the rule packs.
    return rules.interpreter_multiple(rule_pack)


def allotted_for(seconds_per_speaker, *, needs_interpreter, rule_pack):
    multiple = interpreter_multiple(rule_pack) if needs_interpreter else 1
    return int(seconds_per_speaker * multiple)


def early_close_forbidden(rule_pack, on_date):
    since = rules.no_early_close_since(rule_pack)  # CA SB 707, §54953.8
    return since is not None and on_date >= since


def earliest_close(rule_pack, *, opened_at, period_seconds, now, local_date=None):
    """When a comment period may be closed: None if now, else the datetime it may close.

    `local_date` is today's date where the body sits (statutes take effect on local
    dates); it defaults to the UTC date.
    """
    if not period_seconds or not early_close_forbidden(rule_pack, local_date or now.date()):
        return None
    ends_at = period_end(opened_at, period_seconds)
    return ends_at if now < ends_at else None


def period_end(opened_at, period_seconds):
    """When a timed comment period's time is up (None for an untimed one)."""
    if not period_seconds or opened_at is None:
        return None
    return opened_at + timedelta(seconds=period_seconds)

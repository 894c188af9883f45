"""When the remote-access watcher reports down or restored (pure decisions, no I/O)."""
import pytest

from app.minutes.access_watch import DOWN, RESTORED, Decision, Report, Watch, step, tick
from config import own_or_public_address

FAIL, PASS = "connection refused", None
UP = Report()
OURS = Report(down=True, by_watcher=True)
CLERKS = Report(down=True, by_watcher=False)


def run(results, *, reports=None, needed=2):
    """Feed one meeting a series of check results; the report follows the watcher's own actions
    unless `reports` gives the record as it stood at each check. Returns the actions taken."""
    watch, report, actions = Watch(), UP, []
    for index, failure in enumerate(results):
        if reports is not None:
            report = reports[index]
        watch, action = step(watch, failure, report, failures_needed=needed)
        actions.append(action)
        if action == DOWN:
            report = OURS
        elif action == RESTORED:
            report = UP
    return actions


def test_down_after_the_needed_failures_in_a_row_then_restored_at_the_first_pass():
    assert run([FAIL, FAIL, FAIL, PASS, PASS]) == [None, DOWN, None, RESTORED, None]
    assert run([FAIL, FAIL, FAIL], needed=3) == [None, None, DOWN]
    assert run([FAIL], needed=1) == [DOWN]


def test_passing_checks_report_nothing():
    assert run([PASS, PASS, PASS]) == [None, None, None]


def test_flapping_below_the_threshold_never_reports():
    assert run([FAIL, PASS] * 5) == [None, None] * 5
    assert run([FAIL, FAIL, PASS, FAIL, PASS, FAIL, FAIL], needed=3) == [None] * 7


def test_flapping_above_the_threshold_reports_each_outage_once():
    assert run([FAIL, FAIL, PASS, FAIL, FAIL, FAIL, PASS]) == [None, DOWN, RESTORED, None, DOWN, None, RESTORED]


def test_a_clerks_down_report_is_never_cleared_by_the_watcher():
    assert run([PASS, PASS, FAIL, FAIL, PASS], reports=[CLERKS] * 5) == [None] * 5


def test_while_the_clerk_reports_down_failures_report_nothing_more():
    assert run([FAIL] * 4, reports=[CLERKS] * 4) == [None] * 4


def test_after_the_clerk_restores_by_hand_the_count_starts_again():
    # The watcher reports down at the 2nd check; the clerk restores before the 3rd while the
    # checks still fail: the watcher needs two fresh failures before reporting down again.
    reports = [UP, UP, UP, UP, OURS]
    assert run([FAIL] * 5, reports=reports) == [None, DOWN, None, DOWN, None]


def test_a_down_report_left_by_an_earlier_run_of_the_watcher_is_cleared_when_checks_pass():
    watch, action = step(Watch(), PASS, OURS, failures_needed=2)
    assert action == RESTORED and watch == Watch(0, UP)


def test_failures_needed_must_be_positive():
    with pytest.raises(ValueError):
        step(Watch(), FAIL, UP, failures_needed=0)


def test_tick_decides_per_meeting_and_forgets_meetings_no_longer_sitting():
    watches, decisions = tick({}, {1: FAIL, 2: PASS}, {1: UP, 2: UP}, failures_needed=2)
    assert decisions == [] and watches[1].failures == 1
    watches, decisions = tick(watches, {1: FAIL, 2: FAIL}, {1: UP, 2: CLERKS}, failures_needed=2)
    assert decisions == [Decision(1, DOWN, FAIL)]
    watches, decisions = tick(watches, {1: PASS}, {1: OURS}, failures_needed=2)
    assert decisions == [Decision(1, RESTORED, None)] and set(watches) == {1}


@pytest.mark.parametrize("environ, address", [
    ({"PUBLIC_BASE_URL": "https://meetings.example.gov/", "HOST": "127.0.0.1", "PORT": "8001"},
     "https://meetings.example.gov"),
    ({"HOST": "127.0.0.1", "PORT": "5001"}, "http://127.0.0.1:5001"),
    ({"HOST": "0.0.0.0", "PORT": "8080"}, "http://127.0.0.1:8080"),
    ({"HOST": "::1"}, "http://[::1]:5000"),
    ({"PUBLIC_BASE_URL": "  "}, "http://127.0.0.1:5000"),
    ({}, "http://127.0.0.1:5000"),
])
def test_the_watcher_knocks_on_the_public_address_or_the_servers_own(environ, address):
    assert own_or_public_address(environ) == address

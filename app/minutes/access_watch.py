"""When the remote-access watcher reports public access down or restored (pure: no Flask, no I/O).

Every check of a sitting meeting either passes or fails with a reason. The watcher
reports remote public access down after `failures_needed` failed checks in a row,
so one slow answer does not stop the meeting's votes, and reports it restored at the
first check that passes — but only when the down report in force is its own: a
clerk's report stands until the clerk restores it.

The count starts again whenever the report changes under the watcher (the clerk
reports or restores, or another worker does): after a clerk restores access by
hand, the watcher reports it down again only after a fresh run of failures.
"""
from dataclasses import dataclass

DOWN = "remote_access_down"
RESTORED = "remote_access_restored"


@dataclass(frozen=True)
class Report:
    """The remote-access report in force for a meeting, as the record shows it."""

    down: bool = False
    by_watcher: bool = False


@dataclass(frozen=True)
class Watch:
    """What the watcher remembers of one meeting between two checks."""

    failures: int = 0           # failed checks in a row since the last pass or change of report
    seen: Report = Report()     # the report as the last check left it


@dataclass(frozen=True)
class Decision:
    meeting_id: int
    action: str                 # DOWN or RESTORED
    failure: object = None      # the failed check behind a DOWN (whatever the checker returned)


def step(watch, failure, report, *, failures_needed):
    """One check of one meeting: returns (the new Watch, DOWN, RESTORED or None).

    `failure` is None when the check passed, otherwise what failed.
    """
    if failures_needed < 1:
        raise ValueError("failures_needed must be at least 1")
    failures = watch.failures if report == watch.seen else 0
    if failure is None:
        if report.down and report.by_watcher:
            return Watch(0, Report()), RESTORED
        return Watch(0, report), None
    failures += 1
    if not report.down and failures >= failures_needed:
        return Watch(failures, Report(down=True, by_watcher=True)), DOWN
    return Watch(failures, report), None


def tick(watches, checks, reports, *, failures_needed):
    """One round over every sitting meeting.

    watches: {meeting_id: Watch} from the last round; checks: {meeting_id: failure or None};
    reports: {meeting_id: Report}. Returns (watches for the next round, [Decision]).
    Meetings no longer checked (adjourned) are forgotten.
    """
    kept, decisions = {}, []
    for meeting_id in sorted(checks):
        failure = checks[meeting_id]
        watch, action = step(watches.get(meeting_id, Watch()), failure, reports.get(meeting_id, Report()),
                             failures_needed=failures_needed)
        kept[meeting_id] = watch
        if action is not None:
            decisions.append(Decision(meeting_id, action, failure if action == DOWN else None))
    return kept, decisions

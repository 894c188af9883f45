"""The remote-access watcher: notices by itself when residents cannot reach public comment.

While a meeting is in progress or recessed, every REMOTE_ACCESS_WATCH_INTERVAL
seconds it makes the requests a resident's browser makes (access_probe.py) against
the public address, and lets access_watch.py decide: after enough failed checks in a
row it records remote access down for each sitting meeting, as the clerk's report
would be recorded but by the actor "system" and naming the failed check; when the
checks pass again it records restored, clearing only its own reports. The vote guard
(rules.REMOTE_ACCESS_DOWN) then holds votes exactly as it does after a clerk's report.

Where it runs: a daemon thread of the packet worker (`python -m app.packets.worker`).
That process is always running wherever Dais runs (beside the web server in
`make run`, as `dais-worker` under systemd), it runs once per installation while the
web processes are several (each would check and race to record), and it is not the
server being checked, so an overloaded or stuck web process is seen from outside as
residents see it. A Huey periodic task would fit too, but Huey schedules by the
minute and the checks run every 20 seconds.

Each record is broadcast on /live like the clerk's (the services send every change of
the record once committed, meetings.note_state_change): with REDIS_URL (required with several processes, see
docs/deploy.md) it reaches every console at once; without Redis the worker reaches
no browser, and consoles show the report with the next change or page load.
"""
import logging
import threading

import sqlalchemy as sa

from app.core.db import transaction
from app.core.errors import DomainError
from app.core.time import utcnow
from app.extensions import db
from app.meetings.models import Meeting
from app.minutes import access_probe, access_watch, services

log = logging.getLogger(__name__)


class AccessWatcher:
    """One watcher per process; `check_once` is one round of checks (what the thread repeats)."""

    def __init__(self, app, *, base_url, failures_needed=2, timeout=5.0):
        if failures_needed < 1:
            raise ValueError("REMOTE_ACCESS_WATCH_FAILURES must be at least 1")
        self.app = app
        self.base_url = base_url
        self.failures_needed = failures_needed
        self.timeout = timeout
        self.watches = {}

    @classmethod
    def from_config(cls, app):
        config = app.config
        return cls(app, base_url=config["REMOTE_ACCESS_WATCH_URL"],
                   failures_needed=int(config["REMOTE_ACCESS_WATCH_FAILURES"]),
                   timeout=float(config["REMOTE_ACCESS_WATCH_TIMEOUT"]))

    def check_once(self):
        """Check every sitting meeting once; returns the Decisions that were recorded."""
        with self.app.app_context():
            try:
                return self._round()
            finally:
                db.session.remove()

    def _round(self):
        meeting_ids = db.session.scalars(sa.select(Meeting.id).where(
            Meeting.status.in_(list(services.SITTING))).order_by(Meeting.id)).all()
        db.session.rollback()  # no transaction held open while waiting on the network
        if not meeting_ids:
            self.watches = {}
            return []
        checks = self._check(meeting_ids)
        reports = {meeting_id: self._report(meeting_id) for meeting_id in meeting_ids}
        db.session.rollback()
        self.watches, decisions = access_watch.tick(self.watches, checks, reports,
                                                    failures_needed=self.failures_needed)
        return [decision for decision in decisions if self._record(decision)]

    def _check(self, meeting_ids):
        failure = access_probe.check_engineio(self.base_url, timeout=self.timeout)
        if failure is not None:
            return {meeting_id: failure for meeting_id in meeting_ids}
        return {meeting_id: access_probe.check_comment_page(self.base_url, meeting_id, timeout=self.timeout)
                for meeting_id in meeting_ids}

    @staticmethod
    def _report(meeting_id):
        meeting = db.session.get(Meeting, meeting_id)
        down = services.is_remote_access_down(meeting)
        return access_watch.Report(down=down, by_watcher=down and services.down_reported_by_watcher(meeting))

    def _record(self, decision):
        try:
            with transaction():
                meeting = db.session.get(Meeting, decision.meeting_id)
                if decision.action == access_watch.DOWN:
                    services.watcher_reports_down(meeting, check=decision.failure.check,
                                                  detail=decision.failure.detail, now=utcnow())
                else:
                    services.watcher_reports_restored(meeting, now=utcnow())
        except DomainError as error:
            # The record moved since the check (the clerk reported, the meeting adjourned):
            # the next round reads it afresh.
            log.info("remote-access watcher: %s for meeting %s not recorded: %s", decision.action,
                     decision.meeting_id, error.message)
            return False
        log.warning("remote-access watcher: meeting %s: %s%s", decision.meeting_id, decision.action,
                    f" ({decision.failure.detail})" if decision.failure else "")
        return True

    def run(self, stop, interval):
        """Check every `interval` seconds until `stop` is set; a round that fails is logged and retried."""
        while not stop.wait(interval):
            try:
                self.check_once()
            except Exception:  # noqa: BLE001 - the database may be restarting; the next round tries again
                log.exception("remote-access watcher: a round of checks failed")


def start_watching(app):
    """Start the watcher thread when REMOTE_ACCESS_WATCH is on; returns (thread, stop event) or None."""
    if not app.config.get("REMOTE_ACCESS_WATCH"):
        log.info("remote-access watcher: off (REMOTE_ACCESS_WATCH)")
        return None
    watcher = AccessWatcher.from_config(app)
    interval = float(app.config["REMOTE_ACCESS_WATCH_INTERVAL"])
    if interval <= 0:
        raise ValueError("REMOTE_ACCESS_WATCH_INTERVAL must be more than 0 seconds")
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop, interval), name="remote-access-watcher",
                              daemon=True)
    thread.start()
    log.info("remote-access watcher: checking %s every %.0f s while a meeting sits", watcher.base_url, interval)
    return thread, stop

"""Sending each meeting's `state` to its room, and keeping the latest one at hand.

The state is the whole public state, so it is worth sending only when it is new,
and a newer one always replaces an older one completely. Two kinds of change:

- staff actions (call next, timer, open or close comment, proceedings...) are
  what the room is watching: they go out at once;
- residents joining or leaving change only the queue: under a burst of joins the
  room would otherwise be sent the whole, growing queue once per join (hundreds
  of sends to hundreds of sockets a second), so these go out once the joins pause
  for `LIVE_RESIDENT_BROADCAST_QUIET` seconds, and at most
  `LIVE_RESIDENT_BROADCAST_MAX_DELAY` seconds after the first one. Each resident
  learns their own place at once from their acknowledgement.

So versions can arrive with gaps. Each state carries `previous_version`, the
version this server last sent to the room: a client that holds at least that
version has missed nothing, and calls `sync` only if it holds less.

The latest state built is also kept per meeting, keyed by its version, so a burst
of connecting clients or `sync` calls does not rebuild it each time; only the
speaker's remaining time is brought up to date when it is served.

Without a message queue (no `REDIS_URL`), a change made by another process (the
worker's remote-access watcher, a command) cannot reach this process's clients by
itself. Each web process then looks every `LIVE_CATCH_UP_SECONDS` at the versions
of the meetings its clients watch and sends any that moved (`catch_up`).
"""
import logging
import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from app.core.time import utcnow
from app.extensions import db
from app.live import services
from app.meetings.models import Meeting

log = logging.getLogger(__name__)
DEFAULTS = {"LIVE_RESIDENT_BROADCAST_QUIET": 0.25, "LIVE_RESIDENT_BROADCAST_MAX_DELAY": 2.0,
            "LIVE_CATCH_UP_SECONDS": 2.0}


def send_at(first_pending, last_change, *, quiet, max_delay):
    """When to send residents' pending changes: after a pause, but never later than the cap."""
    return min(last_change + quiet, first_pending + max_delay)


@dataclass
class _Kept:
    version: int
    status: str
    state: dict
    timer: object


@dataclass
class _Pending:
    first: float
    last: float
    task_running: bool = False


class Broadcaster:
    def __init__(self, socketio, namespace, room_for, watched=None):
        self.socketio = socketio
        self.watched = watched or (lambda: set())  # meeting ids this process's clients watch
        self._catching_up = False
        self.namespace = namespace
        self.room_for = room_for
        self._guard = threading.Lock()
        self._send_locks = {}
        self._kept = {}
        self._sent = {}      # meeting id -> last version sent to its room by this process
        self._pending = {}   # meeting id -> _Pending (residents' changes not yet sent)

    # -- the latest state ------------------------------------------------------------
    def state_for(self, meeting, now=None):
        """The meeting's current public state, from the kept copy when it is still current."""
        now = now or utcnow()
        kept = self._kept.get(meeting.id)
        if kept is not None and kept.version == meeting.state_version and kept.status == meeting.status.value:
            return services.state_at(kept.state, kept.timer, now)
        state, timer = services.public_state_and_timer(meeting, now=now)
        with self._guard:
            current = self._kept.get(meeting.id)
            if current is None or current.version <= state["version"]:
                self._kept[meeting.id] = _Kept(state["version"], state["status"], state, timer)
        return state

    # -- changes made elsewhere ------------------------------------------------------
    def catch_up(self):
        """Send the state of every watched meeting whose version moved past what this
        process last sent to its room (in the caller's app context). Not past what it
        served: a state built for one connecting client has not reached the others."""
        watched = self.watched()
        if not watched:
            return []
        rows = db.session.execute(sa.select(Meeting.id, Meeting.state_version).where(Meeting.id.in_(watched))).all()
        db.session.rollback()
        # A meeting with residents' changes waiting for their pause is left to that send.
        moved = [meeting_id for meeting_id, version in rows
                 if version > self._sent.get(meeting_id, -1) and meeting_id not in self._pending]
        for meeting_id in moved:
            self._send(meeting_id)
        return moved

    def start_catching_up(self, app):
        """Once per process, and only without a message queue (with one, every process
        already receives every state)."""
        interval = float(app.config.get("LIVE_CATCH_UP_SECONDS", DEFAULTS["LIVE_CATCH_UP_SECONDS"]))
        with self._guard:
            if self._catching_up or interval <= 0 or app.config.get("REDIS_URL"):
                return
            self._catching_up = True
        self.socketio.start_background_task(self._catch_up_forever, app, interval)

    def _catch_up_forever(self, app, interval):
        while True:
            self.socketio.sleep(interval)
            with app.app_context():
                try:
                    self.catch_up()
                except Exception:  # noqa: BLE001 - try again next time; never stop
                    log.exception("catching up live states failed")
                finally:
                    db.session.remove()

    # -- after a commit ----------------------------------------------------------------
    def changed(self, meeting_id, *, urgent):
        """Called after a change to the meeting was committed, in the caller's app context."""
        quiet = _setting("LIVE_RESIDENT_BROADCAST_QUIET")
        if urgent or quiet <= 0:
            self._send(meeting_id)
            return
        now = time.monotonic()
        with self._guard:
            pending = self._pending.get(meeting_id)
            if pending is None:
                pending = self._pending[meeting_id] = _Pending(first=now, last=now)
            pending.last = now
            start = not pending.task_running
            pending.task_running = True
        if start:
            app = current_app._get_current_object()
            self.socketio.start_background_task(self._send_later, app, meeting_id, quiet,
                                                _setting("LIVE_RESIDENT_BROADCAST_MAX_DELAY"))

    def _send_later(self, app, meeting_id, quiet, max_delay):
        while True:
            with self._guard:
                pending = self._pending.get(meeting_id)
                if pending is None:
                    return
                wait = send_at(pending.first, pending.last, quiet=quiet, max_delay=max_delay) - time.monotonic()
                if wait <= 0:
                    del self._pending[meeting_id]
            if wait > 0:
                self.socketio.sleep(wait)
                continue
            with app.app_context():
                try:
                    self._send(meeting_id)
                finally:
                    db.session.remove()
            return

    def _send(self, meeting_id):
        """Build (or reuse) the latest state and send it, unless this room already has it."""
        with self._guard:
            lock = self._send_locks.setdefault(meeting_id, threading.Lock())
            # A staff change sends everything that is pending too.
            self._pending.pop(meeting_id, None)
        with lock:
            meeting = db.session.get(Meeting, meeting_id, populate_existing=True)
            if meeting is None:
                return
            state = self.state_for(meeting)
            db.session.rollback()  # a read: release the transaction before the (long) send
            previous = self._sent.get(meeting_id)
            if previous is not None and state["version"] <= previous:
                return
            self._sent[meeting_id] = state["version"]
            message = {**state, "previous_version": previous if previous is not None else state["version"] - 1}
            self.socketio.emit("state", message, to=self.room_for(meeting_id), namespace=self.namespace)


def _setting(name):
    return float(current_app.config.get(name, DEFAULTS[name]))

"""The /live Socket.IO namespace: an entrypoint like a view, with no business rules.

Each event is rate-limited per connection, size-checked, validated, authorised
(privileged events re-read the user's roles from the database on every call),
run inside one transaction, and acknowledged with `{"ok": ...}`. The new state
is broadcast to the meeting's room only after the commit.
"""
import json
import logging
import threading
from dataclasses import dataclass, field

from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from app.accounts import policy
from app.accounts.models import User
from app.accounts.services import user_for_token
from app.core.db import after_commit, transaction
from app.core.errors import DomainError, Forbidden, NotFound, PayloadTooLarge, RateLimited, ValidationFailed
from app.core.time import utcnow
from app.extensions import db
from app.live import schemas, services
from app.meetings.models import Meeting, MeetingStatus

NAMESPACE = "/live"
log = logging.getLogger(__name__)

DEFAULTS = {
    "LIVE_MAX_EVENT_BYTES": 2048,
    "LIVE_EVENTS_PER_SECOND": 5.0,
    "LIVE_EVENT_BURST": 20,
    "LIVE_QUEUE_CAP": services.DEFAULT_QUEUE_CAP,
}


def setting(name):
    return current_app.config.get(name, DEFAULTS[name])


def meeting_room(meeting_id):
    return f"meeting:{meeting_id}"


def staff_room(meeting_id):
    return f"meeting:{meeting_id}:staff"


@dataclass
class Connection:
    """What a socket proved at connect time. Roles are NOT cached here: only the user id."""

    meeting_id: int
    body_id: int
    user_id: int | None = None
    token: str | None = None
    allowance: float = 0.0
    checked_at: float = field(default=0.0)

    def take(self, now_seconds, rate, burst):
        """Token bucket: True if this event fits in the connection's allowance."""
        if self.checked_at:
            self.allowance = min(burst, self.allowance + (now_seconds - self.checked_at) * rate)
        else:
            self.allowance = burst
        self.checked_at = now_seconds
        if self.allowance < 1:
            return False
        self.allowance -= 1
        return True


def refuse(code, message):
    """Socket.IO clients see `message` in connect_error and the code in its `data`."""
    return ConnectionRefusedError(message, {"code": code, "message": message})


def ok(**payload):
    return {"ok": True, **payload}


def failure(error):
    return {"ok": False, "error": {"code": error.code, "message": error.message}}


# (event, schema, permission or None); the handler method is `_<event>`.
EVENTS = {
    "sync": (schemas.empty, None),
    "join_queue": (schemas.speaker, None),
    "leave_queue": (schemas.leave_queue, None),
    "resume": (schemas.resume, None),
    "set_item": (schemas.set_item, "live.moderate"),
    "open_comment": (schemas.open_comment, "live.moderate"),
    "close_comment": (schemas.empty, "live.moderate"),
    "set_speaker_time": (schemas.seconds, "live.moderate"),
    "add_in_person": (schemas.speaker, "live.add_in_person"),
    "call_next": (schemas.empty, "live.moderate"),
    "recall": (schemas.entry, "live.moderate"),
    "skip": (schemas.entry, "live.moderate"),
    "remove": (schemas.remove, "live.moderate"),
    "timer": (schemas.timer, "live.moderate"),
}


# Changes to one meeting are serialised by its database row lock anyway. Queueing
# them here first, in memory, keeps a burst of joins from each holding a pooled
# database connection while it waits for that row lock: a burst of hundreds then
# waits its turn instead of exhausting the pool and failing. (threading's Lock is
# the green one once the server's async mode has patched the standard library.)
_meeting_locks = {}
_meeting_locks_guard = threading.Lock()
READ_ONLY_EVENTS = frozenset({"sync"})


def meeting_lock(meeting_id):
    with _meeting_locks_guard:
        return _meeting_locks.setdefault(meeting_id, threading.Lock())


class LiveNamespace(Namespace):
    def __init__(self, namespace=NAMESPACE):
        super().__init__(namespace)
        self.connections = {}

    # -- dispatch ------------------------------------------------------------------
    def trigger_event(self, event, *args):
        if event in ("connect", "disconnect"):
            return super().trigger_event(event, *args)
        if event not in EVENTS:
            error = ValidationFailed("Unknown event.")
            error.code = "unknown_event"
            return failure(error)
        return self.socketio._handle_event(self._handle, event, self.namespace, *args)

    def _handle(self, *args):
        event = request.event["message"]
        try:
            connection = self.connections.get(request.sid)
            if connection is None:
                raise Forbidden("Connect to a meeting first.")
            self._check_allowance(connection, args)
            schema, permission = EVENTS[event]
            payload = schema(args[0] if args else None)
            if event in READ_ONLY_EVENTS:
                return self._dispatch(event, connection, permission, payload)
            with meeting_lock(connection.meeting_id):
                return self._dispatch(event, connection, permission, payload)
        except DomainError as error:
            db.session.rollback()
            return failure(error)
        except Exception:  # noqa: BLE001 - one bad event must never take the server down
            db.session.rollback()
            log.exception("live event %s failed", event)
            return {"ok": False, "error": {"code": "server_error", "message": "Something went wrong."}}

    def _dispatch(self, event, connection, permission, payload):
        meeting = db.session.get(Meeting, connection.meeting_id)
        if meeting is None:
            raise NotFound("This meeting no longer exists.")
        user = self._authorise(connection, permission, meeting) if permission else None
        return getattr(self, f"_{event}")(connection, meeting, user, **payload)

    def _check_allowance(self, connection, args):
        if not connection.take(utcnow().timestamp(), setting("LIVE_EVENTS_PER_SECOND"),
                               setting("LIVE_EVENT_BURST")):
            raise RateLimited("Too many events; slow down.")
        if len(args) > 1:
            raise ValidationFailed("Send one payload object.")
        try:
            size = len(json.dumps(args[0] if args else None, separators=(",", ":")).encode("utf-8"))
        except (TypeError, ValueError):
            raise ValidationFailed("The payload must be JSON.") from None
        if size > setting("LIVE_MAX_EVENT_BYTES"):
            raise PayloadTooLarge("The event is too large.")

    @staticmethod
    def _authorise(connection, permission, meeting):
        """Re-read the user and their roles on every privileged call: a role revoked
        after connecting takes effect at once."""
        user = db.session.get(User, connection.user_id) if connection.user_id else None
        if user is not None:
            db.session.refresh(user)
        if user is None or not user.is_active or not policy.can(user, permission, meeting.body_id):
            raise Forbidden("Your role does not allow this.")
        return user

    def _change(self, meeting, change):
        """Run one change in a transaction; the new state goes out only after the commit."""
        now = utcnow()
        with transaction():
            result = change(now)
            state = services.public_state(meeting, now=now)
            after_commit(lambda: self.socketio.emit("state", state, to=meeting_room(meeting.id),
                                                    namespace=self.namespace))
        return result, state

    # -- connection ------------------------------------------------------------------
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        meeting_id = auth.get("meeting")
        if not isinstance(meeting_id, int) or isinstance(meeting_id, bool) or meeting_id < 1:
            raise refuse("invalid", "auth.meeting must be a meeting id.")
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None:
            raise refuse("not_found", "No such meeting.")
        user = None
        api_token = auth.get("api_token")
        if api_token is not None:
            user = user_for_token(api_token) if isinstance(api_token, str) else None
            if user is None:
                raise refuse("unauthorized", "The API token is not valid.")
        elif current_user.is_authenticated:
            user = current_user._get_current_object()
        if meeting.status == MeetingStatus.DRAFT and not policy.can(user, "meeting.view_staff", meeting.body_id):
            # Drafts are invisible to the public, here as on the meeting page.
            raise refuse("not_found", "No such meeting.")
        token = auth.get("token")
        if token is not None and (not isinstance(token, str) or not 0 < len(token) <= schemas.MAX_TOKEN):
            raise refuse("invalid", "auth.token is not a token.")
        self.connections[request.sid] = Connection(meeting_id=meeting.id, body_id=meeting.body_id,
                                                   user_id=user.id if user else None, token=token)
        join_room(meeting_room(meeting.id))
        if user is not None and any(policy.can(user, action, meeting.body_id)
                                    for action in ("live.moderate", "live.add_in_person")):
            join_room(staff_room(meeting.id))
        self.emit("state", services.public_state(meeting, now=utcnow()), room=request.sid)
        db.session.rollback()  # nothing was written; release the read transaction

    def on_disconnect(self, reason=None):
        # The resident's place is kept: the queue lives in the database, not in the socket.
        self.connections.pop(request.sid, None)

    # -- residents -------------------------------------------------------------------
    def _sync(self, connection, meeting, user):
        state = services.public_state(meeting, now=utcnow())
        db.session.rollback()
        return ok(state=state)

    def _join_queue(self, connection, meeting, user, *, item_id, display_name, stance, interpreter):
        (entry, token), state = self._change(meeting, lambda now: services.join_queue(
            meeting, item_id=item_id, display_name=display_name, stance=stance, interpreter=interpreter,
            token=connection.token, cap=setting("LIVE_QUEUE_CAP"), now=now))
        connection.token = token
        return ok(entry=services.entry_view(meeting, entry, token), version=state["version"])

    def _leave_queue(self, connection, meeting, user, *, token, entry_id):
        left, state = self._change(meeting, lambda now: services.leave_queue(
            meeting, token=token or connection.token, entry_id=entry_id, now=now))
        return ok(left=[entry.id for entry in left], version=state["version"])

    def _resume(self, connection, meeting, user, *, token):
        entry = services.resume(meeting, token=token)
        connection.token = token
        view = services.entry_view(meeting, entry)
        version = meeting.state_version
        db.session.rollback()
        return ok(entry=view, version=version)

    # -- chair and clerk ----------------------------------------------------------------
    def _set_item(self, connection, meeting, user, *, item_id):
        _, state = self._change(meeting, lambda now: services.set_item(
            meeting, item_id=item_id, actor=user, now=now))
        return ok(version=state["version"])

    def _open_comment(self, connection, meeting, user, *, item_id, seconds_per_speaker, period_seconds):
        _, state = self._change(meeting, lambda now: services.open_comment(
            meeting, item_id=item_id, seconds_per_speaker=seconds_per_speaker, period_seconds=period_seconds,
            actor=user, now=now))
        return ok(version=state["version"])

    def _close_comment(self, connection, meeting, user):
        _, state = self._change(meeting, lambda now: services.close_comment(meeting, actor=user, now=now))
        return ok(version=state["version"])

    def _set_speaker_time(self, connection, meeting, user, *, seconds):
        _, state = self._change(meeting, lambda now: services.change_speaker_time(
            meeting, seconds=seconds, actor=user, now=now))
        return ok(version=state["version"])

    def _add_in_person(self, connection, meeting, user, *, item_id, display_name, stance, interpreter):
        entry, state = self._change(meeting, lambda now: services.add_in_person(
            meeting, item_id=item_id, display_name=display_name, stance=stance, interpreter=interpreter,
            cap=setting("LIVE_QUEUE_CAP"), actor=user, now=now))
        return ok(entry=services.entry_view(meeting, entry), version=state["version"])

    def _call_next(self, connection, meeting, user):
        entry, state = self._change(meeting, lambda now: services.call_next(meeting, actor=user, now=now))
        return ok(entry_id=entry.id if entry else None, version=state["version"])

    def _recall(self, connection, meeting, user, *, entry_id):
        _, state = self._change(meeting, lambda now: services.recall(
            meeting, entry_id=entry_id, actor=user, now=now))
        return ok(version=state["version"])

    def _skip(self, connection, meeting, user, *, entry_id):
        _, state = self._change(meeting, lambda now: services.skip(
            meeting, entry_id=entry_id, actor=user, now=now))
        return ok(version=state["version"])

    def _remove(self, connection, meeting, user, *, entry_id, reason):
        _, state = self._change(meeting, lambda now: services.remove(
            meeting, entry_id=entry_id, reason=reason, actor=user, now=now))
        return ok(version=state["version"])

    def _timer(self, connection, meeting, user, *, action, seconds):
        _, state = self._change(meeting, lambda now: services.timer(
            meeting, action=action, seconds=seconds, actor=user, now=now))
        return ok(version=state["version"])


def register_namespace(socketio):
    socketio.on_namespace(LiveNamespace(NAMESPACE))

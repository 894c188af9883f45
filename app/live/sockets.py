"""The /live Socket.IO namespace: an entrypoint like a view, with no business rules.

Each event is rate-limited per connection, size-checked, validated, authorised
(privileged events re-read the user's roles from the database on every call),
applied in a transaction together with the other changes to the meeting that
arrived meanwhile (app.live.batching), and acknowledged with `{"ok": ...}`. The
new state goes to the meeting's room only after the commit (app.live.broadcast).
"""
import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache

from limits import parse_many

from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from app.accounts import policy
from app.accounts.models import User
from app.accounts.services import user_for_token
from app.core.db import after_commit, transaction
from app.core.errors import DomainError, Forbidden, NotFound, PayloadTooLarge, RateLimited, ValidationFailed
from app.core.time import utcnow
from app.extensions import db, limiter
from app.live import schemas, services, wire
from app.live.batching import Batcher
from app.live.broadcast import Broadcaster
from app.live.models import QueueEntry
from app.meetings import services as meetings
from app.meetings.models import Meeting, MeetingStatus

NAMESPACE = "/live"
log = logging.getLogger(__name__)

DEFAULTS = {
    "LIVE_MAX_EVENT_BYTES": 2048,
    "LIVE_EVENTS_PER_SECOND": 5.0,
    "LIVE_EVENT_BURST": 20,
    "LIVE_QUEUE_CAP": services.DEFAULT_QUEUE_CAP,
    "LIVE_JOINS_PER_ADDRESS": "30 per minute",
    # A connection refused this many events within LIVE_FLOOD_WINDOW seconds is not a page
    # in trouble but a flood: even refused, each event costs the server the work of
    # reading and answering it, and a dozen such sockets starved the chair's console.
    # It is disconnected, and anonymous connections from its address are refused for
    # LIVE_FLOOD_BAN seconds (staff signed in are not: they may share a city's address).
    "LIVE_FLOOD_REFUSALS": 50,
    "LIVE_FLOOD_WINDOW": 10.0,
    "LIVE_FLOOD_BAN": 60,
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
    api_token: str | None = None  # staff who connected with one: it must still be live at each act
    connected_at: object = None   # a signed-in session: it must not have signed out since
    token: str | None = None
    address: str | None = None  # the client's address (behind a proxy: from TRUSTED_PROXIES)
    allowance: float = 0.0
    checked_at: float = field(default=0.0)
    refused: int = 0            # events refused for going too fast, since refused_since
    refused_since: float = 0.0

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

    def count_refusal(self, now_seconds, window):
        """The refusals within the current window, this one included."""
        if now_seconds - self.refused_since > window:
            self.refused, self.refused_since = 0, now_seconds
        self.refused += 1
        return self.refused


def refuse(code, message):
    """Socket.IO clients see `message` in connect_error and the code in its `data`."""
    return ConnectionRefusedError(message, {"code": code, "message": message})


def ok(**payload):
    return {"ok": True, **payload}


def failure(error):
    return {"ok": False, **error.to_dict()}


SERVER_ERROR = {"ok": False, "error": {"code": "server_error", "message": "Something went wrong."}}


# (event, schema, permission or None); the handler method is `_<event>`.
EVENTS = {
    "sync": (schemas.empty, None),
    "join_queue": (schemas.speaker, None),
    "leave_queue": (schemas.leave_queue, None),
    "resume": (schemas.resume, None),
    "seen_call": (schemas.seen_call, None),
    "set_item": (schemas.set_item, "live.moderate"),
    "open_comment": (schemas.open_comment, "live.moderate"),
    "close_comment": (schemas.empty, "live.moderate"),
    "set_speaker_time": (schemas.seconds, "live.moderate"),
    "add_in_person": (schemas.card, "live.add_in_person"),
    "withdraw_card": (schemas.withdraw_card, "live.add_in_person"),
    "correct_card": (schemas.correct_card, "live.add_in_person"),
    "call_next": (schemas.call_next, "live.moderate"),
    "recall": (schemas.entry, "live.moderate"),
    "skip": (schemas.entry, "live.moderate"),
    "warn": (schemas.warn, "live.moderate"),
    "remove": (schemas.remove, "live.moderate"),
    "reinstate": (schemas.reinstate, "live.moderate"),
    "hide_name": (schemas.hide_name, "live.moderate"),
    "timer": (schemas.timer, "live.moderate"),
}


READ_ONLY_EVENTS = frozenset({"sync", "resume"})
# Residents' own changes: they only move the queue, so their broadcasts may be
# gathered (app.live.broadcast); everything else is sent at once (`seen_call` too:
# the chair is waiting for it).
RESIDENT_EVENTS = frozenset({"join_queue", "leave_queue"})
APP_KEY = "dais.live"


@dataclass
class Change:
    """One event waiting for its meeting's next batch (app.live.batching)."""

    event: str
    connection: Connection
    permission: str | None
    payload: dict


class SignedOut(Forbidden):
    """Staff whose session or API token has ended since the socket connected."""

    code = "signed_out"


class Flooding(RateLimited):
    """A connection that keeps sending after being told to slow down: it is cut off."""


class Refused(Exception):
    """Change number `index` of a batch failed: the batch is rolled back without it."""

    def __init__(self, index, error):
        super().__init__(index)
        self.index = index
        self.error = error


class Done:
    """What acknowledgements need once every change of a batch is applied.

    `last_other` is the index of the batch's last change that was not a join: a
    join after it keeps the place it was given, one before it may have moved."""

    def __init__(self, meeting, item_ids, last_other=-1):
        self.meeting = meeting
        self.version = meeting.state_version
        self.item_ids = item_ids
        self.last_other = last_other
        self._positions = None

    @property
    def positions(self):
        """Places in the queues of the items this batch's entries joined, worked out once."""
        if self._positions is None:
            self._positions = services.positions(self.meeting, item_ids=self.item_ids)
        return self._positions


class LiveNamespace(Namespace):
    def __init__(self, socketio, app, namespace=NAMESPACE):
        super().__init__(namespace)
        self.app = app
        self.connections = {}
        self.batcher = Batcher(self._run_batch)
        self.broadcaster = Broadcaster(socketio, namespace, meeting_room, watched=self._watched_meetings)

    def _watched_meetings(self):
        return {connection.meeting_id for connection in list(self.connections.values())}

    # -- dispatch ------------------------------------------------------------------
    def trigger_event(self, event, *args):
        if event in ("connect", "disconnect") and not self._sent_by_client(event, args[0]):
            return super().trigger_event(event, *args)
        if event == wire.MALFORMED or event not in EVENTS:
            with self.app.app_context():
                return self._refuse_unreadable(event, args[0] if args else None)
        # An event needs the app and its database session, not a request: Flask-SocketIO
        # would rebuild the HTTP request and open the cookie session for every event,
        # about a fifth of the server's work in a burst of joins. (What the connection
        # proved is kept in `self.connections`, so nothing here reads the request.)
        sid, *payload = args
        with self.app.app_context():
            return self._handle(event, sid, *payload)

    def _sent_by_client(self, event, sid):
        """Whether a "connect" or "disconnect" is an event a client sent by that name (the
        server passes those on like any other) rather than the connection's own."""
        if event == "connect":
            return sid in self.connections  # the real one comes first, and only once
        return self.server.manager.is_connected(sid, self.namespace)  # false while really disconnecting

    def _handle(self, event, sid, *args):
        try:
            connection = self.connections.get(sid)
            if connection is None:
                raise Forbidden("Connect to a meeting first.")
            self._check_allowance(connection, args)
            schema, permission = EVENTS[event]
            if permission and connection.user_id is None:
                # Not signed in: no payload makes a staff event theirs (the role itself is
                # re-read from the database when the change is applied).
                raise Forbidden("Your role does not allow this.")
            payload = schema(args[0] if args else None)
            if event == "join_queue":
                return self._join(connection, payload)
            if event in READ_ONLY_EVENTS:
                meeting = self._meeting(connection)
                try:
                    return getattr(self, f"_{event}")(connection, meeting, **payload)
                finally:
                    db.session.rollback()  # nothing was written; release the read transaction
            return self.batcher.submit(connection.meeting_id, Change(event, connection, permission, payload))
        except Flooding as error:
            return self._cut_off(sid, connection, error)
        except DomainError as error:
            db.session.rollback()
            return failure(error)
        except Exception:  # noqa: BLE001 - one bad event must never take the server down
            db.session.rollback()
            log.exception("live event %s failed", event)
            return SERVER_ERROR

    def _join(self, connection, payload):
        """A join, within the per-address limit: its place in the allowance is taken
        before it is tried, in the store every process shares, so many connections
        joining at once from one address are held to the limit whichever process
        each reached; a join that does not go in gives its place back."""
        taken = _take_join_from_address(connection)
        ack = None
        try:
            ack = self.batcher.submit(connection.meeting_id, Change("join_queue", connection, None, payload))
            return ack
        finally:
            if not (ack and ack.get("ok")):
                _give_back_join(connection, taken)

    @staticmethod
    def _meeting(connection):
        meeting = db.session.get(Meeting, connection.meeting_id)
        if meeting is None:
            raise NotFound("This meeting no longer exists.")
        return meeting

    # -- batches of changes (app.live.batching) ------------------------------------------
    def _run_batch(self, meeting_id, changes):
        """Apply a batch in one transaction; a refused change is answered and left out,
        and the rest are applied again from the start (nothing of it was committed)."""
        outcomes = [None] * len(changes)
        remaining = list(range(len(changes)))
        while remaining:
            try:
                acks = self._apply(meeting_id, [changes[i] for i in remaining])
            except Refused as refused:
                db.session.rollback()
                error = refused.error
                if not isinstance(error, DomainError) and len(remaining) > 1:
                    # Not a rule refusing one change but a failure, which joins made
                    # together cannot pin on one of them: each is tried alone, so only
                    # the change that fails is answered `server_error`.
                    for index in remaining:
                        outcomes[index] = self._run_batch(meeting_id, [changes[index]])[0]
                    break
                index = remaining.pop(refused.index)
                if isinstance(error, DomainError):
                    outcomes[index] = (failure(error), None)
                else:
                    log.error("live event %s failed", changes[index].event, exc_info=error)
                    outcomes[index] = (SERVER_ERROR, None)
                continue
            for index, ack in zip(remaining, acks, strict=True):
                outcomes[index] = (ack, None)
            break
        return outcomes

    def _apply(self, meeting_id, changes):
        now = utcnow()
        with transaction():
            meeting = services.locked_meeting(meeting_id)
            # Who speaks, where a leave may end their turn (a burst of joins need not ask).
            leaves = meeting is not None and any(change.event == "leave_queue" for change in changes)
            speaker = services.speaker_entry_id(meeting) if leaves else None
            finishers = [None] * len(changes)
            last_other = -1
            joins = []  # consecutive joins go to the database together

            def flush_joins():
                if joins:
                    for (index, _), finish in zip(joins, self._join_many(meeting, joins, now), strict=True):
                        finishers[index] = finish
                    joins.clear()

            for index, change in enumerate(changes):
                try:
                    if meeting is None:
                        raise NotFound("This meeting no longer exists.")
                    if change.event == "join_queue":
                        joins.append((index, change))
                        continue
                    flush_joins()
                    last_other = index
                    user = self._authorise(change.connection, change.permission, meeting) if change.permission else None
                    finishers[index] = getattr(self, f"_{change.event}")(change.connection, meeting, user, now=now,
                                                                         **change.payload)
                except Exception as error:  # noqa: BLE001 - answered to its sender only
                    raise Refused(joins[0][0] if joins else index, error) from error
            try:
                flush_joins()
            except Exception as error:  # noqa: BLE001
                raise Refused(joins[0][0], error) from error
            # Acknowledgements are built before the commit, while the rows are loaded.
            done = Done(meeting, {change.payload.get("item_id") for change in changes}, last_other)
            acks = [finish(done) for finish in finishers]
            # Residents' joins and leaves may wait for a pause, unless a speaker left: the
            # room is watching who speaks.
            urgent = (any(change.event not in RESIDENT_EVENTS for change in changes)
                      or (leaves and services.speaker_entry_id(meeting) != speaker))
            after_commit(lambda: self._announce(meeting_id, urgent))
        return acks

    @staticmethod
    def _join_many(meeting, joins, now):
        """Residents' joins of one batch, checked in order (services.join_many)."""
        requests = []
        for _, change in joins:
            # Two joins from one connection in one batch must share its token.
            change.connection.token = change.connection.token or services.new_token()
            requests.append(services.JoinRequest(token=change.connection.token, **change.payload))
        try:
            outcomes = services.join_many(meeting, requests, cap=setting("LIVE_QUEUE_CAP"), now=now)
        except DomainError as error:  # the meeting itself refuses (not live): every join is told
            outcomes = [error] * len(requests)
        finishers = []
        for (index, _), request, outcome in zip(joins, requests, outcomes, strict=True):
            if isinstance(outcome, DomainError):
                finishers.append(lambda done, error=outcome: failure(error))
            else:
                finishers.append(lambda done, entry=outcome, token=request.token, index=index: ok(
                    entry=_joined_view(meeting, entry, token, done, later_changes=index < done.last_other),
                    version=done.version))
        return finishers

    def _announce(self, meeting_id, urgent):
        """The change is committed whatever happens here: a failed send is logged, and
        clients catch up with the next state or `sync`, but nobody is told it failed."""
        try:
            self.broadcaster.changed(meeting_id, urgent=urgent)
        except Exception:  # noqa: BLE001
            log.exception("broadcasting meeting %s failed", meeting_id)

    def _refuse_unreadable(self, event, sid):
        """A malformed or unknown event is answered `invalid` or `unknown_event`, but
        counted against its connection's allowance first, as any event is: a flood of them
        is slowed like a flood of joins."""
        connection = self.connections.get(sid)
        try:
            if connection is not None:
                _take_allowance(connection)
        except Flooding as error:
            return self._cut_off(sid, connection, error)
        except RateLimited as error:
            return failure(error)
        if event == wire.MALFORMED:
            return failure(ValidationFailed("The event is not valid: send [name, payload] as JSON."))
        error = ValidationFailed("Unknown event.")
        error.code = "unknown_event"
        return failure(error)

    def _cut_off(self, sid, connection, error):
        log.warning("live: disconnected a connection from %s to meeting %s for flooding (%d events refused)",
                    connection.address, connection.meeting_id, connection.refused)
        _strike(connection.address)
        self.disconnect(sid)
        return failure(error)

    def _check_allowance(self, connection, args):
        _take_allowance(connection)
        if len(args) > 1:
            raise ValidationFailed("Send one payload object.")
        try:
            # In bytes as sent: a name or reason in Cyrillic or Chinese is not six times its size.
            size = len(json.dumps(args[0] if args else None, separators=(",", ":"),
                                  ensure_ascii=False).encode("utf-8"))
        except (TypeError, ValueError):
            raise ValidationFailed("The payload must be JSON.") from None
        if size > setting("LIVE_MAX_EVENT_BYTES"):
            raise PayloadTooLarge("The event is too large.")

    @staticmethod
    def _authorise(connection, permission, meeting):
        """Re-read the user and their roles on every privileged call: a role revoked
        after connecting takes effect at once, and so do a deactivated account, a revoked
        API token and signing out (the socket keeps the session or token it connected with)."""
        user = db.session.get(User, connection.user_id, populate_existing=True) if connection.user_id else None
        if user is not None and not user.is_active:
            # Checked first: deactivation also revokes tokens and ends sessions, and the
            # console should say why it was stopped, not that someone signed out.
            raise Forbidden("This account has been deactivated.")
        if user is not None and connection.api_token is not None and user_for_token(connection.api_token) != user:
            raise SignedOut("The API token this connection used was revoked.")
        if user is not None and connection.api_token is None and user.signed_out_at is not None \
                and user.signed_out_at >= connection.connected_at:
            raise SignedOut("You signed out after this page connected.")
        if user is None or not policy.can(user, permission, meeting.body_id):
            raise Forbidden("Your role does not allow this.")
        return user

    # -- connection ------------------------------------------------------------------
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        meeting_id = auth.get("meeting")
        if not isinstance(meeting_id, int) or isinstance(meeting_id, bool) or not 1 <= meeting_id <= schemas.MAX_ID:
            raise refuse("invalid", "auth.meeting must be a meeting id.")
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None:
            raise refuse("not_found", "No such meeting.")
        user = None
        api_token = auth.get("api_token")
        if api_token is not None:
            user = user_for_token(api_token) if schemas.is_token_text(api_token) else None
            if user is None:
                raise refuse("unauthorized", "The API token is not valid.")
        elif current_user.is_authenticated:
            user = current_user._get_current_object()
        if meeting.status == MeetingStatus.DRAFT and not policy.can(user, "meeting.view_staff", meeting.body_id):
            # Drafts are invisible to the public, here as on the meeting page.
            raise refuse("not_found", "No such meeting.")
        if user is None and _struck(request.remote_addr):
            raise refuse("rate_limited", "A connection from your network address sent too many events just now. "
                                         "Please wait a minute and try again.")
        token = auth.get("token")
        if token is not None and not schemas.is_token_text(token, schemas.MIN_CLIENT_TOKEN):
            raise refuse("invalid", f"auth.token must be {schemas.MIN_CLIENT_TOKEN} to {schemas.MAX_TOKEN} "
                                    "printable ASCII characters (a random secret of at least 128 bits).")
        self.connections[request.sid] = Connection(meeting_id=meeting.id, body_id=meeting.body_id,
                                                   user_id=user.id if user else None, token=token,
                                                   api_token=api_token if user else None, connected_at=utcnow(),
                                                   address=request.remote_addr)
        join_room(meeting_room(meeting.id))
        if user is not None and any(policy.can(user, action, meeting.body_id)
                                    for action in ("live.moderate", "live.add_in_person")):
            join_room(staff_room(meeting.id))
        self.emit("state", self.broadcaster.state_for(meeting), room=request.sid)
        self.broadcaster.start_catching_up(current_app._get_current_object())
        db.session.rollback()  # nothing was written; release the read transaction

    def on_disconnect(self, reason=None):
        # The resident's place is kept: the queue lives in the database, not in the socket.
        self.connections.pop(request.sid, None)

    # -- residents: reads ------------------------------------------------------------
    def _sync(self, connection, meeting):
        return ok(state=self.broadcaster.state_for(meeting))

    def _resume(self, connection, meeting, *, token):
        held, ended, warning = services.token_places(meeting, token=token)
        connection.token = token
        # `places`: all of them, so a page that follows one can list (and leave) the others;
        # `ended`: how the others ended, so a page that followed one of those can say so;
        # `warning`: the chair's latest warning to them, with what it was for.
        places = [services.entry_view(meeting, entry) for entry in held]
        return ok(entry=places[0], places=places, ended=ended, warning=warning, version=meeting.state_version)

    # -- changes: each runs inside its batch's transaction and returns how to acknowledge it
    def _leave_queue(self, connection, meeting, user, *, now, token, entry_id):
        left = services.leave_queue(meeting, token=token or connection.token, entry_id=entry_id, now=now)
        left_ids = [entry.id for entry in left]
        # How each place ended: a speaker's turn is `done`, unless their time had not started.
        ended = [{"entry_id": entry.id, "status": entry.status.value} for entry in left]
        return lambda done: ok(left=left_ids, ended=ended, version=done.version)

    def _seen_call(self, connection, meeting, user, *, now, token):
        services.seen_call(meeting, token=token or connection.token, now=now)
        return _version_only

    def _set_item(self, connection, meeting, user, *, now, item_id):
        services.set_item(meeting, item_id=item_id, actor=user, now=now)
        return _version_only

    def _open_comment(self, connection, meeting, user, *, now, item_id, seconds_per_speaker, period_seconds):
        services.open_comment(meeting, item_id=item_id, seconds_per_speaker=seconds_per_speaker,
                              period_seconds=period_seconds, actor=user, now=now)
        return _version_only

    def _close_comment(self, connection, meeting, user, *, now):
        services.close_comment(meeting, actor=user, now=now)
        return _version_only

    def _set_speaker_time(self, connection, meeting, user, *, now, seconds):
        services.change_speaker_time(meeting, seconds=seconds, actor=user, now=now)
        return _version_only

    def _add_in_person(self, connection, meeting, user, *, now, item_id, display_name, stance, interpreter, channel):
        entry = services.add_in_person(meeting, item_id=item_id, display_name=display_name, stance=stance,
                                       interpreter=interpreter, channel=channel, cap=setting("LIVE_QUEUE_CAP"),
                                       actor=user, now=now)
        return lambda done: ok(entry=services.entry_view(meeting, entry, known_positions=done.positions),
                               version=done.version)

    def _withdraw_card(self, connection, meeting, user, *, now, entry_id, reason):
        services.withdraw_card(meeting, entry_id=entry_id, reason=reason, actor=user, now=now)
        return _version_only

    def _correct_card(self, connection, meeting, user, *, now, entry_id, **changes):
        entry, changed = services.correct_card(meeting, entry_id=entry_id, changes=changes,
                                               cap=setting("LIVE_QUEUE_CAP"), actor=user, now=now)
        # `changed`: the fields that really changed, for the console to say so.
        return lambda done: ok(entry=services.entry_view(meeting, entry), changed=changed, version=done.version)

    def _call_next(self, connection, meeting, user, *, now, **seen):
        entry = services.call_next(meeting, actor=user, now=now, **seen)
        entry_id = entry.id if entry else None
        return lambda done: ok(entry_id=entry_id, version=done.version)

    def _recall(self, connection, meeting, user, *, now, entry_id):
        services.recall(meeting, entry_id=entry_id, actor=user, now=now)
        return _version_only

    def _skip(self, connection, meeting, user, *, now, entry_id):
        services.skip(meeting, entry_id=entry_id, actor=user, now=now)
        return _version_only

    def _warn(self, connection, meeting, user, *, now, entry_id, reason):
        services.warn(meeting, entry_id=entry_id, reason=reason, actor=user, now=now)
        return _version_only

    def _remove(self, connection, meeting, user, *, now, entry_id, reason, threat):
        services.remove(meeting, entry_id=entry_id, reason=reason, threat=threat, actor=user, now=now)
        return _version_only

    def _reinstate(self, connection, meeting, user, *, now, entry_id, reason):
        services.reinstate(meeting, entry_id=entry_id, reason=reason, actor=user, now=now)
        return _version_only

    def _hide_name(self, connection, meeting, user, *, now, entry_id, reason):
        services.hide_name(meeting, entry_id=entry_id, reason=reason, actor=user, now=now)
        return _version_only

    def _timer(self, connection, meeting, user, *, now, action, seconds, allotted, **speaker):
        services.timer(meeting, action=action, seconds=seconds, allotted=allotted, actor=user, now=now, **speaker)
        return _version_only


@lru_cache(maxsize=8)
def _limits(text):
    return tuple(parse_many(text))


def _take_allowance(connection):
    now_seconds = utcnow().timestamp()
    if not connection.take(now_seconds, setting("LIVE_EVENTS_PER_SECOND"), setting("LIVE_EVENT_BURST")):
        if connection.count_refusal(now_seconds, setting("LIVE_FLOOD_WINDOW")) >= setting("LIVE_FLOOD_REFUSALS"):
            raise Flooding("Too many events, sent too fast: this connection is closed. "
                           "Please wait a minute before connecting again.")
        raise RateLimited("Too many events; slow down.")


def _flood_key(address):
    # Flask-Limiter's storage (memory, or Redis shared by every process), keyed by address.
    return f"dais/live-flood/{address}"


def _strike(address):
    """Mark the address as flooding for LIVE_FLOOD_BAN seconds."""
    if not address:
        return
    try:
        limiter.limiter.storage.incr(_flood_key(address), int(setting("LIVE_FLOOD_BAN")))
    except Exception:  # noqa: BLE001 - the connection is cut off all the same
        log.exception("recording a flooding address failed")


def _struck(address):
    try:
        return bool(address) and limiter.limiter.storage.get(_flood_key(address)) > 0
    except Exception:  # noqa: BLE001 - an unreachable store must not keep residents out
        log.exception("reading flooding addresses failed; the connection is let in")
        return False


def _join_limits(connection):
    text = setting("LIVE_JOINS_PER_ADDRESS")
    return _limits(text) if text and connection.address else []


def _join_key(connection):
    return "live-join", str(connection.meeting_id), connection.address


def _take_join_from_address(connection):
    """Take one join from the allowance of the meeting and client address, counted in
    Flask-Limiter's storage (memory, or Redis shared by every process): per-connection
    limits alone would let one person fill the queue by opening many connections.
    Returns the limits it was taken from, for `_give_back_join`: a page retrying a
    refused join, or told its resident is already in line, must not use up the
    allowance of everyone behind the same address (a library's or city hall's Wi-Fi)."""
    strategy, key, taken = limiter.limiter, _join_key(connection), []
    try:
        for limit in _join_limits(connection):
            taken.append(limit)
            # Counted even when over (a fixed window's hit is one atomic increment), so
            # a refusal gives back everything it took.
            if not strategy.hit(limit, *key):
                _give_back_join(connection, taken)
                raise RateLimited("Too many people have joined from your network address just now. "
                                  "Please wait a minute and try again.")
    except RateLimited:
        raise
    except Exception:  # noqa: BLE001 - an unreachable limit store must not stop people joining
        log.exception("counting joins per address failed; the join is let through")
        _give_back_join(connection, taken[:-1])  # those taken before the one that failed
        return []
    return taken


def _give_back_join(connection, taken):
    """Return a join's place in the allowance (in the window it was taken from, or the
    next one if that has just ended: at worst one more join gets through)."""
    strategy, key = limiter.limiter, _join_key(connection)
    try:
        for limit in taken:
            strategy.storage.incr(limit.key_for(*key), limit.get_expiry(), amount=-1)
    except Exception:  # noqa: BLE001 - the join's answer stands; only the count is off by one
        log.exception("giving back a join per address failed")


def _joined_view(meeting, joined, token, done, *, later_changes):
    """A join's entry as it stands at the batch's version. Changes after it in the batch
    (the chair's call, say) may have moved it: it is then read again, so the
    acknowledgement does not say "waiting" of a resident the same version calls."""
    if not later_changes:
        return services.entry_view(meeting, joined, token, known_positions={joined.id: joined.position})
    entry = db.session.get(QueueEntry, joined.id)
    return services.entry_view(meeting, entry, token, known_positions=done.positions)


def _version_only(done):
    return ok(version=done.version)


def state_changed(meeting_id, *, urgent=True):
    """For other features (proceedings): send the meeting's new state once committed."""
    broadcaster = current_app.extensions.get(APP_KEY)
    if broadcaster is not None:
        after_commit(lambda: broadcaster.changed(meeting_id, urgent=urgent))


# Changes to a meeting made outside the queue (its status, agenda, body settings) reach
# the live pages as well.
meetings.on_state_change(state_changed)


def register_namespace(socketio, app):
    namespace = LiveNamespace(socketio, app, NAMESPACE)
    app.extensions[APP_KEY] = namespace.broadcaster
    socketio.on_namespace(namespace)

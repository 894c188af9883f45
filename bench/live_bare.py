"""The baselines for `python -m bench live`: a bare python-socketio server.

Same stack as Dais under `python wsgi.py` (python-socketio + python-engineio on
the same async mode, the same WSGI server), with no Flask, no ORM and no rules.
Namespace `/live`:

- `set_payload <state>` stores the payload to broadcast (not timed by the bench);
- `trigger` bumps a version counter and broadcasts the stored payload, with that
  version, as `state` to every connected client, like Dais after `call_next`;
- `echo` only acknowledges: the floor for any acknowledged event;
- `write {item_id}` (given a PostgreSQL URL) acknowledges only after a durable
  write, the least a join acknowledged after its commit can do: lock the
  meeting's row and read its version, the head of its log's hash chain and the
  item's queue length; insert the entry and a hash-chained log row; bump the
  version; commit. Two round trips (the writes and the commit go in one
  pipeline), on a pool of connections, in this server's own tables.

Usage: python bench/live_bare.py PORT [ASYNC_MODE [POSTGRESQL_URL]]
(prints "READY" when listening)
"""
import sys

ASYNC_MODE = sys.argv[2] if len(sys.argv) > 2 else "eventlet"
DATABASE_URL = sys.argv[3] if len(sys.argv) > 3 else None
if ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import queue  # noqa: E402

import socketio  # noqa: E402

# As `python wsgi.py` does: psycopg waits through the patched `selectors`, so a
# query in flight lets other clients be served.
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_selector")

ROOM = "meeting"
NAMESPACE = "/live"


def build_server():
    sio = socketio.Server(async_mode=ASYNC_MODE, logger=False, engineio_logger=False)
    current = {"payload": {}, "version": 0}

    @sio.on("connect", namespace=NAMESPACE)
    def connect(sid, environ, auth=None):
        sio.enter_room(sid, ROOM, namespace=NAMESPACE)

    @sio.on("set_payload", namespace=NAMESPACE)
    def set_payload(sid, payload):
        current["payload"] = payload if isinstance(payload, dict) else {}
        return {"ok": True, "version": current["version"]}

    @sio.on("trigger", namespace=NAMESPACE)
    def trigger(sid, *args):
        current["version"] += 1
        state = dict(current["payload"], version=current["version"])
        sio.emit("state", state, to=ROOM, namespace=NAMESPACE)
        return {"ok": True, "version": current["version"]}

    @sio.on("echo", namespace=NAMESPACE)
    def echo(sid, *args):
        return {"ok": True}

    if DATABASE_URL:
        store = DurableStore(DATABASE_URL)

        @sio.on("write", namespace=NAMESPACE)
        def write(sid, payload=None):
            item_id = payload.get("item_id") if isinstance(payload, dict) else None
            if not isinstance(item_id, int):
                return {"ok": False, "error": {"code": "invalid"}}
            version, position = store.write(item_id, sid)
            return {"ok": True, "version": version, "position": position}

    return sio


class DurableStore:
    """The durable write behind `write`, in tables of its own (prefixed `bare_`)."""

    POOL_SIZE = 8

    def __init__(self, url):
        import psycopg

        with psycopg.connect(url, autocommit=True) as setup:
            setup.execute("DROP TABLE IF EXISTS bare_meeting, bare_entries, bare_log")
            setup.execute("CREATE TABLE bare_meeting (id int PRIMARY KEY, version int NOT NULL, "
                          "log_seq int NOT NULL, log_hash text NOT NULL)")
            setup.execute("CREATE TABLE bare_entries (id serial PRIMARY KEY, meeting_id int NOT NULL, "
                          "item_id int NOT NULL, client text NOT NULL, position int NOT NULL)")
            setup.execute("CREATE INDEX ON bare_entries (meeting_id, item_id)")
            setup.execute("CREATE TABLE bare_log (meeting_id int NOT NULL, seq int NOT NULL, body text NOT NULL, "
                          "hash text NOT NULL, PRIMARY KEY (meeting_id, seq))")
            setup.execute("INSERT INTO bare_meeting VALUES (1, 0, 0, '')")
        self.pool = queue.Queue()
        for _ in range(self.POOL_SIZE):
            self.pool.put(psycopg.connect(url, autocommit=False))

    def write(self, item_id, client):
        connection = self.pool.get()
        try:
            version, seq, head, queued = connection.execute(
                "SELECT version, log_seq, log_hash, (SELECT count(*) FROM bare_entries "
                "WHERE meeting_id = 1 AND item_id = %s) FROM bare_meeting WHERE id = 1 FOR UPDATE",
                (item_id,)).fetchone()
            position = queued + 1
            body = json.dumps({"seq": seq + 1, "tag": "speaker_joined", "item_id": item_id, "position": position},
                              sort_keys=True, separators=(",", ":"))
            digest = hashlib.sha256((head + body).encode("utf-8")).hexdigest()
            with connection.pipeline():
                connection.execute("INSERT INTO bare_entries (meeting_id, item_id, client, position) "
                                   "VALUES (1, %s, %s, %s)", (item_id, client, position))
                connection.execute("INSERT INTO bare_log VALUES (1, %s, %s, %s)", (seq + 1, body, digest))
                connection.execute("UPDATE bare_meeting SET version = %s, log_seq = %s, log_hash = %s WHERE id = 1",
                                   (version + 1, seq + 1, digest))
                connection.commit()
            return version + 1, position
        except BaseException:
            connection.rollback()
            raise
        finally:
            self.pool.put(connection)


def main():
    port = int(sys.argv[1])
    app = socketio.WSGIApp(build_server())
    if ASYNC_MODE == "eventlet":
        import eventlet.wsgi

        listener = eventlet.listen(("127.0.0.1", port))
        print("READY", flush=True)
        # As `python wsgi.py` does for Dais: eventlet holds 1,024 connections unless told.
        eventlet.wsgi.server(listener, app, log_output=False, max_size=10000)
    else:
        from gevent import pywsgi

        # As Flask-SocketIO does without gevent-websocket: websockets come from simple-websocket.
        server = pywsgi.WSGIServer(("127.0.0.1", port), app, log=None)
        print("READY", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()

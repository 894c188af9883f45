"""The baseline for `python -m bench live`: a bare python-socketio server.

Same stack as Dais under `python wsgi.py` (python-socketio + python-engineio on
XX
and no rules. Namespace `/live`:

- `set_payload <state>` stores the payload to broadcast (not timed by the bench);
- `trigger` bumps a version counter and broadcasts the stored payload, with that
  version, as `state` to every connected client, like Dais after `call_next`;
- `echo` only acknowledges: the floor for any acknowledged event.

Usage: python bench/live_bare.py PORT [ASYNC_MODE]   (prints "READY" when listening)
"""
import sys

ASYNC_MODE = sys.argv[2] if len(sys.argv) > 2 else "eventlet"
if ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

import socketio  # noqa: E402

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

    return sio


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

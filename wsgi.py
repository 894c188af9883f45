"""Entry point: `python wsgi.py` serves Dais; `flask --app wsgi ...` runs commands.

The async mode is chosen here, at start-up, and nowhere else: eventlet by default,
gevent or threading via SOCKETIO_ASYNC_MODE. The monkey-patching is the only
library-specific call in Dais, and it must run before anything imports sockets.
"""
import gc
import os
import sys

from dotenv import load_dotenv

load_dotenv(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".env"))

ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
SERVING = __name__ == "__main__"

if SERVING:
    # psycopg 3 waits on its socket through the `selectors` module, which both
    # libraries patch, so a slow query yields to other greenlets instead of
    # blocking the whole event loop.
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_selector")
    if ASYNC_MODE == "eventlet":
        import warnings

        # eventlet warns at every start that it is in maintenance mode. Dais keeps
        # eventlet-specific calls to this block, and SOCKETIO_ASYNC_MODE=gevent is
        # tested and ready (docs/architecture.md), so the warning is known, not news.
        warnings.filterwarnings("ignore", message=r"(?s)\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
    elif ASYNC_MODE == "gevent":
        from gevent import monkey

        monkey.patch_all()
    elif ASYNC_MODE != "threading":
        sys.exit(f"SOCKETIO_ASYNC_MODE must be eventlet, gevent or threading, not {ASYNC_MODE!r}")

from app import create_app  # noqa: E402
from app.core.startup import StartupError  # noqa: E402
from app.extensions import socketio  # noqa: E402

try:
    # Commands (`flask --app wsgi ...`) run outside any event loop, so they use threads.
    app = create_app() if SERVING else create_app(SOCKETIO_ASYNC_MODE="threading")
except StartupError as error:
    sys.exit(f"Dais cannot start: {error}")



def refuse_a_taken_port(host, port):
    """Stop with the reason if something already listens on HOST:PORT. eventlet binds with
    SO_REUSEPORT, so a second Dais started on a taken port would otherwise start without
    a word and share the port: long-polling requests would then alternate between the
    two processes, and every one of those clients would fail to connect."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a port in TIME_WAIT is free
        try:
            probe.bind((host, port))
        except OSError as error:
            sys.exit(f"Dais cannot start: {host}:{port} is not free ({error.strerror}). "
                     "Is Dais already running there? Choose another PORT or stop the other program.")


if SERVING:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    refuse_a_taken_port(host, port)
    print(f"Dais serving on http://{host}:{port} (async mode: {ASYNC_MODE})", flush=True)
    server_options = {}
    if ASYNC_MODE == "eventlet":
        # eventlet's server holds 1024 connections at most unless told otherwise;
        # a council meeting's comment queue can have more residents watching.
        server_options["max_size"] = int(os.environ.get("MAX_CONNECTIONS", "10000"))
    # Everything loaded so far lives as long as the process: keep the cyclic garbage
    # collector from walking it again and again while a broadcast is going out
    # (its full passes showed up as pauses of tens of milliseconds).
    gc.collect()
    gc.freeze()
    socketio.run(app, host=host, port=port, debug=False, use_reloader=False,
                 log_output=os.environ.get("DAIS_ACCESS_LOG", "0") == "1",
                 allow_unsafe_werkzeug=(ASYNC_MODE == "threading"), **server_options)

"""The packet worker: `python -m app.packets.worker` (started by `make run` beside the web server).

It also runs the remote-access watcher (app/minutes/access_watcher.py) in a thread of its own.

One worker thread per process: builds queue behind each other and the web
process never waits for any of them. Rendering is CPU-bound Python, so more
threads would not build faster; to build several meetings at once, start more
worker processes (each takes jobs from the same queue, and every build writes
its own directory).
"""
import argparse
import logging
import os


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run the Dais packet worker (Huey consumer).")
    # How quickly an idle worker notices a new job (seconds); polling the SQLite queue is cheap.
    parser.add_argument("--max-delay", type=float, default=1.0)
    args = parser.parse_args(argv)

    lower_priority()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from app.packets.tasks import huey, worker_app

    app = worker_app()  # load the app and WeasyPrint now, so the first job is not slower than the rest
    from app.packets.render import _weasy

    _weasy()
    # The remote-access watcher shares this process: it runs wherever Dais runs, once per
    # installation, outside the web server it checks (why: app/minutes/access_watcher.py).
    from app.minutes.access_watcher import start_watching

    start_watching(app)
    consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False,
                                    initial_delay=0.05, backoff=1.5, max_delay=args.max_delay)
    consumer.run()


def lower_priority(niceness=10):
    """Rendering is CPU-bound and no one waits on it by the second, while the web server's
    live-meeting broadcasts are: on a small machine the worker yields the CPU to them.

    Called before any thread starts, so the consumer's threads inherit it (Linux nice is per
    thread). With the kernel's autogroup scheduling, nice only counts inside a session; a
    worker leading its own session (a supervisor's setsid) lowers its session's weight too.
    Under systemd, give the unit a low CPUWeight instead.
    """
    os.nice(niceness)
    if os.getsid(0) == os.getpid():
        try:
            with open("/proc/self/autogroup", "w") as autogroup:
                autogroup.write(str(niceness))
        except OSError:
            pass  # no autogroup scheduling here: plain nice is all there is


if __name__ == "__main__":
    main()

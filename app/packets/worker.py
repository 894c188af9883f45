"""The packet worker: `python -m app.packets.worker` (started by `make run` beside the web server).

One worker thread per process: builds queue behind each other and the web
process never waits for any of them. Rendering is CPU-bound Python, so more
threads would not build faster; to build several meetings at once, start more
worker processes (each takes jobs from the same queue, and every build writes
its own directory).
"""
import argparse
import logging


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run the Dais packet worker (Huey consumer).")
    # How quickly an idle worker notices a new job (seconds); polling the SQLite queue is cheap.
    parser.add_argument("--max-delay", type=float, default=1.0)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from app.packets.tasks import huey, worker_app

    worker_app()  # load the app and WeasyPrint now, so the first job is not slower than the rest
    from app.packets.render import _weasy

    _weasy()
    consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False,
                                    initial_delay=0.05, backoff=1.5, max_delay=args.max_delay)
    consumer.run()


if __name__ == "__main__":
    main()

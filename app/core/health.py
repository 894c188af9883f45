"""Liveness and readiness: the process answers, the database responds, and so does
Redis where one is configured (without it, a chair's action on this process reaches
no resident connected to another, and the job queue stops)."""
import functools

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from app.extensions import csrf, db

bp = Blueprint("health", __name__)
csrf.exempt(bp)


@functools.cache
def _redis(url):
    import redis

    # A check that waits longer than a monitor's own timeout says nothing.
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def _check(probe):
    try:
        probe()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised: this is the health check
        return f"error: {exc.__class__.__name__}"


@bp.get("/healthz")
def healthz():
    report = {"database": _check(lambda: db.session.execute(sa.text("SELECT 1")))}
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        report["redis"] = _check(lambda: _redis(redis_url).ping())
    healthy = all(value == "ok" for value in report.values())
    return jsonify({"status": "ok" if healthy else "degraded", **report}), 200 if healthy else 503

"""Liveness and readiness: the process answers and the database responds."""
import sqlalchemy as sa
from flask import Blueprint, jsonify

from app.extensions import csrf, db

bp = Blueprint("health", __name__)
csrf.exempt(bp)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised: this is the health check
        database = f"error: {exc.__class__.__name__}"
    status = 200 if database == "ok" else 503
    return jsonify({"status": "ok" if status == 200 else "degraded", "database": database}), status

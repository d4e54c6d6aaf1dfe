"""GET /healthz: the database's state (and the scheduler's heartbeat once it runs)."""

from flask import Blueprint, current_app, jsonify

from workflow.db import ping

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer JSON; 503 when the database does not answer."""
    body = {"status": "ok"}
    try:
        body["database"] = {"state": "ok", "backend": ping()}
    except Exception as exc:  # any failure means "not healthy"; say which
        current_app.logger.warning("health check: database: %s", exc)
        body["status"] = "error"
        body["database"] = {"state": "error", "error": type(exc).__name__}
    # Other parts (the scheduler) register a callable returning a dict of their own state.
    for reporter in current_app.extensions.get("health_reporters", ()):
        body.update(reporter())
    return jsonify(body), 200 if body["status"] == "ok" else 503

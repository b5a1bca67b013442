"""`GET /health`: whether this web server can reach its database within a bound.

The response is JSON `{"status", "server", "database", "elapsed_ms"}`: 200 with status `ok` when
`SELECT 1` returns within `HEALTH_TIMEOUT_S` (default 1 s), else 503 with status `unavailable`
and database `timeout` or `error`. The query runs in its own thread so that a frozen database
cannot delay the response past the bound, which HAProxy's check and the probe rely on.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from .extensions import csrf, db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)
csrf.exempt(bp)


@dataclass
class CheckResult:
    """The outcome of one database check: `ok`, `timeout` or `error`."""

    database: str
    elapsed_ms: int


def check_database(engine: Engine, timeout_s: float) -> CheckResult:
    """Run `SELECT 1` in a daemon thread and wait at most `timeout_s` for it."""
    outcome: dict[str, str] = {}

    def run_query() -> None:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1")).scalar_one()
            outcome["database"] = "ok"
        except SQLAlchemyError as exc:
            outcome["database"] = "error"
            log.warning("health check failed: %s", type(getattr(exc, "orig", None) or exc).__name__)

    started = time.monotonic()
    # NOTE: a thread that misses the deadline lives on until the driver's own connect or read
    # timeout ends it; those are a few seconds (see config), so such threads do not pile up.
    worker = threading.Thread(target=run_query, name="health-check", daemon=True)
    worker.start()
    worker.join(timeout_s)
    elapsed_ms = round((time.monotonic() - started) * 1000)
    return CheckResult(database=outcome.get("database", "timeout"), elapsed_ms=elapsed_ms)


@bp.route("/health")
def health() -> tuple[Response, int]:
    """Return 200 when the database returns SELECT 1 within the bound, 503 otherwise."""
    result = check_database(db.engine, float(current_app.config["HEALTH_TIMEOUT_S"]))
    healthy = result.database == "ok"
    body = {
        "status": "ok" if healthy else "unavailable",
        "server": current_app.config["HALAB_SERVER_NAME"],
        "database": result.database,
        "elapsed_ms": result.elapsed_ms,
    }
    if not healthy:
        log.warning("health: database %s after %d ms", result.database, result.elapsed_ms)
    return jsonify(body), 200 if healthy else 503

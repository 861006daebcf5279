"""Probes for operators and orchestrators (no client authentication).

``/health/live``: the process answers. ``/health/ready``: the model is loaded and the store can
take records. While the database is down the service still answers hook calls (records wait on
local disk), so ready stays 200 and says ``degraded`` with the backlog; only a local backlog
that cannot be written makes it 503.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from flask import Blueprint, Flask

from .runtime import current_runtime
from .storage import current_store

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


@bp.get("/health/live")
def live() -> dict[str, Any]:
    return {"status": "live"}


@bp.get("/health/ready")
def ready() -> tuple[dict[str, Any], int]:
    model = current_runtime().model
    body: dict[str, Any] = {"model": {"id": model.id, "version": model.version}}
    try:
        status = current_store().status()
    except (sqlite3.Error, OSError) as exc:
        log.error("the local backlog cannot be used: %s", type(exc).__name__)
        return {**body, "status": "unavailable", "store": {"backlog": "unusable"}}, 503
    body["status"] = "ready" if status.database_up else "degraded"
    body["store"] = {
        "database": "up" if status.database_up else "down",
        "backlog": status.backlog,
        "refused": status.refused,
    }
    return body, 200


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

"""Probes for operators and orchestrators (no client authentication).

``/health/live``: the process answers (restarting it would not help anything else).
``/health/ready``: the model is loaded and the store takes records, so this instance may be
sent hook calls. While the database is down the service still answers hook calls (records wait
on local disk), so ready stays 200 and says ``degraded`` with the backlog; likewise while the
shared jti replay store does not answer (this process's memory decides, or calls get 503, as
configured). A missing model or a local backlog that cannot be written makes it 503.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from flask import Blueprint, Flask, current_app

from .storage import current_replays, current_store

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


@bp.get("/health/live")
def live() -> dict[str, Any]:
    return {"status": "live"}


@bp.get("/health/ready")
def ready() -> tuple[dict[str, Any], int]:
    runtime = current_app.extensions.get("pvp_cds")
    if runtime is None:
        return {"status": "unavailable", "model": None}, 503
    model = runtime.model
    body: dict[str, Any] = {"model": {"id": model.id, "version": model.version}}
    try:
        status = current_store().status()
    except (sqlite3.Error, OSError) as exc:
        log.error("the local backlog cannot be used: %s", type(exc).__name__)
        return {**body, "status": "unavailable", "store": {"backlog": "unusable"}}, 503
    replays = current_replays().status()
    body["status"] = "ready" if status.database_up and replays.up else "degraded"
    body["store"] = {
        "database": "up" if status.database_up else "down",
        "backlog": status.backlog,
        "refused": status.refused,
    }
    body["replay"] = {"store": replays.store, "shared": "up" if replays.up else "down"}
    return body, 200


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

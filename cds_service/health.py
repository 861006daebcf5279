"""Probes for operators and orchestrators (no client authentication).

``/health/live``: the process answers (restarting it would not help anything else).
``/health/ready``: the model is loaded, so this instance may be sent hook calls.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app

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
    return {"status": "ready", "model": {"id": model.id, "version": model.version}}, 200


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

"""pvp-cds: a CDS Hooks 2.0 service for residual back pain risk after vertebroplasty.

``create_app`` layers configuration like Flask's tutorial: defaults, then ``PVP_CDS_*``
environment variables, then the test configuration. Everything a request needs (model,
code mappings, service registry, HTTP session) is built here, once.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import auth, error_handlers, health, hooks, logs, metrics, pages, settings, storage
from .json_provider import OrjsonProvider
from .runtime import build_runtime


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_prefixed_env("PVP_CDS")
    if test_config is not None:
        app.config.from_mapping(test_config)
    settings.check(app.config)
    logs.init_app(app)
    metrics.init_app(app)
    error_handlers.init_app(app)
    storage.init_app(app)
    auth.init_app(app)
    runtime = app.extensions["pvp_cds"] = build_runtime(app.config)
    # The FHIR query threads end with the app, not with the process (tests build many apps).
    weakref.finalize(app, runtime.executor.shutdown, wait=False)
    hooks.init_app(app)
    health.init_app(app)
    pages.init_app(app)
    return app

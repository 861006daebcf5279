"""pvp-cds: a CDS Hooks 2.0 service for residual back pain risk after vertebroplasty.

``create_app`` layers configuration like Flask's tutorial: defaults, then ``PVP_CDS_*``
environment variables, then the test configuration. Everything a request needs (model,
code mappings, service registry, HTTP session) is built here, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import auth, errors, hooks, logs
from .runtime import build_runtime

DEFAULTS: dict[str, Any] = {
    # The model file; None is the packaged Li 2021 model.
    "MODEL_FILE": None,
    # A site code-mapping file (JSON or YAML) on top of the default code contract.
    "MAPPING_FILE": None,
    # Where "high" starts; None is the model's derivation-cohort event rate (13.8%).
    "HIGH_RISK_THRESHOLD": None,
    "FHIR_CONNECT_TIMEOUT": 3.05,
    "FHIR_READ_TIMEOUT": 10.0,
    "FHIR_MAX_PAGES": 20,
    # _count asked of the FHIR server per search page; None leaves it to the server.
    "FHIR_PAGE_SIZE": None,
    "FHIR_WORKERS": 8,
    # Flask's own request-size cap: larger bodies get 413.
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    "MAX_JSON_DEPTH": 64,
    "CORS_ORIGINS": "*",
    # CDS client authentication (JWT): "required" or, for local development only, "off".
    "AUTHENTICATION": "required",
    "TRUSTED_CLIENTS_FILE": None,
    # This service's public base URL as clients call it: the JWT audience is this + the path.
    "PUBLIC_BASE_URL": None,
    "JWT_ALGORITHMS": ["ES384", "RS384"],
    "JWT_LEEWAY_SECONDS": 5,
    "JWKS_TTL_SECONDS": 3600,
    # FHIR servers any caller may send (base URLs); trusted clients add their own.
    "FHIR_SERVERS": [],
    # Plain-http FHIR servers and key URLs: local development only.
    "ALLOW_HTTP_FHIR": False,
    # Key for pseudonymising patient ids in logs; None draws a random one per process.
    "LOG_PSEUDONYM_KEY": None,
}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("PVP_CDS")
    if test_config is not None:
        app.config.from_mapping(test_config)
    logs.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    app.extensions["pvp_cds"] = build_runtime(app.config)
    hooks.init_app(app)
    return app

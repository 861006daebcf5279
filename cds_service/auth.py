"""Who may call the service and which FHIR servers it may be sent to (CDS Hooks 2.0 §
"Trusting CDS Clients"). Authentication is on unless the configuration turns it off."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, Request, current_app, g

from fhir_mappings.server_base import ServerBase

from . import metrics
from .client_auth import (
    AuthenticationError,
    ClientAuthenticator,
    FhirServerNotAllowed,
    ReplayChecker,
    check_fhir_server,
    load_trusted_clients,
)
from .errors import DataUnavailable, StartupError
from .outbound import pooled_session

log = logging.getLogger(__name__)

AUTHENTICATION_REQUIRED = "required"
AUTHENTICATION_OFF = "off"


@dataclass(frozen=True)
class Gate:
    """The authenticator (None when authentication is off) and the FHIR server rules."""

    authenticator: ClientAuthenticator | None
    #: Without a trailing slash: the audience is this + the request path.
    public_base_url: str | None
    fhir_servers: frozenset[str]
    allow_http_fhir: bool

    def authenticate(self, current: Request) -> None:
        """``current``: the request (not Flask's proxy: each read through it is a lookup)."""
        if self.authenticator is None or current.method == "OPTIONS":
            return
        audience = self.public_base_url + current.path
        # An AuthenticationError is an Unauthorized: answered 401, its reason logged only.
        try:
            g.cds_client = self.authenticator.authenticate(
                current.environ.get("HTTP_AUTHORIZATION"), audience
            )
        except AuthenticationError as exc:
            metrics.authentication_refused(exc.refusal)
            raise

    def check_fhir_server(self, url: str) -> None:
        """Refuse, before any request leaves, a fhirServer this caller may not send us to."""
        client = g.get("cds_client")
        allowed = self.fhir_servers | (client.fhir_servers if client is not None else frozenset())
        try:
            check_fhir_server(url, allowed, allow_http=self.allow_http_fhir)
        except FhirServerNotAllowed as exc:
            log.warning("fhirServer refused: %s", exc.reason)
            raise DataUnavailable(
                f"fhirServer is not one this service may query ({exc.reason}); prefetch the data "
                "or ask the operator to allow the server"
            ) from None


def gate() -> Gate:
    return gate_of(current_app)


def gate_of(app: Flask) -> Gate:
    """``app``'s gate; for a caller that holds the app (not Flask's proxy) already."""
    return app.extensions["pvp_cds_gate"]


def build_gate(config: Mapping[str, Any], replays: ReplayChecker) -> Gate:
    mode = config["AUTHENTICATION"]
    allow_http = config["ALLOW_HTTP_FHIR"]
    fhir_servers = frozenset(_checked_bases(config["FHIR_SERVERS"]))
    if mode == AUTHENTICATION_OFF:
        log.warning("authentication of CDS clients is OFF: for local development only")
        return Gate(None, None, fhir_servers, allow_http)
    if mode != AUTHENTICATION_REQUIRED:
        raise StartupError(
            f"PVP_CDS_AUTHENTICATION must be '{AUTHENTICATION_REQUIRED}' or "
            f"'{AUTHENTICATION_OFF}', not {mode!r}"
        )
    missing = [name for name in ("TRUSTED_CLIENTS_FILE", "PUBLIC_BASE_URL") if not config[name]]
    if missing:
        names = " and ".join(f"PVP_CDS_{name}" for name in missing)
        raise StartupError(
            f"authentication is required: set {names}, or PVP_CDS_AUTHENTICATION=off for local "
            "development"
        )
    clients = load_trusted_clients(config["TRUSTED_CLIENTS_FILE"], allow_http=allow_http)
    authenticator = ClientAuthenticator(
        clients,
        algorithms=config["JWT_ALGORITHMS"],
        leeway=timedelta(seconds=config["JWT_LEEWAY_SECONDS"]),
        max_lifetime=timedelta(seconds=config["JWT_MAX_LIFETIME_SECONDS"]),
        jwks_ttl=timedelta(seconds=config["JWKS_TTL_SECONDS"]),
        session=pooled_session(len(clients.clients)),
        timeout=config["JWKS_TIMEOUT"],
        replays=replays,
    )
    return Gate(authenticator, config["PUBLIC_BASE_URL"].rstrip("/"), fhir_servers, allow_http)


def _checked_bases(urls: list[str]) -> list[str]:
    """The global FHIR servers, each a base URL as the allow-list reads it: one that is not (a
    dot segment, a query) would never match, and every call sent there would fail."""
    for index, url in enumerate(urls):
        try:
            ServerBase.parse(url)
        except ValueError as exc:
            raise StartupError(f"PVP_CDS_FHIR_SERVERS[{index}]: {url!r}: {exc}") from None
    return urls


def init_app(app: Flask) -> None:
    # The replay check is shared, so every process (and instance) refuses a replayed jti.
    app.extensions["pvp_cds_gate"] = build_gate(app.config, app.extensions["pvp_cds_replays"])

"""The service's settings: defaults, and the check that refuses a value of the wrong kind.

``Config.from_prefixed_env`` parses a value as JSON where it can and keeps the text where it
cannot, so ``PVP_CDS_ALLOW_HTTP_FHIR=False`` (not JSON) arrives as the non-empty, truthy string
"False". Every setting is therefore checked once at start-up, never coerced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .client_auth import DEFAULT_ALGORITHMS
from .errors import StartupError


@dataclass(frozen=True)
class Setting:
    default: Any
    #: The JSON kinds accepted: bool, int, float (an int is a float too), str, list (of str).
    kinds: tuple[type, ...]
    optional: bool = False
    positive: bool = False
    #: When given, the only values accepted.
    choices: tuple[str, ...] = ()


SETTINGS: dict[str, Setting] = {
    # The model file; None is the packaged Li 2021 model.
    "MODEL_FILE": Setting(None, (str,), optional=True),
    # A site code-mapping file (JSON or YAML) on top of the default code contract.
    "MAPPING_FILE": Setting(None, (str,), optional=True),
    # Read findings no Observation codes from radiology report text (DiagnosticReport).
    "REPORT_TEXT": Setting(True, (bool,)),
    # A site file (JSON or YAML) adding phrases and modifiers to the report text rules.
    "REPORT_RULES_FILE": Setting(None, (str,), optional=True),
    # A site's own source attributes (JSON or YAML): who answers for the model there, when it
    # was reviewed, its entries for the attributes a site adds to (docs/governance.md).
    "SITE_ATTRIBUTES_FILE": Setting(None, (str,), optional=True),
    # "off" switches the risk estimates off (a card says they are paused), for a governance
    # committee that stops the model while it is reviewed (docs/operations.md).
    "ESTIMATES": Setting("on", (str,), choices=("on", "off")),
    # Where "high" starts; None is the model file's default (its risk_threshold: 13.8%).
    "HIGH_RISK_THRESHOLD": Setting(None, (float,), optional=True),
    "FHIR_CONNECT_TIMEOUT": Setting(3.05, (float,), positive=True),
    "FHIR_READ_TIMEOUT": Setting(10.0, (float,), positive=True),
    "FHIR_MAX_PAGES": Setting(20, (int,), positive=True),
    # _count asked of the FHIR server per search page; None leaves it to the server.
    "FHIR_PAGE_SIZE": Setting(None, (int,), optional=True, positive=True),
    "FHIR_WORKERS": Setting(8, (int,), positive=True),
    # Seconds a hook call may spend on FHIR reads in all (every query and page); then 412.
    # CDS Hooks 2.0 asks services to answer "on the order of 500 ms"; see docs/performance.md.
    "HOOK_DEADLINE_SECONDS": Setting(1.5, (float,), positive=True),
    # Seconds a request body may take to arrive after its headers (under pvp-cds serve); then
    # 408 and the connection is closed, so a slow client cannot hold a worker thread longer.
    "BODY_DEADLINE_SECONDS": Setting(5.0, (float,), positive=True),
    # Flask's own request-size cap: larger bodies get 413.
    "MAX_CONTENT_LENGTH": Setting(5 * 1024 * 1024, (int,), positive=True),
    # A feedback request's caps (413 beyond): items, and bytes of its body.
    "FEEDBACK_MAX_ITEMS": Setting(100, (int,), positive=True),
    "FEEDBACK_MAX_BYTES": Setting(1024 * 1024, (int,), positive=True),
    "MAX_JSON_DEPTH": Setting(64, (int,), positive=True),
    "CORS_ORIGINS": Setting("*", (str, list)),
    # CDS client authentication (JWT): "required" or, for local development only, "off".
    "AUTHENTICATION": Setting("required", (str,)),
    "TRUSTED_CLIENTS_FILE": Setting(None, (str,), optional=True),
    # This service's public base URL as clients call it: the JWT audience is this + the path.
    "PUBLIC_BASE_URL": Setting(None, (str,), optional=True),
    "JWT_ALGORITHMS": Setting(list(DEFAULT_ALGORITHMS), (list,)),
    "JWT_LEEWAY_SECONDS": Setting(5, (int,)),
    # Longest lifetime (exp - iat) of a client JWT; EHRs issue them for 5 minutes.
    "JWT_MAX_LIFETIME_SECONDS": Setting(300, (int,), positive=True),
    "JWKS_TTL_SECONDS": Setting(3600, (int,), positive=True),
    # Seconds to fetch a client's JWK Set; the key cache keeps the last good set meanwhile.
    "JWKS_TIMEOUT": Setting(5.0, (float,), positive=True),
    # FHIR servers any caller may send (base URLs); trusted clients add their own.
    "FHIR_SERVERS": Setting([], (list,)),
    # Plain-http FHIR servers and key URLs: local development only.
    "ALLOW_HTTP_FHIR": Setting(False, (bool,)),
    # The service's log level (DEBUG, INFO, WARNING, ERROR).
    "LOG_LEVEL": Setting("INFO", (str,), choices=("DEBUG", "INFO", "WARNING", "ERROR")),
    # Key for pseudonymising patient ids in logs; None draws a random one per process.
    "LOG_PSEUDONYM_KEY": Setting(None, (str,), optional=True),
    # Durable state (docs/storage.md). The data directory holds the embedded database and the
    # local backlog; None is the user's state directory.
    "DATA_DIR": Setting(None, (str,), optional=True),
    # None: the embedded SQLite database in DATA_DIR. Production: postgresql://...
    "DATABASE_URL": Setting(None, (str,), optional=True),
    # Seconds any database call on a request's path may take before the store counts as down.
    "DATABASE_TIMEOUT": Setting(1.0, (float,), positive=True),
    # The shared jti replay check (docs/security.md): "sqlite" (a file of its own in DATA_DIR,
    # shared by one host's processes), "postgresql" (the service's database) or "redis"; None
    # follows the database: postgresql when DATABASE_URL is PostgreSQL, else sqlite.
    "REPLAY_STORE": Setting(None, (str,), optional=True, choices=("sqlite", "postgresql", "redis")),
    "REPLAY_REDIS_URL": Setting(None, (str,), optional=True),
    # Seconds a replay check may wait for its store before the fallback decides.
    "REPLAY_TIMEOUT": Setting(0.5, (float,), positive=True),
    # While the store does not answer: "local" (this process's memory decides) or "refuse" (503).
    "REPLAY_FALLBACK": Setting("local", (str,), choices=("local", "refuse")),
    # Audit rows older than this many days go with `pvp-cds audit purge`.
    "AUDIT_RETENTION_DAYS": Setting(3650, (int,), positive=True),
    # pvp-cds serve: worker processes (None: one per available core), seconds calls in flight
    # get to finish after SIGTERM, and the port of the metrics endpoint (None: not served).
    "WORKERS": Setting(None, (int,), optional=True, positive=True),
    "GRACEFUL_TIMEOUT": Setting(20, (int,), positive=True),
    "METRICS_PORT": Setting(None, (int,), optional=True, positive=True),
    # The monitor.json of the latest `pvp-cds monitor`, read at each scrape of the metrics port.
    "MONITOR_FILE": Setting(None, (str,), optional=True),
}

DEFAULTS: dict[str, Any] = {name: setting.default for name, setting in SETTINGS.items()}

_KIND_NAMES = {
    bool: "true or false",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "a JSON list of strings",
}


def check(config: Mapping[str, Any]) -> None:
    """Raise StartupError naming every setting whose value is of the wrong kind."""
    problems = [
        f"PVP_CDS_{name}: {problem}"
        for name, setting in SETTINGS.items()
        if (problem := _problem(config[name], setting))
    ]
    if problems:
        raise StartupError("; ".join(problems))


def _problem(value: Any, setting: Setting) -> str | None:
    if value is None and setting.optional:
        return None
    if not any(_is_kind(value, kind) for kind in setting.kinds):
        expected = " or ".join(_KIND_NAMES[kind] for kind in setting.kinds)
        return f"expected {expected}, got {value!r}"
    if setting.positive and value <= 0:
        return f"must be more than 0, got {value!r}"
    if setting.choices and value not in setting.choices:
        return f"expected one of {', '.join(setting.choices)}, got {value!r}"
    return None


def _is_kind(value: Any, kind: type) -> bool:
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, int | float)
    if kind is list:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    return isinstance(value, kind)

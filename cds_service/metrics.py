"""Prometheus metrics: what an operator alerts on, and nothing about any patient.

Every label takes its value from a closed set: this server's service ids, the hook outcomes,
the risk tiers, the FHIR resource types the service asks for, classes of authentication
refusal, status codes. Nothing a client sends (a patient id, a hookInstance, a URL) can become a
label, so no label carries patient data and the number of series stays bounded.

Under ``pvp-cds serve`` every gunicorn worker writes its counts to files in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode) and the exposition sums
them. prometheus_client picks that mode once, when it is first imported, from that environment
variable: it is therefore imported here only when the first metric is made, after ``serve`` has
set the directory (see ``serving.prepare_metrics_directory``), which it does before it builds
the app.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from flask import Flask, Request, Response, g, request

from fhir_mappings import Applicability

from .client_auth.errors import Refusal

# Imported here, not in the function that uses it: an import statement there cost every
# request about a microsecond. (The package imports this module before the runtime's.)
from .runtime import runtime_of

if TYPE_CHECKING:
    from prometheus_client import Counter, Gauge, Histogram

    from scoring import RiskTier

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"

#: Seconds. Fine below the half second a CDS client is expected to wait, coarse above it.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

#: The resource types the service asks for (the prefetch templates, the radiology reports);
#: any other (a next link's path on a server of the client's choosing) is counted as "other",
#: never named.
FHIR_RESOURCE_TYPES = frozenset(
    {"Patient", "Procedure", "Observation", "Condition", "DiagnosticReport", "RiskAssessment"}
)

#: An answer with a 200: what the service said.
_OUTCOMES = {
    Applicability.NO_PROCEDURE: "quiet",
    Applicability.APPLIES: "card",
}
NOT_APPLICABLE = "not-applicable"

#: Every value the ``outcome`` label of the hook calls takes, and the ``reason`` label of the
#: authentication refusals: what alert rules may match on.
HOOK_OUTCOMES = ("card", "quiet", NOT_APPLICABLE, "4xx", "412", "5xx")
#: Request methods counted by name; any other is counted as "other".
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REFUSAL_REASONS = tuple(refusal.value for refusal in Refusal)


@dataclass(frozen=True)
class Instruments:
    hook_calls: Counter
    request_seconds: Histogram
    fhir_queries: Counter
    fhir_query_seconds: Histogram
    authentication_refusals: Counter
    feedback: Counter
    storage_errors: Counter
    storage_backlog: Gauge
    replay_local_decisions: Counter


_MAKING = threading.Lock()


def instruments() -> Instruments:
    """The process's metrics, made once (the registry refuses a name registered twice). A
    worker's first calls arrive on several threads at once: the lock makes them wait for one."""
    with _MAKING:
        return _instruments()


@functools.cache
def _instruments() -> Instruments:
    from prometheus_client import Counter, Gauge, Histogram

    return Instruments(
        hook_calls=Counter(
            "pvp_cds_hook_calls",
            "CDS Hooks service calls by service, outcome (card, quiet, not-applicable, 4xx, "
            "412, 5xx) and risk tier (low, high, indeterminate; none without a risk)",
            ["service", "outcome", "tier"],
        ),
        request_seconds=Histogram(
            "pvp_cds_http_request_duration_seconds",
            "Time to answer an HTTP request, by route and method",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
        ),
        fhir_queries=Counter(
            "pvp_cds_fhir_queries",
            "FHIR queries to the EHR's server by resource type and status (an HTTP status, "
            "timeout or unreachable)",
            ["resource_type", "status"],
        ),
        fhir_query_seconds=Histogram(
            "pvp_cds_fhir_query_duration_seconds",
            "Time to an answer (or failure) of one FHIR query, by resource type",
            ["resource_type"],
            buckets=LATENCY_BUCKETS,
        ),
        authentication_refusals=Counter(
            "pvp_cds_authentication_refusals",
            "CDS client requests refused with 401, by class of reason",
            ["reason"],
        ),
        feedback=Counter(
            "pvp_cds_feedback",
            "CDS Hooks feedback items received, by outcome (accepted, overridden)",
            ["outcome"],
        ),
        storage_errors=Counter(
            "pvp_cds_storage_errors",
            "Failed writes or reads of the database, by operation",
            ["operation"],
        ),
        storage_backlog=Gauge(
            "pvp_cds_storage_backlog",
            "Records kept on local disk waiting for the database",
            # Each worker keeps a backlog of its own and moves it: the instance's is their sum.
            multiprocess_mode="livesum",
        ),
        replay_local_decisions=Counter(
            "pvp_cds_replay_local_decisions",
            "jti replay checks decided by one process's memory alone, because the shared replay "
            "store did not answer: a token accepted so may be accepted once more elsewhere",
        ),
    )


# --- What the request path calls: one line at each place that knows the fact. -------------


def note_applicability(applicability: Applicability, quiet: bool = False) -> None:
    """The hook call answered 200; say what it answered (``quiet``: outside the time from the
    procedure to the one-month assessment, nothing)."""
    g.metrics_outcome = "quiet" if quiet else _OUTCOMES.get(applicability, NOT_APPLICABLE)


def note_tier(tier: RiskTier) -> None:
    g.metrics_tier = str(tier)


def authentication_refused(refusal: Refusal) -> None:
    instruments().authentication_refusals.labels(refusal.value).inc()


def feedback_received(items: Iterable[Mapping[str, Any]]) -> None:
    for item in items:
        outcome = item.get("outcome")
        label = outcome if outcome in ("accepted", "overridden") else "other"
        instruments().feedback.labels(label).inc()


def fhir_get(session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
    """``session.get(url, **kwargs)``, timed and counted under the resource type it reads."""
    label = fhir_resource_type(url)
    status = "unreachable"
    started = time.perf_counter()
    try:
        response = session.get(url, **kwargs)
        status = str(response.status_code)
        return response
    except requests.Timeout:
        status = "timeout"
        raise
    finally:
        measured = instruments()
        measured.fhir_query_seconds.labels(label).observe(time.perf_counter() - started)
        measured.fhir_queries.labels(label, status).inc()


# --- For the storage layer. ---------------------------------------------------------------


def storage_error(operation: str) -> None:
    """A database operation failed. ``operation`` is a constant of the caller's (``audit``,
    ``feedback``, ``replay``), never a value taken from a request."""
    instruments().storage_errors.labels(operation).inc()


def storage_backlog(pending: int) -> None:
    """How many records wait on local disk for the database, as of now."""
    instruments().storage_backlog.set(pending)


def replay_decided_locally() -> None:
    instruments().replay_local_decisions.inc()


def fhir_resource_type(url: str) -> str:
    """The last path segment that is one of the resource types we ask for: a read's id (which
    may look like a type, ``Patient/Zeta9``) or a server's paging path never becomes a label."""
    segments = urlsplit(url).path.split("/")
    return next((s for s in reversed(segments) if s in FHIR_RESOURCE_TYPES), "other")


# --- Exposition. ----------------------------------------------------------------------------


def exposition() -> tuple[bytes, str]:
    """The metrics in the Prometheus text format, summed over every worker's files when in
    multiprocess mode; and the content type."""
    from prometheus_client import (
        CONTENT_TYPE_LATEST,
        REGISTRY,
        CollectorRegistry,
        generate_latest,
        values,
    )
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = REGISTRY
    # The mode in force, fixed when prometheus_client was imported (the variable may have been
    # set since, in a process that imported it earlier).
    if values.ValueClass is not values.MutexValue:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    return generate_latest(registry), CONTENT_TYPE_LATEST


#: The WSGI environ key under which a request's start (``time.perf_counter()``) is kept.
STARTED = "pvp_cds.metrics_started"


class _Timed:
    """The app's WSGI callable, noting when each request arrived. A WSGI wrapper, not a
    before-request function: Flask inspects each of those on every request, and the time then
    includes Flask's own work before the view."""

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        environ[STARTED] = time.perf_counter()
        return self.wsgi_app(environ, start_response)


def _record(app: Flask, response: Response) -> Response:
    # The request and g once each, the app given: every access through Flask's proxies costs
    # a lookup, and this runs on every request.
    current = request._get_current_object()
    started = current.environ.pop(STARTED, None)
    if started is None:
        return response
    route = current.url_rule.rule if current.url_rule is not None else "unmatched"
    # A client may send any method name: an unknown one must not become a label of its own.
    method = current.method if current.method in HTTP_METHODS else "other"
    _labelled(instruments().request_seconds, route, method).observe(time.perf_counter() - started)
    # A CORS preflight (OPTIONS) to the same URL is not a hook call.
    if current.endpoint == "cds_hooks.call_service" and current.method == "POST":
        labels = _hook_labels(app, current, g._get_current_object(), response.status_code)
        _labelled(instruments().hook_calls, *labels).inc()
    return response


@functools.cache
def _labelled(metric: Any, *values: str) -> Any:
    """The metric's child for these label values, looked up once: prometheus_client checks
    the values and takes a lock on every ``labels`` call. Every label here has a fixed set of
    values (routes, ``HTTP_METHODS`` and "other", services, outcomes, tiers), so the cache
    stays small."""
    return metric.labels(*values)


def _hook_labels(app: Flask, current: Request, state: Any, status: int) -> tuple[str, str, str]:
    service_id = (current.view_args or {}).get("service_id")
    service = service_id if service_id in runtime_of(app).services else "unknown"
    if status == 200:
        outcome = state.metrics_outcome
    elif status == 412:
        outcome = "412"
    else:
        outcome = f"{status // 100}xx"
    return service, outcome, state.get("metrics_tier", "none")


def init_app(app: Flask) -> None:
    # The metrics themselves are made on first use, not here: ``serve`` builds the app before
    # it sets the multiprocess directory.
    app.wsgi_app = _Timed(app.wsgi_app)
    app.after_request(functools.partial(_record, app))

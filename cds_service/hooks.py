"""The CDS Hooks HTTP surface: discovery, service calls, feedback, health."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.resource import Resource
from flask import Blueprint, Flask, current_app, request
from flask_cors import CORS
from werkzeug.exceptions import RequestEntityTooLarge

import fhir_mappings
from fhir_mappings import Applicability
from scoring import RiskEstimate, predict

from . import (
    auth,
    body_deadline,
    cards,
    fhir_resources,
    logs,
    metrics,
    pages,
    recording,
    report_fetch,
    request_body,
    schemas,
    storage,
    wording,
)
from .cds_hooks import Action, ActionType, CdsResponse
from .deadline import Deadline
from .errors import InvalidRequest
from .prefetch import gather
from .runtime import Runtime, current_runtime, runtime_of

log = logging.getLogger(__name__)

bp = Blueprint("cds_hooks", __name__)


@bp.before_request
def _authenticate_then_read_body() -> None:
    """One function, not two: Flask inspects each before-request function on every request.
    Authentication first: an unauthenticated client's body is not read."""
    # The app and the request once each: every access through Flask's proxies is a lookup.
    app, current = current_app._get_current_object(), request._get_current_object()
    auth.gate_of(app).authenticate(current)
    body_deadline.read_body_in_time(current, app.config["BODY_DEADLINE_SECONDS"])


#: Endpoints for operators (load balancers, monitoring): no client authentication.
ops = Blueprint("ops", __name__)


#: The discovery extension that points a CDS client at the model's source attributes
#: (docs/cds-hooks-conformance.md: our extensions use reverse-domain keys).
SOURCE_ATTRIBUTES_EXTENSION = "org.pvp-cds.source-attributes"


@bp.get("/cds-services")
def discovery() -> dict[str, Any]:
    runtime = current_runtime()
    extension = {SOURCE_ATTRIBUTES_EXTENSION: _source_attributes_pointer(runtime)}
    return {
        "services": [
            {**service.discovery(), "extension": extension} for service in runtime.services.values()
        ]
    }


def _source_attributes_pointer(runtime: Runtime) -> dict[str, str]:
    """Where the model's source attributes are served, and which model they describe."""
    return {
        "url": f"{pages.public_base_url()}{pages.SOURCE_ATTRIBUTES_PATH}",
        "modelId": runtime.model.id,
        "modelVersion": runtime.model.version,
        "regulation": runtime.source_attributes.document["regulation"],
    }


@bp.post("/cds-services/<service_id>")
def call_service(service_id: str) -> dict[str, Any]:
    started = time.perf_counter()
    # The app once: every access through Flask's proxy is a lookup.
    app = current_app._get_current_object()
    deadline = Deadline.after(app.config["HOOK_DEADLINE_SECONDS"])
    runtime, gate = runtime_of(app), auth.gate_of(app)
    service = runtime.service(service_id)
    hook_request = _valid_body(schemas.HOOK_REQUEST, app.config["MAX_JSON_DEPTH"])
    if hook_request["hook"] != service.hook:
        raise InvalidRequest(
            f"service '{service.id}' answers the '{service.hook}' hook; "
            f"this request is for '{hook_request['hook']}'"
        )
    context = hook_request["context"]
    # The request's time: the card is about pain at one month, so when it is asked matters.
    now = datetime.now(UTC)
    logs.note_request(
        hook_instance=hook_request["hookInstance"],
        service_id=service.id,
        patient_id=context["patientId"],
    )
    payloads = gather(
        service.prefetch,
        hook_request,
        runtime.fhir,
        runtime.executor,
        gate.check_fhir_server,
        deadline,
        service.optional_prefetch,
    )
    labelled = {f"prefetch '{key}'": values for key, values in payloads.items()}
    # Resources are about this patient on this server: an absolute subject is checked against
    # the fhirServer (fhir_mappings.subject).
    subject = (context["patientId"], hook_request.get("fhirServer"))
    assessment = _assess(runtime, labelled, subject, now)
    if assessment.applicability is Applicability.NO_PROCEDURE:
        # Almost every chart: nothing to fetch, write or record for it.
        metrics.note_applicability(assessment.applicability)
        log.debug("answered: applicability=%s cards=0", assessment.applicability)
        return CdsResponse().to_json()
    reports = report_fetch.radiology_reports(
        assessment, hook_request, service.prefetch, runtime, gate.check_fhir_server, deadline
    )
    if reports.resources:
        assessment = _assess(runtime, labelled, subject, now, reports.resources)
    assessment = reports.noted_on(assessment)
    recorded = recording.Recorded.from_lookup(recording.PREFETCH_KEY in payloads)
    advice = advise(runtime, assessment, context, service.hook, now, recorded)
    response = advice.response.to_json()
    storage.record_answer(
        service.id, hook_request, assessment, advice.estimate, response, started=started
    )
    metrics.note_applicability(
        assessment.applicability, quiet=assessment.time_window.timing.is_quiet
    )
    # At DEBUG: every call is counted in the metrics by outcome and tier, every card is in the
    # audit trail, and a line per call cost a tenth of a scored call under load.
    log.debug(
        "answered: applicability=%s timing=%s cards=%d",
        assessment.applicability,
        assessment.time_window.timing,
        len(response["cards"]),
    )
    return response


@bp.post("/cds-services/<service_id>/feedback")
def feedback(service_id: str) -> dict[str, Any]:
    service = current_runtime().service(service_id)
    items = _feedback_items()
    storage.record_feedback(service.id, items)
    metrics.feedback_received(items)
    log.info("feedback: %d received", len(items))
    return {}


def _feedback_items() -> list[dict[str, Any]]:
    """The items of a feedback request, within its caps: an EHR reports on the cards one
    clinician saw, and a flood of items would hold a worker (and the hook calls queued
    behind its commit) for seconds."""
    config = current_app.config
    most_bytes, most_items = config["FEEDBACK_MAX_BYTES"], config["FEEDBACK_MAX_ITEMS"]
    request.max_content_length = most_bytes
    try:
        items = _valid_body(schemas.FEEDBACK_REQUEST, config["MAX_JSON_DEPTH"])["feedback"]
    except RequestEntityTooLarge:
        raise RequestEntityTooLarge(
            f"a feedback request may have at most {most_bytes} bytes; send fewer items at once"
        ) from None
    if len(items) > most_items:
        raise RequestEntityTooLarge(
            f"a feedback request may have at most {most_items} items, this one has "
            f"{len(items)}; send them in several requests"
        )
    return items


@ops.get("/health")
def health() -> dict[str, Any]:
    model = current_runtime().model
    return {"status": "ok", "model": {"id": model.id, "version": model.version}}


@dataclass(frozen=True)
class Advice:
    response: CdsResponse
    #: The model's estimate, when the answer carries one (for the audit record).
    estimate: RiskEstimate | None = None


def advise(
    runtime: Runtime,
    assessment: fhir_mappings.Assessment,
    context: Mapping[str, Any],
    hook: str,
    now: datetime,
    recorded: recording.Recorded,
) -> Advice:
    """Findings, for a patient with a PVP on record, to the CDS response: quiet outside the
    time from the procedure to the one-month assessment, an explanation when the model does
    not apply, otherwise the risk card and, once per procedure and model version, the
    RiskAssessment."""
    if assessment.time_window.timing.is_quiet:
        return Advice(CdsResponse())
    card_context = cards.CardContext(runtime.model, runtime.tiers)
    if assessment.applicability is not Applicability.APPLIES:
        # The model card says what the model was derived on; no estimate, so no nomogram.
        card = cards.not_applicable_card(assessment, card_context, (pages.model_card_link(),))
        return Advice(CdsResponse(cards=(card,)))
    if not runtime.estimates_on:
        return Advice(CdsResponse(cards=(cards.estimates_off_card(card_context),)))
    # The mappings give only values the model takes (checked at start-up).
    estimate = predict(runtime.model, assessment.values(), runtime.tiers)
    metrics.note_tier(estimate.tier)
    patient_id = context["patientId"]
    suggestion = cards.reassessment_suggestion(assessment, runtime.model, patient_id)
    links = pages.card_links(assessment.values())
    card = cards.risk_card(estimate, assessment, card_context, suggestion, links)
    if not recording.should_record(hook, estimate, assessment, runtime.model, recorded):
        return Advice(CdsResponse(cards=(card,)), estimate)
    risk_assessment = fhir_resources.risk_assessment(
        estimate, assessment, runtime.model, patient_id, context.get("encounterId"), now
    )
    return Advice(
        CdsResponse(
            cards=(card,),
            system_actions=(
                Action(ActionType.CREATE, wording.RECORD_RISK_ASSESSMENT, risk_assessment),
            ),
        ),
        estimate,
    )


def _assess(
    runtime: Runtime,
    payloads: Mapping[str, list[dict[str, Any]]],
    subject: tuple[str, str | None],
    now: datetime,
    reports: Sequence[Resource] = (),
) -> fhir_mappings.Assessment:
    """``subject``: the patient in context and the fhirServer the request names, if any."""
    patient_id, fhir_server = subject
    try:
        return fhir_mappings.assess_payloads(
            payloads,
            patient_id,
            runtime.mapping,
            runtime.report_reader,
            now=now,
            parsed=reports,
            fhir_server=fhir_server,
        )
    except fhir_mappings.InvalidResourceError as exc:
        raise InvalidRequest(str(exc)) from None


#: Content-Type values that are JSON as sent, taken without parsing the header (werkzeug's
#: ``is_json`` parses it on every request); any other value is judged by ``is_json``.
PLAIN_JSON = frozenset({"application/json", "application/json; charset=utf-8"})


def _valid_body(schema: str, max_depth: int) -> Any:
    current = request._get_current_object()
    if current.environ.get("CONTENT_TYPE") not in PLAIN_JSON and not current.is_json:
        raise InvalidRequest("send the body as JSON with Content-Type: application/json")
    return request_body.parse(current.get_data(cache=False), schema, max_depth)


def init_app(app: Flask) -> None:
    schemas.compile_all(schemas.HOOK_REQUEST, schemas.FEEDBACK_REQUEST)
    app.register_blueprint(bp)
    app.register_blueprint(ops)
    CORS(
        app,
        resources={r"/cds-services*": {"origins": app.config["CORS_ORIGINS"]}},
        methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Accept"],
        expose_headers=["Origin", "Accept", "Content-Location", "Location", "X-Requested-With"],
        max_age=86400,
    )
    _only_for_cross_origin_requests(app)


def _only_for_cross_origin_requests(app: Flask) -> None:
    """Let flask-cors see only the requests that carry ``Origin``. A browser sends it on every
    cross-origin request and preflight (Fetch standard), and only a browser reads CORS headers;
    an EHR's server-to-server hook call has none, so it skips the header work. flask-cors
    registered its after-request function last, in Flask's public registry."""
    after_request = app.after_request_funcs[None]
    add_cors_headers = after_request.pop()
    after_request.append(
        # The environ, not ``request.origin``: werkzeug's lookup of an absent header raises
        # and catches a KeyError, a few microseconds on every server-to-server call.
        lambda response: (
            add_cors_headers(response) if request.environ.get("HTTP_ORIGIN") else response
        )
    )

"""The one place that turns exceptions into HTTP answers: a FHIR OperationOutcome that says
what to fix. A 500 means a bug."""

from __future__ import annotations

import logging

from fhir.resources.R4B.operationoutcome import OperationOutcome
from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from .errors import CdsError, Unauthorized

log = logging.getLogger(__name__)


def operation_outcome(status: int, issue_code: str, *messages: str) -> Response:
    outcome = OperationOutcome(
        issue=[{"severity": "error", "code": issue_code, "diagnostics": m} for m in messages]
    )
    response = jsonify(outcome.model_dump(mode="json", exclude_none=True))
    response.status_code = status
    response.content_type = "application/fhir+json"
    return response


def _cds_error(error: CdsError) -> Response:
    if isinstance(error, Unauthorized):
        log.warning("client authentication failed: %s", error)
        response = operation_outcome(error.status, error.issue_code, "authentication required")
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    # Status and kind only: the messages may quote what the client sent, patient data included.
    log.info("request refused with %d (%s)", error.status, type(error).__name__)
    response = operation_outcome(error.status, error.issue_code, *error.messages)
    if error.retry_after_seconds is not None:
        response.headers["Retry-After"] = str(error.retry_after_seconds)
    return response


_HTTP_ISSUE_CODES = {404: "not-found", 405: "not-supported", 413: "too-costly", 415: "invalid"}


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    response = operation_outcome(
        status, _HTTP_ISSUE_CODES.get(status, "invalid"), error.description
    )
    # Keep what werkzeug says about the error, such as Allow on a 405.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected(error: Exception) -> Response:
    log.exception("internal error (a bug): %s", type(error).__name__)
    return operation_outcome(500, "exception", "internal error; the request was not processed")


def init_app(app: Flask) -> None:
    app.register_error_handler(CdsError, _cds_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)

"""The CDS Hooks 2.0 JSON Schemas in ``schemas/``, compiled once and used to check requests
(and, in the tests, every response).

Each schema is compiled twice at start-up: with jsonschema-rs, which decides in microseconds
whether a document is valid (the answer on every request), and with jsonschema, whose
messages name the member and what to fix (only for a document found invalid). The suite checks
that both give the same verdict on every document of the schema tests."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

HOOK_REQUEST = "hook-request"
FEEDBACK_REQUEST = "feedback-request"
CDS_RESPONSE = "cds-response"
DISCOVERY_RESPONSE = "discovery-response"

#: Enough errors to fix a request in one round; more would bury the first.
MAX_REPORTED_ERRORS = 10


@cache
def _schema(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text()
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def fast_validator(name: str) -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(_schema(name), validate_formats=True)


def compile_all(*names: str) -> None:
    """Compile now, at start-up, not on the first request."""
    for name in names:
        validator(name)
        fast_validator(name)


def problems(name: str, instance: Any) -> list[str]:
    """Messages naming where and what, e.g. ``context.patientId: 'patientId' is required``."""
    if fast_validator(name).is_valid(instance):
        return []
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    # Should the two validators ever disagree, the document is still refused, with
    # jsonschema-rs's own message.
    described = [_describe(error) for error in errors[:MAX_REPORTED_ERRORS]]
    return described or [_describe_fast(name, instance)]


def _describe_fast(name: str, instance: Any) -> str:
    error = next(fast_validator(name).iter_errors(instance))
    where = ".".join(str(part) for part in error.instance_path) or "(request body)"
    return f"{where}: {error.message}"


def _describe(error: ValidationError) -> str:
    # For a oneOf/anyOf failure, best_match descends to the sub-error that says what to fix.
    best = best_match([error])
    where = ".".join(str(part) for part in best.absolute_path) or "(request body)"
    return f"{where}: {best.message}"

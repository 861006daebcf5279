"""The CDS Hooks 2.0 JSON Schemas in ``schemas/``, compiled once and used to check requests
(and, in the tests, every response)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

HOOK_REQUEST = "hook-request"
FEEDBACK_REQUEST = "feedback-request"
CDS_RESPONSE = "cds-response"
DISCOVERY_RESPONSE = "discovery-response"

#: Enough errors to fix a request in one round; more would bury the first.
MAX_REPORTED_ERRORS = 10


@cache
def validator(name: str) -> Draft202012Validator:
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text()
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(name: str, instance: Any) -> list[str]:
    """Messages naming where and what, e.g. ``context.patientId: 'patientId' is required``."""
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [_describe(error) for error in errors[:MAX_REPORTED_ERRORS]]


def _describe(error: ValidationError) -> str:
    # For a oneOf/anyOf failure, best_match descends to the sub-error that says what to fix.
    best = best_match([error])
    where = ".".join(str(part) for part in best.absolute_path) or "(request body)"
    return f"{where}: {best.message}"

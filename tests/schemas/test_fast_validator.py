"""The service decides validity with jsonschema-rs and words refusals with jsonschema: both
must give the same verdict on every document of the schema tests, valid or broken."""

from __future__ import annotations

import pytest

from cds_service import schemas

from . import spec_examples as spec
from . import test_cds_response, test_discovery_response, test_feedback_request, test_hook_request
from .schema_support import validator

CORPUS = [
    *((test_hook_request.SCHEMA, rule.document, rule.name) for rule in test_hook_request.RULES),
    *((test_cds_response.SCHEMA, r.document, r.name) for r in test_cds_response.RULES),
    *((test_discovery_response.SCHEMA, r.document, r.name) for r in test_discovery_response.RULES),
    *((test_feedback_request.SCHEMA, r.document, r.name) for r in test_feedback_request.RULES),
    (test_hook_request.SCHEMA, spec.HOOK_REQUEST_EXAMPLE, "hook-request-example"),
    (test_hook_request.SCHEMA, test_hook_request.DISCHARGE, "encounter-discharge-example"),
]


@pytest.mark.parametrize(
    ("schema", "document"), [c[:2] for c in CORPUS], ids=[c[2] for c in CORPUS]
)
def test_fast_validator_gives_the_verdict_of_jsonschema(schema, document) -> None:
    assert schemas.fast_validator(schema).is_valid(document) == validator(schema).is_valid(document)

"""hook-request.schema.json against the CDS Hooks 2.0 examples and each rule it encodes."""

from __future__ import annotations

from typing import Any

import pytest

from . import spec_examples as spec
from .schema_support import Rule, removed, replaced, violations

SCHEMA = "hook-request"
BASE = spec.HOOK_REQUEST_EXAMPLE


def _with_context(hook: str, context: Any) -> dict[str, Any]:
    return replaced(replaced(BASE, ("hook",), hook), ("context",), context)


DISCHARGE = _with_context("encounter-discharge", spec.ENCOUNTER_DISCHARGE_CONTEXT_EXAMPLE)


def test_calling_example_is_accepted() -> None:
    assert violations(SCHEMA, BASE) == []


@pytest.mark.parametrize(
    "context",
    [spec.PATIENT_VIEW_CONTEXT_IN_SPEC, *spec.PATIENT_VIEW_CONTEXT_EXAMPLES],
    ids=["hook-context-section", "patient-view-page-1", "patient-view-page-2"],
)
def test_patient_view_context_examples_are_accepted(context: dict[str, str]) -> None:
    assert violations(SCHEMA, _with_context("patient-view", context)) == []


def test_encounter_discharge_context_example_is_accepted() -> None:
    assert violations(SCHEMA, DISCHARGE) == []


def test_extension_example_fails_only_for_its_missing_patient_id() -> None:
    found = violations(SCHEMA, spec.HOOK_REQUEST_EXTENSION_EXAMPLE)
    assert [(v.keyword, v.json_path, v.message) for v in found] == [
        ("required", "$.context", "'patientId' is a required property")
    ]


def test_extension_example_with_a_patient_id_is_accepted() -> None:
    completed = replaced(spec.HOOK_REQUEST_EXTENSION_EXAMPLE, ("context", "patientId"), "123")
    assert violations(SCHEMA, completed) == []


def test_prefetch_data_example_fails_only_for_its_user_string() -> None:
    found = violations(SCHEMA, replaced(BASE, ("prefetch",), spec.PREFETCH_DATA_EXAMPLE))
    assert {(v.keyword, v.json_path) for v in found} == {
        ("anyOf", "$.prefetch.user"),
        ("type", "$.prefetch.user"),
    }


def test_prefetch_key_with_null_value_is_accepted() -> None:
    request = replaced(BASE, ("prefetch", "patientToGreet"), None)
    assert violations(SCHEMA, request) == []


def test_prefetch_operation_outcome_is_accepted() -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "timeout"}],
    }
    assert violations(SCHEMA, replaced(BASE, ("prefetch", "patientToGreet"), outcome)) == []


def test_request_without_fhir_server_or_authorization_is_accepted() -> None:
    request = removed(removed(BASE, ("fhirAuthorization",)), ("fhirServer",))
    assert violations(SCHEMA, request) == []


def test_fhir_authorization_with_patient_is_accepted() -> None:
    request = replaced(BASE, ("fhirAuthorization", "patient"), "1288992")
    assert violations(SCHEMA, request) == []


def test_unknown_members_of_a_received_request_are_accepted() -> None:
    request = replaced(BASE, ("context", "futureOptionalField"), "x")
    request = replaced(request, ("fhirAuthorization", "id_token"), "x")
    assert violations(SCHEMA, replaced(request, ("futureMember",), "x")) == []


def test_context_of_another_hook_is_not_held_to_patient_view_fields() -> None:
    request = _with_context("order-select", {"userId": "Practitioner/1", "draftOrders": {}})
    assert violations(SCHEMA, request) == []


def test_request_without_hook_is_rejected_only_for_the_missing_hook() -> None:
    # Without a hook no hook's context rules apply, so the answer names the one real fault.
    order_select = _with_context("order-select", {"draftOrders": {"resourceType": "Bundle"}})
    found = violations(SCHEMA, removed(order_select, ("hook",)))
    assert [(v.keyword, v.json_path) for v in found] == [("required", "$")]


RULES = [
    Rule("hook-required", removed(BASE, ("hook",)), "required", "$", "'hook'"),
    Rule(
        "hookInstance-required", removed(BASE, ("hookInstance",)), "required", "$", "'hookInstance'"
    ),
    Rule("context-required", removed(BASE, ("context",)), "required", "$", "'context'"),
    Rule("hook-not-empty", replaced(BASE, ("hook",), ""), "minLength", "$.hook"),
    Rule(
        "hookInstance-is-uuid",
        replaced(BASE, ("hookInstance",), "d1577c69"),
        "format",
        "$.hookInstance",
    ),
    Rule(
        "fhirServer-is-url",
        replaced(BASE, ("fhirServer",), "hooks example"),
        "format",
        "$.fhirServer",
    ),
    Rule(
        "fhirServer-is-http-or-https",
        replaced(BASE, ("fhirServer",), "ftp://x.org/fhir"),
        "pattern",
        "$.fhirServer",
    ),
    Rule("fhirServer-not-null", replaced(BASE, ("fhirServer",), None), "type", "$.fhirServer"),
    Rule(
        "fhirServer-required-with-fhirAuthorization",
        removed(BASE, ("fhirServer",)),
        "dependentRequired",
        "$",
        "'fhirServer'",
    ),
    *[
        Rule(
            f"fhirAuthorization-{member}-required",
            removed(BASE, ("fhirAuthorization", member)),
            "required",
            "$.fhirAuthorization",
            f"'{member}'",
        )
        for member in ("access_token", "token_type", "expires_in", "scope", "subject")
    ],
    Rule(
        "token_type-is-Bearer",
        replaced(BASE, ("fhirAuthorization", "token_type"), "MAC"),
        "const",
        "$.fhirAuthorization.token_type",
    ),
    Rule(
        "expires_in-is-integer",
        replaced(BASE, ("fhirAuthorization", "expires_in"), "300"),
        "type",
        "$.fhirAuthorization.expires_in",
    ),
    Rule(
        "expires_in-is-positive",
        replaced(BASE, ("fhirAuthorization", "expires_in"), 0),
        "exclusiveMinimum",
        "$.fhirAuthorization.expires_in",
    ),
    Rule(
        "access_token-not-empty",
        replaced(BASE, ("fhirAuthorization", "access_token"), ""),
        "minLength",
        "$.fhirAuthorization.access_token",
    ),
    Rule(
        "authorization-patient-is-fhir-id",
        replaced(BASE, ("fhirAuthorization", "patient"), "Patient/1"),
        "pattern",
        "$.fhirAuthorization.patient",
    ),
    Rule("context-is-object", _with_context("order-select", "1288992"), "type", "$.context"),
    Rule("context-not-empty", _with_context("order-select", {}), "minProperties", "$.context"),
    Rule("prefetch-not-empty", replaced(BASE, ("prefetch",), {}), "minProperties", "$.prefetch"),
    Rule(
        "prefetch-value-is-resource-or-null",
        replaced(BASE, ("prefetch", "patientToGreet"), []),
        "anyOf",
        "$.prefetch.patientToGreet",
    ),
    Rule(
        "prefetch-resource-has-resourceType",
        removed(BASE, ("prefetch", "patientToGreet", "resourceType")),
        "required",
        "$.prefetch.patientToGreet",
        "'resourceType'",
    ),
    Rule("extension-is-object", replaced(BASE, ("extension",), "x"), "type", "$.extension"),
    Rule("extension-not-empty", replaced(BASE, ("extension",), {}), "minProperties", "$.extension"),
    Rule(
        "patient-view-userId-required",
        removed(BASE, ("context", "userId")),
        "required",
        "$.context",
        "'userId'",
    ),
    Rule(
        "patient-view-patientId-required",
        removed(BASE, ("context", "patientId")),
        "required",
        "$.context",
        "'patientId'",
    ),
    Rule(
        "patient-view-userId-is-type-slash-id",
        replaced(BASE, ("context", "userId"), "example"),
        "pattern",
        "$.context.userId",
    ),
    Rule(
        "patient-view-userId-type-is-a-user",
        replaced(BASE, ("context", "userId"), "Device/1"),
        "pattern",
        "$.context.userId",
    ),
    Rule(
        "patient-view-patientId-is-fhir-id",
        replaced(BASE, ("context", "patientId"), "Patient/1288992"),
        "pattern",
        "$.context.patientId",
    ),
    Rule(
        "patient-view-encounterId-is-fhir-id",
        replaced(BASE, ("context", "encounterId"), ""),
        "pattern",
        "$.context.encounterId",
    ),
    Rule(
        "encounter-discharge-userId-required",
        removed(DISCHARGE, ("context", "userId")),
        "required",
        "$.context",
        "'userId'",
    ),
    Rule(
        "encounter-discharge-patientId-required",
        removed(DISCHARGE, ("context", "patientId")),
        "required",
        "$.context",
        "'patientId'",
    ),
    Rule(
        "encounter-discharge-encounterId-required",
        removed(DISCHARGE, ("context", "encounterId")),
        "required",
        "$.context",
        "'encounterId'",
    ),
    Rule(
        "encounter-discharge-userId-is-practitioner",
        replaced(DISCHARGE, ("context", "userId"), "Patient/123"),
        "pattern",
        "$.context.userId",
    ),
    Rule("body-is-object", [BASE], "type", "$"),
    Rule("prefetch-is-object", replaced(BASE, ("prefetch",), []), "type", "$.prefetch"),
    Rule(
        "prefetch-key-not-empty", replaced(BASE, ("prefetch", ""), None), "minLength", "$.prefetch"
    ),
    Rule(
        "fhirAuthorization-is-object",
        replaced(BASE, ("fhirAuthorization",), "token"),
        "type",
        "$.fhirAuthorization",
    ),
    Rule(
        "scope-not-empty",
        replaced(BASE, ("fhirAuthorization", "scope"), ""),
        "minLength",
        "$.fhirAuthorization.scope",
    ),
    Rule(
        "subject-not-empty",
        replaced(BASE, ("fhirAuthorization", "subject"), ""),
        "minLength",
        "$.fhirAuthorization.subject",
    ),
    Rule(
        "patient-view-patientId-is-string",
        replaced(BASE, ("context", "patientId"), 1288992),
        "type",
        "$.context.patientId",
    ),
    Rule(
        "patient-view-userId-is-string",
        replaced(BASE, ("context", "userId"), ["Practitioner/1"]),
        "type",
        "$.context.userId",
    ),
    Rule(
        "patient-view-userId-id-part-is-fhir-id",
        replaced(BASE, ("context", "userId"), "Practitioner/a b"),
        "pattern",
        "$.context.userId",
    ),
    Rule(
        "encounter-discharge-encounterId-is-fhir-id",
        replaced(DISCHARGE, ("context", "encounterId"), "Encounter/456"),
        "pattern",
        "$.context.encounterId",
    ),
    Rule(
        "encounter-discharge-patientId-is-fhir-id",
        replaced(DISCHARGE, ("context", "patientId"), "a b"),
        "pattern",
        "$.context.patientId",
    ),
    Rule(
        "encounter-discharge-userId-is-type-slash-id",
        replaced(DISCHARGE, ("context", "userId"), "Practitioner/a b"),
        "pattern",
        "$.context.userId",
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_request_breaking_a_rule_is_rejected_for_that_rule(rule: Rule) -> None:
    assert rule.is_among(violations(SCHEMA, rule.document))

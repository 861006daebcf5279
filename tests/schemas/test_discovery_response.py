"""discovery-response.schema.json against the CDS Hooks 2.0 examples and each rule it encodes."""

from __future__ import annotations

import pytest

from . import spec_examples as spec
from .schema_support import Rule, removed, replaced, violations

SCHEMA = "discovery-response"
BASE = spec.DISCOVERY_EXAMPLE
SERVICE = ("services", 0)


@pytest.mark.parametrize(
    "document",
    [spec.DISCOVERY_EXAMPLE, spec.DISCOVERY_EXTENSION_EXAMPLE],
    ids=["discovery-example", "extensions-example"],
)
def test_spec_discovery_example_is_accepted(document: dict) -> None:
    assert violations(SCHEMA, document) == []


@pytest.mark.parametrize(
    "prefetch",
    [
        spec.PREFETCH_TEMPLATE_EXAMPLE,
        spec.PREFETCH_TEMPLATES_EXAMPLE,
        spec.PREFETCH_USER_READ_EXAMPLE,
        spec.PREFETCH_USER_SEARCH_EXAMPLE,
        spec.PREFETCH_PATIENT_TO_GREET_EXAMPLE,
    ],
    ids=[
        "prefetch-template",
        "example-prefetch-templates",
        "user-token-read",
        "user-token-search",
        "hook-context-and-prefetch",
    ],
)
def test_spec_prefetch_templates_are_accepted(prefetch: dict[str, str]) -> None:
    assert violations(SCHEMA, replaced(BASE, (*SERVICE, "prefetch"), prefetch)) == []


def test_empty_services_array_is_accepted() -> None:
    assert violations(SCHEMA, {"services": []}) == []


def test_service_without_title_is_accepted() -> None:
    assert violations(SCHEMA, removed(BASE, (*SERVICE, "title"))) == []


def _template(query: str) -> dict:
    return replaced(BASE, (*SERVICE, "prefetch", "patientToGreet"), query)


RULES = [
    Rule("services-required", {}, "required", "$", "'services'"),
    Rule("services-is-array", {"services": {}}, "type", "$.services"),
    Rule(
        "service-hook-required",
        removed(BASE, (*SERVICE, "hook")),
        "required",
        "$.services[0]",
        "'hook'",
    ),
    Rule(
        "service-description-required",
        removed(BASE, (*SERVICE, "description")),
        "required",
        "$.services[0]",
        "'description'",
    ),
    Rule(
        "service-id-required", removed(BASE, (*SERVICE, "id")), "required", "$.services[0]", "'id'"
    ),
    Rule(
        "service-id-is-one-path-segment",
        replaced(BASE, (*SERVICE, "id"), "a/b"),
        "pattern",
        "$.services[0].id",
    ),
    Rule(
        "title-not-empty",
        replaced(BASE, (*SERVICE, "title"), ""),
        "minLength",
        "$.services[0].title",
    ),
    Rule(
        "usageRequirements-not-empty",
        replaced(BASE, (*SERVICE, "usageRequirements"), ""),
        "minLength",
        "$.services[0].usageRequirements",
    ),
    Rule(
        "prefetch-not-empty",
        replaced(BASE, (*SERVICE, "prefetch"), {}),
        "minProperties",
        "$.services[0].prefetch",
    ),
    Rule(
        "prefetch-template-is-string",
        _template({"resourceType": "Patient"}),
        "type",
        "$.services[0].prefetch.patientToGreet",
    ),
    Rule(
        "prefetch-token-is-root-level-context-field",
        _template("Medication/{{context.medication.id}}"),
        "pattern",
        "$.services[0].prefetch.patientToGreet",
    ),
    Rule(
        "prefetch-token-is-qualified-context-path",
        _template("Patient/{{patientId}}"),
        "pattern",
        "$.services[0].prefetch.patientToGreet",
    ),
    Rule(
        "prefetch-token-is-delimited-by-double-braces",
        _template("Patient/{context.patientId}"),
        "pattern",
        "$.services[0].prefetch.patientToGreet",
    ),
    Rule(
        "service-has-no-unknown-member",
        replaced(BASE, (*SERVICE, "titel"), "x"),
        "additionalProperties",
        "$.services[0]",
    ),
    Rule(
        "response-has-no-unknown-member",
        replaced(BASE, ("service",), []),
        "additionalProperties",
        "$",
    ),
    Rule(
        "extension-is-object",
        replaced(BASE, (*SERVICE, "extension"), []),
        "type",
        "$.services[0].extension",
    ),
    Rule("body-is-object", [], "type", "$"),
    Rule("service-is-object", {"services": ["order-echo"]}, "type", "$.services[0]"),
    Rule(
        "service-hook-not-empty",
        replaced(BASE, (*SERVICE, "hook"), ""),
        "minLength",
        "$.services[0].hook",
    ),
    Rule(
        "service-description-not-empty",
        replaced(BASE, (*SERVICE, "description"), ""),
        "minLength",
        "$.services[0].description",
    ),
    Rule("service-id-is-string", replaced(BASE, (*SERVICE, "id"), 7), "type", "$.services[0].id"),
    Rule(
        "prefetch-is-object",
        replaced(BASE, (*SERVICE, "prefetch"), ["Patient/1"]),
        "type",
        "$.services[0].prefetch",
    ),
    Rule(
        "prefetch-key-not-empty",
        replaced(BASE, (*SERVICE, "prefetch", ""), "Patient/1"),
        "minLength",
        "$.services[0].prefetch",
    ),
    Rule(
        "prefetch-template-not-empty",
        _template(""),
        "minLength",
        "$.services[0].prefetch.patientToGreet",
    ),
    Rule(
        "response-extension-is-object", replaced(BASE, ("extension",), "x"), "type", "$.extension"
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_discovery_breaking_a_rule_is_rejected_for_that_rule(rule: Rule) -> None:
    assert rule.is_among(violations(SCHEMA, rule.document))

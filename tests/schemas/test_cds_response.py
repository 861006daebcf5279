"""cds-response.schema.json against the CDS Hooks 2.0 examples and each rule it encodes."""

from __future__ import annotations

from typing import Any

import pytest

from . import spec_examples as spec
from .schema_support import Rule, removed, replaced, violations

SCHEMA = "cds-response"
BASE = spec.CDS_RESPONSE_EXAMPLE
CARD = ("cards", 0)
LINK = (*CARD, "links", 0)
SUGGESTION = ("cards", 0, "suggestions", 0)

# A card assembled from the spec's own fragments (Source, Action and override-reason
# examples) so that every part of a card is present in one valid document.
SUGGESTING: dict[str, Any] = {
    "cards": [
        {
            "uuid": "4e0a3a1e-3283-4575-ab82-028d55fe2719",
            "summary": "Example Card",
            "indicator": "warning",
            "source": spec.SOURCE_EXAMPLE,
            "suggestions": [
                {
                    "label": "Apply the three example actions",
                    "uuid": "e56e1945-20b3-4393-8503-a1a20fd73152",
                    "isRecommended": True,
                    "actions": [
                        spec.CREATE_ACTION_EXAMPLE,
                        spec.UPDATE_ACTION_EXAMPLE,
                        spec.DELETE_ACTION_EXAMPLE,
                    ],
                },
                {"label": "Do nothing"},
            ],
            "selectionBehavior": "at-most-one",
            "overrideReasons": spec.OVERRIDE_REASONS_EXAMPLE,
        }
    ]
}
ACTION = (*SUGGESTION, "actions", 0)
DELETE = (*SUGGESTION, "actions", 2)
TWO_RECOMMENDED = replaced(SUGGESTING, ("cards", 0, "suggestions", 1, "isRecommended"), True)


@pytest.mark.parametrize(
    "document",
    [spec.CDS_RESPONSE_EXAMPLE, spec.EMPTY_CARDS_EXAMPLE, SUGGESTING],
    ids=["response-example", "empty-cards", "card-from-spec-fragments"],
)
def test_spec_response_example_is_accepted(document: dict[str, Any]) -> None:
    assert violations(SCHEMA, document) == []


def test_system_action_example_fails_only_for_its_missing_description() -> None:
    found = violations(SCHEMA, spec.SYSTEM_ACTION_EXAMPLE)
    assert [(v.keyword, v.json_path, v.message) for v in found] == [
        ("required", "$.systemActions[0]", "'description' is a required property")
    ]


def test_system_action_example_with_a_description_is_accepted() -> None:
    described = replaced(spec.SYSTEM_ACTION_EXAMPLE, ("systemActions", 0, "description"), "x")
    assert violations(SCHEMA, described) == []


def test_summary_of_139_characters_is_accepted() -> None:
    assert violations(SCHEMA, replaced(BASE, (*CARD, "summary"), "é" * 139)) == []


def test_topic_without_display_is_accepted() -> None:
    assert violations(SCHEMA, removed(SUGGESTING, (*CARD, "source", "topic", "display"))) == []


def test_selection_behavior_without_suggestions_is_accepted() -> None:
    assert violations(SCHEMA, replaced(BASE, (*CARD, "selectionBehavior"), "any")) == []


def test_any_selection_admits_several_recommended_suggestions() -> None:
    card = replaced(SUGGESTING, (*CARD, "selectionBehavior"), "any")
    card = replaced(card, ("cards", 0, "suggestions", 1, "isRecommended"), True)
    assert violations(SCHEMA, card) == []


def test_at_most_one_selection_admits_one_recommended_beside_explicitly_unrecommended() -> None:
    card = replaced(SUGGESTING, ("cards", 0, "suggestions", 1, "isRecommended"), False)
    assert violations(SCHEMA, card) == []


@pytest.mark.parametrize(
    ("document", "json_path"),
    [
        (removed(TWO_RECOMMENDED, (*CARD, "selectionBehavior")), "$.cards[0]"),
        (
            removed(removed(SUGGESTING, (*ACTION, "type")), (*ACTION, "resource")),
            "$.cards[0].suggestions[0].actions[0]",
        ),
        (removed(BASE, (*CARD, "links", 2, "type")), "$.cards[0].links[2]"),
    ],
    ids=["card-without-selectionBehavior", "action-without-type", "link-without-type"],
)
def test_missing_discriminator_is_the_only_complaint(
    document: dict[str, Any], json_path: str
) -> None:
    # Rules that depend on a value must stay silent when the value is missing, so the answer
    # names the one real fault.
    assert [(v.keyword, v.json_path) for v in violations(SCHEMA, document)] == [
        ("required", json_path)
    ]


RULES = [
    Rule("cards-required", {}, "required", "$", "'cards'"),
    Rule("cards-is-array", {"cards": {}}, "type", "$.cards"),
    Rule(
        "systemActions-not-empty", {"cards": [], "systemActions": []}, "minItems", "$.systemActions"
    ),
    Rule(
        "systemAction-type-is-create-update-delete",
        {"cards": [], "systemActions": [{**spec.UPDATE_ACTION_EXAMPLE, "type": "merge"}]},
        "enum",
        "$.systemActions[0].type",
    ),
    Rule(
        "response-has-no-unknown-member", replaced(BASE, ("card",), []), "additionalProperties", "$"
    ),
    Rule(
        "card-summary-required",
        removed(BASE, (*CARD, "summary")),
        "required",
        "$.cards[0]",
        "'summary'",
    ),
    Rule(
        "card-summary-under-140-characters",
        replaced(BASE, (*CARD, "summary"), "x" * 140),
        "maxLength",
        "$.cards[0].summary",
    ),
    Rule(
        "card-summary-not-empty",
        replaced(BASE, (*CARD, "summary"), ""),
        "minLength",
        "$.cards[0].summary",
    ),
    Rule(
        "card-indicator-required",
        removed(BASE, (*CARD, "indicator")),
        "required",
        "$.cards[0]",
        "'indicator'",
    ),
    Rule(
        "card-indicator-is-info-warning-critical",
        replaced(BASE, (*CARD, "indicator"), "hard-stop"),
        "enum",
        "$.cards[0].indicator",
    ),
    Rule(
        "card-source-required",
        removed(BASE, (*CARD, "source")),
        "required",
        "$.cards[0]",
        "'source'",
    ),
    Rule(
        "card-uuid-is-uuid", replaced(BASE, (*CARD, "uuid"), "card-1"), "format", "$.cards[0].uuid"
    ),
    Rule(
        "card-detail-not-empty",
        replaced(BASE, (*CARD, "detail"), ""),
        "minLength",
        "$.cards[0].detail",
    ),
    Rule(
        "card-detail-not-null", replaced(BASE, (*CARD, "detail"), None), "type", "$.cards[0].detail"
    ),
    Rule(
        "card-has-no-unknown-member",
        replaced(BASE, (*CARD, "sumary"), "x"),
        "additionalProperties",
        "$.cards[0]",
    ),
    Rule(
        "source-label-required",
        removed(BASE, (*CARD, "source", "label")),
        "required",
        "$.cards[0].source",
        "'label'",
    ),
    Rule(
        "source-url-is-url",
        replaced(BASE, (*CARD, "source", "url"), "example com"),
        "format",
        "$.cards[0].source.url",
    ),
    Rule(
        "source-icon-is-url",
        replaced(BASE, (*CARD, "source", "icon"), "icon-100px.png"),
        "format",
        "$.cards[0].source.icon",
    ),
    Rule(
        "topic-system-required",
        removed(SUGGESTING, (*CARD, "source", "topic", "system")),
        "required",
        "$.cards[0].source.topic",
        "'system'",
    ),
    Rule(
        "topic-code-required",
        removed(SUGGESTING, (*CARD, "source", "topic", "code")),
        "required",
        "$.cards[0].source.topic",
        "'code'",
    ),
    Rule(
        "selectionBehavior-required-with-suggestions",
        removed(SUGGESTING, (*CARD, "selectionBehavior")),
        "required",
        "$.cards[0]",
        "'selectionBehavior'",
    ),
    Rule(
        "selectionBehavior-is-at-most-one-or-any",
        replaced(SUGGESTING, (*CARD, "selectionBehavior"), "all"),
        "enum",
        "$.cards[0].selectionBehavior",
    ),
    Rule(
        "at-most-one-has-at-most-one-recommended",
        TWO_RECOMMENDED,
        "maxContains",
        "$.cards[0].suggestions",
    ),
    Rule(
        "suggestions-not-empty",
        replaced(SUGGESTING, (*CARD, "suggestions"), []),
        "minItems",
        "$.cards[0].suggestions",
    ),
    Rule(
        "suggestion-label-required",
        removed(SUGGESTING, (*SUGGESTION, "label")),
        "required",
        "$.cards[0].suggestions[0]",
        "'label'",
    ),
    Rule(
        "suggestion-uuid-is-uuid",
        replaced(SUGGESTING, (*SUGGESTION, "uuid"), "s-1"),
        "format",
        "$.cards[0].suggestions[0].uuid",
    ),
    Rule(
        "suggestion-isRecommended-is-boolean",
        replaced(SUGGESTING, (*SUGGESTION, "isRecommended"), "true"),
        "type",
        "$.cards[0].suggestions[0].isRecommended",
    ),
    Rule(
        "suggestion-actions-not-empty",
        replaced(SUGGESTING, (*SUGGESTION, "actions"), []),
        "minItems",
        "$.cards[0].suggestions[0].actions",
    ),
    Rule(
        "action-type-required",
        removed(SUGGESTING, (*ACTION, "type")),
        "required",
        "$.cards[0].suggestions[0].actions[0]",
        "'type'",
    ),
    Rule(
        "action-type-is-create-update-delete",
        replaced(SUGGESTING, (*ACTION, "type"), "patch"),
        "enum",
        "$.cards[0].suggestions[0].actions[0].type",
    ),
    Rule(
        "action-description-required",
        removed(SUGGESTING, (*ACTION, "description")),
        "required",
        "$.cards[0].suggestions[0].actions[0]",
        "'description'",
    ),
    Rule(
        "create-requires-resource",
        removed(SUGGESTING, (*ACTION, "resource")),
        "required",
        "$.cards[0].suggestions[0].actions[0]",
        "'resource'",
    ),
    Rule(
        "update-requires-resource",
        removed(SUGGESTING, (*SUGGESTION, "actions", 1, "resource")),
        "required",
        "$.cards[0].suggestions[0].actions[1]",
        "'resource'",
    ),
    Rule(
        "delete-requires-resourceId",
        removed(SUGGESTING, (*DELETE, "resourceId")),
        "required",
        "$.cards[0].suggestions[0].actions[2]",
        "'resourceId'",
    ),
    Rule(
        "action-resource-is-object-not-deprecated-id-string",
        replaced(SUGGESTING, (*DELETE, "resource"), "procedure-request-1"),
        "type",
        "$.cards[0].suggestions[0].actions[2].resource",
    ),
    Rule(
        "action-resource-has-resourceType",
        removed(SUGGESTING, (*ACTION, "resource", "resourceType")),
        "required",
        "$.cards[0].suggestions[0].actions[0].resource",
        "'resourceType'",
    ),
    Rule(
        "action-resourceId-is-relative-reference",
        replaced(SUGGESTING, (*DELETE, "resourceId"), "procedure-request-1"),
        "pattern",
        "$.cards[0].suggestions[0].actions[2].resourceId",
    ),
    Rule(
        "overrideReasons-not-empty",
        replaced(SUGGESTING, (*CARD, "overrideReasons"), []),
        "minItems",
        "$.cards[0].overrideReasons",
    ),
    Rule(
        "overrideReason-display-required",
        removed(SUGGESTING, (*CARD, "overrideReasons", 0, "display")),
        "required",
        "$.cards[0].overrideReasons[0]",
        "'display'",
    ),
    Rule(
        "overrideReason-code-required",
        removed(SUGGESTING, (*CARD, "overrideReasons", 0, "code")),
        "required",
        "$.cards[0].overrideReasons[0]",
        "'code'",
    ),
    Rule("links-not-empty", replaced(BASE, (*CARD, "links"), []), "minItems", "$.cards[0].links"),
    Rule(
        "link-label-required",
        removed(BASE, (*LINK, "label")),
        "required",
        "$.cards[0].links[0]",
        "'label'",
    ),
    Rule(
        "link-url-required",
        removed(BASE, (*LINK, "url")),
        "required",
        "$.cards[0].links[0]",
        "'url'",
    ),
    Rule(
        "link-type-required",
        removed(BASE, (*LINK, "type")),
        "required",
        "$.cards[0].links[0]",
        "'type'",
    ),
    Rule(
        "link-url-is-url",
        replaced(BASE, (*LINK, "url"), "google"),
        "format",
        "$.cards[0].links[0].url",
    ),
    Rule(
        "link-type-is-absolute-or-smart",
        replaced(BASE, (*LINK, "type"), "relative"),
        "enum",
        "$.cards[0].links[0].type",
    ),
    Rule(
        "appContext-not-valid-for-absolute-link",
        replaced(BASE, (*LINK, "appContext"), "{}"),
        "not",
        "$.cards[0].links[0]",
    ),
    Rule("body-is-object", [], "type", "$"),
    Rule(
        "systemActions-is-array",
        {"cards": [], "systemActions": spec.UPDATE_ACTION_EXAMPLE},
        "type",
        "$.systemActions",
    ),
    Rule(
        "response-extension-is-object", replaced(BASE, ("extension",), "x"), "type", "$.extension"
    ),
    Rule("card-is-object", {"cards": ["Example Card"]}, "type", "$.cards[0]"),
    Rule(
        "card-summary-is-string",
        replaced(BASE, (*CARD, "summary"), 42),
        "type",
        "$.cards[0].summary",
    ),
    Rule(
        "card-extension-is-object",
        replaced(BASE, (*CARD, "extension"), []),
        "type",
        "$.cards[0].extension",
    ),
    Rule("links-is-array", replaced(BASE, (*CARD, "links"), {}), "type", "$.cards[0].links"),
    Rule(
        "suggestions-is-array",
        replaced(SUGGESTING, (*CARD, "suggestions"), {}),
        "type",
        "$.cards[0].suggestions",
    ),
    Rule(
        "overrideReasons-is-array",
        replaced(SUGGESTING, (*CARD, "overrideReasons"), {}),
        "type",
        "$.cards[0].overrideReasons",
    ),
    Rule("source-is-object", replaced(BASE, (*CARD, "source"), "CDC"), "type", "$.cards[0].source"),
    Rule(
        "source-label-not-empty",
        replaced(BASE, (*CARD, "source", "label"), ""),
        "minLength",
        "$.cards[0].source.label",
    ),
    Rule(
        "source-has-no-unknown-member",
        replaced(BASE, (*CARD, "source", "name"), "x"),
        "additionalProperties",
        "$.cards[0].source",
    ),
    Rule(
        "source-extension-is-object",
        replaced(BASE, (*CARD, "source", "extension"), "x"),
        "type",
        "$.cards[0].source.extension",
    ),
    Rule(
        "topic-is-object",
        replaced(SUGGESTING, (*CARD, "source", "topic"), "12345"),
        "type",
        "$.cards[0].source.topic",
    ),
    Rule(
        "coding-has-no-unknown-member",
        replaced(SUGGESTING, (*CARD, "source", "topic", "version"), "1"),
        "additionalProperties",
        "$.cards[0].source.topic",
    ),
    Rule(
        "coding-code-not-empty",
        replaced(SUGGESTING, (*CARD, "overrideReasons", 0, "code"), ""),
        "minLength",
        "$.cards[0].overrideReasons[0].code",
    ),
    Rule(
        "coding-system-not-empty",
        replaced(SUGGESTING, (*CARD, "overrideReasons", 0, "system"), ""),
        "minLength",
        "$.cards[0].overrideReasons[0].system",
    ),
    Rule(
        "coding-display-not-empty",
        replaced(SUGGESTING, (*CARD, "overrideReasons", 0, "display"), ""),
        "minLength",
        "$.cards[0].overrideReasons[0].display",
    ),
    Rule(
        "suggestion-is-object",
        replaced(SUGGESTING, SUGGESTION, "Do it"),
        "type",
        "$.cards[0].suggestions[0]",
    ),
    Rule(
        "suggestion-label-not-empty",
        replaced(SUGGESTING, (*SUGGESTION, "label"), ""),
        "minLength",
        "$.cards[0].suggestions[0].label",
    ),
    Rule(
        "suggestion-has-no-unknown-member",
        replaced(SUGGESTING, (*SUGGESTION, "recommended"), True),
        "additionalProperties",
        "$.cards[0].suggestions[0]",
    ),
    Rule(
        "suggestion-actions-is-array",
        replaced(SUGGESTING, (*SUGGESTION, "actions"), spec.CREATE_ACTION_EXAMPLE),
        "type",
        "$.cards[0].suggestions[0].actions",
    ),
    Rule(
        "suggestion-extension-is-object",
        replaced(SUGGESTING, (*SUGGESTION, "extension"), "x"),
        "type",
        "$.cards[0].suggestions[0].extension",
    ),
    Rule(
        "action-is-object",
        replaced(SUGGESTING, ACTION, "create"),
        "type",
        "$.cards[0].suggestions[0].actions[0]",
    ),
    Rule(
        "action-description-not-empty",
        replaced(SUGGESTING, (*ACTION, "description"), ""),
        "minLength",
        "$.cards[0].suggestions[0].actions[0].description",
    ),
    Rule(
        "action-resourceId-is-string",
        replaced(SUGGESTING, (*DELETE, "resourceId"), ["ServiceRequest/procedure-request-1"]),
        "type",
        "$.cards[0].suggestions[0].actions[2].resourceId",
    ),
    Rule(
        "action-has-no-unknown-member",
        replaced(SUGGESTING, (*ACTION, "id"), "x"),
        "additionalProperties",
        "$.cards[0].suggestions[0].actions[0]",
    ),
    Rule(
        "action-extension-is-object",
        replaced(SUGGESTING, (*ACTION, "extension"), "x"),
        "type",
        "$.cards[0].suggestions[0].actions[0].extension",
    ),
    Rule(
        "link-is-object", replaced(BASE, LINK, "https://google.com"), "type", "$.cards[0].links[0]"
    ),
    Rule(
        "link-label-not-empty",
        replaced(BASE, (*LINK, "label"), ""),
        "minLength",
        "$.cards[0].links[0].label",
    ),
    Rule(
        "appContext-not-empty",
        replaced(BASE, (*CARD, "links", 2, "appContext"), ""),
        "minLength",
        "$.cards[0].links[2].appContext",
    ),
    Rule(
        "link-has-no-unknown-member",
        replaced(BASE, (*LINK, "autolaunchable"), True),
        "additionalProperties",
        "$.cards[0].links[0]",
    ),
    Rule(
        "link-extension-is-object",
        replaced(BASE, (*LINK, "extension"), "x"),
        "type",
        "$.cards[0].links[0].extension",
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_response_breaking_a_rule_is_rejected_for_that_rule(rule: Rule) -> None:
    assert rule.is_among(violations(SCHEMA, rule.document))

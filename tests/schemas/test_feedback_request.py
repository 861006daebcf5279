"""feedback-request.schema.json against the CDS Hooks 2.0 examples and each rule it encodes."""

from __future__ import annotations

from typing import Any

import pytest

from . import spec_examples as spec
from .schema_support import Rule, removed, replaced, violations

SCHEMA = "feedback-request"
ACCEPTED = spec.FEEDBACK_ACCEPTED_EXAMPLE
OVERRIDDEN = spec.FEEDBACK_OVERRIDE_REASON_EXAMPLE
ITEM = ("feedback", 0)


@pytest.mark.parametrize(
    "document",
    [
        spec.FEEDBACK_ACCEPTED_EXAMPLE,
        spec.FEEDBACK_OVERRIDDEN_EXAMPLE,
        spec.FEEDBACK_OVERRIDE_REASON_EXAMPLE,
    ],
    ids=["suggestion-accepted", "overridden-without-reason", "overridden-with-reason"],
)
def test_spec_feedback_example_is_accepted(document: dict[str, Any]) -> None:
    assert violations(SCHEMA, document) == []


def test_override_reason_with_only_a_comment_is_accepted() -> None:
    document = removed(OVERRIDDEN, (*ITEM, "overrideReason", "reason"))
    assert violations(SCHEMA, document) == []


@pytest.mark.parametrize("timestamp", ["1985-04-12T23:20:50.52Z", "2020-12-11T00:00:00+00:00"])
def test_utc_timestamps_are_accepted(timestamp: str) -> None:
    assert violations(SCHEMA, replaced(ACCEPTED, (*ITEM, "outcomeTimestamp"), timestamp)) == []


def test_several_feedback_items_in_one_request_are_accepted() -> None:
    document = {"feedback": [ACCEPTED["feedback"][0], OVERRIDDEN["feedback"][0]]}
    assert violations(SCHEMA, document) == []


def test_received_coding_may_carry_members_beyond_the_spec() -> None:
    document = replaced(OVERRIDDEN, (*ITEM, "overrideReason", "reason", "version"), "1")
    assert violations(SCHEMA, document) == []


def test_feedback_without_outcome_is_rejected_only_for_the_missing_outcome() -> None:
    # Without an outcome the outcome-dependent rules stay silent: the answer names the one fault.
    document = removed(removed(ACCEPTED, (*ITEM, "outcome")), (*ITEM, "acceptedSuggestions"))
    found = violations(SCHEMA, document)
    assert [(v.keyword, v.json_path) for v in found] == [("required", "$.feedback[0]")]


RULES = [
    Rule("feedback-required", {}, "required", "$", "'feedback'"),
    Rule("feedback-is-array", {"feedback": ACCEPTED["feedback"][0]}, "type", "$.feedback"),
    Rule("feedback-not-empty", {"feedback": []}, "minItems", "$.feedback"),
    Rule(
        "card-required", removed(ACCEPTED, (*ITEM, "card")), "required", "$.feedback[0]", "'card'"
    ),
    Rule(
        "card-is-uuid",
        replaced(ACCEPTED, (*ITEM, "card"), "card-1"),
        "format",
        "$.feedback[0].card",
    ),
    Rule(
        "outcome-required",
        removed(ACCEPTED, (*ITEM, "outcome")),
        "required",
        "$.feedback[0]",
        "'outcome'",
    ),
    Rule(
        "outcome-is-accepted-or-overridden",
        replaced(OVERRIDDEN, (*ITEM, "outcome"), "ignored"),
        "enum",
        "$.feedback[0].outcome",
    ),
    Rule(
        "outcomeTimestamp-required",
        removed(ACCEPTED, (*ITEM, "outcomeTimestamp")),
        "required",
        "$.feedback[0]",
        "'outcomeTimestamp'",
    ),
    Rule(
        "outcomeTimestamp-is-date-time",
        replaced(ACCEPTED, (*ITEM, "outcomeTimestamp"), "2021-12-11 10:05"),
        "format",
        "$.feedback[0].outcomeTimestamp",
    ),
    Rule(
        "outcomeTimestamp-is-utc",
        replaced(ACCEPTED, (*ITEM, "outcomeTimestamp"), "2021-12-11T10:05:31+01:00"),
        "pattern",
        "$.feedback[0].outcomeTimestamp",
    ),
    Rule(
        "accepted-requires-acceptedSuggestions",
        removed(ACCEPTED, (*ITEM, "acceptedSuggestions")),
        "required",
        "$.feedback[0]",
        "'acceptedSuggestions'",
    ),
    Rule(
        "acceptedSuggestions-only-with-accepted",
        replaced(
            OVERRIDDEN,
            (*ITEM, "acceptedSuggestions"),
            ACCEPTED["feedback"][0]["acceptedSuggestions"],
        ),
        "not",
        "$.feedback[0]",
    ),
    Rule(
        "overrideReason-only-with-overridden",
        replaced(ACCEPTED, (*ITEM, "overrideReason"), OVERRIDDEN["feedback"][0]["overrideReason"]),
        "not",
        "$.feedback[0]",
    ),
    Rule(
        "acceptedSuggestions-not-empty",
        replaced(ACCEPTED, (*ITEM, "acceptedSuggestions"), []),
        "minItems",
        "$.feedback[0].acceptedSuggestions",
    ),
    Rule(
        "acceptedSuggestion-id-required",
        replaced(ACCEPTED, (*ITEM, "acceptedSuggestions"), [{}]),
        "required",
        "$.feedback[0].acceptedSuggestions[0]",
        "'id'",
    ),
    Rule(
        "acceptedSuggestion-id-is-uuid",
        replaced(ACCEPTED, (*ITEM, "acceptedSuggestions"), [{"id": "s-1"}]),
        "format",
        "$.feedback[0].acceptedSuggestions[0].id",
    ),
    Rule(
        "overrideReason-has-reason-or-userComment",
        replaced(OVERRIDDEN, (*ITEM, "overrideReason"), {}),
        "anyOf",
        "$.feedback[0].overrideReason",
    ),
    Rule(
        "overrideReason-reason-code-required",
        removed(OVERRIDDEN, (*ITEM, "overrideReason", "reason", "code")),
        "required",
        "$.feedback[0].overrideReason.reason",
        "'code'",
    ),
    Rule(
        "overrideReason-reason-system-required",
        removed(OVERRIDDEN, (*ITEM, "overrideReason", "reason", "system")),
        "required",
        "$.feedback[0].overrideReason.reason",
        "'system'",
    ),
    Rule(
        "userComment-not-empty",
        replaced(OVERRIDDEN, (*ITEM, "overrideReason", "userComment"), ""),
        "minLength",
        "$.feedback[0].overrideReason.userComment",
    ),
    Rule("body-is-object", [], "type", "$"),
    Rule(
        "request-extension-is-object",
        replaced(ACCEPTED, ("extension",), "x"),
        "type",
        "$.extension",
    ),
    Rule("feedback-item-is-object", {"feedback": ["accepted"]}, "type", "$.feedback[0]"),
    Rule(
        "feedback-extension-is-object",
        replaced(ACCEPTED, (*ITEM, "extension"), "x"),
        "type",
        "$.feedback[0].extension",
    ),
    Rule(
        "outcomeTimestamp-is-string",
        replaced(ACCEPTED, (*ITEM, "outcomeTimestamp"), 1639217131),
        "type",
        "$.feedback[0].outcomeTimestamp",
    ),
    Rule(
        "acceptedSuggestions-is-array",
        replaced(
            ACCEPTED, (*ITEM, "acceptedSuggestions"), {"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}
        ),
        "type",
        "$.feedback[0].acceptedSuggestions",
    ),
    Rule(
        "acceptedSuggestion-is-object",
        replaced(
            ACCEPTED, (*ITEM, "acceptedSuggestions"), ["e56e1945-20b3-4393-8503-a1a20fd73152"]
        ),
        "type",
        "$.feedback[0].acceptedSuggestions[0]",
    ),
    Rule(
        "overrideReason-is-object",
        replaced(OVERRIDDEN, (*ITEM, "overrideReason"), "refused"),
        "type",
        "$.feedback[0].overrideReason",
    ),
    Rule(
        "overrideReason-reason-is-object",
        replaced(OVERRIDDEN, (*ITEM, "overrideReason", "reason"), "d7ecf885"),
        "type",
        "$.feedback[0].overrideReason.reason",
    ),
    Rule(
        "overrideReason-reason-code-not-empty",
        replaced(OVERRIDDEN, (*ITEM, "overrideReason", "reason", "code"), ""),
        "minLength",
        "$.feedback[0].overrideReason.reason.code",
    ),
    Rule(
        "overrideReason-reason-system-not-empty",
        replaced(OVERRIDDEN, (*ITEM, "overrideReason", "reason", "system"), ""),
        "minLength",
        "$.feedback[0].overrideReason.reason.system",
    ),
    Rule(
        "overrideReason-reason-display-not-empty",
        replaced(OVERRIDDEN, (*ITEM, "overrideReason", "reason", "display"), ""),
        "minLength",
        "$.feedback[0].overrideReason.reason.display",
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_feedback_breaking_a_rule_is_rejected_for_that_rule(rule: Rule) -> None:
    assert rule.is_among(violations(SCHEMA, rule.document))

"""The test client's check of proposed FHIR resources can fail: it is what proves the
RiskAssessment and ServiceRequests the service builds as plain data are valid R4."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from .conftest import assert_valid_fhir, proposed_resources


def test_a_risk_assessment_off_the_r4_model_is_caught():
    with pytest.raises(ValidationError):
        assert_valid_fhir(
            {
                "resourceType": "RiskAssessment",
                "status": "final",
                "subject": {"reference": "Patient/p1"},
                "prediction": [{"probabilityDecimal": "high"}],
            }
        )


def test_a_resource_the_model_would_write_differently_is_caught():
    resource = {
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "proposal",
        "subject": {"reference": "Patient/p1"},
        "occurrenceDateTime": "2026-03-10T00:00:00+00:00",  # the model writes Z
    }
    with pytest.raises(AssertionError):
        assert_valid_fhir(resource)


def test_resources_of_system_actions_and_suggestions_are_all_checked():
    answer = {
        "cards": [{"suggestions": [{"actions": [{"type": "create", "resource": {"id": "a"}}]}]}],
        "systemActions": [{"type": "create", "resource": {"id": "b"}}],
    }
    assert [r["id"] for r in proposed_resources(answer)] == ["b", "a"]

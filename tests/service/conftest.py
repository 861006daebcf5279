from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from flask.testing import FlaskClient

from cds_service import create_app, schemas

RESPONSE_SCHEMAS = {
    ("GET", "/cds-services"): schemas.DISCOVERY_RESPONSE,
}


def proposed_resources(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The FHIR resources a CDS response proposes: system actions and suggestion actions."""
    actions = list(answer.get("systemActions", []))
    for card in answer.get("cards", []):
        for suggestion in card.get("suggestions", []):
            actions.extend(suggestion.get("actions", []))
    return [action["resource"] for action in actions if "resource" in action]


def assert_valid_fhir(resource: dict[str, Any]) -> None:
    """Valid R4 for its fhir.resources model, and exactly what that model would send."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert model.model_dump(mode="json", exclude_none=True) == resource


class SchemaCheckingClient(FlaskClient):
    """Every successful service answer in the suite is checked against the CDS Hooks schemas,
    and every FHIR resource it proposes is validated with fhir.resources: the service builds
    them as plain data and does not validate them per request."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = response.request
        path, method = request.path, request.method
        if response.status_code == 200 and method in ("GET", "POST"):
            schema = RESPONSE_SCHEMAS.get((method, path))
            if (
                method == "POST"
                and path.startswith("/cds-services/")
                and not path.endswith("/feedback")
            ):
                schema = schemas.CDS_RESPONSE
            if schema is not None:
                problems = schemas.problems(schema, response.get_json())
                assert not problems, f"{method} {path} answered off-spec: {problems}"
            if schema == schemas.CDS_RESPONSE:
                for resource in proposed_resources(response.get_json()):
                    assert_valid_fhir(resource)
        return response


@pytest.fixture
def app():
    app = create_app({"TESTING": True, "AUTHENTICATION": "off"})
    app.test_client_class = SchemaCheckingClient
    return app


@pytest.fixture
def client(app):
    return app.test_client()

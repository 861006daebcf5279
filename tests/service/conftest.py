from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from cds_service import create_app, schemas

RESPONSE_SCHEMAS = {
    ("GET", "/cds-services"): schemas.DISCOVERY_RESPONSE,
}


class SchemaCheckingClient(FlaskClient):
    """Every successful service answer in the suite is checked against the CDS Hooks schemas."""

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
        return response


@pytest.fixture
def app():
    app = create_app({"TESTING": True, "AUTHENTICATION": "off"})
    app.test_client_class = SchemaCheckingClient
    return app


@pytest.fixture
def client(app):
    return app.test_client()

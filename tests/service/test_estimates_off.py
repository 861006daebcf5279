"""PVP_CDS_ESTIMATES=off: a governance committee switches the model off; a card says so."""

from __future__ import annotations

import pytest

from cds_service import create_app
from cds_service.errors import StartupError
from tests.service import fhir
from tests.service.conftest import SchemaCheckingClient

SERVICE = "/cds-services/pvp-residual-back-pain"


def answer(config: dict) -> dict:
    app = create_app({"TESTING": True, "AUTHENTICATION": "off", **config})
    app.test_client_class = SchemaCheckingClient
    observations = fhir.findings(ivc=True, oedema=False, grade=3, cement=fhir.codes.BLOCKY)
    body = fhir.hook_request(prefetch_data=fhir.prefetch(observations=observations))
    response = app.test_client().post(SERVICE, json=body)
    assert response.status_code == 200
    return response.get_json()


def test_with_estimates_off_the_card_says_so_and_gives_no_risk():
    (card,) = answer({"ESTIMATES": "off"})["cards"]
    assert card["summary"] == "Residual back pain estimates are switched off at this site"
    assert card["indicator"] == "info"
    assert "%" not in card["detail"]


def test_with_estimates_off_no_risk_assessment_is_recorded():
    assert "systemActions" not in answer({"ESTIMATES": "off"})


def test_with_estimates_on_the_same_patient_gets_the_risk():
    (card,) = answer({})["cards"]
    assert "%" in card["summary"] + card["detail"]


def test_an_unknown_estimates_value_refuses_to_start():
    with pytest.raises(StartupError, match="PVP_CDS_ESTIMATES: expected one of on, off"):
        create_app({"TESTING": True, "AUTHENTICATION": "off", "ESTIMATES": "paused"})

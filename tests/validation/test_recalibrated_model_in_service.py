"""A recalibrated model file works in the service unchanged (PVP_CDS_MODEL_FILE): its risk is
the recalibrated one and the card says where it was recalibrated."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cds_service import create_app
from devtools.examples import recent
from scoring import load_model
from tests.model_files import write_model_file
from tests.service.conftest import SchemaCheckingClient
from validation import Method, fit, recalibrated_document

from .cohorts import draw_cohort, logistic

EXAMPLE = Path(__file__).parents[2] / "examples" / "patient-view-high-risk.json"
URL = "/cds-services/pvp-residual-back-pain"


@pytest.fixture(scope="module")
def recalibrated_file(tmp_path_factory):
    cohort = draw_cohort(2000, seed=21, shift=-1.0)
    recalibration = fit(cohort, Method.INTERCEPT)
    document = recalibrated_document(
        load_model(),
        cohort,
        recalibration,
        site="Example Hospital",
        period="2025",
        threshold=0.138,
        created=date(2026, 1, 2),
    )
    path = write_model_file(tmp_path_factory.mktemp("model") / "recalibrated.json", document)
    return path, recalibration.intercept.estimate


@pytest.fixture
def card(recalibrated_file):
    app = create_app(
        {"TESTING": True, "AUTHENTICATION": "off", "MODEL_FILE": str(recalibrated_file[0])}
    )
    app.test_client_class = SchemaCheckingClient
    # Moved to a recent procedure: the service is quiet more than 35 days after it.
    request = recent(json.loads(EXAMPLE.read_text()), datetime.now(UTC).date())
    response = app.test_client().post(URL, json=request)
    assert response.status_code == 200
    return response.get_json()["cards"][0]


def test_card_gives_the_recalibrated_risk(card, recalibrated_file):
    # The example: cleft, Goutallier 3, blocky: original logit -3.361 + 1.332 + 2.622 = 0.593.
    risk = logistic(recalibrated_file[1] + 0.593)
    assert f"{risk * 100:.0f}%" in card["summary"]


def test_card_names_the_recalibration(card):
    assert (
        "**Recalibrated** at Example Hospital on 2000 patients" in card["detail"]
        and "intercept recalibration of li2021-pvp-residual-back-pain v1.0.0, 2026-01-02"
        in card["detail"]
    )

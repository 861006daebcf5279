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
from validation.recalibrate import Shortfall, shortfalls

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
        threshold=0.2,
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
        and "intercept recalibration of li2021-pvp-residual-back-pain v1.1.0, 2026-01-02"
        in card["detail"]
    )


@pytest.fixture(scope="module")
def forced_file(tmp_path_factory):
    cohort = draw_cohort(120, seed=31)
    recalibration = fit(cohort, Method.INTERCEPT)
    forced = shortfalls(cohort, recalibration)
    assert Shortfall.SAMPLE_BELOW_MINIMUM in forced
    document = recalibrated_document(
        load_model(),
        cohort,
        recalibration,
        site="Small Hospital",
        period="2025",
        threshold=0.2,
        created=date(2026, 1, 2),
        forced=forced,
    )
    return write_model_file(tmp_path_factory.mktemp("forced") / "forced.json", document)


def forced_app(path):
    app = create_app({"TESTING": True, "AUTHENTICATION": "off", "MODEL_FILE": str(path)})
    app.test_client_class = SchemaCheckingClient
    return app


def test_card_of_a_forced_recalibration_says_it_was_forced(forced_file):
    request = recent(json.loads(EXAMPLE.read_text()), datetime.now(UTC).date())
    response = forced_app(forced_file).test_client().post(URL, json=request)
    detail = response.get_json()["cards"][0]["detail"]
    # Riley's criterion iii at this cohort's event rate asks for more patients than 120.
    assert "**Forced past its guards:** fitted on fewer patients than intercept" in detail


def test_model_card_of_a_forced_recalibration_says_it_was_forced(forced_file):
    page = forced_app(forced_file).test_client().get("/model-card").get_data(as_text=True)
    assert "Forced past its guards:" in page
    assert "Riley et al." in page


def test_model_card_labels_performance_after_recalibration_apparent(forced_file):
    page = forced_app(forced_file).test_client().get("/model-card").get_data(as_text=True)
    assert "After (apparent)" in page and "Not a validation" in page

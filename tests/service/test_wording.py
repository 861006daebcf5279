"""The card's words take names and numbers from the model file and the mapping data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from cds_service import create_app
from devtools.examples import recent
from scoring import load_model
from tests.model_files import write_model_file

HIGH_RISK_EXAMPLE = Path(__file__).parents[2] / "examples" / "patient-view-high-risk.json"
SERVICE = "/cds-services/pvp-residual-back-pain"


def app_with_model(tmp_path, change):
    document = json.loads(json.dumps(load_model().document))
    change(document)
    path = write_model_file(tmp_path / "model.json", document)
    return create_app({"TESTING": True, "AUTHENTICATION": "off", "MODEL_FILE": str(path)})


def high_risk_card(app):
    body = recent(json.loads(HIGH_RISK_EXAMPLE.read_text()), datetime.now(UTC).date())
    return app.test_client().post(SERVICE, json=body).get_json()["cards"][0]


def test_tier_names_come_from_the_model_file(tmp_path):
    app = app_with_model(
        tmp_path, lambda d: d.update(risk_tiers={"low": "lower", "high": "raised"})
    )

    assert high_risk_card(app)["summary"].startswith("Raised risk of residual back pain")


def test_the_model_s_name_on_the_card_comes_from_the_model_file(tmp_path):
    app = app_with_model(tmp_path, lambda d: d.update(short_title="Site-recalibrated nomogram"))

    assert high_risk_card(app)["source"]["label"].startswith("Site-recalibrated nomogram")

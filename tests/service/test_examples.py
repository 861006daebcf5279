"""The example requests README tells a newcomer to send give the cards it promises."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLES = Path(__file__).parents[2] / "examples"
URL = "/cds-services/pvp-residual-back-pain"


def post_example(client, name):
    response = client.post(URL, json=json.loads((EXAMPLES / name).read_text()))
    assert response.status_code == 200
    return response.get_json()["cards"][0]


def test_high_risk_example_returns_a_64_percent_warning_card(client):
    # IVC + Goutallier 3 + blocky cement: logit -3.361 + 1.332 + 2.622 = 0.593 -> 64%
    card = post_example(client, "patient-view-high-risk.json")
    assert card["indicator"] == "warning"
    assert "64%" in card["summary"]


def test_missing_cement_example_returns_a_range(client):
    # Goutallier 2: spongy -2.403 -> 8.3%, blocky -1.603 -> 16.8%
    card = post_example(client, "patient-view-missing-cement.json")
    assert "8.3%-17%" in card["summary"]

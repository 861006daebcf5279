"""The example requests README tells a newcomer to send give the cards it promises, once moved
to a recent procedure (devtools.examples), and are quiet as they stand once a month is past."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from devtools.examples import recent

EXAMPLES = Path(__file__).parents[2] / "examples"
URL = "/cds-services/pvp-residual-back-pain"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


def post_example(client, name):
    request = recent(example(name), datetime.now(UTC).date())
    response = client.post(URL, json=request)
    assert response.status_code == 200
    return response.get_json()["cards"][0]


def test_high_risk_example_returns_a_64_percent_warning_card(client):
    # IVC + Goutallier 3 + blocky cement: logit -3.361 + 1.332 + 2.622 = 0.593 -> 64%
    card = post_example(client, "patient-view-high-risk.json")
    assert card["indicator"] == "warning"
    assert "64%" in card["summary"]


def test_missing_cement_example_returns_a_range(client):
    # Goutallier 2: spongy -2.403 -> 8.3%, blocky -1.603 -> 16.8%; whole percent
    card = post_example(client, "patient-view-missing-cement.json")
    assert "8%-17%" in card["summary"]


def test_moving_an_example_keeps_the_days_between_procedure_and_imaging():
    moved = recent(example("patient-view-high-risk.json"), date(2030, 1, 10))
    procedure = moved["prefetch"]["procedures"]["entry"][0]["resource"]["performedDateTime"]
    readings = [
        e["resource"]["effectiveDateTime"] for e in moved["prefetch"]["observations"]["entry"]
    ]
    # The example: procedure 2026-03-10, MRI 2026-03-03 (7 days before), cement 2026-03-11.
    assert procedure == "2030-01-05"
    assert readings == ["2029-12-29", "2029-12-29", "2029-12-29", "2030-01-06"]

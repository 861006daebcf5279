"""Advice that fits the day: the next pain score due from where the patient is in the study's
measurement schedule (24 hours, 3 days, one month after the procedure), and the pain scores
already on record shown beside the prediction, with their dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fhir_mappings import codes

from . import fhir

URL = "/cds-services/pvp-residual-back-pain"
SCHEDULE = "the study's schedule was 24 hours, 3 days and one month"


def card_on_day(client, days_after: int, extra: list | None = None) -> tuple[dict, date]:
    """The card for a procedure ``days_after`` days before today."""
    today = datetime.now(UTC).date()
    procedure = today - timedelta(days=days_after)
    observations = [
        fhir.observation("ivc-1", codes.IVC, {"valueBoolean": True}, str(procedure - timedelta(7))),
        fhir.observation(
            "oedema-1",
            codes.POSTERIOR_FASCIA_OEDEMA,
            {"valueBoolean": False},
            str(procedure - timedelta(7)),
        ),
        fhir.observation(
            "goutallier-1",
            codes.GOUTALLIER_GRADE,
            {"valueInteger": 3},
            str(procedure - timedelta(7)),
        ),
        fhir.observation(
            "cement-1",
            codes.CEMENT_DISTRIBUTION,
            {"valueCodeableConcept": {"coding": [codes.BLOCKY.coding()]}},
            str(procedure),
        ),
        *(extra or []),
    ]
    prefetch = fhir.prefetch(
        procedures=[fhir.vertebroplasty(performed=str(procedure))], observations=observations
    )
    response = client.post(URL, json=fhir.hook_request(prefetch_data=prefetch))
    assert response.status_code == 200
    (card,) = response.get_json()["cards"]
    return card, procedure


def advice(card: dict) -> str:
    (line,) = [line for line in card["detail"].splitlines() if line.startswith("**Advice:**")]
    return line


@pytest.mark.parametrize(
    ("days_after", "due"),
    [
        pytest.param(0, "due on {+1} (24 hours)", id="procedure-day"),
        pytest.param(1, "due today (24 hours)", id="day-1"),
        pytest.param(2, "due on {+3} (3 days)", id="day-2"),
        pytest.param(3, "due today (3 days)", id="day-3"),
        pytest.param(5, "due on {+30} (one month)", id="day-5"),
        pytest.param(30, "due today (one month)", id="day-30"),
    ],
)
def test_advice_names_the_next_pain_score_due_for_the_day(client, days_after, due):
    card, procedure = card_on_day(client, days_after)
    expected = due.format(**{f"+{n}": (procedure + timedelta(n)).isoformat() for n in (1, 3, 30)})
    assert f"Next pain score (VAS) {expected}; {SCHEDULE}." in advice(card)


def test_advice_past_day_30_says_the_one_month_score_is_overdue(client):
    card, procedure = card_on_day(client, 32)
    due = (procedure + timedelta(30)).isoformat()
    assert f"The one month pain score (VAS) was due on {due} and is not on record" in advice(card)


def test_advice_for_a_flagged_patient_is_the_authors_and_the_schedule_the_study_s(client):
    card, _ = card_on_day(client, 5)
    # Cleft + Goutallier 3 + blocky: 64%, flagged.
    assert card["indicator"] == "warning"
    assert advice(card).startswith(
        "**Advice:** Monitor for residual back pain, as the authors advise for these risk factors."
    )
    assert "as the study's authors advise" not in card["detail"]


def test_a_recorded_pain_score_shows_on_the_card_with_its_date(client):
    today = datetime.now(UTC).date()
    day3 = (today - timedelta(days=2)).isoformat()
    score = fhir.observation("vas-3", codes.LOINC_VAS_PAIN, {"valueInteger": 7}, day3)
    card, _ = card_on_day(client, 5, [score])
    assert f"**Pain scores since the procedure:** VAS 7 on {day3} (day 3)." in card["detail"]

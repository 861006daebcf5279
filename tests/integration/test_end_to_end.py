"""The no-prefetch path end to end: synthetic patients loaded into a real FHIR R4 server by
transaction, hooks posted to the service, which reads that server with the bearer token.

Server-agnostic: every entry is a PUT with a fixed id, so loading is idempotent on any server
PVP_CDS_TEST_FHIR_BASE_URL names, and the expectations are the patients' definitions.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from cds_service import create_app
from devtools.fhir_test_server import FhirEndpoint, FhirTestServer, load_transaction
from devtools.synthetic import (
    NAMED_PATIENTS,
    SyntheticPatient,
    fhir_resources,
    generate_cohort,
    named,
    named_patient,
    transaction,
)
from fhir_mappings import codes
from pvp_cds.cli import main
from tests.scoring.paper import reconciled_probability
from tests.service.conftest import SchemaCheckingClient
from tests.service.fhir import fhir_authorization

pytestmark = pytest.mark.integration

SERVICE = "/cds-services/pvp-residual-back-pain"
DISCHARGE_SERVICE = "/cds-services/pvp-residual-back-pain-discharge"
SEED = 2021
GENERATED = 12
#: The RiskAssessment gives probabilities to 4 decimals.
PRECISION = 1e-4

# Risks worked out by hand from the model file (scoring/li2021.json): constant -3.361 (no
# cleft, no oedema, Goutallier 0-1, blocky cement); cleft +1.332; oedema +1.377; Goutallier 2
# +1.758, 3-4 +2.622; spongy cement -0.800. Probability = 1 / (1 + e^-logit).
#
# pvp-high-risk: cleft, oedema, Goutallier 4, blocky
#   logit = -3.361 + 1.332 + 1.377 + 2.622 = 1.970; 1 / (1 + e^-1.970) = 1 / 1.13946 = 0.8776
HIGH_RISK = 0.8776
# pvp-low-risk: Goutallier 1, spongy
#   logit = -3.361 - 0.800 = -4.161; 1 / (1 + e^4.161) = 1 / 65.136 = 0.0154
LOW_RISK = 0.0154
# Goutallier 2, spongy (pvp-entered-in-error; the low end of pvp-missing-cement)
#   logit = -3.361 + 1.758 - 0.800 = -2.403; 1 / (1 + e^2.403) = 1 / 12.056 = 0.0829
GRADE_2_SPONGY = 0.0829
# Goutallier 2, blocky (pvp-superseded-preliminary; the high end of pvp-missing-cement)
#   logit = -3.361 + 1.758 = -1.603; 1 / (1 + e^1.603) = 1 / 5.968 = 0.1676
GRADE_2_BLOCKY = 0.1676
# The alert threshold: 20% (docs/model-derivation.md section 4).


@pytest.fixture(scope="module")
def loaded(fhir_server: FhirEndpoint) -> list[Any]:
    """The named patients and a generated cohort, on the server; returns the generated ones.
    One Bundle with fullUrls and one without: servers must take both."""
    cohort = generate_cohort(GENERATED, SEED)
    for bundle in (transaction(NAMED_PATIENTS, fhir_server.base_url), transaction(cohort)):
        load_transaction(fhir_server, bundle)
    return cohort


def make_client(fhir_server: FhirEndpoint, **config: Any) -> FlaskClient:
    app = create_app(
        {
            "TESTING": True,
            "AUTHENTICATION": "off",
            "FHIR_SERVERS": [fhir_server.base_url],
            "ALLOW_HTTP_FHIR": True,
            **config,
        }
    )
    app.test_client_class = SchemaCheckingClient
    return app.test_client()


@pytest.fixture
def client(fhir_server: FhirEndpoint, loaded) -> FlaskClient:
    return make_client(fhir_server)


def hook(
    patient_id: str,
    fhir_server: FhirEndpoint,
    *,
    token: str | None = None,
    hook_name: str = "patient-view",
    prefetch: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A hook request as an EHR sends it; no prefetch unless given. The token defaults to the
    one the FHIR server accepts."""
    context = {"userId": "Practitioner/e2e", "patientId": patient_id}
    if hook_name == "encounter-discharge":
        context["encounterId"] = "e2e-discharge"
    request: dict[str, Any] = {
        "hook": hook_name,
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": fhir_server.base_url,
        "context": context,
    }
    token = token or fhir_server.token
    if token:
        request["fhirAuthorization"] = fhir_authorization(token)
    # The test server cannot search RiskAssessment by patient: the request says none is on
    # record (true: nothing writes them there), as an EHR that prefetches them would.
    request["prefetch"] = {"riskAssessments": None, **(prefetch or {})}
    return request


def risk_assessment(answer: dict[str, Any]) -> dict[str, Any]:
    (action,) = answer["systemActions"]
    return action["resource"]


def prediction(answer: dict[str, Any]) -> dict[str, Any]:
    return risk_assessment(answer)["prediction"][0]


def tier(answer: dict[str, Any]) -> str:
    qualitative = prediction(answer)["qualitativeRisk"]
    return qualitative["coding"][0]["code"] if "coding" in qualitative else qualitative["text"]


def diagnostics(response) -> str:
    return "; ".join(issue["diagnostics"] for issue in response.get_json()["issue"])


def test_the_synthetic_bundles_load_without_a_rejected_entry(fhir_server):
    bundle = transaction([*NAMED_PATIENTS, *generate_cohort(GENERATED, SEED)])
    result = load_transaction(fhir_server, bundle)
    statuses = [entry["response"]["status"] for entry in result["entry"]]
    assert len(statuses) == len(bundle["entry"])
    assert all(status.startswith(("200", "201")) for status in statuses)


def test_synth_output_loads_without_a_rejected_entry(fhir_server, tmp_path):
    command = ["synth", "--patients", "30", "--seed", "99", "--out", str(tmp_path)]
    assert main([*command, "--fhir-base-url", fhir_server.base_url]) == 0
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 2
    for path in files:
        # Raises, naming them, unless every entry was accepted.
        load_transaction(fhir_server, json.loads(path.read_text()))


@pytest.mark.parametrize(
    "patient_id, probability, expected_tier, indicator",
    [
        ("pvp-high-risk", HIGH_RISK, "high", "warning"),
        ("pvp-low-risk", LOW_RISK, "low", "info"),
        # The read entered in error would otherwise conflict with the final one.
        ("pvp-entered-in-error", GRADE_2_SPONGY, "low", "info"),
        # The preliminary grade 3 would give 17.7% or, conflicting, a range.
        # 16.8%: above the study's average, below the 20% alert threshold.
        ("pvp-superseded-preliminary", GRADE_2_BLOCKY, "low", "info"),
    ],
)
def test_risk_read_without_prefetch_is_the_hand_calculated_one(
    client, fhir_server, patient_id, probability, expected_tier, indicator
):
    response = client.post(SERVICE, json=hook(patient_id, fhir_server))
    assert response.status_code == 200
    answer = response.get_json()
    assert prediction(answer)["probabilityDecimal"] == pytest.approx(probability, abs=PRECISION)
    assert tier(answer) == expected_tier
    assert answer["cards"][0]["indicator"] == indicator


def test_missing_cement_gives_the_range_over_blocky_and_spongy(client, fhir_server):
    answer = client.post(SERVICE, json=hook("pvp-missing-cement", fhir_server)).get_json()
    (card,) = answer["cards"]
    # 8.29% to 16.76%, in whole percent; wholly below the 20% alert threshold.
    assert (
        "8%-17%, below the 20% alert threshold (study average 14%) (1 missing)" in card["summary"]
    )


def test_a_range_wholly_below_the_threshold_is_recorded_as_a_range(client, fhir_server):
    answer = client.post(SERVICE, json=hook("pvp-missing-cement", fhir_server)).get_json()
    (action,) = answer["systemActions"]
    span = action["resource"]["prediction"][0]["probabilityRange"]
    assert (span["low"]["value"], span["high"]["value"]) == pytest.approx(
        (0.0829, 0.1676), abs=1e-4
    )


@pytest.mark.parametrize(
    "patient_id, why",
    [
        ("pvp-kyphoplasty", "kyphoplasty"),
        ("pvp-two-level", "more than one level"),
        ("pvp-myeloma", "spinal malignancy"),
    ],
)
def test_model_that_does_not_apply_gives_one_card_and_no_risk(client, fhir_server, patient_id, why):
    answer = client.post(SERVICE, json=hook(patient_id, fhir_server)).get_json()
    (card,) = answer["cards"]
    assert "does not apply" in card["summary"] and why in card["summary"]
    assert "systemActions" not in answer


@pytest.mark.parametrize(
    "patient_id",
    [
        "pvp-no-procedure",
        # Two years after the procedure: past the one-month assessment.
        "pvp-old-procedure",
        # 33 days after the procedure, its one-month VAS read from the server.
        "pvp-outcome-recorded",
    ],
)
def test_quiet_patients_get_no_card(client, fhir_server, patient_id):
    response = client.post(SERVICE, json=hook(patient_id, fhir_server))
    assert response.status_code == 200
    assert response.get_json()["cards"] == []


def test_generated_patients_with_their_outcome_on_record_get_no_card(client, fhir_server, loaded):
    # The generated cohort is historical (2025), every patient's one-month VAS on record.
    for patient in loaded:
        answer = client.post(SERVICE, json=hook(patient.id, fhir_server)).get_json()
        assert answer == {"cards": []}, patient.id


def recent_copy(patient: SyntheticPatient, days_ago: int = 5) -> SyntheticPatient:
    """The patient under another id, every date moved so that the procedure was ``days_ago``
    days ago, and only the pain scores taken by now (the 24-hour and 3-day ones)."""
    now = datetime.now(UTC)
    shift = now - timedelta(days=days_ago) - patient.procedures[0].performed
    return replace(
        patient,
        id=f"{patient.id}-recent",
        diagnosed=patient.diagnosed + shift,
        procedures=tuple(replace(p, performed=p.performed + shift) for p in patient.procedures),
        reads=tuple(replace(r, effective=r.effective + shift) for r in patient.reads),
        pain_scores=tuple(
            replace(score, effective=score.effective + shift)
            for score in patient.pain_scores
            if score.effective + shift <= now
        ),
    )


def test_generated_patients_get_the_risk_of_their_drawn_findings(client, fhir_server, loaded):
    recent = [recent_copy(patient) for patient in loaded]
    load_transaction(fhir_server, transaction(recent))
    for patient in recent:
        findings = patient.findings
        expected = reconciled_probability(
            findings["intravertebral_vacuum_cleft"],
            findings["posterior_fascia_oedema"],
            findings["goutallier_grade"],
            findings["cement_distribution"],
        )
        answer = client.post(SERVICE, json=hook(patient.id, fhir_server)).get_json()
        probability = prediction(answer)["probabilityDecimal"]
        assert probability == pytest.approx(expected, abs=PRECISION), patient.id


def test_without_risk_assessments_the_card_comes_but_nothing_is_recorded(client, fhir_server):
    # The test server answers 400 to RiskAssessment?patient=: whether one is on record is
    # unknown, so patient-view leaves the recording to discharge.
    request = hook("pvp-high-risk", fhir_server)
    del request["prefetch"]
    answer = client.post(SERVICE, json=request).get_json()
    assert answer["cards"][0]["indicator"] == "warning"
    assert "systemActions" not in answer


def test_discharge_hook_reads_the_server_too(client, fhir_server):
    request = hook("pvp-high-risk", fhir_server, hook_name="encounter-discharge")
    answer = client.post(DISCHARGE_SERVICE, json=request).get_json()
    assert prediction(answer)["probabilityDecimal"] == pytest.approx(HIGH_RISK, abs=PRECISION)
    assert risk_assessment(answer)["encounter"] == {"reference": "Encounter/e2e-discharge"}


def test_partial_prefetch_is_used_and_the_rest_read_from_the_server(client, fhir_server):
    # The EHR prefetches the patient and the Observations, with a cement read that is not on
    # the server; Procedure and Condition are left to the server. Only both together give the
    # point risk of Goutallier 2 with spongy cement.
    patient = named_patient("pvp-missing-cement")
    records = fhir_resources(patient)
    cement = {
        "resourceType": "Observation",
        "id": "pvp-missing-cement-cement-in-ehr",
        "status": "final",
        "code": {
            "coding": [{"system": codes.PVP_FINDINGS, "code": codes.CEMENT_DISTRIBUTION.code}]
        },
        "subject": {"reference": f"Patient/{patient.id}"},
        "effectiveDateTime": named.RADIOGRAPH.isoformat(timespec="seconds"),
        "valueCodeableConcept": {"coding": [{"system": codes.PVP_FINDINGS, "code": "spongy"}]},
    }
    observations = [r for r in records if r["resourceType"] == "Observation"] + [cement]
    prefetch = {
        "patient": next(r for r in records if r["resourceType"] == "Patient"),
        "observations": {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": observation} for observation in observations],
        },
    }
    request = hook(patient.id, fhir_server, prefetch=prefetch)
    answer = client.post(SERVICE, json=request).get_json()
    assert prediction(answer)["probabilityDecimal"] == pytest.approx(GRADE_2_SPONGY, abs=PRECISION)


@pytest.fixture
def server_with_a_token(fhir_server: FhirEndpoint) -> FhirEndpoint:
    if fhir_server.token is None:
        pytest.skip("the FHIR server under test asks for no token, so none can be refused")
    return fhir_server


# A wrong token and none; an expired one is in test_expired_token.py.
@pytest.mark.parametrize("token", ["not-the-servers-token", None], ids=["wrong", "none"])
def test_token_the_fhir_server_refuses_is_412_not_500(client, server_with_a_token, token):
    request = hook("pvp-high-risk", server_with_a_token)
    if token is None:
        del request["fhirAuthorization"]
    else:
        request["fhirAuthorization"]["access_token"] = token
    # The server's own answer first: it refuses the token.
    refused = requests.get(
        f"{server_with_a_token.base_url}/Patient/pvp-high-risk",
        headers={
            "Accept": "application/fhir+json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
        timeout=10,
    )
    assert refused.status_code == 401
    response = client.post(SERVICE, json=request)
    assert response.status_code == 412
    assert "refused the access token (401)" in diagnostics(response)


def test_the_access_token_never_reaches_the_log(client, fhir_server, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(SERVICE, json=hook("pvp-high-risk", fhir_server))
    client.post(SERVICE, json=hook("pvp-high-risk", fhir_server, token="a-refused-token"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # the requests were logged...
    assert "a-refused-token" not in logged
    if fhir_server.token:
        assert fhir_server.token not in logged  # ...without the tokens


def test_stopped_fhir_server_is_412(loaded):
    with FhirTestServer() as other:
        stopped = other.endpoint
    client = make_client(stopped)
    response = client.post(SERVICE, json=hook("pvp-high-risk", stopped))
    assert response.status_code == 412
    assert "could not be reached" in diagnostics(response)


def test_the_server_pages_a_small_count(fhir_server, loaded):
    # The service's paging tests below rest on this: the server honours a small _count.
    page = requests.get(
        f"{fhir_server.base_url}/Observation",
        params={"patient": "pvp-superseded-preliminary", "_count": 1},
        headers=fhir_server.headers(),
        timeout=10,
    ).json()
    assert len(page["entry"]) == 1
    assert any(link["relation"] == "next" for link in page["link"])


def test_risk_is_the_same_when_every_search_takes_many_pages(fhir_server, loaded):
    client = make_client(fhir_server, FHIR_PAGE_SIZE=1, FHIR_MAX_PAGES=10)
    answer = client.post(SERVICE, json=hook("pvp-superseded-preliminary", fhir_server)).get_json()
    assert prediction(answer)["probabilityDecimal"] == pytest.approx(GRADE_2_BLOCKY, abs=PRECISION)


def test_pages_beyond_the_bound_are_412(fhir_server, loaded):
    # One Observation per page and at most two pages: the third page proves the service pages.
    client = make_client(fhir_server, FHIR_PAGE_SIZE=1, FHIR_MAX_PAGES=2)
    response = client.post(SERVICE, json=hook("pvp-superseded-preliminary", fhir_server))
    assert response.status_code == 412
    assert "more than 2 pages" in diagnostics(response)

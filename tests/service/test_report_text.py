"""Findings written only in radiology report text, through the Flask app: the same risk as
the coded twin, the sentences quoted on the card, coded values preferred, and the reports
fetched from the FHIR server only when they are needed."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta

import pytest

from cds_service import create_app
from cds_service.errors import StartupError
from fhir_mappings import codes

from . import fhir
from .conftest import SchemaCheckingClient
from .stub_fhir import StubFhirServer

URL = "/cds-services/pvp-residual-back-pain"
RADIOLOGY = {"system": "http://loinc.org", "code": "LP29684-5", "display": "Radiology"}
# The reports are dated as the coded findings are: a week before the procedure, the day after.
MRI_DAY, RADIOGRAPH_DAY = fhir.PRE_OP_DATE, fhir.POST_OP_DATE
_PROCEDURE = date.fromisoformat(fhir.PROCEDURE_DATE)
#: The imaging windows around the procedure: 90 days before it, 30 days after it.
WINDOW_START = (_PROCEDURE - timedelta(days=90)).isoformat()
WINDOW_END = (_PROCEDURE + timedelta(days=30)).isoformat()
CLEFT = "There is an intravertebral vacuum cleft in L1."
OEDEMA = "Posterior fascia oedema at the level of the fracture."
GOUTALLIER = "Paraspinal muscles: Goutallier grade 4."
BLOCKY = "Blocky cement distribution within L1."

# Cleft, oedema, Goutallier 4, blocky cement, by hand from the model file: logit = -3.361 +
# 1.332 + 1.377 + 2.622 = 1.970; 1 / (1 + e^-1.970) = 0.8776.
HIGH_RISK = 0.8776
# No cleft, no oedema, Goutallier 1, spongy: logit = -3.361 - 0.800 = -4.161; p = 0.0154.
LOW_RISK = 0.0154


def report(id: str, day: str, modality: str, text: str) -> dict:
    return {
        "resourceType": "DiagnosticReport",
        "id": id,
        "status": "final",
        "category": [{"coding": [RADIOLOGY]}],
        "code": {"text": modality},
        "subject": {"reference": f"Patient/{fhir.PATIENT_ID}"},
        "effectiveDateTime": day,
        "presentedForm": [
            {"contentType": "text/plain", "data": base64.b64encode(text.encode()).decode()}
        ],
    }


def written_reports() -> list[dict]:
    mri = "FINDINGS:\n" + "\n".join([CLEFT, OEDEMA, GOUTALLIER])
    return [
        report("mri-1", MRI_DAY, "MRI lumbar spine", mri),
        report("xr-1", RADIOGRAPH_DAY, "XR lumbar spine 2 views", f"IMPRESSION: {BLOCKY}"),
    ]


def coded_high_risk() -> list[dict]:
    return fhir.findings(ivc=True, oedema=True, grade=4, cement=codes.BLOCKY)


def call(client, prefetch: dict, **extra) -> dict:
    response = client.post(URL, json=fhir.hook_request(prefetch_data=prefetch, **extra))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def probability(answer: dict) -> float:
    return answer["systemActions"][0]["resource"]["prediction"][0]["probabilityDecimal"]


def report_only_prefetch() -> dict:
    prefetch = fhir.prefetch(observations=[])
    prefetch["radiologyReports"] = fhir.searchset(*written_reports())
    return prefetch


def test_findings_only_in_report_text_give_the_risk_of_the_coded_twin(client):
    coded = call(client, fhir.prefetch(observations=coded_high_risk()))
    written = call(client, report_only_prefetch())
    assert probability(coded) == pytest.approx(HIGH_RISK, abs=1e-4)
    assert probability(written) == probability(coded)


@pytest.mark.parametrize("sentence", [CLEFT, OEDEMA, GOUTALLIER, BLOCKY])
def test_card_quotes_each_sentence_a_finding_was_read_from(client, sentence):
    detail = call(client, report_only_prefetch())["cards"][0]["detail"]
    assert f"from report text: \u201c{sentence}\u201d" in detail


def test_grade_read_from_its_definition_scores_and_is_quoted_on_the_card(client):
    """Goutallier grade 4 written as its definition ("more fat than muscle"), not as the
    eponym: the same risk as the coded twin, and the card quotes the sentence."""
    definition = "Multifidus at L4/5: more fat than muscle."
    mri = "FINDINGS:\n" + "\n".join([CLEFT, OEDEMA, definition])
    prefetch = fhir.prefetch(observations=[])
    prefetch["radiologyReports"] = fhir.searchset(
        report("mri-1", MRI_DAY, "MRI lumbar spine", mri),
        report("xr-1", RADIOGRAPH_DAY, "XR lumbar spine 2 views", f"IMPRESSION: {BLOCKY}"),
    )
    answer = call(client, prefetch)
    assert probability(answer) == pytest.approx(HIGH_RISK, abs=1e-4)
    assert f"from report text: \u201c{definition}\u201d" in answer["cards"][0]["detail"]


def test_card_gives_the_report_and_its_date(client):
    detail = call(client, report_only_prefetch())["cards"][0]["detail"]
    # The examination as the report names it and its date, not the resource id.
    assert f"\u201d, MRI lumbar spine {MRI_DAY} |" in detail
    assert f"\u201d, XR lumbar spine 2 views {RADIOGRAPH_DAY} |" in detail


def test_risk_assessment_basis_references_the_reports(client):
    resource = call(client, report_only_prefetch())["systemActions"][0]["resource"]
    basis = {item["reference"] for item in resource["basis"]}
    assert {"DiagnosticReport/mri-1", "DiagnosticReport/xr-1"} <= basis


def test_coded_findings_win_over_report_text(client):
    prefetch = report_only_prefetch()
    low = fhir.findings(ivc=False, oedema=False, grade=1, cement=codes.SPONGY)
    prefetch["observations"] = fhir.searchset(*low)
    answer = call(client, prefetch)
    assert probability(answer) == pytest.approx(LOW_RISK, abs=1e-4)
    assert "from report text" not in answer["cards"][0]["detail"]


def test_report_text_off_leaves_written_findings_missing():
    app = create_app({"TESTING": True, "AUTHENTICATION": "off", "REPORT_TEXT": False})
    app.test_client_class = SchemaCheckingClient
    answer = call(app.test_client(), report_only_prefetch())
    assert "no findings on record" in answer["cards"][0]["summary"]


def test_report_rules_file_that_is_wrong_refuses_to_start_naming_the_entry(tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"schema_version": 1, "rules_version": "one"}))
    with pytest.raises(StartupError, match=r"PVP_CDS_REPORT_RULES_FILE: .*/rules_version"):
        create_app({"TESTING": True, "AUTHENTICATION": "off", "REPORT_RULES_FILE": str(rules)})


def test_report_text_setting_must_be_a_boolean():
    with pytest.raises(StartupError, match="PVP_CDS_REPORT_TEXT: expected true or false"):
        create_app({"TESTING": True, "AUTHENTICATION": "off", "REPORT_TEXT": "False"})


# --- fetching the reports from the FHIR server ------------------------------------------------


@pytest.fixture
def fhir_server():
    server = StubFhirServer()
    server.answers = {"DiagnosticReport": (200, fhir.searchset(*written_reports()))}
    yield server
    server.stop()


@pytest.fixture
def fetching_client(fhir_server):
    app = create_app(
        {
            "TESTING": True,
            "AUTHENTICATION": "off",
            "FHIR_SERVERS": [fhir_server.base_url],
            "ALLOW_HTTP_FHIR": True,
        }
    )
    app.test_client_class = SchemaCheckingClient
    return app.test_client()


def report_searches(server: StubFhirServer) -> list:
    return [r for r in server.requests if r.path == "DiagnosticReport"]


def test_reports_are_fetched_when_a_finding_is_not_coded(fetching_client, fhir_server):
    answer = call(fetching_client, fhir.prefetch(observations=[]), fhirServer=fhir_server.base_url)
    assert probability(answer) == pytest.approx(HIGH_RISK, abs=1e-4)


def test_report_search_asks_for_radiology_in_the_imaging_windows(fetching_client, fhir_server):
    call(fetching_client, fhir.prefetch(observations=[]), fhirServer=fhir_server.base_url)
    (search,) = report_searches(fhir_server)
    assert search.query == {
        "patient": [fhir.PATIENT_ID],
        "category": [
            "http://loinc.org|LP29684-5,http://terminology.hl7.org/CodeSystem/v2-0074|RAD"
        ],
        "date": [f"ge{WINDOW_START}", f"le{WINDOW_END}"],
    }


def test_report_search_for_cement_only_covers_the_post_operative_window(
    fetching_client, fhir_server
):
    coded = fhir.findings(ivc=True, oedema=True, grade=4, cement=None)
    call(fetching_client, fhir.prefetch(observations=coded), fhirServer=fhir_server.base_url)
    (search,) = report_searches(fhir_server)
    assert search.query["date"] == [f"ge{fhir.PROCEDURE_DATE}", f"le{WINDOW_END}"]


def test_reports_are_not_fetched_when_every_finding_is_coded(fetching_client, fhir_server):
    call(
        fetching_client,
        fhir.prefetch(observations=coded_high_risk()),
        fhirServer=fhir_server.base_url,
    )
    assert report_searches(fhir_server) == []


def test_reports_are_not_fetched_without_a_vertebroplasty(fetching_client, fhir_server):
    prefetch = fhir.prefetch(procedures=[], observations=[])
    call(fetching_client, prefetch, fhirServer=fhir_server.base_url)
    assert report_searches(fhir_server) == []


def test_reports_sent_in_prefetch_are_used_instead_of_fetched(fetching_client, fhir_server):
    call(fetching_client, report_only_prefetch(), fhirServer=fhir_server.base_url)
    assert report_searches(fhir_server) == []


def test_a_failed_report_search_still_answers_and_says_so(fetching_client, fhir_server):
    fhir_server.answers["DiagnosticReport"] = (500, {"resourceType": "OperationOutcome"})
    answer = call(fetching_client, fhir.prefetch(observations=[]), fhirServer=fhir_server.base_url)
    assert "Radiology report text could not be read" in answer["cards"][0]["detail"]
    assert "no findings on record" in answer["cards"][0]["summary"]


def test_card_says_why_a_written_finding_is_unknown_quoting_the_sentence(client):
    prefetch = fhir.prefetch(observations=[])
    uncertain = report("mri-2", MRI_DAY, "MRI lumbar spine", "Cannot exclude a vacuum cleft.")
    prefetch["radiologyReports"] = fhir.searchset(uncertain)
    detail = call(client, prefetch)["cards"][0]["detail"]
    assert "the report is not certain: \u201cCannot exclude a vacuum cleft.\u201d" in detail


def test_card_names_a_report_whose_text_cannot_be_read(client):
    prefetch = fhir.prefetch(observations=[])
    pdf = report("mri-3", MRI_DAY, "MRI lumbar spine", "")
    pdf["presentedForm"] = [{"contentType": "application/pdf", "data": "JVBERi0xLjQ="}]
    prefetch["radiologyReports"] = fhir.searchset(pdf)
    detail = call(client, prefetch)["cards"][0]["detail"]
    assert (
        "DiagnosticReport/mri-3 could not be read: a presentedForm of type application/pdf is "
        "not text/html or text/plain"
    ) in detail

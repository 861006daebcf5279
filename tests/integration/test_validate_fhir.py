"""`pvp-cds validate --fhir` end to end: synthetic patients with one-month pain scores loaded
into the real FHIR test server, read back with the service's mapping rules, and the report
written.

The session's server is shared with other integration tests, so the expectations are lower
bounds from the patients loaded here, plus the named patients' documented exclusions.
"""

from __future__ import annotations

import json

import pytest

from devtools.fhir_test_server import FhirEndpoint, load_transaction
from devtools.synthetic import NAMED_PATIENTS, generate_cohort, transaction
from pvp_cds.cli import main

pytestmark = pytest.mark.integration

SEED = 1616
PATIENTS = 80


@pytest.fixture(scope="module")
def report(fhir_server: FhirEndpoint, tmp_path_factory):
    cohort = generate_cohort(PATIENTS, SEED)
    load_transaction(fhir_server, transaction([*NAMED_PATIENTS, *cohort]))
    out = tmp_path_factory.mktemp("validation")
    arguments = ["validate", "--fhir", fhir_server.base_url, "--out", str(out), "--bootstrap", "40"]
    if fhir_server.token:
        arguments += ["--token", fhir_server.token]
    assert main(arguments) == 0
    return cohort, out, json.loads((out / "metrics.json").read_text())


def test_every_generated_patient_is_included_with_its_one_month_outcome(report):
    cohort, _, summary = report
    events = sum(bool(patient.residual_back_pain) for patient in cohort)
    assert summary["cohort"]["included"] >= PATIENTS
    assert summary["cohort"]["events"] >= events


def test_named_two_level_patient_is_excluded_as_multi_level(report):
    assert report[2]["cohort"]["excluded"]["model does not apply: multi-level"] >= 1


def test_named_patient_without_cement_reading_counts_as_missing_data(report):
    assert report[2]["cohort"]["missing"]["cement_distribution: missing"] >= 1


def test_every_screened_patient_is_included_or_excluded_once(report):
    counts = report[2]["cohort"]
    assert counts["screened"] == counts["included"] + sum(counts["excluded"].values())


def test_report_is_written_with_its_figures(report):
    html = (report[1] / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3


def test_report_never_holds_the_token(fhir_server: FhirEndpoint, report):
    if not fhir_server.token:
        pytest.skip("this FHIR server takes no token")
    for name in ("report.html", "metrics.json"):
        assert fhir_server.token not in (report[1] / name).read_text()


def test_progress_is_printed_on_extraction(fhir_server: FhirEndpoint, report, tmp_path, capsys):
    arguments = [
        "validate",
        "--fhir",
        fhir_server.base_url,
        "--out",
        str(tmp_path),
        "--bootstrap",
        "5",
    ]
    if fhir_server.token:
        arguments += ["--token", fhir_server.token]
    main(arguments)
    assert "read 50 of" in capsys.readouterr().out

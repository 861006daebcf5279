"""``pvp-cds demo``: FHIR server, synthetic patients, service and cards, in one command."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex

import pytest
import requests

from devtools import demo
from devtools.synthetic import named, named_patient
from pvp_cds.cli import main

from .demo_process import running_demo

pytestmark = pytest.mark.integration


#: Each named patient's tier line, from its definition in synthetic/named.py and the hand
#: calculations in test_end_to_end.py (alert from 20%).
EXPECTED_TIERS = {
    "pvp-high-risk": "tier: high (risk 87.8%)",
    "pvp-low-risk": "tier: low (risk 1.5%)",
    # 8.3%-16.8% lies wholly below 20%: recorded as a range.
    "pvp-missing-cement": "tier: low (risk 8.3%-16.8%)",
    "pvp-entered-in-error": "tier: low (risk 8.3%)",
    "pvp-superseded-preliminary": "tier: low (risk 16.8%)",
    "pvp-kyphoplasty": "tier: none (the model does not apply)",
    "pvp-two-level": "tier: none (the model does not apply)",
    "pvp-no-procedure": f"tier: none ({demo.QUIET})",
    "pvp-old-procedure": f"tier: none ({demo.QUIET})",
    "pvp-myeloma": "tier: none (the model does not apply)",
    "pvp-outcome-recorded": f"tier: none ({demo.QUIET})",
    "pvp-report-only": "tier: high (risk 87.8%)",
}


def blocks(printed: str) -> dict[str, list[str]]:
    """Each patient's lines, keyed by the patient id of its "== id: description" header."""
    found = {}
    for block in printed.split("\n== ")[1:]:
        lines = block.splitlines()
        found[lines[0].split(":")[0]] = lines
    return found


def address(printed: str, label: str) -> str:
    return re.search(rf"{label}:\s+(http://\S+)", printed).group(1)


def refused(url: str) -> bool:
    try:
        requests.get(url, timeout=2)
    except requests.ConnectionError:
        return True
    return False


@pytest.fixture(scope="module")
def printed() -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["demo", "--port", "0", "--patients", "5"]) == 0
    return out.getvalue()


def test_demo_prints_the_tier_of_each_named_patient(printed):
    tiers = {patient_id: lines[1] for patient_id, lines in blocks(printed).items()}
    assert tiers == EXPECTED_TIERS


def test_demo_shows_each_finding_with_its_value_and_source(printed):
    lines = blocks(printed)["pvp-high-risk"]
    mri = named.MRI.date().isoformat()
    assert f"  - Intravertebral vacuum cleft: present, 51 points (pre-op CT/MRI {mri})" in lines
    assert (
        "[warning] Residual back pain risk one month after PVP: 88%, at or above the 20% "
        "alert threshold (study average 14%)" in lines
    )


def test_demo_shows_findings_read_from_report_text_with_their_sentence(printed):
    text = "\n".join(blocks(printed)["pvp-report-only"])
    assert (
        "from report text: \u201cThere is an intravertebral vacuum cleft beneath the superior "
        "endplate of L1.\u201d"
    ) in text


def test_demo_says_what_is_missing(printed):
    text = "\n".join(blocks(printed)["pvp-missing-cement"])
    assert "- Bone cement distribution: No cement distribution reading on record" in text


def test_demo_reports_what_it_loaded(printed):
    assert "Loaded 17 synthetic patients (12 named, 5 generated with seed 2021)" in printed
    assert "none rejected" in printed


def test_demo_stops_both_servers_when_done(printed):
    assert refused(address(printed, "FHIR server") + "/metadata")
    assert refused(address(printed, "CDS service"))


def test_demo_keeps_running_until_ctrl_c_and_its_curl_works():
    with running_demo(
        "--keep-running",
        "--port",
        "0",
        ready=lambda line: line.lstrip().startswith("curl "),
        timeout=60,
    ) as demo_process:
        assert "Ctrl-C stops both" in demo_process.printed
        curl = shlex.split(demo_process.lines[-1])
        url, body = curl[curl.index("-X") + 2], json.loads(curl[curl.index("-d") + 1])
        answer = requests.post(url, json=body, timeout=30).json()
        assert "at or above the 20% alert threshold" in answer["cards"][0]["summary"]

        code, stopping = demo_process.stop()
        assert code == 0
        assert "Stopping." in stopping
        assert refused(address(demo_process.printed, "FHIR server") + "/metadata")


def test_demo_shows_the_myeloma_record_that_stops_the_model(printed):
    text = "\n".join(blocks(printed)["pvp-myeloma"])
    # Named by diagnosis and code, as a clinician finds it; no resource id.
    assert "C90.00, confirmed" in text and "Condition/" not in text


def test_an_error_answer_is_printed_with_its_status_and_diagnostics():
    answer = {"resourceType": "OperationOutcome", "issue": [{"diagnostics": "no server"}]}
    lines = demo.describe(named_patient("pvp-high-risk"), 412, answer)
    assert lines[1] == "tier: none (HTTP 412: no server)"

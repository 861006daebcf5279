"""Radiology DiagnosticReports in the assessment: text fills in what no Observation codes,
in the same windows, with the report and its sentence as the source."""

from __future__ import annotations

import pytest

from fhir_mappings import (
    FindingStatus,
    NoValue,
    NoValueKind,
    Problem,
    SourceKind,
    assess,
    resources_from,
)

from .builders import (
    LATER,
    NOW,
    PATIENT_ID,
    POST_OP_DAY,
    PRE_OP_DAY,
    absent,
    bundle,
    cement,
    goutallier,
    index_pvp,
    present,
    procedure,
)
from .labelled_reports import RADIOLOGY, attachment, diagnostic_report, reports


@pytest.fixture
def run(config, reader):
    def assess_with_text(*resources, with_reader=True, now=NOW):
        parsed = resources_from(bundle(*index_pvp(*resources)))
        return assess(parsed, PATIENT_ID, config, reader if with_reader else None, now=now)

    return assess_with_text


def report(
    id: str,
    *,
    conclusion: str | None = None,
    forms: list[dict] | None = None,
    effective: str = PRE_OP_DAY,
    modality: str = "MRI lumbar spine",
    status: str = "final",
    category: dict | None = None,
) -> dict:
    resource = {
        "resourceType": "DiagnosticReport",
        "id": id,
        "status": status,
        "category": [{"coding": [category or RADIOLOGY]}],
        "code": {"text": modality},
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
        "effectiveDateTime": effective,
    }
    if conclusion is not None:
        resource["conclusion"] = conclusion
    if forms is not None:
        resource["presentedForm"] = forms
    return resource


def test_text_gives_a_finding_no_observation_codes(run):
    finding = run(report("mr-1", conclusion="L1 fracture with a vacuum cleft.")).findings[
        "intravertebral_vacuum_cleft"
    ]
    assert (finding.status, finding.value) == (FindingStatus.FOUND, True)


def test_text_finding_cites_the_report_its_date_and_sentence(run):
    source = (
        run(report("mr-1", conclusion="L1 fracture with a vacuum cleft."))
        .findings["intravertebral_vacuum_cleft"]
        .source
    )
    assert (source.reference, source.effective, source.kind, source.quote) == (
        "DiagnosticReport/mr-1",
        PRE_OP_DAY,
        SourceKind.REPORT_TEXT,
        "L1 fracture with a vacuum cleft.",
    )


def test_a_coded_observation_wins_over_report_text(run):
    findings = run(absent("ivc-1"), report("mr-1", conclusion="Vacuum cleft at L1.")).findings
    finding = findings["intravertebral_vacuum_cleft"]
    assert (finding.value, finding.source.reference) == (False, "Observation/ivc-1")


def test_text_fills_only_the_findings_not_coded(run):
    findings = run(
        goutallier("g-1", 1),
        report("mr-1", conclusion="Goutallier grade 4. Posterior fascia oedema."),
    ).findings
    assert findings["goutallier_grade"].value == 1
    assert findings["posterior_fascia_oedema"].value is True


def test_report_text_is_not_read_when_text_reading_is_off(run):
    finding = run(report("mr-1", conclusion="Vacuum cleft at L1."), with_reader=False).findings[
        "intravertebral_vacuum_cleft"
    ]
    assert finding.status is FindingStatus.MISSING


def test_two_reports_of_one_day_that_disagree_make_a_conflict(run):
    finding = run(
        report("mr-1", conclusion="Vacuum cleft at L1."),
        report("ct-1", conclusion="No vacuum cleft.", modality="CT lumbar spine"),
    ).findings["intravertebral_vacuum_cleft"]
    assert finding.status is FindingStatus.CONFLICTING
    assert {c.source.reference for c in finding.conflicts} == {
        "DiagnosticReport/mr-1",
        "DiagnosticReport/ct-1",
    }


def test_a_later_report_supersedes_an_earlier_one(run):
    finding = run(
        report("mr-1", conclusion="Vacuum cleft at L1.", effective="2024-02-20"),
        report("mr-2", conclusion="No vacuum cleft.", effective=PRE_OP_DAY),
    ).findings["intravertebral_vacuum_cleft"]
    assert (finding.value, finding.superseded) == (False, 1)


def test_uncertain_text_makes_the_finding_data_absent_with_the_sentence(run):
    finding = run(report("mr-1", conclusion="Cannot exclude a vacuum cleft.")).findings[
        "intravertebral_vacuum_cleft"
    ]
    assert finding.status is FindingStatus.DATA_ABSENT
    assert finding.no_value == NoValue(
        NoValueKind.REPORT_UNCERTAIN, "Cannot exclude a vacuum cleft."
    )


def test_post_operative_report_is_not_read_for_a_pre_operative_finding(run):
    finding = run(
        report("xr-1", conclusion="Vacuum cleft at L1.", effective=POST_OP_DAY, modality="MRI")
    ).findings["intravertebral_vacuum_cleft"]
    assert finding.status is FindingStatus.STALE


def test_pre_operative_report_is_not_read_for_cement(run):
    finding = run(
        report("xr-1", conclusion="Blocky cement in L1.", effective=PRE_OP_DAY, modality="XR")
    ).findings["cement_distribution"]
    assert finding.status is FindingStatus.STALE


def test_a_coded_stale_reading_is_not_replaced_by_stale_text(run):
    finding = run(
        cement("c-1", "spongy", effective="2024-06-01"),
        report("xr-1", conclusion="Blocky cement in L1.", effective="2024-06-01", modality="XR"),
        now=LATER,
    ).findings["cement_distribution"]
    assert (finding.status, finding.source.reference) == (
        FindingStatus.STALE,
        "Observation/c-1",
    )


def test_ct_report_is_not_read_for_fascia_oedema(run):
    finding = run(
        report("ct-1", conclusion="Posterior fascia oedema.", modality="CT lumbar spine")
    ).findings["posterior_fascia_oedema"]
    assert finding.status is FindingStatus.MISSING


def test_report_of_no_named_modality_is_read_for_every_finding(run):
    finding = run(report("r-1", conclusion="Posterior fascia oedema.", modality="Spine")).findings[
        "posterior_fascia_oedema"
    ]
    assert finding.value is True


def test_non_radiology_report_is_not_read(run):
    laboratory = {"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "LAB"}
    assessment = run(report("lab-1", conclusion="Vacuum cleft.", category=laboratory))
    assert assessment.findings["intravertebral_vacuum_cleft"].status is FindingStatus.MISSING
    assert assessment.ignored_resources == 1


def test_v2_radiology_category_is_read(run):
    radiology = {"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "RAD"}
    finding = run(report("r-1", conclusion="Vacuum cleft at L1.", category=radiology)).findings[
        "intravertebral_vacuum_cleft"
    ]
    assert finding.value is True


def test_html_presented_form_is_read(run):
    html = "<p>Findings:</p><p>Goutallier grade <b>3</b>.</p>"
    finding = run(report("mr-1", forms=[attachment(html, "text/html")])).findings[
        "goutallier_grade"
    ]
    assert finding.value == 3


def test_html_table_row_reads_as_a_label_and_its_answer(run):
    html = (
        "<table><tr><th>Finding</th><th>Result</th></tr>"
        "<tr><td>Dorsal fascia oedema</td><td>No</td></tr></table>"
    )
    finding = run(report("mr-1", forms=[attachment(html, "text/html")])).findings[
        "posterior_fascia_oedema"
    ]
    assert finding.value is False


def test_pdf_presented_form_is_reported_as_unreadable(run):
    pdf = {"contentType": "application/pdf", "data": "JVBERi0xLjQ="}
    finding = run(report("mr-1", forms=[pdf])).findings["goutallier_grade"]
    assert finding.status is FindingStatus.MISSING
    (unreadable,) = finding.unreadable
    assert (unreadable.source.reference, unreadable.problem, unreadable.found) == (
        "DiagnosticReport/mr-1",
        Problem.ATTACHMENT_NOT_TEXT,
        "application/pdf",
    )


def test_presented_form_only_at_a_url_is_reported_as_unreadable(run):
    linked = {"contentType": "text/plain", "url": "https://ehr.example.org/reports/1.txt"}
    finding = run(report("mr-1", forms=[linked])).findings["goutallier_grade"]
    assert [u.problem for u in finding.unreadable] == [Problem.ATTACHMENT_ONLY_AT_URL]


def test_preliminary_report_does_not_count_and_is_named(run):
    finding = run(report("mr-1", conclusion="Goutallier grade 3.", status="preliminary")).findings[
        "goutallier_grade"
    ]
    assert finding.status is FindingStatus.MISSING
    assert [(s.reference, s.status) for s in finding.not_counted] == [
        ("DiagnosticReport/mr-1", "preliminary")
    ]


def test_finding_at_another_level_than_the_treated_one_is_not_read(run):
    finding = run(report("mr-1", conclusion="Vacuum cleft at T12.")).findings[
        "intravertebral_vacuum_cleft"
    ]
    assert finding.status is FindingStatus.MISSING


def test_report_without_a_procedure_is_not_read(config, reader):
    parsed = resources_from(bundle(report("mr-1", conclusion="Vacuum cleft at L1.")))
    assessment = assess(parsed, PATIENT_ID, config, reader, now=NOW)
    assert assessment.findings["intravertebral_vacuum_cleft"].status is FindingStatus.NOT_ASSESSED


REPORTS = reports()


@pytest.mark.parametrize("labelled", REPORTS, ids=[r.id for r in REPORTS])
def test_labelled_report_gives_the_labelled_findings(config, reader, labelled):
    """Each whole labelled report, as a DiagnosticReport around an L-level vertebroplasty: the
    labelled findings are found with their values, every other finding stays unknown."""
    effective = PRE_OP_DAY if labelled.timing == "pre-op" else POST_OP_DAY
    resources = [
        procedure("pvp-1", levels=[labelled.level.value]),
        diagnostic_report(labelled, effective=effective, patient=PATIENT_ID),
    ]
    assessment = assess(resources_from(bundle(*resources)), PATIENT_ID, config, reader, now=NOW)
    found = {
        name: finding.value
        for name, finding in assessment.findings.items()
        if finding.status is FindingStatus.FOUND
    }
    assert found == {name.value: value for name, value in labelled.expect.items()}


def test_labelled_reports_cover_mri_ct_and_radiographs():
    modalities = [r.modality.split()[0].upper() for r in REPORTS]
    assert len(REPORTS) >= 30
    assert {"MRI", "MR", "CT", "XR", "RADIOGRAPH"} <= set(modalities)


def test_labelled_present_and_coded_present_agree(run):
    """The same finding coded and written agree, and the coded one is used."""
    finding = run(present("ivc-1"), report("mr-1", conclusion="Vacuum cleft at L1.")).findings[
        "intravertebral_vacuum_cleft"
    ]
    assert finding.source.kind is SourceKind.OBSERVATION

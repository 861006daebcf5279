"""The FHIR resources and transaction Bundles of synthetic patients: valid R4, loadable as they
are, and read back by the mapping layer as the patient was drawn."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

import fhir_mappings
from devtools.synthetic import NAMED_PATIENTS, fhir_resources, generate_cohort, transaction
from fhir_mappings import Applicability, codes

FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
VAS_LOINC = ("http://loinc.org", "38214-3")


@pytest.fixture(scope="module")
def cohort():
    return generate_cohort(150, 11)


@pytest.fixture(scope="module")
def bundle(cohort):
    return transaction([*NAMED_PATIENTS, *cohort])


def resources(bundle):
    return [entry["resource"] for entry in bundle["entry"]]


def test_the_bundle_is_a_valid_r4_transaction(bundle):
    assert Bundle.model_validate(bundle).type == "transaction"


def test_every_resource_validates_with_its_r4b_model(bundle):
    for resource in resources(bundle):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_every_entry_puts_the_resource_at_its_own_type_and_id(bundle):
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["request"] == {
            "method": "PUT",
            "url": f"{resource['resourceType']}/{resource['id']}",
        }


def test_entries_get_their_absolute_url_on_the_server_given():
    (patient, *_) = NAMED_PATIENTS
    entries = transaction([patient], "http://127.0.0.1:9/fhir/")["entry"]
    assert entries[0]["fullUrl"] == "http://127.0.0.1:9/fhir/Patient/pvp-high-risk"
    assert entries[1]["fullUrl"] == "http://127.0.0.1:9/fhir/Condition/pvp-high-risk-fracture"


def test_entries_have_no_full_url_without_a_server(bundle):
    assert not any("fullUrl" in entry for entry in bundle["entry"])


def test_ids_are_valid_fhir_ids_and_unique(bundle):
    ids = [(r["resourceType"], r["id"]) for r in resources(bundle)]
    assert all(FHIR_ID.fullmatch(resource_id) for _, resource_id in ids)
    assert len(set(ids)) == len(ids)


def test_every_reference_points_to_a_resource_in_the_same_bundle(bundle):
    present = {f"{r['resourceType']}/{r['id']}" for r in resources(bundle)}

    def references(node):
        if isinstance(node, dict):
            if "reference" in node:
                yield node["reference"]
            for value in node.values():
                yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)

    found = [ref for resource in resources(bundle) for ref in references(resource)]
    assert found and set(found) <= present


def test_every_resource_is_tagged_as_test_data(bundle):
    # HL7 v3 ActReason HTEST, "test health data": a shared sandbox can tell it from real data.
    for resource in resources(bundle):
        tags = [(tag["system"], tag["code"]) for tag in resource["meta"]["tag"]]
        assert ("http://terminology.hl7.org/CodeSystem/v3-ActReason", "HTEST") in tags


def test_generated_patients_read_back_as_their_drawn_findings(cohort):
    config = fhir_mappings.load_mapping_config()
    for patient in cohort:
        parsed = [r for d in fhir_resources(patient) for r in fhir_mappings.resources_from(d)]
        assessment = fhir_mappings.assess(parsed, patient.id, config, now=datetime.now(UTC))
        assert assessment.applicability is Applicability.APPLIES
        assert assessment.values() == patient.findings
        # A fracture diagnosis and the treated level are on record: nothing to warn about.
        assert assessment.caveats == ()


def test_the_vertebroplasty_code_follows_the_treated_level(cohort):
    # CPT 22510 covers cervicothoracic levels, 22511 lumbosacral ones.
    for patient in cohort:
        (procedure,) = patient.procedures
        (level,) = procedure.levels
        expected = "22511" if level.value.startswith("L") else "22510"
        assert procedure.code.code == expected
        assert level in codes.DERIVATION_LEVELS


def test_pain_is_scored_at_24_hours_3_days_and_one_month(cohort):
    for patient in cohort:
        records = fhir_resources(patient)
        (procedure,) = [r for r in records if r["resourceType"] == "Procedure"]
        performed = datetime.fromisoformat(procedure["performedDateTime"])
        scores = [
            r
            for r in records
            if r["resourceType"] == "Observation"
            and (r["code"]["coding"][0]["system"], r["code"]["coding"][0]["code"]) == VAS_LOINC
        ]
        offsets = [datetime.fromisoformat(s["effectiveDateTime"]) - performed for s in scores]
        assert offsets == [timedelta(hours=24), timedelta(days=3), timedelta(days=30)]
        assert all(0 <= s["valueInteger"] <= 10 for s in scores)


def patients(bundle):
    return [r for r in resources(bundle) if r["resourceType"] == "Patient"]


def test_every_patient_has_a_given_and_a_family_name(bundle):
    # The CDS Hooks Sandbox joins name[0].given and cannot open a patient without it.
    for patient in patients(bundle):
        name = patient["name"][0]
        assert name["given"] and all(isinstance(g, str) and g.strip() for g in name["given"])
        assert name["family"].strip()
        assert name["text"] == " ".join([*name["given"], name["family"]])


def test_every_patient_has_a_medical_record_number_gender_birth_date_and_address(bundle):
    for patient in patients(bundle):
        (identifier,) = patient["identifier"]
        assert identifier["system"].startswith("http")
        assert identifier["value"]
        assert identifier["type"]["coding"][0]["code"] == "MR"
        assert patient["gender"] in ("female", "male")
        assert date.fromisoformat(patient["birthDate"])
        (address,) = patient["address"]
        assert address["line"] and address["city"] and address["postalCode"]


def test_record_numbers_are_unique(bundle):
    numbers = [patient["identifier"][0]["value"] for patient in patients(bundle)]
    assert len(set(numbers)) == len(numbers)


def test_a_patient_gets_the_same_identity_from_the_same_id():
    first, again = generate_cohort(3, 5), generate_cohort(3, 5)
    assert [fhir_resources(p)[0] for p in first] == [fhir_resources(p)[0] for p in again]


def test_patients_are_not_all_given_one_name(cohort):
    names = {(p.identity.given, p.identity.family) for p in cohort}
    # 150 draws from 16 x 20 combinations per gender: far more than a handful of distinct names.
    assert len(names) > 50


def test_given_names_follow_the_patients_gender(cohort):
    women = {p.identity.given for p in cohort if p.gender == "female"}
    men = {p.identity.given for p in cohort if p.gender == "male"}
    assert women and men and not women & men

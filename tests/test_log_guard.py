"""The suite-wide log guard still fails on what it must: a synthetic patient's name or record
number in a log line, as written in its FHIR Patient resource."""

from __future__ import annotations

import json

import pytest

from devtools.synthetic import NAMED_PATIENTS, fhir_resources, generate_cohort
from tests.log_guard import leaks

PATIENTS = [*NAMED_PATIENTS, *generate_cohort(20, 7)]


def patient_resource(patient):
    (resource,) = [r for r in fhir_resources(patient) if r["resourceType"] == "Patient"]
    return resource


@pytest.mark.parametrize("patient", PATIENTS, ids=lambda patient: patient.id)
def test_each_part_of_a_synthetic_patients_name_is_caught(patient):
    name = patient_resource(patient)["name"][0]
    for part in (*name["given"], name["family"], name["text"]):
        assert leaks(f"hook for {part} refused") != []


@pytest.mark.parametrize("patient", PATIENTS, ids=lambda patient: patient.id)
def test_a_synthetic_patients_record_number_is_caught(patient):
    (identifier,) = patient_resource(patient)["identifier"]
    assert leaks(f"identifier={identifier['value']}") == [identifier["value"]]


def test_a_whole_patient_resource_in_a_log_line_is_caught():
    assert leaks(json.dumps(patient_resource(NAMED_PATIENTS[0])))


def test_an_ordinary_log_line_is_not_flagged():
    line = (
        '{"level": "INFO", "logger": "cds_service.hooks", "message": "card returned", '
        '"patient": "a3f9c2", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"}'
    )
    assert leaks(line) == []


def test_a_name_is_matched_as_a_whole_word_only():
    # "Ashdown" is a synthetic family name; a longer word containing it is not a name.
    assert leaks("Ashdowns") == []

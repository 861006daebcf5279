"""Resources about another patient are never used: they are an error that names them."""

from __future__ import annotations

import pytest

from fhir_mappings import InvalidResourceError, assess, resources_from

from .builders import (
    IVC,
    NOW,
    PATIENT_ID,
    bundle,
    fracture,
    observation,
    patient,
    present,
    procedure,
)


def test_observation_about_another_patient_is_refused(assess_json):
    with pytest.raises(
        InvalidResourceError, match=r"Observation/o2: subject: refers to Patient/other"
    ):
        assess_json(present("o1"), present("o2", patient="other"))


def test_procedure_about_another_patient_is_refused(assess_json):
    with pytest.raises(InvalidResourceError, match=r"Procedure/pvp-9: subject"):
        assess_json(procedure("pvp-9", patient="other"))


def test_condition_about_another_patient_is_refused(assess_json):
    other = {**fracture(), "subject": {"reference": "Patient/other"}}

    with pytest.raises(InvalidResourceError, match=r"Condition/fx-1: subject"):
        assess_json(other)


def test_patient_resource_of_another_patient_is_refused(assess_json):
    with pytest.raises(InvalidResourceError, match=r"Patient/other: id"):
        assess_json(patient("other"))


def test_observation_without_subject_is_refused(assess_json):
    orphan = present("o1")
    del orphan["subject"]

    with pytest.raises(InvalidResourceError, match=r"Observation/o1: subject: missing"):
        assess_json(orphan)


@pytest.mark.parametrize(
    "reference",
    [
        f"Group/{PATIENT_ID}",
        f"Patient/{PATIENT_ID}0",  # a prefix match would take pat-10 for pat-1
        f"OtherPatient/{PATIENT_ID}",
        f"Patient/x/Patient/{PATIENT_ID}",
        "#contained-patient",
    ],
)
def test_subject_naming_anything_else_is_refused(assess_json, reference):
    with pytest.raises(InvalidResourceError, match=r"Observation/o1: subject: refers to"):
        assess_json({**present("o1"), "subject": {"reference": reference}})


SERVER = "https://fhir.example.org/r4"


@pytest.mark.parametrize(
    "reference",
    [
        f"Patient/{PATIENT_ID}",
        f"{SERVER}/Patient/{PATIENT_ID}",
        f"HTTPS://FHIR.example.org:443/r4/Patient/{PATIENT_ID}",
        f"Patient/{PATIENT_ID}/_history/3",
        f"{SERVER}/Patient/{PATIENT_ID}/_history/3",
    ],
)
def test_relative_same_server_and_versioned_references_to_the_patient_are_accepted(
    assess_json, reference
):
    result = assess_json(
        procedure("pvp-1", levels=["L1"]),
        {**present("o1"), "subject": {"reference": reference}},
        fhir_server=SERVER,
    )

    assert result.findings["intravertebral_vacuum_cleft"].value is True


@pytest.mark.parametrize(
    "reference",
    [
        f"http://other.example/r4/Patient/{PATIENT_ID}",
        f"http://fhir.example.org/r4/Patient/{PATIENT_ID}",
        f"https://fhir.example.org/r5/Patient/{PATIENT_ID}",
        f"https://fhir.example.org/r4/../r4/Patient/{PATIENT_ID}",
    ],
)
def test_the_patient_id_on_another_server_is_another_patient(assess_json, reference):
    with pytest.raises(InvalidResourceError, match="another server than the fhirServer"):
        assess_json({**present("o1"), "subject": {"reference": reference}}, fhir_server=SERVER)


def test_an_absolute_reference_without_a_fhir_server_is_not_shown_to_be_the_patient(assess_json):
    absolute = {**present("o1"), "subject": {"reference": f"{SERVER}/Patient/{PATIENT_ID}"}}
    with pytest.raises(InvalidResourceError, match="the request has no fhirServer"):
        assess_json(absolute)


def test_resource_without_id_is_refused(config):
    anonymous = observation("o1", IVC, valueBoolean=True)
    del anonymous["id"]

    with pytest.raises(InvalidResourceError, match="Observation without id"):
        assess(resources_from(bundle(anonymous)), PATIENT_ID, config, now=NOW)

"""The selection reads type and code on the raw JSON, from the code contract's tables: a used
resource is parsed, any other is set aside unparsed, and a new table plugs in a new input."""

from __future__ import annotations

import dataclasses

import pytest

import fhir_mappings.selection
from fhir_mappings import FindingName, InvalidResourceError, MappingConfig, assess_payloads
from fhir_mappings.codes import Code
from fhir_mappings.selection import select

from .builders import (
    FINDINGS,
    NOW,
    PATIENT_ID,
    bundle,
    concept,
    observation,
    patient,
    present,
    procedure,
)

HOSPITAL = "http://hospital.example.org/codes"


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The resources the selection hands to the FHIR parser, by type/id."""
    names: list[str] = []
    real = fhir_mappings.selection.parse_resource

    def counting(data, where):
        names.append(f"{data['resourceType']}/{data['id']}")
        return real(data, where)

    monkeypatch.setattr(fhir_mappings.selection, "parse_resource", counting)
    return names


def payload(*resources):
    return {"payload": [bundle(*resources)]}


def test_without_a_contract_procedure_nothing_is_parsed(config, parsed):
    other = procedure("appendix-1", code=concept(HOSPITAL, "APPENDECTOMY"))
    result = assess_payloads(payload(patient(), present("o1"), other), PATIENT_ID, config, now=NOW)
    assert result.applicability == "no-procedure"
    assert parsed == []


def test_with_a_contract_procedure_only_contract_resources_are_parsed(config, parsed):
    unknown = observation("bmi-1", concept(HOSPITAL, "BMI"), valueInteger=24)
    assess_payloads(
        payload(patient(), procedure("pvp-1", levels=["L1"]), present("o1"), unknown),
        PATIENT_ID,
        config,
        now=NOW,
    )
    assert parsed == ["Procedure/pvp-1", "Observation/o1"]


def test_set_aside_resources_are_counted_not_parsed(config):
    unknown = observation("bmi-1", concept(HOSPITAL, "BMI"), valueInteger=24)
    selection = select(payload(patient(), present("o1"), unknown), PATIENT_ID, config)
    assert [raw.data["id"] for raw in selection.used] == ["o1"]
    assert selection.ignored == 1  # the Patient is checked by id, neither used nor counted


def test_site_codes_in_the_config_select_their_resources(config):
    site_code = Code(HOSPITAL, "VAC-CLEFT")
    site = dataclasses.replace(
        config,
        finding_codes={**config.finding_codes, site_code: FindingName.INTRAVERTEBRAL_VACUUM_CLEFT},
    )
    local = observation("local-1", concept(HOSPITAL, "VAC-CLEFT"), valueBoolean=True)
    assert select(payload(local), PATIENT_ID, config).used == []
    assert [raw.data["id"] for raw in select(payload(local), PATIENT_ID, site).used] == ["local-1"]


def test_a_new_code_table_plugs_in_a_new_kind_of_input(config):
    report_code = Code("http://loinc.org", "24558-9")

    @dataclasses.dataclass(frozen=True)
    class WithReports(MappingConfig):
        def code_tables(self):
            return {**super().code_tables(), "DiagnosticReport": frozenset({report_code})}

    with_reports = WithReports(
        **{f.name: getattr(config, f.name) for f in dataclasses.fields(config)}
    )
    report = {
        "resourceType": "DiagnosticReport",
        "id": "dr-1",
        "status": "final",
        "code": concept("http://loinc.org", "24558-9"),
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
    }
    assert select(payload(report), PATIENT_ID, config).used == []
    assert [raw.data["id"] for raw in select(payload(report), PATIENT_ID, with_reports).used] == [
        "dr-1"
    ]


def test_a_set_aside_resource_about_another_patient_is_still_refused(config):
    unknown = observation("bmi-1", concept(HOSPITAL, "BMI"), patient="other", valueInteger=24)
    with pytest.raises(InvalidResourceError, match="Observation/bmi-1: subject: refers to"):
        select(payload(unknown), PATIENT_ID, config)


def test_an_unreadable_code_on_a_used_type_is_left_to_the_fhir_parser(config):
    broken = {**present("o1"), "code": {"coding": "not-a-list"}}
    with pytest.raises(InvalidResourceError, match=r"payload: .*Observation/o1\): code"):
        assess_payloads(
            payload(procedure("pvp-1", levels=["L1"]), broken), PATIENT_ID, config, now=NOW
        )


def test_a_finding_code_is_read_from_any_of_the_codings(config):
    both = observation(
        "o1",
        {
            "coding": [
                {"system": HOSPITAL, "code": "X"},
                {"system": FINDINGS, "code": "goutallier-grade"},
            ]
        },
        valueInteger=2,
    )
    assert [raw.data["id"] for raw in select(payload(both), PATIENT_ID, config).used] == ["o1"]


def test_of_two_resources_with_the_same_type_and_id_the_later_is_read(config):
    unknown = observation("o1", concept(HOSPITAL, "BMI"), valueInteger=24)
    first = select(payload(present("o1"), unknown), PATIENT_ID, config)
    later = select(payload(unknown, present("o1")), PATIENT_ID, config)
    assert (first.used, first.ignored) == ([], 1)
    assert ([raw.data["id"] for raw in later.used], later.ignored) == (["o1"], 0)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"resource": ["not", "an", "object"]}, r"entry\[1\]: expected a resource .*got list"),
        ({"resource": {"id": "x"}}, r"entry\[1\]: resourceType: missing or not a string"),
        ("not-an-object", r"entry\[1\]: expected an object"),
    ],
)
def test_a_bad_bundle_entry_is_refused_naming_its_payload_and_entry(config, entry, message):
    value = bundle(present("o1"))
    value["entry"].append(entry)
    with pytest.raises(InvalidResourceError, match=rf"^prefetch 'x': Bundle {message}"):
        select({"prefetch 'x'": [value]}, PATIENT_ID, config)


def test_a_payload_that_is_no_resource_is_refused_naming_it(config):
    with pytest.raises(InvalidResourceError, match=r"^prefetch 'x': resource: resourceType"):
        select({"prefetch 'x'": [{"id": "x"}]}, PATIENT_ID, config)

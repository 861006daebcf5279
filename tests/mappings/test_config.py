"""The site mapping file: local codes and rules on top of the defaults; a bad file is refused
with the file and the failing entry named."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import jsonschema
import pytest

from fhir_mappings import (
    Applicability,
    FindingStatus,
    MappingConfigError,
    load_mapping_config,
    search_codes,
)

from .builders import LATER, SNOMED, concept, fracture, index_pvp, observation, procedure

FIXTURES = Path(__file__).parent / "fixtures"
SITE_YAML = FIXTURES / "site-mapping.yaml"
SITE_JSON = FIXTURES / "site-mapping.json"
LOCAL = "http://hospital.example.org/fhir/CodeSystem/radiology-findings"
ANSWERS = "http://hospital.example.org/fhir/CodeSystem/answers"
PROCEDURES = "http://hospital.example.org/fhir/CodeSystem/procedures"


@pytest.fixture(scope="module")
def site():
    return load_mapping_config(SITE_YAML)


def test_defaults_without_a_site_file():
    config = load_mapping_config()

    assert (
        config.pre_procedure_lookback_days,
        config.post_procedure_window_days,
        config.allow_preliminary,
        config.site_file,
    ) == (90, 30, False, None)


def test_site_rules_replace_the_defaults(site):
    assert (
        site.pre_procedure_lookback_days,
        site.post_procedure_window_days,
        site.allow_preliminary,
        site.site_file,
    ) == (120, 14, True, str(SITE_YAML))


def test_json_site_file_is_read():
    config = load_mapping_config(SITE_JSON)

    assert config.allow_preliminary is True
    assert config.pre_procedure_lookback_days == 90


def test_site_finding_code_with_site_answer_is_read(assess_json, site):
    result = assess_json(
        *index_pvp(
            observation("o1", concept(LOCAL, "IVC"), valueCodeableConcept=concept(ANSWERS, "POS"))
        ),
        with_config=site,
    )

    finding = result.findings["intravertebral_vacuum_cleft"]
    assert (finding.value, finding.source.code) == (True, f"{LOCAL}|IVC")


def test_default_codes_still_work_beside_site_codes(assess_json, site):
    result = assess_json(
        *index_pvp(observation("o1", "posterior-fascia-oedema", valueBoolean=False)),
        with_config=site,
    )

    assert result.findings["posterior_fascia_oedema"].value is False


def test_site_answer_overrides_the_default_meaning(assess_json, config, site):
    generic = concept(SNOMED, "260411009")
    resources = index_pvp(
        observation("o1", "intravertebral-vacuum-cleft", valueCodeableConcept=generic)
    )

    assert assess_json(*resources).findings["intravertebral_vacuum_cleft"].value is True
    overridden = assess_json(*resources, with_config=site).findings["intravertebral_vacuum_cleft"]
    assert (overridden.status, overridden.value) == (FindingStatus.DATA_ABSENT, None)


def test_site_cement_synonyms_are_read_when_mapped(assess_json, site):
    result = assess_json(
        *index_pvp(
            observation(
                "o1",
                concept(LOCAL, "CEMENT"),
                effective="2024-03-11",
                valueCodeableConcept=concept(ANSWERS, "solid"),
            )
        ),
        with_config=site,
    )

    assert result.findings["cement_distribution"].value == "blocky"


def test_site_goutallier_sides_and_grades_are_read(assess_json, site):
    result = assess_json(
        *index_pvp(
            observation(
                "o1",
                concept(LOCAL, "MUSCLE-FAT"),
                component=[
                    {"code": concept(LOCAL, "MUSCLE-FAT-L"), "valueInteger": 1},
                    {
                        "code": concept(LOCAL, "MUSCLE-FAT-R"),
                        "valueCodeableConcept": concept(ANSWERS, "GII"),
                    },
                ],
            )
        ),
        with_config=site,
    )

    assert result.findings["goutallier_grade"].value == 2


@pytest.mark.parametrize(
    ("code", "applicability"),
    [
        ("PVP", Applicability.APPLIES),
        ("PKP", Applicability.NOT_VERTEBROPLASTY),
    ],
)
def test_site_procedure_codes_are_read(assess_json, site, code, applicability):
    result = assess_json(
        procedure("p1", code=concept(PROCEDURES, code), levels=["L1"]), fracture(), with_config=site
    )

    assert result.applicability is applicability


def test_site_additional_level_code_means_multi_level(assess_json, site):
    result = assess_json(
        procedure("p1", code=concept(PROCEDURES, "PVP"), levels=["L1"]),
        procedure("p2", code=concept(PROCEDURES, "PVP-ADD")),
        fracture(),
        with_config=site,
    )

    assert result.applicability is Applicability.MULTI_LEVEL


def test_site_level_and_fracture_codes_are_read(assess_json, site):
    result = assess_json(
        procedure(
            "p1", body_site=[concept("http://hospital.example.org/fhir/CodeSystem/spine", "V-L1")]
        ),
        {**fracture(), "code": concept("http://fhir.de/CodeSystem/bfarm/icd-10-gm", "M80.08")},
        with_config=site,
    )

    assert (result.procedure.levels, result.caveats) == (("L1",), ())


def test_site_rules_change_the_window(assess_json, site):
    # 14 days after the procedure on 2024-03-10 ends on 2024-03-24.
    late = observation(
        "o1",
        "cement-distribution",
        effective="2024-03-25",
        valueCodeableConcept=concept("http://pvp-cds.org/fhir/CodeSystem/pvp-findings", "blocky"),
    )

    result = assess_json(*index_pvp(late), with_config=site, now=LATER)

    assert result.findings["cement_distribution"].status is FindingStatus.STALE


def test_search_codes_include_site_codes(site):
    tokens = search_codes(site)

    assert f"{LOCAL}|IVC" in tokens["Observation"]
    assert f"{PROCEDURES}|PKP" in tokens["Procedure"]
    assert "http://fhir.de/CodeSystem/bfarm/icd-10-gm|M80.08" in tokens["Condition"]
    assert "http://www.ama-assn.org/go/cpt|22511" in tokens["Procedure"]


def test_config_is_immutable(site):
    with pytest.raises(dataclasses.FrozenInstanceError):
        site.allow_preliminary = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        site.finding_codes[next(iter(site.finding_codes))] = "posterior_fascia_oedema"  # type: ignore[index]


def test_site_schema_is_a_valid_draft_2020_12_schema():
    schema = json.loads(
        (Path(__file__).parents[2] / "fhir_mappings" / "site-mapping.schema.json").read_text()
    )

    jsonschema.Draft202012Validator.check_schema(schema)


SYSTEM = "http://hospital.example.org/codes"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour: blue\n", r"/ \(top level\): Additional properties are not allowed \('colour'"),
        ("- findings\n", r"/ \(top level\): \['findings'\] is not of type 'object'"),
        ("", r"/ \(top level\): None is not of type 'object'"),
        (
            f"procedures:\n  vertebroplasty:\n    - {{system: {SYSTEM}, code: 22511}}\n",
            r"/procedures/vertebroplasty/0/code: 22511 is not of type 'string'",
        ),
        (
            "findings:\n  intravertebral_vacuum_cleft:\n    - {code: IVC}\n",
            r"/findings/intravertebral_vacuum_cleft/0: 'system' is a required property",
        ),
        (
            "findings:\n  intravertebral_vacuum_cleft:\n"
            "    - {system: hospital-codes, code: IVC}\n",
            r"/findings/intravertebral_vacuum_cleft/0/system: 'hospital-codes' does not match",
        ),
        (
            f"findings:\n  vacuum_cleft:\n    - {{system: {SYSTEM}, code: IVC}}\n",
            r"/findings: Additional properties are not allowed \('vacuum_cleft'",
        ),
        (
            f"findings:\n  goutallier_grade:\n    - {{system: {SYSTEM}, code: G, value: 2}}\n",
            r"/findings/goutallier_grade/0: Unevaluated properties are not allowed \('value'",
        ),
        (
            f"vertebral_levels:\n  - {{system: {SYSTEM}, code: X, level: L6}}\n",
            r"/vertebral_levels/0/level: 'L6' is not one of",
        ),
        (
            f"answers:\n  presence:\n    - {{system: {SYSTEM}, code: P, value: maybe}}\n",
            r"/answers/presence/0/value: 'maybe' is not one of",
        ),
        (
            f"answers:\n  goutallier_grade:\n    - {{system: {SYSTEM}, code: G5, value: 5}}\n",
            r"/answers/goutallier_grade/0/value: 5 is not one of",
        ),
        (
            f"answers:\n  goutallier_grade:\n    - {{system: {SYSTEM}, code: G1, value: true}}\n",
            r"/answers/goutallier_grade/0/value: True is not one of",
        ),
        (
            f"answers:\n  presence:\n    - {{system: {SYSTEM}, code: P}}\n",
            r"/answers/presence/0: 'value' is a required property",
        ),
        (
            "rules:\n  pre_procedure_lookback_days: -1\n",
            r"/rules/pre_procedure_lookback_days: -1 is less",
        ),
        (
            "rules:\n  post_procedure_window_days: '30'\n",
            r"/rules/post_procedure_window_days: '30' is not of type",
        ),
        (
            "rules:\n  allow_preliminary: 1\n",
            r"/rules/allow_preliminary: 1 is not of type 'boolean'",
        ),
        (
            f"findings:\n  intravertebral_vacuum_cleft:\n    - {{system: {SYSTEM}, code: X}}\n"
            f"  posterior_fascia_oedema:\n    - {{system: {SYSTEM}, code: X}}\n",
            r"/findings/posterior_fascia_oedema/0: http://hospital.example.org/codes\|X is already "
            r"listed at /findings/intravertebral_vacuum_cleft/0",
        ),
        (
            f"procedures:\n  vertebroplasty:\n    - {{system: {SYSTEM}, code: P}}\n"
            f"  other_augmentation:\n    - {{system: {SYSTEM}, code: P}}\n",
            r"/procedures/other_augmentation/0: .* is already listed at "
            r"/procedures/vertebroplasty/0",
        ),
    ],
)
def test_bad_site_file_names_the_file_and_the_entry(tmp_path, text, message):
    path = tmp_path / "site.yaml"
    path.write_text(text)

    with pytest.raises(
        MappingConfigError, match=re.escape(f"site mapping file {path}: ") + message
    ):
        load_mapping_config(path)


def test_missing_site_file_is_named(tmp_path):
    path = tmp_path / "absent.yaml"

    with pytest.raises(
        MappingConfigError, match=re.escape(f"cannot read site mapping file {path}")
    ):
        load_mapping_config(path)


@pytest.mark.parametrize(("name", "text"), [("site.yaml", "findings: [\n"), ("site.json", "{,}")])
def test_syntax_error_is_named(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)

    with pytest.raises(MappingConfigError, match=re.escape(f"site mapping file {path}: not valid")):
        load_mapping_config(path)


def test_unknown_file_format_is_refused(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text("[rules]\n")

    with pytest.raises(MappingConfigError, match="unknown format '.toml'"):
        load_mapping_config(path)

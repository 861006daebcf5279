"""The default contract agrees with the model, the published CodeSystems and the docs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fhir.resources.R4B.codesystem import CodeSystem

from fhir_mappings import FINDING_NAMES, load_mapping_config, search_codes
from scoring import load_model

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "fhir_mappings"
DOC = ROOT / "docs" / "code-contract.md"
FINDINGS = "http://pvp-cds.org/fhir/CodeSystem/pvp-findings"
LEVELS = "http://pvp-cds.org/fhir/CodeSystem/vertebral-level"


def codesystem(name: str) -> dict:
    return json.loads((PACKAGE / name).read_text())


def test_finding_names_are_the_scoring_models_inputs():
    assert FINDING_NAMES == load_model().input_names


@pytest.mark.parametrize(
    ("name", "url"),
    [("codesystem-pvp-findings.json", FINDINGS), ("codesystem-vertebral-level.json", LEVELS)],
)
def test_published_codesystem_is_valid_r4_with_its_url(name, url):
    parsed = CodeSystem.model_validate(codesystem(name))

    assert (parsed.url, parsed.count) == (url, len(parsed.concept))


def test_findings_codesystem_defines_exactly_the_project_codes_of_the_contract():
    config = load_mapping_config()
    used = {
        code.code
        for table in (
            config.finding_codes,
            config.goutallier_side_codes,
            config.presence_answers,
            config.goutallier_answers,
            config.cement_answers,
        )
        for code in table
        if code.system == FINDINGS
    }

    defined = {concept["code"] for concept in codesystem("codesystem-pvp-findings.json")["concept"]}
    assert used == defined


def test_findings_codesystem_has_the_codes_the_issue_requires():
    defined = {concept["code"] for concept in codesystem("codesystem-pvp-findings.json")["concept"]}

    assert {
        "intravertebral-vacuum-cleft",
        "posterior-fascia-oedema",
        "goutallier-grade",
        "cement-distribution",
        "blocky",
        "spongy",
    } <= defined


def test_levels_codesystem_defines_exactly_the_project_level_codes_of_the_contract():
    config = load_mapping_config()
    used = {code.code for code in config.level_codes if code.system == LEVELS}

    defined = {
        concept["code"] for concept in codesystem("codesystem-vertebral-level.json")["concept"]
    }
    assert used == defined
    assert {"T4", "L5"} <= defined


def test_default_search_codes():
    tokens = search_codes(load_mapping_config())

    assert set(tokens["Observation"]) == {
        f"{FINDINGS}|intravertebral-vacuum-cleft",
        f"{FINDINGS}|posterior-fascia-oedema",
        f"{FINDINGS}|goutallier-grade",
        f"{FINDINGS}|cement-distribution",
        "http://radlex.org|RID35311",
        # Pain scores: the one-month assessment silences the card.
        "http://loinc.org|38214-3",
        "http://loinc.org|72514-3",
    }
    assert set(tokens["Procedure"]) == {
        "http://www.ama-assn.org/go/cpt|22510",
        "http://www.ama-assn.org/go/cpt|22511",
        "http://www.ama-assn.org/go/cpt|22512",
        "http://www.ama-assn.org/go/cpt|22513",
        "http://www.ama-assn.org/go/cpt|22514",
        "http://www.ama-assn.org/go/cpt|22515",
        "http://radlex.org|RID1839",
        "http://radlex.org|RID1840",
    }
    icd = "http://hl7.org/fhir/sid/icd-10-cm"
    fractures = (
        {f"{icd}|M80.{stem}X{stage}" for stem in ("08", "88") for stage in "ADGKPS"}
        | {f"http://hl7.org/fhir/sid/icd-10|M80.{cause}8" for cause in "01234589"}
        | {"http://snomed.info/sct|443165006"}
    )
    malignancy = {
        f"{icd}|{code}"
        for code in ("C41.2", "C79.51", "C90.00", "C90.01", "C90.02", "C90.30", "C90.31", "C90.32")
    } | {"http://snomed.info/sct|109989006", "http://snomed.info/sct|94222008"}
    infection = {f"{icd}|A18.01"} | {
        f"{icd}|M46.{group}{region}"
        for group, regions in (("2", "012345678"), ("3", "0123456789"), ("4", "0123456789"))
        for region in regions
    }
    neurological = {f"{icd}|G95.20", f"{icd}|G95.29", f"{icd}|G83.4"}
    assert set(tokens["Condition"]) == fractures | malignancy | infection | neurological


def test_search_codes_are_sorted_for_stable_prefetch_templates():
    tokens = search_codes(load_mapping_config())

    assert all(list(codes) == sorted(codes) for codes in tokens.values())


def test_docs_list_every_default_code():
    config = load_mapping_config()
    doc = DOC.read_text()
    tables = (
        config.finding_codes,
        config.goutallier_side_codes,
        config.presence_answers,
        config.goutallier_answers,
        config.cement_answers,
        config.procedure_codes,
        config.fracture_codes,
    )
    goutallier_range = {f"goutallier-{grade}" for grade in range(5)}

    undocumented = sorted(
        code.token
        for table in tables
        for code in table
        if f"`{code.code}`" not in doc and code.code not in goutallier_range
    )
    assert undocumented == []
    assert "`goutallier-0` ... `goutallier-4`" in doc


def test_docs_example_site_file_is_valid(tmp_path):
    example = re.search(r"```yaml\n(.*?)```", DOC.read_text(), re.DOTALL).group(1)
    path = tmp_path / "site.yaml"
    path.write_text(example)

    config = load_mapping_config(path)

    assert config.pre_procedure_lookback_days == 120

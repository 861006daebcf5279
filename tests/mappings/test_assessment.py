"""A whole prefetch Bundle assessed end to end, and the assessment's contract with the
scoring core."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from fhir_mappings import (
    FINDING_NAMES,
    Applicability,
    FindingStatus,
    InvalidResourceError,
    Source,
    assess,
    resources_from,
)
from scoring import RiskTiers, load_model, predict

from .builders import (
    NOW,
    PATIENT_ID,
    bundle,
    cement,
    fracture,
    index_pvp,
    present,
    procedure,
    reason_of,
)

PREFETCH = Path(__file__).parent / "fixtures" / "prefetch-bundle.json"


@pytest.fixture(scope="module")
def prefetched(config):
    return assess(resources_from(json.loads(PREFETCH.read_text())), PATIENT_ID, config, now=NOW)


def test_prefetch_bundle_index_procedure(prefetched):
    assert prefetched.applicability is Applicability.APPLIES
    assert prefetched.procedure.reference == "Procedure/pvp-2024"
    assert prefetched.procedure.performed == "2024-03-10T09:30:00+01:00"
    assert prefetched.procedure.levels == ("L1",)
    assert prefetched.procedure.display == "Bilateral percutaneous vertebroplasty L1"


def test_prefetch_bundle_values(prefetched):
    # By hand from the fixture: RadLex IVC answered SNOMED "Present"; oedema false (amended);
    # Goutallier left 2 / right 3 -> 3 (the 2019 grade 1 is older than 90 days); cement spongy
    # (the blocky reading is preliminary, which does not count by default).
    assert prefetched.values() == {
        "intravertebral_vacuum_cleft": True,
        "posterior_fascia_oedema": False,
        "goutallier_grade": 3,
        "cement_distribution": "spongy",
    }


def test_prefetch_bundle_provenance(prefetched):
    assert prefetched.findings["intravertebral_vacuum_cleft"].source == Source(
        reference="Observation/mri-ivc",
        effective="2024-02-20T14:05:00+01:00",
        status="final",
        code="http://radlex.org|RID35311",
        display="intravertebral vacuum cleft sign",
    )
    assert prefetched.findings["posterior_fascia_oedema"].source.status == "amended"


def test_prefetch_bundle_ignores_and_counts_what_is_outside_the_contract(prefetched):
    # The appendectomy and the heart rate; the search outcome note is not a result at all.
    assert prefetched.ignored_resources == 2


def test_prefetch_bundle_has_no_caveats(prefetched):
    assert prefetched.caveats == ()


def test_values_feed_the_scoring_core(prefetched):
    model = load_model()

    estimate = predict(model, prefetched.values(), RiskTiers.for_model(model))

    # Li et al. 2021 Table 4 as reconciled in the model file: -3.361 + 1.332 (vacuum cleft)
    # + 0 (no oedema) + 2.622 (Goutallier 3-4) - 0.800 (spongy) = -0.207.
    assert estimate.probability.low == pytest.approx(1 / (1 + math.exp(0.207)), abs=1e-9)


def test_unknown_findings_feed_the_scoring_core_as_none(assess_json):
    model = load_model()
    result = assess_json(*index_pvp(present("o1")))

    estimate = predict(model, result.values(), RiskTiers.for_model(model))

    assert estimate.unknown == (
        "posterior_fascia_oedema",
        "goutallier_grade",
        "cement_distribution",
    )


@pytest.mark.parametrize(
    "resources",
    [(), (present("o1"),), tuple(index_pvp(present("o1")))],
)
def test_assessment_always_has_all_four_findings(assess_json, resources):
    result = assess_json(*resources)

    assert set(result.findings) == FINDING_NAMES
    assert set(result.values()) == FINDING_NAMES
    assert all(name == finding.name for name, finding in result.findings.items())


def test_unknown_findings_have_a_reason_and_found_ones_do_not(assess_json):
    result = assess_json(*index_pvp(present("o1")))

    for finding in result.findings.values():
        assert (finding.status is FindingStatus.FOUND) == (reason_of(finding) is None)


def test_the_same_resource_from_two_payloads_is_read_once(config):
    # A procedure in the prefetch and again from a server query is not a second level.
    first = resources_from(bundle(procedure("pvp-1", levels=["L1"]), fracture(), present("o1")))
    again = resources_from(bundle(procedure("pvp-1", levels=["L1"]), present("o1")))

    result = assess([*first, *again], PATIENT_ID, config, now=NOW)

    assert result.applicability is Applicability.APPLIES
    assert result.findings["intravertebral_vacuum_cleft"].superseded == 0


def test_later_copy_of_a_resource_wins(config):
    older = resources_from(cement("c1", "blocky"))
    newer = resources_from(cement("c1", "spongy", status="corrected"))

    result = assess(
        [*older, *newer, *resources_from(bundle(*index_pvp()))], PATIENT_ID, config, now=NOW
    )

    assert result.findings["cement_distribution"].value == "spongy"


def test_other_resource_types_are_ignored_and_counted(assess_json):
    encounter = {
        "resourceType": "Encounter",
        "id": "enc-1",
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
    }

    result = assess_json(*index_pvp(encounter))

    assert result.ignored_resources == 1


def test_other_resource_types_about_another_patient_are_refused(assess_json):
    encounter = {
        "resourceType": "Encounter",
        "id": "enc-1",
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": {"reference": "Patient/other"},
    }

    with pytest.raises(InvalidResourceError, match="Encounter/enc-1: subject"):
        assess_json(encounter)

"""Rules 2.3.0: wording the labelled sets do not hold, read by general mechanisms rather than
by phrases fitted to one sentence. Precision first: where a sentence could be read two ways,
the finding stays unknown.

The sentences are our own, written for these tests (none is copied from the labelled sets);
each expectation follows from the corpus labelling rules (fixtures/corpus/README.md).
"""

from __future__ import annotations

import pytest

from fhir_mappings import ReportTextReader, load_text_rules
from fhir_mappings.codes import FindingName, VertebralLevel

IVC = FindingName.INTRAVERTEBRAL_VACUUM_CLEFT
OEDEMA = FindingName.POSTERIOR_FASCIA_OEDEMA
GOUTALLIER = FindingName.GOUTALLIER_GRADE
CEMENT = FindingName.CEMENT_DISTRIBUTION
L1 = frozenset({VertebralLevel.L1})


@pytest.fixture(scope="module")
def reader() -> ReportTextReader:
    return ReportTextReader(load_text_rules())


def firm(reader: ReportTextReader, *texts: str) -> dict[FindingName, object]:
    """The findings the texts state with a value at L1 (unknown ones left out)."""
    read = reader.read(texts, L1)
    return {name: s.value for name, s in read.items() if s.value is not None}


# --- negation and its limits ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A gas cleft has not formed in the L1 body.", {IVC: False}),
        ("Oedema of the thoracolumbar fascia has not been identified.", {OEDEMA: False}),
        ("This study fails to show an intravertebral cleft.", {IVC: False}),
    ],
)
def test_a_denial_by_an_auxiliary_verb_after_the_finding_denies_it(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "No significant oedema of the lumbodorsal fascia.",
        "No large intravertebral cleft.",
        "No marked fascial oedema at L1.",
    ],
)
def test_a_denial_of_only_a_degree_leaves_the_finding_unknown(reader, text):
    # "No significant oedema" admits some oedema: neither present nor absent is stated.
    assert firm(reader, text) == {}


def test_a_denial_of_a_degree_reaches_only_its_noun_phrase(reader):
    text = "No significant fatty change of the erector spinae, Goutallier grade 1 at L4/5."
    assert firm(reader, text) == {GOUTALLIER: 1}


@pytest.mark.parametrize(
    "text",
    [
        "No oedema of the posterior fascia beyond the fractured segment.",
        "No vacuum cleft other than the one at T11.",
        "No fascial oedema apart from a thin rim around L1.",
    ],
)
def test_a_denial_restricted_to_somewhere_else_leaves_the_finding_unknown(reader, text):
    # "No oedema beyond the fracture" implies oedema at the fracture.
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "No enlargement of the intravertebral cleft since the last CT.",
        "No progression in the posterior fascial oedema.",
    ],
)
def test_no_progression_of_a_finding_states_it_present(reader, text):
    finding = IVC if "cleft" in text else OEDEMA
    assert firm(reader, text) == {finding: True}


# --- hedges after the finding ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Thoracolumbar fascial oedema is borderline.",
        "Intravertebral gas cleft, not convincingly demonstrated.",
        "The fluid cleft in L1 seems real.",
        "There is somewhat blocky cement in L1.",
        "Posterior fascial oedema is not entirely clear on this study.",
    ],
)
def test_a_hedge_on_the_finding_itself_leaves_it_unknown(reader, text):
    assert firm(reader, text) == {}


# --- statements about patients in general, goals and risks ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Patients with a Goutallier grade of 4 refracture more often.",
        "A spongy cement pattern is the aim of the injection.",
        "Blocky cement is preferred by some operators.",
        "Blocky cement deposits predispose to adjacent fractures.",
    ],
)
def test_a_general_statement_or_a_goal_states_no_finding(reader, text):
    assert firm(reader, text) == {}


# --- other structures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A fluid cleft runs through the left L1 pedicle.",
        "Gas cleft in the L1 spinous process.",
        "Limbus vertebra with a cleft at the anterior corner of L1.",
        "Oedema of the iliopsoas fascia on the right.",
        "Oedema along the quadratus lumborum fascia.",
    ],
)
def test_a_finding_named_in_another_structure_is_not_read(reader, text):
    assert firm(reader, text) == {}


def test_another_structure_in_another_item_of_the_clause_leaves_the_cleft_read(reader):
    text = "There is no pedicle fracture and no intravertebral vacuum cleft."
    assert firm(reader, text) == {IVC: False}


def test_a_grade_beside_another_scale_s_noun_is_not_a_goutallier_grade(reader):
    assert firm(reader, "Grade 2 endplate change at L1 with multifidus fatty atrophy.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Cement in L1; diffuse osteopenia of the spine.",
        "Cement at L1 and diffusely osteoporotic vertebrae.",
        "Solid bony fusion at L4/5; cement at L1.",
    ],
)
def test_a_pattern_word_describing_bone_is_not_the_cement_s_pattern(reader, text):
    assert firm(reader, text) == {}

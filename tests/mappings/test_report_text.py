"""Report text in, what it states per finding out: the traps a radiologist would set, the
spellings, and the labelled set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fhir_mappings import ReportRulesError, ReportTextReader, load_text_rules
from fhir_mappings.codes import FindingName, VertebralLevel

from .labelled_reports import sentences

IVC = FindingName.INTRAVERTEBRAL_VACUUM_CLEFT
OEDEMA = FindingName.POSTERIOR_FASCIA_OEDEMA
GOUTALLIER = FindingName.GOUTALLIER_GRADE
CEMENT = FindingName.CEMENT_DISTRIBUTION
L1 = frozenset({VertebralLevel.L1})


@pytest.fixture(scope="module")
def reader() -> ReportTextReader:
    return ReportTextReader(load_text_rules())


def values(reader: ReportTextReader, *texts: str, treated=L1) -> dict[FindingName, object]:
    """The value per stated finding; None where the text names it without a usable value."""
    return {name: statement.value for name, statement in reader.read(texts, treated).items()}


# --- the traps ------------------------------------------------------------------------------


def test_negated_cleft_is_absent(reader):
    assert values(reader, "No intravertebral vacuum cleft.") == {IVC: False}


def test_cannot_exclude_a_cleft_is_unknown_not_present(reader):
    assert values(reader, "Cannot exclude a small intravertebral vacuum cleft.") == {IVC: None}


def test_cannot_be_excluded_after_the_finding_is_unknown(reader):
    assert values(reader, "A vacuum cleft cannot be excluded.") == {IVC: None}


def test_disc_vacuum_phenomenon_is_not_a_cleft(reader):
    assert values(reader, "Vacuum phenomenon in the L4-5 disc.") == {}


def test_intervertebral_vacuum_cleft_is_not_intravertebral(reader):
    assert values(reader, "Intervertebral vacuum cleft at L1-2.") == {}


def test_cleft_at_another_level_than_the_treated_one_is_not_read(reader):
    assert values(reader, "Chronic T12 compression fracture with a vacuum cleft.") == {}


def test_cleft_at_the_treated_level_is_read(reader):
    assert values(reader, "Intravertebral vacuum cleft in L1.") == {IVC: True}


def test_level_of_the_clause_decides_not_the_whole_sentence(reader):
    text = "Acute L2 fracture; no intravertebral gas at L2; old L1 fracture with vacuum cleft"
    assert values(reader, text, treated=frozenset({VertebralLevel.L2})) == {IVC: False}


def test_t2_is_read_as_an_mri_sequence_not_a_vertebra(reader):
    assert values(reader, "T2 hyperintense fluid sign in the fracture.") == {IVC: True}


def test_resolved_finding_is_not_read(reader):
    assert values(reader, "The previously described posterior fascia oedema has resolved.") == {}


def test_finding_on_a_prior_study_is_not_read(reader):
    assert values(reader, "Intravertebral vacuum cleft, seen on the prior study of 2023.") == {}


def test_comparison_with_a_prior_study_still_reads_the_current_finding(reader):
    text = "Unchanged intravertebral vacuum cleft in L1 compared with the prior study."
    assert values(reader, text) == {IVC: True}


def test_template_with_unfilled_checkboxes_says_nothing(reader):
    assert values(reader, "Vacuum cleft: [ ] present [ ] absent") == {}


@pytest.mark.parametrize(
    "line",
    ["Posterior fascia oedema: ___", "Posterior fascia oedema:", "Posterior fascia oedema: N/A"],
)
def test_blank_template_field_says_nothing(reader, line):
    assert values(reader, line) == {}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Vacuum cleft: [x] present [ ] absent", True),
        ("Vacuum cleft: [ ] yes [X] no", False),
        ("[x] Intravertebral vacuum cleft", True),
    ],
)
def test_ticked_checkbox_is_read(reader, line, expected):
    assert values(reader, line) == {IVC: expected}


def test_unticked_checkbox_alone_says_nothing(reader):
    assert values(reader, "[ ] Intravertebral vacuum cleft") == {}


def test_text_that_names_no_finding_leaves_every_finding_unknown(reader):
    assert values(reader, "Acute L1 compression fracture with 30% height loss.") == {}


def test_hypothetical_mention_is_not_read(reader):
    assert values(reader, "If a vacuum cleft is present, vertebroplasty should fill it.") == {}


def test_indication_section_is_not_read(reader):
    report = "INDICATION: known vacuum cleft at L1.\nFINDINGS:\nNo posterior fascia oedema."
    assert values(reader, report) == {OEDEMA: False}


def test_sentences_that_disagree_make_the_finding_unknown(reader):
    assert values(reader, "Vacuum cleft at L1.\nNo vacuum cleft.") == {IVC: None}


def test_an_uncertain_sentence_makes_the_finding_unknown_even_beside_a_certain_one(reader):
    assert values(reader, "No vacuum cleft.\nPossible vacuum cleft at L1.") == {IVC: None}


def test_lines_of_a_template_do_not_share_a_negation(reader):
    report = "Posterior fascia oedema: absent\nIntravertebral vacuum cleft: present"
    assert values(reader, report) == {OEDEMA: False, IVC: True}


# --- spellings and forms -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Posterior fascia oedema.",
        "Posterior fascial edema.",
        "Oedema of the thoracolumbar fascia.",
        "Edematous thoracolumbar fascia.",
        "STIR hyperintensity along the posterior fascia.",
    ],
)
def test_fascia_oedema_spellings(reader, text):
    assert values(reader, text) == {OEDEMA: True}


@pytest.mark.parametrize(
    "text",
    [
        "Kummell disease at L1.",
        "Kümmell's disease at L1.",
        "Intravertebral cleft at L1.",
        "Fluid sign at L1.",
        "Intravertebral gas at L1.",
    ],
)
def test_vacuum_cleft_synonyms(reader, text):
    assert values(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("Goutallier grade 3.", 3),
        ("Goutallier grade three.", 3),
        ("Goutallier grade III.", 3),
        ("Goutallier IV.", 4),
        ("Paraspinal fatty degeneration grade II (Goutallier).", 2),
        ("Goutallier grade (0-4): 1", 1),
        ("Goutallier grade 0.", 0),
    ],
)
def test_goutallier_grade_as_digits_words_or_roman_numerals(reader, text, grade):
    assert values(reader, text) == {GOUTALLIER: grade}


def test_goutallier_worse_side_counts(reader):
    text = "Goutallier grade 2 on the left and 3 on the right."
    assert values(reader, text) == {GOUTALLIER: 3}


def test_goutallier_range_is_unknown(reader):
    assert values(reader, "Goutallier grade 2-3.") == {GOUTALLIER: None}


def test_another_grading_in_the_sentence_is_not_a_goutallier_grade(reader):
    assert values(reader, "Genant grade 3 fracture of L1; Goutallier grade 1.") == {GOUTALLIER: 1}


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("Blocky cement distribution within L1.", "blocky"),
        ("The cement forms a solid block in L1.", "blocky"),
        ("Lump-like PMMA deposit in L1.", "blocky"),
        ("Spongy cement distribution.", "spongy"),
        ("Cement interdigitates with the trabeculae.", "spongy"),
        ("Sponge-like distribution of the cement.", "spongy"),
    ],
)
def test_cement_patterns(reader, text, pattern):
    assert values(reader, text) == {CEMENT: pattern}


def test_cement_pattern_word_without_cement_is_not_read(reader):
    assert values(reader, "Diffuse osteopenia. Solid bony fusion at L4-5.") == {}


def test_cement_leakage_is_not_a_distribution(reader):
    assert values(reader, "Small solid cement leakage into the L1-2 disc.") == {}


def test_quote_is_the_reports_own_line(reader):
    (statement,) = reader.read(["Vacuum cleft: [ ] present [x] absent"], L1).values()
    assert statement.quote == "Vacuum cleft: [ ] present [x] absent"


def test_long_quote_is_shortened(reader):
    text = "Intravertebral vacuum cleft at L1 " + "with further description " * 20 + "."
    (statement,) = reader.read([text], L1).values()
    assert len(statement.quote) <= 160 and statement.quote.endswith("...")


# --- the labelled set ------------------------------------------------------------------------

TRAPS = [s for s in sentences() if s.trap]


@pytest.mark.parametrize("sentence", TRAPS, ids=[s.id for s in TRAPS])
def test_labelled_trap_sentence_gives_no_false_value(reader, sentence):
    """Every trap in the labelled set: a finding is the labelled value or unknown, never
    another (above all, never a false "present")."""
    got = values(reader, sentence.text, treated=frozenset({sentence.level}))
    wrong = {
        name: value
        for name, value in got.items()
        if value is not None and sentence.expect.get(name) != value
    }
    assert wrong == {}


def test_labelled_set_has_enough_sentences_and_every_trap_kind():
    assert len(sentences()) >= 150
    kinds = {s.trap for s in sentences()}
    assert {"negation", "uncertainty", "disc-vacuum", "other-level", "historical"} <= kinds
    assert {"template", "silence", "hypothetical"} <= kinds


def test_labelled_stated_findings_are_read_with_recall_of_at_least_95_percent(reader):
    stated = [(s, name, value) for s in sentences() for name, value in s.expect.items()]
    read = sum(
        values(reader, s.text, treated=frozenset({s.level})).get(name) == value
        for s, name, value in stated
    )
    assert read / len(stated) >= 0.95


# --- the rules file ----------------------------------------------------------------------------


def test_packaged_rules_carry_their_version():
    assert load_text_rules().version == "2.0.0"


def test_site_rules_add_a_phrase(tmp_path):
    site = tmp_path / "rules.json"
    site.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "rules_version": "2.1.0",
                "targets": {"intravertebral_vacuum_cleft": ["pseudarthrosis cleft"]},
            }
        )
    )
    rules = load_text_rules(site)
    assert rules.version == "2.0.0+site.2.1.0"
    assert values(ReportTextReader(rules), "Pseudarthrosis cleft at L1.") == {IVC: True}


def test_site_rules_with_an_unknown_finding_are_refused_naming_the_entry(tmp_path):
    site = tmp_path / "rules.yaml"
    site.write_text("schema_version: 1\nrules_version: 1.0.0\ntargets:\n  vacuum: [gas]\n")
    with pytest.raises(ReportRulesError, match=r"rules\.yaml: /targets: .*'vacuum'"):
        load_text_rules(site)


def test_site_phrase_of_only_optional_words_is_refused_naming_it(tmp_path):
    site = tmp_path / "rules.json"
    site.write_text(
        json.dumps(
            {"schema_version": 1, "rules_version": "1.0.0", "lookalikes": ["disc", "gas? air?"]}
        )
    )
    with pytest.raises(ReportRulesError, match="/lookalikes/1: 'gas\\? air\\?'"):
        load_text_rules(site)


def test_site_rules_of_another_schema_version_are_refused(tmp_path):
    site = tmp_path / "rules.json"
    site.write_text(json.dumps({"schema_version": 2, "rules_version": "1.0.0"}))
    with pytest.raises(ReportRulesError, match="/schema_version"):
        load_text_rules(site)


def test_a_sentence_wrapped_onto_the_next_line_is_read_and_quoted_whole(reader):
    text = "Blocky cement distribution in the anterior two thirds of the\nvertebral body."
    (statement,) = reader.read([text], L1).values()
    assert statement.quote == (
        "Blocky cement distribution in the anterior two thirds of the vertebral body."
    )


def test_docs_example_site_rules_file_is_valid(tmp_path):
    doc = (Path(__file__).parents[2] / "docs" / "code-contract.md").read_text(encoding="utf-8")
    section = doc.split("## 7. Radiology report text")[1]
    example = re.search(r"```json\n(.*?)```", section, re.DOTALL).group(1)
    path = tmp_path / "rules.json"
    path.write_text(example, encoding="utf-8")
    reader = ReportTextReader(load_text_rules(path))
    assert values(reader, "Kein Pseudarthrosis cleft at L1.") == {IVC: False}

"""Report text in, what it states per finding out: the traps a radiologist would set, the
spellings, and the labelled set."""

from __future__ import annotations

import json
import random
import re
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhir_mappings import ReportRulesError, ReportTextReader, load_text_rules, report_text
from fhir_mappings.codes import FindingName, VertebralLevel
from fhir_mappings.report_text import _within, _WithinReach

from .labelled_reports import sentences
from .text_reading import CEMENT, GOUTALLIER, IVC, L1, OEDEMA


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


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # An empty option between two boxes, its space a tab or a no-break space (text pasted
        # from a form): the ticked box after it is the answer.
        ("[x] \t [x] Intravertebral vacuum cleft", {IVC: True}),
        ("[x]\u00a0[x] Goutallier 2", {GOUTALLIER: 2}),
    ],
)
def test_boxes_with_only_white_space_between_them_are_read_not_a_crash(reader, line, expected):
    assert values(reader, line) == expected


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


# --- compact notations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Erector spinae G2 at L4/5.", 2),
        ("Multifidi L4-5: G4.", 4),
        ("Left multifidus G1, right G3 at L4-5.", 3),
    ],
)
def test_a_grade_written_g_and_its_number_on_a_muscle_fat_line_is_read(reader, text, expected):
    assert values(reader, text) == {GOUTALLIER: expected}


def test_a_g_and_number_without_muscle_or_fat_is_not_read(reader):
    assert values(reader, "Disc signal at L4/5 G2.") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cement distribution: trabecular/spongy", "spongy"),
        ("PMMA: compact / solid", "blocky"),
        ("Cement distribution: blocky/spongy", None),
    ],
)
def test_a_field_answered_with_two_words_for_one_pattern_is_that_pattern(reader, text, expected):
    assert values(reader, text).get(CEMENT) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Cement as a solid bolus, with scant interdigitation into the bone around it.",
        "Cement in L1 shows minimal interdigitation.",
        "The PMMA interdigitates poorly with the surrounding bone.",
        "Interdigitation is limited throughout the L1 cement.",
    ],
)
def test_scant_interdigitation_is_the_blocky_pattern(reader, text):
    assert values(reader, text) == {CEMENT: "blocky"}


@pytest.mark.parametrize(
    "text",
    ["The L1 cement is partly interdigitated.", "Cement with patchy interdigitation in L1."],
)
def test_partial_interdigitation_states_no_pattern(reader, text):
    assert values(reader, text) == {}


def test_an_approximate_quantity_does_not_hedge_the_finding_beside_it(reader):
    text = "Interdigitating cement, filling approximately 70% of the L1 body."
    assert values(reader, text) == {CEMENT: "spongy"}


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


# --- issue 23: word order and inflection ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Oedema of the deep dorsal lumbar fascia.",
        "Bright STIR signal runs along the thoracolumbar fascia.",
        "There is edema involving the posterior layer of the lumbodorsal fascia.",
    ],
)
def test_fascia_oedema_named_with_words_between_its_parts(reader, text):
    assert values(reader, text) == {OEDEMA: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The lumbodorsal fascia appears oedematous.", True),
        ("The TLF is edematous at T12.", None),
        ("The thoracolumbar fascia is not oedematous.", False),
        ("The posterior fascia shows no edema.", False),
        ("The dorsal fascia is unremarkable.", False),
    ],
)
def test_fascia_oedema_in_inverted_and_predicative_forms(reader, text, expected):
    got = values(reader, text, treated=frozenset({VertebralLevel.L1}))
    assert got == ({} if expected is None else {OEDEMA: expected})


def test_oedema_of_another_structure_beside_the_fascia_is_not_fascia_oedema(reader):
    assert values(reader, "Subcutaneous oedema superficial to the thoracolumbar fascia.") == {}


@pytest.mark.parametrize("verb", ["interdigitate", "interdigitates", "interdigitated"])
def test_inflections_of_a_cement_pattern_verb(reader, verb):
    assert values(reader, f"The PMMA and the trabeculae {verb} throughout L1.") == {
        CEMENT: "spongy"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A gas-density cleft lies beneath the superior endplate of L1.", True),
        ("There is no cleft.", False),
        ("The L1 body contains a small collection of gas.", True),
        ("The L1 body is flattened and holds a pocket of gas.", True),
    ],
)
def test_bare_cleft_or_gas_within_the_treated_body_is_a_vacuum_cleft(reader, text, expected):
    assert values(reader, text) == {IVC: expected}


@pytest.mark.parametrize(
    "text",
    [
        "Annular cleft in the L1-2 disc.",
        "A cleft in the posterior annulus at L1.",
        "Gas in the L1 facet joint.",
        "Cement fills the cleft in L1.",
    ],
)
def test_a_cleft_or_gas_outside_the_vertebral_body_is_not_a_vacuum_cleft(reader, text):
    assert IVC not in values(reader, text)


# --- issue 23: structured templates and abbreviations ----------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Vacuum cleft: none seen", {IVC: False}),
        ("Intravertebral cleft: identified", {IVC: True}),
        ("Goutallier (L4/5): 3", {GOUTALLIER: 3}),
        ("Goutallier grade at L4-L5: 1", {GOUTALLIER: 1}),
        ("Fascial oedema | nil", {OEDEMA: False}),
        ("Fascial oedema: possible", {OEDEMA: None}),
    ],
)
def test_label_value_lines_are_read(reader, line, expected):
    assert values(reader, line) == expected


@pytest.mark.parametrize("line", ["Vacuum cleft: (yes/no)", "Fascia oedema: {select}"])
def test_template_placeholder_says_nothing(reader, line):
    assert values(reader, line) == {}


def test_several_label_value_pairs_on_one_line_are_read_apart(reader):
    line = "IVC: no. TLF oedema: yes. Goutallier: 2."
    assert values(reader, line) == {IVC: False, OEDEMA: True, GOUTALLIER: 2}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IVC within the L1 body.", {IVC: True}),
        ("TLF oedema at the fracture level.", {OEDEMA: True}),
    ],
)
def test_abbreviations_of_the_rules_file_are_spelt_out(reader, text, expected):
    assert values(reader, text) == expected


@pytest.mark.parametrize("text", ["IVC and aorta of normal calibre.", "IVC filter in situ."])
def test_ivc_beside_vascular_words_is_the_vena_cava(reader, text):
    assert values(reader, text) == {}


def test_abbreviation_is_quoted_as_written(reader):
    (statement,) = reader.read(["IVC at L1."], L1).values()
    assert statement.quote == "IVC at L1."


# --- issue 23: negation scope ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "No canal stenosis and a cleft is seen in L1.",
        "No retropulsion; a fluid cleft fills the anterior L1 body.",
        "There is no listhesis, but an intravertebral cleft is present.",
    ],
)
def test_negation_ends_at_a_clause_of_its_own(reader, text):
    assert values(reader, text) == {IVC: True}


def test_negation_runs_over_a_list_sharing_one_verb(reader):
    text = "No cleft, retropulsion or fascial oedema is seen."
    assert values(reader, text) == {IVC: False, OEDEMA: False}


def test_coordination_that_could_deny_or_state_leaves_the_finding_unknown(reader):
    assert values(reader, "No retropulsion and cleft is noted in L1.") == {IVC: None}


def test_verb_of_its_own_after_a_denied_one_is_read(reader):
    text = "The cement has not spread and sits as a compact bolus in L1."
    assert values(reader, text) == {CEMENT: "blocky"}


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("No muscle wasting (Goutallier 0).", 0),
        ("Without significant atrophy, Goutallier grade 1.", 1),
    ],
)
def test_negated_descriptor_beside_a_goutallier_grade_leaves_the_grade(reader, text, grade):
    assert values(reader, text) == {GOUTALLIER: grade}


def test_negated_goutallier_grade_is_not_read(reader):
    assert values(reader, "No Goutallier grade 4 degeneration.") == {}


@pytest.mark.parametrize(
    "text", ["No definite intravertebral cleft.", "A cleft is not clearly seen."]
)
def test_a_hedged_denial_is_unknown(reader, text):
    assert values(reader, text) == {IVC: None}


# --- issue 23: time ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The previously described cleft in L1 persists.",
        "Previously noted intravertebral cleft, again demonstrated.",
        "The intravertebral cleft seen on the prior MRI is unchanged.",
        "Re-demonstrated vacuum cleft in L1.",
    ],
)
def test_persistence_makes_a_prior_finding_current(reader, text):
    assert values(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "The fascial oedema seen 3 months ago is no longer present.",
        "A vacuum cleft was reported on the outside CT.",
        "Cement fills the pre-existing cleft.",
    ],
)
def test_a_finding_of_the_past_only_is_not_read(reader, text):
    assert IVC not in values(reader, text) and OEDEMA not in values(reader, text)


# --- issue 23: levels -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The cement at the level above is blocky.",
        "The adjacent vertebra has a vacuum cleft.",
        "The previously treated level shows spongy cement.",
    ],
)
def test_words_pointing_to_another_level_set_the_mention_aside(reader, text):
    assert values(reader, text) == {}


def test_a_sentence_about_another_level_does_not_make_a_conflict(reader):
    report = "Intravertebral vacuum cleft at L1.\nThe vertebra above has no vacuum cleft."
    assert values(reader, report) == {IVC: True}


def test_each_pattern_is_read_at_its_own_level(reader):
    text = "Blocky cement at T12 and spongy cement at L1."
    assert values(reader, text) == {CEMENT: "spongy"}


@pytest.mark.parametrize("text", ["Fascial oedema from T12 to L2.", "Fascial oedema at T12-L2."])
def test_a_range_of_levels_spanning_the_treated_one_counts(reader, text):
    assert values(reader, text) == {OEDEMA: True}


def test_a_level_named_for_another_finding_does_not_move_this_one(reader):
    text = "Goutallier grade 2 (L4/5) and no fascial oedema."
    assert values(reader, text) == {GOUTALLIER: 2, OEDEMA: False}


# --- issue 23: sections ------------------------------------------------------------------------


def test_finding_only_under_clinical_details_is_not_a_finding(reader):
    report = "CLINICAL DETAILS: Known Kummell disease at L1.\nFINDINGS:\nAcute L1 fracture."
    assert values(reader, report) == {}


def test_a_skipped_section_ends_at_a_blank_line_after_its_text(reader):
    report = "History: fall, ?cleft.\n\nThe L1 body holds an intravertebral cleft."
    assert values(reader, report) == {IVC: True}


def test_a_section_header_within_a_line_switches_the_reading(reader):
    report = "Indication: query vacuum cleft. Findings: no vacuum cleft."
    assert values(reader, report) == {IVC: False}


# --- issue 23: Goutallier grade from its definition ------------------------------------------


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("Paraspinal muscles: no fatty infiltration.", 0),
        ("The multifidus shows some fatty streaks.", 1),
        ("Multifidus at L4/5: fat less than muscle.", 2),
        ("Paraspinal muscles with as much fat as muscle.", 3),
        ("The erector spinae contain more fat than muscle.", 4),
    ],
)
def test_goutallier_grade_from_its_definition(reader, text, grade):
    assert values(reader, text) == {GOUTALLIER: grade}


def test_goutallier_grade_from_its_definition_quotes_the_sentence(reader):
    text = "Multifidus at L4/5: fat less than muscle."
    assert reader.read([text], L1)[GOUTALLIER].quote == text


@pytest.mark.parametrize(
    "text",
    [
        "Moderate fatty atrophy of the paraspinal muscles.",
        "Fatty streaks.",
        "Fat less than muscle in the psoas.",
        "Possibly more fat than muscle in the multifidus.",
    ],
)
def test_goutallier_grade_stays_unknown_unless_the_wording_is_its_definition(reader, text):
    assert values(reader, text).get(GOUTALLIER) is None


@pytest.mark.parametrize("treated", [VertebralLevel.T8, VertebralLevel.L1, VertebralLevel.L5])
def test_goutallier_grade_at_l4_5_counts_whatever_the_treated_level(reader, treated):
    got = values(reader, "Goutallier grade 3 at L4/5.", treated=frozenset({treated}))
    assert got == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    "text",
    [
        "Goutallier grade 3 at L2/3.",
        "Goutallier grade 2 at L5/S1.",
        "Goutallier grade 3 of the gluteus medius.",
        "Goutallier 2 at the fracture level.",
    ],
)
def test_goutallier_grade_of_another_level_or_muscle_is_unknown(reader, text):
    assert values(reader, text) == {}


def test_goutallier_grade_named_for_l4_5_decides_beside_another_level(reader):
    assert values(reader, "Goutallier 1 at L1/2 and 3 at L4/5.") == {GOUTALLIER: 3}


def test_goutallier_grade_that_has_progressed_is_the_grade_now(reader):
    assert values(reader, "Goutallier grade progressed from 2 to 3.") == {GOUTALLIER: 3}


def test_grade_on_a_muscle_fat_line_without_the_eponym_counts(reader):
    assert values(reader, "Multifidus fatty infiltration, grade 2.") == {GOUTALLIER: 2}


def test_another_grading_on_a_muscle_line_is_not_a_goutallier_grade(reader):
    assert values(reader, "Paraspinal muscles normal; Pfirrmann grade 3 L4/5 disc.") == {}


def test_each_field_of_a_row_between_bars_is_read_with_its_own_label(reader):
    text = "Level: L1 | Fluid cleft: Yes | Dorsal fascia oedema: No | Retropulsion: No"
    assert values(reader, text) == {IVC: True, OEDEMA: False}


def test_a_bare_distribution_field_in_a_report_about_the_cement_is_the_cement_s(reader):
    text = "Post-vertebroplasty CT.\nFill pattern: interdigitating\nLeak: none"
    assert values(reader, text) == {CEMENT: "spongy"}


def test_a_level_whose_value_is_a_pattern_in_a_report_about_the_cement_is_that_level_s(reader):
    text = "Radiographs after T11 and L1 vertebroplasty.\nT11: trabecular\nL1: compact"
    assert values(reader, text) == {CEMENT: "blocky"}


def test_a_level_with_other_words_in_a_report_naming_vertebroplasty_is_no_cement(reader):
    text = "Indication: vertebroplasty planned.\nL1: diffuse marrow oedema."
    assert values(reader, text) == {}


def test_a_bare_distribution_field_in_a_report_not_about_cement_says_nothing(reader):
    assert values(reader, "Pattern: diffuse") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The PMMA in L1 is one smoothly outlined cast.", "blocky"),
        ("A dense, rounded cement mass in the L1 body.", "blocky"),
        ("Cement has spread evenly through the cancellous bone of L1.", "spongy"),
    ],
)
def test_cement_described_by_its_shape_or_spread_is_read(reader, text, expected):
    assert values(reader, text) == {CEMENT: expected}


def test_cement_that_spread_into_the_disc_is_a_leak_not_a_pattern(reader):
    assert values(reader, "Some cement has spread into the L1/2 disc.") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L1 is flattened and holds a thin crescent of gas.", {IVC: True}),
        ("Gas in L1.", {IVC: True}),
        ("Gas at T12-L1.", {}),
        ("Air along the needle track in L1 after the procedure.", {}),
    ],
)
def test_gas_in_the_treated_vertebra_named_by_its_level_is_a_cleft(reader, text, expected):
    assert values(reader, text) == expected


def test_a_level_in_the_finding_s_own_stretch_decides_over_elsewhere_words_beside_it(reader):
    text = "Interdigitating cement at L1, solid cement in the previously augmented T11."
    assert values(reader, text) == {CEMENT: "spongy"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gas cleft at L1/2.", {}),
        ("Vacuum cleft at the T12-L1 level.", {}),
        ("Gas clefts from T12 to L2.", {IVC: True}),
    ],
)
def test_a_cleft_at_a_level_written_as_a_disc_is_not_read_for_the_vertebra(reader, text, expected):
    assert values(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gouttalier grade 3 at L4/5.", {GOUTALLIER: 3}),
        ("Posterior fasica oedema at L1.", {OEDEMA: True}),
        ("Spongey cement in L1.", {CEMENT: "spongy"}),
        ("Cement in L1 forms one large globule.", {CEMENT: "blocky"}),
    ],
)
def test_more_dictation_slips_and_cement_words_are_read_as_meant(reader, text, expected):
    assert values(reader, text) == expected


# --- clauses and scope ----------------------------------------------------------------------


def test_and_between_two_levels_joins_the_levels_not_two_clauses(reader):
    text = "The lumbodorsal fascia behind L2 and L3 is oedematous."
    assert values(reader, text, treated=frozenset({VertebralLevel.L2})) == {OEDEMA: True}


def test_a_layer_of_the_fascia_is_the_fascia(reader):
    text = "Oedematous thickening is present in the deep layer of the thoracolumbar fascia."
    assert values(reader, text) == {OEDEMA: True}


def test_after_a_list_of_denials_each_with_its_no_an_item_without_one_is_stated(reader):
    text = "No cleft, no retropulsion, and oedema tracks along the lumbodorsal fascia."
    assert values(reader, text) == {IVC: False, OEDEMA: True}


def test_a_denial_at_another_level_does_not_move_the_rest_of_the_sentence_there(reader):
    text = "No collapse of the adjacent vertebrae, and no fascial oedema."
    assert values(reader, text) == {OEDEMA: False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No new fracture, and no oedema of the posterior fascia.", {OEDEMA: False}),
        ("No new posterior fascial oedema.", {OEDEMA: None}),
    ],
)
def test_no_new_hedges_its_own_noun_only(reader, text, expected):
    assert values(reader, text) == expected


def test_fat_infiltration_exceeding_the_muscle_is_grade_4(reader):
    text = "Multifidus at L4/5 with fatty infiltration clearly exceeding the remaining muscle."
    assert values(reader, text) == {GOUTALLIER: 4}


def test_a_legend_of_the_grades_definitions_is_no_grade(reader):
    text = (
        "Goutallier: 0 no fat, 1 some fatty streaks, 2 less fat than muscle, "
        "3 as much fat as muscle, 4 more fat than muscle."
    )
    assert values(reader, text) == {}


def test_muscle_more_than_fat_is_grade_2(reader):
    assert values(reader, "Erector spinae at L4/5: muscle greater than fat.") == {GOUTALLIER: 2}


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
    assert load_text_rules().version == "2.79.0"


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
    assert rules.version == "2.79.0+site.2.1.0"
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


@pytest.mark.parametrize("reach", [1, 2])
def test_words_within_reach_found_by_their_deletions_are_those_an_edit_by_edit_comparison_finds(
    reach,
):
    # A small alphabet makes many words a few edits apart: swaps, doubled letters, drops.
    draw = random.Random(23)
    vocabulary = {
        "".join(draw.choice("abcde") for _ in range(draw.randint(5, 11))) for _ in range(400)
    }
    queries = {
        "".join(draw.choice("abcde") for _ in range(draw.randint(5, 11))) for _ in range(300)
    }
    near = _WithinReach(vocabulary, reach)
    for word in queries | set(list(vocabulary)[:50]):
        assert near(word, reach) == {other for other in vocabulary if _within(word, other, reach)}


def test_words_within_reach_refuses_a_reach_beyond_its_index():
    with pytest.raises(ValueError, match="reach 2"):
        _WithinReach({"cleft"}, 1)("clefts", 2)


def test_a_word_longer_than_any_of_the_index_by_more_than_the_reach_is_never_expanded(
    monkeypatch,
):
    # A report may hold thousands of letters without a space; their deletions would be
    # millions of strings, and no word of the index could be that near.
    expanded: list[str] = []
    deletions = report_text._deletions
    monkeypatch.setattr(
        report_text,
        "_deletions",
        lambda word, reach: expanded.append(word) or deletions(word, reach),
    )
    near = _WithinReach({"cleft", "vacuum"}, 2)
    expanded.clear()
    assert near("q" * 5000, 2) == set()
    assert near("vaccum", 2) == {"vacuum"}
    assert expanded == ["vaccum"]


def test_reading_a_run_of_thousands_of_letters_takes_little_memory(reader):
    # Text pasted without spaces is one "word": its typing slips (each letter doubled or
    # swapped) would be as many strings as it has letters, each as long as the word.
    tracemalloc.start()
    try:
        read = reader.read([f"Cleft at L1. {'qz' * 10_000}"], L1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read[IVC].value is True
    assert peak < 20_000_000


#: Words and signs of report text, drawn in any order: what a client's EHR may send.
REPORT_PIECES = (
    *("cleft", "vacuum", "IVC", "fascial", "oedema", "TLF", "Goutallier", "grade", "cement"),
    *("blocky", "spongy", "psoas", "paraspinal", "muscles", "respectively", "MRI", "prior"),
    *("previously", "still", "filled", "possible", "not", "no", "yes", "No", "Yes", "Y", "N"),
    *("U", "present", "absent", "question", "of", "at", "and", "or", "0", "2", "3", "4", "50"),
    *("L1", "T12", "L4/5", "(2019)", "Q1:", "A:", "Equivocal:", "Absent:", "Negatives:"),
    *("?", ".", ",", ";", ":", "|", "-", "/", "(", ")", "[x]", "[ ]", "%", ">", "*", "?cleft"),
)
#: The values each finding can take.
VALUES = {
    IVC: (True, False),
    OEDEMA: (True, False),
    GOUTALLIER: (0, 1, 2, 3, 4),
    CEMENT: ("blocky", "spongy"),
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(
        st.tuples(st.sampled_from(REPORT_PIECES), st.sampled_from((" ", "", "\n"))),
        max_size=30,
    )
)
def test_any_text_of_report_words_and_signs_is_read_without_error(reader, pieces):
    text = "".join(piece + separator for piece, separator in pieces)
    read = reader.read([text], L1)
    assert all(
        statement.value is None or statement.value in VALUES[name]
        for name, statement in read.items()
    )

"""Rules 2.3.0: wording the labelled sets do not hold, read by general mechanisms rather than
by phrases fitted to one sentence. Precision first: where a sentence could be read two ways,
the finding stays unknown.

The sentences are our own, written for these tests (none is copied from the labelled sets);
each expectation follows from the corpus labelling rules (fixtures/corpus/README.md).
"""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mappings.codes import VertebralLevel

from .text_reading import CEMENT, GOUTALLIER, IVC, L1, OEDEMA, firm

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


@pytest.mark.parametrize(
    "text",
    [
        "Spongy cement is expected to interdigitate with trabecular bone.",
        "Fascial oedema is common in acute fractures.",
        "A vacuum cleft is typical of osteonecrosis.",
    ],
)
def test_what_a_finding_is_expected_or_common_in_is_a_general_statement(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_seen_in_a_structure_of_this_patient_is_no_general_statement(reader):
    assert firm(reader, "Oedema is seen in the thoracolumbar fascia at L1.") == {OEDEMA: True}


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


@pytest.mark.parametrize(
    "text",
    [
        "Subchondral cleft of the left humeral head, in keeping with osteonecrosis.",
        "A vacuum cleft is seen in the fractured scaphoid.",
    ],
)
def test_a_cleft_in_a_bone_outside_the_spine_is_no_vertebral_cleft(reader, text):
    assert firm(reader, text) == {}


def test_a_bone_outside_the_spine_in_another_clause_leaves_the_cleft_read(reader):
    text = "Gas cleft in the L1 body, and osteonecrosis of the right femoral head."
    assert firm(reader, text) == {IVC: True}


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


# --- the treated level and the words pointing elsewhere --------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "An intravertebral cleft is seen one level up.",
        "Vacuum cleft in the vertebra directly below.",
        "Fluid cleft in the body just caudal to the fractured vertebra.",
        "Oedema of the thoracolumbar fascia at a lower level.",
        "Cement in the neighbouring vertebra is blocky.",
    ],
)
def test_words_pointing_to_another_vertebra_set_the_mention_aside(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A fluid cleft occupies the third lumbar vertebra.", {}),
        ("A fluid cleft occupies the first lumbar vertebra.", {IVC: True}),
        ("Gas cleft in the twelfth thoracic vertebral body.", {}),
        ("Posterior fascial oedema at L-1.", {OEDEMA: True}),
        ("Posterior fascial oedema at T-11.", {}),
    ],
)
def test_a_vertebra_named_in_words_or_with_a_hyphen_is_that_level(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A region of several vertebrae never names the treated vertebral body...
        ("Kummell disease at the thoracolumbar junction.", {}),
        ("Gas cleft in an upper lumbar vertebral body.", {}),
        # ... nor one outside it the treated level's fascia ...
        ("Thoracolumbar fascial oedema over the lower lumbar spine.", {}),
        # ... but oedema over a region that includes the treated level is present there.
        ("Posterior fascial oedema across the thoracolumbar junction.", {OEDEMA: True}),
    ],
)
def test_a_region_of_the_spine_is_the_range_of_its_levels(reader, text, expected):
    assert firm(reader, text) == expected


# --- report sections ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "report",
    [
        "Brief clinical history: fall, vacuum cleft at L1.\n\nFindings: L1 fracture.",
        "BACKGROUND\nFluid cleft in the L1 body.\n\nREPORT\nL1 fracture.",
        "Presenting complaint: pain, fascial oedema\n\nL1 fracture.",
    ],
)
def test_a_history_section_named_by_its_last_words_is_not_read(reader, report):
    assert firm(reader, report) == {}


def test_a_findings_header_with_words_before_it_is_read(reader):
    report = "Relevant history: fall.\nLUMBAR MRI FINDINGS\nFluid cleft within the L1 body."
    assert firm(reader, report) == {IVC: True}


def test_a_label_ending_in_a_read_section_word_keeps_its_value(reader):
    assert firm(reader, "Fascial oedema summary: yes") == {OEDEMA: True}


# --- clause scope ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No canal narrowing, the L1 body harbours a fluid cleft.", {IVC: True}),
        ("No retropulsion and the collapsed L1 body reveals gas.", {IVC: True}),
    ],
)
def test_a_denial_ends_where_a_new_subject_and_its_verb_begin(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No retropulsion, and oedema is seen along the posterior fascia.", {OEDEMA: True}),
        ("No canal compromise, and gas cleft is noted in L1.", {IVC: True}),
    ],
)
def test_a_comma_and_and_after_one_denied_item_close_its_denial(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_comma_and_and_closing_a_denied_list_leave_the_next_noun_unknown(reader):
    assert firm(reader, "No retropulsion, stenosis, and cleft is noted in L1.") == {}


# --- Goutallier: history, quantities ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goutallier 2 on the 2020 study, now 3.", {GOUTALLIER: 3}),
        ("The Goutallier grade has advanced to 4.", {GOUTALLIER: 4}),
    ],
)
def test_a_grade_now_beside_a_grade_of_before_is_the_grade_now(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_grade_followed_only_by_previously_is_historical(reader):
    assert firm(reader, "Multifidus Goutallier 1 previously.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Fat less than 40% of the multifidus cross-section.",
        "In the erector spinae fat is less than half of the muscle.",
    ],
)
def test_a_quantity_inside_a_definition_s_gap_is_not_the_definition(reader, text):
    # Fat under half of the muscle is grade 1 or 2: unknown (corpus labelling rules).
    assert firm(reader, text) == {}


# --- templates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Vacuum cleft: choose", "Goutallier grade: select one", "Cement pattern: please select"],
)
def test_a_picklist_prompt_left_in_a_field_is_an_unfilled_template(reader, text):
    assert firm(reader, text) == {}


# --- clauses that share a verb, or go on about what came before -----------------------------


def test_two_nouns_sharing_a_plural_verb_share_its_denial(reader):
    text = "Oedema of the lumbodorsal fascia and an intravertebral cleft were not identified."
    assert firm(reader, text) == {OEDEMA: False, IVC: False}


@pytest.mark.parametrize(
    "text",
    [
        "A fluid cleft shows on the sagittal STIR, but not on T1, and is therefore questionable.",
        "Fascial oedema at L1; this could be artefact from motion.",
        "Gas cleft in L1, which might be artefactual.",
    ],
)
def test_a_doubt_in_a_clause_going_on_about_the_finding_reaches_it(reader, text):
    assert firm(reader, text) == {}


def test_a_consequence_drawn_from_a_finding_does_not_hedge_it(reader):
    assert firm(reader, "Gas cleft in L1; this may indicate non-union.") == {IVC: True}


# --- denials ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Normal STIR signal in the lumbodorsal fascia.", "Normal signal within the posterior fascia."],
)
def test_normal_signal_in_the_fascia_denies_its_oedema(reader, text):
    assert firm(reader, text) == {OEDEMA: False}


def test_a_denial_before_a_list_reaches_the_fascia_after_other_nouns(reader):
    text = "No oedema of the erector spinae or thoracolumbar fascia."
    assert firm(reader, text) == {OEDEMA: False}


def test_no_residual_cleft_after_cement_says_nothing_of_the_cleft(reader):
    # What is left after the cement filled it: neither the cleft before nor its absence.
    assert firm(reader, "Cement fills L1 and no residual cleft is seen.") == {}


def test_a_finding_as_a_marker_of_something_is_a_general_statement(reader):
    assert firm(reader, "A vacuum cleft is a marker of avascular necrosis.") == {}


# --- words of other languages and other scales -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Intracorporeal gas cleft in LWK 1.", {IVC: True}),
        ("Intrasomatic vacuum of LWK 2.", {}),
        ("The thoracolumbar aponeurosis is oedematous.", {OEDEMA: True}),
        ("GT 2 of the multifidus at L4/5.", {GOUTALLIER: 2}),
        ("Tendinopathy at the right GT, grade 2 fatty change of the gluteus medius.", {}),
    ],
)
def test_other_languages_words_for_the_body_the_vertebra_and_the_fascia(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text", ["Mercuri stage 2 of the multifidus.", "Kjaer grade 1 of the erector spinae."]
)
def test_a_grade_of_another_muscle_fat_scale_is_not_a_goutallier_grade(reader, text):
    assert firm(reader, text) == {}


# --- Goutallier from its definition, and against it -------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Normal lumbar paraspinal musculature.", {GOUTALLIER: 0}),
        ("The paraspinal muscles at L4/5 are normal.", {GOUTALLIER: 0}),
        # Normal in size or signal says nothing of fat.
        ("Normal paraspinal muscle signal.", {}),
        ("The paraspinal muscles are normal in bulk.", {}),
    ],
)
def test_normal_paraspinal_muscles_are_goutallier_0(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fatty replacement of about 75% of the erector spinae at L4/5.", {GOUTALLIER: 4}),
        ("Fat makes up 65% of the multifidus.", {GOUTALLIER: 4}),
        ("Fat comprises 40% of the multifidus.", {}),
    ],
)
def test_fat_over_half_of_the_muscle_is_grade_4(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_worded_grade_that_no_given_grade_agrees_with_leaves_the_grade_unknown(reader):
    assert firm(reader, "Multifidus at L4/5: more fat than muscle, Goutallier 2.") == {}


def test_a_worded_grade_agreeing_with_one_of_the_given_grades_leaves_the_worst(reader):
    text = "Goutallier grade 1 (some fatty streaks) in the right multifidus, grade 2 on the left."
    assert firm(reader, text) == {GOUTALLIER: 2}


def test_a_grade_of_before_in_brackets_leaves_the_grade_now(reader):
    assert firm(reader, "Goutallier 3 at L4/5 (was grade 2 in 2021).") == {GOUTALLIER: 3}


# --- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[x] Goutallier 1 [x] Goutallier 2", {}),
        ("[x] Fascial oedema [x] Vacuum cleft", {OEDEMA: True, IVC: True}),
    ],
)
def test_two_answers_ticked_to_one_question_are_unknown(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posterior fascial oedema {present / absent}", {}),
        ("Vacuum cleft (yes/no): yes", {IVC: True}),
    ],
)
def test_a_picklist_in_brackets_is_unfilled_unless_answered(reader, text, expected):
    assert firm(reader, text) == expected


def test_the_distribution_in_a_report_about_cement_is_the_cement_s(reader):
    report = "Vertebroplasty at L1 with PMMA.\nThe distribution is trabecular."
    assert firm(reader, report) == {CEMENT: "spongy"}
    assert firm(reader, "The distribution is trabecular.") == {}


@pytest.mark.parametrize(
    "report",
    [
        "Indication: pain after a fall.\nThe L1 body holds a fluid cleft.",
        "Comparison: CT of last month\nThe L1 body holds a fluid cleft.",
    ],
)
def test_skipped_text_on_its_header_s_line_ends_with_that_line(reader, report):
    assert firm(reader, report) == {IVC: True}


def test_skipped_text_running_on_to_the_next_line_stays_skipped(reader):
    report = "History: fall, with a fluid cleft\nin the L1 body\n\nL1 fracture."
    assert firm(reader, report) == {}


# --- abbreviations and conditions -------------------------------------------------------------


def test_w_slash_o_is_without(reader):
    assert firm(reader, "Acute L1 fracture w/o intravertebral cleft.") == {IVC: False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cement works best when a vacuum cleft is present.", {}),
        ("When compared with the prior study, the cleft in L1 is larger.", {IVC: True}),
    ],
)
def test_a_finding_under_a_condition_is_not_stated(reader, text, expected):
    assert firm(reader, text) == expected


# --- Goutallier over a whole report ------------------------------------------------------------


def test_sentences_giving_different_grades_leave_the_grade_unknown(reader):
    report = "Multifidus at L4/5: Goutallier 2.\nImpression: Goutallier grade 3 atrophy."
    assert firm(reader, report) == {}


@pytest.mark.parametrize(
    "report",
    [
        "Left multifidus Goutallier 2.\nRight multifidus Goutallier 3.",
        "Multifidus Goutallier 2 (L).\nConclusion: Goutallier 3 (R) / 2 (L).",
    ],
)
def test_sentences_grading_one_side_each_give_the_worse_side(reader, report):
    assert firm(reader, report) == {GOUTALLIER: 3}


# --- a denial's list, and levels of other clauses ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An item with a verb of its own after a denied one: stated, or denied with it? Unclear.
        ("No retropulsion, gas cleft present.", {}),
        (
            "There is no cleft, oedema of the thoracolumbar fascia is present.",
            {IVC: False, OEDEMA: True},
        ),
        ("No cleft, oedema or collapse is seen.", {IVC: False}),
    ],
)
def test_a_denial_does_not_reach_an_item_with_a_verb_of_its_own(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("There is no fascial oedema, and the multifidus is normal at L4/5.", {OEDEMA: False}),
        # A clause referring back to the finding gives its level still.
        ("There is fascial oedema, and it reaches from T9 to T10.", {}),
    ],
)
def test_a_level_in_a_later_clause_with_a_subject_of_its_own_is_that_clause_s(
    reader, text, expected
):
    assert firm(reader, text) == expected


def test_a_disc_level_in_another_finding_s_item_does_not_make_the_cleft_a_disc_s(reader):
    text = "No vacuum cleft, multifidus at L4/5 Goutallier 2."
    assert firm(reader, text) == {IVC: False, GOUTALLIER: 2}


# --- templates exported as HTML -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ("<p><strong>Intravertebral cleft:</strong> No</p>", {IVC: False}),
        (
            "<table><tr><td>Posterior fascial oedema</td><td>Yes</td></tr>"
            "<tr><td>Goutallier (L4/5)</td><td>2</td></tr></table>",
            {OEDEMA: True, GOUTALLIER: 2},
        ),
        ("Cement distribution:&nbsp;<em>trabecular</em>", {CEMENT: "spongy"}),
        ("<td>Vacuum cleft</td><td>[ ] yes [ ] no</td>", {}),
    ],
)
def test_a_template_exported_as_html_is_read_as_its_lines(reader, report, expected):
    assert firm(reader, report) == expected


def test_a_comparison_sign_is_not_taken_for_markup(reader):
    assert firm(reader, "Multifidus at L4/5: fat < muscle.") == {GOUTALLIER: 2}


# --- answers and non-answers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Kummell -ve.", {IVC: False}), ("TLF oedema neg.", {OEDEMA: False})],
)
def test_a_negative_sign_after_a_finding_denies_it(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Vacuum cleft: cannot assess on MRI alone.",
        "Fascial oedema: unable to evaluate (no STIR).",
        "Thoracolumbar fascia not assessed, no oedema seen elsewhere.",
    ],
)
def test_a_finding_that_could_not_be_assessed_is_unknown(reader, text):
    assert firm(reader, text) == {}


# --- statements of others, and of disease in general ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The orthopaedic surgeon reports a vacuum cleft on the outside CT.",
        "Reportedly there is oedema of the thoracolumbar fascia.",
        "A fluid cleft is typical of osteonecrosis.",
        "Osteonecrosis is characterised by an intravertebral vacuum cleft.",
        "Gas clefts occur in delayed union.",
    ],
)
def test_a_statement_of_someone_else_or_of_disease_in_general_states_no_finding(reader, text):
    assert firm(reader, text) == {}


# --- more hedges, lookalikes and definitions ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "There is a hint of oedema along the thoracolumbar fascia.",
        "A vague cleft in the L1 body.",
        "Ambiguous signal in the posterior fascia.",
        "A fracture line mimicking a fluid cleft in L1.",
        "An intravertebral cleft in L1 is conceivable.",
        "A fluid cleft cannot be distinguished from a fracture line.",
        "Goutallier 3 at L4/5 (borderline 2).",
    ],
)
def test_hedges_the_lexicon_lacked_leave_the_finding_unknown(reader, text):
    assert firm(reader, text) == {}


def test_a_pseudocleft_is_not_a_cleft(reader):
    assert firm(reader, "Pseudo-cleft in L1 from a fracture line.") == {}


def test_a_grade_with_a_decimal_is_not_a_grade_of_the_scale(reader):
    assert firm(reader, "Goutallier grade 2.5 at L4/5.") == {}


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ("Fascial oedema (STIR hyperintensity along the posterior fascia): Yes", {OEDEMA: True}),
        ("Intravertebral cleft (gas or fluid in the fractured body): No", {IVC: False}),
        ("Goutallier (L4/5): 3", {GOUTALLIER: 3}),
    ],
)
def test_a_definition_beside_a_field_s_label_leaves_its_answer_read(reader, report, expected):
    assert firm(reader, report) == expected


def test_a_glossary_section_states_no_finding(reader):
    report = (
        "GLOSSARY\nIVC: intravertebral vacuum cleft. TLF: thoracolumbar fascia.\n\nL1 fracture."
    )
    assert firm(reader, report) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Goutallier grade 3 at the treated level.",
        "Multifidus Goutallier 2 at the level of the vertebroplasty.",
        "Goutallier 3 of the thoracolumbar paraspinal muscles.",
    ],
)
def test_a_grade_at_the_treated_level_is_not_the_graded_segment_s(reader, text):
    # The study graded L4/5 whatever the treated level (corpus labelling rules).
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cement interdigitation: poor.", {CEMENT: "blocky"}),
        ("Cement interdigitation: partial.", {}),
        ("Cement interdigitation: extensive.", {CEMENT: "spongy"}),
    ],
)
def test_a_degree_given_as_the_value_of_interdigitation_is_read(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cement distribution (blocky/spongy): spongy", {CEMENT: "spongy"}),
        ("Cement distribution (blocky/spongy):", {}),
    ],
)
def test_the_options_beside_a_field_s_label_leave_its_answer_read(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oedema of the psoas fascia, with a normal lumbodorsal fascia.", {OEDEMA: False}),
        # Unnamed, the fascia beside another region is that region's.
        ("Oedema in the gluteal muscles, tracking along the fascia.", {}),
    ],
)
def test_a_posterior_fascia_named_in_its_own_item_is_read_beside_another_structure(
    reader, text, expected
):
    assert firm(reader, text) == expected


# --- resolution in words the lexicon lacked ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The thoracolumbar fascial oedema has disappeared.",
        "Complete regression of the posterior fascial oedema.",
        "Fascial oedema is no more visible.",
        "No longer any oedema of the lumbodorsal fascia.",
        "Fascial oedema of the earlier study, now cleared.",
        "The gas cleft has filled in.",
        "Resolving thoracolumbar fascial oedema.",
        "The fluid cleft is barely perceptible.",
    ],
)
def test_a_finding_resolved_or_resolving_is_not_present(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The thoracolumbar fascial oedema has resolved since the last MRI.",
        "The L1 vacuum cleft has regressed since the earlier CT.",
    ],
)
def test_a_finding_resolved_since_a_prior_study_is_not_present(reader, text):
    # "since the last MRI" dates the change; the change is a resolution, not a persistence.
    assert firm(reader, text) == {}


def test_a_finding_grown_since_a_prior_study_is_current(reader):
    assert firm(reader, "Previously noted L1 cleft, bigger since the previous MRI.") == {IVC: True}


# --- picklists and questions in templates -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Goutallier grade (circle one): 0 1 2 3 4",
        "Posterior fascial oedema: present absent",
        "Intravertebral cleft: Y N",
        "Vacuum cleft: Yes (No)",
    ],
)
def test_options_left_side_by_side_are_an_unfilled_picklist(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vacuum cleft: none seen", {IVC: False}),
        ("Cement distribution: solid blocky", {CEMENT: "blocky"}),
    ],
)
def test_one_answer_of_two_words_is_not_a_picklist(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cement: (•) blocky ( ) spongy", {CEMENT: "blocky"}),
        ("Cement: blocky [ ] spongy [*]", {CEMENT: "spongy"}),
    ],
)
def test_other_marks_of_a_ticked_option_are_read(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Intravertebral cleft? No", {IVC: False}),
        ("Thoracolumbar fascial oedema? Yes", {OEDEMA: True}),
        ("Goutallier at L4/5? 2", {GOUTALLIER: 2}),
        ("Kummell? possible", {}),
        ("Any fascial oedema?", {}),
    ],
)
def test_a_template_question_is_read_by_its_answer(reader, text, expected):
    assert firm(reader, text) == expected


# --- Goutallier: every number that may be a grade accounted for --------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goutallier grade: 2 (L), 3 (R).", {GOUTALLIER: 3}),
        ("Goutallier 3 of 4 in the multifidus.", {GOUTALLIER: 3}),
        ("Goutallier 4 at L4/5, progressed from 3.", {GOUTALLIER: 4}),
        # A second grade whose muscle or level no pattern ties it to: not read as the first.
        ("Goutallier 2 paraspinal, 3 psoas.", {}),
        ("Paraspinal Goutallier grades: L3/4 2, L4/5 3, L5/S1 4.", {}),
    ],
)
def test_a_number_that_may_be_another_grade_is_accounted_for_or_the_grade_is_unknown(
    reader, text, expected
):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text", ["Estimated Goutallier 3 at L4/5.", "I think the Goutallier grade is 2 at L4/5."]
)
def test_an_estimate_or_an_opinion_of_the_grade_is_a_hedge(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Intravertebral cleft: L1 no, T12 yes", {IVC: False}),
        ("Fascial oedema: T11 (yes); L1 (no)", {OEDEMA: False}),
        ("Vacuum cleft: T12 no, L1 yes", {IVC: True}),
        ("Vacuum cleft: T12 yes, L2 yes", {}),
    ],
)
def test_a_field_answered_level_by_level_is_read_at_the_treated_level(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A fluid collection lies along the thoracolumbar fascia.", {}),
        ("Fluid (haematoma) tracks along the lumbodorsal fascia.", {}),
        ("Bright T1 signal in the thoracolumbar fascia.", {}),
        # Denied as an item of a list, the collection names nothing.
        ("No paraspinal haematoma or posterior fascial oedema.", {OEDEMA: False}),
    ],
)
def test_fluid_that_is_a_collection_or_blood_is_not_fascial_oedema(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Gas bubbles in the L1 cement.",
        "Gas within the L1 body after the vertebroplasty.",
        "Gas in the L1 body from osteomyelitis.",
        "Intravertebral vacuum phenomenon at L1 with spondylodiscitis.",
    ],
)
def test_gas_of_the_cement_the_procedure_or_an_infection_is_not_a_cleft(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A denial closing its own item reaches no further.
        ("Cleft absent, posterior fascial oedema present.", {IVC: False, OEDEMA: True}),
        ("Positive for a cleft, negative for fascial oedema.", {IVC: True, OEDEMA: False}),
        ("Absence of a cleft and presence of fascial oedema.", {IVC: False, OEDEMA: True}),
    ],
)
def test_a_denial_and_an_affirmation_side_by_side_each_keep_their_item(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The 2022 MRI demonstrated oedema of the thoracolumbar fascia.", {}),
        ("Fluid cleft in L1 (2021).", {}),
        ("Fascial oedema, unchanged from the 2022 MRI.", {OEDEMA: True}),
    ],
)
def test_a_study_dated_by_its_year_alone_is_a_prior_one(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Vertebroplasty at L1 under a nerve block.",
        "Cement at L1, with a solid lesion in the left kidney.",
        "Cement in L1 beside a compact bone island.",
        "Cement at L1, globular calcification of the aortic wall.",
        "Cement at L1; the trabecular pattern of the sacrum is coarse.",
    ],
)
def test_a_pattern_word_describing_another_noun_is_not_the_cement_s(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PMMA shows a trabecular pattern throughout L1.", {CEMENT: "spongy"}),
        ("Cement fill: good, spongy pattern.", {CEMENT: "spongy"}),
    ],
)
def test_the_cement_s_own_pattern_is_still_read(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fluid cleft in the paraspinal muscles.", {}),
        ("Fluid cleft in the epidural space at L1.", {}),
        ("Fluid-filled cleft in the posterior ligamentous complex at L1.", {}),
        ("Cleft in the spinal cord at L1.", {}),
        # A structure named inside a lookalike is the lookalike's.
        (
            "An intravertebral vacuum cleft of the L1 body besides the vacuum disc at L4/5.",
            {IVC: True},
        ),
    ],
)
def test_a_cleft_named_in_soft_tissue_a_ligament_or_the_canal_is_not_the_body_s(
    reader, text, expected
):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "No cleft is identified, though a small one cannot be excluded.",
        "No frank fluid cleft in L1.",
        "Fluid cleft in L1, less likely a fracture line.",
        "Fluid cleft in L1 (differential: fracture line).",
    ],
)
def test_a_doubt_on_the_finding_in_other_words_leaves_it_unknown(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oedema adjacent to the thoracolumbar fascia.", {}),
        ("Soft tissue oedema close to the posterior fascia.", {}),
        ("Oedema of the thoracolumbar fascia near L1.", {OEDEMA: True}),
    ],
)
def test_oedema_beside_the_fascia_is_not_the_fascia_s(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The second comparison, elliptic, would be the worse grade: not read as the first.
        ("Fat less than muscle in the multifidus and more than muscle in the erector.", {}),
        ("In the multifidus fat is less than muscle at L4/5.", {GOUTALLIER: 2}),
    ],
)
def test_a_comparison_of_fat_with_muscle_outside_every_definition_read_leaves_it_unknown(
    reader, text, expected
):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Appearances fit an intravertebral cleft, though a fracture line is a differential.",
        "Fluid cleft in L1; alternatively a fluid-filled fracture line.",
        "Per the referring surgeon, there is a vacuum cleft at L1.",
        "According to the GP, the thoracolumbar fascia is oedematous.",
    ],
)
def test_an_alternative_or_a_source_beside_the_finding_reaches_every_clause(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cleft - no; TLF oedema - yes", {IVC: False, OEDEMA: True}),
        ("IVC: N; fascial oedema: Y", {IVC: False, OEDEMA: True}),
    ],
)
def test_fields_between_semicolons_keep_their_own_answers(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IVC=0", {}),
        ("Vacuum cleft: 1", {}),
        ("Fascial oedema (0/1): 1", {}),
        ("Goutallier: 1", {GOUTALLIER: 1}),
        ("Goutallier grade (L4/5): 3", {GOUTALLIER: 3}),
    ],
)
def test_a_number_alone_answers_a_grade_not_a_cleft_or_the_fascia(reader, text, expected):
    assert firm(reader, text) == expected


# --- rules 2.6.0 --------------------------------------------------------------------------------


def test_a_text_table_with_outer_bars_is_read_row_by_row(reader):
    table = (
        "| Item                 | Finding |\n"
        "|:---------------------|:--------|\n"
        "| Vacuum cleft at L1   | No      |\n"
        "| Fascial oedema       | Yes     |\n"
        "| Goutallier (L4/5)    | 3       |\n"
    )
    assert firm(reader, table) == {IVC: False, OEDEMA: True, GOUTALLIER: 3}


@pytest.mark.parametrize(
    "text",
    [
        # The legend's bracket, opened on one line, closes on the next.
        "Fill pattern of the cement (key: blocky = solid cast;\nspongy = trabecular): spongy",
        "Fill pattern of the cement (key: blocky = solid cast; spongy = trabecular): spongy",
    ],
)
def test_a_legend_in_brackets_beside_a_label_is_not_the_answer(reader, text):
    assert firm(reader, text) == {CEMENT: "spongy"}


def test_a_line_broken_after_rule_out_or_a_preposition_goes_on_on_the_next(reader):
    # The hard break leaves "Kummell." alone on its line: still what "rule out" asks about.
    text = "CONCLUSION: Acute L1 fracture. CT advised to rule out\nKummell.\n"
    assert firm(reader, text) == {}
    text = "Oedema along the posterior layer of the\nThoracolumbar fascia at L1."
    assert firm(reader, text) == {OEDEMA: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fluid cleft: L1 - not seen.", {IVC: False}),
        # Answered for another level only: nothing said of L1.
        ("Fluid cleft: L2 - not seen.", {}),
    ],
)
def test_a_field_answered_for_one_level_is_that_levels_answer(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Slips of dictation and spelling.
        ("Fluid clef beneath the L1 endplate.", {IVC: True}),
        ("No oedema of the lumbodorsal fasha.", {OEDEMA: False}),
        # "Imbibed" (soaked with fluid) is oedema, in translated text.
        ("Imbibition along the posterior fascia at L1.", {OEDEMA: True}),
        ("The thoracolumbar fascia is imbibed on the left.", {OEDEMA: True}),
        # A cementation (the procedure's noun) that permeates the bone.
        ("Cementation of L1 with permeation of the trabecular bone.", {CEMENT: "spongy"}),
    ],
)
def test_slips_translated_words_and_the_procedures_noun_are_read(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A sign in brackets as a field's whole answer.
        ("Posterior fascia oedema: (+)", {OEDEMA: True}),
        ("Fluid cleft at L1: (-)", {IVC: False}),
        # An estimate of a fraction is no hedge on the findings of its sentence.
        ("L1 fracture, roughly one-third height loss, with no vacuum cleft.", {IVC: False}),
    ],
)
def test_signs_in_brackets_answer_a_field_and_an_estimated_fraction_is_no_hedge(
    reader, text, expected
):
    assert firm(reader, text) == expected


def test_an_addendum_adding_a_finding_the_preliminary_report_left_out_states_it(reader):
    text = "Also oedema along the thoracolumbar fascia at L1, not described in the prelim report."
    assert firm(reader, text) == {OEDEMA: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The grade before the words naming its scale.
        (
            "Paraspinal fatty infiltration at L4/5, stage 3 according to Goutallier.",
            {GOUTALLIER: 3},
        ),
        ("Grade 1 of Goutallier in the lumbar paraspinal muscles.", {GOUTALLIER: 1}),
        # The scale's word for grade in German, Spanish, Portuguese.
        ("Paravertebral muscles L4/5: Goutallier Grad 2.", {GOUTALLIER: 2}),
        ("Musculatura paravertebral L4/5, grado 4 de Goutallier.", {GOUTALLIER: 4}),
        # A change of grade named by its noun, without a verb: the grade now.
        ("Worsening of paraspinal fat at L4/5 from Goutallier 1 to 2.", {GOUTALLIER: 2}),
    ],
)
def test_a_goutallier_grade_before_its_scales_name_or_after_a_change_noun_is_read(
    reader, text, expected
):
    assert firm(reader, text) == expected


def test_a_range_from_one_grade_to_another_is_still_a_range(reader):
    assert firm(reader, "Paraspinal fat at L4/5 ranging from Goutallier 2 to 3.") == {}


# --- rules 2.7.0 ---------------------------------------------------------------------------


def test_gas_inside_this_bone_refers_back_to_the_vertebra_named(reader):
    # A patient-friendly sentence: "this bone" is the vertebra the sentence before named.
    assert firm(reader, "L1 has broken. There is a little air inside this bone.") == {IVC: True}
    assert firm(reader, "L1 has broken. There might be some air inside this bone.") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One letter dropped, doubled, swapped or changed in a word the findings are named by.
        ("Vacuun cleft in the L1 body.", {IVC: True}),
        ("Oedema of the thoracolumbar fassia at L1.", {OEDEMA: True}),
        ("Thoracolumbar fasdia oedema.", {OEDEMA: True}),
        ("Cemetn interdigitating through the L1 body.", {CEMENT: "spongy"}),
        ("Cement in L1: blokcy.", {CEMENT: "blocky"}),
        # Two slips in a long word that no other word of the rules is near.
        ("Gouttaleir grade 3 at L4/5.", {GOUTALLIER: 3}),
    ],
)
def test_a_slip_of_a_findings_key_word_is_read_as_the_word(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A slip as near to another word of the rules (intervertebral) is not corrected.
        "Intrvertebral vacuum phenomenon at L1.",
        # English words are never corrected ("facial" is not "fascial").
        "Facial oedema at L1.",
    ],
)
def test_a_slip_near_two_words_or_an_english_word_is_left_as_written(reader, text):
    assert firm(reader, text) == {}


def test_a_sentence_in_another_language_has_no_slips(reader):
    # "ciment" is French, not a slip of "cement"; "sans" is no English denial.
    text = "Répartition du ciment : compacte, sans interdigitation."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Each denied item has its own "no": the item closed by "and" without one is stated.
        (
            "No gas cleft, no oedema of the lumbodorsal fascia, and fat outweighing muscle in "
            "the L4/5 multifidus.",
            {IVC: False, OEDEMA: False, GOUTALLIER: 4},
        ),
        (
            "No vacuum cleft, no retropulsion, and oedema along the thoracolumbar fascia.",
            {IVC: False, OEDEMA: True},
        ),
        # Closed by "or", the list's items share the denial.
        ("No retropulsion, no cleft, fascial oedema or haematoma.", {IVC: False}),
    ],
)
def test_an_item_without_its_own_denial_after_items_with_one_is_stated(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Goutallier 4 by its definition: fat over half the muscle.
        ("At L4/5 fat forms more than half of the erector spinae.", {GOUTALLIER: 4}),
        ("Fatty replacement exceeds 50 percent of the L4/5 multifidus.", {GOUTALLIER: 4}),
        # Under half is grade 1 or 2: unknown.
        ("At L4/5 fat forms less than half of the erector spinae.", {}),
    ],
)
def test_fat_over_half_of_the_muscle_is_goutallier_four(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A grade on a muscle-fat line, with no eponym.
        ("Multifidus fat (L4/5): 3", {GOUTALLIER: 3}),
        ("Fat-muscle ratio, L4/5: grade 1.", {GOUTALLIER: 1}),
        # A measure is no grade.
        ("Multifidus fat (L4/5): 3 mm", {}),
    ],
)
def test_a_bare_grade_on_a_muscle_fat_line_is_a_goutallier_grade(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A hedge on what the finding is owed to, or on what it means, not on the finding.
        ("Multifidus fat at L4/5, Goutallier grade 3, probably age-related.", {GOUTALLIER: 3}),
        ("Trabecular cement spread in L1, probably adequate for support.", {CEMENT: "spongy"}),
    ],
)
def test_a_hedge_on_the_cause_or_the_adequacy_leaves_the_finding_firm(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Oedema placed elsewhere and denied in the fascia: absent.
        ("High STIR signal in the erector spinae but not in the lumbodorsal fascia.", False),
        ("Oedema in the interspinous ligament, not within the thoracolumbar fascia.", False),
        # The other way round the fascia has it.
        ("Oedema of the thoracolumbar fascia but not of the erector spinae.", True),
    ],
)
def test_oedema_set_elsewhere_and_not_in_the_fascia_is_absent_there(reader, text, expected):
    assert firm(reader, text) == {OEDEMA: expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A grade for L4/5 after one for another level in the same sentence.
        ("Goutallier grade 4 in the multifidus at L3/4; L4/5 grade 3.", {GOUTALLIER: 3}),
        ("Goutallier: L3/4 grade 1, L4/5 grade 2.", {GOUTALLIER: 2}),
        ("Goutallier: L4/5 grade 1, L5/S1 grade 2.", {GOUTALLIER: 1}),
    ],
)
def test_a_grade_for_l4_5_after_one_for_another_level_is_read(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The hedge is on what the finding described means.
        ("Gas cleft within the L1 body, probably reflecting avascular necrosis.", {IVC: True}),
        ("Blocky cement in L1, likely representing fill of a cavity.", {CEMENT: "blocky"}),
        # What the hedge names after it is hedged.
        ("Low signal band in L1, probably representing a gas cleft.", {}),
    ],
)
def test_a_hedge_on_what_a_finding_means_leaves_the_finding_described_firm(reader, text, expected):
    assert firm(reader, text) == expected


# --- rules 2.8.0 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Not without" denies an absence: an understatement that states the finding.
        ("The L1 vertebral body is not without a gas cleft.", {IVC: True}),
        ("Lumbodorsal fascia: not without some oedema.", {OEDEMA: True}),
        # "Without" alone still denies.
        ("The L1 vertebral body is without a gas cleft.", {IVC: False}),
    ],
)
def test_not_without_states_the_finding(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A denial as the label of a list denies every item, not the first alone.
        "Absent: gas cleft, oedema of the lumbodorsal fascia.",
        "None seen: vacuum cleft; thoracolumbar fascial oedema.",
    ],
)
def test_a_denial_labelling_a_list_denies_each_item(reader, text):
    assert firm(reader, text) == {IVC: False, OEDEMA: False}


# --- rules 2.9.0: recall on the eleventh blind round's wording ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Sponge type", translated from a Chinese report's term, is the spongy pattern.
        ("PMMA filling pattern in L1: sponge type.", {CEMENT: "spongy"}),
        ("Vertebroplasty cement with a sponge-type spread.", {CEMENT: "spongy"}),
        ("L1 cement of sponge pattern, no extravasation.", {CEMENT: "spongy"}),
        # A sponge that is no cement's pattern says nothing.
        ("A haemostatic sponge was left at the L1 pedicle entry.", {}),
    ],
)
def test_sponge_type_cement_is_spongy(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A denial right after its own noun, after a field's answer, denies that noun alone.
        ("Cement pattern in L1: compact mass, extravasation nil.", {CEMENT: "blocky"}),
        ("Cement fill pattern: trabecular, leak none.", {CEMENT: "spongy"}),
        ("Vacuum cleft: yes, fascial oedema absent.", {IVC: True, OEDEMA: False}),
        # A list of findings closing in one denial is denied whole.
        ("Gas cleft, thoracolumbar fascial oedema: none.", {IVC: False, OEDEMA: False}),
        ("Cleft, retropulsion and fascial oedema: absent.", {IVC: False, OEDEMA: False}),
    ],
)
def test_a_denial_after_a_noun_of_its_own_does_not_reach_a_fields_answer(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A hedge or a denial after a finding of its own, past a comma, is that finding's: the
        # finding before it, stated with more than its name, stays firm.
        ("Gas cleft in the L1 body, thoracolumbar fascial oedema cannot be excluded.", {IVC: True}),
        ("Oedema along the lumbodorsal fascia at L1, vacuum cleft not ruled out.", {OEDEMA: True}),
        ("Fluid cleft at L1, oedema of the posterior fascia absent.", {IVC: True, OEDEMA: False}),
        # A bare list of findings closing in one hedge is hedged whole.
        ("Cleft, fascial oedema: not excluded.", {}),
    ],
)
def test_a_modifier_after_a_finding_of_its_own_leaves_the_finding_before_the_comma(
    reader, text, expected
):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Fascial" as one adjective of a noun shared in a denied list.
        ("No fascial or paraspinal oedema at L1.", {OEDEMA: False}),
        ("There is neither fascial nor subcutaneous oedema.", {OEDEMA: False}),
        # The fascia as a noun of its own ("of the fascia") is not the oedema's.
        ("No tear of the lumbodorsal fascia or paraspinal oedema.", {}),
    ],
)
def test_a_fascial_oedema_shared_in_a_denied_list_is_absent(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Degree", as translated reports write the grade, on a muscle-fat line.
        ("Erector spinae fatty infiltration at L4-L5, degree III.", {GOUTALLIER: 3}),
        ("Multifidus fat infiltration degree 1.", {GOUTALLIER: 1}),
        # A degree with no grade, or of something else, is no grade.
        ("A mild degree of fatty infiltration of the multifidus.", {}),
        # A grade given after a dash, past the level it is for.
        ("Goutallier classification L4/5 - 3", {GOUTALLIER: 3}),
        ("Paraspinal fat, Goutallier grade at L4-5 - 1", {GOUTALLIER: 1}),
        # A dash between two grades is still a range.
        ("Goutallier L4/5 - 2 - 3", {}),
        # The level before the dash is not the graded segment.
        ("Goutallier grade L2-L3 - 4", {}),
    ],
)
def test_a_degree_on_a_muscle_fat_line_and_a_grade_after_a_dash_are_goutallier_grades(
    reader, text, expected
):
    assert firm(reader, text) == expected


# --- rules 2.10.0: the twelfth blind round's wording ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OBX|1|CWE|CLEFT^Vertebral body cleft||N^No^HL70136||||||F", {IVC: False}),
        ("OBX|5|ST|FASCIA^Posterior fascia oedema||Present||||||F", {OEDEMA: True}),
        ("OBX|3|NM|GOUT^Goutallier grade at L4/5||3||||||F", {GOUTALLIER: 3}),
    ],
)
def test_an_hl7_result_segment_pasted_as_text_is_read_as_its_field_and_value(
    reader, text, expected
):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posterior fascial oedema: No - the fascia is spared.", {OEDEMA: False}),
        ("Thoracolumbar fascia oedema: No - normal signal.", {OEDEMA: False}),
    ],
)
def test_a_fields_answer_followed_by_what_it_rests_on_is_the_answer(reader, text, expected):
    # Read as it stood, the answer word went unread and the field's name seemed stated.
    assert firm(reader, text) == expected


def test_spongy_in_brackets_naming_the_bone_is_no_cement_pattern(reader):
    assert firm(reader, "Cement lies in the trabecular (spongy) bone of the L1 body.") == {}


def test_a_mixed_cement_pattern_is_neither_blocky_nor_spongy(reader):
    # "trabecular components" names no pattern: "compact" alone was read as blocky.
    text = "Cement distribution mixed, with compact and trabecular components."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Erector spinae L5/S1 Goutallier 3.", {}),
        ("Erector spinae L4/5 Goutallier 3.", {GOUTALLIER: 3}),
        ("L2/3 Goutallier 1, L4/5 Goutallier 2, L5/S1 Goutallier 3.", {GOUTALLIER: 2}),
    ],
)
def test_a_level_written_just_before_the_eponym_is_the_grades(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Paraspinals at L4/5: GC 2.", {GOUTALLIER: 2}),
        ("FI of the L4/5 multifidus over 50% of its area.", {GOUTALLIER: 4}),
        ("TLF oed present at L1.", {OEDEMA: True}),
        # "GC" for glucocorticoids: beside a drug, a dose or a duration it is no scale.
        ("Takes GC for 3 yrs.", {}),
        ("On GC 1 (prednisolone) since 2019.", {}),
    ],
)
def test_shorthand_for_the_goutallier_class_fatty_infiltration_and_oedema_is_spelt_out(
    reader, text, expected
):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TLF oed + / IVC - / GC 1", {OEDEMA: True, IVC: False, GOUTALLIER: 1}),
        ("IVC - / TLF oedema +", {IVC: False, OEDEMA: True}),
    ],
)
def test_a_sign_before_a_spaced_slash_closes_its_item_of_a_shorthand_list(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize("text", ["IVC +/- at L1", "TLF oedema ±", "Cleft +/-, GC 2 at L4/5"])
def test_plus_or_minus_after_a_finding_is_a_doubt_not_present(reader, text):
    assert IVC not in firm(reader, text) and OEDEMA not in firm(reader, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A2 Fluid cleft in L1 (0 = No, 1 = Yes): 0", {IVC: False}),
        ("B4 Fascial oedema? [1=Yes 2=No 8=Unknown]: 1", {OEDEMA: True}),
        ("C7 Cement pattern 1=Spongy 2=Blocky : 2", {CEMENT: "blocky"}),
        # A code the legend gives no answer to, or does not give at all, says nothing.
        ("A2 Fluid cleft in L1 (0 = No, 1 = Yes, 9 = Unknown): 9", {}),
        ("C7 Cement pattern 1=Spongy 2=Blocky : 5", {}),
    ],
)
def test_a_registry_fields_code_picks_its_legends_option(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_scales_span_in_brackets_beside_its_label_is_no_range_given(reader):
    assert firm(reader, "Goutallier class at L4/5 (0-4): 3") == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vacuum cleft present: No", {IVC: False}),
        ("Fascial oedema seen? no", {OEDEMA: False}),
        ("Vacuum cleft identified: yes", {IVC: True}),
    ],
)
def test_a_fields_question_verb_is_no_answer(reader, text, expected):
    # "present" in the label read as the finding stated, whatever the answer.
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The L1 cement has a cloud-like look.", {CEMENT: "spongy"}),
        ("Cement in L1 spreads in a cotton wool fashion.", {CEMENT: "spongy"}),
        ("A single blob of cement fills the L1 body.", {CEMENT: "blocky"}),
        # A leak is no distribution, whatever its shape.
        ("A small blob of cement has leaked into the L1/2 disc.", {}),
    ],
)
def test_cloud_cotton_wool_and_blob_name_cement_patterns(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cement at L1 inter digitated through the body.", {CEMENT: "spongy"}),
        ("Oedema of the thoraco lumbar fascia at L1.", {OEDEMA: True}),
        ("No intra vertebral cleft.", {IVC: False}),
    ],
)
def test_a_key_word_dictated_in_two_is_read_as_one(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vacuum cleft N; fascial oedema Y", {IVC: False, OEDEMA: True}),
        ("L1: cleft Y, TLF oedema N", {IVC: True, OEDEMA: False}),
    ],
)
def test_a_capital_y_or_n_closing_a_list_item_answers_it(reader, text, expected):
    # Left there, the "N" let the noun alone read as the finding stated.
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    ["Lumbodorsal fascia: nil.", "TLF negative.", "Posterior fascia absent; cleft Y"],
)
def test_the_fascia_answered_nil_or_absent_has_no_oedema(reader, text):
    assert firm(reader, text)[OEDEMA] is False


def test_a_dictation_slip_of_the_fascia_reads_normal_as_well(reader):
    assert firm(reader, "Lumbodorsal fashion normal.") == {OEDEMA: False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goutallier three at L four-five.", {GOUTALLIER: 3}),
        ("Goutallier three at L two three.", {}),
        ("Gas cleft in the body of L one.", {IVC: True}),
        ("Gas cleft in the body of T eleven.", {}),
    ],
)
def test_a_level_dictated_in_words_is_that_level(reader, text, expected):
    assert firm(reader, text) == expected


# --- rules 2.11.0: the thirteenth blind round's wording (precision) -------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Goutallier 4 fatty atrophy of the left semitendinosus.",
        "Quadriceps and adductors: Goutallier grade 2.",
    ],
)
def test_a_goutallier_grade_of_a_thigh_muscle_is_no_paraspinal_grade(reader, text):
    assert firm(reader, text) == {}


def test_ivc_beside_a_catheter_or_cannula_is_the_vena_cava(reader):
    assert firm(reader, "A small bubble of gas in the IVC after the femoral vein catheter.") == {}


def test_a_finding_favoured_at_a_level_is_a_hedge(reader):
    assert firm(reader, "Goutallier grade 2 favoured at L4/5 on the T1 axials.") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goutallier 2 fatty change at L5/S1.", {}),
        ("Goutallier 2 fatty change at L4/5.", {GOUTALLIER: 2}),
    ],
)
def test_a_grade_placed_by_its_description_at_a_level_is_that_levels(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("| Posterior fascial oedema | T8-T9 | Yes |", {}),
        ("| Vacuum cleft | L1 | Yes |", {IVC: True}),
        ("| Goutallier | L4/5 | 3 |", {GOUTALLIER: 3}),
    ],
)
def test_a_table_rows_level_column_places_its_answer(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The thoracolumbar fascial oedema may partly reflect poor fat saturation.",
        "Fascial oedema at L1, perhaps partly artefactual.",
    ],
)
def test_a_finding_the_sentence_puts_down_to_artefact_is_in_doubt(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.11.0: the thirteenth blind round's wording (recall) -----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Bright signal on fat-saturated STIR sequences along the lumbodorsal fascia.",
            {OEDEMA: True},
        ),
        (
            "Increased signal on fat-suppressed images within the thoracolumbar fascia at L1.",
            {OEDEMA: True},
        ),
        # The fat of the subcutis beside the fascia is still no fascia.
        ("High signal in the subcutaneous fat above the thoracolumbar fascia.", {}),
    ],
)
def test_a_fat_suppressed_sequence_is_no_fat_between_signal_and_fascia(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The multifidus is normal; there is oedema along the overlying lumbodorsal fascia.",
            {OEDEMA: True},
        ),
        # Oedema overlying the fascia lies superficial to it.
        ("Subcutaneous oedema overlying the lumbodorsal fascia at L1.", {}),
    ],
)
def test_the_overlying_fascia_is_the_fascia_itself(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The L4/5 erector spinae are mostly replaced by fat.", {GOUTALLIER: 4}),
        ("Paraspinal muscles at L4/5 completely replaced by fat.", {GOUTALLIER: 4}),
        ("In the L4/5 multifidi muscle outweighs fat.", {GOUTALLIER: 2}),
        # Partly replaced: grade 1, 2 or 3; no grade is stated.
        ("The L4/5 multifidus is partly replaced by fat.", {}),
    ],
)
def test_goutallier_definitions_in_other_words(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goutallier grade 2/2 in the L4/5 paraspinal muscles.", {GOUTALLIER: 2}),
        ("L4/5 erector spinae: Goutallier III/3.", {GOUTALLIER: 3}),
        # Two grades apart are a range or a split no side names: unknown.
        ("Goutallier 1/2 in the L4/5 multifidus.", {}),
    ],
)
def test_the_same_goutallier_grade_twice_across_a_slash_is_that_grade(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Paraspinals L4/5 - ES: Goutallier 1; MF: Goutallier 2.", {GOUTALLIER: 2}),
        ("L4/5 multifidus: fat = muscle; erector spinae: fat < muscle.", {GOUTALLIER: 3}),
        # The same muscle graded twice, differently: the grades disagree.
        ("L4/5 multifidus: Goutallier 1; multifidus: Goutallier 3.", {}),
    ],
)
def test_fields_each_grading_a_muscle_of_their_own_take_the_worse(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Beside another muscle, a grade counts only after a paraspinal muscle's name.
        ("L4/5: psoas Goutallier 1, MF Goutallier 2.", {GOUTALLIER: 2}),
        # Far from the muscles' fat, MF is something else (myelofibrosis).
        ("Known MF, grade 2 on marrow biopsy.", {}),
    ],
)
def test_mf_and_es_are_the_paraspinal_muscles_only_beside_muscle_fat(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Intravertebral cleft: unknown",
        "Thoracolumbar fascia oedema: see conclusion.",
        "Vacuum cleft: deferred to MRI",
        "Fascia oedema: not done",
        "Cleft (L1): limited study",
    ],
)
def test_a_field_answered_with_no_answer_states_nothing(reader, text):
    # Read as text, the field's name alone seemed a finding stated.
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The intravertebral cleft is not visible.", {IVC: False}),
        ("Posterior fascial oedema is not discernible.", {OEDEMA: False}),
        ("Vacuum cleft excluded on CT.", {IVC: False}),
        ("Thoracolumbar fascia oedema has been excluded.", {OEDEMA: False}),
    ],
)
def test_a_denial_after_the_finding_in_other_words_denies_it(reader, text, expected):
    # Each of these read as present before: the denial after the noun went unread.
    assert firm(reader, text) == expected


def test_a_tilde_before_a_grade_is_a_hedge_on_it(reader):
    assert firm(reader, "Goutallier ~2 at L4/5.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "No abnormal signal in the thoracolumbar fascia.",
        "The posterior fascia shows no abnormal signal.",
    ],
)
def test_no_abnormal_signal_of_the_fascia_denies_its_oedema(reader, text):
    # The lexicon's "no abnormal" takes in the first word of "abnormal signal": read as present.
    assert firm(reader, text) == {OEDEMA: False}


@pytest.mark.parametrize(
    "text",
    [
        "Thoracolumbar fascial oedema has not been excluded.",
        "An intravertebral cleft has not been ruled out.",
    ],
)
def test_a_finding_not_yet_excluded_is_in_doubt(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.12.0: probes in our own words (precision) ---------------------------------------


@pytest.mark.parametrize("text", ["IVC (+/-)", "Fascial oedema (±)."])
def test_plus_minus_in_brackets_is_a_doubt(reader, text):
    # "(+/-)" read as "(+)": present.
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Findings are suggestive of, but not diagnostic for, an intravertebral cleft at L1.",
        "The appearance is not diagnostic for fascial oedema.",
    ],
)
def test_not_diagnostic_for_a_finding_is_a_doubt(reader, text):
    # The first read as present, the second as absent.
    assert firm(reader, text) == {}


def test_cement_that_failed_to_interdigitate_is_blocky(reader):
    # Read as spongy: the word "interdigitate" alone.
    assert firm(reader, "Cement failed to interdigitate.") == {CEMENT: "blocky"}


def test_interdigitation_at_a_level_said_to_be_suboptimal_states_no_pattern(reader):
    # Read as spongy: the degree after the level went unread.
    assert firm(reader, "Cement interdigitation at L1 is suboptimal.") == {}


@pytest.mark.parametrize(
    "text",
    ["Radiographs are insensitive for a vacuum cleft.", "A vacuum cleft can be missed on MRI."],
)
def test_what_a_modality_may_miss_is_a_general_statement(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_marked_as_a_dictation_error_is_in_doubt(reader):
    assert firm(reader, "Cleft at L1 (dictation error, disregard).") == {}


@pytest.mark.parametrize("text", ["Fascial oedema score 0/3.", "Cleft size: 0 mm."])
def test_a_zero_score_or_size_states_no_finding(reader, text):
    # Read as present: the finding's name with a number after it.
    assert firm(reader, text) == {}


def test_a_normal_fascia_with_an_exception_after_it_is_not_denied(reader):
    # Read as absent: "normal" went to the fascia and the exception was a clause of its own.
    assert firm(reader, "The fascia is unremarkable except for mild oedema.") == {}


@pytest.mark.parametrize(
    "text", ["A cleft in the superior adjacent body.", "Cleft in the upper adjacent vertebra."]
)
def test_a_finding_in_the_adjacent_body_named_by_its_side_is_elsewhere(reader, text):
    # Read as present at the treated level: only "the adjacent vertebra" was elsewhere.
    assert firm(reader, text) == {}


# --- rules 2.12.0: the fourteenth blind round's wording (precision) ---------------------------


def test_a_zero_measurement_states_no_finding(reader):
    assert firm(reader, "Cleft measurement: 0 mm.") == {}


def test_a_finding_said_to_be_linked_to_an_outcome_is_a_general_statement(reader):
    text = "Posterior fascia oedema has been linked to residual back pain after PVP."
    assert firm(reader, text) == {}


def test_not_present_any_before_the_finding_denies_it(reader):
    # Word order of a non-native writer; read as present.
    assert firm(reader, "Inside the L1 body is not present any cleft.") == {IVC: False}


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema at T11-T12 without extension to L1.",
        "Fascial oedema at T11-T12 without involvement of L1.",
    ],
)
def test_a_finding_at_other_levels_without_extension_to_the_treated_one_is_absent_there(
    reader, text
):
    # Read as present: the treated level named after "without extension to" seemed its own.
    assert firm(reader, text) == {OEDEMA: False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oedema of the thoracolumbar fascia, not at the treated level but at L4.", {}),
        ("Oedema of the thoracolumbar fascia, not at L1 but at L4.", {OEDEMA: False}),
    ],
)
def test_a_contrast_that_sets_only_another_place_against_the_finding_places_it(
    reader, text, expected
):
    # Read as present at the treated level: "but" seemed to open something else, so the
    # finding named no level of its own.
    assert firm(reader, text) == expected


def test_a_procedure_performed_for_a_finding_does_not_state_it_now(reader):
    assert firm(reader, "Vertebroplasty was performed for a cleft.") == {}


def test_a_finding_discussed_at_a_meeting_is_not_stated_by_the_study(reader):
    text = "Features of a cleft were discussed at MDT but are not evident on this study."
    assert firm(reader, text) == {}


@pytest.mark.parametrize("text", ["Cleft is not significant.", "Fascial oedema: not significant."])
def test_a_finding_said_to_be_not_significant_is_neither_present_nor_absent(reader, text):
    # The first read as absent, the second as present: "not significant" admits some.
    assert firm(reader, text) == {}


# --- rules 2.13.0: which level a sentence is about, from its context ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "Acute compression fracture of L2. It contains an intravertebral cleft.",
        "Old wedge deformity of T10. A fluid cleft is present within it.",
        "Healed T11 fracture. The fractured vertebra shows a gas cleft.",
    ],
)
def test_a_sentence_referring_to_another_level_named_before_it_is_about_that_level(reader, text):
    assert firm(reader, text) == {}


def test_a_sentence_referring_to_the_treated_level_named_before_it_is_read(reader):
    assert firm(reader, "Acute L1 fracture. It contains a vacuum cleft.") == {IVC: True}


def test_a_sentence_naming_no_level_and_not_referring_back_is_the_treated_levels(reader):
    assert firm(reader, "Chronic T12 fracture. No change. There is fascial oedema.") == {
        OEDEMA: True
    }


@pytest.mark.parametrize(
    "text",
    [
        "Fractures of L1 and L3, the latter containing a vacuum cleft.",
        "Fractures at T12 and L1, the upper one with a cleft.",
        "Fractures of L1 and L2, the lower one with a vacuum cleft.",
        "Compression fractures at T11 and L1, one of which has a fluid cleft.",
        "Fractures of T12 and L1; the older one contains a cleft.",
    ],
)
def test_a_finding_given_to_another_of_the_levels_named_is_not_the_treated_levels(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Fractures of T12 and L1; cleft in the latter.",
        "Fractures at T12 and L1, the lower one with a cleft.",
    ],
)
def test_a_finding_given_to_the_treated_one_of_the_levels_named_is_read(reader, text):
    assert firm(reader, text) == {IVC: True}


def test_what_stands_under_a_heading_of_another_level_is_that_levels(reader):
    report = "T12:\nAcute fracture with an intravertebral cleft.\n\nL1:\nAcute fracture. No cleft."
    assert firm(reader, report) == {IVC: False}


def test_a_list_under_a_heading_of_another_level_is_that_levels(reader):
    report = "T12 level:\n- acute fracture\n- vacuum cleft present\nL1 level:\n- acute fracture"
    assert firm(reader, report) == {}


def test_what_stands_under_a_heading_of_the_treated_level_is_read(reader):
    assert firm(reader, "L1 (treated):\nvacuum cleft present") == {IVC: True}


def test_the_sentences_of_a_line_labelled_with_another_level_are_that_levels(reader):
    report = "Findings at T12: acute fracture. There is a vacuum cleft.\nL1: acute fracture."
    assert firm(reader, report) == {}


def test_a_heading_of_a_disc_level_does_not_place_the_fascia(reader):
    # "L4/5:" heads what is said of a segment, not of one vertebral body.
    report = "L4/5: facet joint effusions. The thoracolumbar fascia is normal."
    assert firm(reader, report) == {OEDEMA: False}


# --- rules 2.13.0: probes in our own words (precision) ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A vacuum cleft could not be identified in L1.",
        "Oedema of the thoracolumbar fascia cannot be seen.",
        "An intravertebral cleft couldn't be demonstrated.",
    ],
)
def test_a_finding_that_could_not_be_seen_is_absent(reader, text):
    assert list(firm(reader, text).values()) == [False]


@pytest.mark.parametrize(
    "text",
    [
        "A fluid cleft in L1 can't be excluded.",
        "Thoracolumbar fascia oedema isn't excluded.",
        "Could not confirm a cleft in L1.",
    ],
)
def test_an_exclusion_or_confirmation_that_cannot_be_made_is_a_doubt(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Gas cleft in L1, to be confirmed on CT.",
        "Fascial oedema posterior to L1, not sure.",
        "The cleft in L1 is not definite.",
    ],
)
def test_a_doubt_written_after_the_finding_is_a_doubt(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "According to the outside report, the L1 body contains a vacuum cleft.",
        "Per the spinal team, there is fascial oedema at L1.",
        "The surgeon believes there is a fluid cleft in L1.",
        "Per the procedure note, the cement is spongy.",
    ],
)
def test_what_someone_else_or_another_document_says_is_not_stated_by_the_study(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_not_seen_any_more_is_resolved_not_absent(reader):
    assert firm(reader, "The L1 fluid cleft is not seen anymore.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "No reduction in the thoracolumbar fascia oedema since the prior study.",
        "Nil change in the L1 gas cleft.",
    ],
)
def test_no_reduction_of_a_finding_is_its_persistence(reader, text):
    assert list(firm(reader, text).values()) == [True]


def test_a_finding_excepted_from_a_denial_is_present(reader):
    text = "No abnormality other than the gas cleft in L1."
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Non-enhancing fluid cleft in L1.", {IVC: True}),
        ("Non-traumatic oedema of the thoracolumbar fascia.", {OEDEMA: True}),
        ("Non-oedematous thoracolumbar fascia.", {OEDEMA: False}),
    ],
)
def test_non_before_a_descriptor_does_not_deny_the_finding(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cleft: no evidence", {IVC: False}),
        ("Fascial oedema: NAD", {OEDEMA: False}),
        ("Cleft: see CT", {}),
        ("TLF oedema: borderline", {}),
    ],
)
def test_more_answers_of_a_label_value_line_are_read(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "CI: fluid cleft L1.",
        "Clin info: TLF oedema at L1.",
        "Working diagnosis: Kummell cleft of L1.",
    ],
)
def test_a_finding_under_an_abbreviated_clinical_label_is_not_the_studys(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Gas cleft in the L 3 vertebral body.",
        "Oedema of the thoracolumbar fascia at T 12.",
        "Fluid cleft in lumbar vertebra 2.",
    ],
)
def test_a_level_written_with_a_space_or_in_words_is_a_level(reader, text):
    assert firm(reader, text) == {}


def test_a_letter_for_the_left_side_beside_one_for_the_right_is_no_level(reader):
    assert firm(reader, "Goutallier L4/5: R 2, L 3.") == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    "text",
    [
        "Fluid cleft in the cranial neighbour of the fractured vertebra.",
        "Gas cleft in the untreated vertebra.",
        "Fascial oedema at the level immediately caudad.",
    ],
)
def test_another_vertebra_described_without_its_name_is_elsewhere(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thoracolumbar fascia oedema, sparing L1.", {OEDEMA: False}),
        ("Clefts in every fractured vertebra except L1.", {IVC: False}),
        ("Normal marrow except at L1, where there is a fluid cleft.", {IVC: True}),
    ],
)
def test_the_treated_level_as_the_exception_after_a_finding_denies_it_there(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Gas cleft in the neural arch of L1.",
        "Fluid cleft across the inferior articular process of L1.",
    ],
)
def test_a_cleft_in_the_posterior_elements_is_not_in_the_body(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    ["The IVC measures 2 cm at the L1 level.", "Dilated IVC at L1.", "IVC – normal."],
)
def test_the_vena_cava_by_what_is_said_of_it_is_no_cleft(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema around the right kidney at L1.",
        "Oedema of the retroperitoneal fascia anterior to L1.",
    ],
)
def test_oedema_of_another_fascia_is_not_the_posterior_fascias(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "A fluid cleft, where present, is filled first.",
        "Fluid cleft in L1 - please review.",
    ],
)
def test_a_finding_in_a_condition_or_a_request_is_not_stated(reader, text):
    assert firm(reader, text) == {}


def test_a_table_header_row_names_columns_not_findings(reader):
    assert firm(reader, "Level | Intravertebral cleft | Fascial oedema") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Goutallier grade >2 at L4/5.",
        "Goutallier grade 3 at least, at L4/5.",
        "No worse than Goutallier 2 at L4/5.",
        "Goutallier 3 or so at L4/5.",
        "Paraspinal fatty infiltration at L4/5: grade 2 of 3.",
    ],
)
def test_a_grade_given_as_a_bound_or_on_another_scale_is_no_grade(reader, text):
    assert firm(reader, text) == {}


def test_an_arrow_before_a_grade_is_no_bound(reader):
    assert firm(reader, "Paraspinals at L4/5 half fat, half muscle -> Goutallier 3.") == {
        GOUTALLIER: 3
    }


@pytest.mark.parametrize(
    "text",
    [
        "Grade 2 fatty infiltration of the liver.",
        "Grade 1 strain of the right erector spinae.",
        "Fatty infiltration grade 3 of the latissimus dorsi.",
    ],
)
def test_a_grade_of_another_organ_muscle_or_injury_is_no_goutallier_grade(reader, text):
    assert firm(reader, text) == {}


def test_a_grade_for_muscles_beside_the_fracture_is_not_for_l4_5(reader):
    assert firm(reader, "Goutallier 3 paraspinals overlying the fracture.") == {}


def test_a_level_in_brackets_after_a_grades_description_is_its_level(reader):
    assert firm(reader, "Multifidus: grade 3 fatty infiltration (L3/4).") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Cement in the left acetabulum is solid and compact.",
        "Trabecular cement around the pedicle screws.",
        "A solid cement column remains within the pedicle.",
        "Cemented femoral stem with a solid cement mantle.",
    ],
)
def test_cement_in_another_bone_or_device_says_nothing_of_the_vertebral_body(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The cement is expected to appear spongy.",
        "Cement may appear blocky on follow-up films.",
    ],
)
def test_an_expected_cement_pattern_is_not_stated(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Goutallier grade 3 is typical in elderly women.",
        "Goutallier grade 2 is common among women of this age.",
    ],
)
def test_a_finding_said_to_be_typical_or_common_is_a_general_statement(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Pertinent negatives: vacuum cleft, thoracolumbar fascia oedema.",
        "Excluded: intravertebral cleft; thoracolumbar fascia oedema.",
    ],
)
def test_every_item_of_a_list_of_negatives_is_absent(reader, text):
    assert firm(reader, text) == {IVC: False, OEDEMA: False}


@pytest.mark.parametrize(
    "text",
    [
        "Cannot be sure there is no fluid cleft in L1.",
        "No comment can be made about the thoracolumbar fascia oedema.",
        "MRI without STIR is not sensitive for oedema of the thoracolumbar fascia.",
    ],
)
def test_what_the_study_cannot_tell_is_not_denied(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.13.0: a second round of probes (false "present" in realistic wording) ----------


def test_a_finding_opened_by_with_belongs_to_the_fracture_it_is_with(reader):
    assert firm(reader, "Acute L1 fracture and old T11 fracture with a fluid cleft.") == {}


def test_a_finding_with_the_treated_levels_fracture_is_read(reader):
    assert firm(reader, "Acute L1 fracture with a fluid cleft and old T11 fracture.") == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema of both flanks in keeping with fluid overload.",
        "Fascial oedema around the left hip.",
    ],
)
def test_fascial_oedema_elsewhere_in_the_body_is_not_the_posterior_fascias(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    ["A vacuum cleft may develop at L1.", "Watch for cleft formation at L1 on follow-up."],
)
def test_a_finding_that_may_develop_or_is_to_be_watched_for_is_not_stated(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Status post L1 vertebroplasty for an intravertebral cleft.",
        "Preoperative diagnosis: L1 fracture with a vacuum cleft.",
    ],
)
def test_the_procedures_reason_is_not_a_finding_of_the_study(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize("text", ["L1 had a fluid cleft.", "Baseline MRI: fluid cleft in L1."])
def test_what_a_vertebra_had_or_a_baseline_study_showed_is_not_current(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Spondylolytic defects with a fluid cleft.",
        "Gas within the L1 vertebral body introduced at biopsy.",
    ],
)
def test_a_cleft_in_a_pars_defect_or_gas_from_a_biopsy_is_no_intravertebral_cleft(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_below_the_level_of_the_fracture_is_elsewhere(reader):
    assert firm(reader, "Fascial oedema below the level of the fracture.") == {}


def test_a_study_nondiagnostic_for_a_finding_states_nothing_of_it(reader):
    assert firm(reader, "Nondiagnostic for an intravertebral cleft.") == {}


def test_a_finding_named_instead_of_another_is_absent(reader):
    assert firm(reader, "Marrow oedema instead of a cleft in L1.") == {IVC: False}


@pytest.mark.parametrize(
    "text", ["The cement mass reaches both endplates.", "A 3 ml cement bolus was injected."]
)
def test_a_cement_mass_or_bolus_alone_states_no_pattern(reader, text):
    assert firm(reader, text) == {}


def test_a_well_circumscribed_cement_mass_is_blocky(reader):
    assert firm(reader, "A well-circumscribed cement mass fills the centre of L1.") == {
        CEMENT: "blocky"
    }


def test_a_structure_named_by_another_findings_name_is_that_findings(reader):
    # "fascia" in "oedema of the thoracolumbar fascia" does not make the cleft a fascia's.
    text = "No intravertebral cleft or oedema of the thoracolumbar fascia."
    assert firm(reader, text) == {IVC: False, OEDEMA: False}


def test_a_long_row_of_cells_with_a_value_at_its_end_is_read_as_a_row(reader):
    # Read as one pattern, the cells and the wide spaces between them made the header-row check
    # backtrack for hours on a line like this; it is a row with a value, not a header.
    row = "Level" + "  fluid cleft" * 40 + "  1"
    assert firm(reader, row) == {IVC: True}


# --- rules 2.14.0: a fourth round of probes (text as an EHR sends it) -----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cleft isn't seen.", {IVC: False}),
        ("Fascial oedema wasn’t identified at L1.", {OEDEMA: False}),
    ],
)
def test_a_verb_and_not_written_as_one_deny_the_finding(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text", ["FLUID CLEFT IN L1 CANNOT BE EXCLUDED.", "Fluid cleft in L1 CAN'T BE EXCLUDED."]
)
def test_a_hedge_typed_in_capitals_is_a_hedge(reader, text):
    # Not split into "can" and "not", "CANNOT" left "EXCLUDED" to read as a denial.
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("THERE IS NO\nINTRAVERTEBRAL CLEFT.", {IVC: False}),
        ("There is no\nTLF oedema.", {OEDEMA: False}),
        ("POSSIBLE\nTHORACOLUMBAR FASCIA OEDEMA.", {}),
        ("Goutallier 2-\n3 at L4/5.", {}),
    ],
)
def test_a_line_broken_where_no_sentence_can_end_goes_on_on_the_next(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_field_answered_no_ends_its_line(reader):
    assert firm(reader, "Cleft: no\nTLF oedema: yes") == {IVC: False, OEDEMA: True}


def test_a_grade_given_as_an_approximation_is_no_grade(reader):
    assert firm(reader, "Goutallier grade 2-ish at L4/5.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Intravertebral clefts may be occult on supine MRI.",
        "Fascial oedema may be subtle on non-fat-suppressed sequences.",
        "Oedema of the thoracolumbar fascia may accompany acute fractures.",
    ],
)
def test_what_a_finding_may_be_or_do_in_general_is_not_stated(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Supine CT may show a vacuum cleft.",
        "A cleft not seen on this study may become apparent on standing films.",
    ],
)
def test_what_another_study_may_show_is_a_hedge(reader, text):
    assert firm(reader, text) == {}


def test_a_general_remark_between_semicolons_is_not_about_the_level_named_after_it(reader):
    text = "Intravertebral gas can be difficult to see on MRI; none is present within L1."
    assert IVC not in firm(reader, text)


def test_a_finding_at_the_level_that_may_explain_the_pain_is_stated(reader):
    # A hedge on what the finding causes does not hedge the finding.
    assert firm(reader, "The L1 cleft may explain the pain.") == {IVC: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Intravertebral cleft ✗", {IVC: False}),
        ("✘ TLF oedema", {OEDEMA: False}),
        ("Thoracolumbar fascia oedema ........ ✗ (see STIR)", {OEDEMA: False}),
        ("Cleft: Ø", {IVC: False}),
    ],
)
def test_a_cross_beside_an_item_answers_it_no(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_letter_x_as_an_answer_is_no_answer(reader):
    # An "x" ticks a box as often as it crosses one out.
    assert firm(reader, "Intravertebral cleft: x") == {}


def test_fields_set_apart_by_wide_space_are_answered_one_by_one(reader):
    assert firm(reader, "Cleft: N   TLF oedema: Y") == {IVC: False, OEDEMA: True}


def test_a_slash_after_an_items_answer_ends_the_item(reader):
    assert firm(reader, "Cleft absent / TLF oedema present") == {IVC: False, OEDEMA: True}


def test_a_choice_of_answers_between_slashes_is_unanswered(reader):
    assert firm(reader, "Cleft: yes / no") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Negative for:\n- intravertebral cleft\n- fascial oedema",
        "Absent:\n• cleft\n• TLF oedema",
    ],
)
def test_the_items_of_a_list_of_negatives_one_a_line_are_absent(reader, text):
    assert firm(reader, text) == {IVC: False, OEDEMA: False}


def test_a_list_of_negatives_ends_with_its_items(reader):
    text = "Absent:\n• cleft\nGoutallier 2 at L4/5."
    assert firm(reader, text) == {IVC: False, GOUTALLIER: 2}


@pytest.mark.parametrize(
    "text",
    [
        "CT 03/2021: intravertebral vacuum cleft at L1.",
        "Post-op radiograph 06/2022 - cement blocky at L1.",
    ],
)
def test_a_line_labelled_with_a_dated_study_is_that_studys(reader, text):
    assert firm(reader, text) == {}


def test_a_study_labelled_with_a_day_and_month_alone_may_be_the_one_reported(reader):
    # A ward note's "MRI 20/10:" is as likely the study the note is about.
    assert firm(reader, "MRI 20/10: cleft in L1.") == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Referrer queries intravertebral cleft at L1.",
        "According to the referral, there is thoracolumbar fascia oedema.",
        "Referral states Goutallier 2 at L4/5.",
        "Surgeon's operation note describes blocky cement.",
    ],
)
def test_what_the_referral_or_another_note_says_is_not_the_studys_finding(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Radiology report from 2021 states fascial oedema at L1.",
        "Text below copied from MRI 01/2022: no fascial oedema.",
    ],
)
def test_a_report_of_another_year_or_text_copied_from_one_is_not_current(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_said_to_be_at_another_level_than_described_is_not_the_levels(reader):
    assert firm(reader, "ADDENDUM: the cleft described at L1 is actually at L2.") == {}


def test_a_finding_described_at_the_level_on_this_study_is_stated(reader):
    assert firm(reader, "Cleft described at L1 on the sagittal images.") == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Paraspinal fatty infiltration has progressed since 2020 (previously Goutallier 1).",
        "Paraspinal fat has increased since the last study (was Goutallier 2).",
    ],
)
def test_a_grade_of_before_beside_a_change_since_is_not_the_grade_now(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Paraspinal muscles at the fractured L1 level show Goutallier grade 2 fatty infiltration.",
        "Paraspinal muscles around the L1 fracture are Goutallier 2.",
    ],
)
def test_a_grade_of_the_muscles_by_the_fracture_is_not_the_graded_segments(reader, text):
    assert firm(reader, text) == {}


def test_a_grade_in_a_list_beside_the_fracture_is_the_muscles(reader):
    # The fracture's level names where the other findings are, not the muscles' segment.
    text = "L1 fracture with cleft, TLF oedema, Goutallier 3."
    assert firm(reader, text) == {IVC: True, OEDEMA: True, GOUTALLIER: 3}


def test_cement_outside_the_body_by_its_place_is_no_pattern(reader):
    assert firm(reader, "A small blob of cement anterior to the L1 vertebral body.") == {}


def test_fields_between_commas_are_answered_one_by_one(reader):
    assert firm(reader, "IVC - N, TLF oedema - Y") == {IVC: False, OEDEMA: True}


def test_numbered_options_between_commas_stay_one_field(reader):
    # "0: no, 1: no, 2: yes" are the options of one field, not fields of their own.
    text = "Goutallier grade at L4/5 - 0: no, 1: no, 2: yes, 3: no, 4: no"
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "If there is no cleft, cement will interdigitate.",
        "Cement injected into the cleft will form a blocky pattern.",
    ],
)
def test_what_the_cement_will_do_is_not_what_it_did(reader, text):
    assert firm(reader, text) == {}


def test_cement_that_can_be_seen_to_interdigitate_does(reader):
    text = "The cement can be seen to interdigitate throughout L1."
    assert firm(reader, text) == {CEMENT: "spongy"}


def test_a_dated_previous_report_header_opens_a_quoted_report(reader):
    text = "Previous report 01/2022 (copied forward):\nOedema of the thoracolumbar fascia."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "An intravertebral vacuum cleft is a gas- or fluid-filled space within a fractured body.",
        "Fascial oedema is seen in a majority of acute osteoporotic fractures.",
    ],
)
def test_a_definition_or_a_share_of_patients_is_a_general_statement(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_said_to_be_present_in_the_body_is_stated(reader):
    assert firm(reader, "A cleft is present in the fractured body.") == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Teaching point: fascial oedema supports an acute fracture.",
        "Figure 2 shows a typical intravertebral vacuum cleft.",
        "Per protocol, document any intravertebral cleft.",
        "The radiographer queried a cleft at L1.",
        "The intervention report states that the cement was spongy.",
        "Plan: repeat MRI in 6 weeks to reassess fascial oedema.",
    ],
)
def test_teaching_protocol_queries_and_plans_state_no_finding(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema has subsided.",
        "The intravertebral cleft has been obliterated by cement.",
        "No more fascial oedema.",
    ],
)
def test_a_finding_gone_by_other_words_than_resolved_is_not_current(reader, text):
    # Resolved is unknown, not absent (corpus labelling rules).
    assert firm(reader, text) == {}


def test_a_denial_after_and_goes_with_the_subject_before_it(reader):
    assert firm(reader, "Intravertebral cleft was sought and is absent.") == {IVC: False}


@pytest.mark.parametrize(
    "text",
    [
        "IVC 0, TLF oedema 0.",
        "Fascial oedema: 0/3 levels.",
        "Fascial oedema: not applicable (CT).",
        "Cleft: present (provisional)",
        "Not excluding a small intravertebral cleft.",
    ],
)
def test_a_zero_count_no_answer_or_a_provisional_one_is_not_firm(reader, text):
    assert firm(reader, text) == {}


def test_a_grade_of_zero_is_a_grade(reader):
    assert firm(reader, "Goutallier 0 at L4/5.") == {GOUTALLIER: 0}


def test_an_answer_placed_at_another_level_in_brackets_is_that_levels(reader):
    assert firm(reader, "Result: Intravertebral vacuum cleft - Present (T12)") == {}


# --- rules 2.14.0: a fifth round of probes (whole reports, post-op documents) ---------------


@pytest.mark.parametrize(
    "text",
    [
        "Small fluid cleft, although a fluid-filled fracture line could give a similar appearance.",
        "Fluid cleft; a fluid-filled fracture line is the main differential.",
        "Fluid cleft, which is difficult to distinguish from a fluid-filled fracture line.",
    ],
)
def test_a_finding_with_a_lookalike_it_cannot_be_told_from_is_in_doubt(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_told_apart_from_its_lookalike_is_stated(reader):
    assert firm(reader, "Fluid cleft in L1, distinct from the fracture line.") == {IVC: True}


@pytest.mark.parametrize("text", ["L5/S1: 4 (Goutallier).", "L4/5: 2; L5/S1: 3 (Goutallier)."])
def test_a_level_labelling_a_grade_before_the_eponym_is_the_grades(reader, text):
    assert GOUTALLIER not in firm(reader, text)


def test_the_graded_segment_labelling_a_grade_before_the_eponym_gives_it(reader):
    assert firm(reader, "L4/5: 3 (Goutallier).") == {GOUTALLIER: 3}


def test_a_finding_in_a_sentence_whose_assessment_is_limited_is_in_doubt(reader):
    text = "Cement appears to be predominantly blocky, but assessment is limited by bowel gas."
    assert firm(reader, text) == {}


def test_an_answer_from_a_provisional_report_is_in_doubt(reader):
    assert firm(reader, "Fascial oedema: present (provisional report)") == {}


def test_a_blank_with_its_reason_after_a_dash_is_a_blank(reader):
    assert firm(reader, "Fascial oedema: not applicable - pacemaker, MRI contraindicated") == {}


def test_a_blank_then_an_answer_is_the_answer(reader):
    assert firm(reader, "Cleft size (mm): n/a, none identified.") == {IVC: False}


def test_what_an_earlier_studys_report_described_is_not_this_studys(reader):
    text = "The immediate post-procedure CT report described a spongy cement pattern."
    assert firm(reader, text) == {}


def test_a_denial_of_anything_to_suggest_a_finding_denies_it(reader):
    assert firm(reader, "No features to suggest an intravertebral cleft.") == {IVC: False}


def test_no_evidence_to_suggest_the_absence_of_a_finding_denies_nothing(reader):
    text = "There is no evidence to suggest the absence of an intravertebral cleft."
    assert firm(reader, text) == {}


def test_a_figure_pointed_to_beside_a_finding_leaves_it_stated(reader):
    assert firm(reader, "Intravertebral cleft at L1 (figure 2).") == {IVC: True}


def test_a_figure_of_a_typical_finding_is_an_illustration(reader):
    assert firm(reader, "Figure 2 shows a typical intravertebral vacuum cleft.") == {}


def test_no_more_than_a_few_fatty_streaks_is_a_grade_not_a_resolution(reader):
    text = "No more than occasional fatty streaks at L4/5 (Goutallier grade 1)."
    assert firm(reader, text) == {GOUTALLIER: 1}


def test_cement_in_the_ivc_is_a_leak(reader):
    assert firm(reader, "Small blob of compact cement in the IVC.") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Edema of the fascia thoracolumbar is not evidenced.", {OEDEMA: False}),
        ("Is excluded the presence of intravertebral cleft.", {IVC: False}),
    ],
)
def test_denials_in_the_word_order_of_other_languages_deny(reader, text, expected):
    assert firm(reader, text) == expected


def test_what_a_finding_may_explain_does_not_hedge_the_finding(reader):
    text = "There is an intravertebral cleft at L1, which may explain the persistent pain."
    assert firm(reader, text) == {IVC: True}


def test_what_a_signal_may_be_is_still_a_hedge(reader):
    assert firm(reader, "Fluid signal at L1, which may be a cleft.") == {}


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        (date(2024, 6, 10), {CEMENT: "blocky"}),
        (date(2024, 9, 10), {}),
        (None, {}),
    ],
)
def test_a_dated_study_label_is_the_reports_own_only_within_a_month(reader, reported, expected):
    # "Radiograph 3 June 2024:" in a letter of June 2024 is the study the letter is about; in
    # September, or with no date to compare, it may be any earlier study.
    read = reader.read(["Radiograph 3 June 2024: cement in L1 is blocky."], L1, reported)
    assert {name: s.value for name, s in read.items() if s.value is not None} == expected


def test_a_date_that_reads_either_way_round_is_the_reports_only_both_ways(reader):
    # 02/06/2024 is 2 June or 6 February: in June, one reading is months before.
    read = reader.read(["Radiograph 02/06/2024: cement is spongy."], L1, date(2024, 6, 10))
    assert {name: s.value for name, s in read.items() if s.value is not None} == {}


@pytest.mark.parametrize(
    "text",
    [
        "Two fractures (T12 and L1); the upper of the two contains a fluid cleft.",
        "Of the two fractures, at T12 and L1, only the upper contains a vacuum cleft.",
    ],
)
def test_the_upper_of_two_levels_is_not_the_lower_one(reader, text):
    assert firm(reader, text) == {}


def test_the_lower_of_two_levels_is_the_lower_one(reader):
    text = "Of the two fractures, at T12 and L1, only the lower contains a vacuum cleft."
    assert firm(reader, text) == {IVC: True}


def test_the_reason_for_a_procedure_at_the_level_is_not_a_finding_now(reader):
    assert firm(reader, "Prior vertebroplasty at L1 for a fracture with a vacuum cleft.") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cleft: possible\nTLF oedema: yes", {OEDEMA: True}),
        ("Vacuum cleft? Possible\nFascial oedema? No", {OEDEMA: False}),
        ("Comparison: CT 2 May\nFINDINGS: cleft at L1.", {IVC: True}),
    ],
)
def test_a_line_before_a_label_or_a_field_answered_in_one_word_ends_there(reader, text, expected):
    # "possible" and "may" end no sentence, but they end a field's answer or a date; a label
    # on the next line opens its own field.
    assert firm(reader, text) == expected


# --- rules 2.15.0: which vertebra a statement is about; double negatives; who says it -------


def firm_at(reader, level: str, text: str) -> dict:
    """The findings the text states with a value at one treated level."""
    read = reader.read([text], frozenset({VertebralLevel(level)}))
    return {name: s.value for name, s in read.items() if s.value is not None}


@pytest.mark.parametrize("level", ["T11", "L2"])
def test_values_paired_with_levels_respectively_are_read_for_neither_level(reader, level):
    # The reader does not pair "with and without" with "T11 and L2"; read once for both
    # levels, the denial gave T11 a false "absent".
    text = "Fractures of T11 and L2, with and without a fluid cleft respectively."
    assert firm_at(reader, level, text) == {}


def test_the_former_and_the_latter_each_pick_the_values_after_them(reader):
    text = "Cement at T12 and L1, the former spongy, the latter blocky."
    assert firm_at(reader, "L1", text) == {CEMENT: "blocky"}
    assert firm_at(reader, "T12", text) != {CEMENT: "blocky"}


def test_the_former_cleft_is_the_cleft_before_not_a_level_picked(reader):
    assert firm(reader, "Solid cement fills the former cleft at L1.") == {CEMENT: "blocky"}


@pytest.mark.parametrize(
    "text",
    [
        "One of the two collapsed vertebrae has a gas cleft.",
        "Several thoracolumbar fractures, some with clefts.",
        "Fractures at L1 and L3: one contains a cleft, the other does not.",
    ],
)
def test_a_finding_of_one_or_some_of_several_vertebrae_is_not_the_treated_ones(reader, text):
    assert firm(reader, text) == {}


def test_a_level_set_against_another_by_unlike_is_not_the_findings(reader):
    text = "The L2 fracture, which unlike L1 contains a cleft, is the oldest."
    assert firm_at(reader, "L1", text) == {}
    assert firm_at(reader, "L2", text) == {IVC: True}


@pytest.mark.parametrize(("level", "expected"), [("L2", {IVC: True}), ("T12", {})])
def test_the_latter_picks_from_the_levels_the_sentence_before_named(reader, level, expected):
    text = "Fractures of T12 and L2. The latter contains a fluid cleft."
    assert firm_at(reader, level, text) == expected


@pytest.mark.parametrize(("level", "expected"), [("L2", {IVC: True}), ("L1", {})])
def test_a_level_named_after_a_pick_is_the_mentions(reader, level, expected):
    assert (
        firm_at(reader, level, "Of the two fractures the lower one (L2) has a cleft.") == expected
    )


@pytest.mark.parametrize(
    "text",
    [
        "The thoracolumbar fascia is not free of oedema.",
        "A vacuum cleft is not absent.",
        "The cleft cannot be said to be absent.",
        "There is no evidence against a cleft.",
    ],
)
def test_a_denial_denied_again_is_no_firm_value(reader, text):
    # Two negatives read as one gave "absent"; read as a plain "present" they would still be
    # a radiologist's way round a doubt. Unknown.
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The second reader disagrees with the cleft reported at L1.",
        "Dr Lee suspects a cleft.",
        "Mr Patel suspects fascial oedema.",
        "Goutallier 2 was given on the referral form.",
        "Gas cleft at L1 in the clinical details.",
    ],
)
def test_what_someone_suspects_disputes_or_wrote_on_the_request_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_denied_by_its_verb_alone_after_but_is_denied(reader):
    text = "Marrow oedema is present but fascial oedema is not."
    assert firm(reader, text) == {OEDEMA: False}


@pytest.mark.parametrize(("level", "expected"), [("T11", {IVC: True}), ("L1", {IVC: False})])
def test_none_at_another_level_does_not_deny_the_treated_levels_finding(reader, level, expected):
    assert firm_at(reader, level, "Cleft at T11, none at L1.") == expected


@pytest.mark.parametrize(("level", "expected"), [("T12", {OEDEMA: True}), ("L1", {OEDEMA: False})])
def test_a_field_answered_per_level_in_brackets_is_read_per_level(reader, level, expected):
    assert firm_at(reader, level, "Fascial oedema: T12 (yes), L1 (no).") == expected


@pytest.mark.parametrize(("level", "expected"), [("L1", {IVC: True}), ("T12", {})])
def test_what_brackets_after_a_level_say_is_that_levels(reader, level, expected):
    # T12's "without cleft" is T12's; L1's cleft is L1's. A denial in brackets reaches no
    # further than their end.
    text = "Fractures of T12 (old, without cleft) and L1 (acute, with a fluid cleft)."
    assert firm_at(reader, level, text) == expected


def test_a_comma_between_levels_in_brackets_does_not_end_a_denial(reader):
    text = "Neither collapsed body (T12, L1) contains an intravertebral cleft."
    assert firm(reader, text) == {IVC: False}


# --- rules 2.16.0: the third round's spent split (its wrong values as classes, our words) ----


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Is not seen the presence of a vacuum cleft.", {IVC: False}),
        ("Are not appreciated signs of oedema of the thoracolumbar fascia.", {OEDEMA: False}),
    ],
)
def test_a_denial_written_before_its_subject_denies_it(reader, text, expected):
    # Word order carried over from Italian or Spanish ("non si apprezza la presenza di ...").
    assert firm(reader, text) == expected


def test_known_case_of_is_history_not_a_finding_now(reader):
    assert firm(reader, "K/c/o Kummell's disease at L1, referred for cementation.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "A vacuum cleft is gas within a collapsed vertebral body.",
        "An intravertebral cleft signifies non-union of the fracture.",
        "A vacuum cleft implies osteonecrosis.",
    ],
)
def test_what_a_finding_is_or_means_in_general_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_what_this_patients_cleft_is_filled_with_is_no_definition(reader):
    # "fluid in signal" describes a cleft; "gas within a collapsed body" defines any cleft.
    assert firm(reader, "A small intravertebral cleft is fluid in signal.") == {IVC: True}


def test_what_a_finding_means_beside_a_level_stays_this_patients(reader):
    text = "An intravertebral cleft is seen at L1 and indicates non-union."
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Oedema of the lumbodorsal fascia is evaluated on fat-suppressed T2 images.",
        "Paraspinal fatty infiltration follows the Goutallier classification (grade 3: as much "
        "fat as muscle).",
    ],
)
def test_how_a_finding_is_assessed_or_graded_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_on_the_first_films_after_the_procedure_is_history(reader):
    # Read in a later report, "the initial post-procedure radiograph" is an earlier study.
    text = "The cement looked solid on the initial post-procedure radiograph."
    assert firm(reader, text) == {}


def test_a_line_ending_in_a_preposition_goes_on_before_a_capitalised_word(reader):
    # Wrapped at "on", "CT, would ..." is the same sentence, and "if confirmed" hedges it.
    text = (
        "Cement pattern unclear on this view. A solid cement pattern, if confirmed on\n"
        "CT, would favour further collapse."
    )
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vacuum cleft: nil seen.", {IVC: False}),
        ("Posterior fascia: no abnormality detected.", {OEDEMA: False}),
        ("No signal abnormality in the lumbodorsal fascia.", {OEDEMA: False}),
    ],
)
def test_nothing_abnormal_said_of_a_finding_or_its_fascia_is_absent(reader, text, expected):
    assert firm(reader, text) == expected


def test_an_intraosseous_vacuum_is_the_vertebral_bodys(reader):
    assert firm(reader, "No intraosseous vacuum at L1.") == {IVC: False}


def test_intraosseous_gas_in_another_bone_is_no_cleft(reader):
    assert firm(reader, "Intraosseous gas in the sacrum.") == {}


def test_cmt_beside_distribution_is_cement(reader):
    assert firm(reader, "Cmt distrib.: interdigitating.") == {CEMENT: "spongy"}


def test_cmt_alone_is_a_comment(reader):
    assert firm(reader, "Cmt: reviewed with the surgeon.") == {}


# --- rules 2.17.0: the seventeenth round (development data), its wrong values as classes ----


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("An intravertebral cleft is not seen on the MRI.", {IVC: False}),
        ("Vacuum cleft not identified on the CT.", {IVC: False}),
        ("Oedema of the thoracolumbar fascia is not seen on the scan.", {OEDEMA: False}),
    ],
)
def test_not_seen_on_the_study_being_reported_is_a_denial(reader, text, expected):
    # "on the MRI" names this study, not a prior one the finding was missing from.
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Interval development of a vacuum cleft in L1, not present on prior imaging.",
        "A fluid cleft in L1, not seen on the MRI of last spring, is now evident.",
    ],
)
def test_not_seen_on_a_prior_or_dated_study_leaves_the_finding_new(reader, text):
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gas cleft in the L1 body, which is not seen on this examination.", {IVC: False}),
        ("Oedema of the lumbodorsal fascia, which is absent on this study.", {OEDEMA: False}),
    ],
)
def test_a_denial_in_a_relative_clause_denies_its_antecedent(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The sagittal images were examined closely for an intravertebral cleft.",
        "Axial STIR was reviewed for oedema of the lumbodorsal fascia.",
    ],
)
def test_what_images_were_searched_for_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_a_hedge_after_the_grade_and_before_its_level_hedges_it(reader):
    assert firm(reader, "Goutallier 2 probably at L4-5, on the left.") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The posterior fascia does not present oedema.", {OEDEMA: False}),
        ("The fractured body did not present a vacuum cleft.", {IVC: False}),
    ],
)
def test_does_not_present_denies_what_follows(reader, text, expected):
    # "present" as the verb of non-native English ("no presenta"), not the finding present.
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The IVC is otherwise unremarkable.",
        "The IVC wall is smooth.",
    ],
)
def test_the_inferior_vena_cava_described_is_no_cleft(reader, text):
    assert firm(reader, text) == {}


def test_what_a_cement_pattern_denotes_in_general_is_no_finding(reader):
    text = (
        "In this department a spongy pattern denotes cement that interdigitates with and "
        "spreads through the trabecular bone."
    )
    assert firm(reader, text) == {}


def test_the_cement_pattern_of_this_patient_is_still_read(reader):
    assert firm(reader, "The cement in L1 shows a spongy pattern.") == {CEMENT: "spongy"}


@pytest.mark.parametrize(
    "text",
    [
        "Fractures at T12 and L1, the more severe of which contains a fluid cleft.",
        "Fractures at T12 and L1; the larger contains a fluid cleft.",
        "Fractures at T12 and L1; the more collapsed one contains a fluid cleft.",
    ],
)
def test_the_worse_of_two_fractures_does_not_say_which_level(reader, text):
    # Which fracture is more severe is not written: it may not be the treated one.
    assert firm(reader, text) == {}


def test_a_larger_fracture_named_by_its_level_keeps_its_finding(reader):
    assert firm(reader, "The larger L1 fracture contains a fluid cleft.") == {IVC: True}


# --- rules 2.17.0: the eighteenth round (development data) and probes in our own words -------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fascial oedema: no oedema.", {OEDEMA: False}),
        ("Vacuum cleft: No vacuum cleft is seen.", {IVC: False}),
        ("Intravertebral cleft: there is no cleft at L1.", {IVC: False}),
    ],
)
def test_a_fields_answer_denying_the_field_again_is_absent(reader, text, expected):
    # A macro's own sentence as the answer: the field's name is no finding stated beside it.
    assert firm(reader, text) == expected


def test_a_fields_answer_naming_something_else_leaves_the_field_to_its_own_words(reader):
    text = "Intravertebral cleft: No retropulsion; a cleft is present."
    assert firm(reader, text) == {IVC: True}


def test_a_pointer_elsewhere_with_words_between_is_no_answer(reader):
    assert firm(reader, "Intravertebral cleft: see cleft description above.") == {}


@pytest.mark.parametrize("text", ["Mild distention of the IVC.", "IVC dilatation noted."])
def test_a_distended_ivc_is_the_vena_cava(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema: previously present.",
        "Cleft: not on this study.",
        "Vacuum cleft: per report.",
    ],
)
def test_a_fields_answer_about_another_study_or_report_is_no_answer_now(reader, text):
    # What a prior study showed, or another report says, is not this study's finding.
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Paraspinal muscles: fatty atrophy at L5/S1, Goutallier grade 3.",
        "Fatty infiltration of L3/4, Goutallier 2.",
    ],
)
def test_a_grade_after_the_fat_placed_at_another_segment_is_that_segments(reader, text):
    # The study graded L4/5: a grade given for another segment says nothing of it.
    assert firm(reader, text) == {}


def test_a_grade_after_the_fat_placed_at_the_graded_segment_is_read(reader):
    assert firm(reader, "Fatty atrophy at L4/5, Goutallier grade 3.") == {GOUTALLIER: 3}


# --- rules 2.18.0: the twentieth round (development data) and probes in our own words --------


@pytest.mark.parametrize(
    "text",
    [
        "The cleft and the fascial oedema seen previously have resolved.",
        "Fascial oedema and a vacuum cleft noted on the last study have both gone.",
    ],
)
def test_two_findings_resolved_together_after_a_participle_are_not_present(reader, text):
    # "seen previously" describes the second noun; "have resolved" is the verb of both.
    assert firm(reader, text) == {}


def test_a_participle_after_and_with_a_verb_of_its_own_still_opens_a_clause(reader):
    text = "There is no retropulsion and a cleft seen beneath the endplate is present."
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Fluid signal in L1, likely due to a cleft.",
        "Gas in the L1 body, probably related to an intravertebral cleft.",
        "Paraspinal muscle oedema, possibly secondary to fascial oedema.",
    ],
)
def test_a_finding_named_as_the_likely_cause_is_hedged(reader, text):
    # "likely due to" doubts the cause it names: here the finding is that cause.
    assert firm(reader, text) == {}


def test_a_hedge_on_the_cause_of_a_finding_leaves_the_finding_firm(reader):
    assert firm(reader, "Fluid cleft in L1, likely due to osteonecrosis.") == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Disc vacuum at L5/S1. The paraspinal muscles at this level are Goutallier grade 3.",
        "Paraspinal muscles at the same level: Goutallier grade 2.",
        "Bulge at L3/4; at this level the multifidus is Goutallier 3.",
    ],
)
def test_a_grade_at_a_level_pointed_to_is_that_levels(reader, text):
    # "this level" is the level named before it (none: not known), not the graded L4/5.
    assert firm(reader, text) == {}


def test_a_grade_pointing_to_the_graded_segment_is_read(reader):
    text = "Facet arthropathy at L4/5. The paraspinal muscles at this level are Goutallier 3."
    assert firm(reader, text) == {GOUTALLIER: 3}


# --- rules 2.19.0: the twenty-first round (development data) and probes in our own words ----


def test_neither_nor_can_be_excluded_is_a_doubt_not_a_denial(reader):
    text = (
        "Neither an intravertebral cleft nor oedema of the fascia can be excluded given the motion."
    )
    assert firm(reader, text) == {}


def test_neither_nor_seen_is_still_a_denial_of_both(reader):
    text = "Neither a vacuum cleft nor fascial oedema is seen."
    assert firm(reader, text) == {IVC: False, OEDEMA: False}


@pytest.mark.parametrize(
    "text",
    [
        "A cleft is present in L1. It is probably a fracture line.",
        "Oedema along the thoracolumbar fascia at T12-L2. These appearances could be artefact.",
    ],
)
def test_a_sentence_offering_another_reading_doubts_the_sentence_before(reader, text):
    assert firm(reader, text) == {}


def test_a_sentence_giving_a_likely_cause_leaves_the_finding_before_it(reader):
    assert firm(reader, "A gas cleft is seen in L1. It is likely due to osteonecrosis.") == {
        IVC: True
    }


def test_a_finding_that_could_have_been_seen_on_another_study_is_not_stated(reader):
    text = "With contrast, fascial oedema could have been better characterised."
    assert firm(reader, text) == {}


def test_a_pattern_whose_assessment_beam_hardening_hampers_is_doubted(reader):
    text = (
        "Globular cement; evaluation of its interface with the bone is hampered by beam hardening."
    )
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The gas cleft which was reported on the earlier CT has since resolved.",
        "Fascial oedema which was present in January is no longer seen.",
    ],
)
def test_a_finding_resolved_after_a_relative_clause_about_its_past_is_not_present(reader, text):
    # The relative clause has its own verb; "has resolved" is said of the finding before it.
    assert firm(reader, text) == {}


def test_a_finding_new_since_a_prior_in_a_relative_clause_is_present(reader):
    text = "A fluid cleft which was not seen on the prior study is now evident in L1."
    assert firm(reader, text) == {IVC: True}


# --- rules 2.20.0: the twenty-second round (development data) and probes in our own words ---


def test_descriptors_offered_as_a_picklist_are_no_answer(reader):
    assert firm(reader, "Thoracolumbar fascia: normal/oedematous") == {}


def test_a_descriptor_phrase_as_the_answer_is_still_read(reader):
    assert firm(reader, "Posterior fascia: no oedema.") == {OEDEMA: False}


@pytest.mark.parametrize("text", ["Vacuum cleft ____", "Gas cleft n/a; wall intact."])
def test_a_blank_or_n_a_after_a_finding_is_not_assessed(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Fluid cleft at L1 on CT 2022.",
        "On the MRI of 4 March the multifidus at L4/5 was Goutallier grade 3.",
    ],
)
def test_a_finding_of_a_study_dated_in_the_text_is_history(reader, text):
    assert firm(reader, text) == {}


def test_a_pattern_expected_once_something_happens_is_supposed(reader):
    assert firm(reader, "A blocky pattern expected once the cleft is filled.") == {}


def test_neither_nor_ruled_out_is_a_doubt(reader):
    assert firm(reader, "Neither cleft nor fascial oedema ruled out.") == {}


def test_a_denial_and_an_exclusion_of_two_findings_each_deny_their_own(reader):
    assert firm(reader, "No cleft; fascial oedema excluded.") == {IVC: False, OEDEMA: False}


def test_a_row_of_fields_with_an_unanswered_last_one_is_read_field_by_field(reader):
    text = "Vacuum cleft: Y; fascial oedema: N; Goutallier: ***"
    assert firm(reader, text) == {IVC: True, OEDEMA: False}


def test_the_other_fractures_are_not_the_treated_one(reader):
    assert firm(reader, "The other fractures show clefts.") == {}


def test_the_lowest_of_the_levels_named_is_picked(reader):
    text = "Oedema of the marrow at T12, L1 and L2, with a cleft in the lowest of these."
    assert firm(reader, text) == {}


def test_an_ordinal_picks_the_level_named_in_that_place(reader):
    assert firm(reader, "Fractures at L1, L3 and L4; the second harbours a cleft.") == {}


def test_an_ordinal_picking_the_treated_level_reads_it(reader):
    text = "Fractures at T12, L1 and L3; the second has a cleft."
    assert firm(reader, text) == {IVC: True}


# --- rules 2.21.0: the twenty-third round (development data) and probes in our own words ---


@pytest.mark.parametrize(
    "text",
    ["Fluid signal similar to a cleft in L1.", "The band is reminiscent of a vacuum cleft."],
)
def test_what_looks_like_a_finding_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_as_above_points_to_what_was_said_there(reader):
    # "Cleft as above" in an impression says only what the sentence above said, at its level.
    text = "Fluid cleft in the T12 body. Impression: L1 fracture; cleft as above."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Oedema of the lumbodorsal fascia is not excludable.",
        "Linear T2-bright signal beneath the endplate, vacuum cleft considered.",
        "It cannot be excluded that the multifidus at L4/5 is Goutallier grade 4.",
        "It is not impossible that a cleft is forming in L1.",
    ],
)
def test_hedges_of_translated_and_regional_english_leave_the_finding_unknown(reader, text):
    assert firm(reader, text) == {}


def test_cement_forming_a_cast_of_the_cleft_states_no_cleft_now(reader):
    assert firm(reader, "Cement in L1 forms a cast of the gas cleft.") == {}


def test_a_cleft_filling_technique_is_no_cleft(reader):
    assert firm(reader, "A cleft-filling technique is planned for L1.") == {}


# --- rules 2.22.0: the twenty-fourth round (development data) and probes in our own words ---


def test_a_list_of_grades_by_segment_closed_by_the_eponym_is_not_its_last_grade(reader):
    assert firm(reader, "L3/4 grade 1, L4/5 grade 2, L5/S1 grade 4 (Goutallier).") == {}


def test_a_grade_that_could_be_is_hedged(reader):
    assert firm(reader, "The multifidus Goutallier grade could be 2 at L4/5.") == {}


def test_a_finding_left_to_the_final_report_is_not_stated(reader):
    text = "Preliminary: L1 fracture; see formal report for cleft assessment."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema equivocal; vacuum cleft equivocal.",
        "Altered signal of the lumbodorsal fascia, nonspecific.",
    ],
)
def test_equivocal_and_nonspecific_after_a_finding_are_hedges(reader, text):
    assert firm(reader, text) == {}


def test_a_table_row_answering_with_y_and_n_is_read_cell_by_cell(reader):
    assert firm(reader, "| L1 | 30% | TLF oedema N | cleft Y |") == {OEDEMA: False, IVC: True}


def test_a_table_row_of_another_level_says_nothing_of_the_treated_one(reader):
    assert firm(reader, "| T12 | 30% | TLF oedema N | cleft Y |") == {}


# --- rules 2.23.0: the twenty-fifth round (development data) and probes in our own words ----


def test_a_finding_answered_in_brackets_on_its_own_line_is_that_answer(reader):
    assert firm(reader, "Vacuum cleft (no).") == {IVC: False}


def test_what_is_worrying_for_a_finding_is_hedged(reader):
    assert firm(reader, "Appearances worrying for fascial oedema.") == {}


def test_a_cleft_now_filled_by_cement_is_not_a_cleft_now(reader):
    assert firm(reader, "After the procedure the gas cleft is filled.") == {}


def test_a_cleft_filled_with_fluid_is_present(reader):
    assert firm(reader, "The cleft in L1 is filled with fluid.") == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Before vertebroplasty the L1 body held a gas cleft.",
        "The thoracolumbar fascia was oedematous prior to the augmentation.",
    ],
)
def test_what_was_so_before_the_procedure_is_history(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The dorsal fascia oedema is questionable on STIR.",
        "Marrow oedema in L1, without a discrete cleft being convincingly seen.",
        "Fascial oedema can be neither confirmed nor excluded.",
        "The initial read called a cleft at L1.",
    ],
)
def test_questionable_unconvincing_unconfirmed_and_an_earlier_reads_call_are_doubts(reader, text):
    assert firm(reader, text) == {}


def test_a_pattern_anticipated_is_supposed(reader):
    text = "Given the gas cleft in L1, a solid cement pattern is anticipated."
    assert firm(reader, text) == {IVC: True}


def test_a_pattern_predicted_is_supposed(reader):
    assert firm(reader, "Cement predicted to be blocky.") == {}


def test_a_second_level_with_a_verb_of_its_own_starts_a_new_clause(reader):
    assert firm(reader, "A cleft is seen in L3 and L1 shows marrow oedema only.") == {}


# --- rules 2.24.0: the twenty-sixth and twenty-seventh rounds (development data) ------------


@pytest.mark.parametrize(
    "text",
    [
        "Erector spinae fat (Goutallier, L4-L5, axial T1): 3",
        "Fatty infiltration of the multifidus (Goutallier grade 0-4): 3",
    ],
)
def test_a_label_whose_bracket_names_the_scale_and_more_is_answered_after_it(reader, text):
    assert firm(reader, text) == {GOUTALLIER: 3}


def test_a_label_whose_bracket_names_another_level_says_nothing(reader):
    assert firm(reader, "Erector spinae fat (Goutallier, L2-L3, axial T1): 3") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Erector spinae fat (at the level of the fracture): 3",
        "Goutallier (graded at the fractured vertebra): 3",
    ],
)
def test_a_label_whose_bracket_places_the_grade_at_the_fracture_says_nothing(reader, text):
    assert firm(reader, text) == {}


def test_a_grade_ticked_among_boxes_one_a_line_under_its_label_is_that_grade(reader):
    text = "Multifidus fat, Goutallier (L4/5):\n( ) 0\n( ) 1\n(x) 2\n( ) 3\n( ) 4"
    assert firm(reader, text) == {GOUTALLIER: 2}


def test_two_grades_ticked_one_a_line_under_their_label_say_nothing(reader):
    assert firm(reader, "Goutallier grade (L4/5):\n[x] 2\n[x] 3\n[ ] 4") == {}


def test_a_grade_for_the_fracture_after_a_semicolon_leaves_the_l4_5_grade_its_own(reader):
    text = "Goutallier 4 at the level of T12; grade 1 at L4-5."
    assert firm(reader, text) == {GOUTALLIER: 1}


def test_a_part_after_a_semicolon_naming_its_own_level_keeps_its_pattern_there(reader):
    text = "The L1 cement is globular; at L2 it is trabecular and interdigitating."
    assert firm(reader, text) == {CEMENT: "blocky"}


def test_a_part_after_a_semicolon_naming_no_level_takes_the_level_before(reader):
    assert firm(reader, "Cement is seen at L2; it is interdigitated and trabecular.") == {}


# --- rules 2.25.0: the twenty-eighth round (development data) -------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A gas cleft lies in the L1 body, suggestive of Kummell disease.",
        "Gas density within the L1 vertebral body s/o an intravertebral vacuum cleft.",
    ],
)
def test_suggestive_of_after_a_stated_finding_names_it(reader, text):
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Possible gas cleft in L1, suggestive of Kummell disease.",
        "Marrow signal change in L1 s/o an intravertebral vacuum cleft.",
    ],
)
def test_suggestive_of_after_no_stated_finding_is_a_hedge(reader, text):
    assert firm(reader, text) == {}


def test_a_grade_given_a_side_and_then_a_level_is_that_levels(reader):
    text = "Goutallier 2 at L4/5 on both sides, grade 4 on the right at L5/S1."
    assert firm(reader, text) == {GOUTALLIER: 2}


def test_grades_by_segment_after_the_eponym_separated_by_semicolons_are_its_list(reader):
    text = "Multifidus (Goutallier): L2/3 grade 1; L4/5 grade 2; L5/S1 grade 4."
    assert firm(reader, text) == {GOUTALLIER: 2}


def test_a_denial_of_muscle_oedema_or_of_the_dorsal_fascia_denies_the_fascia(reader):
    text = "No oedema of the paraspinal muscles or of the dorsal fascia."
    assert firm(reader, text) == {OEDEMA: False}


def test_gg_beside_the_muscles_fat_is_the_goutallier_grade(reader):
    assert firm(reader, "Multifidus fatty infiltration, GG 3 at L4/5.") == {GOUTALLIER: 3}


def test_gg_elsewhere_is_not_the_goutallier_grade(reader):
    assert firm(reader, "GG opacities in both lower lobes, grade 3 bronchiectasis.") == {}


def test_a_definition_with_approx_abbreviated_is_the_definition(reader):
    assert firm(reader, "Multifidus at L4/5: fat approx. equal to muscle.") == {GOUTALLIER: 3}


# --- rules 2.26.0: the twenty-ninth round (development data) --------------------------------


def test_a_grade_now_increased_from_a_grade_on_a_dated_study_is_the_grade_now(reader):
    text = "Multifidus at L4/5 now Goutallier 3, increased from grade 2 on the MRI of 2022."
    assert firm(reader, text) == {GOUTALLIER: 3}


def test_a_grade_on_a_dated_study_is_still_that_studys(reader):
    assert firm(reader, "Multifidus at L4/5 Goutallier 3 on the MRI of 2022.") == {}


def test_a_concession_doubting_the_cause_leaves_the_finding_stated(reader):
    text = "A gas cleft is present in L1, though metastatic disease remains possible."
    assert firm(reader, text) == {IVC: True}


def test_a_concession_doubting_the_appearances_still_doubts_the_finding(reader):
    text = "A gas cleft is present in L1, though the appearances are possibly artefactual."
    assert firm(reader, text) == {}


# --- rules 2.27.0: a miss left in the twenty-seventh round (development data) ---------------


def test_it_opening_the_sentence_after_the_cement_is_the_cement(reader):
    text = "Cement fills the L1 body. It is compact and globular, not interdigitated."
    assert firm(reader, text) == {CEMENT: "blocky"}


def test_it_opening_a_sentence_after_something_else_is_not_the_cement(reader):
    assert firm(reader, "A nodule lies in the left adrenal. It is solid and globular.") == {}


# --- rules 2.28.0: the thirty-first round (development data, sentences) ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "Differentials include an intravertebral cleft and a pathological fracture at L1.",
        "She is said to have had Kummell disease of L1.",
        "Kummell disease of L1 diagnosed at another hospital.",
        "A vacuum cleft should be considered if L1 collapses further.",
        "The cleft at L1 cannot be clearly appreciated on these images.",
        "The first reader believes there is a cleft at L1.",
    ],
)
def test_a_differential_hearsay_a_supposition_or_another_readers_view_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_cement_described_as_a_pattern_before_is_that_reports(reader):
    assert firm(reader, "The L1 cement was described as compact.") == {}


def test_a_strain_grade_of_the_muscles_is_no_goutallier_grade(reader):
    assert firm(reader, "Oedema of the multifidus muscles, grade 2 strain, at L4/5.") == {}


def test_a_grade_one_of_several_readers_gave_is_in_doubt(reader):
    assert firm(reader, "Reader 2 graded Goutallier 3 at L4/5.") == {}


def test_not_convinced_of_a_finding_is_a_doubt_not_a_denial(reader):
    assert firm(reader, "Not convinced of fascial oedema.") == {}


def test_a_pattern_possibly_because_of_a_cause_is_still_that_pattern(reader):
    assert firm(reader, "Compact cement at L1, possibly because of the cleft.") == {
        CEMENT: "blocky"
    }


@pytest.mark.parametrize(
    "text",
    [
        "Original read: vacuum cleft at L1; review: no cleft.",
        "The addendum amends the report: the cement at L1 is interdigitating.",
    ],
)
def test_a_read_corrected_or_amended_leaves_the_finding_in_doubt(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_not_mentioned_in_the_initial_report_is_stated_now(reader):
    text = "Addendum: fascial oedema at L1, not mentioned in the initial report."
    assert firm(reader, text) == {OEDEMA: True}


# --- rules 2.29.0: the thirty-third round (development data, sentences) ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "Advice: CT of the thoracolumbar junction to see gas in the L1 body.",
        "Discussed with the registrar, who asked about a cleft at L1.",
        "L1 collapse, t/c Kummell disease.",
        "It is not ruled out that there is a cleft at L1.",
        "Fascial oedema question mark.",
        "Question mark fascial oedema at L1.",
        "The cleft at L1 is not included in the field of view.",
        "Fascial oedema was not commented upon.",
    ],
)
def test_a_purpose_a_question_or_a_finding_not_seen_or_not_spoken_of_is_no_finding(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text", ["Oedema of the skin over the natal cleft.", "Fluid in the gluteal cleft."]
)
def test_the_natal_or_gluteal_cleft_is_no_vertebral_cleft(reader, text):
    assert firm(reader, text) == {}


def test_know_dictated_for_no_denies(reader):
    assert firm(reader, "There is know fascial oedema at L1.") == {OEDEMA: False}


def test_a_word_broken_at_a_lines_end_is_read_whole(reader):
    assert firm(reader, "Cleft: not assess-\ned.") == {}


def test_a_finding_broken_at_a_lines_end_is_that_finding(reader):
    assert firm(reader, "Vacuum cleft: ab-\nsent.") == {IVC: False}


def test_a_compound_broken_at_a_lines_end_keeps_its_hyphen_in_the_quote(reader):
    read = reader.read(["Fluid-\nfilled cleft in L1."], L1)
    assert read[IVC].value is True
    assert read[IVC].quote == "Fluid-filled cleft in L1."


def test_a_cleft_in_the_adjacent_upper_vertebra_is_another_levels(reader):
    assert firm(reader, "A cleft is seen in the adjacent upper vertebra.") == {}


def test_a_doctors_name_near_a_findings_word_is_no_slip(reader):
    assert firm(reader, "Dr Kimmel asked about the cleft at L1.") == {}


def test_a_table_of_levels_flattened_onto_one_line_says_nothing(reader):
    assert firm(reader, "Level | Cleft | Fascial oedema ; T12 | yes | yes ; L1 | no | no") == {}


def test_a_pattern_reported_before_and_another_seen_now_is_a_correction(reader):
    text = "The cement at L1 was reported as compact; on the thin sections it is trabecular."
    assert firm(reader, text) == {}


# --- rules 2.30.0: the thirty-fourth round (development data, sentences) --------------------


@pytest.mark.parametrize(
    "text",
    [
        "A/D cleft at L1.",
        "V.a. vacuum cleft at L1.",
        "Verisimilarly a cleft at L1.",
        "Suggestive for a cleft at L1.",
        "Inclined to call it fascial oedema.",
        "Fascial oedema at L1, though a soft call.",
        "Fatty infiltration at L4/5 lies somewhere between Goutallier II and III.",
        "In the referral it is written: Kummell disease of L1.",
        "The physiotherapist's letter states Goutallier 4 multifidus.",
    ],
)
def test_a_hedge_or_another_documents_word_in_other_englishes_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_no_more_seen_is_gone(reader):
    assert firm(reader, "Fascial oedema is no more visualised.") == {}


def test_knot_dictated_for_not_denies(reader):
    assert firm(reader, "The thoracolumbar fascia is knot oedematous.") == {OEDEMA: False}


def test_punctuation_dictated_as_words_leaves_a_field_unanswered(reader):
    assert firm(reader, "Vacuum cleft colon period") == {}


def test_a_grade_at_the_height_of_the_fracture_is_another_levels(reader):
    assert firm(reader, "Goutallier 3 at the height of the fracture.") == {}


def test_a_finding_at_a_studys_screening_visit_is_of_before(reader):
    assert firm(reader, "Screening visit (V1) cleft: present.") == {}


def test_a_field_offering_both_answers_is_unanswered(reader):
    assert firm(reader, "Vacuum cleft: Y / N (reader to circle one)") == {}


def test_spongious_cement_is_spongy(reader):
    assert firm(reader, "Cement at L1 spongious.") == {CEMENT: "spongy"}


# --- rules 2.31.0: the thirty-fifth round (development data, sentences) ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "Anamnesis: fascial oedema at L1.",
        "Clinical information provided: fascial oedema at L1.",
        "As per referring ortho note: Goutallier 3 at L4/5.",
        "No fascial oedema on the comparison of 2022.",
        "Queried fascial oedema at L1.",
        "A cleft at L1 and fascial oedema were all reported.",
        "The referral letter, which describes a cleft at L1, is noted.",
        "Cleft at the treated level: Y / N / not assessed",
    ],
)
def test_another_studys_or_documents_word_a_query_or_an_open_field_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_a_pattern_seen_now_beside_one_another_read_described_stays_a_correction(reader):
    text = (
        "We disagree with the first read, which described compact cement; "
        "the L1 cement is trabecular."
    )
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text", ["No IVC administered for this examination.", "IVC | diameter 18 mm"]
)
def test_ivc_as_contrast_given_or_a_vessel_measured_in_a_row_is_no_cleft(reader, text):
    assert firm(reader, text) == {}


def test_a_row_of_grades_at_other_levels_flattened_with_double_bars_says_nothing(reader):
    assert firm(reader, "L3/4 | Goutallier 3 || L5/S1 | Goutallier 3") == {}


def test_an_hl7_segments_empty_field_is_no_flattened_row(reader):
    assert firm(reader, "OBX|1|TX|Vacuum cleft||absent") == {IVC: False}


def test_a_finding_not_commented_on_initially_is_stated_now(reader):
    text = "Addendum: fascial oedema at L1, which was not commented on initially."
    assert firm(reader, text) == {OEDEMA: True}


# --- rules 2.32.0: the thirty-seventh round (development data, sentences) -------------------


@pytest.mark.parametrize(
    "text",
    [
        "AI flagged a cleft at L1.",
        "Cleft at L1, not yet verified.",
        "The draft said no cleft at L1; the consultant struck it out.",
        "The cement at L1 is sort of blocky.",
        "Blocky-ish cement at L1.",
        "Macro text: no fascial oedema.",
        "Goutallier 2 at L4/5 per the first reader; I would put it at 3.",
    ],
)
def test_a_machines_draft_a_struck_or_macro_text_or_a_loose_word_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_a_templates_placeholder_left_in_is_unanswered(reader):
    assert firm(reader, "Fascial oedema: {{OEDEMA}}") == {}


@pytest.mark.parametrize(
    "text", ["Enlarged nodes beside the IVC at L1.", "IVC: 2.0 cm, collapsibility 40%."]
)
def test_the_vena_cava_beside_nodes_or_measured_is_no_cleft(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.33.0: the thirty-eighth and thirty-ninth rounds (development data) -------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vertebral body L1: nocleft.", {IVC: False}),
        ("No canal stenosis.A gas cleft lies in L1.", {IVC: True}),
        ("Multifidus at L4/5: Goutallier grdae 2.", {GOUTALLIER: 2}),
    ],
)
def test_a_typing_slip_is_read_as_the_words_typed_for(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_history_cue_typed_with_a_letter_doubled_is_still_history(reader):
    assert firm(reader, "The fascial oedema seen at L1 has resolvedd.") == {}


def test_without_the_presence_of_a_finding_denies_it(reader):
    assert firm(reader, "Without presence of fluid cleft in L1.") == {IVC: False}


@pytest.mark.parametrize(
    "text",
    [
        "Cleft evaluation not possible on these images.",
        "Faint fascial oedema posteriorly, not convincing.",
        "Unconvincing fascial oedema at L1.",
        "Suspicio Kümmell cleft L1.",
        "The cleft described at L1 in the first read should be disregarded.",
        "Cement looks spongy on this scout, which is not a dedicated view.",
        "She had fascial oedema on the October MRI.",
        "Cleft not re-evaluated on this study.",
    ],
)
def test_a_finding_not_assessed_doubted_corrected_or_of_another_month_is_unknown(reader, text):
    assert firm(reader, text) == {}


def test_stir_signal_in_the_fascia_needs_a_word_saying_it_is_high(reader):
    assert firm(reader, "Fascia: STIR signal 1.0 times that of muscle.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Increased STIR signal along the thoracolumbar fascia.",
        "High T2/STIR signal in the lumbodorsal fascia.",
    ],
)
def test_high_stir_signal_in_the_fascia_is_its_oedema(reader, text):
    assert firm(reader, text) == {OEDEMA: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posterior fascia: nothing special.", {OEDEMA: False}),
        ("At L4/5 the paraspinal fat prevails over the muscle.", {GOUTALLIER: 4}),
        ("Multifidus at L4/5: fat and muscle roughly in equal proportion.", {GOUTALLIER: 3}),
        ("Lumbodorsal facial oedema at L1.", {OEDEMA: True}),
        ("Thoracolumbar fascia oedema, probably exertional.", {OEDEMA: True}),
        ("Cementum trabecular throughout L1.", {CEMENT: "spongy"}),
        ("Fascial oedema runs from T11 down to L2.", {OEDEMA: True}),
    ],
)
def test_wording_of_other_englishes_states_the_finding(reader, text, expected):
    assert firm(reader, text) == expected


def test_agreeing_with_a_preliminary_read_states_what_follows(reader):
    text = "We concur with the registrar's preliminary report: no cleft in L1."
    assert firm(reader, text) == {IVC: False}


def test_disagreeing_with_a_preliminary_read_leaves_the_finding_unknown(reader):
    assert firm(reader, "We did not agree with the prelim report of a cleft at L1.") == {}


# --- rules 2.34.0: the fortieth and forty-first rounds (development data) -------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A gas cleft in L2 near the cement in L1.", {}),
        ("No gas within the T11 or L1 bodies.", {IVC: False}),
        ("Gas cleft in the L1 body just below the superior endplate.", {IVC: True}),
    ],
)
def test_the_level_a_preposition_places_a_mention_in_is_its_level(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_full_stop_inside_an_open_bracket_ends_no_sentence(reader):
    assert firm(reader, "IVC (v. cava) filter in place.") == {}


def test_a_bracket_never_closed_holds_no_sentence_after_it(reader):
    assert firm(reader, "Cleft at L1 (query. Fascial oedema present.") == {OEDEMA: True}


@pytest.mark.parametrize(
    "text", ["No cleft at L1, delete if not applicable.", "No cleft at L1 - delete as appropriate."]
)
def test_a_templates_instruction_to_delete_a_line_leaves_its_finding_unknown(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thoracolumbar fascia oedema Ø", {OEDEMA: False}),
        ("Vacuum cleft ∅", {IVC: False}),
        ("Post. fascia oedema Ø", {OEDEMA: False}),
    ],
)
def test_an_empty_set_sign_after_an_item_answers_it_absent(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('history.previous_mri="vacuum cleft L1"', {}),
        ("fascia_oedema=yes level=L1", {OEDEMA: True}),
    ],
)
def test_data_exported_as_key_value_pairs_is_read_as_fields(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_legend_with_equals_signs_is_no_data(reader):
    assert firm(reader, "Blocky = solid; spongy = trabecular.") == {}


def test_it_is_not_the_case_that_denies(reader):
    assert firm(reader, "It is not the case that the L1 body holds a cleft.") == {IVC: False}


@pytest.mark.parametrize(
    "text",
    [
        "One cannot say there is no cleft at L1.",
        "Radiographs do not permit assessment of fascial oedema.",
        "Neither study shows definite gas in the L1 body.",
        "Paraspinal muscles normal -- amended: Goutallier 2 at L4/5.",
        "Fascial oedema – possible, posterior, T12-L2.",
    ],
)
def test_a_finding_that_cannot_be_said_is_not_assessable_amended_or_possible_is_unknown(
    reader, text
):
    assert firm(reader, text) == {}


# --- rules 2.35.0: the forty-second and forty-third rounds (development data) ----------------


@pytest.mark.parametrize(
    "text",
    [
        "A gas cleft in the L1 scratch that L2 body.",
        "The posterior fascia is normal strike that oedematous at L1.",
    ],
)
def test_a_dictated_retraction_leaves_its_sentence_unknown(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A vacuum cleft is not detectable in the L1 body.", {IVC: False}),
        ("L1 compression, +/- gas cleft.", {}),
        ("No STIR images: fascial oedema cannot be commented upon.", {}),
    ],
)
def test_not_detectable_denies_while_plus_minus_and_cannot_be_commented_upon_doubt(
    reader, text, expected
):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A Goutallier grade 4 indicates more fat than muscle.",
        "Trabecular cement is widely regarded as the better pattern.",
    ],
)
def test_what_a_grade_means_or_a_pattern_is_generally_regarded_as_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_ivc_in_a_list_of_places_cement_could_leak_is_the_vena_cava(reader):
    text = "No leakage into the foramina, the segmental veins or the IVC."
    assert firm(reader, text) == {}


def test_a_french_ligature_is_read_as_meant(reader):
    assert firm(reader, "Œdema along the thoracolumbar fascia at L1.") == {OEDEMA: True}


def test_a_surname_beside_a_grade_of_something_else_is_no_goutallier_grade(reader):
    # "Gautier" is a surname as often as a misheard eponym: read as the eponym, the reporting
    # radiologist's name made the disc's grade a Goutallier grade.
    text = "Images reviewed with Dr Gautier, grade 2 disc degeneration at L4/5."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Lumbodorsal fascia with preserved signal.",
        "Posterior fascia with no altered signal at L1.",
        "Post. fascia nl.",
    ],
)
def test_a_fascia_with_preserved_signal_or_written_nl_is_without_oedema(reader, text):
    assert firm(reader, text) == {OEDEMA: False}


def test_oedema_of_the_fascia_with_normal_signal_elsewhere_stays_present(reader):
    text = "Oedema of the posterior fascia at L1 with unremarkable signal in the multifidus."
    assert firm(reader, text) == {OEDEMA: True}


@pytest.mark.parametrize(
    "text",
    [
        "Erector spinae oedema on the left, without involvement of the lumbodorsal fascia.",
        "Interspinous oedema at T12-L1 with no fascial involvement.",
    ],
)
def test_oedema_elsewhere_without_the_fascias_involvement_is_absent_fascial_oedema(reader, text):
    assert firm(reader, text) == {OEDEMA: False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Multifidus at L4/5, fat in similar proportion to the muscle.", {GOUTALLIER: 3}),
        ("Paraspinal muscles at L4/5, in the same proportion as the muscles.", {GOUTALLIER: 3}),
        ("Erector spinae at L4/5: the fat area is bigger than the muscle area.", {GOUTALLIER: 4}),
        ("Multifidus at L4/5: fat smaller than the muscle in area.", {GOUTALLIER: 2}),
        ("Paraspinal musculature at L4/5: no fat.", {GOUTALLIER: 0}),
    ],
)
def test_more_of_goutalliers_definitions_give_their_grade(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Despite some motion artefact, a gas cleft is clearly seen in L1.", {IVC: True}),
        ("Motion artefact; a gas cleft is seen in L1.", {}),
    ],
)
def test_a_finding_seen_despite_artefact_is_firm(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_pattern_unchanged_versus_an_earlier_study_is_no_differential(reader):
    text = "Spongy cement at L1, unchanged versus the day-one radiograph."
    assert firm(reader, text) == {CEMENT: "spongy"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fascial oedema from the twelfth thoracic to the second lumbar level.", {OEDEMA: True}),
        ("Goutallier 3 at the third/fourth lumbar disc; nothing at L4/5.", {}),
    ],
)
def test_levels_written_as_ordinals_with_an_article_or_a_slash_are_levels(reader, text, expected):
    assert firm(reader, text) == expected


def test_another_reports_statement_quoted_is_no_finding_of_this_one(reader):
    text = "The MRI report says no cleft at L1."
    assert firm(reader, text) == {}


def test_a_pattern_at_some_of_several_treated_levels_is_unknown_at_each(reader):
    text = "Cement at T12, L1 and L2 is spongy at two of the three levels."
    assert firm(reader, text) == {}


def test_only_the_visible_part_of_a_partly_imaged_vertebra_said_clear_is_unknown(reader):
    text = "L1 is cut off by the field of view; the visible lower part shows no gas cleft."
    assert firm(reader, text) == {}


def test_a_doubt_whether_a_pattern_persists_leaves_it_unknown(reader):
    text = "Cement at L1 spongy on day one; today's film cannot show whether it remains."
    assert firm(reader, text) == {}


def test_two_dates_joined_by_and_open_no_clause(reader):
    text = "The L1 cleft seen on 3 March and 20 March has now resolved."
    assert firm(reader, text) == {}


# --- rules 2.36.0: the forty-fourth round (development data, reports) ------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Vacuum cleft: [Absent]\nThere is a gas cleft within L1.",
        "Fascial oedema: [No]\nOedema tracks along the thoracolumbar fascia at L1.",
    ],
)
def test_a_picklists_bracketed_answer_beside_prose_that_disagrees_leaves_it_unknown(reader, text):
    assert firm(reader, text) == {}


def test_a_ticked_box_in_square_brackets_is_still_an_answer(reader):
    assert firm(reader, "Vacuum cleft: [x]") == {IVC: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goutallier, L4/5 (T1 axial): 3", {GOUTALLIER: 3}),
        ("Goutallier, L1 level: 4\nGoutallier, L4/5 (T1 axial): 1", {GOUTALLIER: 1}),
    ],
)
def test_a_grade_after_its_level_and_a_bracket_or_the_word_level_is_for_that_level(
    reader, text, expected
):
    assert firm(reader, text) == expected


# --- rules 2.37.0: the forty-fifth round (development data, sentences) -----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("T12: spongy cement.", {}),
        ("L1: spongy cement.", {CEMENT: "spongy"}),
        ("L1: cement trabecular.", {CEMENT: "spongy"}),
    ],
)
def test_a_level_answered_with_a_pattern_and_the_word_cement_is_no_list_of_choices(
    reader, text, expected
):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A fluid cleft within L1 cannot be completely ruled out.",
        "No comment on a cleft at L1.",
        "The reviewer reads spongy cement at L1; recommend an addendum.",
        "Gas in the L1 body; rather, the gas lies in the L1/2 disc.",
        "Goutallier grade 1, rather grade 2, in the left multifidus at L4/5.",
        "Cleft at L1 - on review, this is gas in the T12/L1 disc.",
        "By data of MRI: oedema of the thoracolumbar fascia at L1.",
    ],
)
def test_a_doubt_a_correction_or_another_studys_data_leaves_the_finding_unknown(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_added_on_second_look_is_firm(reader):
    text = "On second look, there is also a gas cleft in L1."
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Signs of a vacuum cleft in the L1 body are not revealed.", {IVC: False}),
        ("Nil of note in the lumbodorsal fascia.", {OEDEMA: False}),
        ("Nothing remarkable in the posterior fascia.", {OEDEMA: False}),
    ],
)
def test_not_revealed_denies_and_nothing_of_note_in_the_fascia_is_absent(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_grade_of_the_muscles_in_a_segment_named_is_that_segments(reader):
    text = (
        "Fatty degeneration of the paraspinal muscles in segment T12/L1, "
        "grade 3 according to Goutallier."
    )
    assert firm(reader, text) == {}


# --- rules 2.38.0: the forty-sixth to forty-eighth rounds (development data) -----------------


def test_a_query_on_the_line_after_a_one_line_clinical_section_is_still_the_referrers(reader):
    report = (
        "Clinical details: fall, T12 and L1 fractures on radiographs.\n"
        "?Kummell ?age of fracture.\n\n"
        "Findings: No intravertebral cleft in the L1 body."
    )
    assert firm(reader, report) == {IVC: False}


def test_a_line_opening_on_a_bracketed_aside_goes_on_with_the_sentence_above(reader):
    report = (
        "Fatty change of the paraspinal muscles at L4/5 has advanced from Goutallier 1\n"
        "(MRI 2022) to grade 2."
    )
    assert firm(reader, report) == {GOUTALLIER: 2}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thoracolumbar fascia oedema (0=No, 1=Yes, 9=Not assessable): 9", {}),
        ("Thoracolumbar fascia oedema (0=No, 1=Yes, 9=Not assessable): 0", {OEDEMA: False}),
        ("Cement (1=Compact blocky, 2=Trabecular spongy): 2", {CEMENT: "spongy"}),
    ],
)
def test_a_legends_option_of_several_words_is_read_whole(reader, text, expected):
    assert firm(reader, text) == expected


def test_items_a_form_did_not_complete_are_no_finding(reader):
    text = "MRI items not completed (fascial oedema, fat grade): CT only before the procedure."
    assert firm(reader, text) == {}


def test_a_finding_one_level_has_and_the_treated_level_does_not_is_not_the_treated_ones(reader):
    text = "Both T12 and L1 are fractured; T12 has a gas cleft and L1 does not."
    assert firm(reader, text) == {}


def test_one_of_several_named_vertebrae_holding_a_finding_is_not_the_treated_ones(reader):
    assert firm(reader, "Collapse of L1 and L2: one has a fluid cleft.") == {}


def test_what_an_earlier_meeting_noted_is_history(reader):
    text = "The last spine meeting (in March) noted oedema of the thoracolumbar fascia."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goutallier grade L2/3: 1; L4/5: 2; L5/S1: 3", {GOUTALLIER: 2}),
        ("Multifidus fat | Goutallier | L3/4: 3 | L4/5: 4", {GOUTALLIER: 4}),
        ("Goutallier L3/4: 1, L4/5: 2-3", {}),
    ],
)
def test_a_list_of_grades_labelled_by_their_levels_gives_l4_5_its_own(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fascial oedema tracks between the T12 and L2 levels.", {OEDEMA: True}),
        ("Fascial oedema tracks between L2 and L4.", {}),
        ("Gas between L1 and L2.", {}),
    ],
)
def test_a_finding_between_two_vertebrae_apart_spans_the_levels_between(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cleft in L1: no ✗ yes ✓", {IVC: True}),
        ("Cement: blocky ✓ spongy ✗", {CEMENT: "blocky"}),
        ("Cement: blocky ✓ spongy ✓", {}),
    ],
)
def test_options_marked_by_ticks_and_crosses_answer_their_field(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_forms_code_after_an_answer_in_words_leaves_the_answer(reader):
    assert firm(reader, "Vacuum cleft in the index vertebra L1: No [0]") == {IVC: False}


# --- rules 2.39.0: the forty-ninth and fiftieth rounds (development data) ---------------------


def test_a_clinical_question_under_a_german_header_is_the_referrers(reader):
    report = "Fragestellung: intravertebral gas at L1?\n\nBefund: No gas within the L1 body."
    assert firm(reader, report) == {IVC: False}


@pytest.mark.parametrize(
    "text",
    [
        "Goutallier 1 on the right; grade 3 on the left at L4/5.",
        "Multifidus at L4/5 Goutallier 1 on the left but grade 3 on the right.",
    ],
)
def test_a_grade_for_the_other_side_after_a_semicolon_or_but_is_the_same_scales(reader, text):
    assert firm(reader, text) == {GOUTALLIER: 3}


def test_barely_any_spread_into_the_trabeculae_denies_the_spread(reader):
    text = "The cement forms a single mass in L1, with barely any spread into the trabeculae."
    assert firm(reader, text) == {CEMENT: "blocky"}


@pytest.mark.parametrize(
    "text",
    [
        "Schmorl node in the L1 endplate, not to be confused with a vacuum cleft.",
        "The radiologist says no cleft at L1.",
        "The fascial oedema field was left blank.",
        "Dr Mensah enquired about fascial oedema: there is none along the lumbodorsal fascia.",
        "The expert for the claimant describes 'fascial oedema', but I believe he is referring "
        "to the subcutaneous fat.",
    ],
)
def test_a_caution_a_relayed_read_a_blank_field_or_a_question_leaves_the_finding_unknown(
    reader, text
):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema on the right, none on the left.",
        "Gas cleft in the anterior L1 body, none posteriorly.",
    ],
)
def test_a_finding_on_one_side_denied_on_the_other_is_not_denied(reader, text):
    # Present on one side and absent on the other: neither "absent" nor a guess.
    assert firm(reader, text) == {}


def test_a_finding_said_to_have_resolved_stays_history_beside_a_persistent_one(reader):
    text = "Fascial oedema (now resolved) - L1 cleft (unchanged)."
    assert firm(reader, text) == {IVC: True}


# --- rules 2.40.0: the fifty-first and fifty-second rounds (development data) -----------------


def test_a_table_header_naming_a_sequence_column_is_no_finding(reader):
    assert firm(reader, "Level | STIR | T2 | Cleft") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Signal within the lumbodorsal fascia is unremarkable.", {OEDEMA: False}),
        ("Lumbodorsal fascia: no abnormal high intensity on STIR.", {OEDEMA: False}),
        ("High intensity along the thoracolumbar fascia on STIR.", {OEDEMA: True}),
    ],
)
def test_the_fascias_signal_or_intensity_is_read_with_what_is_said_of_it(reader, text, expected):
    assert firm(reader, text) == expected


def test_plus_or_minus_before_a_number_is_about_the_number(reader):
    text = "Vertebral height loss +/- 30% at L1 with a gas cleft in the L1 body."
    assert firm(reader, text) == {IVC: True}


def test_a_clinical_question_under_an_indonesian_header_is_the_referrers(reader):
    report = "Klinis: ?Kummell L1.\n\nFindings: No intravertebral cleft in L1."
    assert firm(reader, report) == {IVC: False}


@pytest.mark.parametrize(
    "text",
    [
        "Calcitonin was started, which may help a cleft to heal if one is present.",
        "Axial CT reformatted at 2 mm to show cement interdigitation within L1 for the surgeon.",
        "3. No fascial oedema at the level described in 1.",
    ],
)
def test_a_condition_a_purpose_or_a_level_named_by_another_item_leaves_it_unknown(reader, text):
    assert firm(reader, text) == {}


def test_a_grade_with_its_sides_letter_after_it_is_one_sides(reader):
    assert firm(reader, "Goutallier at L4/5: 2 R / 3 L.") == {GOUTALLIER: 3}


# --- rules 2.41.0: the fifty-third and fifty-fourth rounds (development data) -----------------


@pytest.mark.parametrize(
    "text",
    [
        "The plain film won't show fascial oedema; MRI booked.",
        "Fascial oedema should be looked for on the next MRI.",
    ],
)
def test_what_a_study_will_not_show_or_should_be_looked_for_is_no_finding(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The L1 appearances are not inconsistent with an intravertebral cleft.",
        "L1 compression with/without a gas cleft: CT to clarify.",
    ],
)
def test_a_litotes_or_with_without_is_a_doubt_not_a_denial(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Eligibility: L1 fracture with intravertebral vacuum cleft.",
        "Inclusion criteria: fluid cleft in the index vertebra L1.",
    ],
)
def test_a_trials_criteria_are_no_finding(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.42.0: the fifty-fifth and fifty-sixth rounds (development data) ------------------


def test_not_scene_is_not_seen_misheard(reader):
    assert firm(reader, "A vacuum cleft in L1 is not scene.") == {IVC: False}


def test_non_without_its_hyphen_denies_the_word_after_it(reader):
    text = "Blocky (solid, non interdigitating) cement in L1."
    assert firm(reader, text) == {CEMENT: "blocky"}


@pytest.mark.parametrize(
    "text",
    [
        "Haemangioma in L1, not to be mistaken for a cleft.",
        "Clinical diagnosis: L1 fracture with a fluid cleft.",
    ],
)
def test_a_lookalikes_caution_or_a_clinical_diagnosis_is_no_finding(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.43.0: the fifty-seventh and fifty-eighth rounds (development data) ---------------


@pytest.mark.parametrize(
    "text",
    [
        "Not excluded: fascial oedema of the lumbodorsal fascia at L1.",
        "Gas cleft in L1 not excl.",
    ],
)
def test_not_excluded_as_a_label_or_abbreviated_is_a_doubt(reader, text):
    assert firm(reader, text) == {}


def test_presence_or_absence_to_be_judged_is_no_finding(reader):
    text = "Presence or absence of a gas cleft in L1 should be judged on CT, not done."
    assert firm(reader, text) == {}


def test_what_an_operator_may_anticipate_is_no_finding(reader):
    text = "Should there be a cleft at L1, the operator may anticipate filling of the cleft."
    assert firm(reader, text) == {}


# --- rules 2.44.0: the fifty-ninth and sixtieth rounds (development data) -----------------


@pytest.mark.parametrize(
    "text",
    [
        "Cannot be excluded: a thin fluid cleft beneath the L1 endplate.",
        "It cannot be excluded, given the patient's movement on the STIR images, that the L1 "
        "body holds a small gas cleft.",
    ],
)
def test_cannot_be_excluded_before_its_finding_is_a_doubt(reader, text):
    assert firm(reader, text) == {}


def test_a_qualifier_of_certainty_inside_a_denied_list_leaves_its_item_unknown(reader):
    text = "No retropulsion, lumbodorsal fascial oedema or convincing vacuum cleft in L1."
    assert firm(reader, text) == {OEDEMA: False}


def test_a_dash_ending_a_wrapped_line_of_prose_is_no_answer(reader):
    # A short checklist line "Cleft -" answers no; a sentence going on past its line does not.
    text = (
        "In the anterior third of the L1 body there is a horizontal fluid-signal cleft -\n"
        "Appearances of osteonecrosis."
    )
    assert firm(reader, text) == {IVC: True}


def test_a_line_opening_with_a_bracket_in_lower_case_goes_on_from_the_line_above(reader):
    # Read alone, "(vacuum cleft, Kummell)" would place a cleft at the treated level.
    text = (
        "The T11 body is wedged with a gas-filled space below the upper endplate\n"
        "(vacuum cleft, Kummell).\n"
        "The L1 fracture is acute."
    )
    assert firm(reader, text) == {}


def test_not_determined_is_a_doubt_not_a_finding(reader):
    assert firm(reader, "In the L1 body an intravertebral cleft is not determined.") == {}


def test_maybe_before_a_finding_is_a_doubt(reader):
    assert firm(reader, "Maybe a small gas cleft in L1, to compare with the CT.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema is not more visible.",
        "The thoracolumbar fascia oedema is not anymore seen.",
    ],
)
def test_a_finding_no_longer_visible_in_non_native_wording_is_history(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "A thin gas cleft now lies above the L1 cement, not seen on the baseline CT.",
        "Recurrent gas cleft in L1 beside the cement, which was absent on the first follow-up.",
    ],
)
def test_a_finding_missing_from_an_earlier_study_is_new_not_denied(reader, text):
    assert firm(reader, text) == {IVC: True}


def test_what_a_procedure_aimed_at_is_no_finding(reader):
    text = "The intention was diffuse interdigitation of the cement through the L1 body."
    assert firm(reader, text) == {}


def test_a_scales_size_is_no_grade(reader):
    text = "On the modified Goutallier four-grade scale the L4/5 multifidus is moderately fatty."
    assert firm(reader, text) == {}


def test_a_doubt_on_judging_the_image_hedges_the_sentence(reader):
    text = "Cement at L1 looks solid and blocky, though the obliquity makes it hard to judge."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "| TLF oedema | present (January) | not seen (May) |",
        "Lumbodorsal fascial oedema | admission: present | discharge: absent",
    ],
)
def test_a_table_row_answered_differently_in_its_columns_is_unknown(reader, text):
    assert firm(reader, text) == {}


def test_a_row_label_answered_level_by_level_in_its_cells(reader):
    assert firm(reader, "Vacuum cleft | T11: yes | L1: no") == {IVC: False}


@pytest.mark.parametrize(
    "text",
    [
        "PMMA has entered the L1 gas cleft and lies there as one solid mass.",
        "Cement occupies the L1 fluid cleft as a compact block.",
    ],
)
def test_cement_filling_a_cleft_says_nothing_of_the_cleft_now(reader, text):
    assert firm(reader, text) == {CEMENT: "blocky"}


def test_a_cleft_filled_and_then_described_is_history(reader):
    text = "The L1 vacuum cleft is filled and the cement is spongy around it."
    assert firm(reader, text) == {CEMENT: "spongy"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L1_vacuum_cleft_now: absent", {IVC: False}),
        ("thoracolumbar_fascia_oedema_L1: yes", {OEDEMA: True}),
        ("Goutallier_L4/5_right: 3", {GOUTALLIER: 3}),
    ],
)
def test_a_label_written_with_underscores_is_read_in_words(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Goutallier grade of the lumbar multifidus at L4/5: 2.",
        "Goutallier grade, erector spinae at L4-L5 (0-4): 2.",
    ],
)
def test_the_eponym_opening_a_label_is_answered_after_its_colon(reader, text):
    assert firm(reader, text) == {GOUTALLIER: 2}


def test_a_grade_of_another_level_in_such_a_label_is_not_taken(reader):
    assert firm(reader, "Goutallier grade of the multifidus at L2/3: 2.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Multifidus fatty infiltration (L4/5, axial T1, 0-4): 1.",
        "Goutallier 1 in the L4-5 erector spinae, on a scale from 0 to 4.",
    ],
)
def test_the_span_of_the_scale_beside_a_grade_is_no_range(reader, text):
    assert firm(reader, text) == {GOUTALLIER: 1}


@pytest.mark.parametrize(
    "text",
    [
        "L4/5 multifidus Goutallier 4 (Goutallier 3 in 2019).",
        "The L4-5 paraspinal fat is grade 4 by Goutallier, before it was grade 3.",
        "Erector spinae at L4/5: Goutallier grade 4, previously grade 3 in 2022.",
    ],
)
def test_a_grade_of_before_beside_the_grade_now_leaves_the_grade_now(reader, text):
    assert firm(reader, text) == {GOUTALLIER: 4}


def test_as_on_the_prior_study_makes_a_finding_current(reader):
    text = "L4-5 paraspinal muscles Goutallier 2, as on the previous MRI."
    assert firm(reader, text) == {GOUTALLIER: 2}


def test_a_follow_up_study_that_shows_a_finding_is_no_plan(reader):
    assert firm(reader, "The follow-up CT demonstrates blocky cement in L1.") == {CEMENT: "blocky"}


def test_versus_between_two_measures_is_no_doubt(reader):
    text = "The L1 fluid cleft is larger than before (9 mm versus 5 mm)."
    assert firm(reader, text) == {IVC: True}


# --- rules 2.45.0: the sixty-first and sixty-second rounds (development data) -------------


def test_a_box_holding_a_ballot_cross_is_no_tick(reader):
    assert firm(reader, "Vacuum cleft [✔] Fascial oedema [✘]") == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "The resident reported a gas cleft in L1.",
        "The SHO wrote lumbodorsal fascial oedema on the request card.",
    ],
)
def test_what_a_trainee_reported_is_reported_speech(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "In case the PMMA fills the cleft, a blocky pattern should follow.",
        "Expect spongy cement where the trabeculae are intact.",
        "Assume no intravertebral cleft at L1 until the CT is available.",
    ],
)
def test_what_is_expected_assumed_or_in_case_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_what_an_external_report_says_is_second_hand(reader):
    text = "According to the outside MRI report, the cleft lies in T12 and not in L1."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Goutallier grade 4 indicates more fat than muscle.",
        "Thoracolumbar fascial oedema is best seen on STIR images.",
    ],
)
def test_a_statement_about_a_finding_in_general_is_no_finding(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The L1 gas cleft that was occupied by cement is outlined on CT.",
        "After augmentation the space no longer looks like a gas cleft.",
    ],
)
def test_a_cleft_since_filled_with_cement_says_nothing_of_the_cleft_now(reader, text):
    assert firm(reader, text) == {}


def test_a_cleft_not_seen_because_it_was_cemented_is_not_denied(reader):
    assert firm(reader, "Follow-up MRI: the L1 cleft is not seen (cemented).") == {}


def test_a_cement_pattern_compared_with_another_level_is_no_pattern(reader):
    assert firm(reader, "Cement in L1 looks more solid than the cement in T11.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Gas cleft in the L1 body, as suspected.",
        "As the surgeon suspected, the L1 body holds a gas cleft.",
    ],
)
def test_a_suspicion_confirmed_is_no_doubt(reader, text):
    assert firm(reader, text) == {IVC: True}


def test_more_than_half_fat_written_before_the_word_fat_is_grade_4(reader):
    assert firm(reader, "Erector spinae at L4/5 >50% fat on both sides.") == {GOUTALLIER: 4}


def test_an_at_sign_before_a_level_places_the_grade_there(reader):
    assert firm(reader, "Goutallier 3 @ L2/3.") == {}


def test_a_grade_typed_onto_an_abbreviation_of_the_eponym_is_read(reader):
    assert firm(reader, "Paraspinals GC2 at L4-5.") == {GOUTALLIER: 2}


def test_the_answer_to_a_clinical_question_is_read(reader):
    text = "Clinical question: fascial oedema? Answer: the lumbodorsal fascia is oedematous."
    assert firm(reader, text) == {OEDEMA: True}


# --- rules 2.46.0: the sixty-third and sixty-fourth rounds (development data) -------------


@pytest.mark.parametrize(
    "text",
    [
        "A gas cleft in the L1 body cannot be denied.",
        "Fluid cleft of L1, which cannot be eliminated.",
        "An intravertebral cleft at L1 is not discarded.",
        "It cannot be ruled out entirely a fascial oedema at L1.",
        "It cannot be discarded that the L1 body holds a fluid cleft.",
        "Cleft of the L1 body not reliably delineable.",
        "A fluid-signal band of L1 evoking a Kummell cleft.",
    ],
)
def test_doubts_in_translated_wording_leave_the_finding_unknown(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "No safe indication of a gas cleft in L1.",
        "Is not seen with certainty a gas cleft in L1.",
    ],
)
def test_a_denial_without_certainty_is_a_doubt(reader, text):
    assert firm(reader, text) == {}


def test_no_evidence_of_the_presence_of_a_finding_denies_it(reader):
    text = "There is no evidence of the presence of a vacuum cleft in the L1 body."
    assert firm(reader, text) == {IVC: False}


@pytest.mark.parametrize(
    "text",
    [
        "Thoracolumbar fascia oedema described in the preliminary finding, today not more "
        "demonstrable.",
        "From the anamnesis, a Kummell cleft of L1 treated at another hospital.",
    ],
)
def test_what_an_earlier_study_or_the_anamnesis_held_is_history(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_unconfirmed_on_another_plane_is_a_doubt(reader):
    text = "The L1 cleft measures 5 mm, though not demonstrated on the coronal images."
    assert firm(reader, text) == {}


def test_nought_is_grade_0(reader):
    assert firm(reader, "Lumbar multifidus at L4/5: Goutallier nought.") == {GOUTALLIER: 0}


def test_a_progression_with_the_years_in_brackets_gives_the_grade_now(reader):
    text = "L4/5 paraspinal fat progressed from Goutallier 1 (2021) to 2 (2024)."
    assert firm(reader, text) == {GOUTALLIER: 2}


# --- rules 2.47.0: the sixty-fifth and sixty-sixth rounds (development data) --------------


def test_a_cemented_cleft_says_nothing_of_the_cleft_now(reader):
    assert firm(reader, "Cemented gas cleft in L1 on the lateral film.") == {}


def test_a_pattern_said_to_be_difficult_to_say_is_a_doubt(reader):
    assert firm(reader, "Cement in L1 is clumped, which is difficult to say on this view.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Vacuum cleft: filled.",
        "Fascial oedema: as before.",
    ],
)
def test_a_field_answered_filled_or_as_before_is_unknown(reader, text):
    assert firm(reader, text) == {}


def test_a_templates_default_values_left_in_are_no_finding(reader):
    assert firm(reader, "Default values kept: fascial oedema present, cleft absent.") == {}


# --- rules 2.48.0: the sixty-seventh and sixty-eighth rounds (development data) -----------


def test_a_pattern_defined_after_its_name_as_a_label_is_no_finding(reader):
    text = "Spongy pattern: a cement cloud interdigitating with the cancellous bone."
    assert firm(reader, text) == {}


def test_a_finding_named_as_one_of_the_predictors_is_no_finding(reader):
    text = "Intravertebral cleft is one of the predictors in the model, with fascial oedema."
    assert firm(reader, text) == {}


def test_a_table_rows_empty_last_cell_is_a_blank(reader):
    assert firm(reader, "| L1 | Vacuum cleft | |") == {}


# --- rules 2.49.0: the sixty-ninth and seventieth rounds (development data) ---------------


def test_a_grade_of_the_muscles_next_to_the_fracture_is_of_another_level(reader):
    text = (
        "Paravertebral muscle fatty change adjacent to the collapsed vertebra, Goutallier grade 3."
    )
    assert firm(reader, text) == {}


def test_the_iliopsoas_is_no_paraspinal_muscle(reader):
    assert firm(reader, "At L4/5 the iliopsoas holds more fat than muscle.") == {}


def test_a_grade_at_these_levels_points_back_to_the_levels_named(reader):
    text = "Axial images run from T12 to L2; at these levels the multifidus is Goutallier 2."
    assert firm(reader, text) == {}


def test_no_more_than_a_trace_is_a_doubt(reader):
    assert firm(reader, "At most minimal oedema of the lumbodorsal fascia at L1.") == {}


def test_a_value_word_defined_as_a_label_is_no_finding(reader):
    assert firm(reader, "Spongy: trabecular cement diffusely filling the cancellous bone.") == {}


# --- rules 2.50.0: the seventy-first and seventy-second rounds (development data) ---------


def test_a_ticked_no_box_before_the_lines_full_stop_is_absent(reader):
    assert firm(reader, "Oedema of the lumbodorsal fascia: yes [ ] no [x].") == {OEDEMA: False}


def test_an_items_picklist_left_unfilled_in_a_fields_value_is_no_finding(reader):
    assert firm(reader, "Review: vacuum cleft [yes/no], TLF oedema [yes/no].") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Indeterminate: gas cleft in L1; oedema of the lumbodorsal fascia.", {}),
        ("Earlier study 2021: lumbodorsal fascial oedema; gas cleft in L1; Goutallier 3.", {}),
        (
            "Possible: gas cleft in L1; MRI today: oedema of the lumbodorsal fascia.",
            {OEDEMA: True},
        ),
    ],
)
def test_a_hedge_or_an_earlier_study_heading_a_list_reaches_each_item_up_to_a_label(
    reader, text, expected
):
    assert firm(reader, text) == expected


def test_a_denied_list_ends_at_its_full_stop(reader):
    text = "Absent: canal stenosis, retropulsion. Present: L1 gas cleft, TLF oedema."
    assert firm(reader, text) == {IVC: True, OEDEMA: True}


@pytest.mark.parametrize(
    "text",
    [
        "Lumbodorsal fascial oedema now regressive.",
        "The L1 gas cleft is not seen now.",
    ],
)
def test_a_finding_said_to_have_gone_is_unknown(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_not_safely_excludable_is_a_doubt(reader):
    assert firm(reader, "Gas cleft in L1 not safely excludable.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Next step: the radiologist to comment on the cleft and the TLF oedema.",
        "Causes considered: gas cleft in L1, lumbodorsal fascial oedema.",
    ],
)
def test_findings_asked_about_or_considered_are_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_neither_a_new_finding_nor_another_denies_an_old_one(reader):
    assert firm(reader, "Neither new TLF oedema nor any new gas cleft.") == {}


def test_a_table_row_of_a_level_is_that_levels_whatever_level_another_cell_names(reader):
    assert firm(reader, "| T12 | fracture above the L1 cement | gas cleft |") == {}


def test_a_finding_present_and_improving_is_present(reader):
    assert firm(reader, "TLF oedema: present, improved.") == {OEDEMA: True}


def test_a_grade_before_its_paraspinal_muscles_counts_beside_another_muscle(reader):
    text = "Goutallier 2 change of the L4/5 multifidus, gluteal muscles normal."
    assert firm(reader, text) == {GOUTALLIER: 2}


# --- rules 2.51.0: the seventy-third and seventy-fourth rounds (development data) ---------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Is there a gas cleft in L1? Yes, beneath the upper endplate.", {IVC: True}),
        ("Gas cleft? No. TLF oedema? Also no.", {IVC: False, OEDEMA: False}),
        ("Q4: TLF oedema? A: yes, T12 to L2.", {OEDEMA: True}),
        ("Cement pattern? Trabecular.", {CEMENT: "spongy"}),
        ("Q2: any gas cleft? A: Yes, at T10.", {}),
        ("MRI: gas cleft? Y / N", {}),
        ("Wedge fracture. ? Yes", {}),
    ],
)
def test_each_question_of_a_line_is_read_with_the_answer_after_it(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Is the gas cleft filled? Yes.",
        "Is the gas cleft still there? No.",
    ],
)
def test_a_question_of_a_state_or_of_what_is_still_there_says_nothing_of_it_now(reader, text):
    assert firm(reader, text) == {}


def test_u_answers_a_field_in_doubt(reader):
    assert firm(reader, "Gas cleft (Y/N/U): U") == {}


def test_previously_opening_a_sentence_is_history(reader):
    assert firm(reader, "Previously the L4/5 multifidus was Goutallier 3.") == {}


# --- rules 2.52.0: the seventy-fifth and seventy-sixth rounds (development data) ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("| Lumbodorsal fascial oedema | Not seen² | ² STIR and T2 FS |", {OEDEMA: False}),
        ("CLEFT_FLAG = 0‡ (‡0 = no cleft in the L1 body)", {}),
    ],
)
def test_a_footnotes_marks_are_no_words(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_coded_fields_bare_number_is_no_answer(reader):
    assert firm(reader, "CLEFT_PRESENT = 1") == {}


def test_a_level_labelling_a_line_places_its_fields(reader):
    assert firm(reader, "Level: T11. Gas cleft: yes.") == {}


def test_an_aside_after_a_forms_boxes_is_no_option(reader):
    text = "Gas cleft in L1:   Yes [x]   No [ ]   (below the upper endplate)"
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Gas cleft in L1 [transcriber: word inaudible].",
        "Gas cleft in L1 (superseded report, not for issue).",
        "The lumbodorsal fascia has no oedema any more.",
        "TLF oedema: not commented on [omitted from the dictation].",
    ],
)
def test_text_inaudible_superseded_gone_or_not_commented_on_is_unknown(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("T12 | gas cleft | no", {}),
        ("L1 | gas cleft | no", {IVC: False}),
        ("LV1 | TLF oedema | yes", {OEDEMA: True}),
        ("L1 | gas cleft | no; T12 | gas cleft | yes", {IVC: False}),
    ],
)
def test_a_table_row_of_a_level_a_finding_and_an_answer_is_that_levels(reader, text, expected):
    assert firm(reader, text) == expected


# --- rules 2.53.0: the seventy-seventh and seventy-eighth rounds (development data) -------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gas cleft in L1: ni1.", {IVC: False}),
        ("Old IVC fi1ter noted.", {}),
        ("Gas cleft in L1 is probab1y present.", {}),
        ("Gas cleft at th12 and l1.", {IVC: True}),
    ],
)
def test_a_scanned_letter_read_as_a_digit_is_read_as_the_letter(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_vertebra_named_by_its_prefix_in_lower_case_is_no_scanned_word(reader):
    assert firm(reader, "Gas cleft in bwk11.") == {}


def test_a_contraction_written_without_its_apostrophe_denies(reader):
    assert firm(reader, "I didnt see a gas cleft in L1.") == {IVC: False}


@pytest.mark.parametrize(
    "text",
    [
        "TLF oedema cannot be exclude.",
        "A gas cleft in L1 cannot be confidently identified.",
    ],
)
def test_a_doubt_with_a_slip_or_an_adverb_in_it_is_a_doubt(reader, text):
    assert firm(reader, text) == {}


def test_a_field_left_to_be_completed_is_no_finding(reader):
    assert firm(reader, "CLEFT_YN = [blank] (to be completed by reader 2)") == {}


# --- rules 2.54.0: the seventy-ninth and eightieth rounds (development data) ---------------


def test_a_hedged_finding_stays_hedged_beside_a_comparison_of_its_size(reader):
    text = "A gas cleft in L1 is possibly present, smaller than on the June MRI."
    assert firm(reader, text) == {}


def test_a_new_finding_not_present_on_a_study_named_by_its_month_is_present(reader):
    text = "New oedema of the lumbodorsal fascia, not seen on the April MRI."
    assert firm(reader, text) == {OEDEMA: True}


def test_prior_findings_are_another_studys(reader):
    assert firm(reader, "Previous findings (CT 2023): gas cleft in L1, Goutallier 2.") == {}


def test_a_finding_that_had_settled_is_unknown(reader):
    assert firm(reader, "The TLF oedema of the May MRI had settled by August.") == {}


# --- rules 2.55.0: the eighty-first and eighty-second rounds (development data) -----------


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema not unlikely.",
        "A gas cleft in L1 is not improbable.",
        "TLF oedema is not without doubt.",
    ],
)
def test_a_finding_denied_to_be_unlikely_is_hedged(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "A gas cleft in L1 cannot be safely ruled out.",
        "TLF oedema cannot be shown with certainty.",
        "It cannot be stated with certainty that the lumbodorsal fascia is oedematous.",
        "Not definitely excluded: gas cleft in L1.",
        "The images do not speak against TLF oedema.",
        "Cement in L1 not clearly interdigitating.",
    ],
)
def test_a_denial_that_is_only_a_doubt_leaves_the_finding_unknown(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A gas cleft in L1 can be excluded.", {IVC: False}),
        ("Gas within the L1 body can be excluded on the reformats.", {IVC: False}),
        ("No hint of TLF oedema.", {OEDEMA: False}),
        ("Gas cleft is not to be found in L1.", {IVC: False}),
        ("L1 compression fracture, vacuum cleft sign negative.", {IVC: False}),
    ],
)
def test_a_finding_that_can_be_excluded_or_is_not_to_be_found_is_absent(reader, text, expected):
    assert firm(reader, text) == expected


def test_interdigitation_not_achieved_is_blocky(reader):
    text = "Interdigitation of the cement with the trabeculae was not achieved."
    assert firm(reader, text) == {CEMENT: "blocky"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The cement was not compact, nor did it interdigitate.", {}),
        ("Non-interdigitating, compact cement.", {CEMENT: "blocky"}),
    ],
)
def test_cement_denied_both_patterns_has_neither(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No oedema of the TLF;gas cleft in L1.", {IVC: True, OEDEMA: False}),
        ("- no retropulsion - no canal compromise - gas cleft in L1", {IVC: True}),
        ("- TLF oedema - no", {OEDEMA: False}),
        ("- TLF oedema - no - L1", {OEDEMA: False}),
    ],
)
def test_a_denial_ends_at_a_semicolon_typed_tight_or_at_the_dash_of_a_list(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gas cleft (L1):\nno", {IVC: False}),
        ("TLF OEDEMA:\nPRESENT", {OEDEMA: True}),
        ("GOUTALLIER L4/5:\n3", {GOUTALLIER: 3}),
    ],
)
def test_a_fields_answer_on_the_line_after_its_label_answers_it(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_level_given_on_a_line_of_its_own_is_the_level_of_the_fields_below(reader):
    assert firm(reader, "LEVEL: T11\nGAS CLEFT: PRESENT") == {}


def test_two_fields_on_one_line_with_one_space_between_are_read_apart(reader):
    assert firm(reader, "Gas cleft: no TLF oedema: yes") == {IVC: False, OEDEMA: True}


def test_a_slash_before_another_vertebras_words_ends_the_statement(reader):
    assert firm(reader, "T12 GAS CLEFT/L1 HEIGHT LOSS 20%") == {}


def test_the_worse_side_after_a_semicolon_is_the_grade(reader):
    assert firm(reader, "Goutallier L4/5 left 2; right 3") == {GOUTALLIER: 3}


def test_a_grade_given_as_not_lower_than_is_a_range(reader):
    text = "Erector spinae fat infiltration at L4/5 was not lower than grade 3 (Goutallier)."
    assert firm(reader, text) == {}


def test_a_forms_sub_field_on_the_next_line_keeps_the_answer_above_it(reader):
    text = "Gas cleft: [x] yes [ ] no\n  type: [x] gas [ ] fluid"
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goutallier L4/5 (R/L): 3 / 3", {GOUTALLIER: 3}),
        ("Goutallier: 1/1", {GOUTALLIER: 1}),
        ("Goutallier L4/5 (R/L): 2 / 3", {}),
    ],
)
def test_the_same_grade_for_both_sides_is_that_grade(reader, text, expected):
    assert firm(reader, text) == expected


# --- rules 2.56.0: the eighty-third and eighty-fourth rounds (development data) -----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goutallier grade 1 at the treated level and grade 3 at L4/5.", {GOUTALLIER: 3}),
        (
            "Paraspinal muscles at L4/5: Goutallier grade 2, well below the index vertebra.",
            {GOUTALLIER: 2},
        ),
        ("Goutallier 3 at the fracture level.", {}),
    ],
)
def test_a_grade_named_for_l4_5_counts_beside_the_treated_level(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_finding_the_treated_level_may_have_is_hedged(reader):
    assert firm(reader, "The index level may have a small gas cleft.") == {}


def test_the_level_treated_last_week_is_no_history(reader):
    assert firm(reader, "There is a gas cleft in the vertebra augmented last week.") == {IVC: True}


def test_little_cement_interdigitation_is_blocky(reader):
    assert firm(reader, "Little cement interdigitation with the trabeculae.") == {CEMENT: "blocky"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Multifidus at L4/5: fat is present but less than muscle.", {GOUTALLIER: 2}),
        ("The L4/5 multifidus is mostly fat.", {GOUTALLIER: 4}),
        ("Erector spinae at L4/5: fat constitutes over half of the muscle.", {GOUTALLIER: 4}),
    ],
)
def test_the_grade_from_more_wordings_of_its_definition(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A crescent of fluid beneath the superior endplate of L1.", {IVC: True}),
        ("Gas-filled crescent in the L1 body.", {IVC: True}),
        ("A crescent of gas in the L1/2 disc.", {}),
        ("Crescent of gas at T12.", {}),
    ],
)
def test_a_crescent_of_gas_or_fluid_in_the_treated_body_is_a_cleft(reader, text, expected):
    assert firm(reader, text) == expected


# --- rules 2.57.0: the eighty-fifth and eighty-sixth rounds (development data) ------------


@pytest.mark.parametrize(
    "text",
    [
        "Cement was injected into the naturally spongy inner bone.",
        "Once set, the cement is as solid as stone.",
        "Part of the cement spread like a sponge and part sat as a solid lump.",
    ],
)
def test_the_bones_own_spongy_inside_and_hardened_cement_are_no_pattern(reader, text):
    assert firm(reader, text) == {}


def test_cement_spread_like_a_sponge_is_spongy(reader):
    assert firm(reader, "Cement spread through L1 like a sponge.") == {CEMENT: "spongy"}


@pytest.mark.parametrize(
    "text",
    [
        "The referring hospital's report describes a gas cleft at L1.",
        "The preliminary report described a gas cleft at L1; I do not agree.",
        "The AI software flagged TLF oedema, not yet validated by a radiologist.",
        "Goutallier grade 2 and grade 4 by two readers; the disagreement was not resolved.",
    ],
)
def test_another_readers_finding_not_agreed_with_is_unknown(reader, text):
    assert firm(reader, text) == {}


def test_another_readers_finding_agreed_with_is_stated(reader):
    text = "The preliminary report described a gas cleft at L1; I agree."
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A small pocket of air inside the broken bone.", {IVC: True}),
        ("No fluid pocket in the broken bone.", {IVC: False}),
    ],
)
def test_a_pocket_of_air_or_fluid_in_the_broken_bone_is_a_cleft(reader, text, expected):
    assert firm(reader, text) == expected


def test_i_after_and_opens_a_clause_of_its_own(reader):
    text = "No TLF oedema on the outside read and I concur: gas cleft in L1."
    assert firm(reader, text) == {IVC: True}


# --- rules 2.58.0: the eighty-seventh and eighty-eighth rounds (development data) ---------


def test_a_finding_at_that_time_is_history(reader):
    text = "The fracture was treated in 2019; at that time it contained a gas cleft."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The L1 gas cleft has been filled with bone cement.",
        "The cleft is no longer identifiable as a separate cleft.",
    ],
)
def test_a_cleft_filled_or_no_longer_identifiable_says_nothing_of_it_now(reader, text):
    assert firm(reader, text) == {}


def test_a_pattern_that_will_need_confirmation_is_hedged(reader):
    assert firm(reader, "Interdigitated cement at L1, which will need confirmation on CT.") == {}


def test_tlfe_is_thoracolumbar_fascia_oedema(reader):
    assert firm(reader, "TLFE: yes") == {OEDEMA: True}


# --- rules 2.59.0: the eighty-ninth and ninetieth rounds (development data) ---------------


@pytest.mark.parametrize(
    "text",
    [
        "No gas cleft in L1 -- scratch 'no' -- gas cleft in L1.",
        "Multifidus at L4/5: Goutallier 2 [deleted].",
        "TLF oedema crossed out and replaced with interspinous ligament oedema.",
        "Amendment: the gas cleft at L1 is a Schmorl node, not a cleft.",
    ],
)
def test_a_statement_corrected_in_its_own_sentence_is_unknown(reader, text):
    assert firm(reader, text) == {}


def test_ivc_calcification_is_the_vena_cavas(reader):
    assert firm(reader, "IVC calcification, incidental.") == {}


def test_a_grade_at_the_level_of_the_acute_fracture_is_another_levels(reader):
    text = "At the level of the acute fracture the paraspinal muscles are Goutallier grade 2."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L1 compression fracture with IVC.", {IVC: True}),
        ("IVC compression by a mass.", {}),
    ],
)
def test_ivc_beside_a_compression_fracture_is_the_cleft(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_finding_not_visible_on_an_earlier_study_is_still_stated(reader):
    text = (
        "Linear gas beneath the superior endplate of L1, consistent with an intravertebral "
        "vacuum cleft (not visible as such on the MRI of 11.03.2024)."
    )
    assert firm(reader, text) == {IVC: True}


def test_an_approximate_size_is_no_doubt_on_the_finding(reader):
    text = (
        "A fluid collection in L1 measuring approximately 12 x 4 mm, consistent with an "
        "intravertebral fluid cleft."
    )
    assert firm(reader, text) == {IVC: True}


# --- rules 2.60.0: the ninety-first and ninety-second rounds (development data) -----------


@pytest.mark.parametrize(
    "text",
    [
        "Fluid cleft in the L1 body. This will need confirmation on CT.",
        "Cement in L1 looks interdigitated. The lateral view is poor and this cannot be confirmed.",
        "Gas in the L1 body. Whether this is intravertebral or in the disc is uncertain.",
        "TLF oedema at L1. This is questionable.",
        "TLF oedema at L1. It can't be confirmed on this study.",
        "Goutallier 3 at L4/5. This corrects the original report.",
    ],
)
def test_a_doubt_of_the_observation_in_the_next_sentence_leaves_it_unknown(reader, text):
    assert firm(reader, text) == {}


def test_a_doubt_in_the_next_sentence_reaches_only_what_that_sentence_stated(reader):
    # It doubts the observation, not what it means or the fracture ("whether the fracture is
    # new"), and not across a header: an addendum's first sentence starts a part of its own.
    assert firm(reader, "Fluid cleft in the L1 body. This will need confirmation.") == {}
    assert firm(reader, "Fluid cleft in L1. It is uncertain whether the fracture is new.") == {
        IVC: True
    }
    text = "Goutallier 3 at L4/5.\nADDENDUM: This corrects the original report's level."
    assert firm(reader, text) == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    "text",
    [
        "Thoracolumbar fascia oedema is seen. The above applies to L3-L4.",
        "A gas cleft is present. This is in the T12 body, above the fracture.",
        "Goutallier grade 4 of the multifidus. This refers to L5/S1.",
        "There is a vacuum cleft. It is at T12.",
    ],
)
def test_another_level_named_for_the_sentence_before_sets_it_aside(reader, text):
    assert firm(reader, text) == {}


def test_a_grade_placed_by_the_next_sentence_counts_only_at_l4_5(reader):
    assert firm(reader, "Goutallier grade 3 of the multifidus. This is at L4/5.") == {GOUTALLIER: 3}
    assert firm(reader, "Goutallier grade 3 of the multifidus. This is at L2/3.") == {}


def test_another_level_and_the_treated_one_named_for_the_sentence_before_leave_it_unknown(
    reader,
):
    text = "There is a vacuum cleft. This is at T11, an old fracture; the L1 fracture has none."
    assert firm(reader, text) == {}


def test_a_range_over_the_treated_level_keeps_the_sentence_before_read(reader):
    assert firm(reader, "Thoracolumbar fascia oedema. It spans T11 to L2.") == {OEDEMA: True}


# --- rules 2.61.0: the ninety-third and ninety-fourth rounds (development data) ------------


def test_a_finding_described_as_history_is_current_when_the_next_sentence_says_it_persists(
    reader,
):
    assert firm(reader, "A gas cleft in L1 was seen on the prior CT. It is unchanged.") == {
        IVC: True
    }
    assert firm(reader, "TLF oedema was noted on the prior MRI. It persists at L1.") == {
        OEDEMA: True
    }


@pytest.mark.parametrize(
    "text",
    [
        "A gas cleft in L1 was seen on the prior CT. It is no longer seen.",
        "A gas cleft in L1 was seen on the prior CT. It has been filled with cement.",
        "A gas cleft in L1 was seen on the prior CT. It is possibly unchanged.",
    ],
)
def test_a_finding_described_as_history_stays_unsaid_when_the_next_sentence_is_no_carrying_on(
    reader, text
):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cement was injected into L1. It forms a compact, solid mass.", "blocky"),
        ("Cement was injected into L1. It interdigitated with the trabeculae.", "spongy"),
    ],
)
def test_the_cement_carried_on_by_it_and_a_verb_of_its_pattern_is_read(reader, text, expected):
    assert firm(reader, text) == {CEMENT: expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vacuum cleft: ○ present ● absent", {IVC: False}),
        ("TLF oedema: ● yes ○ no", {OEDEMA: True}),
        ("Goutallier (L4/5): ○ 1 ● 2 ○ 3", {GOUTALLIER: 2}),
    ],
)
def test_a_filled_radio_button_ticks_its_option(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_line_of_boxes_going_on_after_its_last_option_keeps_what_follows(reader):
    assert firm(reader, "TLF oedema: [x] yes [ ] no -- levels: L4-S1") == {}


@pytest.mark.parametrize(
    "text",
    [
        "No longer seen is the fluid cleft in the L1 body.",
        "The L1 vacuum cleft is now occupied by cement.",
    ],
)
def test_a_cleft_no_longer_seen_or_occupied_by_cement_says_nothing_now(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The L1 cleft looks smaller, if indeed still present.",
        "Cement in L1 now looks compact, possibly due to projection.",
    ],
)
def test_a_doubt_on_whether_it_is_there_at_all_leaves_the_finding_unknown(reader, text):
    assert firm(reader, text) == {}


def test_an_artefact_as_the_cause_doubts_the_finding_and_another_cause_does_not(reader):
    # The control for the hedge above: a cause of the finding does not doubt it.
    assert firm(reader, "TLF oedema at L1, possibly due to projection.") == {}
    assert firm(reader, "TLF oedema at L1, likely post-traumatic.") == {OEDEMA: True}


def test_a_grade_in_a_row_of_the_muscles_at_another_segment_is_that_segments(reader):
    assert firm(reader, "| Paraspinal muscles L3/4 | Goutallier grade 2 |") == {}


# --- rules 2.62.0: the ninety-fifth and ninety-sixth rounds (development data) ------------


def test_all_but_the_treated_level_holding_a_cleft_denies_it_there(reader):
    text = "Of the three fractures (T12 to L2), all but L1 contain a gas cleft."
    assert firm(reader, text) == {IVC: False}


def test_a_grade_at_the_level_of_several_fractures_is_theirs(reader):
    text = "At the level of both fractures the multifidus is Goutallier grade 2."
    assert firm(reader, text) == {}


# --- rules 2.63.0: the ninety-seventh and ninety-eighth rounds (development data) ---------


def test_a_level_between_the_scale_and_its_side_grades_is_theirs(reader):
    assert firm(reader, "Goutallier at L3-4: R 2, L 2.") == {}
    assert firm(reader, "Goutallier at L4/5: right 2, left 3.") == {GOUTALLIER: 3}


def test_a_finding_not_convincingly_excluded_is_unknown(reader):
    assert firm(reader, "A fluid cleft in the L1 body is not convincingly excluded.") == {}


# --- rules 2.64.0: the ninety-ninth and hundredth rounds (development data) ---------------


def test_free_air_in_the_abdomen_beside_the_vertebral_body_is_no_cleft(reader):
    assert firm(reader, "Free intraperitoneal air anterior to the L1 vertebral body.") == {}


def test_an_ischaemic_cause_does_not_doubt_the_cleft(reader):
    text = "Gas in the L1 vertebral body, in keeping with a vacuum cleft, likely ischaemic."
    assert firm(reader, text) == {IVC: True}


def test_a_finding_favoured_before_a_comma_is_hedged(reader):
    assert firm(reader, "Fascial oedema favoured, see findings.") == {}


# --- rules 2.65.0: the hundred-and-first and hundred-and-second rounds (development data) --


@pytest.mark.parametrize(
    "text",
    [
        "Awaiting kyphoplasty, after which a blocky cement pattern is usual.",
        "Thin cement was used in the hope of a trabecular fill at L1.",
    ],
)
def test_what_is_usual_or_hoped_for_states_no_cement_pattern(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.66.0: the hundred-and-third and hundred-and-fourth rounds (development data) --


def test_a_field_after_a_level_and_a_dash_is_answered_at_that_level(reader):
    assert firm(reader, "Level L1 - fascial oedema: no") == {OEDEMA: False}
    assert firm(reader, "T12 - vacuum cleft: yes") == {}


def test_a_time_before_the_procedure_opening_the_sentence_is_its_clause_s(reader):
    assert firm(reader, "Prior to vertebroplasty, the L1 body contained a fluid cleft.") == {}
    assert firm(reader, "Before cement injection, the L1 body held a gas cleft.") == {}


def test_a_cleft_since_filled_says_nothing_of_the_cleft_now(reader):
    assert firm(reader, "The L1 cleft was subsequently filled.") == {}


def test_a_place_opening_the_sentence_places_the_grade_after_its_comma(reader):
    assert firm(reader, "At L5/S1, the multifidus shows Goutallier grade 2 change.") == {}
    assert firm(reader, "At L4-5, the multifidus shows Goutallier grade 2 change.") == {
        GOUTALLIER: 2
    }


def test_a_range_for_one_side_leaves_the_grade_unknown(reader):
    assert firm(reader, "Goutallier grade 2 on the right, 2-3 on the left.") == {}


def test_a_finding_that_probably_explains_another_is_hedged(reader):
    assert firm(reader, "A gas cleft in L1 possibly explains the pain.") == {}


# --- rules 2.67.0: the hundred-and-fifth and hundred-and-sixth rounds (development data) ---


@pytest.mark.parametrize(
    "text",
    [
        "Were a fluid cleft present in L1, the STIR images would show it.",
        "Had the cement been thinner, a trabecular pattern might have formed at L1.",
    ],
)
def test_an_inverted_condition_opening_the_sentence_supposes_what_follows(reader, text):
    assert firm(reader, text) == {}


def test_a_place_opening_the_sentence_is_each_finding_s_after_it(reader):
    text = "At L2 there is a gas cleft and oedema of the overlying thoracolumbar fascia."
    assert firm(reader, text) == {}


def test_an_inverted_condition_reaches_only_up_to_a_contrast(reader):
    text = "Had the fascia been oedematous, we would have waited; as it is, the fascia is normal."
    assert firm(reader, text) == {OEDEMA: False}


def test_no_does_not_reach_a_noun_with_an_article_of_its_own(reader):
    assert firm(reader, "No leak at T12 and a fluid cleft in L1.") == {IVC: True}


def test_what_might_have_been_expected_does_not_doubt_a_denial(reader):
    assert firm(reader, "No cleft in L1, though one might have been expected.") == {IVC: False}


def test_what_could_be_mistaken_for_a_finding_is_not_one(reader):
    assert firm(reader, "The band at L1 is a vein, easily mistaken for a fluid cleft.") == {}


def test_a_field_answered_n_a_with_full_stops_says_nothing(reader):
    assert firm(reader, "Vacuum cleft: n.a.") == {}


def test_an_equivocal_answer_given_for_a_level_leaves_the_finding_unknown(reader):
    assert firm(reader, "Posterior fascial oedema: +/- at L1") == {}


def test_a_plan_to_review_does_not_suppose_the_finding_before_it(reader):
    assert firm(reader, "No fluid cleft in L1, would review with the consultant.") == {IVC: False}
    assert firm(reader, "Fascial oedema at L1, would discuss at the spine meeting.") == {
        OEDEMA: True
    }


def test_the_fields_after_a_treated_level_field_are_that_level_s(reader):
    assert firm(reader, "Level treated: T12. Vacuum cleft: yes.") == {}


@pytest.mark.parametrize(
    "text", ["Goutallier 2 on the left, right 2-3.", "Goutallier has progressed from 1 to 2-3."]
)
def test_a_range_ending_the_sentence_or_given_now_leaves_the_grade_unknown(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.68.0: the hundred-and-seventh and hundred-and-eighth rounds (development data) --


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A fluid cleft in L1, and we would therefore proceed to vertebroplasty.", {IVC: True}),
        ("Trabecular cement throughout L1, as would be expected.", {CEMENT: "spongy"}),
        ("Goutallier 3 at L4/5, which could limit the recovery.", {GOUTALLIER: 3}),
    ],
)
def test_what_would_follow_from_a_finding_does_not_suppose_it(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Vacuum cleft: T11 -, L1 +.",
        "Cleft: T12 N / L1 Y",
        "Cleft: T12 nil, L1 present (fluid signal), L2 nil.",
    ],
)
def test_a_field_answered_by_level_with_signs_slashes_or_asides_is_read(reader, text):
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema at L1, which on balance I do not think is real.",
        "The L1 cleft is fluid-filled, isn't it, on STIR.",
        "Goutallier 3 at L4/5; I'm not so sure.",
        "Vacuum cleft: Y (reader 1) / N (reader 2) - to be reconciled",
        "A cleft in L1 may persist.",
        "The posterior fascia oedema is not seen clearly.",
    ],
)
def test_a_doubt_far_from_the_finding_leaves_it_unknown(reader, text):
    assert firm(reader, text) == {}


def test_a_break_dictated_as_words_ends_the_sentence(reader):
    assert firm(reader, "No cleft at T11 full stop At L1 there is a fluid cleft.") == {IVC: True}


def test_none_at_the_treated_level_after_a_finding_elsewhere_denies_it_there(reader):
    assert firm(reader, "Fluid cleft at T12. None at L1.") == {IVC: False}


# --- rules 2.69.0: the hundred-and-ninth and hundred-and-tenth rounds (development data) ---


def test_no_longer_a_finding_says_nothing_of_it_now(reader):
    assert firm(reader, "There is no longer a fluid cleft in L1.") == {}


def test_a_finding_not_seen_weeks_ago_is_present_now(reader):
    assert firm(reader, "A gas cleft in L1 today, not seen at 3 months.") == {IVC: True}


def test_a_cleft_the_cement_did_not_reach_is_present(reader):
    text = "Cement spreads through L1 but did not reach the gas cleft, which remains unfilled."
    assert firm(reader, text) == {IVC: True}


def test_a_cement_like_density_of_sclerosis_is_no_cement_pattern(reader):
    text = "Sclerosis of the healing L1 fracture gives a cloud-like density; no vertebroplasty."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    ["Trabecular cement pattern probably, on these portable views.", "Cement: blocky (favoured)."],
)
def test_a_cement_pattern_hedged_after_it_is_unknown(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.70.0: the hundred-and-eleventh and hundred-and-twelfth rounds (development data) --


def test_a_field_answered_apart_on_two_studies_leaves_the_finding_unknown(reader):
    assert firm(reader, "Vacuum cleft: absent on CT, present on MRI.") == {}


def test_a_finding_not_clear_leaves_it_unknown(reader):
    assert firm(reader, "Fluid cleft in the L1 body not clear on these images.") == {}


def test_findings_that_could_not_be_reliably_assessed_are_unknown(reader):
    text = "No cleft or fascial oedema could be reliably assessed because of motion."
    assert firm(reader, text) == {}


def test_a_solid_bony_union_is_no_cement_pattern(reader):
    assert firm(reader, "Solid bony union of the L1 fracture after augmentation.") == {}


# --- rules 2.71.0: the hundred-and-thirteenth and hundred-and-fourteenth rounds (development
# data) ---


def test_a_grade_range_written_with_a_tilde_leaves_the_grade_unknown(reader):
    assert firm(reader, "Multifidus fatty infiltration: Goutallier grade II~III.") == {}


def test_an_admission_diagnosis_is_no_finding_of_the_study(reader):
    assert firm(reader, "Admission diagnosis: Kummell disease of L1.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "The L1 body may contain a gas cleft.",
        "Cleft and fascial oedema were linked with residual pain in a published series.",
        "Selection criteria (reference only): intravertebral cleft, fascial oedema.",
        "Cement pattern [default: spongy - edit if otherwise]",
        "Cleft and fascial oedema recorded as missing.",
    ],
)
def test_a_possibility_a_general_statement_or_a_default_states_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_called_a_recognised_predictor_still_conflicts_with_its_denial(reader):
    text = "No vacuum cleft. Impression: vacuum cleft in L1, a recognised predictor of pain."
    assert firm(reader, text) == {}


# --- rules 2.72.0: the hundred-and-fifteenth and hundred-and-sixteenth rounds (development
# data) ---


@pytest.mark.parametrize(
    "text",
    [
        "The needle was aimed at the gas cleft described on the CT of last June.",
        "Fluid cleft seen on the pre-op MRI; cement now fills it.",
        "Kummell cavity now cement-filled.",
    ],
)
def test_a_cleft_of_an_earlier_study_or_since_cemented_says_nothing_now(reader, text):
    assert firm(reader, text) == {}


def test_what_can_be_associated_with_an_outcome_is_a_general_statement(reader):
    assert firm(reader, "Spongy cement can be associated with a better outcome.") == {}


def test_what_looks_like_a_finding_is_hedged(reader):
    assert firm(reader, "Looks like a fluid cleft in L1.") == {}


# --- rules 2.73.0: the hundred-and-seventeenth and hundred-and-eighteenth rounds (development
# data) ---


@pytest.mark.parametrize(
    "text",
    [
        "I am not fully convinced that there is no cleft in L1.",
        "Team felt posterior fascial oedema likely; review with the STIR.",
        "Fascial oedema: absent on STIR, present on T2 fat sat.",
        "Core lab reading 'fluid cleft: present'; adjudication pending.",
        "The ward note that 'cement is solid' refers to a portable film.",
    ],
)
def test_a_doubt_a_pending_adjudication_or_another_team_s_note_states_no_finding(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You cannot fail to see the gas cleft in L1.", {IVC: True}),
        ("Not merely marrow oedema: a fluid cleft in L1.", {IVC: True}),
        ("Neither the L1 cleft nor the fascial oedema has changed.", {IVC: True, OEDEMA: True}),
    ],
)
def test_a_negative_word_that_denies_nothing_leaves_the_finding_stated(reader, text, expected):
    assert firm(reader, text) == expected


def test_muscle_exceeding_fat_is_goutallier_grade_2(reader):
    assert firm(reader, "L4/5 paraspinal muscles: muscle clearly exceeds fat.") == {GOUTALLIER: 2}


@pytest.mark.parametrize(
    "text",
    [
        "Cement pattern reviewed: it is globular and confined to the cleft.",
        "Compact cement, limited to the gas cleft.",
    ],
)
def test_a_cleft_the_cement_is_confined_to_says_nothing_of_the_cleft_now(reader, text):
    assert firm(reader, text) == {CEMENT: "blocky"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No cleft in L1, contrary to the outside report.", {IVC: False}),
        ("Fat exceeds muscle at L4/5, agreeing with the outside reader.", {GOUTALLIER: 4}),
    ],
)
def test_disagreeing_or_agreeing_with_an_outside_read_keeps_the_reader_s_own_finding(
    reader, text, expected
):
    assert firm(reader, text) == expected


MARKDOWN_TABLE = """Levels reviewed:
| Level | Height loss | Cleft | Fascial oedema |
|-------|-------------|-------|----------------|
| T12   | 10%         | yes   | no             |
| L1    | 35%         | no    | yes            |
"""


@pytest.mark.parametrize(
    ("level", "expected"),
    [("L1", {IVC: False, OEDEMA: True}), ("T12", {IVC: True, OEDEMA: False})],
)
def test_a_table_s_row_is_read_with_its_columns_names_at_its_level(reader, level, expected):
    assert firm_at(reader, level, MARKDOWN_TABLE) == expected


def test_a_tab_separated_table_s_row_is_read_with_its_columns_names(reader):
    text = "Vertebra\tRetropulsion\tVacuum cleft\nL2\tN\tN\nL1\tN\tY\n"
    assert firm(reader, text) == {IVC: True}


def test_a_table_with_no_row_for_the_treated_level_says_nothing_of_it(reader):
    text = "| Level | Cleft | Fascial oedema |\n| L3 | yes | yes |\n"
    assert firm(reader, text) == {}


def test_boxes_ticked_under_answer_columns_answer_the_row_s_finding(reader):
    text = "Item            Yes    No\nVacuum cleft    [ ]    [x]\nTLF oedema      [x]    [ ]\n"
    assert firm(reader, text) == {IVC: False, OEDEMA: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Finding | Previous | Now\nVacuum cleft | absent | present\n", {IVC: True}),
        ("Finding | Baseline | Follow-up\nFascial oedema | absent | unchanged\n", {OEDEMA: False}),
        ("Finding | Prior | Current\nVacuum cleft | present | stable\n", {IVC: True}),
    ],
)
def test_a_table_s_column_of_an_earlier_study_is_history_and_unchanged_repeats_it(
    reader, text, expected
):
    assert firm(reader, text) == expected


# --- rules 2.74.0: the hundred-and-nineteenth and hundred-and-twentieth rounds (development
# data) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posterior fascia:\n    Oedematous over T12 and L1.", {OEDEMA: True}),
        ("2. Any vacuum cleft in the treated body?\n   No.", {IVC: False}),
    ],
)
def test_an_answer_indented_under_its_label_or_question_answers_it(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_grade_for_every_level_but_the_graded_one_is_another_level_s(reader):
    text = "Apart from L4/5, the paraspinal muscles are Goutallier grade 2."
    assert firm(reader, text) == {}


@pytest.mark.parametrize(("level", "expected"), [("L1", {IVC: True}), ("T12", {IVC: False})])
def test_a_denial_s_exception_at_the_treated_level_states_the_finding_there(
    reader, level, expected
):
    assert firm_at(reader, level, "No vacuum cleft is seen except at L1.") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema at L1, which has now resolved.",
        "Apart from resolution of the L1 cleft, appearances are stable.",
        "Spongy was defined as interdigitating cement; all other cases were classed as blocky.",
    ],
)
def test_what_has_resolved_or_is_left_out_or_defined_is_not_stated_now(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.75.0: the hundred-and-twenty-first and hundred-and-twenty-second rounds
# (development data) ---


@pytest.mark.parametrize(
    "text",
    [
        "Intravertebral cleft: the cleft seen on the earlier MRI has since resolved.",
        "Fascial oedema (thoracolumbar, T12-L2) has since resolved.",
        "Fluid cleft in L1†. †Since filled with cement.",
        "Goutallier 1 and 3 at L2/3 and L5/S1 respectively.",
    ],
)
def test_a_finding_resolved_or_placed_elsewhere_by_a_note_or_an_order_is_not_stated(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Gas cleft -- probably -- in L1.",
        "Thoracolumbar fascial oedema is probably also present.",
        "The cement (as far as one can tell on this film) forms a solid block.",
    ],
)
def test_a_hedge_between_dashes_beside_also_or_in_an_aside_is_read(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Item                  Y    N\nVacuum cleft          X\nTLF oedema                 X\n",
            {IVC: True, OEDEMA: False},
        ),
        ("Cleft [no]; fascial oedema [yes].", {IVC: False, OEDEMA: True}),
        ("`CLEFT=Y` `TLF_OEDEMA=N`", {IVC: True, OEDEMA: False}),
        ("TLF oedema: spared.", {OEDEMA: False}),
    ],
)
def test_a_mark_under_its_column_a_bracketed_or_coded_answer_or_spared_answers(
    reader, text, expected
):
    assert firm(reader, text) == expected


# --- rules 2.76.0: the hundred-and-twenty-third and hundred-and-twenty-fourth rounds
# (development data) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vacuum cleft: no. TLF oedema: likewise.", {IVC: False, OEDEMA: False}),
        ("TLF oedema: present. Cleft: the same.", {IVC: True, OEDEMA: True}),
        ("Cleft: the same.", {}),
    ],
)
def test_a_field_answered_likewise_repeats_the_answer_before_it(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Goutallier at L4/5: right 2, left a grade worse.",
        "The trial protocol defines a cleft as gas or fluid within the vertebral body.",
    ],
)
def test_a_grade_given_against_another_or_a_definition_states_nothing(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.77.0: the hundred-and-twenty-fifth and hundred-and-twenty-sixth rounds
# (development data) ---


def test_a_finding_absent_only_in_an_earlier_year_is_there_now(reader):
    text = "New oedema along the thoracolumbar fascia, not seen in 2019."
    assert firm(reader, text) == {OEDEMA: True}


@pytest.mark.parametrize(
    "text",
    [
        "Fascial oedema: borderline, second reader to adjudicate.",
        "Vacuum cleft: yes on MRI, no on CT; for radiology review.",
        "Cement partly interdigitated, with a denser solid core.",
    ],
)
def test_a_finding_left_to_another_reader_or_partly_one_pattern_is_not_read(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.78.0: the hundred-and-twenty-seventh and hundred-and-twenty-eighth rounds
# (development data) ---


def test_an_aside_after_a_line_of_boxes_is_no_option(reader):
    assert firm(reader, "Vacuum cleft: [ ] Yes [X] No (axial images reviewed).") == {IVC: False}


@pytest.mark.parametrize(
    "text",
    [
        "Software flag 'vacuum cleft at L1' (not reviewed).",
        "Overlay marks blocky cement in L1; awaiting review.",
    ],
)
def test_what_is_not_yet_reviewed_states_nothing(reader, text):
    assert firm(reader, text) == {}


# --- rules 2.79.0: the hundred-and-twenty-ninth and hundred-and-thirtieth rounds (development
# data) ---


@pytest.mark.parametrize(
    "text",
    ["| Posterior fascia | Oedema | [select] |", "| L1 | Height loss | 30% | Vacuum cleft | — |"],
)
def test_a_table_row_whose_last_cell_is_a_dash_or_a_picklist_is_unfilled(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The report called a cleft and fascial oedema; I am not convinced of either.",
        "Pain may come from the cleft or fascial oedema, neither of which can be assessed here.",
    ],
)
def test_a_doubt_of_either_or_what_cannot_be_assessed_states_nothing(reader, text):
    assert firm(reader, text) == {}

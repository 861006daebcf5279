"""Rules 2.4.0 to 2.11.0: where a sentence does not tie a value to this patient's treated
vertebra firmly, the finding stays unknown. Broad abstentions, each a class of wrong values that
unseen text produced, rather than phrases fitted to one sentence.

The sentences are our own, written for these tests (none is copied from the labelled sets);
each expectation follows from the corpus labelling rules (fixtures/corpus/README.md).
"""

from __future__ import annotations

import pytest

from .text_reading import CEMENT, GOUTALLIER, IVC, L1, OEDEMA, firm

# --- statements about a finding in general ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "An intravertebral vacuum cleft is a sign of osteonecrosis.",
        "Thoracolumbar fascia oedema is a feature of recent fractures.",
        # The predicate names the finding's words too ("gas collection"): still a definition.
        "Vacuum cleft (IVC) is a manifestation of osteonecrosis, a gas collection in the body.",
    ],
)
def test_a_finding_as_the_subject_of_a_general_statement_is_not_this_patients(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_described_as_a_thing_of_its_own_kind_is_stated(reader):
    # "is a large gas-filled space": a description of this patient's cleft, not a category.
    text = "The cleft is a large gas-filled space within the fractured body."
    assert firm(reader, text) == {IVC: True}


def test_a_general_remark_about_a_finding_named_at_a_vertebra_still_states_it(reader):
    # The level ties the mention to the patient; the remark only adds what it means.
    assert firm(
        reader, "Thoracolumbar fascia oedema is seen at L1 and is a feature of a recent fracture."
    ) == {OEDEMA: True}


# --- a grade on a scale the rules do not know -------------------------------------------------


def test_a_grade_after_a_scale_name_the_rules_do_not_know_is_no_goutallier_grade(reader):
    # Hoffmann is no fat scale the rules name: its grade 3 need not be Goutallier's 3.
    assert firm(reader, "Hoffmann grade 3 fatty change of the multifidus at L4/5.") == {}


def test_a_grade_after_a_capitalised_muscle_name_is_read(reader):
    assert firm(reader, "Multifidus grade 3 at L4/5.") == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    "text",
    [
        "Bilateral grade 3 fatty infiltration of the multifidus at L4/5.",
        "Bilateral Goutallier grade 3 at L4/5.",
    ],
)
def test_a_grade_after_a_capitalised_english_word_or_before_the_eponym_is_read(reader, text):
    assert firm(reader, text) == {GOUTALLIER: 3}


# --- two grades in one sentence ---------------------------------------------------------------


def test_two_grades_in_one_sentence_with_nothing_telling_them_apart_disagree(reader):
    # No side, muscle or time tells the 2 from the 3: two statements that disagree, not the
    # worse of two sides.
    assert firm(reader, "Goutallier 2 in the body of the report and grade 3 in the summary.") == {}


def test_two_grades_one_per_side_give_the_worse(reader):
    assert firm(reader, "Goutallier grade 2 on the left, grade 3 on the right at L4/5.") == {
        GOUTALLIER: 3
    }


# --- a sentence correcting another reading ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Correction: the cement is blocky.", CEMENT),
        ("The preliminary read called this a cleft; it is a disc vacuum.", IVC),
        ("Amended report: posterior fascia oedema is present at L1.", OEDEMA),
        ("Reviewing the axials, I would grade the L4/5 multifidus as Goutallier 2.", GOUTALLIER),
    ],
)
def test_a_sentence_correcting_another_reading_states_no_firm_value(reader, text, finding):
    read = reader.read([text], L1)
    assert finding in read and read[finding].value is None


def test_a_correcting_addendum_leaves_the_whole_report_unknown(reader):
    report = (
        "Findings: The cement distribution is blocky.\n"
        "Addendum: the original report is corrected; the cement distribution is spongy."
    )
    assert CEMENT not in firm(reader, report)


def test_an_addendum_that_only_adds_a_finding_counts(reader):
    report = "Findings: L1 fracture.\nAddendum: an intravertebral cleft is also seen at L1."
    assert firm(reader, report) == {IVC: True}


# --- a finding under "when" -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Kyphoplasty is preferred when an intravertebral cleft is present.",
        "Fascial oedema is seen when the fracture is recent.",
    ],
)
def test_a_finding_under_when_is_a_condition_not_a_finding(reader, text):
    assert firm(reader, text) == {}


def test_when_compared_with_a_prior_study_is_no_condition(reader):
    assert firm(reader, "When compared with the prior MRI, the cleft at L1 is larger.") == {
        IVC: True
    }


# --- two readings offered ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Cleft or fracture line at L1.",
        "A fracture line or a cleft at L1.",
        "Cleft vs. Schmorl node in L1.",
        "Tentatively an intravertebral cleft at L1.",
    ],
)
def test_a_finding_offered_as_one_of_two_readings_is_unknown(reader, text):
    read = reader.read([text], L1)
    assert IVC in read and read[IVC].value is None


@pytest.mark.parametrize(
    "text",
    [
        "A gas or fluid cleft is present within the collapsed body.",
        "Vacuum cleft or fluid cleft in L1.",
    ],
)
def test_or_between_kinds_of_the_finding_states_it(reader, text):
    assert firm(reader, text) == {IVC: True}


def test_or_under_a_denial_lists_what_is_denied(reader):
    assert firm(reader, "No cleft or fascial oedema at L1.") == {IVC: False, OEDEMA: False}


# --- a picklist in its template's markup ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Intravertebral cleft: ***present/absent***",
        "Cement distribution: {blocky/spongy}",
        "Goutallier grade: <<0/1/2/3/4>>",
    ],
)
def test_a_picklist_wrapped_in_template_markup_is_unfilled(reader, text):
    assert firm(reader, text) == {}


def test_an_answer_wrapped_in_template_markup_is_read(reader):
    assert firm(reader, "Intravertebral cleft: ***present***") == {IVC: True}


# --- a grade placed at another segment --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "At L2/3 the multifidus shows Goutallier grade 3 fatty change.",
        "Paraspinal muscles: at L5-S1, streaky fat in the multifidus (Goutallier 1).",
    ],
)
def test_a_grade_in_a_clause_opening_at_another_segment_is_not_l45s(reader, text):
    assert firm(reader, text) == {}


def test_a_grade_in_a_clause_opening_at_l45_is_read(reader):
    assert firm(reader, "At L4-5 the multifidus shows Goutallier grade 3 fatty change.") == {
        GOUTALLIER: 3
    }


def test_a_fracture_level_earlier_in_the_clause_does_not_place_the_grade(reader):
    text = "Fracture at L1 with severe paraspinal fatty degeneration (Goutallier 4)."
    assert firm(reader, text)[GOUTALLIER] == 4


# --- general statements about the cement --------------------------------------------------------


def test_a_cement_pattern_defined_in_general_is_not_this_patients(reader):
    text = "A spongy pattern refers to cement that interdigitates with the trabeculae."
    assert firm(reader, text) == {}


# --- drafts and their edits ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Auto-populated value: Goutallier 1 at L4/5.",
        "Attending edit: Goutallier 2 at L4/5.",
    ],
)
def test_a_draft_value_or_its_edit_states_no_firm_grade(reader, text):
    read = reader.read([text], L1)
    assert GOUTALLIER in read and read[GOUTALLIER].value is None


# --- what an examination cannot tell ------------------------------------------------------------


def test_what_a_modality_cannot_tell_apart_is_neither_present_nor_absent(reader):
    text = (
        "Radiographs cannot confidently differentiate an intravertebral cleft from a fracture line."
    )
    read = reader.read([text], L1)
    assert IVC in read and read[IVC].value is None


# --- a finding that would develop ---------------------------------------------------------------


def test_a_finding_that_develops_under_a_condition_is_hypothetical(reader):
    text = "Should the fracture collapse further and a vacuum cleft develops, kyphoplasty may help."
    assert IVC not in firm(reader, text)


def test_a_finding_that_has_developed_is_present(reader):
    assert firm(reader, "A vacuum cleft has developed in L1 since the prior study.") == {IVC: True}


# --- a lumbar level is no side ------------------------------------------------------------------


def test_grades_of_two_sentences_both_at_l45_disagree(reader):
    # "L4/5" names a segment, not the left side: the findings' 2 and the conclusion's 3 are two
    # statements that disagree, not two sides.
    report = (
        "Findings: Multifidus at L4/5 with less fat than muscle, Goutallier 2.\n"
        "Conclusion: Goutallier grade 3 fatty degeneration at L4/5."
    )
    assert GOUTALLIER not in firm(reader, report)


def test_grades_for_the_left_and_right_side_give_the_worse(reader):
    assert firm(reader, "Goutallier R: 3, L: 2 at L4/5.") == {GOUTALLIER: 3}


# --- thoracic paraspinal muscles and dated prior films --------------------------------------------


def test_a_grade_of_the_thoracic_paraspinals_is_not_l45s(reader):
    text = "Goutallier 1 at L4/5, whereas the thoracic paraspinals show grade 3."
    assert firm(reader, text) == {GOUTALLIER: 1}


def test_a_finding_on_a_film_dated_by_month_and_year_is_history(reader):
    assert firm(reader, "Radiograph of June 2021: globular cement.") == {}


# --- "rather than" ------------------------------------------------------------------------------


def test_rather_than_denies_its_own_noun_not_the_rest_of_the_clause(reader):
    text = (
        "Gas within the L1 vertebral body rather than the disc, consistent with an "
        "intravertebral cleft."
    )
    assert firm(reader, text) == {IVC: True}


def test_rather_than_before_the_finding_denies_it(reader):
    assert firm(reader, "Disc vacuum rather than an intravertebral cleft.") == {IVC: False}


# --- a denial and the comma after it ------------------------------------------------------------


def test_a_denial_ends_at_a_comma_no_list_goes_on_from(reader):
    text = "L1 fracture without an intravertebral cleft, thoracolumbar fascia oedema T12-L2."
    assert firm(reader, text) == {IVC: False, OEDEMA: True}


def test_a_denial_reaches_a_list_closed_by_or(reader):
    text = "L1 fracture without an intravertebral cleft, retropulsion or fascial oedema."
    assert firm(reader, text) == {IVC: False, OEDEMA: False}


def test_a_clause_whose_verb_states_a_general_tendency_holds_no_finding(reader):
    assert firm(reader, "Cement placed in a cleft tends to form a globular mass.") == {}


def test_a_copula_in_a_clause_about_this_patient_is_no_general_statement(reader):
    assert firm(reader, "A cleft is seen in the fractured vertebra.") == {IVC: True}


# --- rules 2.5.0 --------------------------------------------------------------------------------


def test_a_disease_defined_with_a_finding_in_a_sentence_naming_no_vertebra_is_no_finding(reader):
    # What the syndrome is in general, not what this patient's study shows.
    text = "Kummell syndrome is avascular necrosis of a vertebral body, seen as a vacuum cleft."
    assert firm(reader, text) == {}


def test_a_disease_named_at_a_vertebra_with_a_finding_still_states_it(reader):
    assert firm(reader, "Kummell disease is present at L1, with a vacuum cleft.") == {IVC: True}


def test_a_second_grade_given_by_grade_alone_in_another_clause_disagrees(reader):
    # "grade 4" after "but" is the same scale's: two values no side or time tells apart.
    text = "Goutallier grade 3 on the axial images but grade 4 on the sagittal ones."
    assert firm(reader, text) == {}


def test_a_grade_on_another_named_scale_beside_a_goutallier_grade_is_no_second_grade(reader):
    text = "Goutallier grade 1 at L4/5; the L4/5 disc is Pfirrmann grade 3."
    assert firm(reader, text) == {GOUTALLIER: 1}


def test_a_bare_grade_given_for_another_level_is_that_levels(reader):
    text = "Goutallier 2 at L4/5 but grade 3 at L5/S1."
    assert firm(reader, text) == {GOUTALLIER: 2}


def test_a_hedge_between_the_scales_name_and_its_grade_leaves_the_grade_unknown(reader):
    assert firm(reader, "Multifidus Goutallier probably 4 at L4-5.") == {}


def test_a_denial_followed_by_or_a_small_one_is_no_firm_denial(reader):
    assert firm(reader, "No intravertebral cleft at L1, or at most a small one.") == {}


def test_a_denial_followed_by_or_and_another_finding_still_denies_both(reader):
    text = "L1 fracture without a vacuum cleft or posterior fascia oedema."
    assert firm(reader, text) == {IVC: False, OEDEMA: False}


def test_a_finding_favoured_over_another_reading_is_unknown(reader):
    assert firm(reader, "Gas cleft within L1, favored over a fracture gap.") == {}


def test_a_later_clause_offering_another_reading_of_it_leaves_the_finding_unknown(reader):
    # "it might be ...": the pronoun takes the cleft back, as one of two readings.
    text = (
        "An intravertebral cleft is present in L1, though on the coronal reformats"
        " it might be a fracture gap."
    )
    assert firm(reader, text) == {}


def test_a_grade_for_muscles_placed_at_another_segment_after_it_is_not_l45s(reader):
    assert firm(reader, "Goutallier 3 fatty infiltration of the multifidus at L3/4.") == {}


def test_a_grade_for_muscles_placed_at_l45_after_it_is_l45s(reader):
    text = "Goutallier 3 fatty infiltration of the multifidus at L4/5."
    assert firm(reader, text) == {GOUTALLIER: 3}


def test_a_grade_for_muscles_placed_at_another_level_words_after_them_is_not_l45s(reader):
    # The treated level is no exception: the study graded L4/5.
    text = "Erector spinae with some fatty change at L1 (Goutallier 2)."
    assert firm(reader, text) == {}


def test_a_grade_for_muscles_placed_at_l45_words_after_them_is_l45s(reader):
    text = "Erector spinae with some fatty change at L4/5 (Goutallier 2)."
    assert firm(reader, text) == {GOUTALLIER: 2}


def test_no_before_a_noun_after_a_colon_denies_that_noun_not_the_field_before(reader):
    # "L2: no cleft" is the next field's denial, not an answer "no" to the L1 field.
    assert firm(reader, "L1: gas-filled cleft, L2: no cleft.") == {IVC: True}


def test_no_as_a_fields_whole_answer_still_denies_it(reader):
    text = "Vacuum cleft: no, fascia oedema: yes."
    assert firm(reader, text) == {IVC: False, OEDEMA: True}


# --- rules 2.6.0 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # A hedge after the noun, with no verb before it.
        "Fluid cleft presumed within the L1 body.",
        "Thoracolumbar fascia oedema suspected on the STIR images.",
        # "suggest" as the verb of the sentence.
        "The STIR images suggest oedema of the thoracolumbar fascia.",
        # A reading the finding "could correspond to", left for another study to confirm.
        "A linear lucency that might correspond to a vacuum cleft in L1.",
        "Gas cleft in the L1 body, to confirm on a dedicated CT.",
    ],
)
def test_a_hedge_after_the_finding_or_as_the_sentences_verb_leaves_it_unknown(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Comparison MRI 14.11.2023: fluid cleft in the L1 body.",
        "Prior CT of 2 May 2023: gas within the L1 vertebral body.",
    ],
)
def test_a_finding_under_a_label_naming_a_comparison_study_is_that_studys(reader, text):
    assert firm(reader, text) == {}


def test_the_line_after_a_label_naming_a_comparison_study_is_this_reports(reader):
    text = "Comparison MRI 14.11.2023: no cleft.\nFluid cleft in the L1 body."
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        # What was described before is history unless the sentence says it persists.
        "The previously described gas cleft at L1 is packed with cement.",
        # The cleft as what the cement fills: the cement's place, not the cleft now.
        "PMMA fills the vacuum cleft of L1 completely.",
        "Augmented L1: the cement fills the gas cleft.",
    ],
)
def test_a_cleft_named_as_described_before_or_as_what_cement_fills_is_no_cleft_now(reader, text):
    assert firm(reader, text) == {}


def test_a_cleft_described_before_and_seen_again_is_current(reader):
    assert firm(reader, "The previously noted fluid cleft is again seen in L1.") == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        "Unchanged gas cleft in L1, thoracolumbar fascia oedema has resolved.",
        # Nor does the resolution deny the first item.
        "Unchanged gas cleft in L1, thoracolumbar fascia oedema now resolved.",
    ],
)
def test_persistence_before_a_list_item_does_not_reach_a_resolution_after_the_comma(reader, text):
    assert firm(reader, text) == {IVC: True}


def test_a_prior_report_pasted_into_this_one_is_the_prior_studys_headers_and_all(reader):
    text = (
        "FINDINGS:\n"
        "Gas cleft within the L1 body. The thoracolumbar fascia is normal.\n"
        "\n"
        "PREVIOUS REPORT:\n"
        "CT THORACOLUMBAR SPINE\n"
        "FINDINGS: L1 fracture without a cleft. Oedema along the thoracolumbar fascia.\n"
        "IMPRESSION: Goutallier 3 at L4/5.\n"
    )
    assert firm(reader, text) == {IVC: True, OEDEMA: False}


def test_a_blank_line_after_a_pasted_prior_report_ends_it(reader):
    text = "Prior report:\nFINDINGS: no cleft.\n\nIMPRESSION:\nFluid cleft in L1."
    assert firm(reader, text) == {IVC: True}


def test_a_diagnosis_offered_in_favour_of_after_a_firm_description_is_firm(reader):
    # ", in favour of" names what the finding described supports, as "compatible with" does.
    text = "Fluid cleft beneath the L1 endplate, in favour of Kummell disease."
    assert firm(reader, text) == {IVC: True}


def test_a_finding_favoured_without_a_firm_description_stays_unknown(reader):
    assert firm(reader, "Appearances favour a Kummell cleft at L1.") == {}


def test_a_denial_of_a_degree_reaches_each_noun_of_a_list_closed_by_or(reader):
    # "No significant" admits some of either; the second noun is not stated present.
    text = "No significant canal stenosis or thoracolumbar fascia oedema."
    assert firm(reader, text) == {}


# --- rules 2.7.0 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "texts",
    [
        # A machine's finding followed by its own low confidence: a hedge, not a finding.
        ("Software finding: intravertebral gas cleft at L1. Confidence: low.",),
        ("Automated read: oedema of the thoracolumbar fascia (confidence: moderate).",),
    ],
)
def test_a_finding_given_with_a_low_confidence_stays_unknown(reader, texts):
    assert firm(reader, *texts) == {}


def test_a_finding_given_with_a_high_confidence_is_stated(reader):
    text = "Software finding: intravertebral gas cleft at L1. Confidence: high."
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The denial closes the sentence after an aside about the finding.
        (
            "Oedema of the lumbodorsal fascia, which would point to a recent injury, is absent.",
            {OEDEMA: False},
        ),
        (
            "A vacuum cleft, which is a sign of non-union, has not been seen at L1.",
            {IVC: False},
        ),
    ],
)
def test_a_denial_after_a_relative_clause_between_commas_denies_the_subject(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "After augmentation of L1 the cement is trabecular and the cleft is entirely filled.",
        "L1 treated: the cleft fully filled, cement well spread.",
    ],
)
def test_a_cleft_said_to_be_filled_after_augmentation_is_no_cleft_now(reader, text):
    read = firm(reader, text)
    assert IVC not in read


@pytest.mark.parametrize(
    "text",
    [
        "A gas cleft and oedema of the thoracolumbar fascia at T11.",
        "Oedema of the dorsal fascia and a vacuum cleft in T12.",
    ],
)
def test_a_level_after_a_list_of_two_findings_is_the_level_of_both(reader, text):
    assert firm(reader, text) == {}


def test_a_level_inside_the_second_item_of_a_list_is_that_items_only(reader):
    # The level stands before the list goes on, so the first item has none of its own.
    assert firm(reader, "Fascial oedema at T12, and a gas cleft.") == {IVC: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L1: collapse 40%, vacuum cleft no, fascia oedema yes.", {IVC: False, OEDEMA: True}),
        ("L1: gas cleft yes, thoracolumbar fascia oedema no.", {IVC: True, OEDEMA: False}),
    ],
)
def test_an_answer_right_after_a_findings_name_in_a_list_is_its_value(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_level_heading_a_list_of_answers_is_every_items_level(reader):
    assert firm(reader, "T11: gas cleft yes, lumbodorsal fascia oedema no.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Lumbodorsal fascia: oedema / normal (circle one)",
        "Vacuum cleft: present / absent (delete as appropriate)",
        "Fascia: normal / oedematous (select one)",
    ],
)
def test_options_with_an_instruction_to_pick_one_are_an_unfilled_template(reader, text):
    assert firm(reader, text) == {}


def test_gas_in_the_disc_and_not_within_the_treated_body_is_no_cleft(reader):
    text = "On review, the gas lies within the L1-L2 disc and not within the L1 vertebral body."
    assert firm(reader, text) == {IVC: False}


def test_oedema_of_a_range_sparing_the_treated_level_is_absent_there(reader):
    text = "Oedema of the lumbodorsal fascia from T10 to T12, sparing the L1 level."
    assert firm(reader, text) == {OEDEMA: False}


def test_a_hedged_finding_a_later_clause_explains_by_a_supposition_stays_in_doubt(reader):
    # "this happens when ...": the supposition is about the finding named before; the hedge
    # on that finding still stands, so the report's firm statement is disputed.
    texts = (
        "Intravertebral gas cleft at L1.",
        "A vacuum cleft in L1 might be present; this is common when a fracture fails to heal.",
    )
    assert firm(reader, *texts) == {}


# --- rules 2.8.0 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # Advice on where a finding would be judged better is no finding.
        "A gas cleft in L1 might be better evaluated with CT.",
        "Fascial oedema could be further characterised on STIR imaging.",
    ],
)
def test_advice_on_how_a_finding_would_be_assessed_better_states_nothing(reader, text):
    assert firm(reader, text) == {}


def test_a_finding_seen_at_a_named_level_is_not_advice(reader):
    assert firm(reader, "A cleft in L1, better seen on the sagittal images.") == {IVC: True}


@pytest.mark.parametrize(
    "text",
    [
        # What a patient or relative says they were told is an account, not a reading.
        "Ward note: the patient says the consultant found a cleft in the L1 vertebra.",
        "Pt states her GP said there is oedema of the thoracolumbar fascia.",
    ],
)
def test_a_patients_account_of_what_they_were_told_is_not_a_finding(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        # A doubt conceded in an "although" clause is on what the sentence states.
        "Although the features are not entirely typical, L1 holds a gas cleft.",
        "Fluid cleft in the L1 body, though an ordinary fracture line cannot be ruled out.",
    ],
)
def test_a_doubt_conceded_by_although_hedges_the_sentence(reader, text):
    assert firm(reader, text) == {}


def test_a_conceded_doubt_naming_another_finding_leaves_the_first_firm(reader):
    text = "Gas cleft in L1, although oedema of the lumbodorsal fascia cannot be excluded."
    assert firm(reader, text) == {IVC: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A level heading the muscles graded is where the grade is: at another segment, unknown.
        ("L3/4 erector spinae Goutallier 1.", {}),
        ("L5-S1: paraspinal musculature, Goutallier grade 3.", {}),
        # At the segment the study graded it counts.
        ("L4-5 erector spinae Goutallier 1.", {GOUTALLIER: 1}),
    ],
)
def test_a_level_heading_the_muscles_graded_places_the_grade(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Both patterns given their meanings: a legend of the terms, no finding.
        ("Solid = one compact mass; trabecular = cement between the trabeculae.", {}),
        # The legend's line says nothing; the report's own statement after it counts.
        ("Blocky = solid; spongy = trabecular. The L1 cement is spongy.", {CEMENT: "spongy"}),
    ],
)
def test_a_legend_of_the_cement_patterns_is_no_finding(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_level_denied_for_one_finding_says_nothing_of_another_named_after_it(reader):
    # "none at L1" reaches back to the cleft; the oedema after the semicolon is placed at T11
    # alone, which says nothing of L1.
    text = "Gas cleft in T11 but none in L1; lumbodorsal fascia oedema at T11 only."
    assert firm(reader, text) == {IVC: False}

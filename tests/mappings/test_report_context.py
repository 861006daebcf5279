"""What a report says around a finding: hedges, history, requests, someone else's finding,
and the lookalike structures and leaks that are not the finding at all. Precision first: each
of these sentences, read as a firm value, would be the worst kind of error.

The sentences are our own, written for these tests (none is copied from the labelled sets).
"""

from __future__ import annotations

import pytest

from .text_reading import CEMENT, GOUTALLIER, IVC, OEDEMA, firm


@pytest.mark.parametrize(
    "text",
    [
        "Gas within the L1 body, probably.",
        "A cleft in L1 is suspected.",
        "Posterior fascial oedema may be present.",
        "High T2 signal along the lumbodorsal fascia, possibly oedema.",
        "Faint STIR brightness along the posterior fascia could reflect oedema or motion.",
        "An intravertebral cleft is the favoured explanation.",
        "Kummell disease remains a possibility.",
        "Kummell disease is among the differential considerations.",
        "Vacuum cleft at L1 (query).",
        "A cleft in L1 cannot be confidently excluded.",
        "Cleft not well assessed on this study.",
        "Equivocal fluid cleft in L1.",
        "Fluid cleft in L1 versus a fracture line.",
    ],
)
def test_a_hedge_after_the_finding_reaches_back_to_it(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The fascial oedema is probably post-traumatic.", {OEDEMA: True}),
        ("Cleft in L1, likely related to osteonecrosis.", {IVC: True}),
        ("Gas cleft in L1, of uncertain age.", {IVC: True}),
    ],
)
def test_a_hedge_on_the_cause_or_age_leaves_the_finding_firm(reader, text, expected):
    assert firm(reader, text) == expected


def test_approximately_equal_fat_and_muscle_is_the_definition_of_grade_3(reader):
    text = "In the multifidus at L4/5 fat is approximately equal to muscle."
    assert firm(reader, text) == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    "text",
    ["Approximately Goutallier 3 at L4/5.", "Goutallier grade 2 or possibly 3 at L4/5."],
)
def test_an_approximate_or_alternative_grade_is_not_read(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "An intravertebral cleft was demonstrated on the CT of 3 March.",
        "The MRI of last month showed fascial oedema.",
        "At the time of the initial MRI there was a cleft in L1.",
        "Comparison with the MRI dated 2 May, which showed an L1 cleft.",
        "Outside CT demonstrated a vacuum cleft in L1.",
        "Known posterior fascial oedema.",
        "Goutallier grade 2 on the 2019 MRI.",
        "The cleft has since filled with cement.",
    ],
)
def test_a_finding_of_a_prior_study_or_the_past_is_not_read(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The cleft seen on the prior CT is again demonstrated.", {IVC: True}),
        ("Fascial oedema has decreased since the previous study but persists.", {OEDEMA: True}),
        ("Interval development of a vacuum cleft in L1, not seen on the prior MRI.", {IVC: True}),
        ("The L1 cleft is larger than on the previous study.", {IVC: True}),
        ("New intravertebral cleft in L1 compared with the CT of last week.", {IVC: True}),
    ],
)
def test_a_persistent_new_or_changed_finding_is_current(reader, text, expected):
    assert firm(reader, text) == expected


def test_now_ends_the_reach_of_a_past_grade(reader):
    assert firm(reader, "Goutallier 1 at L4/5 in 2018, now Goutallier 3.") == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    "text",
    [
        "Please assess for a vacuum cleft at L1.",
        "Evaluate the lumbodorsal fascia for edema.",
        "Kindly grade the multifidus (Goutallier) at L4/5.",
        "Recommend CT to look for an intravertebral cleft.",
        "Correlate clinically for fascial oedema.",
        "MRI requested to exclude Kummell disease.",
        "Further assessment with CT is suggested to confirm a vacuum cleft.",
        "Fascial oedema is a recognised predictor of residual pain.",
        "Should cement be blocky, refracture is more likely.",
    ],
)
def test_a_request_instruction_or_general_statement_is_not_read(reader, text):
    assert firm(reader, text) == {}


def test_a_grade_given_at_someones_request_is_read(reader):
    text = "At the request of the spine team the multifidus at L4/5 was reviewed: Goutallier 2."
    assert firm(reader, text) == {GOUTALLIER: 2}


def test_a_relatives_finding_is_not_the_patients(reader):
    assert firm(reader, "Family history of Kummell disease.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Oedema of the plantar fascia.",
        "Fascia lata oedema in the left thigh.",
        "Oedema of the fascia of the gluteus medius.",
        "Oedema of the deep cervical fascia.",
        "Subcutaneous fascial planes are oedematous.",
        "Gas in a paravertebral vein at L1.",
        "Sagittal cleft vertebra, a developmental variant.",
    ],
)
def test_the_same_word_for_another_structure_is_not_the_finding(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Blocky cement in the paravertebral venous plexus.",
        "A solid plug of cement in the inferior vena cava.",
        "Compact cement fragment in a segmental pulmonary artery.",
        "Globular cement outside the vertebral body, in the psoas.",
        "Solid cement deposit along the needle track.",
        "A nodular focus of cement lies in the L1-2 disc.",
    ],
)
def test_cement_in_a_vessel_or_outside_the_body_says_nothing_of_distribution(reader, text):
    assert firm(reader, text) == {}


def test_a_denied_leak_keeps_the_distribution(reader):
    text = "Blocky cement fills the L1 body without leakage into the disc or veins."
    assert firm(reader, text) == {CEMENT: "blocky"}


def test_a_question_mark_after_a_space_hedges_what_follows_and_ends_no_sentence(reader):
    assert firm(reader, "Linear T2 hyperintensity, ? early fluid cleft.") == {}


def test_a_colon_before_a_new_subject_ends_the_clause_of_a_question(reader):
    text = "Clinical question of a cleft: there is a gas cleft in L1."
    assert firm(reader, text) == {IVC: True}


def test_a_template_label_with_its_boxes_on_the_next_line_is_read(reader):
    text = "Goutallier grade (L4/5):\n  [ ] 0  [ ] 1  [x] 2  [ ] 3  [ ] 4"
    assert firm(reader, text) == {GOUTALLIER: 2}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Multifidus and erector spinae at L4/5: Goutallier 2 and 4 respectively.", 4),
        ("Paraspinal Goutallier grade, L4/5: III", 3),
    ],
)
def test_grades_listed_per_muscle_or_after_a_comma_and_level_are_read(reader, text, expected):
    assert firm(reader, text) == {GOUTALLIER: expected}


def test_an_addendum_header_with_an_aside_is_a_section_that_is_read(reader):
    text = "Clinical details: back pain.\nADDENDUM (late entry): Goutallier grade 3 at L4/5."
    assert firm(reader, text) == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    "text",
    [
        "Vacuum cleft: yes/no",
        "Vacuum cleft: Y / N",
        "Cement distribution: blocky / spongy",
        "Cement distribution: [blocky/spongy]",
    ],
)
def test_a_field_offering_its_choices_is_unfilled(reader, text):
    assert firm(reader, text) == {}


def test_dot_leaders_separate_a_templates_label_from_its_value(reader):
    assert firm(reader, "Vacuum cleft .......... none") == {IVC: False}


def test_a_spared_fascia_beside_oedema_elsewhere_is_absent(reader):
    text = "Oedema of the paraspinal muscles with sparing of the posterior fascia."
    assert firm(reader, text) == {OEDEMA: False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Appearances may be due to a fluid cleft.", {}),
        ("The fascial oedema may be due to the fall.", {OEDEMA: True}),
    ],
)
def test_may_be_hedges_what_follows_it_not_the_finding_before(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    ["The IVC is compressed by the aneurysm.", "Cement in the IVC.", "The IVC is flattened."],
)
def test_ivc_beside_words_of_the_vena_cava_is_not_a_cleft(reader, text):
    assert firm(reader, text) == {}


def test_a_grade_listed_after_a_comma_with_its_level_is_read_for_that_level(reader):
    assert firm(reader, "Goutallier 2 (L3/4), 3 (L4/5).") == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fat occupies more than 50% of the multifidus cross-section at L4/5.", {GOUTALLIER: 4}),
        ("Less than 50% fatty infiltration of the multifidus.", {}),
    ],
)
def test_fat_over_half_the_muscle_is_grade_4_and_under_half_is_not_a_grade(reader, text, expected):
    assert firm(reader, text) == expected


# --- recall: the same general mechanisms, read where they state a finding -------------------


@pytest.mark.parametrize(
    "text",
    [
        "No canal compromise; the lumbodorsal fascia, however, is oedematous.",
        "No marrow signal change; the lumbodorsal fascia however shows high STIR signal.",
    ],
)
def test_however_inside_a_clause_does_not_cut_it(reader, text):
    assert firm(reader, text) == {OEDEMA: True}


def test_and_after_a_negated_clause_with_its_own_verb_begins_a_clause(reader):
    text = "There is no canal narrowing and lumbodorsal fascial oedema is present."
    assert firm(reader, text) == {OEDEMA: True}


def test_two_nouns_before_one_verb_are_one_subject(reader):
    text = "Fat and muscle are seen in equal amounts in the multifidus at L4/5."
    assert firm(reader, text) == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No fluid cleft, although the L3/4 disc contains gas.", {IVC: False}),
        ("No marrow oedema at T11, but the dorsal fascia is oedematous.", {OEDEMA: True}),
    ],
)
def test_a_level_after_a_word_of_contrast_or_of_a_lookalike_is_not_the_findings(
    reader, text, expected
):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Solid cement within the previously described cleft.", {CEMENT: "blocky"}),
        ("The former cleft is filled by a compact cement mass.", {CEMENT: "blocky"}),
        ("Goutallier 3 at L4/5, previously grade 2.", {GOUTALLIER: 3}),
    ],
)
def test_a_past_adjective_reaches_its_own_noun_only(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    ["The cement does not interdigitate with the bone.", "Cement lump, not interdigitated."],
)
def test_denied_interdigitation_is_blocky(reader, text):
    assert firm(reader, text) == {CEMENT: "blocky"}


def test_a_sign_after_a_finding_states_it(reader):
    text = "L1: IVC+, TLF oedema (-)."
    assert firm(reader, text) == {IVC: True, OEDEMA: False}


def test_a_grade_before_the_eponym_in_brackets_is_read(reader):
    assert firm(reader, "Grade at L4-5: 3 (Goutallier).") == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vaccum phenomenon within the L1 vertebral body.", {IVC: True}),
        ("Lumbodorsal facia oedema.", {OEDEMA: True}),
        ("Edema along the thoracolumbar fashion.", {OEDEMA: True}),
        ("Cement has spread in a spongy fashion.", {CEMENT: "spongy"}),
    ],
)
def test_common_dictation_slips_are_read_as_meant(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_verb_of_the_cement_after_a_denied_leak_begins_a_clause(reader):
    text = "No cement leak, and the cement permeates the cancellous bone of L1."
    assert firm(reader, text) == {CEMENT: "spongy"}


@pytest.mark.parametrize(
    "text",
    [
        "STIR not acquired; fascial oedema cannot be evaluated.",
        "Cannot comment on fascial oedema without a STIR sequence.",
        "Unable to assess for a cleft owing to motion.",
    ],
)
def test_a_finding_that_could_not_be_assessed_is_unknown_not_absent(reader, text):
    assert firm(reader, text) == {}


def test_a_level_named_to_be_denied_is_not_the_mentions_level(reader):
    assert firm(reader, "Fluid cleft at T12 rather than L1.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Gas cleft in T11, not in L1.",
        "Fluid clefts at T12 and L3; none at L1.",
        "A cleft is seen in T11 but not in L1.",
    ],
)
def test_a_finding_at_other_levels_denied_for_the_treated_one_is_absent(reader, text):
    assert firm(reader, text) == {IVC: False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vacuum cleft: Yes (X) No ( )", {IVC: True}),
        ("Vacuum cleft: Present [ ]  Absent [X]", {IVC: False}),
        ("Vacuum cleft  Y [x]  N [ ]", {IVC: True}),
        ("Goutallier grade: 0 [ ] 1 [ ] 2 [X] 3 [ ] 4 [ ]", {GOUTALLIER: 2}),
        ("Cement distribution: Blocky [ ] Spongy [X]", {CEMENT: "spongy"}),
        ("Intravertebral vacuum cleft [x]", {IVC: True}),
        ("Intravertebral vacuum cleft [ ]", {}),
    ],
)
def test_a_box_after_its_option_ticks_that_option(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posterior fascia oedema - N", {OEDEMA: False}),
        ("Posterior fascia oedema = no", {OEDEMA: False}),
        ("Posterior fascia oedema: see above", {}),
        ("Posterior fascia oedema: [pending]", {}),
        ("Goutallier (L4-5): not graded", {}),
    ],
)
def test_template_separators_and_values_that_point_elsewhere(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Appearances in keeping with, but not diagnostic of, Kummell disease.",
        "Gas cleft in L1 (presumed).",
        "Minimal if any lumbodorsal fascial oedema.",
        "No overt fascial oedema.",
        "Goutallier 3 (estimated) at L4/5.",
        "A cleft-like lucency in L1.",
    ],
)
def test_more_hedges_keep_the_finding_unknown(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The gas cleft previously described.", {}),
        ("Cleft in L1, as seen on the recent CT.", {}),
        ("The gas cleft previously described persists.", {IVC: True}),
        ("Spongy cement around the previously described cleft.", {CEMENT: "spongy"}),
    ],
)
def test_previously_described_after_its_noun_is_history_before_it_its_nouns_only(
    reader, text, expected
):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    ["The presence of a cleft would favour vertebroplasty.", "A cleft in L1 would explain pain."],
)
def test_would_makes_the_finding_before_it_hypothetical(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goutallier at L4/5: multifidus 3, erector spinae 2, psoas 1.", {GOUTALLIER: 3}),
        ("Goutallier grades: psoas 4, multifidus 2.", {GOUTALLIER: 2}),
        ("Goutallier: psoas 3.", {}),
    ],
)
def test_in_a_list_of_muscles_the_paraspinal_muscles_grades_count(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_grade_after_the_eponym_and_level_in_brackets_is_read(reader):
    text = "Multifidus fat (Goutallier, L4/5): 3"
    assert firm(reader, text) == {GOUTALLIER: 3}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gas cleft -, lumbodorsal fascia oedema +", {IVC: False, OEDEMA: True}),
        ("Kummell -; fascial oedema -.", {IVC: False, OEDEMA: False}),
        ("Fascial oedema: -", {}),
    ],
)
def test_a_bare_minus_after_a_finding_marks_it_absent(reader, text, expected):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A vacuum cleft is defined as gas within a collapsed vertebral body.",
        "Fascial oedema is defined by bright STIR signal in the lumbodorsal fascia.",
        "The term Kummell disease refers to delayed collapse around an intravertebral cleft.",
        "The Goutallier scale grades muscle fat from 0 (none) to 4 (more fat than muscle).",
    ],
)
def test_a_definition_states_no_finding(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Posterior fascial oedema is hard to exclude on this motion-degraded study.",
        "A fluid cleft in L1 is difficult to exclude.",
        "Curvilinear low signal in L1 s/o gas cleft.",
    ],
)
def test_a_hedge_written_after_the_finding_or_abbreviated_keeps_it_unknown(reader, text):
    assert firm(reader, text) == {}


def test_a_negation_ends_where_a_with_after_a_comma_begins(reader):
    text = "Wedge fracture of L1 without retropulsion, with oedema along the lumbodorsal fascia."
    assert firm(reader, text) == {OEDEMA: True}


def test_history_in_a_relative_clause_does_not_reach_back_to_the_finding(reader):
    text = "There is oedema along the posterior fascia, which the original report does not mention."
    assert firm(reader, text) == {OEDEMA: True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Non-interdigitated cement filling the L1 cleft.", {CEMENT: "blocky"}),
        ("Non-oedematous posterior fascia.", {OEDEMA: False}),
        ("Non-displaced fracture of L1 containing a vacuum cleft.", {IVC: True}),
    ],
)
def test_a_non_prefix_denies_its_own_word_only(reader, text, expected):
    assert firm(reader, text) == expected


def test_a_request_that_an_addendum_answers_is_not_a_hypothesis(reader):
    text = "Per request of the spine team, multifidus Goutallier grade 2 at L4/5."
    assert firm(reader, text) == {GOUTALLIER: 2}


def test_where_a_finding_was_described_before_is_not_a_hedge(reader):
    text = "The gas cleft described on last month's CT is again seen."
    assert firm(reader, text) == {IVC: True}


def test_a_grade_that_progressed_from_one_eponymous_grade_to_another_is_the_later(reader):
    text = "Multifidus fat has increased from Goutallier 1 to 2 since the last MRI."
    assert firm(reader, text) == {GOUTALLIER: 2}


def test_oedema_at_other_levels_and_none_at_the_treated_one_is_absent(reader):
    text = "Oedema of the lumbodorsal fascia at T10-T11, none at L1."
    assert firm(reader, text) == {OEDEMA: False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lumbodorsal fascia oedema: -ve", {OEDEMA: False}),
        ("Gas cleft: neg", {IVC: False}),
        ("Fascial oedema: ✘", {OEDEMA: False}),
        ("Gas cleft: ✔", {IVC: True}),
        ("Fascial oedema: ●", {}),
    ],
)
def test_a_field_answered_by_a_sign_or_short_form_reads_that_answer_or_nothing(
    reader, text, expected
):
    assert firm(reader, text) == expected


def test_a_grade_changed_with_an_arrow_is_the_grade_after_it(reader):
    assert firm(reader, "Multifidus Goutallier (L4/5): 1 → 2") == {GOUTALLIER: 2}


def test_thought_to_be_after_the_finding_is_a_hedge(reader):
    assert firm(reader, "A fluid cleft in L1 is felt to be present.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Multifidus Goutallier 1 (scale: 0 = none, 4 = fat beyond muscle).",
        "Goutallier 3 means as much fat as muscle.",
    ],
)
def test_a_scale_legend_beside_a_grade_leaves_it_unknown(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "High STIR signal deep to the lumbodorsal fascia, in the multifidus.",
        "Oedema superficial to the thoracolumbar fascia.",
        "Fluid tracking along the fascial planes between the erector spinae bellies.",
        "Intermuscular fascial oedema in the lower back.",
    ],
)
def test_oedema_beside_the_fascia_or_along_intermuscular_planes_is_not_fascia_oedema(reader, text):
    assert firm(reader, text) == {}


def test_fascial_planes_preserved_says_nothing_of_the_posterior_fascia(reader):
    assert firm(reader, "Fascial planes: preserved.") == {}


@pytest.mark.parametrize(
    "text",
    ["Multifidus Goutallier 2 or higher at L4/5.", "Paraspinal muscles at L4/5: Goutallier 2+"],
)
def test_an_open_range_of_grades_is_unknown(reader, text):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The IVC is compressed by a retroperitoneal mass.",
        "IVC lies anterior to the L1 body.",
        "Interfacet cleft at T12-L1.",
        "A cleft through the left L1 pedicle.",
        "Air in the L1 vertebral body after the bone biopsy.",
        "Kummell-type collapse of L1.",
        "The L1 appearance mimics Kummell disease.",
    ],
)
def test_the_vena_cava_posterior_element_clefts_biopsy_air_and_likenesses_are_no_cleft(
    reader, text
):
    assert firm(reader, text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lumbodorsal fascial oedema of uncertain significance.", {OEDEMA: True}),
        ("Gas cleft in L1, its significance uncertain.", {IVC: True}),
        ("Posterior fascial oedema is suggested.", {}),
    ],
)
def test_a_hedge_on_significance_leaves_the_finding_but_is_suggested_hedges_it(
    reader, text, expected
):
    assert firm(reader, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "According to the referral letter there is a gas cleft in L1.",
        "The referring team's note mentions fascial oedema.",
        "During the procedure the cement looked blocky.",
    ],
)
def test_what_others_report_or_what_was_seen_during_the_procedure_is_no_finding(reader, text):
    assert firm(reader, text) == {}


def test_according_to_goutallier_names_the_scale_not_a_source(reader):
    text = "Multifidus fat at L4/5 of grade 2 according to Goutallier."
    assert firm(reader, text) == {GOUTALLIER: 2}

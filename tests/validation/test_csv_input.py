"""Reading a validation cohort from CSV: the documented columns, every exclusion counted by
reason, and a bad cell refused with its row and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scoring import load_model
from validation import CsvInputError, OutcomeWindow, Period, read_csv
from validation.csv_input import columns, template_text

HEADER = (
    "procedure_date,intravertebral_vacuum_cleft,posterior_fascia_oedema,goutallier_grade,"
    "cement_distribution,pain_score,pain_score_day,exclusion"
)
MODEL = load_model()
WINDOW = OutcomeWindow.for_model(MODEL)
EVERY_DATE = Period()


def read(tmp_path: Path, *rows: str, period: Period = EVERY_DATE):
    path = tmp_path / "cohort.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return read_csv(path, MODEL, WINDOW, period)


def test_template_header_is_the_documented_columns():
    assert template_text().splitlines()[0] == HEADER == ",".join(columns(MODEL))


def test_template_example_row_is_a_case(tmp_path):
    path = tmp_path / "template.csv"
    path.write_text(template_text(), encoding="utf-8")
    cohort = read_csv(path, MODEL, WINDOW, Period())
    # no cleft, oedema, Goutallier 2, spongy: -3.361 + 1.377 + 1.758 - 0.800 = -1.026
    assert cohort.n == 1
    assert cohort.linear_predictor[0] == pytest.approx(-1.026)
    assert cohort.events == 0


def test_pain_score_of_four_is_residual_pain(tmp_path):
    cohort = read(tmp_path, "2025-01-02,yes,no,4,blocky,4,30,", "2025-01-03,no,no,0,spongy,3.9,30,")
    assert cohort.outcome.tolist() == [1, 0]


def test_blank_finding_excludes_the_patient_and_counts_what_is_missing(tmp_path):
    cohort = read(tmp_path, "2025-01-02,,no,,blocky,5,30,")
    assert cohort.n == 0
    assert cohort.exclusions == {"one or more findings unknown": 1}
    assert cohort.missing == {
        "intravertebral_vacuum_cleft: not recorded": 1,
        "goutallier_grade: not recorded": 1,
    }


def test_blank_pain_score_excludes_for_a_missing_outcome(tmp_path):
    cohort = read(tmp_path, "2025-01-02,no,no,1,blocky,,,")
    assert cohort.exclusions == {"no pain score on record days 16-44 after the procedure": 1}


def test_pain_score_taken_outside_the_window_excludes(tmp_path):
    cohort = read(tmp_path, "2025-01-02,no,no,1,blocky,5,60,")
    assert cohort.exclusions == {"pain score taken outside days 16-44 after the procedure": 1}


def test_exclusion_column_excludes_with_the_sites_reason(tmp_path):
    cohort = read(
        tmp_path, "2025-01-02,no,no,1,blocky,5,30,myeloma", "2025-01-03,no,no,1,blocky,5,30,"
    )
    assert cohort.n == 1
    assert cohort.exclusions == {"excluded by the site: myeloma": 1}


def test_procedures_outside_the_period_are_excluded(tmp_path):
    cohort = read(
        tmp_path,
        "2024-12-31,no,no,1,blocky,5,30,",
        "2025-01-01,no,no,1,blocky,5,30,",
        period=Period(start=date(2025, 1, 1)),
    )
    assert cohort.n == 1
    assert cohort.exclusions == {"procedure outside the validation period": 1}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            "2025-01-02,maybe,no,1,blocky,5,30,",
            r"row 2, intravertebral_vacuum_cleft: 'maybe' is not a possible value; expected one "
            "of no, yes",
            id="presence",
        ),
        pytest.param(
            "2025-01-02,no,no,5,blocky,5,30,",
            "row 2, goutallier_grade: '5' is not a possible value; expected one of 0, 1, 2, 3, 4",
            id="grade",
        ),
        pytest.param(
            "2025-01-02,no,no,1,mixed,5,30,",
            "row 2, cement_distribution: 'mixed' is not a possible value",
            id="cement",
        ),
        pytest.param(
            "02/01/2025,no,no,1,blocky,5,30,", "row 2, procedure_date: '02/01/2025'", id="date"
        ),
        pytest.param(
            "2025-01-02,no,no,1,blocky,11,30,", "row 2, pain_score: '11' is outside", id="score"
        ),
        pytest.param("2025-01-02,no,no,1,blocky,5,a month,", "row 2, pain_score_day", id="day"),
        pytest.param(
            "2025-01-02,no,no,1,blocky,5,30,,extra", "row 2: more cells than columns", id="cells"
        ),
    ],
)
def test_bad_cell_is_refused_naming_row_and_column(tmp_path, row, message):
    with pytest.raises(CsvInputError, match=message):
        read(tmp_path, row)


def test_missing_column_is_refused_naming_it(tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_text(HEADER.replace(",pain_score_day", "") + "\n", encoding="utf-8")
    with pytest.raises(CsvInputError, match="missing column\\(s\\) pain_score_day"):
        read_csv(path, MODEL, WINDOW, Period())

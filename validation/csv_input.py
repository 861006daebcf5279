"""A validation cohort from a CSV file: one row per patient (columns in docs/validation.md,
header and an example row in ``validation-template.csv``).

A value that cannot be read stops the reading with the row and column named: a misread
finding would be a wrong validation. A blank finding or outcome is missing data, counted.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import date
from importlib import resources
from pathlib import Path

from scoring import Model, Predictor, Value

from .cohort import FINDINGS_UNKNOWN, OUTSIDE_PERIOD, Case, Cohort, CohortBuilder, Period
from .outcome import OutcomeWindow

TEMPLATE = "validation-template.csv"
PROCEDURE_DATE = "procedure_date"
PAIN_SCORE = "pain_score"
PAIN_SCORE_DAY = "pain_score_day"
EXCLUSION = "exclusion"
#: Written for a finding nobody read; a blank cell means the same.
UNKNOWN = "unknown"
YES = frozenset({"yes", "true"})
NO = frozenset({"no", "false"})


class CsvInputError(ValueError):
    """The CSV cannot be read as a validation cohort; the message names the row and column."""


def columns(model: Model) -> list[str]:
    """The columns a validation CSV must have, in the template's order."""
    return [
        PROCEDURE_DATE,
        *(p.name for p in model.predictors),
        PAIN_SCORE,
        PAIN_SCORE_DAY,
        EXCLUSION,
    ]


def template_text() -> str:
    return resources.files(__package__).joinpath(TEMPLATE).read_text(encoding="utf-8")


def read_csv(path: Path, model: Model, window: OutcomeWindow, period: Period) -> Cohort:
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
            header = rows[0].keys() if rows else _header(path)
    except OSError as exc:
        raise CsvInputError(f"cannot read {path}: {exc.strerror}") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CsvInputError(f"{path}: not a UTF-8 CSV file: {exc}") from exc
    absent = [name for name in columns(model) if name not in header]
    if absent:
        raise CsvInputError(
            f"{path}: missing column(s) {', '.join(absent)}; see {TEMPLATE} for the header"
        )
    builder = CohortBuilder()
    # Row 1 is the header, so the first patient is on row 2 as a spreadsheet shows it.
    for number, row in enumerate(rows, start=2):
        if None in row:
            raise CsvInputError(f"{path}: row {number}: more cells than columns")
        _add_row(builder, row, f"{path}: row {number}", model, window, period)
    return builder.build(model, path.name)


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        return next(csv.reader(file), [])


def _add_row(
    builder: CohortBuilder,
    row: Mapping[str, str],
    where: str,
    model: Model,
    window: OutcomeWindow,
    period: Period,
) -> None:
    exclusion = row[EXCLUSION].strip()
    if exclusion:
        builder.exclude(f"excluded by the site: {exclusion}")
        return
    procedure_date = _date(row[PROCEDURE_DATE], f"{where}, {PROCEDURE_DATE}")
    if procedure_date not in period:
        builder.exclude(OUTSIDE_PERIOD)
        return
    findings = {p.name: _finding(row[p.name], p, f"{where}, {p.name}") for p in model.predictors}
    pain_score = _pain_score(row[PAIN_SCORE], f"{where}, {PAIN_SCORE}")
    day = _day(row[PAIN_SCORE_DAY], f"{where}, {PAIN_SCORE_DAY}")
    missing = [f"{name}: not recorded" for name, value in findings.items() if value is None]
    if pain_score is None:
        missing.append(window.no_score_reason)
    elif day is not None and not window.contains(day):
        missing.append(window.outside_reason)
    if missing:
        findings_unknown = any(value is None for value in findings.values())
        builder.exclude(FINDINGS_UNKNOWN if findings_unknown else missing[0], missing)
        return
    builder.add(Case(procedure_date, findings, pain_score))


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CsvInputError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None


def _finding(text: str, predictor: Predictor, where: str) -> Value | None:
    cleaned = text.strip().lower()
    if cleaned in ("", UNKNOWN):
        return None
    value = _typed(cleaned, predictor)
    if value is None or not any(level.includes(value) for level in predictor.levels):
        allowed = ", ".join(_spelled(v) for v in predictor.domain)
        raise CsvInputError(
            f"{where}: {text!r} is not a possible value; expected one of {allowed}, or blank "
            f"(or {UNKNOWN}) when not recorded"
        )
    return value


def _typed(text: str, predictor: Predictor) -> Value | None:
    """The text as the type of the predictor's values (the model file decides the type)."""
    kind = type(predictor.domain[0])
    if kind is bool:
        return True if text in YES else False if text in NO else None
    if kind is int:
        return int(text) if text.lstrip("-").isdigit() else None
    return text


def _spelled(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _pain_score(text: str, where: str) -> float | None:
    if not text.strip():
        return None
    try:
        score = float(text)
    except ValueError:
        raise CsvInputError(f"{where}: {text!r} is not a number") from None
    if not 0 <= score <= 10:
        raise CsvInputError(f"{where}: {text!r} is outside the 0-10 pain scale")
    return score


def _day(text: str, where: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise CsvInputError(f"{where}: {text!r} is not a whole number of days") from None

"""A validation cohort: the patients who count, with their predictions and outcomes, and a
count of everyone left out and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from scoring import Model, RiskTiers, Value, predict


@dataclass(frozen=True)
class Period:
    """The procedure dates a validation covers, both ends included; None is open."""

    start: date | None = None
    end: date | None = None

    def __contains__(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def describe(self) -> str:
        start = self.start.isoformat() if self.start else "the first record"
        end = self.end.isoformat() if self.end else "the last record"
        return f"procedures from {start} to {end}"


#: Exclusion reasons shared by every input.
OUTSIDE_PERIOD = "procedure outside the validation period"
#: Complete cases only: a patient with an unknown finding has no single predicted risk.
FINDINGS_UNKNOWN = "one or more findings unknown"


@dataclass(frozen=True)
class Case:
    """One patient with every finding known and a one-month outcome."""

    procedure_date: date
    findings: Mapping[str, Value]
    #: The pain score that decided the outcome (0-10).
    pain_score: float


@dataclass
class CohortBuilder:
    """Collects cases and, by reason, the patients left out. Each patient is either a case or
    one exclusion; ``missing`` counts every unknown finding or outcome of the excluded patients
    (one patient can lack several), so a site sees what to record better."""

    cases: list[Case] = field(default_factory=list)
    exclusions: Counter[str] = field(default_factory=Counter)
    missing: Counter[str] = field(default_factory=Counter)
    screened: int = 0

    def add(self, case: Case) -> None:
        self.screened += 1
        self.cases.append(case)

    def exclude(self, reason: str, missing: Iterable[str] = ()) -> None:
        self.screened += 1
        self.exclusions[reason] += 1
        self.missing.update(missing)

    def build(self, model: Model, source: str) -> Cohort:
        return Cohort.of(
            self.cases, model, source, self.screened, dict(self.exclusions), dict(self.missing)
        )


@dataclass(frozen=True)
class Cohort:
    """The cases as arrays for the statistics, and how they were reached."""

    #: Where the data came from (a CSV file name or a FHIR base URL), for the report.
    source: str
    procedure_dates: tuple[date, ...]
    #: Each case's findings, for the case-mix table.
    findings: tuple[Mapping[str, Value], ...]
    #: The model's linear predictor (log-odds) and probability per case.
    linear_predictor: np.ndarray
    probability: np.ndarray
    #: 1 for residual back pain (pain score at or above the model's event threshold), else 0.
    outcome: np.ndarray
    screened: int
    exclusions: Mapping[str, int]
    missing: Mapping[str, int]

    @classmethod
    def of(
        cls,
        cases: list[Case],
        model: Model,
        source: str,
        screened: int,
        exclusions: Mapping[str, int],
        missing: Mapping[str, int],
    ) -> Cohort:
        tiers = RiskTiers.for_model(model)
        estimates = [predict(model, dict(case.findings), tiers) for case in cases]
        threshold = model.outcome["event_threshold"]
        return cls(
            source=source,
            procedure_dates=tuple(case.procedure_date for case in cases),
            findings=tuple(case.findings for case in cases),
            linear_predictor=np.array([e.linear_predictor.low for e in estimates], dtype=float),
            probability=np.array([e.probability.low for e in estimates], dtype=float),
            outcome=np.array([case.pain_score >= threshold for case in cases], dtype=int),
            screened=screened,
            exclusions=exclusions,
            missing=missing,
        )

    @property
    def n(self) -> int:
        return len(self.outcome)

    @property
    def events(self) -> int:
        return int(self.outcome.sum())

    @property
    def period(self) -> str:
        """First to last procedure date of the cases."""
        if not self.procedure_dates:
            return "no cases"
        first, last = min(self.procedure_dates), max(self.procedure_dates)
        return f"{first.isoformat()} to {last.isoformat()}"

"""The site's case mix beside the derivation study's: each finding's prevalence (the paper's
Tables 2-3) and the distribution of predicted risk.

A model validated on patients unlike its derivation cohort can look better or worse for that
reason alone (Debray et al., J Clin Epidemiol 2015): the table lets a reader see how alike the
two are. The study's risk distribution is estimated from its tables (findings independent
within each outcome group, docs/model-derivation.md section 2), not observed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring import Model, RiskTiers, derivation_profiles, level_of, predict

from .cohort import Cohort

#: The quantiles of predicted risk the table gives.
QUANTILES = (0.25, 0.5, 0.75)


@dataclass(frozen=True)
class LevelRow:
    finding: str
    level: str
    site: int
    site_total: int
    study: int
    study_total: int


@dataclass(frozen=True)
class RiskDistribution:
    mean: float
    quartiles: tuple[float, float, float]
    #: The share at or above the alert threshold.
    flagged: float

    def as_json(self) -> dict[str, float | list[float]]:
        return {"mean": self.mean, "quartiles": list(self.quartiles), "flagged": self.flagged}


@dataclass(frozen=True)
class CaseMix:
    levels: tuple[LevelRow, ...]
    site_risk: RiskDistribution
    #: Estimated from the paper's tables.
    study_risk: RiskDistribution

    def as_json(self) -> dict[str, object]:
        return {
            "findings": [
                {
                    "finding": row.finding,
                    "level": row.level,
                    "site": row.site,
                    "site_total": row.site_total,
                    "study": row.study,
                    "study_total": row.study_total,
                }
                for row in self.levels
            ],
            "predicted_risk_site": self.site_risk.as_json(),
            "predicted_risk_study_estimated": self.study_risk.as_json(),
        }


def case_mix(model: Model, cohort: Cohort, threshold: float) -> CaseMix:
    rows = []
    for predictor in model.predictors:
        site_levels = [level_of(predictor, case[predictor.name]).label for case in cohort.findings]
        for level in predictor.levels:
            rows.append(
                LevelRow(
                    finding=predictor.label,
                    level=level.label,
                    site=site_levels.count(level.label),
                    site_total=cohort.n,
                    study=sum(
                        group.level_counts[predictor.name][level.label]
                        for group in model.derivation_counts.groups
                    ),
                    study_total=model.cohort_size,
                )
            )
    return CaseMix(
        levels=tuple(rows),
        site_risk=distribution(cohort.probability, np.ones(cohort.n), threshold),
        study_risk=study_risk_distribution(model, threshold),
    )


def study_risk_distribution(model: Model, threshold: float) -> RiskDistribution:
    """The predicted risks of the derivation cohort rebuilt from its tables."""
    tiers = RiskTiers.for_model(model)
    profiles = derivation_profiles(model)
    risks = np.array([predict(model, dict(pr.findings), tiers).probability.low for pr in profiles])
    weights = np.array([sum(pr.patients.values()) for pr in profiles])
    return distribution(risks, weights, threshold)


def distribution(risks: np.ndarray, weights: np.ndarray, threshold: float) -> RiskDistribution:
    order = np.argsort(risks)
    ordered, cumulative = risks[order], np.cumsum(weights[order]) / weights.sum()
    quartiles = tuple(float(ordered[np.searchsorted(cumulative, q - 1e-12)]) for q in QUANTILES)
    return RiskDistribution(
        mean=float(np.average(risks, weights=weights)),
        quartiles=quartiles,
        flagged=float(weights[risks >= threshold].sum() / weights.sum()),
    )

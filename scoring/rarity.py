"""How many derivation-cohort patients are estimated to have had a combination of findings.

The paper tabulates each finding by outcome group (Tables 2-3) but gives no joint counts. The
estimate multiplies, within each group, the shares of the patient's levels (assuming the
findings independent within the group, as docs/model-derivation.md does) and adds the groups.
A risk read from a combination few derivation patients had rests on the model's additivity,
not on patients like this one.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from .model import Model, Value
from .predict import level_of


def expected_derivation_patients(model: Model, findings: Mapping[str, Value | None]) -> float:
    """Estimated derivation patients with these findings; an unknown finding (None) matches
    any value, so it does not narrow the combination."""
    total = 0.0
    for group in model.derivation_counts.groups:
        patients = float(group.size)
        for predictor in model.predictors:
            value = findings.get(predictor.name)
            if value is None:
                continue
            level = level_of(predictor, value)
            patients *= group.level_counts[predictor.name][level.label] / group.size
        total += patients
    return total


def is_rare(model: Model, expected_patients: float) -> bool:
    return expected_patients < model.derivation_counts.rare_below


@dataclass(frozen=True)
class DerivationProfile:
    """One combination of findings and how many derivation patients of each outcome group are
    estimated to have had it (same independence assumption as above)."""

    findings: Mapping[str, Value]
    #: Group label -> estimated patients of that group with these findings.
    patients: Mapping[str, float]


def derivation_profiles(model: Model) -> tuple[DerivationProfile, ...]:
    """The derivation cohort rebuilt from its tables: every combination of the predictors'
    levels (one value per level stands for it), with its estimated patients per group. Their
    sum is the cohort size; their predicted risks are what a cohort shaped like the study's
    looks like to the model (docs/model-derivation.md, sections 2 and 4)."""
    levels = [[(p.name, level) for level in p.levels] for p in model.predictors]
    profiles = []
    for combination in itertools.product(*levels):
        findings = {name: level.values[0] for name, level in combination}
        patients = {}
        for group in model.derivation_counts.groups:
            share = 1.0
            for name, level in combination:
                share *= group.level_counts[name][level.label] / group.size
            patients[group.label] = group.size * share
        profiles.append(DerivationProfile(findings, patients))
    return tuple(profiles)

"""How many derivation-cohort patients are estimated to have had a combination of findings.

The paper tabulates each finding by outcome group (Tables 2-3) but gives no joint counts. The
estimate multiplies, within each group, the shares of the patient's levels (assuming the
findings independent within the group, as docs/model-derivation.md does) and adds the groups.
A risk read from a combination few derivation patients had rests on the model's additivity,
not on patients like this one.
"""

from __future__ import annotations

from collections.abc import Mapping

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

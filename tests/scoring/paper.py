"""Numbers transcribed from Li et al. 2021 (the paper, not the model file), for the tests.

Kept apart from the model file on purpose: the tests check the model file against the paper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Table4Row:
    """One row of Table 4 exactly as printed."""

    b: float
    se: float
    wald: float
    odds_ratio: float
    ci_low: float | None = None
    ci_high: float | None = None


TABLE_4 = {
    "IVC (Yes)": Table4Row(1.332, 0.598, 4.973, 3.790, 1.175, 12.227),
    "Posterior fascia oedema (Yes)": Table4Row(1.337, 0.602, 5.232, 3.965, 1.218, 12.907),
    "Goutallier grade 2": Table4Row(1.758, 0.681, 6.661, 5.804, 1.527, 22.064),
    "Goutallier grade 3-4": Table4Row(2.622, 0.674, 15.116, 13.767, 3.671, 51.638),
    "Cement distribution (Blocky)": Table4Row(-0.800, 0.392, 4.163, 2.225, 1.032, 4.797),
    "Constant": Table4Row(-3.361, 0.665, 25.524, 0.035),
}

# Tables 2 and 3: counts of each finding in group N (VAS < 4, n=231) and group R (VAS >= 4, n=37).
GROUP_SIZE = {"N": 231, "R": 37}
IVC_PRESENT = {"N": 14, "R": 6}
OEDEMA_PRESENT = {"N": 12, "R": 6}
GOUTALLIER = {"N": {"0-1": 92, "2": 94, "3-4": 45}, "R": {"0-1": 3, "2": 14, "3-4": 20}}
BLOCKY_CEMENT = {"N": 75, "R": 21}
OBSERVED_EVENTS = 37


def reconciled_probability(ivc: bool, oedema: bool, grade: int, cement: str) -> float:
    """The reconciled model written out by hand from Table 4 (see docs/model-derivation.md):
    oedema B = ln(3.965) = 1.377 (printed 1.337), the constant's reference is blocky cement,
    and spongy cement has B = -0.800."""
    logit = -3.361
    logit += 1.332 if ivc else 0.0
    logit += 1.377 if oedema else 0.0
    logit += {0: 0.0, 1: 0.0, 2: 1.758, 3: 2.622, 4: 2.622}[grade]
    logit += -0.800 if cement == "spongy" else 0.0
    return 1.0 / (1.0 + math.exp(-logit))

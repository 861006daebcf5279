"""Synthetic validation cohorts drawn from a known model, and its exact properties.

The findings are drawn independently with the shares below (close to the paper's cohort); the
outcome with probability logistic(shift + slope x LP), LP the linear predictor written out by
hand from the paper's Table 4 as reconciled in docs/model-derivation.md (not read from the
model file). shift 0 and slope 1 is the model itself.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from datetime import date

import numpy as np

from scoring import load_model
from validation import Case, Cohort, CohortBuilder

IVC_SHARE = 0.15
OEDEMA_SHARE = 0.15
#: Goutallier grade -> share (grades 0-1 form one level of the model, 3-4 another).
GRADE_SHARES = {0: 0.15, 1: 0.2, 2: 0.35, 3: 0.2, 4: 0.1}
BLOCKY_SHARE = 0.4
PROCEDURE_DAY = date(2025, 6, 1)
#: Pain scores that are and are not residual pain (VAS >= 4).
WITH_PAIN, WITHOUT_PAIN = 6.0, 1.0


def hand_linear_predictor(ivc: bool, oedema: bool, grade: int, cement: str) -> float:
    lp = -3.361 + 1.332 * ivc + 1.377 * oedema - 0.800 * (cement == "spongy")
    return lp + {0: 0.0, 1: 0.0, 2: 1.758, 3: 2.622, 4: 2.622}[grade]


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def profiles() -> Iterator[tuple[float, dict[str, object]]]:
    """Every combination of findings with its probability under the drawing shares."""
    for ivc, oedema, grade, blocky in itertools.product(
        (True, False), (True, False), GRADE_SHARES, (True, False)
    ):
        weight = (IVC_SHARE if ivc else 1 - IVC_SHARE) * (
            OEDEMA_SHARE if oedema else 1 - OEDEMA_SHARE
        )
        weight *= GRADE_SHARES[grade] * (BLOCKY_SHARE if blocky else 1 - BLOCKY_SHARE)
        yield (
            weight,
            {
                "intravertebral_vacuum_cleft": ivc,
                "posterior_fascia_oedema": oedema,
                "goutallier_grade": grade,
                "cement_distribution": "blocky" if blocky else "spongy",
            },
        )


def lp_of(findings: dict[str, object]) -> float:
    return hand_linear_predictor(
        findings["intravertebral_vacuum_cleft"],
        findings["posterior_fascia_oedema"],
        findings["goutallier_grade"],
        findings["cement_distribution"],
    )


def theoretical_auc(shift: float = 0.0, slope: float = 1.0) -> float:
    """P(risk of a random event > that of a random non-event) + half the ties, by exact
    enumeration over pairs of finding combinations."""
    rows = [(weight, lp_of(f), logistic(shift + slope * lp_of(f))) for weight, f in profiles()]
    p_event = sum(w * q for w, _, q in rows)
    concordant = 0.0
    for (w1, lp1, q1), (w0, lp0, q0) in itertools.product(rows, rows):
        pair = (w1 * q1 / p_event) * (w0 * (1 - q0) / (1 - p_event))
        concordant += pair * (1.0 if lp1 > lp0 else 0.5 if lp1 == lp0 else 0.0)
    return concordant


def draw_cohort(n: int, seed: int, shift: float = 0.0, slope: float = 1.0) -> Cohort:
    rng = np.random.default_rng(seed)
    weights, findings = zip(*profiles(), strict=True)
    chosen = rng.choice(len(findings), size=n, p=np.array(weights) / sum(weights))
    builder = CohortBuilder()
    for index in chosen:
        f = findings[index]
        event = rng.random() < logistic(shift + slope * lp_of(f))
        builder.add(Case(PROCEDURE_DAY, f, WITH_PAIN if event else WITHOUT_PAIN))
    return builder.build(load_model(), "synthetic")

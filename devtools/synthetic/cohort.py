"""A seeded synthetic cohort shaped like Li et al. 2021's 268 patients.

How a patient is drawn (docs/model-derivation.md, section 2, rebuilds the cohort the same way):

1. an outcome group, N (231 of 268) or R (37 of 268). The group is only a device to give the
   findings the paper's marginals and their association with pain; it is not the outcome;
2. within the group, each of Table 1's traits and Tables 2-3's findings independently, with the
   group's shares (the paper gives no joint counts);
3. the outcome from the scoring core: residual back pain with the model's probability for the
   drawn findings. Over the rebuilt cohort the model predicts 36.9 events in 268 (13.8%).

Where the paper gives a band (Goutallier 0-1 and 3-4, an age band, a span of levels), the value
is drawn uniformly within it. Each patient has its own random stream, seeded by the cohort seed
and the patient's number, so a larger cohort of the same seed begins with the same patients.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from fhir_mappings.codes import CementDistribution, VertebralLevel
from scoring import Model, RiskTiers, load_model, predict

from .records import SyntheticPatient, imaging_reads, pain_scores, vertebroplasty

#: The seed of the demo and of ``pvp-cds synth`` unless another is given: the paper's year.
DEFAULT_SEED = 2021
#: Ids are "synth-{seed}-{number}"; FHIR ids have at most 64 characters, so the seed is bounded.
MAX_SEED = 2**64 - 1

#: Procedures fall within one fixed year, so output depends on the seed alone.
FIRST_PROCEDURE_DAY = date(2025, 1, 1)
PROCEDURE_DAYS = 365
#: Pre-operative MRI 1-14 days before the procedure (inside the contract's 90-day window).
MRI_DAYS_BEFORE = (1, 14)
#: The study's radiograph 24 hours after the procedure (Methods).
RADIOGRAPH_AFTER = timedelta(hours=24)
DAYS_PER_YEAR = 365.25

T = VertebralLevel
Band = TypeVar("Band")


@dataclass(frozen=True)
class Group:
    """One outcome group of Tables 1-3, as counts of patients."""

    name: str
    size: int
    female: int
    #: Age band (first, last year of age) -> patients.
    ages: Mapping[tuple[int, int], int]
    #: Span of levels (first, last) -> patients.
    levels: Mapping[tuple[VertebralLevel, VertebralLevel], int]
    ivc: int
    oedema: int
    #: Goutallier grades of a band -> patients.
    goutallier: Mapping[tuple[int, ...], int]
    blocky: int


# Table 1 reads "<60", "60~70", "70~80", ">80": taken as 50-59, 60-69, 70-79 and 80-89.
GROUP_N = Group(
    name="N",
    size=231,
    female=185,
    ages={(50, 59): 12, (60, 69): 86, (70, 79): 93, (80, 89): 40},
    levels={(T.T4, T.T10): 21, (T.T11, T.L2): 114, (T.L3, T.L5): 96},
    ivc=14,
    oedema=12,
    goutallier={(0, 1): 92, (2,): 94, (3, 4): 45},
    blocky=75,
)
GROUP_R = Group(
    name="R",
    size=37,
    female=30,
    ages={(50, 59): 2, (60, 69): 14, (70, 79): 15, (80, 89): 6},
    levels={(T.T4, T.T10): 2, (T.T11, T.L2): 19, (T.L3, T.L5): 16},
    ivc=6,
    oedema=6,
    goutallier={(0, 1): 3, (2,): 14, (3, 4): 20},
    blocky=21,
)
COHORT_SIZE = GROUP_N.size + GROUP_R.size

#: One-month VAS of residual back pain (>= 4) and of relief; earlier scores are illustrative:
#: relief after PVP comes within a day, residual pain stays.
VAS_WITH_RESIDUAL_PAIN = ((4, 7), (4, 7), (4, 7))
VAS_WITH_RELIEF = ((1, 5), (1, 4), (0, 3))


def patient_id(seed: int, number: int) -> str:
    return f"synth-{seed}-{number:05d}"


def generate_cohort(count: int, seed: int, model: Model | None = None) -> list[SyntheticPatient]:
    """``count`` patients numbered from 1; the same seed always gives the same patients."""
    if count < 0:
        raise ValueError(f"the number of patients must be 0 or more, got {count}")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"the seed must be an integer from 0 to {MAX_SEED}, got {seed}")
    model = model or load_model()
    tiers = RiskTiers.for_model(model)
    return [_patient(seed, number, model, tiers) for number in range(1, count + 1)]


def _patient(seed: int, number: int, model: Model, tiers: RiskTiers) -> SyntheticPatient:
    # A string seed is hashed (SHA-512) the same way on every platform and Python 3 release.
    rng = random.Random(f"pvp-cds-synth:{seed}:{number}")
    group = GROUP_R if rng.random() < GROUP_R.size / COHORT_SIZE else GROUP_N
    gender = "female" if _share(rng, group.female, group) else "male"
    first_age, last_age = _band(rng, group.ages)
    first_level, last_level = _band(rng, group.levels)
    level = list(T)[rng.randint(first_level.position, last_level.position)]
    ivc = _share(rng, group.ivc, group)
    oedema = _share(rng, group.oedema, group)
    goutallier = rng.choice(_band(rng, group.goutallier))
    blocky = _share(rng, group.blocky, group)
    cement = CementDistribution.BLOCKY if blocky else CementDistribution.SPONGY
    performed = datetime.combine(
        FIRST_PROCEDURE_DAY + timedelta(days=rng.randrange(PROCEDURE_DAYS)),
        time(hour=rng.randint(8, 16), minute=rng.choice((0, 15, 30, 45))),
        tzinfo=UTC,
    )
    mri = performed - timedelta(days=rng.randint(*MRI_DAYS_BEFORE), hours=rng.randint(0, 6))
    reads = imaging_reads(
        ivc=ivc,
        oedema=oedema,
        goutallier=goutallier,
        cement=cement.value,
        mri=mri,
        radiograph=performed + RADIOGRAPH_AFTER,
    )
    risk = predict(model, {read.finding.value: read.value for read in reads}, tiers)
    residual_pain = rng.random() < risk.probability.low
    vas_ranges = VAS_WITH_RESIDUAL_PAIN if residual_pain else VAS_WITH_RELIEF
    scores = tuple(rng.randint(low, high) for low, high in vas_ranges)
    age_in_days = round(rng.uniform(first_age, last_age + 1) * DAYS_PER_YEAR)
    return SyntheticPatient(
        id=patient_id(seed, number),
        description=f"generated patient {number} of seed {seed}",
        gender=gender,
        birth_date=performed.date() - timedelta(days=age_in_days),
        fracture_levels=(level,),
        diagnosed=mri,
        procedures=(vertebroplasty(level, performed),),
        reads=reads,
        pain_scores=pain_scores(performed, scores),
    )


def moved(patient: SyntheticPatient, days: int) -> SyntheticPatient:
    """The same patient with every date moved by ``days``: a cohort of the past made recent,
    for a service that speaks only between the procedure and the one-month assessment."""
    shift = timedelta(days=days)
    return replace(
        patient,
        birth_date=patient.birth_date + shift,
        diagnosed=patient.diagnosed + shift,
        procedures=tuple(replace(p, performed=p.performed + shift) for p in patient.procedures),
        reads=tuple(replace(read, effective=read.effective + shift) for read in patient.reads),
        pain_scores=tuple(
            replace(score, effective=score.effective + shift) for score in patient.pain_scores
        ),
        reports=tuple(replace(r, effective=r.effective + shift) for r in patient.reports),
    )


def _share(rng: random.Random, count: int, group: Group) -> bool:
    return rng.random() < count / group.size


def _band(rng: random.Random, counts: Mapping[Band, int]) -> Band:
    bands = list(counts)
    return rng.choices(bands, weights=[counts[band] for band in bands])[0]

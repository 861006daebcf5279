"""Named patients, fixed whatever the seed, for the README, the demo and the tests.

Each stands for one case the service must get right. Their ids never change; their risks are
worked out by hand in tests/integration/test_end_to_end.py. The service answers from the
procedure until the one-month assessment, so the patients are dated from the day they are built:
procedure five days before (after the study's 3-day pain score, before the one-month one), MRI
four days before it, cement radiograph 24 hours after; pain scores only as far as that day.

| Patient id | Record | Service answer |
| --- | --- | --- |
| pvp-high-risk | PVP at L1; cleft, oedema, Goutallier 4, blocky | high, 87.8% |
| pvp-low-risk | PVP at T12; Goutallier 1, spongy | low, 1.5% |
| pvp-missing-cement | PVP at L2; Goutallier 2; no cement read | low, 8.3%-16.8% |
| pvp-entered-in-error | PVP at T8; cleft read in error, re-read absent; Goutallier 2 | low, 8.3% |
| pvp-superseded-preliminary | PVP at L4; preliminary Goutallier 3, final 2; blocky | low, 16.8% |
| pvp-kyphoplasty | kyphoplasty (CPT 22514) at L1 | model does not apply |
| pvp-two-level | PVP of T12 and L1 (CPT 22510 + 22512) | model does not apply |
| pvp-no-procedure | fracture and MRI, no procedure | no card |
| pvp-old-procedure | as pvp-high-risk, two years ago | no card: past the one-month assessment |
| pvp-myeloma | as pvp-high-risk, with active multiple myeloma (C90.00) | model does not apply |
| pvp-outcome-recorded | as pvp-high-risk, 33 days ago, one-month VAS on record | no card |
| pvp-report-only | PVP at L1; as pvp-high-risk, written only in report text | high, 87.8% |
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from fhir_mappings import codes
from fhir_mappings.codes import FindingName, VertebralLevel

from .records import (
    Augmentation,
    ImagingRead,
    ImagingReport,
    OtherCondition,
    PainScore,
    SyntheticPatient,
    imaging_reads,
    pain_scores,
    vertebroplasty,
)

#: When the patients are built: everything recorded is dated before it.
BUILT = datetime.now(UTC)
PROCEDURE = datetime.combine(BUILT.date() - timedelta(days=5), time(10), tzinfo=UTC)
MRI = PROCEDURE - timedelta(days=4) + timedelta(hours=5)
RADIOGRAPH = PROCEDURE + timedelta(hours=24)
#: Past the one-month assessment and its five days' grace: the service says nothing.
OLD_PROCEDURE = PROCEDURE - timedelta(days=730)
#: Three days after the one-month assessment: its pain score is on record.
MONTH_AGO_PROCEDURE = datetime.combine(BUILT.date() - timedelta(days=33), time(10), tzinfo=UTC)
MULTIPLE_MYELOMA = codes.Code(
    codes.ICD_10_CM, "C90.00", "Multiple myeloma not having achieved remission"
)
RELIEF = (3, 2, 1)
RESIDUAL_PAIN = (6, 6, 5)


class NamedPatient(StrEnum):
    """The ids of the named patients."""

    HIGH_RISK = "pvp-high-risk"
    LOW_RISK = "pvp-low-risk"
    MISSING_CEMENT = "pvp-missing-cement"
    ENTERED_IN_ERROR = "pvp-entered-in-error"
    SUPERSEDED_PRELIMINARY = "pvp-superseded-preliminary"
    KYPHOPLASTY = "pvp-kyphoplasty"
    TWO_LEVEL = "pvp-two-level"
    NO_PROCEDURE = "pvp-no-procedure"
    OLD_PROCEDURE = "pvp-old-procedure"
    MYELOMA = "pvp-myeloma"
    OUTCOME_RECORDED = "pvp-outcome-recorded"
    REPORT_ONLY = "pvp-report-only"


def _patient(
    name: NamedPatient,
    description: str,
    *,
    procedures: tuple[Augmentation, ...],
    reads: tuple[ImagingRead, ...],
    vas: tuple[int, int, int] | None,
    fracture_levels: tuple[VertebralLevel, ...],
    gender: str = "female",
    birth_date: date = date(1946, 3, 14),
    performed: datetime = PROCEDURE,
    other_conditions: tuple[OtherCondition, ...] = (),
    reports: tuple[ImagingReport, ...] = (),
) -> SyntheticPatient:
    return SyntheticPatient(
        id=name.value,
        description=description,
        gender=gender,
        birth_date=birth_date,
        fracture_levels=fracture_levels,
        diagnosed=MRI,
        procedures=procedures,
        reads=reads,
        pain_scores=_scored_by_now(pain_scores(performed, vas)) if vas else (),
        other_conditions=other_conditions,
        reports=reports,
    )


def _scored_by_now(scores: tuple[PainScore, ...]) -> tuple[PainScore, ...]:
    """The pain scores already taken when the patients are built; later ones are not yet."""
    return tuple(score for score in scores if score.effective <= BUILT)


def _reads(
    ivc: bool, oedema: bool, goutallier: int, cement: str | None, performed: datetime = PROCEDURE
) -> tuple[ImagingRead, ...]:
    shift = performed - PROCEDURE
    return imaging_reads(
        ivc=ivc,
        oedema=oedema,
        goutallier=goutallier,
        cement=cement,
        mri=MRI + shift,
        radiograph=RADIOGRAPH + shift,
    )


L = VertebralLevel

#: pvp-high-risk's findings as a radiologist writes them, with what must not be read as a
#: finding beside them: a disc vacuum phenomenon, a skipped indication, a checkbox left empty.
PRE_OPERATIVE_MRI_REPORT = """MRI LUMBAR SPINE WITHOUT CONTRAST
INDICATION: Acute back pain after a fall; evaluate for Kummell disease.
TECHNIQUE: Sagittal T1, T2, STIR; axial T1 and T2.
FINDINGS:
Acute osteoporotic compression fracture of L1 with 30% loss of anterior height.
There is an intravertebral vacuum cleft beneath the superior endplate of L1.
Posterior fascia oedema at the thoracolumbar junction on STIR.
Paraspinal muscles: Goutallier grade 4 fatty infiltration of the multifidus at L4/5.
Degenerative vacuum phenomenon in the L4-5 disc.
Retropulsion: [ ] yes [ ] no
IMPRESSION:
1. Acute L1 fracture with intravertebral vacuum cleft.
2. Posterior fascia oedema.
"""
POST_OPERATIVE_RADIOGRAPH_REPORT = """XR LUMBAR SPINE AP AND LATERAL
FINDINGS: Vertebroplasty of L1. Blocky cement distribution in the anterior two thirds of the
vertebral body. No cement leakage.
"""

NAMED_PATIENTS: tuple[SyntheticPatient, ...] = (
    _patient(
        NamedPatient.HIGH_RISK,
        "vertebroplasty at L1; vacuum cleft, fascia oedema, Goutallier 4, blocky cement",
        procedures=(vertebroplasty(L.L1, PROCEDURE),),
        reads=_reads(True, True, 4, "blocky"),
        vas=RESIDUAL_PAIN,
        fracture_levels=(L.L1,),
        birth_date=date(1938, 11, 2),
    ),
    _patient(
        NamedPatient.LOW_RISK,
        "vertebroplasty at T12; no cleft, no oedema, Goutallier 1, spongy cement",
        procedures=(vertebroplasty(L.T12, PROCEDURE),),
        reads=_reads(False, False, 1, "spongy"),
        vas=RELIEF,
        fracture_levels=(L.T12,),
        gender="male",
        birth_date=date(1955, 7, 21),
    ),
    _patient(
        NamedPatient.MISSING_CEMENT,
        "vertebroplasty at L2; no cleft, no oedema, Goutallier 2; no cement read on record",
        procedures=(vertebroplasty(L.L2, PROCEDURE),),
        reads=_reads(False, False, 2, None),
        vas=RELIEF,
        fracture_levels=(L.L2,),
    ),
    _patient(
        NamedPatient.ENTERED_IN_ERROR,
        "vertebroplasty at T8; a 'cleft present' read entered in error and re-read as absent; "
        "no oedema, Goutallier 2, spongy cement",
        procedures=(vertebroplasty(L.T8, PROCEDURE),),
        reads=(
            ImagingRead(
                "ivc-entered-in-error",
                FindingName.INTRAVERTEBRAL_VACUUM_CLEFT,
                True,
                MRI,
                status="entered-in-error",
            ),
            *_reads(False, False, 2, "spongy"),
        ),
        vas=RELIEF,
        fracture_levels=(L.T8,),
    ),
    _patient(
        NamedPatient.SUPERSEDED_PRELIMINARY,
        "vertebroplasty at L4; a preliminary report's Goutallier 3 superseded by the final "
        "report's 2; no cleft, no oedema, blocky cement",
        procedures=(vertebroplasty(L.L4, PROCEDURE),),
        reads=(
            ImagingRead(
                "goutallier-preliminary",
                FindingName.GOUTALLIER_GRADE,
                3,
                MRI,
                status="preliminary",
            ),
            *_reads(False, False, 2, "blocky"),
        ),
        vas=RESIDUAL_PAIN,
        fracture_levels=(L.L4,),
    ),
    _patient(
        NamedPatient.KYPHOPLASTY,
        "kyphoplasty (not vertebroplasty) at L1; vacuum cleft, Goutallier 2, blocky cement",
        procedures=(Augmentation("procedure", codes.CPT_AUGMENTATION_LUMBAR, (L.L1,), PROCEDURE),),
        reads=_reads(True, False, 2, "blocky"),
        vas=RELIEF,
        fracture_levels=(L.L1,),
    ),
    _patient(
        NamedPatient.TWO_LEVEL,
        "vertebroplasty of T12 and L1 in one session; fascia oedema, Goutallier 3, spongy cement",
        procedures=(
            vertebroplasty(L.T12, PROCEDURE),
            Augmentation(
                "procedure-additional-level",
                codes.CPT_VERTEBROPLASTY_ADDITIONAL,
                (L.L1,),
                PROCEDURE,
            ),
        ),
        reads=_reads(False, True, 3, "spongy"),
        vas=RELIEF,
        fracture_levels=(L.T12, L.L1),
    ),
    _patient(
        NamedPatient.NO_PROCEDURE,
        "osteoporotic fracture of L3 with a pre-operative MRI, no procedure on record",
        procedures=(),
        reads=_reads(False, True, 2, None),
        vas=None,
        fracture_levels=(L.L3,),
        gender="male",
        birth_date=date(1949, 1, 30),
    ),
    _patient(
        NamedPatient.OLD_PROCEDURE,
        "vertebroplasty at L1 two years ago; vacuum cleft, fascia oedema, Goutallier 4, blocky",
        procedures=(vertebroplasty(L.L1, OLD_PROCEDURE),),
        reads=_reads(True, True, 4, "blocky", OLD_PROCEDURE),
        vas=None,
        fracture_levels=(L.L1,),
        performed=OLD_PROCEDURE,
    ),
    _patient(
        NamedPatient.MYELOMA,
        "vertebroplasty at L1 with active multiple myeloma on record; vacuum cleft, fascia "
        "oedema, Goutallier 4, blocky cement",
        procedures=(vertebroplasty(L.L1, PROCEDURE),),
        reads=_reads(True, True, 4, "blocky"),
        vas=RESIDUAL_PAIN,
        fracture_levels=(L.L1,),
        other_conditions=(OtherCondition("myeloma", MULTIPLE_MYELOMA),),
    ),
    _patient(
        NamedPatient.OUTCOME_RECORDED,
        "vertebroplasty at L1 33 days ago, one-month VAS on record; vacuum cleft, fascia "
        "oedema, Goutallier 4, blocky cement",
        procedures=(vertebroplasty(L.L1, MONTH_AGO_PROCEDURE),),
        reads=_reads(True, True, 4, "blocky", MONTH_AGO_PROCEDURE),
        vas=RESIDUAL_PAIN,
        fracture_levels=(L.L1,),
        performed=MONTH_AGO_PROCEDURE,
    ),
    _patient(
        NamedPatient.REPORT_ONLY,
        "vertebroplasty at L1; vacuum cleft, fascia oedema, Goutallier 4, blocky cement, "
        "written only in the MRI and radiograph reports (pvp-high-risk's report-text twin)",
        procedures=(vertebroplasty(L.L1, PROCEDURE),),
        reads=(),
        reports=(
            ImagingReport(
                "mri-report",
                "MRI lumbar spine without contrast",
                MRI,
                PRE_OPERATIVE_MRI_REPORT,
                {
                    FindingName.INTRAVERTEBRAL_VACUUM_CLEFT: True,
                    FindingName.POSTERIOR_FASCIA_OEDEMA: True,
                    FindingName.GOUTALLIER_GRADE: 4,
                },
            ),
            ImagingReport(
                "radiograph-report",
                "XR lumbar spine 2 views",
                RADIOGRAPH,
                POST_OPERATIVE_RADIOGRAPH_REPORT,
                {FindingName.CEMENT_DISTRIBUTION: "blocky"},
            ),
        ),
        vas=RESIDUAL_PAIN,
        fracture_levels=(L.L1,),
        birth_date=date(1941, 8, 9),
    ),
)


def named_patient(name: NamedPatient | str) -> SyntheticPatient:
    """The named patient with this id; raises KeyError naming the known ids."""
    for patient in NAMED_PATIENTS:
        if patient.id == name:
            return patient
    known = ", ".join(patient.id for patient in NAMED_PATIENTS)
    raise KeyError(f"no named patient {name!r}; the named patients are {known}")

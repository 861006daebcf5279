"""Synthetic PVP patients as FHIR R4 transaction Bundles, for sandboxes, the demo and tests.

:func:`generate_cohort` draws seeded patients shaped like Li et al. 2021's cohort;
:data:`NAMED_PATIENTS` are fixed edge cases with documented ids (:class:`NamedPatient`);
:func:`transaction` and :func:`write_bundles` turn patients into Bundles.
"""

from .bundles import WrittenBundle, transaction, write_bundles
from .cohort import generate_cohort, moved, patient_id
from .named import NAMED_PATIENTS, NamedPatient, named_patient
from .records import (
    Augmentation,
    ImagingRead,
    ImagingReport,
    OtherCondition,
    PainScore,
    SyntheticPatient,
    fhir_resources,
)

__all__ = [
    "NAMED_PATIENTS",
    "Augmentation",
    "ImagingRead",
    "ImagingReport",
    "NamedPatient",
    "OtherCondition",
    "PainScore",
    "SyntheticPatient",
    "WrittenBundle",
    "fhir_resources",
    "generate_cohort",
    "moved",
    "named_patient",
    "patient_id",
    "transaction",
    "write_bundles",
]

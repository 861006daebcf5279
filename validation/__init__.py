"""Validation and recalibration of the model on a site's own patients.

An optional part (``pip install 'pvp-cds[validate]'``): the service never imports it. Read a
cohort with :func:`read_csv` or :func:`read_fhir`, measure it with :func:`evaluate`, write the
report with :func:`write_report`; :func:`fit` and :func:`recalibrated_document` give a
recalibrated model file. ``pvp-cds validate`` and ``pvp-cds recalibrate`` do all of it.
"""

from .cohort import Case, Cohort, CohortBuilder, Period
from .csv_input import CsvInputError, read_csv
from .decision import DecisionCurve, decision_curve, net_benefit
from .fhir_input import FhirInputError, read_fhir
from .metrics import Estimate, Metrics, ValidationError, evaluate
from .outcome import OutcomeWindow, PainScore
from .recalibrate import Method, Recalibration, fit, recalibrated_document
from .report import Report, write_report

__all__ = [
    "Case",
    "Cohort",
    "CohortBuilder",
    "CsvInputError",
    "DecisionCurve",
    "Estimate",
    "FhirInputError",
    "Method",
    "Metrics",
    "OutcomeWindow",
    "PainScore",
    "Period",
    "Recalibration",
    "Report",
    "ValidationError",
    "decision_curve",
    "evaluate",
    "fit",
    "net_benefit",
    "read_csv",
    "read_fhir",
    "recalibrated_document",
    "write_report",
]

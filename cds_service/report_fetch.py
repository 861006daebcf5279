"""Radiology reports for the text fallback: taken from prefetch if the EHR sent them, otherwise
read from the FHIR server, and only when they can change the answer.

Reports are not a prefetch template: a template would make every chart opening pull report
text for every patient, while the text is needed only after a vertebroplasty and only for a
finding no Observation codes. So the service asks the FHIR server itself, once the cheap
checks say so: one search by patient, radiology category and the dates of the imaging windows
(all within the CDS Hooks prefetch query subset).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.resource import Resource

import fhir_mappings
from fhir_mappings import Applicability, Assessment, Caveat, CaveatKind, FindingStatus
from fhir_mappings.codes import RADIOLOGY_REPORT_CATEGORIES, FindingName

from .errors import CdsError, InvalidRequest
from .prefetch import fhir_server_of, fill_template
from .runtime import Runtime

log = logging.getLogger(__name__)

#: A finding in one of these states may still be found in report text.
NOT_CODED = frozenset({FindingStatus.MISSING, FindingStatus.STALE, FindingStatus.UNDATED})
PRE_OPERATIVE = frozenset(
    name for name in FindingName if name is not FindingName.CEMENT_DISTRIBUTION
)


@dataclass(frozen=True)
class ReportFetch:
    """The radiology reports to read, and whether the search for them failed (a caveat)."""

    resources: tuple[Resource, ...] = ()
    failed: bool = False

    def noted_on(self, assessment: Assessment) -> Assessment:
        if not self.failed:
            return assessment
        caveat = Caveat(CaveatKind.REPORT_TEXT_NOT_READ)
        return replace(assessment, caveats=(*assessment.caveats, caveat))


def radiology_reports(
    assessment: Assessment,
    hook_request: Mapping[str, Any],
    templates: Mapping[str, str],
    runtime: Runtime,
    check_server: Callable[[str], None],
) -> ReportFetch:
    """The reports that may fill in findings no Observation gives; nothing when text reading
    is off, the model does not apply, or every finding is coded."""
    if runtime.report_reader is None or assessment.applicability is not Applicability.APPLIES:
        return ReportFetch()
    uncoded = {
        FindingName(name)
        for name, finding in assessment.findings.items()
        if finding.status in NOT_CODED
    }
    if not uncoded:
        return ReportFetch()
    prefetched = _prefetched_reports(hook_request, templates)
    if prefetched is not None:
        return ReportFetch(prefetched)
    server = fhir_server_of(hook_request)
    if server is None:
        return ReportFetch()
    query = fill_template(search(assessment, uncoded, runtime.mapping), hook_request["context"])
    try:
        check_server(server.base_url)
        pages = runtime.fhir.read(server, query)
        found = [r for page in pages for r in fhir_mappings.resources_from(page)]
    except (CdsError, fhir_mappings.InvalidResourceError) as exc:
        # The kind only: the message may quote what the server sent.
        log.warning("radiology reports not read: %s", type(exc).__name__)
        return ReportFetch(failed=True)
    return ReportFetch(tuple(r for r in found if isinstance(r, DiagnosticReport)))


def search(
    assessment: Assessment, uncoded: set[FindingName], mapping: fhir_mappings.MappingConfig
) -> str:
    """The search for radiology reports in the imaging windows of the uncoded findings."""
    day = date.fromisoformat(assessment.procedure.performed[:10])
    start = end = day
    if uncoded & PRE_OPERATIVE:
        start = day - timedelta(days=mapping.pre_procedure_lookback_days)
    if FindingName.CEMENT_DISTRIBUTION in uncoded:
        end = day + timedelta(days=mapping.post_procedure_window_days)
    categories = ",".join(sorted(code.token for code in RADIOLOGY_REPORT_CATEGORIES))
    return (
        f"DiagnosticReport?patient={{{{context.patientId}}}}&category={categories}"
        f"&date=ge{start.isoformat()}&date=le{end.isoformat()}"
    )


def _prefetched_reports(
    hook_request: Mapping[str, Any], templates: Mapping[str, str]
) -> tuple[Resource, ...] | None:
    """DiagnosticReports the EHR sent in prefetch under a key the service did not ask for;
    None if it sent none."""
    reports: list[Resource] = []
    for key, value in (hook_request.get("prefetch") or {}).items():
        if key in templates or not isinstance(value, Mapping):
            continue
        if value.get("resourceType") not in ("DiagnosticReport", "Bundle"):
            continue
        try:
            parsed = fhir_mappings.resources_from(value)
        except fhir_mappings.InvalidResourceError as exc:
            raise InvalidRequest(f"prefetch '{key}': {exc}") from exc
        reports.extend(r for r in parsed if isinstance(r, DiagnosticReport))
    return tuple(reports) if reports else None

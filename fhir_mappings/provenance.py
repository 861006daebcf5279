"""Where a value came from, as a clinician would look it up."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SourceKind(StrEnum):
    #: A coded Observation.
    OBSERVATION = "observation"
    #: A sentence of a radiology DiagnosticReport's text.
    REPORT_TEXT = "report-text"


@dataclass(frozen=True)
class Source:
    """The Observation (or radiology report) a finding was read from."""

    reference: str
    effective: str | None
    status: str
    code: str
    display: str | None
    kind: SourceKind = SourceKind.OBSERVATION
    #: The report's own words, for a value read from report text.
    quote: str | None = None

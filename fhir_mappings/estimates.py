"""RiskAssessments already on record, read as data: which model (and version) made them and
which records they rest on, so that the service records an estimate once, not on every view."""

from __future__ import annotations

from dataclasses import dataclass

from fhir.resources.R4B.riskassessment import RiskAssessment

from .codes import Code

#: RiskAssessment statuses that withdraw the record: it does not count as recorded.
WITHDRAWN = frozenset({"entered-in-error", "cancelled"})


@dataclass(frozen=True)
class RecordedEstimate:
    reference: str
    status: str
    #: RiskAssessment.method codings, each with its version (None if the coding has none).
    methods: frozenset[tuple[Code, str | None]]
    #: RiskAssessment.basis references, as "Type/id".
    basis: frozenset[str]

    @property
    def counts(self) -> bool:
        return self.status not in WITHDRAWN

    def is_by(self, method: Code, version: str) -> bool:
        return (method, version) in self.methods

    def rests_on(self, reference: str) -> bool:
        return reference in self.basis


def recorded_estimate(resource: RiskAssessment) -> RecordedEstimate:
    methods = frozenset(
        (Code(coding.system or "", coding.code or ""), coding.version)
        for coding in (resource.method.coding or [] if resource.method else [])
    )
    basis = frozenset(
        relative_reference(reference.reference)
        for reference in resource.basis or []
        if reference.reference
    )
    return RecordedEstimate(f"RiskAssessment/{resource.id}", resource.status, methods, basis)


def relative_reference(reference: str) -> str:
    """ "Type/id" of a relative or absolute reference, without a version suffix."""
    parts = reference.split("/_history/")[0].split("/")
    return "/".join(parts[-2:])

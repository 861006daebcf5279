"""The registry of CDS services: one entry per service id, from which discovery is generated
and calls are routed. Nothing about a service is written twice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from . import recording

PATIENT = "{{context.patientId}}"


@dataclass(frozen=True)
class CdsService:
    """A service as CDS Hooks 2.0 discovery describes it (§ Discovery, "CDS Service")."""

    id: str
    hook: str
    title: str
    description: str
    prefetch: Mapping[str, str]

    @cached_property
    def optional_prefetch(self) -> frozenset[str]:
        """Keys the service can do without: what it cannot read, it knows it does not know.
        (Worked out once: every call asks.)"""
        return frozenset({recording.PREFETCH_KEY}) & self.prefetch.keys()

    def discovery(self) -> dict[str, Any]:
        return {
            "hook": self.hook,
            "title": self.title,
            "description": self.description,
            "id": self.id,
            "prefetch": dict(self.prefetch),
        }


def prefetch_templates(
    search_codes: Mapping[str, tuple[str, ...]], *, recorded_estimates: bool = False
) -> dict[str, str]:
    """Templates in the spec's recommended query subset: an instance read of the Patient and
    type-level searches by patient and token (system|code, comma-separated for OR). Only the
    hooks that must not record an estimate twice ask for the RiskAssessments on record."""
    templates = {"patient": f"Patient/{PATIENT}"}
    for key, resource_type in (
        ("procedures", "Procedure"),
        ("observations", "Observation"),
        ("conditions", "Condition"),
    ):
        codes = search_codes.get(resource_type)
        if codes:
            templates[key] = f"{resource_type}?patient={PATIENT}&code={','.join(codes)}"
    if recorded_estimates:
        templates[recording.PREFETCH_KEY] = recording.recorded_estimates_template(PATIENT)
    return templates


DESCRIPTION = (
    "After a percutaneous vertebroplasty for an osteoporotic vertebral compression fracture, "
    "estimates the risk of residual back pain (VAS >= 4) at one month from four imaging "
    "findings (Li et al. 2021 nomogram), with the inputs used, what is missing, and "
    "monitoring advice. Shown from the procedure until the one-month assessment; silent when "
    "no vertebroplasty is on record."
)


def build_services(search_codes: Mapping[str, tuple[str, ...]]) -> dict[str, CdsService]:
    services = (
        CdsService(
            id="pvp-residual-back-pain",
            hook="patient-view",
            title="Residual back pain risk after vertebroplasty",
            description=DESCRIPTION,
            prefetch=prefetch_templates(search_codes, recorded_estimates=True),
        ),
        CdsService(
            id="pvp-residual-back-pain-discharge",
            hook="encounter-discharge",
            title="Residual back pain risk after vertebroplasty, at discharge",
            description=DESCRIPTION,
            prefetch=prefetch_templates(search_codes),
        ),
    )
    return {service.id: service for service in services}

"""The audit record of a hook answer that carried a card: what was shown, from which inputs and
which model, for which hook call. Built from the objects the hook already holds; no names,
tokens or raw patient ids (the patient is the keyed pseudonym the logs use)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from fhir_mappings import Applicability, Assessment, Finding, IndexProcedure, Source
from scoring import Model, RiskEstimate

from .. import wording
from ..client_auth import AuthenticatedClient


@dataclass(frozen=True)
class AuditRecord:
    id: str
    answered_at: datetime
    hook_instance: str
    service_id: str
    client_issuer: str | None
    client_tenant: str | None
    patient_pseudonym: str
    applicability: str
    applicability_reason: str | None
    inputs: dict[str, Any]
    probability_low: float | None
    probability_high: float | None
    tier: str | None
    model_id: str
    model_version: str
    card_uuids: tuple[str, ...]
    latency_ms: float

    def payload(self) -> dict[str, Any]:
        """As JSON, for the local backlog."""
        # Shallow: every field is JSON already but the two converted here (asdict would copy
        # the nested inputs once more).
        return {
            **{f.name: getattr(self, f.name) for f in fields(self)},
            "answered_at": self.answered_at.isoformat(),
            "card_uuids": list(self.card_uuids),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> AuditRecord:
        return cls(
            **{
                **payload,
                "answered_at": datetime.fromisoformat(payload["answered_at"]),
                "card_uuids": tuple(payload["card_uuids"]),
            }
        )


def audit_record(
    *,
    assessment: Assessment,
    estimate: RiskEstimate | None,
    model: Model,
    cards: Sequence[Mapping[str, Any]],
    hook_instance: str,
    service_id: str,
    client: AuthenticatedClient | None,
    patient_pseudonym: str,
    answered_at: datetime,
    latency_ms: float,
) -> AuditRecord:
    return AuditRecord(
        id=str(uuid.uuid4()),
        answered_at=answered_at,
        hook_instance=hook_instance,
        service_id=service_id,
        client_issuer=client.issuer if client else None,
        client_tenant=client.tenant if client else None,
        patient_pseudonym=patient_pseudonym,
        applicability=str(assessment.applicability),
        applicability_reason=(
            None
            if assessment.applicability is Applicability.APPLIES
            # The sentence the card shows, so governance reads what the clinician read.
            else wording.applicability_reason(assessment)
        ),
        inputs={
            "procedure": _procedure(assessment.procedure),
            "findings": {name: _finding(f) for name, f in assessment.findings.items()},
        },
        probability_low=estimate.probability.low if estimate else None,
        probability_high=estimate.probability.high if estimate else None,
        tier=str(estimate.tier) if estimate else None,
        model_id=model.id,
        model_version=model.version,
        card_uuids=tuple(card["uuid"] for card in cards),
        latency_ms=latency_ms,
    )


def _procedure(procedure: IndexProcedure | None) -> dict[str, Any] | None:
    if procedure is None:
        return None
    return {
        "reference": procedure.reference,
        "performed": procedure.performed,
        "kind": str(procedure.kind),
        "code": procedure.code,
        "levels": [str(level) for level in procedure.levels],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "value": finding.value,
        "status": str(finding.status),
        "source": _source(finding.source),
        "conflicts": [
            {"value": conflict.value, "source": _source(conflict.source)}
            for conflict in finding.conflicts
        ],
    }


def _source(source: Source | None) -> dict[str, Any] | None:
    if source is None:
        return None
    # Not the report's quoted words: free text may name people.
    return {
        "reference": source.reference,
        "effective": source.effective,
        "status": source.status,
        "kind": str(source.kind),
    }

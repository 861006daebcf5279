"""Risk and findings in, CDS Hooks cards out, as typed spec objects (``cds_hooks``); the words
come from ``wording``."""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mappings import Assessment
from scoring import Model, RiskEstimate, RiskTier, RiskTiers

from . import fhir_resources, wording
from .cds_hooks import (
    Action,
    ActionType,
    Card,
    Coding,
    Indicator,
    Link,
    SelectionBehavior,
    Source,
    Suggestion,
)

OVERRIDE_REASONS_SYSTEM = "http://pvp-cds.org/fhir/CodeSystem/override-reason"
#: The same on every risk card: made once.
OVERRIDE_REASONS = tuple(
    Coding(OVERRIDE_REASONS_SYSTEM, code, display) for code, display in wording.OVERRIDE_REASONS
)


@dataclass(frozen=True)
class CardContext:
    """What every card needs besides the risk: the model and how its tiers are cut."""

    model: Model
    tiers: RiskTiers

    @property
    def source(self) -> Source:
        # The peer-reviewed paper when the model file names one, before the preprint.
        card = self.model.model_card
        url = card["peer_reviewed"]["url"] if "peer_reviewed" in card else card["url"]
        return Source(wording.card_source_label(self.model), url)


def risk_card(
    estimate: RiskEstimate,
    assessment: Assessment,
    context: CardContext,
    suggestion: Suggestion | None,
    links: tuple[Link, ...] = (),
) -> Card:
    model = context.model
    return Card(
        summary=wording.risk_summary(estimate, model, context.tiers),
        indicator=Indicator.WARNING if estimate.tier is RiskTier.HIGH else Indicator.INFO,
        detail=wording.risk_detail(estimate, assessment, model, context.tiers),
        source=context.source,
        override_reasons=OVERRIDE_REASONS,
        suggestions=(suggestion,) if suggestion else (),
        selection_behavior=SelectionBehavior.ANY if suggestion else None,
        links=links,
    )


def not_applicable_card(
    assessment: Assessment, context: CardContext, links: tuple[Link, ...] = ()
) -> Card:
    return Card(
        summary=wording.not_applicable_summary(assessment, context.model),
        indicator=Indicator.INFO,
        detail=wording.not_applicable_detail(assessment, context.model),
        source=context.source,
        links=links,
    )


def estimates_off_card(context: CardContext) -> Card:
    """The site switched the estimates off (PVP_CDS_ESTIMATES=off): say so, rather than fall
    silent, which would read as "no vertebroplasty on record"."""
    return Card(
        summary=wording.estimates_off_summary(context.model),
        indicator=Indicator.INFO,
        detail=wording.estimates_off_detail(context.model),
        source=context.source,
    )


def reassessment_suggestion(
    assessment: Assessment, model: Model, patient_id: str
) -> Suggestion | None:
    requests = fhir_resources.pain_reassessment_requests(assessment, model, patient_id)
    if not requests:
        return None
    return Suggestion(
        label=wording.REASSESSMENT_LABEL,
        actions=tuple(
            Action(ActionType.CREATE, request["note"][0]["text"], request) for request in requests
        ),
    )

"""The scoring core: findings in, risk out. Pure: no HTTP, no FHIR, no environment."""

from .model import (
    DerivationCounts,
    DerivationGroup,
    Level,
    Model,
    ModelError,
    OutcomeAssessment,
    Predictor,
    RiskThreshold,
    ThresholdBasis,
    Value,
    load_model,
    model_from_document,
)
from .predict import (
    FactorResult,
    InputError,
    Interval,
    RiskEstimate,
    RiskTier,
    RiskTiers,
    level_of,
    logistic,
    predict,
)
from .rarity import expected_derivation_patients, is_rare

__all__ = [
    "DerivationCounts",
    "DerivationGroup",
    "OutcomeAssessment",
    "FactorResult",
    "InputError",
    "Interval",
    "Level",
    "Model",
    "ModelError",
    "Predictor",
    "RiskEstimate",
    "RiskThreshold",
    "RiskTier",
    "RiskTiers",
    "ThresholdBasis",
    "Value",
    "expected_derivation_patients",
    "is_rare",
    "level_of",
    "load_model",
    "logistic",
    "model_from_document",
    "predict",
]

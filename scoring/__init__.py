"""The scoring core: findings in, risk out. Pure: no HTTP, no FHIR, no environment."""

from .model import (
    Level,
    Model,
    ModelError,
    OutcomeAssessment,
    Predictor,
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
    logistic,
    predict,
)

__all__ = [
    "OutcomeAssessment",
    "FactorResult",
    "InputError",
    "Interval",
    "Level",
    "Model",
    "ModelError",
    "Predictor",
    "RiskEstimate",
    "RiskTier",
    "RiskTiers",
    "Value",
    "load_model",
    "logistic",
    "model_from_document",
    "predict",
]

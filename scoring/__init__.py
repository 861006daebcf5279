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
from .nomogram import Axis, Category, Nomogram, PointsRow, Tick, nomogram
from .predict import (
    FactorResult,
    InputError,
    Interval,
    PointsScale,
    RiskEstimate,
    RiskTier,
    RiskTiers,
    logistic,
    predict,
)

__all__ = [
    "Axis",
    "Category",
    "Nomogram",
    "PointsRow",
    "PointsScale",
    "Tick",
    "nomogram",
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

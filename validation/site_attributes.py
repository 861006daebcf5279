"""The source attributes of a model recalibrated at a site: the original model's, naming the new
version, with what the site measured in place of what was not known (its external validation,
its validity in local data, its date and contact)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from scoring import SourceAttributes

NAMES = {
    "auc": "AUC",
    "calibration_in_the_large": "calibration-in-the-large",
    "calibration_slope": "calibration slope",
    "observed_expected": "observed/expected",
    "brier": "Brier score",
}


def recalibrated_attributes(
    original: SourceAttributes, document: Mapping[str, Any]
) -> dict[str, Any]:
    """``document`` is the recalibrated model file (its ``recalibration`` block filled)."""
    block = document["recalibration"]
    site, when = block["site"], block["created"]
    cohort = (
        f"{block['n']} patients ({block['events']} with residual back pain) at {site}, "
        f"{block['period']}"
    )
    source = [f"recalibration block of model file {document['id']} v{document['version']}"]
    before = _measured(block["metrics_before"])
    contact = block.get("contact", "none given (pvp-cds recalibrate --contact)")
    site_values = {
        "external-setting": f"The site's own patients: {cohort}.",
        "external-tester": f"{site}, with pvp-cds recalibrate on {when}.",
        "external-process": (
            f"pvp-cds recalibrate (docs/validation.md) on {cohort}: complete cases, the outcome "
            "from the pain score nearest day 30 within the outcome window; the original model's "
            f"performance measured on them, then a {block['method']} recalibration fitted."
        ),
        "external-validity": (
            f"The original model ({block['original']['id']} v{block['original']['version']}) "
            f"on {cohort}: {before}."
        ),
        "local-validity": (
            f"After {block['method']} recalibration, on the same patients (apparent: measured on "
            f"the patients it was fitted to, not on new ones): "
            f"{_measured(block['metrics_after'])}. Validate again on later patients."
        ),
    }
    attributes = copy.deepcopy(dict(original.document))
    attributes["model"] = {"id": document["id"], "version": document["version"]}
    attributes["reviewed"] = when
    for item in attributes["attributes"]:
        if item["id"] in site_values:
            item.pop("not_known", None)
            item["value"], item["sources"] = site_values[item["id"]], source
        elif item["id"] == "developer":
            item["value"] = [
                *_texts(item["value"]),
                f"Recalibrated at {site} on {when}; contact: {contact}.",
            ]
            item["sources"] = [*item["sources"], *source]
    return attributes


def _measured(metrics: Mapping[str, float]) -> str:
    return ", ".join(f"{NAMES[name]} {value:.3f}" for name, value in metrics.items())


def _texts(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)

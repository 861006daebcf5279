"""What the app loads once at start-up and every request shares."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app

import fhir_mappings
from fhir_mappings.site_files import read_site_file
from scoring import (
    AttributesError,
    Model,
    RiskTiers,
    SourceAttributes,
    load_model,
    load_source_attributes,
    with_site,
)

from .errors import ServiceNotFound, StartupError
from .fhir_client import FhirClient, Timeouts
from .outbound import pooled_session
from .services import CdsService, build_services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    model: Model
    tiers: RiskTiers
    mapping: fhir_mappings.MappingConfig
    services: Mapping[str, CdsService]
    fhir: FhirClient
    executor: ThreadPoolExecutor
    #: The model's source attributes, with the site's additions when it has a site file.
    source_attributes: SourceAttributes
    #: False when the site switched the estimates off (PVP_CDS_ESTIMATES=off).
    estimates_on: bool = True
    #: Reads findings from radiology report text; None when the site turned it off.
    report_reader: fhir_mappings.ReportTextReader | None = None

    def service(self, service_id: str) -> CdsService:
        try:
            return self.services[service_id]
        except KeyError:
            known = ", ".join(sorted(self.services))
            raise ServiceNotFound(
                f"no CDS service '{service_id}'; this server has {known}"
            ) from None


def current_runtime() -> Runtime:
    return runtime_of(current_app)


def runtime_of(app: Flask) -> Runtime:
    """``app``'s runtime; for a caller that holds the app (not Flask's proxy) already."""
    return app.extensions["pvp_cds"]


def build_runtime(config: Mapping[str, Any]) -> Runtime:
    model = load_model(config["MODEL_FILE"])
    mapping = fhir_mappings.load_mapping_config(config["MAPPING_FILE"])
    _check_inputs_match(model)
    log.info(
        "model %s v%s; code contract: defaults%s",
        model.id,
        model.version,
        f" + site file {mapping.site_file}" if mapping.site_file else "",
    )
    reader = _report_reader(config["REPORT_RULES_FILE"]) if config["REPORT_TEXT"] else None
    log.info("report text: %s", f"rules {reader.rules.version}" if reader else "off")
    return Runtime(
        model=model,
        tiers=_tiers(model, config["HIGH_RISK_THRESHOLD"]),
        mapping=mapping,
        services=build_services(fhir_mappings.search_codes(mapping)),
        fhir=FhirClient(
            pooled_session(config["FHIR_WORKERS"]),
            timeouts=Timeouts(config["FHIR_CONNECT_TIMEOUT"], config["FHIR_READ_TIMEOUT"]),
            max_pages=config["FHIR_MAX_PAGES"],
            page_size=config["FHIR_PAGE_SIZE"],
        ),
        executor=ThreadPoolExecutor(config["FHIR_WORKERS"], thread_name_prefix="fhir"),
        source_attributes=_source_attributes(
            model, config["MODEL_FILE"], config["SITE_ATTRIBUTES_FILE"]
        ),
        estimates_on=config["ESTIMATES"] == "on",
        report_reader=reader,
    )


def _source_attributes(
    model: Model, model_file: str | None, site_file: str | None
) -> SourceAttributes:
    """The attributes beside the model file, with the site's file added when it has one."""
    attributes = load_source_attributes(model, model_file)
    if site_file is None:
        return attributes
    site = read_site_file(Path(site_file), "site attributes file", AttributesError)
    return with_site(attributes, site, f"PVP_CDS_SITE_ATTRIBUTES_FILE {site_file}")


@lru_cache(maxsize=4)
def _report_reader(rules_file: str | None) -> fhir_mappings.ReportTextReader:
    """The report text pipeline for these rules. Building it takes about a second, and it does
    not change once built, so apps of one process with the same rules file share it."""
    try:
        return fhir_mappings.ReportTextReader(fhir_mappings.load_text_rules(rules_file))
    except fhir_mappings.ReportRulesError as exc:
        raise StartupError(f"PVP_CDS_REPORT_RULES_FILE: {exc}") from exc


def _check_inputs_match(model: Model) -> None:
    """The model's inputs must be exactly what the mapping layer produces, and every value the
    mapping layer can give a finding must fall in one of the model's levels."""
    missing = sorted(model.input_names - fhir_mappings.FINDING_NAMES)
    unexpected = sorted(fhir_mappings.FINDING_NAMES - model.input_names)
    if missing or unexpected:
        raise StartupError(
            f"model {model.id} does not fit the FHIR mappings: inputs no mapping produces: "
            f"{missing or 'none'}; findings the model does not take: {unexpected or 'none'}"
        )
    untaken = [
        f"{predictor.name} {value!r}"
        for predictor in model.predictors
        for value in fhir_mappings.FINDING_DOMAINS[predictor.name]
        if not any(level.includes(value) for level in predictor.levels)
    ]
    if untaken:
        raise StartupError(
            f"model {model.id} does not fit the FHIR mappings: values the mappings give that no "
            f"level of the model takes: {', '.join(untaken)}"
        )


def _tiers(model: Model, threshold: float | None) -> RiskTiers:
    try:
        return RiskTiers.for_model(model, threshold)
    except ValueError as exc:
        raise StartupError(f"PVP_CDS_HIGH_RISK_THRESHOLD: {exc}") from exc

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from fhir_mappings import (
    Assessment,
    MappingConfig,
    ReportTextReader,
    assess,
    assess_payloads,
    load_mapping_config,
    load_text_rules,
    resources_from,
)

from .builders import NOW, PATIENT_ID, bundle


@pytest.fixture(scope="session")
def config() -> MappingConfig:
    return load_mapping_config()


@pytest.fixture(params=["parsed-whole", "selected"])
def assess_json(request: pytest.FixtureRequest, config: MappingConfig) -> Callable[..., Assessment]:
    """Assess FHIR JSON resources, sent as one searchset Bundle, for the test patient: every
    resource parsed and assessed, and the service's way (selected on the raw JSON, only the
    used ones parsed). Every mapping test runs both ways: the selection changes nothing."""

    def run(
        *resources: dict[str, Any],
        with_config: MappingConfig | None = None,
        now: datetime | None = None,
        fhir_server: str | None = None,
    ) -> Assessment:
        mapping, when = with_config or config, now or NOW
        if request.param == "selected":
            payloads = {"payload": [bundle(*resources)]}
            return assess_payloads(payloads, PATIENT_ID, mapping, now=when, fhir_server=fhir_server)
        return assess(
            resources_from(bundle(*resources)),
            PATIENT_ID,
            mapping,
            now=when,
            fhir_server=fhir_server,
        )

    return run


@pytest.fixture(scope="session")
def reader() -> ReportTextReader:
    """The report-text reader with the shipped rules, built once (its pipeline takes a second)."""
    return ReportTextReader(load_text_rules())

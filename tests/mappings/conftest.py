from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from fhir_mappings import Assessment, MappingConfig, assess, load_mapping_config, resources_from

from .builders import NOW, PATIENT_ID, bundle


@pytest.fixture(scope="session")
def config() -> MappingConfig:
    return load_mapping_config()


@pytest.fixture
def assess_json(config: MappingConfig) -> Callable[..., Assessment]:
    """Parse FHIR JSON resources as one searchset Bundle and assess them for the test patient."""

    def run(
        *resources: dict[str, Any],
        with_config: MappingConfig | None = None,
        now: datetime | None = None,
    ) -> Assessment:
        return assess(
            resources_from(bundle(*resources)), PATIENT_ID, with_config or config, now=now or NOW
        )

    return run

"""A resource is validated once per process for the exact JSON it came as: the chart opened
again sends the same resources. What changes, and what is refused, is judged every time."""

from __future__ import annotations

import copy
import math

import pytest

import fhir_mappings.parsing
from fhir_mappings import InvalidResourceError, assess, assess_payloads, resources_from

from .builders import NOW, PATIENT_ID, bundle, cement, goutallier, index_pvp, present


@pytest.fixture
def validations(monkeypatch):
    """Resources validated from JSON, counted; the cache starts empty."""
    fhir_mappings.parsing._validated_document.cache_clear()
    validated: list[str] = []
    real = fhir_mappings.parsing._validate

    def counting(model, data):
        validated.append(data.get("id", data["resourceType"]))
        return real(model, data)

    monkeypatch.setattr(fhir_mappings.parsing, "_validate", counting)
    yield validated
    fhir_mappings.parsing._validated_document.cache_clear()


def test_the_same_resource_sent_again_is_not_validated_again(validations):
    first = resources_from(present("o1"))
    again = resources_from(copy.deepcopy(present("o1")))

    assert validations == ["o1"]
    assert again == first


def test_a_changed_resource_is_validated_anew(validations):
    resources_from(goutallier("o1", 1))
    changed = resources_from(goutallier("o1", 4))

    assert validations == ["o1", "o1"]
    assert changed[0].valueInteger == 4
    assert changed == resources_from(goutallier("o1", 4))


def test_a_resource_past_the_size_limit_is_validated_every_time(validations):
    large = present("o1", note=[{"text": "x" * fhir_mappings.parsing.VALIDATED_CACHE_MAX_BYTES}])

    resources_from(large)
    resources_from(copy.deepcopy(large))

    assert validations == ["o1", "o1"]


def test_an_invalid_resource_is_refused_every_time(validations):
    invalid = {**present("o1"), "status": 42}

    for _ in range(2):
        with pytest.raises(InvalidResourceError, match="status"):
            resources_from(copy.deepcopy(invalid))
    assert validations == ["o1", "o1"]


@pytest.mark.parametrize("number", [math.nan, math.inf])
def test_a_number_json_cannot_write_is_refused(validations, number):
    # Python's json module reads NaN and Infinity; orjson would write NaN back as null, and
    # the cache would then judge a resource other than the one sent.
    with_number = {**present("o1"), "valueQuantity": {"value": number}}
    with_number.pop("valueBoolean")

    with pytest.raises(InvalidResourceError, match=r"valueQuantity\.value: .* not a JSON number"):
        resources_from(with_number)
    assert validations == []


def test_a_coercible_value_is_refused_every_time(validations):
    coercible = {**present("o1"), "valueBoolean": "true"}
    coercible.pop("valueCodeableConcept", None)

    for _ in range(2):
        with pytest.raises(InvalidResourceError, match="valueBoolean: must be JSON true or false"):
            resources_from(copy.deepcopy(coercible))


def test_assessing_does_not_change_the_shared_models(config, validations):
    # The cached models are shared by every later call: an assessment only reads them.
    resources = index_pvp(present("o1"), goutallier("o2", 4), cement("o3", "blocky"))
    parsed = resources_from(bundle(*resources))
    before = [model.model_dump_json() for model in parsed]

    first = assess(parsed, PATIENT_ID, config, now=NOW)
    second = assess_payloads({"payload": [bundle(*resources)]}, PATIENT_ID, config, now=NOW)

    assert [model.model_dump_json() for model in resources_from(bundle(*resources))] == before
    assert second == first
    # Each resource and the Bundle's own fields, once.
    assert sorted(validations) == sorted([*(r["id"] for r in resources), "Bundle"])


@pytest.fixture
def json_checks(monkeypatch):
    """The walks of the JSON checks, counted."""
    walked: list[str] = []
    real = fhir_mappings.parsing._json_types_ok

    def counting(data):
        walked.append(data.get("id", data.get("resourceType")))
        return real(data)

    monkeypatch.setattr(fhir_mappings.parsing, "_json_types_ok", counting)
    return walked


def test_the_same_resource_sent_again_is_not_walked_again(validations, json_checks):
    resources_from(present("o1"))
    resources_from(copy.deepcopy(present("o1")))

    assert json_checks == ["o1"]


def test_a_number_json_cannot_write_is_refused_where_the_same_resource_with_null_is_cached(
    validations,
):
    # orjson writes NaN as null: the JSON of the resource with NaN is that of the one with
    # null, which is valid and already cached.
    with_null = {**present("o1"), "valueQuantity": {"value": None, "unit": "mm"}}
    with_null.pop("valueBoolean")
    resources_from(with_null)

    with pytest.raises(InvalidResourceError, match=r"valueQuantity\.value: .* not a JSON number"):
        resources_from({**with_null, "valueQuantity": {"value": math.nan, "unit": "mm"}})

"""FHIR JSON to R4B models: Bundles and single resources; invalid JSON named precisely."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

from fhir_mappings import InvalidResourceError, resources_from

from .builders import IVC, bundle, observation, patient, present


def test_searchset_bundle_gives_its_entries_resources():
    resources = resources_from(bundle(patient(), present("o1")))

    assert [type(r) for r in resources] == [Patient, Observation]
    assert resources[1].id == "o1"


@pytest.mark.parametrize("search", ["match", ["outcome"], 7])
def test_an_entry_search_that_is_not_an_object_is_invalid_fhir(search):
    searchset = bundle(present("o1"))
    searchset["entry"][0]["search"] = search

    with pytest.raises(InvalidResourceError, match=r"entry\[0\]: search: expected an object"):
        resources_from(searchset)


def test_collection_bundle_is_read_like_a_searchset():
    resources = resources_from(bundle(present("o1"), type="collection"))

    assert [r.id for r in resources] == ["o1"]


def test_single_resource_is_a_list_of_one():
    resources = resources_from(present("o1"))

    assert [(type(r), r.id) for r in resources] == [(Observation, "o1")]


def test_empty_searchset_gives_no_resources():
    assert resources_from({"resourceType": "Bundle", "type": "searchset", "total": 0}) == []


def test_entries_without_a_resource_are_skipped():
    value = bundle(present("o1"))
    value["entry"].insert(0, {"fullUrl": "urn:uuid:0c3e8ef4-0f7e-4a42-9b0c-6f4c3b3a1f10"})

    assert [r.id for r in resources_from(value)] == ["o1"]


@pytest.mark.parametrize("bundle_type", ["transaction", "batch", "history", "document"])
def test_bundles_that_are_not_query_results_are_refused(bundle_type):
    with pytest.raises(InvalidResourceError, match=f"type: '{bundle_type}'"):
        resources_from(bundle(present("o1"), type=bundle_type))


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        (observation("o1", IVC, status=None), r"Observation/o1\): status"),
        (observation("o1", IVC, valueInteger="two"), r"Observation/o1\): valueInteger"),
        (observation("o1", IVC, effective="2024-13-01"), r"Observation/o1\): effectiveDateTime"),
        (
            observation("o1", IVC, component=[{"code": {"text": "x"}, "valueInteger": 1.5}]),
            r"Observation/o1\): component\[0\]\.valueInteger",
        ),
        ({**present("o1"), "valueFoo": 1}, r"Observation/o1\): valueFoo"),
        (
            {"resourceType": "Procedure", "id": "p1", "status": "completed"},
            r"Procedure/p1\): subject",
        ),
        ({"resourceType": "Nonsense", "id": "n1"}, r"Nonsense/n1\): resourceType"),
        ({"resourceType": "Coding", "id": "c1"}, r"Coding/c1\): resourceType"),
        ({"id": "x"}, r"\(no resourceType\)/x\): resourceType"),
    ],
)
def test_invalid_resource_is_named_with_its_entry_and_field(resource, message):
    value = bundle(patient(), resource)

    with pytest.raises(InvalidResourceError, match=r"Bundle entry\[1\] \(" + message):
        resources_from(value)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"valueBoolean": "yes"}, "valueBoolean: must be JSON true or false"),
        ({"valueBoolean": 1}, "valueBoolean: must be JSON true or false"),
        ({"valueInteger": "2"}, "valueInteger: must be a JSON integer"),
        ({"valueInteger": True}, "valueInteger: must be a JSON integer"),
        (
            {"component": [{"code": {"text": "left"}, "valueInteger": "3"}]},
            r"component\[0\]\.valueInteger: must be a JSON integer",
        ),
    ],
)
def test_json_that_pydantic_would_coerce_is_refused(value, field):
    # Pydantic reads "yes" as true and "2" as 2; a coerced finding would be a guessed one.
    resource = observation("o1", IVC, **value)

    with pytest.raises(InvalidResourceError, match=field):
        resources_from(resource)


def test_invalid_bundle_itself_is_named():
    with pytest.raises(InvalidResourceError, match=r"Bundle \(Bundle/b1\): total"):
        resources_from({"resourceType": "Bundle", "id": "b1", "type": "searchset", "total": "x"})


@pytest.mark.parametrize("value", [[], "Observation", None])
def test_non_object_is_refused(value):
    with pytest.raises(InvalidResourceError, match="expected a FHIR resource"):
        resources_from(value)


def test_non_object_entry_resource_is_refused():
    value = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": "o1"}]}

    with pytest.raises(InvalidResourceError, match=r"Bundle entry\[0\]: expected a resource"):
        resources_from(value)

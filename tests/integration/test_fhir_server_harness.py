"""The FHIR server harness, and the server behaviours the service's "no prefetch" path relies on.

Written against FHIR R4 behaviour only, so that they pass on any conformant server the session
points at (see conftest.py), not just on the one the harness starts.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import responses

from devtools.fhir_test_server import (
    FHIR_JSON,
    FhirEndpoint,
    FhirServerError,
    FhirTestServer,
    load_transaction,
)

pytestmark = pytest.mark.integration

# Codes of a system of our own, so that no real terminology is implied.
TEST_SYSTEM = "http://example.org/fhir/CodeSystem/pvp-cds-harness-test"
TIMEOUT = 30
MAX_PAGES = 20

LoadBundle = Callable[[dict[str, object]], dict[str, object]]


def new_urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def post_entry(full_url: str, resource: dict[str, object]) -> dict[str, object]:
    return {
        "fullUrl": full_url,
        "resource": resource,
        "request": {"method": "POST", "url": resource["resourceType"]},
    }


def patient(full_url: str) -> dict[str, object]:
    return post_entry(full_url, {"resourceType": "Patient", "name": [{"family": "Harness"}]})


def observation(full_url: str, patient_url: str, code: str) -> dict[str, object]:
    return post_entry(
        full_url,
        {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": TEST_SYSTEM, "code": code}]},
            "subject": {"reference": patient_url},
            "valueBoolean": True,
        },
    )


def procedure(full_url: str, patient_url: str, code: str) -> dict[str, object]:
    return post_entry(
        full_url,
        {
            "resourceType": "Procedure",
            "status": "completed",
            "code": {"coding": [{"system": TEST_SYSTEM, "code": code}]},
            "subject": {"reference": patient_url},
        },
    )


def transaction(*entries: dict[str, object]) -> dict[str, object]:
    return {"resourceType": "Bundle", "type": "transaction", "entry": list(entries)}


def created_ids(response_bundle: dict[str, object]) -> list[str]:
    """The server's id of each entry, in request order, from its `Type/id/_history/n` location."""
    locations = [entry["response"]["location"] for entry in response_bundle["entry"]]
    return [location.split("/_history")[0].rstrip("/").rsplit("/", 1)[-1] for location in locations]


def get(endpoint: FhirEndpoint, url: str, params: dict[str, str] | None = None) -> dict:
    response = requests.get(url, params=params, headers=endpoint.headers(), timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def search(endpoint: FhirEndpoint, resource_type: str, params: dict[str, str]) -> dict:
    return get(endpoint, f"{endpoint.base_url}/{resource_type}", params)


def match_ids(bundle: dict) -> list[str]:
    return [
        entry["resource"]["id"]
        for entry in bundle.get("entry", [])
        if entry.get("search", {}).get("mode", "match") == "match"
    ]


def next_link(bundle: dict) -> str | None:
    return next(
        (link["url"] for link in bundle.get("link", []) if link["relation"] == "next"), None
    )


def test_transaction_with_urn_uuid_references_accepts_every_entry(
    fhir_server: FhirEndpoint, load_bundle: LoadBundle
) -> None:
    patient_url, procedure_url, observation_url = new_urn(), new_urn(), new_urn()

    result = load_bundle(
        transaction(
            patient(patient_url),
            procedure(procedure_url, patient_url, "vertebroplasty"),
            observation(observation_url, patient_url, "cleft"),
        )
    )

    statuses = [entry["response"]["status"] for entry in result["entry"]]
    assert [status.split()[0] for status in statuses] == ["201", "201", "201"]


def test_transaction_rewrites_urn_uuid_references_to_the_new_patient(
    fhir_server: FhirEndpoint, load_bundle: LoadBundle
) -> None:
    patient_url, observation_url = new_urn(), new_urn()
    result = load_bundle(
        transaction(patient(patient_url), observation(observation_url, patient_url, "cleft"))
    )
    patient_id, observation_id = created_ids(result)

    stored = get(fhir_server, f"{fhir_server.base_url}/Observation/{observation_id}")

    assert stored["subject"]["reference"].endswith(f"Patient/{patient_id}")


def test_observation_search_by_patient_and_codes_finds_only_that_patients_matches(
    fhir_server: FhirEndpoint, load_bundle: LoadBundle
) -> None:
    first, second = new_urn(), new_urn()
    result = load_bundle(
        transaction(
            patient(first),
            observation(new_urn(), first, "code-a"),
            observation(new_urn(), first, "code-b"),
            observation(new_urn(), first, "code-c"),
            patient(second),
            observation(new_urn(), second, "code-a"),
        )
    )
    first_id, a_id, b_id, _, _, _ = created_ids(result)

    found = search(
        fhir_server,
        "Observation",
        {"patient": f"Patient/{first_id}", "code": f"{TEST_SYSTEM}|code-a,{TEST_SYSTEM}|code-b"},
    )

    assert sorted(match_ids(found)) == sorted([a_id, b_id])


def test_procedure_search_by_patient_and_code_finds_only_the_matching_procedure(
    fhir_server: FhirEndpoint, load_bundle: LoadBundle
) -> None:
    patient_url = new_urn()
    result = load_bundle(
        transaction(
            patient(patient_url),
            procedure(new_urn(), patient_url, "vertebroplasty"),
            procedure(new_urn(), patient_url, "appendectomy"),
        )
    )
    patient_id, vertebroplasty_id, _ = created_ids(result)

    found = search(
        fhir_server,
        "Procedure",
        {"patient": f"Patient/{patient_id}", "code": f"{TEST_SYSTEM}|vertebroplasty"},
    )

    assert match_ids(found) == [vertebroplasty_id]


def test_paging_with_count_one_reaches_every_match_through_next_links(
    fhir_server: FhirEndpoint, load_bundle: LoadBundle
) -> None:
    patient_url = new_urn()
    result = load_bundle(
        transaction(
            patient(patient_url),
            *(observation(new_urn(), patient_url, code) for code in ("p1", "p2", "p3")),
        )
    )
    patient_id, *observation_ids = created_ids(result)

    page = search(fhir_server, "Observation", {"patient": f"Patient/{patient_id}", "_count": "1"})
    pages = [match_ids(page)]
    while (url := next_link(page)) and len(pages) < MAX_PAGES:
        page = get(fhir_server, url)
        pages.append(match_ids(page))

    assert all(len(ids) <= 1 for ids in pages)
    assert sorted(id_ for ids in pages for id_ in ids) == sorted(observation_ids)


def test_metadata_is_an_r4_capability_statement(fhir_server: FhirEndpoint) -> None:
    statement = get(fhir_server, f"{fhir_server.base_url}/metadata")

    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["fhirVersion"].startswith("4.0.")


def test_a_wrong_bearer_token_is_refused_with_401(fhir_server: FhirEndpoint) -> None:
    if fhir_server.token is None:
        pytest.skip("the server under test was given no token, so it may not check one")
    wrong = FhirEndpoint(fhir_server.base_url, f"not-{fhir_server.token}")

    response = requests.get(
        f"{fhir_server.base_url}/Patient", headers=wrong.headers(), timeout=TIMEOUT
    )

    assert response.status_code == 401


def test_a_request_without_a_token_is_refused_with_401(fhir_server: FhirEndpoint) -> None:
    if fhir_server.token is None:
        pytest.skip("the server under test was given no token, so it may not check one")
    anonymous = FhirEndpoint(fhir_server.base_url)

    response = requests.get(
        f"{fhir_server.base_url}/Patient", headers=anonymous.headers(), timeout=TIMEOUT
    )

    assert response.status_code == 401


def test_stop_ends_the_server_process(external_fhir_server: FhirEndpoint | None) -> None:
    if external_fhir_server is not None:
        pytest.skip("tests the server this harness starts, not an external one")
    server = FhirTestServer().start()
    pid = server.pid
    assert requests.get(f"{server.base_url}/metadata", timeout=TIMEOUT).status_code == 200

    server.stop()

    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_start_without_the_pinned_requirements_says_which_file_is_missing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no-such-requirements.txt"
    server = FhirTestServer(venv_dir=tmp_path / "venv", requirements=missing)

    with pytest.raises(FhirServerError, match=re.escape(f"{missing} not found")):
        server.start()


@responses.activate
def test_load_transaction_reports_a_rejected_entry() -> None:
    endpoint = FhirEndpoint("http://fhir.test/base", "token")
    responses.post(
        endpoint.base_url,
        json={
            "resourceType": "Bundle",
            "type": "transaction-response",
            "entry": [{"response": {"status": "201 Created"}}, {"response": {"status": "400"}}],
        },
    )
    bundle = transaction(patient(new_urn()), patient(new_urn()))

    with pytest.raises(FhirServerError, match="rejected transaction entries"):
        load_transaction(endpoint, bundle)


def test_an_open_server_takes_no_token():
    with pytest.raises(ValueError, match="takes no token"):
        FhirTestServer(open_access=True, token="a-token")
    assert FhirTestServer(open_access=True).endpoint.headers() == {"Accept": FHIR_JSON}

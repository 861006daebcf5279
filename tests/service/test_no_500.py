"""Whatever a client sends, the answer is a 2xx or a 4xx: a 500 would be a bug.

Starts from valid requests and breaks them at random: any field replaced, removed or given
another JSON type, at any depth, in the hook request, its prefetch resources and feedback.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cds_service import create_app

from . import fhir

URL = "/cds-services/pvp-residual-back-pain"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=10,
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a node of a JSON document."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


@st.composite
def broken(draw, document: dict[str, Any]) -> Any:
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        candidates = paths(document)[1:]
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return document


FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(body=broken(fhir.hook_request()))
def test_broken_hook_request_is_never_a_500(client, body):
    response = client.post(URL, json=body)
    assert response.status_code in (200, 400, 412), response.get_json()


CLOSED_FHIR_SERVER = "http://127.0.0.1:9/fhir"  # discard port: nothing listens


def request_with_a_partial_prefetch() -> dict[str, Any]:
    body = fhir.hook_request(fhirServer=CLOSED_FHIR_SERVER)
    body["prefetch"]["observations"]["link"] = [
        {"relation": "next", "url": f"{CLOSED_FHIR_SERVER}/Observation?page=2"}
    ]
    return body


@FUZZ
@given(body=broken(request_with_a_partial_prefetch()))
def test_broken_request_naming_a_fhir_server_is_never_a_500(body):
    # The FHIR paths (follow next links, query unfulfilled keys) run too; reads fail with 412.
    app = create_app(
        {"AUTHENTICATION": "off", "FHIR_SERVERS": [CLOSED_FHIR_SERVER], "ALLOW_HTTP_FHIR": True}
    )
    response = app.test_client().post(URL, json=body)
    assert response.status_code in (200, 400, 412), response.get_json()


@FUZZ
@given(body=json_values)
def test_any_json_body_is_never_a_500(client, body):
    assert client.post(URL, json=body).status_code == 400


FEEDBACK = {
    "feedback": [
        {
            "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
            "outcome": "overridden",
            "overrideReason": {
                "reason": {"code": "c", "system": "http://example.org", "display": "d"},
                "userComment": "u",
            },
            "outcomeTimestamp": "2026-03-11T10:05:00Z",
        }
    ]
}


@FUZZ
@given(body=broken(FEEDBACK))
def test_broken_feedback_is_never_a_500(client, body):
    assert client.post(f"{URL}/feedback", json=body).status_code in (200, 400)

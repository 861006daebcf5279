"""Prefetch semantics (CDS Hooks 2.0 § Prefetch): use what the client sent, fetch the rest.

For each of the service's prefetch keys, the request's ``prefetch`` object says one of:
- the key is absent: the client did not fulfil it, so we query the FHIR server;
- the value is ``null``: the client looked and there is nothing (known empty);
- the value is an OperationOutcome: the client's query failed, so we query the FHIR server;
- otherwise the value is the resource or searchset Bundle itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from typing import Any
from urllib.parse import quote

from .errors import DataUnavailable, InvalidRequest
from .fhir_client import FhirClient, FhirServer, next_link

TOKEN = re.compile(r"\{\{\s*context\.(\w+)\s*\}\}")

Json = dict[str, Any]


def fill_template(template: str, context: Mapping[str, Any]) -> str:
    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        if not isinstance(context.get(name), str):
            raise InvalidRequest(f"context.{name} is required by the prefetch template {template}")
        # Quote the value so an id can never add search parameters to the query.
        return quote(context[name], safe="")

    return TOKEN.sub(value_of, template)


def fhir_server_of(hook_request: Mapping[str, Any]) -> FhirServer | None:
    if "fhirServer" not in hook_request:
        return None
    authorization = hook_request.get("fhirAuthorization") or {}
    return FhirServer(hook_request["fhirServer"], authorization.get("access_token"))


def gather(
    templates: Mapping[str, str],
    hook_request: Mapping[str, Any],
    client: FhirClient,
    executor: Executor,
    check_server: Callable[[str], None],
    optional: frozenset[str] = frozenset(),
) -> dict[str, list[Json]]:
    """Every prefetch key's FHIR payloads (resources or Bundle pages); ``[]`` if known empty.

    ``check_server`` vets the request's fhirServer before the first request to it; a server
    that is never needed is never checked nor called. A key in ``optional`` that cannot be had
    (not prefetched and no server, or a server that cannot answer the search) is left out of
    the result instead of failing the call: the caller knows it does not know."""
    prefetched = hook_request.get("prefetch") or {}
    server = fhir_server_of(hook_request)
    gathered: dict[str, list[Json]] = {}
    queries: dict[str, str] = {}
    for key, template in templates.items():
        value = prefetched.get(key)
        if key in prefetched and value is None:
            gathered[key] = []
        elif value is None or value.get("resourceType") == "OperationOutcome":
            queries[key] = fill_template(template, hook_request["context"])
        elif next_link(value) is not None:
            gathered[key] = _remaining_prefetch_pages(key, value, server, client, check_server)
        else:
            gathered[key] = [value]
    if server is None:
        queries = {key: query for key, query in queries.items() if key not in optional}
    if queries:
        if server is None:
            raise DataUnavailable(*(_unfulfilled(key, prefetched) for key in queries))
        check_server(server.base_url)
        futures = {key: executor.submit(client.read, server, q) for key, q in queries.items()}
        for key, future in futures.items():
            try:
                gathered[key] = future.result()
            except DataUnavailable:
                if key not in optional:
                    raise
    return gathered


def _remaining_prefetch_pages(
    key: str,
    first_page: Json,
    server: FhirServer | None,
    client: FhirClient,
    check_server: Callable[[str], None],
) -> list[Json]:
    if server is None:
        raise DataUnavailable(
            f"prefetch '{key}' is a partial Bundle (it has a next link) and the request has no "
            "fhirServer to read the other pages from"
        )
    check_server(server.base_url)
    return client.remaining_pages(server, first_page)


def _unfulfilled(key: str, prefetched: Mapping[str, Any]) -> str:
    why = "failed (OperationOutcome)" if key in prefetched else "was not provided"
    return f"prefetch '{key}' {why} and the request has no fhirServer to query instead"

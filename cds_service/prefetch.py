"""Prefetch semantics (CDS Hooks 2.0 § Prefetch): use what the client sent, fetch the rest.

For each of the service's prefetch keys, the request's ``prefetch`` object says one of:
- the key is absent: the client did not fulfil it, so we query the FHIR server;
- the value is ``null``: the client looked and there is nothing (known empty);
- the value is an OperationOutcome: the client's query failed, so we query the FHIR server;
- otherwise the value is the resource or searchset Bundle itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future, wait
from typing import Any
from urllib.parse import quote

from .deadline import Deadline
from .errors import DataLate, DataUnavailable, InvalidRequest
from .fhir_client import FhirClient, FhirServer, next_link

log = logging.getLogger(__name__)

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
    deadline: Deadline,
    optional: frozenset[str] = frozenset(),
) -> dict[str, list[Json]]:
    """Every prefetch key's FHIR payloads (resources or Bundle pages); ``[]`` if known empty.

    ``check_server`` vets the request's fhirServer before the first request to it; a server
    that is never needed is never checked nor called. A key in ``optional`` that cannot be had
    (not prefetched and no server, or a server that cannot answer the search, or not in time)
    is left out of the result instead of failing the call: the caller knows it does not know.
    Every read ends by ``deadline``; past it the reads still running are abandoned and the
    answer is DataLate (412) naming the keys that were late."""
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
            gathered[key] = _remaining_prefetch_pages(
                key, value, server, client, check_server, deadline
            )
        else:
            gathered[key] = [value]
    if server is None:
        queries = {key: query for key, query in queries.items() if key not in optional}
    if queries:
        if server is None:
            raise DataUnavailable(*(_unfulfilled(key, prefetched) for key in queries))
        check_server(server.base_url)
        futures = {
            key: executor.submit(client.read, server, query, deadline)
            for key, query in queries.items()
        }
        gathered.update(_results_in_time(futures, deadline, optional))
    return gathered


def _results_in_time(
    futures: dict[str, Future], deadline: Deadline, optional: frozenset[str]
) -> dict[str, list[Json]]:
    """Each query's pages, or the first failure of a required one; DataLate naming every
    required query that was late. Optional keys that failed or were late are left out."""
    wait(futures.values(), timeout=deadline.remaining())
    late = []
    for key, future in futures.items():
        if not future.done():
            # Abandoned: one still queued never starts, one running stops at the deadline.
            future.cancel()
            late.append(key)
        elif isinstance(future.exception(), DataLate):
            late.append(key)
    if late:
        _log_late(len(late), len(futures), deadline)
    if required_late := [key for key in late if key not in optional]:
        raise DataLate(*(_late(key, deadline) for key in required_late))
    results = {}
    for key, future in futures.items():
        if key in late:
            continue
        try:
            results[key] = future.result()
        except DataUnavailable:
            if key not in optional:
                raise
    return results


def _log_late(late: int, queries: int, deadline: Deadline) -> None:
    log.warning(
        "hook deadline: %d of %d FHIR queries late after %g s", late, queries, deadline.budget
    )


def _late(key: str, deadline: Deadline) -> str:
    return (
        f"prefetch '{key}' did not arrive from the FHIR server within the {deadline.budget:g} s "
        "budget of this hook call"
    )


def _remaining_prefetch_pages(
    key: str,
    first_page: Json,
    server: FhirServer | None,
    client: FhirClient,
    check_server: Callable[[str], None],
    deadline: Deadline,
) -> list[Json]:
    if server is None:
        raise DataUnavailable(
            f"prefetch '{key}' is a partial Bundle (it has a next link) and the request has no "
            "fhirServer to read the other pages from"
        )
    check_server(server.base_url)
    try:
        return client.remaining_pages(server, first_page, deadline)
    except DataLate:
        _log_late(1, 1, deadline)
        raise DataLate(_late(key, deadline)) from None


def _unfulfilled(key: str, prefetched: Mapping[str, Any]) -> str:
    why = "failed (OperationOutcome)" if key in prefetched else "was not provided"
    return f"prefetch '{key}' {why} and the request has no fhirServer to query instead"

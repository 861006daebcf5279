"""A JSON request body read once: parsed, its envelope held to the nesting cap, and validated
with its CDS Hooks JSON Schema.

The envelope is everything but the prefetched FHIR resources. Those are not walked here: the
schema only asks that each is an object with a ``resourceType``, and the FHIR parser checks
the resources the assessment uses, depth included (``fhir_mappings.parsing``). A resource
the assessment sets aside is never walked at all, so a chart without a vertebroplasty costs
one JSON parse and a schema check on a handful of members.
"""

from __future__ import annotations

from typing import Any

import orjson

from . import schemas
from .errors import InvalidRequest

#: The member whose values are FHIR resources, left to the FHIR parser.
PREFETCH = "prefetch"
#: A tuple, not ``dict | list``: isinstance takes twice as long with a union, on every node.
CONTAINERS = (dict, list)


def parse(data: bytes, schema: str, max_depth: int) -> Any:
    """The body as JSON, or InvalidRequest saying what to fix."""
    try:
        # orjson: about three times faster than json, and strict where json is lenient
        # (it refuses NaN, Infinity and lone surrogates, none of which is JSON).
        body = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"the body is not valid JSON: {exc}") from None
    _check_depth(_envelope(body), max_depth)
    problems = schemas.problems(schema, body)
    if problems:
        raise InvalidRequest(*problems)
    return body


def _envelope(body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get(PREFETCH), dict):
        # The prefetch object stays (its values are resources: leaves, at depth 3).
        return {**body, PREFETCH: dict.fromkeys(body[PREFETCH])}
    return body


def _check_depth(value: Any, limit: int) -> None:
    """Level by level over containers only, stopping at the first level past the limit."""
    level, depth = [value], 1
    while level:
        if depth > limit:
            raise InvalidRequest(f"the JSON body is nested more than {limit} levels deep")
        level = [
            child
            for node in level
            if isinstance(node, CONTAINERS)
            for child in (node.values() if isinstance(node, dict) else node)
        ]
        depth += 1

"""FHIR JSON in, validated ``fhir.resources`` R4B models out.

This is the only way resources enter the mapping layer: besides the R4B model validation it
refuses JSON that pydantic would coerce into a different value (``"yes"`` read as ``true``,
``"2"`` read as ``2``), because a coerced finding is a guessed finding.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import orjson
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

#: Bundle types whose entries are resources found for a query, not operations to perform.
READABLE_BUNDLE_TYPES = frozenset({"searchset", "collection"})

#: FHIR primitive fields whose JSON type must be exactly right (JSON booleans and integers).
BOOLEAN_FIELDS = frozenset({"valueBoolean"})
INTEGER_FIELDS = frozenset({"valueInteger", "valueUnsignedInt", "valuePositiveInt"})
#: Nesting levels allowed in one resource. Real R4 resources nest about a dozen; the cap keeps
#: a hostile one from exhausting recursion in the checks below and in model validation.
MAX_RESOURCE_DEPTH = 64
#: Validated models kept per process, by the exact JSON they came from (a few hundred charts'
#: worth of Procedures and Observations; they stay in memory only, like the requests).
VALIDATED_CACHE_SIZE = 1024
#: Larger resources are validated every time, so that the cache stays within tens of
#: megabytes whatever clients send (an Observation or a Procedure is one to a few kilobytes).
VALIDATED_CACHE_MAX_BYTES = 16 * 1024


class InvalidResourceError(ValueError):
    """A resource that is not valid FHIR R4, or is about another patient. The message names
    the resource (type/id, or its place in the Bundle) and the field."""


def resources_from(value: Mapping[str, Any]) -> list[Resource]:
    """The resources in a searchset or collection Bundle, or the single resource given."""
    if not isinstance(value, Mapping):
        raise InvalidResourceError(f"expected a FHIR resource (JSON object), got {_kind(value)}")
    if value.get("resourceType") != "Bundle":
        return [parse_resource(value, "resource")]
    # The Bundle itself is validated without its entries: each entry is validated on its own
    # so that an error names the entry.
    bundle = parse_resource({k: v for k, v in value.items() if k != "entry"}, "Bundle")
    if bundle.type not in READABLE_BUNDLE_TYPES:
        raise InvalidResourceError(
            f"Bundle/{bundle.id or '(no id)'}: type: {bundle.type!r} is not a searchset or "
            "collection"
        )
    entries = value.get("entry", [])
    if not isinstance(entries, list):
        raise InvalidResourceError("Bundle: entry: expected a list")
    resources = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise InvalidResourceError(f"Bundle entry[{index}]: expected an object")
        search = entry.get("search", {})
        if not isinstance(search, Mapping):
            raise InvalidResourceError(f"Bundle entry[{index}]: search: expected an object")
        # An "outcome" entry is the server's note about the search, not a result.
        if "resource" in entry and search.get("mode") != "outcome":
            resources.append(parse_resource(entry["resource"], f"Bundle entry[{index}]"))
    return resources


def parse_resource(data: Any, where: str) -> Resource:
    """One resource validated with its R4B model; ``where`` says where it came from."""
    if not isinstance(data, Mapping):
        raise InvalidResourceError(f"{where}: expected a resource (JSON object), got {_kind(data)}")
    resource_type = data.get("resourceType")
    name = f"{where} ({resource_type or '(no resourceType)'}/{data.get('id', '(no id)')})"
    try:
        model = get_fhir_model_class(resource_type) if isinstance(resource_type, str) else None
    except ValueError:
        model = None
    if model is None or not issubclass(model, Resource):
        raise InvalidResourceError(f"{name}: resourceType: not an R4 resource type")
    try:
        return _validated(model, data)
    except _JsonTypeError as exc:
        raise InvalidResourceError(f"{name}: {exc}") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        field = _field_path(error["loc"]) or "(resource)"
        raise InvalidResourceError(f"{name}: {field}: {error['msg']}") from exc


def _validated(model: type[Resource], data: Any) -> Resource:
    """The resource checked (:func:`_check_json_types`) and validated, or the model made
    before from exactly the same JSON. An EHR sends the same Procedure and Observations every
    time the chart is opened; validating a resource is most of the cost of a scored hook
    call, and walking it for the JSON checks a tenth of what is left once it is cached."""
    try:
        document = orjson.dumps(data)
    except orjson.JSONEncodeError:  # not plain JSON (a caller's own objects): no cache
        _check_json_types(data)
        return _validate(model, data)
    if len(document) > VALIDATED_CACHE_MAX_BYTES:
        _check_json_types(data)
        return _validate(model, data)
    if b"null" in document:
        # orjson writes NaN and infinities (which Python's json reads) as null: such a
        # resource must be judged as sent, not as the JSON of a cached one.
        _check_json_types(data)
    return _validated_document(model, document)


@functools.lru_cache(maxsize=VALIDATED_CACHE_SIZE)
def _validated_document(model: type[Resource], document: bytes) -> Resource:
    # Without null, orjson's JSON is the resource as sent, value for value and type for type:
    # what the checks refuse in the one they refuse in the other, so the same JSON is checked
    # once, as it is validated once. Shared by every call that sends the same resource:
    # nothing may change a model after parsing (the mapping layer only reads them; a test
    # holds it to that). A refusal is an exception, and lru_cache keeps no exceptions:
    # refused JSON is judged every time.
    data = orjson.loads(document)
    _check_json_types(data)
    return _validate(model, data)


def _validate(model: type[Resource], data: Any) -> Resource:
    return model.model_validate(data)


class _JsonTypeError(ValueError):
    """A value pydantic would coerce, a number JSON cannot write, or nesting too deep; the
    message starts at the field."""


def _check_json_types(data: Any) -> None:
    """Refuse coercible values, NaN and infinities (not JSON: a parser that lets them through,
    like Python's json, hands them on) and deep nesting: a quick pass, and a second one that
    names the field only when the first found something to refuse."""
    if not _json_types_ok(data):
        _refuse_json_types(data, "")


def _json_types_ok(data: Any) -> bool:
    """True when :func:`_refuse_json_types` would find nothing (without building paths)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_RESOURCE_DEPTH:
            return False
        if isinstance(node, dict):
            for key, item in node.items():
                if key in BOOLEAN_FIELDS and not isinstance(item, bool):
                    return False
                if key in INTEGER_FIELDS and (isinstance(item, bool) or not isinstance(item, int)):
                    return False
                if isinstance(item, float) and not math.isfinite(item):
                    return False
                if isinstance(item, dict | list):
                    stack.append((item, depth + 1))
        elif isinstance(node, list):
            for item in node:
                if isinstance(item, float) and not math.isfinite(item):
                    return False
                if isinstance(item, dict | list):
                    stack.append((item, depth + 1))
        else:
            return False  # another kind of Mapping: let the full walk judge it
    return True


def _refuse_json_types(data: Any, path: str, depth: int = 1) -> None:
    if depth > MAX_RESOURCE_DEPTH and isinstance(data, Mapping | list):
        raise _JsonTypeError(f"{path}: nested more than {MAX_RESOURCE_DEPTH} levels deep")
    if isinstance(data, float) and not math.isfinite(data):
        raise _JsonTypeError(f"{path}: {data} is not a JSON number")
    if isinstance(data, Mapping):
        for key, item in data.items():
            here = f"{path}.{key}" if path else key
            if key in BOOLEAN_FIELDS and not isinstance(item, bool):
                raise _JsonTypeError(f"{here}: must be JSON true or false")
            if key in INTEGER_FIELDS and (isinstance(item, bool) or not isinstance(item, int)):
                raise _JsonTypeError(f"{here}: must be a JSON integer")
            _refuse_json_types(item, here, depth + 1)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            _refuse_json_types(item, f"{path}[{index}]", depth + 1)


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _kind(value: Any) -> str:
    return type(value).__name__

"""The schema files themselves: valid Draft 2020-12, identified, cited, and consistent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from .schema_support import SCHEMA_DIR, SCHEMA_NAMES, load_schema

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
SPEC_2_0 = "https://cds-hooks.hl7.org/2.0/"

# The packages jsonschema's FormatChecker needs before it asserts a format; without them
# the format is silently accepted. uuid needs none.
FORMAT_PACKAGES = {"uri": "rfc3986-validator (or rfc3987)", "date-time": "rfc3339-validator"}


def _formats_used(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for value in node.values():
            yield from _formats_used(value)
    elif isinstance(node, list):
        for value in node:
            yield from _formats_used(value)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_declares_draft_2020_12(name: str) -> None:
    assert load_schema(name)["$schema"] == DRAFT_2020_12


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_id_ends_with_its_file_name(name: str) -> None:
    assert load_schema(name)["$id"].endswith(f"/cds-hooks/2.0/{name}.schema.json")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_description_cites_the_2_0_specification(name: str) -> None:
    assert SPEC_2_0 in load_schema(name)["description"]


def test_every_schema_file_is_one_the_tests_cover() -> None:
    on_disk = sorted(path.name for path in SCHEMA_DIR.glob("*.json"))
    assert on_disk == sorted(f"{name}.schema.json" for name in SCHEMA_NAMES)


def test_definitions_with_the_same_name_are_identical_in_every_schema() -> None:
    # Each file stays self-contained (no cross-file $ref), so shared definitions are copies;
    # this keeps the copies from drifting apart.
    first_seen: dict[str, tuple[str, Any]] = {}
    differing = []
    for name in SCHEMA_NAMES:
        for definition, body in load_schema(name).get("$defs", {}).items():
            seen_in, seen_body = first_seen.setdefault(definition, (name, body))
            if seen_body != body:
                differing.append(f"{definition}: {seen_in} vs {name}")
    assert differing == []


def test_format_checker_asserts_every_format_the_schemas_use() -> None:
    used = {fmt for name in SCHEMA_NAMES for fmt in _formats_used(load_schema(name))}
    unchecked = used - set(FormatChecker().checkers)
    assert unchecked == set(), (
        f"FormatChecker cannot check {sorted(unchecked)}; install "
        f"{[FORMAT_PACKAGES.get(fmt, fmt) for fmt in sorted(unchecked)]}"
    )

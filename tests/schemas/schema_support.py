"""Loading the CDS Hooks schemas and naming exactly which rule a document breaks."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "cds_service" / "schemas"
SCHEMA_NAMES = (
    "hook-request",
    "discovery-response",
    "cds-response",
    "feedback-request",
)

# One step of a path into a JSON document: a member name or an array index.
Step = str | int


def load_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft202012Validator:
    # Formats are only asserted when a FormatChecker is given; the service must pass one too.
    return Draft202012Validator(load_schema(name), format_checker=FormatChecker())


@dataclass(frozen=True)
class Violation:
    """One failed keyword: which keyword, where in the document, and what it said."""

    keyword: str
    json_path: str
    message: str


@dataclass(frozen=True)
class Rule:
    """A rule of the spec, broken on purpose: the document and the violation it must cause."""

    name: str
    document: Any
    keyword: str
    json_path: str
    mentions: str = ""

    def is_among(self, violations: list[Violation]) -> bool:
        return any(
            found.keyword == self.keyword
            and found.json_path == self.json_path
            and self.mentions in found.message
            for found in violations
        )


def violations(name: str, document: Any) -> list[Violation]:
    """Every failed keyword, including those nested under anyOf, oneOf and not."""
    found: list[Violation] = []
    pending = list(validator(name).iter_errors(document))
    while pending:
        error = pending.pop()
        found.append(Violation(str(error.validator), error.json_path, error.message))
        pending.extend(error.context)
    return found


def replaced(document: Any, path: tuple[Step, ...], value: Any) -> Any:
    """A deep copy of document with the member at path set to value."""
    changed = copy.deepcopy(document)
    _parent(changed, path)[path[-1]] = value
    return changed


def removed(document: Any, path: tuple[Step, ...]) -> Any:
    """A deep copy of document without the member at path."""
    changed = copy.deepcopy(document)
    del _parent(changed, path)[path[-1]]
    return changed


def _parent(document: Any, path: tuple[Step, ...]) -> Any:
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    return parent

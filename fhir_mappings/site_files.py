"""Reading a file a site supplies (code mappings, report text rules, trusted clients): JSON or
YAML by its suffix, with an error that names the file and what it was meant to be."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

PARSERS: dict[str, Callable[[str], Any]] = {
    ".json": json.loads,
    ".yaml": yaml.safe_load,
    ".yml": yaml.safe_load,
}


def read_site_file(path: Path, what: str, error: type[Exception]) -> Any:
    """The parsed document; raises ``error`` saying what to fix, e.g. "cannot read site
    mapping file x.yaml: No such file or directory"."""
    suffix = path.suffix.lower()
    parse = PARSERS.get(suffix)
    if parse is None:
        raise error(
            f"{what} {path}: unknown format {suffix!r}; expected a .json, .yaml or .yml file"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror}") from exc
    try:
        return parse(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise error(f"{what} {path}: not valid {suffix[1:].upper()}: {exc}") from exc

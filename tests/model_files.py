"""Model files written by tests, with the source attributes the service wants beside them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from scoring import attributes_path


def packaged_attributes() -> dict[str, Any]:
    return json.loads(
        resources.files("scoring").joinpath("li2021.source-attributes.json").read_text()
    )


def write_model_file(path: Path, document: Mapping[str, Any]) -> Path:
    """``document`` at ``path`` and, beside it, the packaged model's source attributes naming
    its id and version (a model file without its attributes is refused)."""
    path.write_text(json.dumps(document))
    attributes = packaged_attributes()
    attributes["model"] = {"id": document["id"], "version": document["version"]}
    attributes_path(path).write_text(json.dumps(attributes))
    return path

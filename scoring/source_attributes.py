"""The model's source attributes as data: the 31 attributes of a predictive decision support
intervention (45 CFR 170.315(b)(11)(iv)(B)), each with its value and sources or the reason it
is not known.

They live in a file beside the model file (``MODEL.json`` -> ``MODEL.source-attributes.json``)
that names the model's id and version: a model file and its attributes are versioned together,
and a file that describes another version is refused like a model file of the wrong schema. A
site adds what only it knows (who answers for the model, when it was reviewed, its own entry for
the attributes that say what a site adds) from its site file, kept apart from the model's values.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from .model import DEFAULT_MODEL, Model, ModelError

SUFFIX = ".source-attributes.json"
SCHEMA = "source-attributes.schema.json"
SITE_SCHEMA = "site-attributes.schema.json"
#: The fields of a site file that say who answers for the model there.
SITE_FIELDS = ("site", "owner", "contact", "reviewed", "next_review")


class AttributesError(ModelError):
    """A source attributes file, or a site's file of attributes, is unreadable or does not fit
    its model; the message says which file and what to fix."""


@dataclass(frozen=True)
class SourceAttributes:
    """The attributes document as the service serves it: the model's file, with the site's
    block and entries when a site file was given."""

    document: Mapping[str, Any]

    @property
    def attributes(self) -> tuple[Mapping[str, Any], ...]:
        """In the rule's order (the schema fixes it)."""
        return tuple(self.document["attributes"])

    @property
    def site(self) -> Mapping[str, Any] | None:
        return self.document.get("site")


def attributes_path(model_path: str | Path) -> Path:
    """Where a model file's attributes lie: beside it, ``model.json`` -> ``model`` + SUFFIX."""
    path = Path(model_path)
    return path.with_name(path.stem + SUFFIX)


def load_source_attributes(model: Model, model_path: str | Path | None = None) -> SourceAttributes:
    """The attributes of ``model``, read from beside its file (``None``: the packaged model)."""
    if model_path is None:
        name = Path(DEFAULT_MODEL).stem + SUFFIX
        text = resources.files(__package__).joinpath(name).read_text()
        origin = name
    else:
        path = attributes_path(model_path)
        origin = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AttributesError(
                f"model file {model_path} has no source attributes beside it: cannot read "
                f"{path}: {exc.strerror} (pvp-cds recalibrate writes both files; see "
                "docs/governance.md)"
            ) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AttributesError(f"{origin}: not JSON: {exc}") from exc
    return source_attributes_from_document(document, model, origin)


def source_attributes_from_document(
    document: Any, model: Model, origin: str = "source attributes"
) -> SourceAttributes:
    _check(document, SCHEMA, origin)
    described = document["model"]
    if (described["id"], described["version"]) != (model.id, model.version):
        raise AttributesError(
            f"{origin}: describes {described['id']} v{described['version']}, but the model file "
            f"is {model.id} v{model.version}: review the attributes for this version and set "
            "its model block to match"
        )
    if "site" in document or any("site" in item for item in document["attributes"]):
        raise AttributesError(
            f"{origin}: a site's own entries belong in its site file "
            "(PVP_CDS_SITE_ATTRIBUTES_FILE), not in the model's attributes"
        )
    return SourceAttributes(document)


def with_site(attributes: SourceAttributes, site: Any, origin: str) -> SourceAttributes:
    """``attributes`` with a site's file added: its block of who answers for the model, and its
    entry for each attribute it fills, which must be one whose ``site_adds`` invites it."""
    site = _dates_as_text(site)
    _check(site, SITE_SCHEMA, origin)
    by_id = {item["id"]: item for item in attributes.attributes}
    entries = site.get("attributes", {})
    unknown = sorted(set(entries) - set(by_id))
    if unknown:
        raise AttributesError(f"{origin}: attributes: no attribute {', '.join(unknown)}")
    closed = sorted(name for name in entries if "site_adds" not in by_id[name])
    if closed:
        raise AttributesError(
            f"{origin}: attributes: {', '.join(closed)} cannot take a site's entry: the model's "
            "value stands (only attributes with site_adds take one)"
        )
    document = copy.deepcopy(dict(attributes.document))
    document["site"] = {name: site[name] for name in SITE_FIELDS if name in site}
    for item in document["attributes"]:
        if item["id"] in entries:
            item["site"] = {"value": entries[item["id"]], "source": f"site file of {site['site']}"}
    _check(document, SCHEMA, origin)
    return SourceAttributes(document)


def _dates_as_text(site: Any) -> Any:
    """YAML reads an unquoted 2026-03-01 as a date; the schema wants the ISO text."""
    if not isinstance(site, dict):
        return site
    return {key: v.isoformat() if isinstance(v, date) else v for key, v in site.items()}


def _check(document: Any, schema_name: str, origin: str) -> None:
    error = jsonschema.exceptions.best_match(_validator(schema_name).iter_errors(document))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        raise AttributesError(f"{origin}: {where}: {error.message}")


def _validator(schema_name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files(__package__).joinpath(schema_name).read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())

"""The effective code contract: the defaults of ``codes.py`` with a site mapping file on top.

Loaded once at start-up. A bad site file is refused with the file and the failing entry named,
so the service does not start with a contract nobody meant.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema

from . import codes
from .codes import (
    CementDistribution,
    Code,
    ExclusionRule,
    FindingName,
    ProcedureKind,
    Unknown,
    VertebralLevel,
)
from .site_files import read_site_file

#: Pre-operative imaging window. The study read the MRI/CT that confirmed an acute fracture
#: before the procedure (oedema on T2/STIR was an inclusion criterion); 90 days covers the
#: usual delay from an acute osteoporotic fracture to vertebroplasty while excluding imaging
#: of an older episode. See docs/code-contract.md.
DEFAULT_PRE_PROCEDURE_LOOKBACK_DAYS = 90
#: Post-operative imaging window. The study read cement distribution on the radiograph taken
#: 24 h after the procedure; the model predicts pain at one month, so later imaging is past
#: the horizon the model was built for.
DEFAULT_POST_PROCEDURE_WINDOW_DAYS = 30
#: How long after the procedure the risk is worth showing. The model predicts pain at the
#: one-month assessment (day 30 in the study); five more days let a visit booked "at one month"
#: happen a little late. After that the prediction is past its horizon. See docs/code-contract.md.
DEFAULT_ALERT_WINDOW_DAYS = 35
#: From how many days after the procedure a pain score is the one-month assessment: four weeks,
#: the earliest a visit "at one month" is usually booked. Earlier scores (the study's 24 hours
#: and 3 days) are interim and do not silence the card.
DEFAULT_OUTCOME_SCORE_FROM_DAYS = 28

SCHEMA = "site-mapping.schema.json"


class MappingConfigError(ValueError):
    """The site mapping file is unreadable or wrong; the message names the file and entry."""


@dataclass(frozen=True)
class MappingConfig:
    """What codes mean and which readings count. Build with :func:`load_mapping_config`."""

    finding_codes: Mapping[Code, FindingName]
    goutallier_side_codes: frozenset[Code]
    presence_answers: Mapping[Code, bool | Unknown]
    goutallier_answers: Mapping[Code, int | Unknown]
    cement_answers: Mapping[Code, CementDistribution | Unknown]
    procedure_codes: Mapping[Code, ProcedureKind]
    level_codes: Mapping[Code, VertebralLevel]
    level_texts: Mapping[str, VertebralLevel]
    fracture_codes: frozenset[Code]
    pre_procedure_lookback_days: int
    post_procedure_window_days: int
    allow_preliminary: bool
    #: Condition codes of the derivation study's exclusions, and which exclusion each is.
    exclusion_codes: Mapping[Code, ExclusionRule]
    #: Observation codes of a 0-10 pain score (VAS or numeric rating).
    pain_score_codes: frozenset[Code]
    alert_window_days: int
    outcome_score_from_days: int
    #: Where the contract came from, for start-up logs: the site file, or None for defaults.
    site_file: str | None = None

    def code_tables(self) -> dict[str, frozenset[Code]]:
        """Per resource type, the codes of its ``code`` element that make a resource one the
        assessment reads. FHIR searches, prefetch templates and the selection of received
        resources all follow this one table: a new kind of input is added here."""
        return {
            "Observation": frozenset(self.finding_codes) | self.pain_score_codes,
            "Procedure": frozenset(self.procedure_codes),
            "Condition": self.fracture_codes | frozenset(self.exclusion_codes),
        }

    @cached_property
    def used_codes(self) -> dict[str, frozenset[tuple[str, str]]]:
        """:meth:`code_tables` as (system, code) pairs, to look codings up in raw JSON."""
        return {
            resource_type: frozenset((code.system, code.code) for code in table)
            for resource_type, table in self.code_tables().items()
        }


def default_config() -> MappingConfig:
    return MappingConfig(
        finding_codes=MappingProxyType(dict(codes.FINDING_CODES)),
        goutallier_side_codes=codes.GOUTALLIER_SIDE_CODES,
        presence_answers=MappingProxyType(dict(codes.PRESENCE_ANSWERS)),
        goutallier_answers=MappingProxyType(dict(codes.GOUTALLIER_ANSWERS)),
        cement_answers=MappingProxyType(dict(codes.CEMENT_ANSWERS)),
        procedure_codes=MappingProxyType(dict(codes.PROCEDURE_CODES)),
        level_codes=MappingProxyType(dict(codes.LEVEL_CODES)),
        level_texts=MappingProxyType(dict(codes.LEVEL_TEXTS)),
        fracture_codes=codes.OSTEOPOROTIC_VERTEBRAL_FRACTURE_CODES,
        pre_procedure_lookback_days=DEFAULT_PRE_PROCEDURE_LOOKBACK_DAYS,
        post_procedure_window_days=DEFAULT_POST_PROCEDURE_WINDOW_DAYS,
        allow_preliminary=False,
        exclusion_codes=MappingProxyType(dict(codes.EXCLUSION_CODES)),
        pain_score_codes=frozenset(codes.PAIN_SCORE_CODES),
        alert_window_days=DEFAULT_ALERT_WINDOW_DAYS,
        outcome_score_from_days=DEFAULT_OUTCOME_SCORE_FROM_DAYS,
    )


def load_mapping_config(site_file: str | Path | None = None) -> MappingConfig:
    """The default contract, with the site mapping file (JSON or YAML) on top if given."""
    if site_file is None:
        return default_config()
    document = read_site_file(Path(site_file), "site mapping file", MappingConfigError)
    _validate(document, str(site_file))
    return _apply(default_config(), document, str(site_file))


def search_codes(config: MappingConfig) -> dict[str, tuple[str, ...]]:
    """``system|code`` search tokens per resource type, for FHIR searches and prefetch."""
    return {
        resource_type: tuple(sorted(code.token for code in table))
        for resource_type, table in config.code_tables().items()
    }


def _validate(document: Any, origin: str) -> None:
    schema = json.loads(resources.files(__package__).joinpath(SCHEMA).read_text())
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(document)
    )
    if error is not None:
        raise MappingConfigError(
            f"site mapping file {origin}: {_pointer(error.absolute_path)}: {error.message}"
        )


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(part) for part in path) if path else "/ (top level)"


def _apply(base: MappingConfig, document: Mapping[str, Any], origin: str) -> MappingConfig:
    rules = document.get("rules", {})
    return MappingConfig(
        finding_codes=_merged(
            base.finding_codes, _entries(document, "findings", FindingName), origin
        ),
        goutallier_side_codes=base.goutallier_side_codes
        | frozenset(_merged({}, _entries(document, "goutallier_sides"), origin)),
        presence_answers=_merged(
            base.presence_answers, _answers(document, "presence", bool), origin
        ),
        goutallier_answers=_merged(
            base.goutallier_answers, _answers(document, "goutallier_grade", int), origin
        ),
        cement_answers=_merged(
            base.cement_answers,
            _answers(document, "cement_distribution", CementDistribution),
            origin,
        ),
        procedure_codes=_merged(base.procedure_codes, _procedure_entries(document), origin),
        level_codes=_merged(base.level_codes, _level_entries(document), origin),
        level_texts=base.level_texts,
        fracture_codes=base.fracture_codes
        | frozenset(_merged({}, _entries(document, "osteoporotic_fracture"), origin)),
        pre_procedure_lookback_days=rules.get(
            "pre_procedure_lookback_days", base.pre_procedure_lookback_days
        ),
        post_procedure_window_days=rules.get(
            "post_procedure_window_days", base.post_procedure_window_days
        ),
        allow_preliminary=rules.get("allow_preliminary", base.allow_preliminary),
        exclusion_codes=_merged(base.exclusion_codes, _exclusion_entries(document), origin),
        pain_score_codes=base.pain_score_codes
        | frozenset(_merged({}, _entries(document, "pain_scores"), origin)),
        alert_window_days=rules.get("alert_window_days", base.alert_window_days),
        outcome_score_from_days=rules.get("outcome_score_from_days", base.outcome_score_from_days),
        site_file=origin,
    )


#: One site file entry: its JSON pointer, its code, and what the code means.
Entry = tuple[str, Code, Any]


def _code(item: Mapping[str, Any]) -> Code:
    return Code(item["system"], item["code"], item.get("display", ""))


def _entries(document: Mapping[str, Any], key: str, meaning: type | None = None) -> Iterator[Entry]:
    """Entries of a list of codes (``meaning`` None) or of a table of lists keyed by meaning."""
    section = document.get(key)
    if section is None:
        return
    if meaning is None:
        for index, item in enumerate(section):
            yield f"/{key}/{index}", _code(item), True
        return
    for name, items in section.items():
        for index, item in enumerate(items):
            yield f"/{key}/{name}/{index}", _code(item), meaning(name)


def _answers(document: Mapping[str, Any], key: str, kind: type) -> Iterator[Entry]:
    for index, item in enumerate(document.get("answers", {}).get(key, [])):
        value = item["value"]
        meaning = codes.UNKNOWN if value == "unknown" else kind(value)
        yield f"/answers/{key}/{index}", _code(item), meaning


def _procedure_entries(document: Mapping[str, Any]) -> Iterator[Entry]:
    for pointer, code, name in _entries(document, "procedures", str):
        yield pointer, code, ProcedureKind(name.replace("_", "-"))


def _exclusion_entries(document: Mapping[str, Any]) -> Iterator[Entry]:
    for pointer, code, name in _entries(document, "exclusions", str):
        yield pointer, code, ExclusionRule(name.replace("_", "-"))


def _level_entries(document: Mapping[str, Any]) -> Iterator[Entry]:
    for index, item in enumerate(document.get("vertebral_levels", [])):
        yield f"/vertebral_levels/{index}", _code(item), VertebralLevel(item["level"])


def _merged(base: Mapping[Code, Any], entries: Iterator[Entry], origin: str) -> Mapping[Code, Any]:
    """The base table with the site's entries on top. A code listed twice in one table of the
    site file is refused: which of the two was meant cannot be known."""
    site: dict[Code, tuple[str, Any]] = {}
    for pointer, code, meaning in entries:
        if code in site:
            raise MappingConfigError(
                f"site mapping file {origin}: {pointer}: {code.token} is already listed at "
                f"{site[code][0]}"
            )
        site[code] = (pointer, meaning)
    return MappingProxyType({**base, **{code: meaning for code, (_, meaning) in site.items()}})

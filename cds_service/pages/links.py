"""The card's links to the pages, and the query string that carries the findings.

The query holds the four finding values and nothing else: no patient id, name or date.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from urllib.parse import urlencode

from flask import current_app, request
from werkzeug.sansio.utils import get_current_url

from scoring import Model, Value

from .. import wording
from ..cds_hooks import Link

#: Where the model's source attributes are served as JSON, beside the model card.
SOURCE_ATTRIBUTES_PATH = "/model-card/source-attributes.json"

#: A finding the record does not give.
UNKNOWN = "unknown"


def query_token(value: Value) -> str:
    """A finding value as the query string spells it: true, false, 3, spongy."""
    return value if isinstance(value, str) else json.dumps(value)


def nomogram_query(findings: Mapping[str, Value | None]) -> str:
    # With each value's type in the key: True == 1 in Python, but they are different tokens.
    return _query(tuple((name, type(value), value) for name, value in findings.items()))


@functools.lru_cache(maxsize=256)
def _query(findings: tuple[tuple[str, type, Value | None], ...]) -> str:
    """Four findings of a few values each: a handful of queries, each made once."""
    return urlencode(
        {name: UNKNOWN if value is None else query_token(value) for name, _, value in findings}
    )


def findings_from_query(
    model: Model, query: Mapping[str, list[str]]
) -> tuple[dict[str, Value | None], list[str]]:
    """The findings a query string names, and what is wrong with it (empty when nothing).
    A finding left out is unknown; a value off the model's domain is a problem, never a guess."""
    predictors = {p.name: p for p in model.predictors}
    problems = [
        f"'{name}' is not a finding of this model" for name in query if name not in predictors
    ]
    findings: dict[str, Value | None] = {}
    for name, predictor in predictors.items():
        given = query.get(name, [UNKNOWN])
        tokens = {query_token(value): value for value in predictor.domain}
        if len(given) > 1:
            problems.append(f"'{name}' is given {len(given)} times; give it once")
        elif given[0] != UNKNOWN and given[0] not in tokens:
            problems.append(f"'{name}' cannot be '{given[0]}'")
        else:
            findings[name] = tokens.get(given[0])
    return findings, problems


def allowed_values(model: Model) -> dict[str, list[str]]:
    return {
        p.name: [*(query_token(value) for value in p.domain), UNKNOWN] for p in model.predictors
    }


def public_base_url() -> str:
    """This service's URL as the EHR's users reach it: PVP_CDS_PUBLIC_BASE_URL when set
    (behind a proxy the request's own host is an internal one), else the request's root."""
    configured = current_app.config["PUBLIC_BASE_URL"]
    if configured:
        return configured.rstrip("/")
    return _root_url(request.scheme, request.host, request.root_path)


@functools.lru_cache(maxsize=64)
def _root_url(scheme: str, host: str, root_path: str) -> str:
    # What request.url_root gives, made once per host: every card carries two links.
    return get_current_url(scheme, host, root_path).rstrip("/")


def card_links(findings: Mapping[str, Value | None]) -> tuple[Link, ...]:
    """CDS Hooks 2.0 Links (type ``absolute``: a plain page) to the nomogram with the
    patient's findings marked, to the model card, and to the model's source attributes."""
    base = public_base_url()
    return (
        Link(wording.NOMOGRAM_LINK_LABEL, f"{base}/nomogram?{nomogram_query(findings)}"),
        model_card_link(base),
        Link(wording.SOURCE_ATTRIBUTES_LINK_LABEL, f"{base}{SOURCE_ATTRIBUTES_PATH}"),
    )


def model_card_link(base: str | None = None) -> Link:
    """A Link to the model card: what the model was derived on, its performance and limits.
    ``base``: :func:`public_base_url`, when the caller has it."""
    return Link(wording.MODEL_CARD_LINK_LABEL, f"{base or public_base_url()}/model-card")

"""The CDS Hooks 2.0 response objects this service sends, typed, with the spec's rules in them.

Each class is one object of the spec (https://cds-hooks.hl7.org/2.0/#cds-service-response);
closed vocabularies are enums, and ``to_json`` writes the wire names, leaving out what is absent
(the spec forbids empty fields). Responses are built once and serialised once.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: "summary: ... one-sentence, <140-character summary message" (§ Card Attributes).
MAX_SUMMARY_LENGTH = 139

Json = dict[str, Any]


class Indicator(StrEnum):
    """§ Card Attributes, ``indicator``: the urgency of the card."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class SelectionBehavior(StrEnum):
    """§ Card Attributes, ``selectionBehavior``: how many suggestions the user may accept."""

    AT_MOST_ONE = "at-most-one"
    ANY = "any"


class ActionType(StrEnum):
    """§ Action, ``type``."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class LinkType(StrEnum):
    """§ Link, ``type``: a plain web page, or a SMART app to launch."""

    ABSOLUTE = "absolute"
    SMART = "smart"


def new_uuid() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Coding:
    """§ Coding: an override reason."""

    system: str
    code: str
    display: str | None = None

    def to_json(self) -> Json:
        return _present({"system": self.system, "code": self.code, "display": self.display})


@dataclass(frozen=True)
class Source:
    """§ Source: who the card is from."""

    label: str
    url: str | None = None

    def to_json(self) -> Json:
        return _present({"label": self.label, "url": self.url})


@dataclass(frozen=True)
class Link:
    """§ Link."""

    label: str
    url: str
    type: LinkType = LinkType.ABSOLUTE

    def to_json(self) -> Json:
        return {"label": self.label, "url": self.url, "type": self.type.value}


@dataclass(frozen=True)
class Action:
    """§ Action: a FHIR resource to create (``resource`` as FHIR JSON)."""

    type: ActionType
    description: str
    resource: Mapping[str, Any] | None = None

    def to_json(self) -> Json:
        return _present(
            {"type": self.type.value, "description": self.description, "resource": self.resource}
        )


@dataclass(frozen=True)
class Suggestion:
    """§ Suggestion."""

    label: str
    actions: tuple[Action, ...]
    uuid: str = field(default_factory=new_uuid)

    def to_json(self) -> Json:
        return {
            "label": self.label,
            "uuid": self.uuid,
            "actions": [action.to_json() for action in self.actions],
        }


@dataclass(frozen=True)
class Card:
    """§ Card. A card with suggestions must say how many may be accepted."""

    summary: str
    indicator: Indicator
    source: Source
    detail: str | None = None
    suggestions: tuple[Suggestion, ...] = ()
    selection_behavior: SelectionBehavior | None = None
    override_reasons: tuple[Coding, ...] = ()
    links: tuple[Link, ...] = ()
    uuid: str = field(default_factory=new_uuid)

    def __post_init__(self) -> None:
        if len(self.summary) > MAX_SUMMARY_LENGTH:
            raise ValueError(
                f"a card summary must be under {MAX_SUMMARY_LENGTH + 1} characters, got "
                f"{len(self.summary)}: {self.summary}"
            )
        if self.suggestions and self.selection_behavior is None:
            raise ValueError("a card with suggestions needs a selectionBehavior")

    def to_json(self) -> Json:
        return _present(
            {
                "uuid": self.uuid,
                "summary": self.summary,
                "detail": self.detail,
                "indicator": self.indicator.value,
                "source": self.source.to_json(),
                "suggestions": [s.to_json() for s in self.suggestions],
                "selectionBehavior": self.selection_behavior and self.selection_behavior.value,
                "overrideReasons": [reason.to_json() for reason in self.override_reasons],
                "links": [link.to_json() for link in self.links],
            }
        )


@dataclass(frozen=True)
class CdsResponse:
    """§ CDS Service Response: cards, and actions the client takes without asking."""

    cards: tuple[Card, ...] = ()
    system_actions: tuple[Action, ...] = ()

    def to_json(self) -> Json:
        response: Json = {"cards": [card.to_json() for card in self.cards]}
        if self.system_actions:
            response["systemActions"] = [action.to_json() for action in self.system_actions]
        return response


def _present(fields: Json) -> Json:
    """The fields that have a value: the spec forbids empty strings, arrays and nulls."""
    return {name: value for name, value in fields.items() if value not in (None, "", [], {})}

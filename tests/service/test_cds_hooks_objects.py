"""The typed CDS Hooks response objects carry the spec's rules (CDS Hooks 2.0, § Card
Attributes) and write only what is present."""

from __future__ import annotations

import pytest

from cds_service.cds_hooks import (
    Action,
    ActionType,
    Card,
    CdsResponse,
    Indicator,
    SelectionBehavior,
    Source,
    Suggestion,
)

SOURCE = Source("pvp-cds")


def test_a_summary_of_140_characters_or_more_is_refused():
    # The spec: "one-sentence, <140-character summary message".
    Card(summary="x" * 139, indicator=Indicator.INFO, source=SOURCE)
    with pytest.raises(ValueError, match="140"):
        Card(summary="x" * 140, indicator=Indicator.INFO, source=SOURCE)


def test_a_card_with_suggestions_must_say_how_many_may_be_accepted():
    suggestion = Suggestion("Do it", (Action(ActionType.CREATE, "create it", {}),))
    with pytest.raises(ValueError, match="selectionBehavior"):
        Card(summary="s", indicator=Indicator.INFO, source=SOURCE, suggestions=(suggestion,))


def test_absent_fields_are_left_out_not_sent_empty():
    card = Card(summary="s", indicator=Indicator.WARNING, source=SOURCE, uuid="u-1")

    assert card.to_json() == {
        "uuid": "u-1",
        "summary": "s",
        "indicator": "warning",
        "source": {"label": "pvp-cds"},
    }


def test_a_response_without_system_actions_has_only_cards():
    assert CdsResponse().to_json() == {"cards": []}


def test_wire_names_are_the_spec_s():
    suggestion = Suggestion("Do it", (Action(ActionType.CREATE, "create it", {"a": 1}),), "s-1")
    card = Card(
        summary="s",
        indicator=Indicator.INFO,
        source=SOURCE,
        suggestions=(suggestion,),
        selection_behavior=SelectionBehavior.ANY,
    )
    answer = CdsResponse((card,), (Action(ActionType.CREATE, "record", {"b": 2}),)).to_json()

    assert answer["cards"][0]["selectionBehavior"] == "any"
    assert answer["cards"][0]["suggestions"] == [
        {
            "label": "Do it",
            "uuid": "s-1",
            "actions": [{"type": "create", "description": "create it", "resource": {"a": 1}}],
        }
    ]
    assert answer["systemActions"] == [
        {"type": "create", "description": "record", "resource": {"b": 2}}
    ]

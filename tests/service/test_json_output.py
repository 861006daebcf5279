"""JSON out: orjson, with the standard library for what orjson cannot write."""

from __future__ import annotations

import json

from cds_service.json_provider import dumps


def test_an_integer_past_64_bits_is_written_exactly():
    # A client may send one, and an answer may quote it back.
    assert json.loads(dumps({"count": 2**70})) == {"count": 1180591620717411303424}


def test_keys_keep_the_order_they_were_written_in():
    assert dumps({"summary": "s", "indicator": "info", "detail": "d"}) == (
        b'{"summary":"s","indicator":"info","detail":"d"}'
    )


def test_answers_are_json_with_the_json_media_type(client):
    response = client.get("/cds-services")
    assert response.mimetype == "application/json"
    assert json.loads(response.get_data())["services"]

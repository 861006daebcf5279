"""JSON out: orjson, and Flask's JSON provider on it (Flask's documented way to change it:
``app.json``).

A scored hook answer is a few kilobytes of cards and FHIR; the standard library's encoder took
about a tenth of the call's time under load. Keys keep the order the code writes them in.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask import Response
from flask.json.provider import JSONProvider


def dumps(value: Any) -> bytes:
    """``value`` as JSON. orjson refuses integers past 64 bits, which a client may send and an
    answer may quote back; the standard library writes them."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class OrjsonProvider(JSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return dumps(obj).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(dumps(obj), mimetype="application/json")

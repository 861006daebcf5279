"""The floor: a bare Flask app that parses the hook body as JSON and answers no cards.

No Python WSGI service that reads a hook request can be cheaper than this under the same
server, so the hot-path benchmark reports the service's figures as ratios to it.
"""

from __future__ import annotations

from flask import Flask, request

app = Flask(__name__)


@app.post("/cds-services/<service_id>")
def call_service(service_id: str) -> dict:
    request.get_json()
    return {"cards": []}

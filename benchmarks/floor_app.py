"""The floors: bare Flask apps doing only what any CDS Hooks service must do per call.

``app`` parses the hook body as JSON and answers no cards. ``authenticated_app()`` first
verifies the client's JWT with PyJWT (the public key in memory; signature, iss, aud and exp
checked; a jti seen before in this process refused), as every call from a real EHR needs.
No Python WSGI service that does this can be cheaper under the same server, so the hot-path
benchmark reports the service's figures as ratios to them.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from flask import Flask, request

app = Flask(__name__)


@app.post("/cds-services/<service_id>")
def call_service(service_id: str) -> dict:
    request.get_json()
    return {"cards": []}


def authenticated_app() -> Flask:
    """Settings from the environment (benchmarks/auth_load.py writes them): FLOOR_PUBLIC_KEY_FILE
    (PEM), FLOOR_ALGORITHM, FLOOR_ISSUER, FLOOR_AUDIENCE."""
    key = serialization.load_pem_public_key(Path(os.environ["FLOOR_PUBLIC_KEY_FILE"]).read_bytes())
    algorithms = [os.environ["FLOOR_ALGORITHM"]]
    issuer, audience = os.environ["FLOOR_ISSUER"], os.environ["FLOOR_AUDIENCE"]
    # Never emptied: a floor, not a service (a run sends a few tens of thousands of tokens).
    seen: set[str] = set()
    seen_lock = threading.Lock()
    floor = Flask(__name__)

    @floor.post("/cds-services/<service_id>")
    def call_authenticated(service_id: str) -> tuple[dict, int]:
        _, _, token = request.headers.get("Authorization", "").partition(" ")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=audience,
                issuer=issuer,
                options={"require": ["exp", "jti"]},
            )
        except jwt.PyJWTError:
            return {"error": "unauthorized"}, 401
        with seen_lock:
            if claims["jti"] in seen:
                return {"error": "unauthorized"}, 401
            seen.add(claims["jti"])
        request.get_json()
        return {"cards": []}, 200

    return floor

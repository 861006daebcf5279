"""Test kit: client key pairs and signed tokens made in the test; the recording JWKS server is
tests/recording_server.py.

Public JWKs are written out by hand from the key numbers (RFC 7518 section 6), not by the
library under test, so a key-conversion bug there cannot hide itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from cds_service.client_auth import AuthenticationError, ClientAuthenticator
from tests.recording_server import RecordingServer, Route  # noqa: F401 (the kit's server)

ISSUER = "https://ehr.example.org/"
AUDIENCE = "https://cds.example.org/cds-services/pvp-residual-back-pain"
FHIR_SERVER = "https://fhir.example.org/r4"


@dataclass(frozen=True)
class ClientKey:
    """A CDS client's signing key pair, its kid and the algorithm it signs with."""

    kid: str
    alg: str
    private_key: Any

    @classmethod
    def ec_p384(cls, kid: str) -> ClientKey:
        return cls(kid, "ES384", ec.generate_private_key(ec.SECP384R1()))

    @classmethod
    def rsa(cls, kid: str, *, bits: int = 2048, alg: str = "RS384") -> ClientKey:
        return cls(kid, alg, rsa.generate_private_key(public_exponent=65537, key_size=bits))

    def public_jwk(self, **members: Any) -> dict[str, Any]:
        """The public key as a JWK with this kid; ``members`` add or override (None removes)."""
        numbers = self.private_key.public_key().public_numbers()
        if isinstance(numbers, ec.EllipticCurvePublicNumbers):
            jwk = {"kty": "EC", "crv": "P-384", "x": _b64(numbers.x, 48), "y": _b64(numbers.y, 48)}
        else:
            jwk = {"kty": "RSA", "n": _b64(numbers.n), "e": _b64(numbers.e)}
        jwk |= {"kid": self.kid, "use": "sig", "alg": self.alg} | members
        return {name: value for name, value in jwk.items() if value is not None}

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def jwks(*keys: ClientKey) -> dict[str, Any]:
    return {"keys": [key.public_jwk() for key in keys]}


def claims(**changes: Any) -> dict[str, Any]:
    """A valid CDS Hooks client JWT payload for ``AUDIENCE``; a change to None drops the claim."""
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 300,
        "jti": str(uuid.uuid4()),
    } | changes
    return {name: value for name, value in payload.items() if value is not None}


def sign(key: ClientKey, payload: dict[str, Any], **header: Any) -> str:
    """A JWT signed by ``key`` with header kid and alg from the key; ``header`` adds or overrides
    (None removes). PyJWT adds ``typ: JWT`` unless ``typ`` is given."""
    headers = {"kid": key.kid} | header
    headers = {name: value for name, value in headers.items() if value is not None}
    return jwt.encode(payload, key.private_key, algorithm=key.alg, headers=headers)


def unsigned(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    """A compact JWS assembled by hand, for tokens no honest library would produce."""
    signing_input = f"{_b64_json(header)}.{_b64_json(payload)}"
    return f"{signing_input}.{_b64_bytes(signature)}"


def hmac_signed(header: dict[str, Any], payload: dict[str, Any], secret: bytes) -> str:
    """An HS256 token keyed with ``secret``: the classic attack keys it with the public key."""
    signing_input = f"{_b64_json(header)}.{_b64_json(payload)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64_bytes(signature)}"


def _b64(number: int, length: int | None = None) -> str:
    length = length or (number.bit_length() + 7) // 8
    return _b64_bytes(number.to_bytes(length, "big"))


def _b64_bytes(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64_json(value: dict[str, Any]) -> str:
    return _b64_bytes(json.dumps(value).encode())


def refusal_reason(authenticator: ClientAuthenticator, token: str, audience: str = AUDIENCE) -> str:
    """Assert the token is refused; return the logged reason, checked to hold no token."""
    with pytest.raises(AuthenticationError) as refused:
        authenticator.authenticate(f"Bearer {token}", audience)
    reason = refused.value.reason
    signature = token.rsplit(".", 1)[-1]
    assert token not in reason
    assert not signature or signature not in reason
    return reason

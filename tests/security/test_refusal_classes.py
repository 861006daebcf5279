"""Each refused token is counted under the class an operator alerts on (docs/operations.md:
the ``reason`` label of ``pvp_cds_authentication_refusals_total``), decided where the check
fails, not read back from the wording of the log line."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from cds_service.client_auth import AuthenticationError, Refusal

from .jwt_kit import AUDIENCE, ClientKey, claims, sign, unsigned


def refusal_of(authenticator, authorization: str | None) -> Refusal:
    with pytest.raises(AuthenticationError) as refused:
        authenticator.authenticate(authorization, AUDIENCE)
    return refused.value.refusal


def now() -> int:
    # When the token is made, not when the module is collected: a suite runs for minutes.
    return int(time.time())


def bearer(token: str) -> str:
    return f"Bearer {token}"


#: Authorization header (made from the client's keys) -> the class its refusal is counted under.
CASES: dict[str, tuple[Callable[[ClientKey, ClientKey], str | None], Refusal]] = {
    "no header": (lambda key, other: None, Refusal.MISSING_TOKEN),
    "basic credentials": (lambda key, other: "Basic dXNlcjpwYXNz", Refusal.MISSING_TOKEN),
    "not a JWT": (lambda key, other: "Bearer not-a-jwt", Refusal.MALFORMED),
    "alg none": (
        lambda key, other: bearer(
            unsigned({"alg": "none", "typ": "JWT", "kid": key.kid}, claims())
        ),
        Refusal.MALFORMED,
    ),
    "typ not JWT": (
        lambda key, other: bearer(sign(key, claims(), typ="at+jwt")),
        Refusal.MALFORMED,
    ),
    "no kid": (lambda key, other: bearer(sign(key, claims(), kid=None)), Refusal.MALFORMED),
    "no exp": (lambda key, other: bearer(sign(key, claims(exp=None))), Refusal.MALFORMED),
    # CDS Hooks 2.0 requires iat; without it the lifetime cannot be bounded.
    "no iat": (lambda key, other: bearer(sign(key, claims(iat=None))), Refusal.MALFORMED),
    "valid for ten years": (
        lambda key, other: bearer(sign(key, claims(iat=now(), exp=now() + 10 * 365 * 86400))),
        Refusal.TOO_LONG_LIVED,
    ),
    "empty jti": (lambda key, other: bearer(sign(key, claims(jti=""))), Refusal.MALFORMED),
    "unpublished kid": (
        lambda key, other: bearer(
            sign(ClientKey("never-published", key.alg, key.private_key), claims())
        ),
        Refusal.UNKNOWN_KEY,
    ),
    "another key under the trusted kid": (
        lambda key, other: bearer(sign(ClientKey(key.kid, other.alg, other.private_key), claims())),
        Refusal.BAD_SIGNATURE,
    ),
    "expired": (
        lambda key, other: bearer(sign(key, claims(iat=now() - 360, exp=now() - 60))),
        Refusal.EXPIRED,
    ),
    "not yet valid": (
        lambda key, other: bearer(sign(key, claims(nbf=now() + 60))),
        Refusal.EXPIRED,
    ),
    "issued in the future": (
        lambda key, other: bearer(sign(key, claims(iat=now() + 60))),
        Refusal.EXPIRED,
    ),
    "another audience": (
        lambda key, other: bearer(sign(key, claims(aud="https://x.example/cds-services/x"))),
        Refusal.WRONG_AUDIENCE,
    ),
    "untrusted issuer": (
        lambda key, other: bearer(sign(key, claims(iss="https://other-ehr.example.org/"))),
        Refusal.UNTRUSTED_ISSUER,
    ),
    "no issuer": (lambda key, other: bearer(sign(key, claims(iss=None))), Refusal.UNTRUSTED_ISSUER),
}


@pytest.mark.parametrize("case", CASES)
def test_each_refusal_is_counted_under_its_class(authenticator, es_key, stranger_key, case):
    authorization, expected = CASES[case]
    assert refusal_of(authenticator, authorization(es_key, stranger_key)) is expected


def test_a_replayed_token_is_counted_as_replayed(authenticator, es_key):
    token = bearer(sign(es_key, claims(jti="once-only")))
    authenticator.authenticate(token, AUDIENCE)
    assert refusal_of(authenticator, token) is Refusal.REPLAYED


def test_a_tenant_off_the_clients_list_is_counted_as_an_untrusted_issuer(
    authenticator_for, ehr, es_key
):
    authenticator = authenticator_for(replace(ehr, tenants=frozenset({"hospital-a"})))
    token = bearer(sign(es_key, claims(tenant="hospital-b")))
    assert refusal_of(authenticator, token) is Refusal.UNTRUSTED_ISSUER


def test_a_key_published_for_another_alg_is_counted_as_an_unknown_key(
    authenticator_for, ehr, server, rs_key
):
    server.publish("/jwks", {"keys": [rs_key.public_jwk(alg="RS512")]})
    token = bearer(sign(rs_key, claims()))
    assert refusal_of(authenticator_for(ehr), token) is Refusal.UNKNOWN_KEY

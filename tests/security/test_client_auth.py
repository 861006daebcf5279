"""CDS client JWTs (CDS Hooks 2.0, "Trusting CDS Clients"): what is accepted, what is refused.

Every token is really signed, with keys generated for the test; public keys are served by a
real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

import jwt
import pytest

from cds_service.client_auth import (
    AuthenticatedClient,
    AuthenticationError,
    ClientAuthenticator,
    TrustedClients,
)

from .jwt_kit import (
    AUDIENCE,
    FHIR_SERVER,
    ISSUER,
    ClientKey,
    claims,
    hmac_signed,
    jwks,
    refusal_reason,
    sign,
    unsigned,
)


def bearer(token: str) -> str:
    return f"Bearer {token}"


def test_valid_es384_token_is_accepted(authenticator, es_key):
    client = authenticator.authenticate(bearer(sign(es_key, claims())), AUDIENCE)
    assert client == AuthenticatedClient(
        issuer=ISSUER, tenant=None, fhir_servers=frozenset({FHIR_SERVER})
    )


def test_valid_rs384_token_is_accepted(authenticator, rs_key):
    client = authenticator.authenticate(bearer(sign(rs_key, claims())), AUDIENCE)
    assert client.issuer == ISSUER


def test_extra_claims_such_as_epics_sub_and_nbf_are_accepted(authenticator, es_key):
    token = sign(es_key, claims(sub="epic-client-id", nbf=int(time.time()), tenant="t-1"))
    assert authenticator.authenticate(bearer(token), AUDIENCE).tenant == "t-1"


def test_aud_given_as_a_list_holding_the_endpoint_is_accepted(authenticator, es_key):
    token = sign(es_key, claims(aud=[AUDIENCE]))
    assert authenticator.authenticate(bearer(token), AUDIENCE).issuer == ISSUER


def test_bearer_scheme_is_case_insensitive(authenticator, es_key):
    token = sign(es_key, claims())
    assert authenticator.authenticate(f"bearer {token}", AUDIENCE).issuer == ISSUER


def test_signature_by_another_key_under_the_trusted_kid_is_refused(authenticator, stranger_key):
    reason = refusal_reason(authenticator, sign(stranger_key, claims()))
    assert "Signature verification failed" in reason


def test_payload_altered_after_signing_is_refused(authenticator, es_key):
    header, _, signature = sign(es_key, claims()).split(".")
    other_payload = sign(es_key, claims(iss=ISSUER, sub="someone-else")).split(".")[1]
    reason = refusal_reason(authenticator, f"{header}.{other_payload}.{signature}")
    assert "Signature verification failed" in reason


def test_alg_none_is_refused(authenticator, es_key):
    token = unsigned({"alg": "none", "typ": "JWT", "kid": es_key.kid}, claims())
    assert refusal_reason(authenticator, token) == "alg 'none' not allowed"


def test_hs256_keyed_with_the_clients_public_key_is_refused(authenticator, rs_key):
    header = {"alg": "HS256", "typ": "JWT", "kid": rs_key.kid}
    token = hmac_signed(header, claims(), secret=rs_key.public_pem())
    assert refusal_reason(authenticator, token) == "alg 'HS256' not allowed"


@pytest.mark.parametrize("algorithms", [["HS256"], ["ES384", "none"], ["RS384", "HS384"], []])
def test_only_asymmetric_algorithms_can_be_configured(ehr, algorithms):
    with pytest.raises(ValueError, match="algorithms must be a non-empty subset"):
        ClientAuthenticator(TrustedClients((ehr,)), algorithms=algorithms)


def test_allowed_algorithm_not_configured_here_is_refused(authenticator_for, ehr, es_key):
    authenticator = authenticator_for(ehr, algorithms=["RS384"])
    assert refusal_reason(authenticator, sign(es_key, claims())) == "alg 'ES384' not allowed"


def test_typ_other_than_jwt_is_refused(authenticator, es_key):
    token = sign(es_key, claims(), typ="at+jwt")
    assert refusal_reason(authenticator, token) == "typ 'at+jwt' is not JWT"


def test_missing_kid_is_refused(authenticator, es_key):
    token = sign(es_key, claims(), kid=None)
    assert refusal_reason(authenticator, token) == "kid missing from the token header"


def test_a_kid_that_is_not_a_string_is_refused(authenticator, es_key):
    # Built by hand: PyJWT will not sign such a header.
    token = unsigned({"alg": "ES384", "typ": "JWT", "kid": ["ec-2024"]}, claims())
    assert refusal_reason(authenticator, token) == "kid ['ec-2024'] is not a string"


def test_unknown_kid_is_refused(authenticator, es_key):
    token = sign(ClientKey("never-published", es_key.alg, es_key.private_key), claims())
    assert "kid 'never-published' not in the JWK Set" in refusal_reason(authenticator, token)


def test_expired_token_is_refused(authenticator, es_key):
    now = int(time.time())
    token = sign(es_key, claims(iat=now - 360, exp=now - 60))
    assert "ExpiredSignatureError" in refusal_reason(authenticator, token)


def test_token_expired_by_less_than_the_leeway_is_accepted(authenticator, es_key):
    now = int(time.time())
    token = sign(es_key, claims(iat=now - 300, exp=now - 2))  # leeway is 5 s
    assert authenticator.authenticate(bearer(token), AUDIENCE).issuer == ISSUER


def test_token_not_yet_valid_is_refused(authenticator, es_key):
    token = sign(es_key, claims(nbf=int(time.time()) + 60))
    assert "not yet valid (nbf)" in refusal_reason(authenticator, token)


def test_iat_a_few_seconds_in_the_future_is_accepted(authenticator, es_key):
    # Real clients round iat up; the leeway (5 s here) absorbs that and small clock skew.
    token = sign(es_key, claims(iat=int(time.time()) + 2))
    assert authenticator.authenticate(bearer(token), AUDIENCE).issuer == ISSUER


def test_iat_well_in_the_future_is_refused(authenticator, es_key):
    token = sign(es_key, claims(iat=int(time.time()) + 60))
    assert "not yet valid (iat)" in refusal_reason(authenticator, token)


@pytest.mark.parametrize(
    "aud",
    [
        "https://cds.example.org/cds-services",
        "https://cds.example.org/cds-services/another-service",
        "https://attacker.example/cds-services/pvp-residual-back-pain",
        ["https://cds.example.org/cds-services"],
    ],
)
def test_token_for_another_endpoint_is_refused(authenticator, es_key, aud):
    assert "InvalidAudienceError" in refusal_reason(authenticator, sign(es_key, claims(aud=aud)))


def test_unknown_issuer_is_refused_without_fetching_any_key(authenticator, es_key, server):
    token = sign(es_key, claims(iss="https://other-ehr.example.org/"))
    reason = refusal_reason(authenticator, token)
    assert reason == (
        f"iss 'https://other-ehr.example.org/' is not a trusted client: expected one of {[ISSUER]}"
    )
    assert server.requested == []


def test_a_refused_audience_is_logged_with_the_expected_and_the_received_value(
    authenticator, es_key
):
    # The service's public base URL says 127.0.0.1; the client called it through localhost.
    called = "http://localhost:8080/cds-services/pvp-residual-back-pain"
    reason = refusal_reason(authenticator, sign(es_key, claims(aud=called)))
    assert reason == f"InvalidAudienceError: aud expected {AUDIENCE!r}, received {called!r}"


def test_an_unknown_kid_is_logged_with_the_kids_the_client_publishes(authenticator, es_key):
    token = sign(ClientKey("ec-1999", es_key.alg, es_key.private_key), claims())
    assert refusal_reason(authenticator, token).endswith("expected one of ['ec-2024', 'rsa-2024']")


TEN_YEARS = 10 * 365 * 24 * 3600


def test_a_token_valid_for_ten_years_is_refused(authenticator, es_key):
    # Accepted, its jti would have to be kept for ten years to refuse a replay.
    now = int(time.time())
    reason = refusal_reason(authenticator, sign(es_key, claims(iat=now, exp=now + TEN_YEARS)))
    assert reason == f"lifetime exp - iat of {TEN_YEARS} s is longer than the 300 s allowed"


def test_a_token_valid_for_five_minutes_after_iat_is_accepted(authenticator, es_key):
    # As EHRs issue them (SMART Backend Services: exp no more than five minutes in the future).
    now = int(time.time())
    token = sign(es_key, claims(iat=now, exp=now + 300))
    assert authenticator.authenticate(bearer(token), AUDIENCE).issuer == ISSUER


def test_a_token_valid_one_second_longer_than_the_maximum_is_refused(authenticator, es_key):
    now = int(time.time())
    reason = refusal_reason(authenticator, sign(es_key, claims(iat=now, exp=now + 301)))
    assert reason.startswith("lifetime exp - iat of 301 s")


def test_the_maximum_lifetime_is_configurable(authenticator_for, ehr, es_key):
    lenient = authenticator_for(ehr, max_lifetime=timedelta(minutes=10))
    now = int(time.time())
    token = sign(es_key, claims(iat=now, exp=now + 600))
    assert lenient.authenticate(bearer(token), AUDIENCE).issuer == ISSUER


def test_a_long_lived_token_refused_leaves_its_jti_unused(authenticator, es_key):
    now = int(time.time())
    refusal_reason(authenticator, sign(es_key, claims(jti="j-9", iat=now, exp=now + TEN_YEARS)))
    token = sign(es_key, claims(jti="j-9"))
    assert authenticator.authenticate(bearer(token), AUDIENCE).issuer == ISSUER


@pytest.mark.parametrize("claim", ["aud", "exp", "iat", "jti"])
def test_token_missing_a_required_claim_is_refused(authenticator, es_key, claim):
    reason = refusal_reason(authenticator, sign(es_key, claims(**{claim: None})))
    assert reason == f'MissingRequiredClaimError: Token is missing the "{claim}" claim'


def test_token_missing_iss_is_refused(authenticator, es_key):
    assert "is not a trusted client" in refusal_reason(
        authenticator, sign(es_key, claims(iss=None))
    )


def test_empty_jti_is_refused(authenticator, es_key):
    assert refusal_reason(authenticator, sign(es_key, claims(jti=""))) == "jti is empty"


def test_replayed_jti_is_refused(authenticator, es_key):
    token = sign(es_key, claims(jti="once-only"))
    authenticator.authenticate(bearer(token), AUDIENCE)
    assert refusal_reason(authenticator, token) == "jti 'once-only' replayed"


def test_jti_reused_in_a_new_token_is_refused(authenticator, es_key):
    authenticator.authenticate(bearer(sign(es_key, claims(jti="j-1"))), AUDIENCE)
    later = sign(es_key, claims(jti="j-1", iat=int(time.time()) + 1))
    assert refusal_reason(authenticator, later) == "jti 'j-1' replayed"


def test_concurrent_replays_of_one_token_let_exactly_one_through(authenticator, es_key):
    token = sign(es_key, claims())
    outcomes: list[bool] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            authenticator.authenticate(bearer(token), AUDIENCE)
            accepted = True
        except AuthenticationError:
            accepted = False
        with lock:
            outcomes.append(accepted)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False] * 7 + [True]


@pytest.mark.parametrize(
    "authorization, reason",
    [
        (None, "no Authorization header"),
        ("", "no Authorization header"),
        ("Basic dXNlcjpwYXNz", "Authorization header is not a Bearer token"),
        ("Bearer ", "Authorization header is not a Bearer token"),
        ("Bearer not-a-jwt", "malformed token header: Not enough segments"),
    ],
)
def test_request_without_a_bearer_jwt_is_refused(authenticator, authorization, reason):
    with pytest.raises(AuthenticationError) as refused:
        authenticator.authenticate(authorization, AUDIENCE)
    assert refused.value.reason == reason


def test_tenant_on_the_clients_list_is_accepted(authenticator_for, ehr, es_key):
    authenticator = authenticator_for(replace(ehr, tenants=frozenset({"hospital-a"})))
    token = sign(es_key, claims(tenant="hospital-a"))
    assert authenticator.authenticate(bearer(token), AUDIENCE).tenant == "hospital-a"


@pytest.mark.parametrize("tenant", ["hospital-b", None])
def test_tenant_missing_or_off_the_clients_list_is_refused(authenticator_for, ehr, es_key, tenant):
    authenticator = authenticator_for(replace(ehr, tenants=frozenset({"hospital-a"})))
    reason = refusal_reason(authenticator, sign(es_key, claims(tenant=tenant)))
    assert reason == f"tenant {tenant!r} not allowed for {ISSUER!r}"


def test_rsa_key_published_without_alg_verifies_an_rs384_token(
    authenticator_for, ehr, server, rs_key
):
    # Without "alg" PyJWT would take an RSA JWK for RS256; the header's allowed alg decides.
    server.publish("/jwks", {"keys": [rs_key.public_jwk(alg=None, use=None)]})
    token = sign(rs_key, claims())
    assert authenticator_for(ehr).authenticate(bearer(token), AUDIENCE).issuer == ISSUER


def test_key_published_for_another_alg_is_refused(authenticator_for, ehr, server, rs_key):
    server.publish("/jwks", {"keys": [rs_key.public_jwk(alg="RS512")]})
    reason = refusal_reason(authenticator_for(ehr), sign(rs_key, claims()))
    assert reason == "key 'rsa-2024' is for alg 'RS512' use 'sig', token is RS384"


def test_key_published_for_encryption_is_refused(authenticator_for, ehr, server, rs_key):
    server.publish("/jwks", {"keys": [rs_key.public_jwk(use="enc")]})
    reason = refusal_reason(authenticator_for(ehr), sign(rs_key, claims()))
    assert reason == "key 'rsa-2024' is for alg 'RS384' use 'enc', token is RS384"


def test_ec_key_under_an_rs384_token_is_refused(authenticator_for, ehr, server, es_key, rs_key):
    # The kid names the EC key, the header claims RS384: no key confusion.
    server.publish("/jwks", {"keys": [es_key.public_jwk(kid=rs_key.kid, alg=None)]})
    reason = refusal_reason(authenticator_for(ehr), sign(rs_key, claims()))
    assert reason == "key 'rsa-2024' unusable for RS384: Not an RSA key"


def test_rsa_key_shorter_than_2048_bits_is_refused(authenticator_for, ehr, server):
    weak = ClientKey.rsa("weak", bits=1024)
    server.publish("/jwks", jwks(weak))
    with pytest.warns(jwt.warnings.InsecureKeyLengthWarning):
        token = sign(weak, claims())
    assert "InvalidKeyError" in refusal_reason(authenticator_for(ehr), token)


def test_global_fhir_servers_add_to_the_clients_own(authenticator_for, ehr, es_key):
    shared = "https://shared-fhir.example.org/fhir"
    authenticator = authenticator_for(ehr, fhir_servers=frozenset({shared}))
    client = authenticator.authenticate(bearer(sign(es_key, claims())), AUDIENCE)
    assert client.fhir_servers == frozenset({FHIR_SERVER, shared})


def test_leeway_is_configurable(authenticator_for, ehr, es_key):
    strict = authenticator_for(ehr, leeway=timedelta(0))
    token = sign(es_key, claims(iat=int(time.time()) + 2))
    assert "not yet valid (iat)" in refusal_reason(strict, token)

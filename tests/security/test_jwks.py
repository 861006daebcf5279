"""Where keys come from: the client's JWKS URL, an allowed jku, or a file; cached, rotated, and
never fetched from anywhere the trusted-client list does not name."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from datetime import timedelta

from cds_service.client_auth import MAX_JWKS_BYTES, TrustedClient

from .jwt_kit import AUDIENCE, ISSUER, ClientKey, Route, claims, jwks, refusal_reason, sign


def bearer(token: str) -> str:
    return f"Bearer {token}"


def test_keys_are_fetched_once_and_reused_within_the_ttl(authenticator, server, es_key, rs_key):
    for key in (es_key, rs_key, es_key):
        authenticator.authenticate(bearer(sign(key, claims())), AUDIENCE)
    assert server.requested == ["/jwks"]


def test_keys_are_fetched_again_once_the_ttl_has_passed(authenticator_for, ehr, server, es_key):
    authenticator = authenticator_for(
        ehr, jwks_ttl=timedelta(0), jwks_min_refresh_interval=timedelta(0)
    )
    for _ in range(2):
        authenticator.authenticate(bearer(sign(es_key, claims())), AUDIENCE)
    assert server.requested == ["/jwks", "/jwks"]


def test_a_rotated_in_key_is_fetched_on_its_first_unknown_kid(
    authenticator_for, ehr, server, es_key
):
    authenticator = authenticator_for(ehr, jwks_min_refresh_interval=timedelta(0))
    authenticator.authenticate(bearer(sign(es_key, claims())), AUDIENCE)
    successor = ClientKey.ec_p384("ec-2025")
    server.publish("/jwks", jwks(es_key, successor))

    client = authenticator.authenticate(bearer(sign(successor, claims())), AUDIENCE)

    assert client.issuer == ISSUER
    assert server.requested == ["/jwks", "/jwks"]


def test_a_rotated_out_key_is_refused_after_the_next_refresh(
    authenticator_for, ehr, server, es_key
):
    authenticator = authenticator_for(
        ehr, jwks_ttl=timedelta(0), jwks_min_refresh_interval=timedelta(0)
    )
    authenticator.authenticate(bearer(sign(es_key, claims())), AUDIENCE)
    server.publish("/jwks", jwks(ClientKey.ec_p384("ec-2025")))
    assert "kid 'ec-2024' not in the JWK Set" in refusal_reason(
        authenticator, sign(es_key, claims())
    )


def test_a_key_replaced_under_the_same_kid_is_used_after_the_next_refresh(
    authenticator_for, ehr, server, es_key
):
    # The key object made from a JWK is kept between tokens: a new JWK under the old kid must
    # not be verified with the old key.
    authenticator = authenticator_for(
        ehr, jwks_ttl=timedelta(0), jwks_min_refresh_interval=timedelta(0)
    )
    authenticator.authenticate(bearer(sign(es_key, claims())), AUDIENCE)
    replacement = ClientKey.ec_p384(es_key.kid)
    server.publish("/jwks", jwks(replacement))

    assert authenticator.authenticate(bearer(sign(replacement, claims())), AUDIENCE)
    assert "InvalidSignatureError" in refusal_reason(authenticator, sign(es_key, claims()))


def test_unknown_kids_cannot_make_us_hammer_the_jwks_endpoint(authenticator, server, es_key):
    authenticator.authenticate(bearer(sign(es_key, claims())), AUDIENCE)
    for n in range(5):
        made_up = ClientKey(f"made-up-{n}", es_key.alg, es_key.private_key)
        refusal_reason(authenticator, sign(made_up, claims()))
    # Default minimum interval between fetches is 10 s: no refetch within this test.
    assert server.requested == ["/jwks"]


def test_keys_come_from_an_allowed_jku(authenticator, server, es_key):
    server.publish("/jku-jwks", jwks(es_key))
    token = sign(es_key, claims(), jku=server.url("/jku-jwks"))
    assert authenticator.authenticate(bearer(token), AUDIENCE).issuer == ISSUER
    assert server.requested == ["/jku-jwks"]


def test_a_jku_not_allowed_is_refused_and_never_requested(authenticator, server, es_key):
    server.publish("/attacker-jwks", jwks(es_key))
    token = sign(es_key, claims(), jku=server.url("/attacker-jwks"))
    reason = refusal_reason(authenticator, token)
    assert reason == (
        f"jku {server.url('/attacker-jwks')!r} not allowed for {ISSUER!r}:"
        f" expected one of {[server.url('/jku-jwks')]}"
    )
    assert server.requested == []


def test_a_jku_is_matched_exactly_not_by_prefix(authenticator, server, es_key):
    lookalike = server.url("/jku-jwks") + "/../attacker-jwks"
    refusal_reason(authenticator, sign(es_key, claims(), jku=lookalike))
    assert server.requested == []


def test_a_jku_allowed_for_another_client_is_refused(authenticator_for, ehr, server, es_key):
    other = TrustedClient(
        issuer="https://other-ehr.example.org/",
        jwks_url=server.url("/other-jwks"),
        allowed_jku=frozenset({server.url("/other-jku")}),
    )
    server.publish("/other-jku", jwks(es_key))
    token = sign(es_key, claims(), jku=server.url("/other-jku"))
    assert "not allowed for" in refusal_reason(authenticator_for(ehr, other), token)
    assert server.requested == []


def test_token_without_jku_is_refused_when_the_client_has_only_jku_keys(
    authenticator_for, ehr, es_key
):
    jku_only = replace(ehr, jwks_url=None)
    reason = refusal_reason(authenticator_for(jku_only), sign(es_key, claims()))
    assert reason == f"no jku and no JWK Set configured for issuer {ISSUER!r}"


def test_last_good_keys_stay_in_use_while_the_jwks_endpoint_fails(
    authenticator_for, ehr, server, es_key, caplog
):
    authenticator = authenticator_for(
        ehr, jwks_ttl=timedelta(0), jwks_min_refresh_interval=timedelta(0)
    )
    authenticator.authenticate(bearer(sign(es_key, claims())), AUDIENCE)
    server.routes["/jwks"] = Route(status=503)

    client = authenticator.authenticate(bearer(sign(es_key, claims())), AUDIENCE)

    assert client.issuer == ISSUER
    assert server.requested == ["/jwks", "/jwks"]
    assert "answered HTTP 503" in caplog.text


def test_unreachable_jwks_endpoint_refuses_the_token(authenticator, server, es_key):
    server.routes["/jwks"] = Route(status=500)
    assert "not in the JWK Set" in refusal_reason(authenticator, sign(es_key, claims()))


def test_a_redirect_from_the_jwks_url_is_not_followed(authenticator, server, es_key):
    server.publish("/elsewhere", jwks(es_key))
    server.routes["/jwks"] = Route(status=302, headers={"Location": server.url("/elsewhere")})
    refusal_reason(authenticator, sign(es_key, claims()))
    assert server.requested == ["/jwks"]


def test_an_oversized_jwks_is_refused(authenticator, server, es_key, caplog):
    padding = "x" * MAX_JWKS_BYTES
    server.publish("/jwks", {"keys": [es_key.public_jwk()], "padding": padding})
    refusal_reason(authenticator, sign(es_key, claims()))
    assert f"sent more than {MAX_JWKS_BYTES} bytes" in caplog.text


def test_a_slow_jwks_endpoint_is_given_up_after_the_timeout(authenticator_for, ehr, server, es_key):
    server.routes["/jwks"] = Route(body=json.dumps(jwks(es_key)).encode(), delay=1.0)
    authenticator = authenticator_for(ehr, timeout=0.2)
    started = time.monotonic()
    refusal_reason(authenticator, sign(es_key, claims()))
    assert time.monotonic() - started < 0.9


def test_a_jwks_with_one_kid_twice_is_refused(authenticator, server, es_key, caplog):
    impostor = ClientKey.ec_p384(es_key.kid)
    server.publish("/jwks", jwks(es_key, impostor))
    refusal_reason(authenticator, sign(es_key, claims()))
    assert "has kid 'ec-2024' more than once" in caplog.text


def test_keys_come_from_a_jwks_file(authenticator_for, ehr, es_key, tmp_path):
    path = tmp_path / "ehr.jwks.json"
    path.write_text(json.dumps(jwks(es_key)))
    from_file = replace(ehr, jwks_url=None, jwks_file=path)
    client = authenticator_for(from_file).authenticate(bearer(sign(es_key, claims())), AUDIENCE)
    assert client.issuer == ISSUER


def test_a_key_added_to_the_jwks_file_is_picked_up_on_its_first_use(
    authenticator_for, ehr, es_key, tmp_path
):
    path = tmp_path / "ehr.jwks.json"
    path.write_text(json.dumps(jwks(es_key)))
    authenticator = authenticator_for(
        replace(ehr, jwks_url=None, jwks_file=path), jwks_min_refresh_interval=timedelta(0)
    )
    authenticator.authenticate(bearer(sign(es_key, claims())), AUDIENCE)
    successor = ClientKey.ec_p384("ec-2025")
    path.write_text(json.dumps(jwks(es_key, successor)))
    assert authenticator.authenticate(bearer(sign(successor, claims())), AUDIENCE).issuer == ISSUER


def test_key_fetches_are_logged_by_source_without_key_material(authenticator, es_key, caplog):
    caplog.set_level(logging.INFO, logger="cds_service.client_auth")
    authenticator.authenticate(bearer(sign(es_key, claims())), AUDIENCE)
    assert "kids ['ec-2024', 'rsa-2024']" in caplog.text
    assert es_key.public_jwk()["x"] not in caplog.text

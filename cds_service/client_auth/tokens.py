"""The JWT check: a CDS client's bearer token verified against the trusted clients."""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import jwt
import requests

from .errors import MAX_QUOTED_URL, AuthenticationError, Refusal, quote
from .jwks import KeySet, fetch_jwks
from .replay import ReplayCache, ReplayChecker
from .trusted_clients import TrustedClient, TrustedClients

#: The algorithms CDS Hooks 2.0 recommends for client JWTs.
DEFAULT_ALGORITHMS = ("ES384", "RS384")

#: The only algorithms that may be configured. CDS Hooks forbids ``none`` and every symmetric
#: (HMAC) algorithm: a secret shared with the service cannot identify the client.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)

_REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "jti"]
#: PyJWT's decode options, the same for every token.
_DECODE_OPTIONS = {"require": _REQUIRED_CLAIMS, "enforce_minimum_key_length": True}

#: PyJWT's refusals that have a class of their own; any other means a malformed token.
_JWT_REFUSALS = (
    (jwt.ExpiredSignatureError, Refusal.EXPIRED),
    (jwt.ImmatureSignatureError, Refusal.EXPIRED),
    (jwt.InvalidIssuedAtError, Refusal.EXPIRED),
    (jwt.InvalidSignatureError, Refusal.BAD_SIGNATURE),
    (jwt.InvalidIssuerError, Refusal.UNTRUSTED_ISSUER),
)


@dataclass(frozen=True)
class AuthenticatedClient:
    """The client a verified token came from, and the FHIR servers it may send us to."""

    issuer: str
    tenant: str | None
    fhir_servers: frozenset[str]


class ClientAuthenticator:
    """Verifies CDS client JWTs. Build once at start-up and share between requests: it holds the
    JWK Set caches and the jti replay cache, both thread-safe.

    The checks, in order (the first failure raises :class:`AuthenticationError`):

    1. a ``Bearer`` token is present;
    2. header: ``alg`` allowed (never ``none`` or HMAC), ``typ`` JWT, ``kid`` present;
    3. ``iss`` is a trusted client;
    4. ``jku``, if present, is on that client's allow-list (an unlisted one is never fetched;
       one pinned to a file is read from the file, never fetched);
    5. ``kid`` is in the client's JWK Set (refetched once, rate-limited, if unknown), and that
       key fits ``alg``;
    6. signature; ``exp``, ``iat`` and ``nbf`` with ``leeway``; ``aud`` is ``audience``; all of
       ``iss``, ``aud``, ``exp``, ``iat``, ``jti`` present (CDS Hooks 2.0 requires ``iat``:
       without it a token's lifetime cannot be bounded); ``exp`` at most ``max_lifetime``
       after ``iat``;
    7. ``tenant`` on the client's tenant list, if it has one;
    8. ``jti`` not seen before within the token's lifetime.

    Other claims (Epic sends ``sub``) are accepted and ignored.

    Per token, the header and payload are read once without verification (to find whose key
    verifies it) and once by PyJWT as it verifies the signature and claims; a key object is
    built once per JWK, not per token.
    """

    def __init__(
        self,
        clients: TrustedClients,
        *,
        algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
        leeway: timedelta = timedelta(seconds=5),
        max_lifetime: timedelta = timedelta(minutes=5),
        jwks_ttl: timedelta = timedelta(hours=1),
        jwks_min_refresh_interval: timedelta = timedelta(seconds=10),
        session: requests.Session | None = None,
        timeout: float = 5.0,
        replays: ReplayChecker | None = None,
    ) -> None:
        self._algorithms = frozenset(algorithms)
        refused = sorted(self._algorithms - ASYMMETRIC_ALGORITHMS)
        if refused or not self._algorithms:
            raise ValueError(
                f"algorithms must be a non-empty subset of {sorted(ASYMMETRIC_ALGORITHMS)};"
                f" refused: {refused}"
            )
        self._clients = clients
        # What a client may send us to: its own FHIR servers and the global ones, joined once.
        self._fhir_servers = {
            client.issuer: client.fhir_servers | clients.fhir_servers for client in clients.clients
        }
        self._leeway_seconds = leeway.total_seconds()
        # A jti is kept until its token expires: a bound on the lifetime bounds that too.
        self._max_lifetime = max_lifetime.total_seconds()
        # This process's memory unless a shared cache (the service's database) is given.
        self._replays = replays if replays is not None else ReplayCache()
        # The key object made from each JWK: (source, kid, alg) -> (the JWK it was made from, key).
        # Bounded by the keys in the JWK Sets times the algorithms allowed.
        self._verifiers: dict[tuple[str, str, str], tuple[dict[str, Any], jwt.PyJWK]] = {}
        session = session if session is not None else requests.Session()
        # One cache per source: clients that share a JWKS URL share its cache.
        self._key_sets: dict[str, KeySet] = {}
        for client in clients.clients:
            for source, load in _key_sources(client, session, timeout):
                self._key_sets.setdefault(
                    source,
                    KeySet(
                        source,
                        load,
                        ttl=jwks_ttl.total_seconds(),
                        min_interval=jwks_min_refresh_interval.total_seconds(),
                    ),
                )

    def authenticate(self, authorization: str | None, audience: str) -> AuthenticatedClient:
        """Verify the ``Authorization`` header's JWT for a call to ``audience``.

        ``audience`` is this endpoint's public URL (configured base URL + request path), which
        the token's ``aud`` must equal.
        """
        token = _bearer_token(authorization)
        segments = token.split(".")
        if len(segments) != 3:
            raise AuthenticationError(
                Refusal.MALFORMED, "malformed token header: Not enough segments"
            )
        header = _checked_header(_unverified(segments[0], "header"), self._algorithms)
        client = self._trusted_client(_unverified(segments[1], "payload"))
        key = self._signing_key(client, header)
        claims = self._verified_claims(token, key, client, audience)
        tenant = _checked_tenant(claims, client)
        self._check_first_use(claims, client)
        return AuthenticatedClient(
            issuer=client.issuer, tenant=tenant, fhir_servers=self._fhir_servers[client.issuer]
        )

    def _trusted_client(self, unverified_claims: dict[str, Any]) -> TrustedClient:
        # Unverified: the issuer only tells us whose keys to verify the signature with.
        issuer = unverified_claims.get("iss")
        client = self._clients.get(issuer) if isinstance(issuer, str) else None
        if client is None:
            trusted = sorted(client.issuer for client in self._clients.clients)
            raise AuthenticationError(
                Refusal.UNTRUSTED_ISSUER,
                f"iss {quote(issuer)} is not a trusted client: expected one of {trusted}",
            )
        return client

    def _signing_key(self, client: TrustedClient, header: dict[str, Any]) -> jwt.PyJWK:
        key_set = self._key_set(client, header.get("jku"))
        kid, alg = header["kid"], header["alg"]
        jwk = key_set.find(kid)
        if jwk is None:
            raise AuthenticationError(
                Refusal.UNKNOWN_KEY,
                f"kid {quote(kid)} not in the JWK Set at {key_set.source}: expected one of"
                f" {key_set.kids()}",
            )
        if jwk.get("alg", alg) != alg or jwk.get("use", "sig") != "sig":
            raise AuthenticationError(
                Refusal.UNKNOWN_KEY,
                f"key {quote(kid)} is for alg {jwk.get('alg')!r} use {jwk.get('use')!r},"
                f" token is {alg}",
            )
        made = self._verifiers.get((key_set.source, kid, alg))
        if made is not None and made[0] is jwk:  # the same JWK (a refresh makes new ones)
            return made[1]
        try:
            # Bind the key to the header's (already allowed) alg: a JWK without "alg" would
            # otherwise get PyJWT's default, RS256 for any RSA key.
            key = jwt.PyJWK(jwk, algorithm=alg)
        except jwt.PyJWTError as exc:
            raise AuthenticationError(
                Refusal.UNKNOWN_KEY, f"key {quote(kid)} unusable for {alg}: {exc}"
            ) from exc
        self._verifiers[(key_set.source, kid, alg)] = (jwk, key)
        return key

    def _key_set(self, client: TrustedClient, jku: Any) -> KeySet:
        if jku is None:
            source = client.configured_key_source
            if source is None:
                raise AuthenticationError(
                    Refusal.UNKNOWN_KEY,
                    f"no jku and no JWK Set configured for issuer {client.issuer!r}",
                )
        elif isinstance(jku, str) and jku in client.allowed_jku:
            source = _jku_source(client, jku)
        else:
            raise AuthenticationError(
                Refusal.UNKNOWN_KEY,
                f"jku {quote(jku, limit=MAX_QUOTED_URL)} not allowed for {client.issuer!r}:"
                f" expected one of {sorted(client.allowed_jku)}",
            )
        return self._key_sets[source]

    def _verified_claims(
        self, token: str, key: jwt.PyJWK, client: TrustedClient, audience: str
    ) -> dict[str, Any]:
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[key.algorithm_name],
                audience=audience,
                issuer=client.issuer,
                leeway=self._leeway_seconds,
                options=_DECODE_OPTIONS,
            )
        except jwt.InvalidAudienceError as exc:
            # The signature has verified: the unverified read gives the same, authentic claims.
            received = jwt.decode(token, options={"verify_signature": False}).get("aud")
            raise AuthenticationError(
                Refusal.WRONG_AUDIENCE,
                f"{type(exc).__name__}: aud expected {audience!r}, received"
                f" {quote(received, limit=MAX_QUOTED_URL)}",
            ) from exc
        except jwt.PyJWTError as exc:
            raise AuthenticationError(_refusal_of(exc), f"{type(exc).__name__}: {exc}") from exc
        if not claims["jti"]:
            raise AuthenticationError(Refusal.MALFORMED, "jti is empty")
        # PyJWT has checked both are numbers (exp and iat against the clock).
        lifetime = claims["exp"] - claims["iat"]
        if lifetime > self._max_lifetime:
            raise AuthenticationError(
                Refusal.TOO_LONG_LIVED,
                f"lifetime exp - iat of {lifetime} s is longer than the "
                f"{self._max_lifetime:g} s allowed",
            )
        return claims

    def _check_first_use(self, claims: dict[str, Any], client: TrustedClient) -> None:
        # Keep the jti as long as the token could still be accepted: exp plus the leeway.
        expires_at = float(claims["exp"]) + self._leeway_seconds
        if not self._replays.first_use((client.issuer, claims["jti"]), expires_at, now=time.time()):
            raise AuthenticationError(Refusal.REPLAYED, f"jti {quote(claims['jti'])} replayed")


def _bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise AuthenticationError(Refusal.MISSING_TOKEN, "no Authorization header")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError(
            Refusal.MISSING_TOKEN, "Authorization header is not a Bearer token"
        )
    return token.strip()


def _unverified(segment: str, part: str) -> dict[str, Any]:
    """A compact JWS's header or payload, read without checking anything: only to choose the
    key. PyJWT reads the token again, strictly, as it verifies it."""
    try:
        document = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error, RecursionError) as exc:
        raise AuthenticationError(
            Refusal.MALFORMED, f"malformed token {part}: {type(exc).__name__}"
        ) from exc
    if not isinstance(document, dict):
        raise AuthenticationError(Refusal.MALFORMED, f"malformed token {part}: not a JSON object")
    return document


def _checked_header(header: dict[str, Any], algorithms: frozenset[str]) -> dict[str, Any]:
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in algorithms:
        raise AuthenticationError(Refusal.MALFORMED, f"alg {quote(alg)} not allowed")
    typ = header.get("typ")
    if not isinstance(typ, str) or typ.upper() != "JWT":
        raise AuthenticationError(Refusal.MALFORMED, f"typ {quote(typ)} is not JWT")
    kid = header.get("kid")
    if not kid:
        raise AuthenticationError(Refusal.MALFORMED, "kid missing from the token header")
    if not isinstance(kid, str):
        raise AuthenticationError(Refusal.MALFORMED, f"kid {quote(kid)} is not a string")
    return header


def _checked_tenant(claims: dict[str, Any], client: TrustedClient) -> str | None:
    tenant = claims.get("tenant")
    if tenant is not None and not isinstance(tenant, str):
        raise AuthenticationError(Refusal.UNTRUSTED_ISSUER, "tenant is not a string")
    if client.tenants and tenant not in client.tenants:
        raise AuthenticationError(
            Refusal.UNTRUSTED_ISSUER, f"tenant {quote(tenant)} not allowed for {client.issuer!r}"
        )
    return tenant


def _jku_source(client: TrustedClient, jku: str) -> str:
    """Where an allowed jku's keys come from: its pinned file, or the URL itself."""
    pinned = client.jku_files.get(jku)
    return jku if pinned is None else str(pinned)


def _key_sources(
    client: TrustedClient, session: requests.Session, timeout: float
) -> Iterator[tuple[str, Callable[[], bytes]]]:
    if client.jwks_url is not None:
        yield client.jwks_url, partial(fetch_jwks, session, client.jwks_url, timeout)
    if client.jwks_file is not None:
        yield str(client.jwks_file), client.jwks_file.read_bytes
    for jku in client.allowed_jku:
        pinned = client.jku_files.get(jku)
        if pinned is None:
            yield jku, partial(fetch_jwks, session, jku, timeout)
        else:
            yield str(pinned), pinned.read_bytes


def _refusal_of(exc: jwt.PyJWTError) -> Refusal:
    return next(
        (refusal for kind, refusal in _JWT_REFUSALS if isinstance(exc, kind)), Refusal.MALFORMED
    )

"""Authenticate CDS clients by their JWT, and decide which FHIR servers a client may send us to.

CDS Hooks 2.0, "Trusting CDS Clients" (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients):
every call, discovery included, carries ``Authorization: Bearer <JWT>`` signed with the
client's private key. This module checks such a token against a file of trusted clients. It
knows nothing of Flask: the HTTP layer calls :meth:`ClientAuthenticator.authenticate` and
answers 401 on :class:`AuthenticationError`, logging its ``reason``.

Exceptions defined here:

- :class:`TrustedClientsError` (a ``ValueError``): the trusted-client file cannot be used; the
  message names the file and the entry. Raised at start-up.
- :class:`AuthenticationError`: a token is refused; ``reason`` is for the log, never the client.
- :class:`FhirServerNotAllowed`: a hook names a FHIR server the client may not send us to.
"""

from __future__ import annotations

import heapq
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import jwt
import requests
import yaml

log = logging.getLogger(__name__)

#: The algorithms CDS Hooks 2.0 recommends for client JWTs.
DEFAULT_ALGORITHMS = ("ES384", "RS384")

#: The only algorithms that may be configured. CDS Hooks forbids ``none`` and every symmetric
#: (HMAC) algorithm: a secret shared with the service cannot identify the client.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)

#: A JWK Set is a few kilobytes; a body much larger than that is not one.
MAX_JWKS_BYTES = 64 * 1024

_REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "jti"]
_DEFAULT_PORTS = {"https": 443, "http": 80}


class TrustedClientsError(ValueError):
    """The trusted-client file cannot be used; the message names the file and the entry."""


class AuthenticationError(Exception):
    """A CDS client's token is refused.

    ``reason`` is for the service's log only: the client gets a bare 401, so that a prober learns
    nothing about which check failed.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FhirServerNotAllowed(Exception):
    """A hook names a FHIR server the authenticated client may not send us to.

    The service must neither call it nor send the hook's access token anywhere.
    """

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"fhirServer {_quote(url)}: {reason}")
        self.url = url
        self.reason = reason


class _JwksError(Exception):
    """A JWK Set could not be fetched or is not a JWK Set."""


@dataclass(frozen=True)
class TrustedClient:
    """One CDS client (an EHR) whose tokens we accept, known by its ``iss``.

    Keys come from ``jwks_url`` or ``jwks_file`` for tokens without a ``jku`` header, and from
    the token's ``jku`` only when it is one of ``allowed_jku``. An empty ``tenants`` accepts any
    tenant claim or none.
    """

    issuer: str
    jwks_url: str | None = None
    jwks_file: Path | None = None
    allowed_jku: frozenset[str] = frozenset()
    tenants: frozenset[str] = frozenset()
    fhir_servers: frozenset[str] = frozenset()

    @property
    def configured_key_source(self) -> str | None:
        """Where keys for tokens without ``jku`` come from (a URL or a file path), if anywhere."""
        if self.jwks_url is not None:
            return self.jwks_url
        return None if self.jwks_file is None else str(self.jwks_file)


@dataclass(frozen=True)
class TrustedClients:
    """The trusted-client file: the clients, and FHIR servers any of them may send."""

    clients: tuple[TrustedClient, ...]
    fhir_servers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        issuers = [client.issuer for client in self.clients]
        repeated = sorted({issuer for issuer in issuers if issuers.count(issuer) > 1})
        if repeated:
            raise TrustedClientsError(f"issuer listed more than once: {', '.join(repeated)}")

    def get(self, issuer: str) -> TrustedClient | None:
        return next((client for client in self.clients if client.issuer == issuer), None)


@dataclass(frozen=True)
class AuthenticatedClient:
    """The client a verified token came from, and the FHIR servers it may send us to."""

    issuer: str
    tenant: str | None
    fhir_servers: frozenset[str]

    def check_fhir_server(self, url: str, *, allow_http: bool) -> None:
        """Raise :class:`FhirServerNotAllowed` unless this client may send us to ``url``."""
        check_fhir_server(url, self.fhir_servers, allow_http=allow_http)


def check_fhir_server(url: str, allowed: Iterable[str], *, allow_http: bool) -> None:
    """Raise :class:`FhirServerNotAllowed` unless ``url`` is one of the ``allowed`` base URLs.

    Also for use without authentication, with a global list. Base URLs are compared whole,
    ignoring only the case of scheme and host, a default port and a trailing slash: a prefix or
    same-host match would let a hook point us at a lookalike host or another server's path.
    Plain http only with ``allow_http`` (local development).
    """
    target = _base_url_key(url)
    if target is None:
        raise FhirServerNotAllowed(url, "not an absolute http(s) URL without user info")
    if target[0] != "https" and not allow_http:
        raise FhirServerNotAllowed(url, "https required")
    if target not in {_base_url_key(entry) for entry in allowed}:
        raise FhirServerNotAllowed(url, "not on the client's allow-list")


def _base_url_key(url: str) -> tuple[str, str, int, str, str] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    if parts.fragment:
        return None
    path = parts.path.rstrip("/")
    return (scheme, parts.hostname, port or _DEFAULT_PORTS[scheme], path, parts.query)


class ReplayCache:
    """The ``(issuer, jti)`` of every accepted token, each kept until its token expires.

    Only tokens whose signature verified are recorded, so the size is bounded by what trusted
    clients send within one token lifetime, not by what an attacker sends. Thread-safe.
    """

    def __init__(self) -> None:
        self._expiry: dict[tuple[str, str], float] = {}
        self._by_expiry: list[tuple[float, tuple[str, str]]] = []
        self._lock = threading.Lock()

    def first_use(self, key: tuple[str, str], expires_at: float, *, now: float) -> bool:
        """Record ``key`` until ``expires_at``; False if it is already recorded (a replay)."""
        with self._lock:
            self._evict_expired(now)
            if key in self._expiry:
                return False
            self._expiry[key] = expires_at
            heapq.heappush(self._by_expiry, (expires_at, key))
            return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._expiry)

    def _evict_expired(self, now: float) -> None:
        while self._by_expiry and self._by_expiry[0][0] <= now:
            _, key = heapq.heappop(self._by_expiry)
            del self._expiry[key]


class _KeySet:
    """One JWK Set source (a URL or a file), cached.

    Refreshed when older than ``ttl``, or early when asked for an unknown kid (key rotation),
    but never more often than ``min_interval``: a stream of made-up kids must not make us hammer
    the client's JWKS endpoint. Thread-safe; the lock is held during a fetch so that concurrent
    requests wait for one fetch instead of starting their own.
    """

    def __init__(
        self, source: str, load: Callable[[], bytes], *, ttl: float, min_interval: float
    ) -> None:
        self.source = source
        self._load = load
        self._ttl = ttl
        self._min_interval = min_interval
        self._keys: dict[str, dict[str, Any]] = {}
        self._loaded_at: float | None = None
        self._tried_at: float | None = None
        self._lock = threading.Lock()

    def find(self, kid: str) -> dict[str, Any] | None:
        with self._lock:
            if self._refresh_due(kid, time.monotonic()):
                self._refresh()
            return self._keys.get(kid)

    def _refresh_due(self, kid: str, now: float) -> bool:
        if self._tried_at is None:
            return True
        if now - self._tried_at < self._min_interval:
            return False
        stale = self._loaded_at is None or now - self._loaded_at >= self._ttl
        return stale or kid not in self._keys

    def _refresh(self) -> None:
        self._tried_at = time.monotonic()
        try:
            self._keys = _parse_jwks(self._load(), self.source)
        except (_JwksError, requests.RequestException, OSError) as exc:
            # The last good keys stay in use: a brief outage of the client's JWKS endpoint
            # should not lock its users out. A kid we never saw is still refused.
            log.warning("JWK Set refresh from %s failed: %s", self.source, exc)
            return
        self._loaded_at = self._tried_at
        log.info("JWK Set loaded from %s: kids %s", self.source, sorted(self._keys))


def _fetch_jwks(session: requests.Session, url: str, timeout: float) -> bytes:
    # No redirects: an allowed URL must not be able to send us to one that is not.
    with session.get(
        url,
        timeout=timeout,
        allow_redirects=False,
        stream=True,
        headers={"Accept": "application/jwk-set+json, application/json"},
    ) as response:
        if response.status_code != 200:
            raise _JwksError(f"{url} answered HTTP {response.status_code}")
        body = response.raw.read(MAX_JWKS_BYTES + 1, decode_content=True)
    if len(body) > MAX_JWKS_BYTES:
        raise _JwksError(f"{url} sent more than {MAX_JWKS_BYTES} bytes")
    return body


def _parse_jwks(body: bytes, source: str) -> dict[str, dict[str, Any]]:
    """The keys of a JWK Set by kid; keys without a kid are skipped, as no token can name them."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise _JwksError(f"{source} is not JSON: {exc}") from exc
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list):
        raise _JwksError(f"{source} is not a JWK Set: no 'keys' array")
    by_kid: dict[str, dict[str, Any]] = {}
    for key in keys:
        if not isinstance(key, dict) or not isinstance(key.get("kid"), str):
            continue
        if key["kid"] in by_kid:
            # RFC 7515 lets a kid select one key; two keys under one kid are ambiguous.
            raise _JwksError(f"{source} has kid {key['kid']!r} more than once")
        by_kid[key["kid"]] = key
    return by_kid


class ClientAuthenticator:
    """Verifies CDS client JWTs. Build once at start-up and share between requests: it holds the
    JWK Set caches and the jti replay cache, both thread-safe.

    The checks, in order (the first failure raises :class:`AuthenticationError`):

    1. a ``Bearer`` token is present;
    2. header: ``alg`` allowed (never ``none`` or HMAC), ``typ`` JWT, ``kid`` present;
    3. ``iss`` is a trusted client;
    4. ``jku``, if present, is on that client's allow-list (an unlisted one is never fetched);
    5. ``kid`` is in the client's JWK Set (refetched once, rate-limited, if unknown), and that
       key fits ``alg``;
    6. signature; ``exp``, ``iat`` and ``nbf`` with ``leeway``; ``aud`` is ``audience``; all of
       ``iss``, ``aud``, ``exp``, ``iat``, ``jti`` present;
    7. ``tenant`` on the client's tenant list, if it has one;
    8. ``jti`` not seen before within the token's lifetime.

    Other claims (Epic sends ``sub``) are accepted and ignored.
    """

    def __init__(
        self,
        clients: TrustedClients,
        *,
        algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
        leeway: timedelta = timedelta(seconds=5),
        jwks_ttl: timedelta = timedelta(hours=1),
        jwks_min_refresh_interval: timedelta = timedelta(seconds=10),
        session: requests.Session | None = None,
        timeout: float = 5.0,
    ) -> None:
        self._algorithms = frozenset(algorithms)
        refused = sorted(self._algorithms - ASYMMETRIC_ALGORITHMS)
        if refused or not self._algorithms:
            raise ValueError(
                f"algorithms must be a non-empty subset of {sorted(ASYMMETRIC_ALGORITHMS)};"
                f" refused: {refused}"
            )
        self._clients = clients
        self._leeway = leeway
        self._replays = ReplayCache()
        session = session if session is not None else requests.Session()
        # One cache per source: clients that share a JWKS URL share its cache.
        self._key_sets: dict[str, _KeySet] = {}
        for client in clients.clients:
            for source, load in _key_sources(client, session, timeout):
                self._key_sets.setdefault(
                    source,
                    _KeySet(
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
        header = _checked_header(token, self._algorithms)
        client = self._trusted_client(token)
        key = self._signing_key(client, header)
        claims = self._verified_claims(token, key, client, audience)
        tenant = _checked_tenant(claims, client)
        self._check_first_use(claims, client)
        return AuthenticatedClient(
            issuer=client.issuer,
            tenant=tenant,
            fhir_servers=client.fhir_servers | self._clients.fhir_servers,
        )

    def _trusted_client(self, token: str) -> TrustedClient:
        # Unverified: the issuer only tells us whose keys to verify the signature with.
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise AuthenticationError(f"malformed token payload: {exc}") from exc
        issuer = claims.get("iss")
        client = self._clients.get(issuer) if isinstance(issuer, str) else None
        if client is None:
            raise AuthenticationError(f"iss {_quote(issuer)} is not a trusted client")
        return client

    def _signing_key(self, client: TrustedClient, header: dict[str, Any]) -> jwt.PyJWK:
        key_set = self._key_set(client, header.get("jku"))
        kid, alg = header["kid"], header["alg"]
        jwk = key_set.find(kid)
        if jwk is None:
            raise AuthenticationError(f"kid {_quote(kid)} not in the JWK Set at {key_set.source}")
        if jwk.get("alg", alg) != alg or jwk.get("use", "sig") != "sig":
            raise AuthenticationError(
                f"key {_quote(kid)} is for alg {jwk.get('alg')!r} use {jwk.get('use')!r},"
                f" token is {alg}"
            )
        try:
            # Bind the key to the header's (already allowed) alg: a JWK without "alg" would
            # otherwise get PyJWT's default, RS256 for any RSA key.
            return jwt.PyJWK(jwk, algorithm=alg)
        except jwt.PyJWTError as exc:
            raise AuthenticationError(f"key {_quote(kid)} unusable for {alg}: {exc}") from exc

    def _key_set(self, client: TrustedClient, jku: Any) -> _KeySet:
        if jku is None:
            source = client.configured_key_source
            if source is None:
                raise AuthenticationError(
                    f"no jku and no JWK Set configured for issuer {client.issuer!r}"
                )
        elif isinstance(jku, str) and jku in client.allowed_jku:
            source = jku
        else:
            raise AuthenticationError(f"jku {_quote(jku)} not allowed for {client.issuer!r}")
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
                leeway=self._leeway,
                options={"require": _REQUIRED_CLAIMS, "enforce_minimum_key_length": True},
            )
        except jwt.PyJWTError as exc:
            raise AuthenticationError(f"{type(exc).__name__}: {exc}") from exc
        if not claims["jti"]:
            raise AuthenticationError("jti is empty")
        return claims

    def _check_first_use(self, claims: dict[str, Any], client: TrustedClient) -> None:
        # Keep the jti as long as the token could still be accepted: exp plus the leeway.
        expires_at = float(claims["exp"]) + self._leeway.total_seconds()
        if not self._replays.first_use((client.issuer, claims["jti"]), expires_at, now=time.time()):
            raise AuthenticationError(f"jti {_quote(claims['jti'])} replayed")


def _bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise AuthenticationError("no Authorization header")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("Authorization header is not a Bearer token")
    return token.strip()


def _checked_header(token: str, algorithms: frozenset[str]) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise AuthenticationError(f"malformed token header: {exc}") from exc
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in algorithms:
        raise AuthenticationError(f"alg {_quote(alg)} not allowed")
    typ = header.get("typ")
    if not isinstance(typ, str) or typ.upper() != "JWT":
        raise AuthenticationError(f"typ {_quote(typ)} is not JWT")
    if not header.get("kid"):
        raise AuthenticationError("kid missing from the token header")
    return header


def _checked_tenant(claims: dict[str, Any], client: TrustedClient) -> str | None:
    tenant = claims.get("tenant")
    if tenant is not None and not isinstance(tenant, str):
        raise AuthenticationError("tenant is not a string")
    if client.tenants and tenant not in client.tenants:
        raise AuthenticationError(f"tenant {_quote(tenant)} not allowed for {client.issuer!r}")
    return tenant


def _quote(value: Any) -> str:
    """A value from an untrusted token, made safe for a log line: escaped and bounded."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def _key_sources(
    client: TrustedClient, session: requests.Session, timeout: float
) -> Iterator[tuple[str, Callable[[], bytes]]]:
    if client.jwks_url is not None:
        yield client.jwks_url, partial(_fetch_jwks, session, client.jwks_url, timeout)
    if client.jwks_file is not None:
        yield str(client.jwks_file), client.jwks_file.read_bytes
    for jku in client.allowed_jku:
        yield jku, partial(_fetch_jwks, session, jku, timeout)


def load_trusted_clients(path: str | Path, *, allow_http: bool = False) -> TrustedClients:
    """Read and validate a trusted-client file (``.json``, ``.yaml`` or ``.yml``).

    ``allow_http`` admits plain-http JWKS, jku and FHIR server URLs, for local development only.
    A ``jwks_file`` is read now, relative to the file's directory, so that a broken one stops
    the service at start-up rather than refusing every request later.
    """
    path = Path(path)
    document = _read_document(path)
    errors = sorted(
        jsonschema.Draft202012Validator(_schema()).iter_errors(document),
        key=lambda error: [str(part) for part in error.absolute_path],
    )
    if errors:
        raise TrustedClientsError(f"{path}: " + "; ".join(_describe(e, document) for e in errors))
    if not allow_http:
        _check_https(document, path)
    clients = tuple(
        _trusted_client(entry, f"{path}: {_client_label(document, index)}", path.parent)
        for index, entry in enumerate(document["clients"])
    )
    try:
        return TrustedClients(clients, frozenset(document.get("fhir_servers", ())))
    except TrustedClientsError as exc:
        raise TrustedClientsError(f"{path}: {exc}") from exc


def _read_document(path: Path) -> Any:
    parse: Callable[[str], Any]
    if path.suffix == ".json":
        parse = json.loads
    elif path.suffix in (".yaml", ".yml"):
        parse = yaml.safe_load
    else:
        raise TrustedClientsError(f"{path}: expected a .json, .yaml or .yml file")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TrustedClientsError(
            f"cannot read trusted-client file {path}: {exc.strerror}"
        ) from exc
    try:
        return parse(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise TrustedClientsError(f"{path}: not valid {path.suffix[1:].upper()}: {exc}") from exc


def _schema() -> dict[str, Any]:
    return json.loads(
        resources.files(__package__).joinpath("trusted_clients.schema.json").read_text()
    )


def _describe(error: jsonschema.ValidationError, document: Any) -> str:
    """Where a schema error is and what is wrong there."""
    parts = list(error.absolute_path)
    if parts[:1] == ["clients"] and len(parts) > 1:
        where, rest = _client_label(document, parts[1]), parts[2:]
    elif parts:
        where, rest = str(parts[0]), parts[1:]
    else:
        where, rest = "(top level)", []
    for part in rest:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    # The stock messages for these repeat the whole entry or the regex; the schema's own
    # description says it better.
    if error.validator in ("not", "anyOf") and description:
        message = description
    elif error.validator == "pattern" and description:
        message = f"{error.instance!r} is not {description}"
    else:
        message = error.message
    return f"{where}: {message}"


def _client_label(document: dict[str, Any], index: int) -> str:
    """``clients[1] (issuer 'https://ehr.example.org/')``: an index alone is hard to find."""
    entry = document["clients"][index]
    issuer = entry.get("issuer") if isinstance(entry, dict) else None
    if isinstance(issuer, str):
        return f"clients[{index}] (issuer {issuer!r})"
    return f"clients[{index}]"


def _check_https(document: dict[str, Any], path: Path) -> None:
    urls = [(f"fhir_servers[{i}]", url) for i, url in enumerate(document.get("fhir_servers", ()))]
    for index, entry in enumerate(document["clients"]):
        label = _client_label(document, index)
        if "jwks_url" in entry:
            urls.append((f"{label}.jwks_url", entry["jwks_url"]))
        for name in ("allowed_jku", "fhir_servers"):
            urls += [(f"{label}.{name}[{i}]", url) for i, url in enumerate(entry.get(name, ()))]
    for where, url in urls:
        if not url.lower().startswith("https://"):
            raise TrustedClientsError(
                f"{path}: {where}: {url!r} is not https (plain http is for local development"
                " only and must be allowed explicitly)"
            )


def _trusted_client(entry: dict[str, Any], where: str, base_dir: Path) -> TrustedClient:
    jwks_file = None
    if "jwks_file" in entry:
        jwks_file = (base_dir / entry["jwks_file"]).resolve()
        try:
            _parse_jwks(jwks_file.read_bytes(), str(jwks_file))
        except OSError as exc:
            raise TrustedClientsError(
                f"{where}.jwks_file: cannot read {jwks_file}: {exc.strerror}"
            ) from exc
        except _JwksError as exc:
            raise TrustedClientsError(f"{where}.jwks_file: {exc}") from exc
    return TrustedClient(
        issuer=entry["issuer"],
        jwks_url=entry.get("jwks_url"),
        jwks_file=jwks_file,
        allowed_jku=frozenset(entry.get("allowed_jku", ())),
        tenants=frozenset(entry.get("tenants", ())),
        fhir_servers=frozenset(entry.get("fhir_servers", ())),
    )

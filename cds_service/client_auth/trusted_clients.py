"""The trusted-clients file: which CDS clients (EHRs) we accept, and from where their keys come."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema

from fhir_mappings.server_base import ServerBase
from fhir_mappings.site_files import read_site_file

from .errors import TrustedClientsError
from .jwks import JwksError, parse_jwks


@dataclass(frozen=True)
class TrustedClient:
    """One CDS client (an EHR) whose tokens we accept, known by its ``iss``.

    Keys come from ``jwks_url`` or ``jwks_file`` for tokens without a ``jku`` header, and from
    the token's ``jku`` only when it is one of ``allowed_jku``: read from the file that
    ``jku_files`` pins it to, or else fetched from the ``jku`` URL. An empty ``tenants`` accepts
    any tenant claim or none.
    """

    issuer: str
    jwks_url: str | None = None
    jwks_file: Path | None = None
    allowed_jku: frozenset[str] = frozenset()
    #: Allowed jku URLs whose JWK Set is a local file: never fetched (air-gapped sites).
    jku_files: Mapping[str, Path] = field(default_factory=dict, hash=False)
    tenants: frozenset[str] = frozenset()
    fhir_servers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # Frozen all the way down: the pins cannot change under a running authenticator.
        object.__setattr__(self, "jku_files", MappingProxyType(dict(self.jku_files)))
        unlisted = sorted(set(self.jku_files) - self.allowed_jku)
        if unlisted:
            raise TrustedClientsError(f"jku files pinned for jku not allowed: {unlisted}")

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


def load_trusted_clients(path: str | Path, *, allow_http: bool = False) -> TrustedClients:
    """Read and validate a trusted-client file (``.json``, ``.yaml`` or ``.yml``).

    ``allow_http`` admits plain-http JWKS, jku and FHIR server URLs, for local development only.
    A ``jwks_file`` is read now, relative to the file's directory, so that a broken one stops
    the service at start-up rather than refusing every request later.
    """
    path = Path(path)
    document = read_site_file(path, "trusted-client file", TrustedClientsError)
    errors = sorted(
        jsonschema.Draft202012Validator(_schema()).iter_errors(document),
        key=lambda error: [str(part) for part in error.absolute_path],
    )
    if errors:
        raise TrustedClientsError(f"{path}: " + "; ".join(_describe(e, document) for e in errors))
    if not allow_http:
        _check_https(document, path)
    _check_fhir_bases(document, path)
    clients = tuple(
        _trusted_client(entry, f"{path}: {_client_label(document, index)}", path.parent)
        for index, entry in enumerate(document["clients"])
    )
    try:
        return TrustedClients(clients, frozenset(document.get("fhir_servers", ())))
    except TrustedClientsError as exc:
        raise TrustedClientsError(f"{path}: {exc}") from exc


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
        for i, jku in enumerate(entry.get("allowed_jku", ())):
            urls.append((f"{label}.allowed_jku[{i}]", _jku_url(jku)))
        urls += [
            (f"{label}.fhir_servers[{i}]", url)
            for i, url in enumerate(entry.get("fhir_servers", ()))
        ]
    for where, url in urls:
        if not url.lower().startswith("https://"):
            raise TrustedClientsError(
                f"{path}: {where}: {url!r} is not https (plain http is for local development"
                " only and must be allowed explicitly)"
            )


def _check_fhir_bases(document: dict[str, Any], path: Path) -> None:
    """Every listed FHIR server is a base URL as the allow-list check reads it: one that is
    not (a dot segment, for one) would never match, and its client's calls would fail."""
    listed = [(f"fhir_servers[{i}]", url) for i, url in enumerate(document.get("fhir_servers", ()))]
    for index, entry in enumerate(document["clients"]):
        label = _client_label(document, index)
        listed += [
            (f"{label}.fhir_servers[{i}]", url)
            for i, url in enumerate(entry.get("fhir_servers", ()))
        ]
    for where, url in listed:
        try:
            ServerBase.parse(url)
        except ValueError as exc:
            raise TrustedClientsError(f"{path}: {where}: {url!r}: {exc}") from None


def _jku_url(jku: str | dict[str, str]) -> str:
    """An ``allowed_jku`` entry is a URL, or ``{url, jwks_file}`` pinning it to a file."""
    return jku if isinstance(jku, str) else jku["url"]


def _trusted_client(entry: dict[str, Any], where: str, base_dir: Path) -> TrustedClient:
    jwks_file = None
    if "jwks_file" in entry:
        jwks_file = _read_jwks_file(base_dir, entry["jwks_file"], f"{where}.jwks_file")
    allowed = [_jku_url(jku) for jku in entry.get("allowed_jku", ())]
    repeated = sorted({url for url in allowed if allowed.count(url) > 1})
    if repeated:
        raise TrustedClientsError(f"{where}.allowed_jku: listed more than once: {repeated}")
    jku_files = {
        jku["url"]: _read_jwks_file(base_dir, jku["jwks_file"], f"{where}.allowed_jku[{i}]")
        for i, jku in enumerate(entry.get("allowed_jku", ()))
        if isinstance(jku, dict)
    }
    return TrustedClient(
        issuer=entry["issuer"],
        jwks_url=entry.get("jwks_url"),
        jwks_file=jwks_file,
        allowed_jku=frozenset(allowed),
        jku_files=jku_files,
        tenants=frozenset(entry.get("tenants", ())),
        fhir_servers=frozenset(entry.get("fhir_servers", ())),
    )


def _read_jwks_file(base_dir: Path, name: str, where: str) -> Path:
    """The JWK Set file's absolute path, checked now so that a broken one stops the start-up."""
    path = (base_dir / name).resolve()
    try:
        parse_jwks(path.read_bytes(), str(path))
    except OSError as exc:
        raise TrustedClientsError(f"{where}: cannot read {path}: {exc.strerror}") from exc
    except JwksError as exc:
        raise TrustedClientsError(f"{where}: {exc}") from exc
    return path

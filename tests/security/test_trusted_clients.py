"""The trusted-client file: JSON or YAML, schema-validated at start-up, errors name the entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cds_service.client_auth import (
    TrustedClient,
    TrustedClients,
    TrustedClientsError,
    load_trusted_clients,
)

from .jwt_kit import ClientKey, jwks

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "trusted-clients.example.yaml"

CLIENT = {
    "issuer": "https://ehr.example.org/",
    "jwks_url": "https://ehr.example.org/jwks",
    "allowed_jku": ["https://ehr.example.org/jwks?v=2"],
    "tenants": ["hospital-a"],
    "fhir_servers": ["https://fhir.example.org/r4"],
}


def write(tmp_path: Path, document: object, name: str = "clients.json") -> Path:
    path = tmp_path / name
    text = yaml.safe_dump(document) if name.endswith((".yaml", ".yml")) else json.dumps(document)
    path.write_text(text)
    return path


def test_the_example_file_validates_and_names_its_client():
    trusted = load_trusted_clients(EXAMPLE)
    client = trusted.get("https://ehr.hospital-a.example.org/")
    assert client is not None
    assert client.tenants == {"hospital-a-main", "hospital-a-north"}
    assert client.fhir_servers == {"https://fhir.hospital-a.example.org/api/FHIR/R4"}


def test_a_json_file_gives_every_field_of_its_clients(tmp_path):
    path = write(tmp_path, {"clients": [CLIENT], "fhir_servers": ["https://shared.example/fhir"]})
    assert load_trusted_clients(path) == TrustedClients(
        clients=(
            TrustedClient(
                issuer="https://ehr.example.org/",
                jwks_url="https://ehr.example.org/jwks",
                allowed_jku=frozenset({"https://ehr.example.org/jwks?v=2"}),
                tenants=frozenset({"hospital-a"}),
                fhir_servers=frozenset({"https://fhir.example.org/r4"}),
            ),
        ),
        fhir_servers=frozenset({"https://shared.example/fhir"}),
    )


@pytest.mark.parametrize("name", ["clients.yaml", "clients.yml"])
def test_a_yaml_file_gives_the_same_clients_as_json(tmp_path, name):
    document = {"clients": [CLIENT]}
    as_json = load_trusted_clients(write(tmp_path, document))
    assert load_trusted_clients(write(tmp_path, document, name)) == as_json


def test_a_jwks_file_is_found_relative_to_the_trusted_client_file(tmp_path):
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "ehr.jwks.json").write_text(json.dumps(jwks(ClientKey.ec_p384("k1"))))
    entry = {"issuer": "https://ehr.example.org/", "jwks_file": "keys/ehr.jwks.json"}
    client = load_trusted_clients(write(tmp_path, {"clients": [entry]})).clients[0]
    assert client.jwks_file == tmp_path.resolve() / "keys" / "ehr.jwks.json"


def with_client(**changes: object) -> dict:
    entry = {name: value for name, value in (CLIENT | changes).items() if value is not None}
    return {"clients": [CLIENT | {"issuer": "https://first.example.org/"}, entry]}


ENTRY = "clients[1] (issuer 'https://ehr.example.org/')"


@pytest.mark.parametrize(
    "document, message",
    [
        ({}, "(top level): 'clients' is a required property"),
        ({"clients": []}, "clients: [] should be non-empty"),
        ({"clients": [CLIENT], "tenants": ["x"]}, "(top level): Additional properties"),
        (with_client(issuer=None), "clients[1]: 'issuer' is a required property"),
        (with_client(jwks_fil="k.json"), f"{ENTRY}: Additional properties are not allowed"),
        (
            with_client(jwks_file="k.json"),
            f"{ENTRY}: give either jwks_url or jwks_file, not both",
        ),
        (
            with_client(jwks_url=None, allowed_jku=None),
            f"{ENTRY}: give a key source: jwks_url, jwks_file or allowed_jku",
        ),
        (
            with_client(jwks_url="ehr.example.org/jwks"),
            f"{ENTRY}.jwks_url: 'ehr.example.org/jwks' is not an absolute http(s) URL",
        ),
        (
            with_client(fhir_servers=["https://fhir.example.org/r4?x=1"]),
            f"{ENTRY}.fhir_servers[0]: 'https://fhir.example.org/r4?x=1' is not an absolute",
        ),
        (
            with_client(allowed_jku=["https://user@ehr.example.org/jwks"]),
            f"{ENTRY}.allowed_jku[0]: 'https://user@ehr.example.org/jwks' is not an absolute",
        ),
        (with_client(tenants=[]), f"{ENTRY}.tenants: [] should be non-empty"),
        (with_client(tenants="hospital-a"), f"{ENTRY}.tenants: 'hospital-a' is not of type"),
    ],
)
def test_a_schema_error_names_the_entry_and_the_problem(tmp_path, document, message):
    path = write(tmp_path, document)
    with pytest.raises(TrustedClientsError) as refused:
        load_trusted_clients(path)
    assert f"{path}: " in str(refused.value)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    "document, where",
    [
        (
            with_client(fhir_servers=["https://fhir.example.org/r4/../admin"]),
            f"{ENTRY}.fhir_servers[0]",
        ),
        (
            {"clients": [CLIENT], "fhir_servers": ["https://x.example/fhir/%2e%2e"]},
            "fhir_servers[0]",
        ),
    ],
)
def test_a_fhir_server_with_a_dot_segment_is_refused_naming_it(tmp_path, document, where):
    # It would never match a fhirServer: the client's calls would all fail instead.
    path = write(tmp_path, document)
    with pytest.raises(TrustedClientsError, match="dot segments") as refused:
        load_trusted_clients(path)
    assert f"{path}: {where}: " in str(refused.value)


def test_an_issuer_listed_twice_is_refused(tmp_path):
    path = write(tmp_path, {"clients": [CLIENT, CLIENT]})
    with pytest.raises(TrustedClientsError, match="issuer listed more than once: https://ehr"):
        load_trusted_clients(path)


@pytest.mark.parametrize(
    "document, where",
    [
        (with_client(jwks_url="http://ehr.example.org/jwks"), f"{ENTRY}.jwks_url"),
        (with_client(allowed_jku=["http://ehr.example.org/jwks"]), f"{ENTRY}.allowed_jku[0]"),
        (with_client(fhir_servers=["http://fhir.example.org/r4"]), f"{ENTRY}.fhir_servers[0]"),
        ({"clients": [CLIENT], "fhir_servers": ["http://localhost/fhir"]}, "fhir_servers[0]"),
    ],
)
def test_plain_http_urls_are_refused_unless_allowed(tmp_path, document, where):
    path = write(tmp_path, document)
    with pytest.raises(TrustedClientsError, match="is not https") as refused:
        load_trusted_clients(path)
    assert f"{path}: {where}: 'http://" in str(refused.value)
    assert load_trusted_clients(path, allow_http=True).get("https://ehr.example.org/")


def test_a_missing_jwks_file_names_the_entry(tmp_path):
    entry = {"issuer": "https://ehr.example.org/", "jwks_file": "absent.json"}
    with pytest.raises(TrustedClientsError, match=r"clients\[0\] .*\.jwks_file: cannot read"):
        load_trusted_clients(write(tmp_path, {"clients": [entry]}))


def test_a_jwks_file_that_is_not_a_jwk_set_names_the_entry(tmp_path):
    (tmp_path / "keys.json").write_text(json.dumps({"kty": "EC"}))
    entry = {"issuer": "https://ehr.example.org/", "jwks_file": "keys.json"}
    with pytest.raises(TrustedClientsError, match="jwks_file: .* is not a JWK Set"):
        load_trusted_clients(write(tmp_path, {"clients": [entry]}))


def test_a_file_of_another_type_is_refused(tmp_path):
    with pytest.raises(TrustedClientsError, match="expected a .json, .yaml or .yml file"):
        load_trusted_clients(write(tmp_path, {"clients": [CLIENT]}, "clients.toml"))


def test_a_missing_file_is_refused_with_its_path(tmp_path):
    with pytest.raises(TrustedClientsError, match="cannot read trusted-client file .*absent"):
        load_trusted_clients(tmp_path / "absent.yaml")


@pytest.mark.parametrize("name, text", [("c.json", "{not json"), ("c.yaml", "clients: [")])
def test_a_file_that_does_not_parse_is_refused(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    with pytest.raises(TrustedClientsError, match="not valid (JSON|YAML)"):
        load_trusted_clients(tmp_path / name)


PINNED_JKU = "https://ehr.example.org/jwks?v=3"


def test_a_jku_pinned_to_a_file_is_allowed_and_read_from_that_file(tmp_path):
    (tmp_path / "v3.jwks.json").write_text(json.dumps(jwks(ClientKey.ec_p384("k3"))))
    entry = {
        "issuer": "https://ehr.example.org/",
        "allowed_jku": [
            "https://ehr.example.org/jwks",
            {"url": PINNED_JKU, "jwks_file": "v3.jwks.json"},
        ],
    }
    (client,) = load_trusted_clients(write(tmp_path, {"clients": [entry]})).clients
    assert client.allowed_jku == {"https://ehr.example.org/jwks", PINNED_JKU}
    assert client.jku_files == {PINNED_JKU: tmp_path.resolve() / "v3.jwks.json"}


def test_a_missing_pinned_jku_file_names_the_entry(tmp_path):
    entry = {
        "issuer": "https://ehr.example.org/",
        "allowed_jku": [{"url": PINNED_JKU, "jwks_file": "absent.json"}],
    }
    with pytest.raises(
        TrustedClientsError, match=r"clients\[0\] .*\.allowed_jku\[0\]: cannot read"
    ):
        load_trusted_clients(write(tmp_path, {"clients": [entry]}))


def test_a_jku_listed_both_as_a_url_and_pinned_is_refused(tmp_path):
    (tmp_path / "v3.jwks.json").write_text(json.dumps(jwks(ClientKey.ec_p384("k3"))))
    entry = {
        "issuer": "https://ehr.example.org/",
        "allowed_jku": [PINNED_JKU, {"url": PINNED_JKU, "jwks_file": "v3.jwks.json"}],
    }
    with pytest.raises(TrustedClientsError, match=r"allowed_jku: listed more than once"):
        load_trusted_clients(write(tmp_path, {"clients": [entry]}))


@pytest.mark.parametrize(
    "pinned, message",
    [
        ({"url": PINNED_JKU}, "'jwks_file' is a required property"),
        ({"url": PINNED_JKU, "jwks_file": "k.json", "kid": "x"}, "Additional properties"),
        ({"url": "ehr.example.org/jwks", "jwks_file": "k.json"}, "is not an absolute"),
    ],
)
def test_a_malformed_pinned_jku_names_the_entry(tmp_path, pinned, message):
    entry = {"issuer": "https://ehr.example.org/", "allowed_jku": [pinned]}
    with pytest.raises(TrustedClientsError, match=r"clients\[0\] .*allowed_jku\[0\]") as refused:
        load_trusted_clients(write(tmp_path, {"clients": [entry]}))
    assert message in str(refused.value)


def test_a_pinned_jku_must_be_https_unless_http_is_allowed(tmp_path):
    (tmp_path / "k.json").write_text(json.dumps(jwks(ClientKey.ec_p384("k"))))
    entry = {
        "issuer": "https://ehr.example.org/",
        "allowed_jku": [{"url": "http://ehr.example.org/jwks", "jwks_file": "k.json"}],
    }
    path = write(tmp_path, {"clients": [entry]})
    with pytest.raises(TrustedClientsError, match=r"allowed_jku\[0\]: 'http://.*is not https"):
        load_trusted_clients(path)
    assert load_trusted_clients(path, allow_http=True).get("https://ehr.example.org/")


def test_the_example_sandbox_entry_validates_once_uncommented(tmp_path):
    # The commented entry for the public CDS Hooks Sandbox, as an integrator would enable it.
    lines = EXAMPLE.read_text().splitlines()
    start = lines.index("  # - issuer: https://sandbox.cds-hooks.org")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  #   "))
    entry = yaml.safe_load("\n".join(line.replace("# ", "", 1) for line in lines[start:end]))
    (tmp_path / "cds-hooks-sandbox.jwks.json").write_text(
        json.dumps(jwks(ClientKey.ec_p384("sandbox")))
    )
    path = write(tmp_path, {"clients": entry})
    (client,) = load_trusted_clients(path, allow_http=True).clients
    assert client.issuer == "https://sandbox.cds-hooks.org"
    assert client.jku_files == {
        "https://sandbox.cds-hooks.org/.well-known/jwks.json": (
            tmp_path.resolve() / "cds-hooks-sandbox.jwks.json"
        )
    }


def test_a_file_cannot_be_pinned_for_a_jku_that_is_not_allowed():
    with pytest.raises(TrustedClientsError, match="jku files pinned for jku not allowed"):
        TrustedClient(issuer="https://ehr.example.org/", jku_files={PINNED_JKU: Path("k.json")})

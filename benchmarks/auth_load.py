"""Signed client JWTs for the authenticated hot-path runs: a client key, the files that make
the service and the floor trust it, and a wrk script that sends each token once.

Tokens are signed before a run (signing is the EHR's work, not the server's), each with a new
``jti``; every request takes the next one, so a token is never sent twice to one server.
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ISSUER = "https://ehr.example.org/"
PUBLIC_BASE_URL = "https://cds.example.org"
KID = "bench-key"
#: The algorithms CDS Hooks 2.0 recommends; Epic signs RS384.
ALGORITHMS = ("ES384", "RS384")


@dataclass(frozen=True)
class Signer:
    """The benchmark's EHR: its key pair and the algorithm it signs with."""

    alg: str
    private_key: Any

    @classmethod
    def new(cls, alg: str) -> Signer:
        if alg == "ES384":
            return cls(alg, ec.generate_private_key(ec.SECP384R1()))
        return cls(alg, rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def tokens(self, count: int, audience: str) -> list[str]:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": audience, "iat": now, "exp": now + 300}
        return [
            jwt.encode(
                claims | {"jti": uuid.uuid4().hex},
                self.private_key,
                algorithm=self.alg,
                headers={"kid": KID},
            )
            for _ in range(count)
        ]

    def public_jwk(self) -> dict[str, Any]:
        algorithm = jwt.algorithms.get_default_algorithms()[self.alg]
        jwk = json.loads(algorithm.to_jwk(self.private_key.public_key()))
        return jwk | {"kid": KID, "use": "sig", "alg": self.alg}

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def service_environment(signer: Signer, directory: Path) -> dict[str, str]:
    """The service's settings to trust ``signer``: a trusted-client file and its JWK Set."""
    (directory / "jwks.json").write_text(json.dumps({"keys": [signer.public_jwk()]}))
    clients = {"clients": [{"issuer": ISSUER, "jwks_file": "jwks.json"}]}
    (directory / "clients.json").write_text(json.dumps(clients))
    return {
        "PVP_CDS_AUTHENTICATION": "required",
        "PVP_CDS_TRUSTED_CLIENTS_FILE": str(directory / "clients.json"),
        "PVP_CDS_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "PVP_CDS_JWT_ALGORITHMS": json.dumps([signer.alg]),
    }


def floor_environment(signer: Signer, directory: Path, path: str) -> dict[str, str]:
    """The authenticated floor's settings (benchmarks/floor_app.py): the key, in memory there."""
    (directory / "public.pem").write_bytes(signer.public_pem())
    return {
        "FLOOR_PUBLIC_KEY_FILE": str(directory / "public.pem"),
        "FLOOR_ALGORITHM": signer.alg,
        "FLOOR_ISSUER": ISSUER,
        "FLOOR_AUDIENCE": PUBLIC_BASE_URL + path,
    }


def token_file(tokens: list[str]) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False) as written:
        written.write("\n".join(tokens) + "\n")
    return written.name


def token_lines(path: str, threads: int) -> list[str]:
    """wrk Lua: thread n of ``threads`` sends lines n, n + threads, ... of the token file, one
    a request, so no token goes out twice; past the last it starts again (the server then
    refuses the replays, and the run counts them)."""
    return [
        "local threads = 0",
        "function setup(thread)",
        "  threads = threads + 1",
        "  thread:set('id', threads)",
        "end",
        "local tokens, sent = {}, 0",
        "function init(args)",
        "  local n = 0",
        f"  for line in io.lines('{path}') do",
        f"    if n % {threads} == id - 1 then tokens[#tokens + 1] = line end",
        "    n = n + 1",
        "  end",
        "end",
        "function request()",
        "  sent = sent + 1",
        "  wrk.headers['Authorization'] = 'Bearer ' .. tokens[(sent - 1) % #tokens + 1]",
        "  return wrk.format()",
        "end",
    ]


class TokenSupply:
    """Token files for a series of runs, ``rate`` tokens for each second of a run (more than
    a server answers, so none is sent twice). ``rewind`` hands the same files out again, for
    the next server: each server sees each token once, and the signing is done once."""

    def __init__(self, signer: Signer, audience: str, rate: int) -> None:
        self._signer = signer
        self._audience = audience
        self._rate = rate
        self._files: list[str] = []
        self._next = 0

    def file_for(self, seconds: int) -> str:
        if self._next == len(self._files):
            tokens = self._signer.tokens(self._rate * seconds, self._audience)
            self._files.append(token_file(tokens))
        self._next += 1
        return self._files[self._next - 1]

    def rewind(self) -> None:
        self._next = 0

    def close(self) -> None:
        for path in self._files:
            Path(path).unlink(missing_ok=True)

"""The JWT check in process: microseconds per verified token, beside the floor. Prints
numbers; asserts nothing.

    python benchmarks/bench_auth.py [--tokens 3000] [--profile ES384]

For ES384 and RS384 (Epic signs RS384), each token new (its own jti) and signed before the
clock starts:

- floor: ``jwt.decode`` with the key object in memory, iss, aud and exp checked, the jti kept
  in a set: what any CDS Hooks service must do per call;
- pvp-cds: ``ClientAuthenticator.authenticate`` with a trusted-client file and a JWK Set file,
  the jti kept in this process's memory (the shared stores are measured by bench_replay.py).

``--profile ALG`` prints a cProfile of the pvp-cds check instead.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cds_service.client_auth import ClientAuthenticator, load_trusted_clients  # noqa: E402

ISSUER = "https://ehr.example.org/"
AUDIENCE = "https://cds.example.org/cds-services/pvp-residual-back-pain"
ALGORITHMS = ("ES384", "RS384")


def private_key(alg: str):
    if alg == "ES384":
        return ec.generate_private_key(ec.SECP384R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def tokens(key, alg: str, count: int) -> list[str]:
    now = int(time.time())
    return [
        jwt.encode(
            {
                "iss": ISSUER,
                "aud": AUDIENCE,
                "iat": now,
                "exp": now + 300,
                "jti": str(uuid.uuid4()),
            },
            key,
            algorithm=alg,
            headers={"kid": "bench-key"},
        )
        for _ in range(count)
    ]


def authenticator(key, alg: str, directory: Path) -> ClientAuthenticator:
    jwk = json.loads(jwt.algorithms.get_default_algorithms()[alg].to_jwk(key.public_key()))
    jwk |= {"kid": "bench-key", "use": "sig", "alg": alg}
    (directory / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
    clients = {"clients": [{"issuer": ISSUER, "jwks_file": "jwks.json"}]}
    (directory / "clients.json").write_text(json.dumps(clients))
    return ClientAuthenticator(
        load_trusted_clients(directory / "clients.json"), algorithms=ALGORITHMS
    )


def floor_check(public_key) -> Callable[[str], None]:
    seen: set[str] = set()

    def check(token: str) -> None:
        claims = jwt.decode(
            token, public_key, algorithms=list(ALGORITHMS), audience=AUDIENCE, issuer=ISSUER
        )
        if claims["jti"] in seen:
            raise ValueError("replayed")
        seen.add(claims["jti"])

    return check


def per_call_us(check: Callable[[str], object], batch: list[str]) -> float:
    started = time.process_time()
    for token in batch:
        check(token)
    return (time.process_time() - started) / len(batch) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", choices=ALGORITHMS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        for alg in [args.profile] if args.profile else ALGORITHMS:
            key = private_key(alg)
            checker = authenticator(key, alg, Path(directory))

            def service(token: str, checker=checker) -> object:
                return checker.authenticate(f"Bearer {token}", AUDIENCE)

            if args.profile:
                batch = tokens(key, alg, args.tokens)
                profile = cProfile.Profile()
                profile.runcall(lambda batch=batch: [service(t) for t in batch])
                pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
                return
            floor = floor_check(key.public_key())
            service(tokens(key, alg, 1)[0])  # the JWK Set is read on first use
            floors, ours = [], []
            for _ in range(args.rounds):
                floors.append(per_call_us(floor, tokens(key, alg, args.tokens)))
                ours.append(per_call_us(service, tokens(key, alg, args.tokens)))
            best_floor, best_ours = min(floors), min(ours)
            print(
                f"{alg}: floor {best_floor:7.1f} µs/token   pvp-cds {best_ours:7.1f} µs/token   "
                f"beyond the floor {best_ours - best_floor:6.1f} µs   (best of {args.rounds} "
                f"rounds of {args.tokens} tokens, CPU time)"
            )


if __name__ == "__main__":
    main()

"""What the jti replay check costs a worker under gunicorn, split by store. Prints numbers;
asserts nothing.

    python benchmarks/bench_replay_cost.py [--alg RS384] [--seconds 5] [--rounds 3]
                                           [--variant NAME]...

The authenticated quiet call (every request a new client JWT, as in bench_hot_path.py) under
the same line (the one ``pvp-cds serve`` runs, 2 workers: benchmarks/gunicorn_conf.py; wrk -c16),
one server at a time, variants in turns, each on a new data directory:

- ``unauthenticated``: the quiet call with authentication off;
- ``memory``: the replay check in each process's memory only (benchmarks/replay_variants.py;
  not a replay check to serve with);
- ``yield``: as ``memory``, plus one ``time.sleep(0)`` in the check: the interpreter let go
  once, with no work done meanwhile;
- ``sqlite``: the default store, the SQLite file;
- ``redis``: the Redis store (the local server; skipped if it cannot be reached).

Each line: requests a second, p99, the workers' CPU time a request (user and system) and
their threads' context switches a request (voluntary and not), read from ``/proc``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.auth_load import (  # noqa: E402
    ALGORITHMS,
    PUBLIC_BASE_URL,
    Signer,
    TokenSupply,
    service_environment,
)
from benchmarks.bench_hot_path import SERVICE_PATH, gunicorn, quiet_request, wrk  # noqa: E402

REDIS_URL = os.environ.get("PVP_CDS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
#: Variant: (WSGI app, settings beyond the authenticated service's, whether it takes tokens).
VARIANTS = {
    "unauthenticated": ("cds_service:create_app()", {"PVP_CDS_AUTHENTICATION": "off"}, False),
    "memory": ("benchmarks.replay_variants:in_memory_app()", {}, True),
    "yield": ("benchmarks.replay_variants:yields_once_app()", {}, True),
    "sqlite": ("cds_service:create_app()", {}, True),
    "redis": (
        "cds_service:create_app()",
        {"PVP_CDS_REPLAY_STORE": "redis", "PVP_CDS_REPLAY_REDIS_URL": REDIS_URL},
        True,
    ),
}


@dataclass(frozen=True)
class WorkerTimes:
    user: float
    system: float
    voluntary: int
    involuntary: int

    @classmethod
    def read(cls, master: int) -> WorkerTimes:
        """The workers' CPU seconds and their threads' context switches, from /proc."""
        tick = os.sysconf("SC_CLK_TCK")
        user = system = 0.0
        voluntary = involuntary = 0
        for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            user, system = user + int(fields[11]) / tick, system + int(fields[12]) / tick
            for task in Path(f"/proc/{child}/task").iterdir():
                try:
                    lines = (task / "status").read_text().splitlines()
                except FileNotFoundError:  # a thread that ended meanwhile (the mover, idle)
                    continue
                status = dict(line.split(":\t", 1) for line in lines)
                voluntary += int(status["voluntary_ctxt_switches"])
                involuntary += int(status["nonvoluntary_ctxt_switches"])
        return cls(user, system, voluntary, involuntary)


def redis_reachable() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
    except Exception:  # not installed, not running: the variant is skipped
        return False
    return True


def run(name: str, signer: Signer, keys: Path, tokens: TokenSupply, seconds: int) -> str:
    app, settings, authenticated = VARIANTS[name]
    with tempfile.TemporaryDirectory() as data_dir:
        environment = {
            **service_environment(signer, keys),
            **settings,
            "PVP_CDS_DATA_DIR": data_dir,
        }
        with gunicorn(app, environment) as served:
            tokens.rewind()
            before: list[WorkerTimes] = []
            load = wrk(
                served.base + SERVICE_PATH,
                body=quiet_request(),
                headers={},
                seconds=seconds,
                connections=16,
                before_measuring=lambda: before.append(WorkerTimes.read(served.master)),
                tokens=tokens if authenticated else None,
            )
            after = WorkerTimes.read(served.master)
    served_requests = load.requests_per_second * seconds
    user = (after.user - before[0].user) / served_requests * 1000
    system = (after.system - before[0].system) / served_requests * 1000
    voluntary = (after.voluntary - before[0].voluntary) / served_requests
    involuntary = (after.involuntary - before[0].involuntary) / served_requests
    return (
        f"{name:<16} {load.requests_per_second:6.0f} req/s   p99 {load.p99_ms:6.1f} ms   "
        f"CPU {user + system:.3f} ms/req (user {user:.3f}, system {system:.3f})   "
        f"context switches {voluntary:.1f} + {involuntary:.1f}/req"
        + (f"   ERRORS {load.errors}" if load.errors else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alg", choices=ALGORITHMS, default="RS384")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variant", action="append", choices=list(VARIANTS))
    args = parser.parse_args()
    names = args.variant or list(VARIANTS)
    if "redis" in names and not redis_reachable():
        print(f"Redis at {REDIS_URL} cannot be reached: the redis variant is skipped")
        names.remove("redis")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {args.alg}")
    signer = Signer.new(args.alg)
    with tempfile.TemporaryDirectory() as keys:
        for _ in range(args.rounds):
            tokens = TokenSupply(signer, PUBLIC_BASE_URL + SERVICE_PATH, 6000)
            try:
                for name in names:
                    print(run(name, signer, Path(keys), tokens, args.seconds), flush=True)
            finally:
                tokens.close()


if __name__ == "__main__":
    main()

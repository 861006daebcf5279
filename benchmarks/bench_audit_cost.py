"""What keeping the audit record costs a scored call under gunicorn, against other ways of
keeping it. Prints numbers; asserts nothing.

    python benchmarks/bench_audit_cost.py [--seconds 4] [--rounds 3] [--variant NAME]...

The unauthenticated scoring call (the high-risk chart, as in bench_hot_path.py) under the line
``pvp-cds serve`` runs (2 workers: benchmarks/gunicorn_conf.py; wrk -c16), the floor
(benchmarks/floor_app.py) and each variant in turns, each on a new data directory
(benchmarks/audit_variants.py; none but ``shipped`` is a store to serve with):

- ``shipped``: the SQLite backlog, fsynced at each commit (group commit), moved to the database;
- ``sqlite-no-fsync``: the same with ``synchronous=OFF``;
- ``journal-fdatasync``: each record a line of an append-only file, ``fdatasync`` per append;
- ``journal``: the same without the ``fdatasync`` (the page cache only);
- ``no-write``: the record built and serialised, not written.

The journals and ``no-write`` move nothing to the database. Each line: requests a second, p99,
the workers' CPU time a request and their threads' context switches a request (from ``/proc``),
and the ratio to the floor's requests a second in the same round; the median ratio per variant
closes the run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_hot_path import SCORING, SERVICE_PATH, gunicorn, wrk  # noqa: E402
from benchmarks.bench_replay_cost import WorkerTimes  # noqa: E402

SERVICE = {"PVP_CDS_AUTHENTICATION": "off"}
FLOOR = "floor"
#: Variant: its WSGI app.
VARIANTS = {
    "shipped": "cds_service:create_app()",
    "sqlite-no-fsync": "benchmarks.audit_variants:sqlite_no_fsync_app()",
    "journal-fdatasync": "benchmarks.audit_variants:journal_app('fdatasync')",
    "journal": "benchmarks.audit_variants:journal_app('page cache')",
    "no-write": "benchmarks.audit_variants:no_write_app()",
}


def run(name: str, seconds: int) -> float:
    """One measured run; prints its line and returns its requests a second."""
    app = "benchmarks.floor_app:app" if name == FLOOR else VARIANTS[name]
    with tempfile.TemporaryDirectory() as data_dir:
        environment = {} if name == FLOOR else {**SERVICE, "PVP_CDS_DATA_DIR": data_dir}
        with gunicorn(app, environment) as served:
            before: list[WorkerTimes] = []
            load = wrk(
                served.base + SERVICE_PATH,
                body=SCORING,
                headers={},
                seconds=seconds,
                connections=16,
                before_measuring=lambda: before.append(WorkerTimes.read(served.master)),
            )
            after = WorkerTimes.read(served.master)
    served_requests = load.requests_per_second * seconds
    cpu = (after.user + after.system - before[0].user - before[0].system) / served_requests
    switches = (
        after.voluntary + after.involuntary - before[0].voluntary - before[0].involuntary
    ) / served_requests
    print(
        f"  {name:<18} {load.requests_per_second:6.0f} req/s   p99 {load.p99_ms:6.1f} ms   "
        f"CPU {cpu * 1000:.2f} ms/req   context switches {switches:.1f}/req"
        + (f"   ERRORS {load.errors}" if load.errors else ""),
        end="",
        flush=True,
    )
    return load.requests_per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variant", action="append", choices=list(VARIANTS))
    args = parser.parse_args()
    names = args.variant or list(VARIANTS)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    ratios: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(1, args.rounds + 1):
        print(f"-- round {round_number}")
        for name in names:
            floor = run(FLOOR, args.seconds)
            print()
            ratio = run(name, args.seconds) / floor
            ratios[name].append(ratio)
            print(f"   {ratio:.2f}x the floor before it")
    print("-- ratio to the floor, median (rounds)")
    for name, values in ratios.items():
        rounds = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:<18} {statistics.median(values):.2f}x ({rounds})")


if __name__ == "__main__":
    main()

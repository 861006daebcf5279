"""The shared jti replay check, per store: what one check costs. Prints numbers; asserts
nothing.

    python benchmarks/bench_replay.py [--checks 3000] [--processes 4]
                                      [--store sqlite|postgresql|redis]...

For each store (the SQLite file, PostgreSQL, Redis), a new jti every check:

- one process, one thread: wall and CPU time per check;
- ``--processes`` forked processes checking at once (as gunicorn workers do): checks a second
  in all, and wall time per check in each process.

PostgreSQL: a new database, dropped at the end, on the server of
``PVP_CDS_BENCH_POSTGRES_URL`` (default the local server, user postgres). Redis:
``PVP_CDS_BENCH_REDIS_URL`` (default the local server). A store that cannot be reached is
skipped, saying so.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cds_service import settings, storage  # noqa: E402
from cds_service.errors import StartupError  # noqa: E402

STORES = ("sqlite", "postgresql", "redis")
POSTGRES_URL = make_url(
    os.environ.get(
        "PVP_CDS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
)
REDIS_URL = os.environ.get("PVP_CDS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
ISSUER = "https://ehr.example.org/"


@contextmanager
def scratch_database(server: URL) -> Iterator[str]:
    """A new database at the newest schema, dropped afterwards."""
    name = f"pvp_cds_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        storage.upgrade_database({**settings.DEFAULTS, "DATABASE_URL": url})
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def config(store: str, data_dir: str, database_url: str | None) -> dict:
    base = {**settings.DEFAULTS, "DATA_DIR": data_dir, "REPLAY_STORE": store}
    if store == "postgresql":
        return {**base, "DATABASE_URL": database_url}
    if store == "redis":
        return {**base, "REPLAY_REDIS_URL": REDIS_URL}
    return base


def run_checks(settings_: dict, count: int) -> tuple[float, float, int]:
    """``count`` checks of new jtis: wall seconds, CPU seconds, how many were accepted."""
    replays = storage.open_replays_for(settings_)
    try:
        keys = [(ISSUER, uuid.uuid4().hex) for _ in range(count)]
        replays.first_use(keys[0], time.time() + 300, now=time.time())  # connect first
        wall, cpu = time.perf_counter(), time.process_time()
        accepted = sum(
            replays.first_use(key, time.time() + 300, now=time.time()) for key in keys[1:]
        )
        return time.perf_counter() - wall, time.process_time() - cpu, accepted
    finally:
        replays.close()


def _child(settings_: dict, count: int, start: object, results: object) -> None:
    start.wait()
    results.put(run_checks(settings_, count))


def concurrent(settings_: dict, count: int, processes: int) -> tuple[float, float, int]:
    """Checks a second in all, mean wall µs a check in a process, checks refused."""
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(processes + 1), context.Queue()
    workers = [
        context.Process(target=_child, args=(settings_, count, start, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    start.wait()
    outcomes = [results.get(timeout=600) for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join()
    checks = (count - 1) * processes
    refused = checks - sum(accepted for _, _, accepted in outcomes)
    per_check = sum(wall for wall, _, _ in outcomes) / checks * 1e6
    return checks / elapsed, per_check, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checks", type=int, default=3000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--store", action="append", choices=STORES)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    for store in args.store or STORES:
        with ExitStack() as held:
            data_dir = held.enter_context(tempfile.TemporaryDirectory())
            try:
                database = (
                    held.enter_context(scratch_database(POSTGRES_URL))
                    if store == "postgresql"
                    else None
                )
                settings_ = config(store, data_dir, database)
                wall, cpu, accepted = run_checks(settings_, args.checks)
            except (StartupError, OperationalError) as exc:
                print(f"{store}: skipped ({type(exc).__name__}: {exc})")
                continue
            checks = args.checks - 1
            print(
                f"{store:<11} one process:  {wall / checks * 1e6:7.1f} µs wall, "
                f"{cpu / checks * 1e6:6.1f} µs CPU a check"
                + ("" if accepted == checks else f"   REFUSED {checks - accepted}")
            )
            rate, per_check, refused = concurrent(settings_, args.checks, args.processes)
            print(
                f"{store:<11} {args.processes} processes: {rate:7.0f} checks/s in all, "
                f"{per_check:7.1f} µs wall a check" + (f"   REFUSED {refused}" if refused else "")
            )


if __name__ == "__main__":
    main()

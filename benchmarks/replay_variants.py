"""The service with its replay check swapped, for benchmarks/bench_replay_cost.py only: what
the shared store costs under gunicorn, split from the rest of the authenticated call.

Neither variant is a replay check to serve with: each process's own memory decides alone, so
a token replayed to another worker is accepted.
"""

from __future__ import annotations

import time

from flask import Flask

from cds_service import create_app
from cds_service.storage.replays import Key


class InMemory:
    """No shared store: ``SharedReplays`` still refuses a jti this process accepted before."""

    name = "memory"

    def claim(self, key: Key, expires_at: float, now: float) -> bool:
        return True

    def keep(self, entries: list[tuple[Key, float]], now: float) -> None:
        return None

    def purge(self, now: float) -> None:
        return None

    def ping(self) -> None:
        return None

    def after_fork(self) -> None:
        return None

    def close(self) -> None:
        return None


class YieldsOnce(InMemory):
    """As InMemory, but the check lets go of the interpreter once, doing nothing meanwhile:
    what one blocking call costs a request thread under gunicorn's threads, without its work."""

    name = "memory, one yield"

    def claim(self, key: Key, expires_at: float, now: float) -> bool:
        time.sleep(0)
        return True


def _with_backend(backend: InMemory) -> Flask:
    app = create_app()
    app.extensions["pvp_cds_replays"].backend = backend
    return app


def in_memory_app() -> Flask:
    return _with_backend(InMemory())


def yields_once_app() -> Flask:
    return _with_backend(YieldsOnce())

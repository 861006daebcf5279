"""What each process of the multi-process tests does: open its own store (its own data
directory, as on another host), wait for the others, then act at once."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from cds_service import create_app, storage


def claim_jti(config: dict, barrier: Any, key: tuple[str, str], expires_at: float) -> bool:
    replays = storage.open_replays_for(config)
    try:
        barrier.wait(timeout=60)
        return replays.first_use(key, expires_at, now=expires_at - 300)
    finally:
        replays.close()


def hook_call(config: dict, barrier: Any, path: str, token: str, body: dict[str, Any]) -> int:
    """A service process of its own answering one authenticated hook call; its status."""
    app = create_app({**config, "TESTING": True})
    try:
        client = app.test_client()
        barrier.wait(timeout=60)
        return client.post(
            path, json=body, headers={"Authorization": f"Bearer {token}"}
        ).status_code
    finally:
        storage.stop(app)


def send_feedback(config: dict, barrier: Any, service_id: str, item: dict) -> bool:
    store = storage.open_store(config)
    try:
        barrier.wait(timeout=60)
        store.record_feedback(service_id, [item])
        return store.flush()
    finally:
        store.close()


def reporting(results: Any, target: Callable[..., bool], *args: Any) -> None:
    try:
        results.put(target(*args))
    except Exception as exc:
        results.put(f"{type(exc).__name__}: {exc}")


def leave_records(config: dict, service_id: str, items: list[dict]) -> None:
    """Keep feedback on local disk and end the process at once, before anything moves it to
    the database: what a process killed mid-run leaves behind."""
    storage.open_store(config).record_feedback(service_id, items)
    os._exit(0)

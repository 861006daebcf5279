"""`pvp-cds serve` as a process of its own, for the tests that kill or restart it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import requests

from devtools.ports import free_port


@dataclass
class Served:
    process: subprocess.Popen
    base: str
    log: Path

    def workers(self) -> list[int]:
        pid = self.process.pid
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


def start(environment: Mapping[str, str], log: Path, *, workers: int = 2) -> subprocess.Popen:
    port = free_port()
    command = [sys.executable, "-m", "pvp_cds", "serve", "--port", str(port)]
    with log.open("a") as output:
        process = subprocess.Popen(
            command,
            env={**os.environ, **environment, "PVP_CDS_WORKERS": str(workers)},
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
    process.port = port  # type: ignore[attr-defined]
    return process


def serve(environment: Mapping[str, str], log: Path, *, workers: int = 2) -> Served:
    """Start `pvp-cds serve` and wait until every worker answers; fail with its log if it
    exits or does not answer within a minute."""
    process = start(environment, log, workers=workers)
    served = Served(process, f"http://127.0.0.1:{process.port}", log)  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{served.base}/health/live", timeout=1).ok:
                if len(served.workers()) == workers:
                    return served
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            served.stop()
            raise AssertionError(f"pvp-cds serve did not start: {log.read_text()[-3000:]}")
        time.sleep(0.2)


def gone(pids: list[int], within: float) -> bool:
    """Whether every process of ``pids`` has ended within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(_running(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; only its parent has not collected it yet

"""``pvp-cds serve`` started for real, as a subprocess on 127.0.0.1, for the tests that need the
whole server: gunicorn workers, signals, logs, the metrics port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from devtools.ports import free_ports

START_TIMEOUT_SECONDS = 60


@dataclass
class Served:
    process: subprocess.Popen
    url: str
    metrics_url: str
    stdout: Path
    stderr: Path

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


def start(tmp_path: Path, **settings: str) -> Served:
    """Start ``pvp-cds serve`` with ``PVP_CDS_<name>`` settings; return once it is ready."""
    port, metrics_port = free_ports(2)
    environment = {
        **os.environ,
        "PVP_CDS_AUTHENTICATION": "off",
        "PVP_CDS_DATA_DIR": str(tmp_path / "data"),
        "PVP_CDS_METRICS_PORT": str(metrics_port),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        **{f"PVP_CDS_{name}": value for name, value in settings.items()},
    }
    stdout, stderr = tmp_path / "serve.stdout", tmp_path / "serve.stderr"
    command = [sys.executable, "-m", "pvp_cds", "serve", "--port", str(port)]
    with stdout.open("w") as out, stderr.open("w") as err:
        process = subprocess.Popen(command, env=environment, stdout=out, stderr=err)
    served = Served(
        process,
        f"http://127.0.0.1:{port}",
        f"http://127.0.0.1:{metrics_port}/metrics",
        stdout,
        stderr,
    )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pvp-cds serve exited: {stderr.read_text()[-2000:]}")
        try:
            if requests.get(served.url + "/health/ready", timeout=1).status_code == 200:
                requests.get(served.metrics_url, timeout=1).raise_for_status()
                return served
        except requests.RequestException:
            pass
        time.sleep(0.2)
    served.stop()
    raise RuntimeError(f"pvp-cds serve not ready in {START_TIMEOUT_SECONDS} s")

"""``pvp-cds demo`` in a child process, for the tests that need it running: read until it says
it is ready, stopped with Ctrl-C at the end, killed if it hangs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMAND = "from pvp_cds.cli import main; raise SystemExit(main())"


@dataclass
class RunningDemo:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def printed(self) -> str:
        return "".join(self.lines)

    def stop(self) -> tuple[int, str]:
        """Ctrl-C; the exit code and what it printed while stopping."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=30)
        return code, self.process.stdout.read()


@contextmanager
def running_demo(
    *arguments: str, ready: Callable[[str], bool], timeout: float
) -> Iterator[RunningDemo]:
    """Start ``pvp-cds demo ARGUMENTS`` and read its output up to the first line ``ready``
    accepts. A demo that hangs is killed after ``timeout`` seconds (it is our own child)."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", COMMAND, "demo", *arguments],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    demo = RunningDemo(process)
    try:
        for line in process.stdout:
            demo.lines.append(line)
            if ready(line):
                break
        yield demo
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()

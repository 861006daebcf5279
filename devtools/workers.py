"""CPU time of a gunicorn master's workers, read from /proc (Linux): how a load fell on them,
for the benchmarks and the serving tests."""

from __future__ import annotations

import os
from pathlib import Path


def workers_cpu_seconds(master: int) -> dict[int, float]:
    """CPU time (user and system) of each child process of ``master``, by process id."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    seconds = {}
    for child in map(int, children):
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        # utime and stime: fields 14 and 15 of proc(5), counted after the ")" from field 3.
        seconds[child] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds

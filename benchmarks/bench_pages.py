"""What the pages cost. Prints numbers; asserts nothing.

    python benchmarks/bench_pages.py [--requests N]

Measures, in this process: the nomogram's geometry (scoring core), and whole requests through
the Flask app for GET /nomogram (all findings known; one unknown) and GET /model-card, with the
size of each page. Target: a what-if round trip that feels immediate (well under 100 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cds_service import create_app  # noqa: E402
from scoring import load_model, nomogram  # noqa: E402

KNOWN = (
    "/nomogram?intravertebral_vacuum_cleft=true&posterior_fascia_oedema=false"
    "&goutallier_grade=3&cement_distribution=blocky"
)
ONE_UNKNOWN = KNOWN.replace("cement_distribution=blocky", "cement_distribution=unknown")


def timed(label: str, run: Callable[[], object], n: int) -> None:
    run()  # warm up: templates compiled, caches filled
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
    print(f"{label:<34} median {statistics.median(samples):7.3f} ms   p95 {p95:7.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    n = parser.parse_args().requests
    os.environ["PVP_CDS_AUTHENTICATION"] = "off"
    model = load_model()
    timed("nomogram geometry (scoring core)", lambda: nomogram(model), n)
    client = create_app().test_client()
    for label, path in (
        ("GET /nomogram, findings known", KNOWN),
        ("GET /nomogram, one unknown", ONE_UNKNOWN),
        ("GET /model-card", "/model-card"),
    ):
        timed(label, lambda path=path: client.get(path), n)
        print(f"{'':<34} {len(client.get(path).data):,} bytes of HTML")


if __name__ == "__main__":
    main()

"""Synthetic patients as FHIR R4 transaction Bundles, in memory or written to files.

Every entry is a PUT to ``Type/id``: loading the same Bundle twice leaves the server as it was,
and references between the resources are plain ``Type/id`` references. FHIR R4 wants a PUT
entry's ``fullUrl`` to be the resource's absolute URL on the server it goes to, which only the
loader knows: given ``base_url``, every entry gets ``{base_url}/Type/id``; without it there is no
``fullUrl``, which servers accept but a strict validator reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .named import NAMED_PATIENTS
from .records import SyntheticPatient, fhir_resources

NAMED_FILE = "named-patients.json"


@dataclass(frozen=True)
class WrittenBundle:
    path: Path
    patients: int
    resources: int


def transaction(
    patients: Iterable[SyntheticPatient], base_url: str | None = None
) -> dict[str, Any]:
    """One transaction Bundle with every resource of the patients, for the server at
    ``base_url`` if given."""
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            _entry(resource, base_url)
            for patient in patients
            for resource in fhir_resources(patient)
        ],
    }


def _entry(resource: dict[str, Any], base_url: str | None) -> dict[str, Any]:
    url = f"{resource['resourceType']}/{resource['id']}"
    entry: dict[str, Any] = {"resource": resource, "request": {"method": "PUT", "url": url}}
    if base_url:
        return {"fullUrl": f"{base_url.rstrip('/')}/{url}", **entry}
    return entry


def cohort_file_name(seed: int, batch: int) -> str:
    return f"synthetic-seed{seed}-{batch:03d}.json"


def write_bundles(
    out_dir: Path,
    cohort: Sequence[SyntheticPatient],
    *,
    seed: int,
    batch_size: int = 100,
    base_url: str | None = None,
) -> list[WrittenBundle]:
    """Write the named patients, then the cohort of ``seed`` in Bundles of at most
    ``batch_size`` patients, for the server at ``base_url`` if given; return what was written,
    in loading order."""
    if batch_size < 1:
        raise ValueError(f"the batch size must be 1 or more, got {batch_size}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [_write(out_dir / NAMED_FILE, NAMED_PATIENTS, base_url)]
    for start in range(0, len(cohort), batch_size):
        batch = cohort[start : start + batch_size]
        path = out_dir / cohort_file_name(seed, start // batch_size + 1)
        written.append(_write(path, batch, base_url))
    return written


def _write(path: Path, patients: Sequence[SyntheticPatient], base_url: str | None) -> WrittenBundle:
    bundle = transaction(patients, base_url)
    path.write_text(json.dumps(bundle, indent=1) + "\n", encoding="utf-8")
    return WrittenBundle(path, len(patients), len(bundle["entry"]))

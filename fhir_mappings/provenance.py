"""Where a value came from, as a clinician would look it up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """The Observation a finding was read from."""

    reference: str
    effective: str | None
    status: str
    code: str
    display: str | None

"""One time budget per hook call, shared by every FHIR query and page the call makes.

requests' timeouts bound each socket operation, not a whole read: a server that sends a
byte every second never trips a 10 s read timeout. So every read takes its socket timeouts
from what is left of the call's budget, reads the body piece by piece checking the clock,
and the call stops waiting for its queries when the budget is spent (``prefetch.gather``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    """When the hook call must have its FHIR data, on the monotonic clock."""

    budget: float
    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.at


#: For reads outside a hook call (offline validation against a FHIR server): no budget, only
#: each request's own connect and read timeouts.
UNBOUNDED = Deadline(budget=math.inf, at=math.inf)

"""Outbound HTTP sessions: pooled, no retries, one per kind of peer (FHIR servers, key sets)."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter


def pooled_session(pool_size: int) -> requests.Session:
    session = requests.Session()
    # No retries: a failed read is answered within the EHR's time budget, not tried again.
    adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session

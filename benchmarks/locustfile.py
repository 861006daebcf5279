"""Locust users for ``load_test.py``: an EHR sending patient-view hooks, each with its own
freshly signed client JWT (unique jti, ES384), in a hospital's mix.

Most chart openings are of patients who never had a vertebroplasty (quiet); a few are of PVP
patients with the data prefetched (scoring); fewer still arrive without prefetch, so the
service reads the EHR's FHIR server itself. Set by ``load_test.py`` through the environment:
PVP_BENCH_KEY (PEM), PVP_BENCH_KID, PVP_BENCH_ISSUER, PVP_BENCH_REQUESTS (JSON file of the
three request bodies), PVP_BENCH_MIX ("quiet,scoring,no_prefetch" weights).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

import jwt
from locust import HttpUser, constant, task

SERVICE_PATH = "/cds-services/pvp-residual-back-pain"
KEY = Path(os.environ["PVP_BENCH_KEY"]).read_bytes()
KID = os.environ["PVP_BENCH_KID"]
ISSUER = os.environ["PVP_BENCH_ISSUER"]
REQUESTS = json.loads(Path(os.environ["PVP_BENCH_REQUESTS"]).read_text())
QUIET, SCORING, NO_PREFETCH = (int(w) for w in os.environ["PVP_BENCH_MIX"].split(","))


class Ehr(HttpUser):
    # Closed loop, no think time: the load is as high as the users can push.
    wait_time = constant(0)

    def _call(self, kind: str) -> None:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": self.host + SERVICE_PATH,
            "iat": now,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
        }
        token = jwt.encode(claims, KEY, algorithm="ES384", headers={"kid": KID})
        body = dict(REQUESTS[kind], hookInstance=str(uuid.uuid4()))
        self.client.post(
            SERVICE_PATH, json=body, headers={"Authorization": f"Bearer {token}"}, name=kind
        )

    @task(QUIET)
    def quiet(self) -> None:
        self._call("quiet")

    @task(SCORING)
    def scoring(self) -> None:
        self._call("scoring")

    @task(NO_PREFETCH)
    def no_prefetch(self) -> None:
        self._call("no_prefetch")

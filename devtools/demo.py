"""``pvp-cds demo``: the service end to end on one machine, with synthetic patients.

Starts the throwaway FHIR server (see fhir_test_server.py), loads the named patients and a
generated cohort by transaction, serves the CDS service on 127.0.0.1 (werkzeug, in a thread,
client authentication off and only that FHIR server allowed), fires the patient-view hook for
each named patient with no prefetch, so that the service reads the FHIR server with the bearer
token as it would an EHR's, and prints the cards. With ``keep_running`` both stay up until
Ctrl-C.

With ``sandbox`` the FHIR server is open (no token, CORS for any origin, as sekmet always
serves it) so that the CDS Hooks Sandbox, a browser app launched without SMART, can read it;
instead of the cards the demo prints, per named patient, the sandbox URLs that open that
patient against both servers, and keeps running.
"""

from __future__ import annotations

import json
import re
import shlex
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TextIO
from urllib.parse import urlencode

import requests
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from cds_service import create_app
from devtools.synthetic import NAMED_PATIENTS, SyntheticPatient, generate_cohort, transaction
from devtools.synthetic.cohort import DEFAULT_SEED

from .fhir_test_server import FhirEndpoint, FhirServerError, FhirTestServer, load_transaction

HOST = "127.0.0.1"
SERVICE_ID = "pvp-residual-back-pain"
DEFAULT_PATIENTS = 20
TIMEOUT = 30
#: The public CDS Hooks Sandbox, and where a copy built from its source is served by default.
PUBLIC_SANDBOX = "https://sandbox.cds-hooks.org/"
LOCAL_SANDBOX = "http://127.0.0.1:8000/"
#: Card detail sections left out of the printout: the same on every card (the model line).
UNPRINTED_SECTIONS = ("**Model:",)
#: A markdown table cell boundary: a "|" not escaped as "\|".
CELL_BOUNDARY = re.compile(r"(?<!\\)\|")


def hook_request(patient_id: str, fhir: FhirEndpoint) -> dict[str, Any]:
    """A patient-view hook request that prefetches nothing but the RiskAssessments on record:
    the service must read the rest from the FHIR server. The demo's server holds none and
    cannot search them by patient, so the request says so, as an EHR that knows would."""
    request: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": fhir.base_url,
        "context": {"userId": "Practitioner/pvp-cds-demo", "patientId": patient_id},
        "prefetch": {"riskAssessments": None},
    }
    if fhir.token:
        request["fhirAuthorization"] = {
            "access_token": fhir.token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "user/Patient.read user/Observation.read user/Procedure.read "
            "user/Condition.read user/DiagnosticReport.read",
            "subject": "pvp-cds-demo",
        }
    return request


def sandbox_url(sandbox: str, fhir_base_url: str, patient_id: str, service_url: str) -> str:
    """The CDS Hooks Sandbox URL that opens ``patient_id`` on the FHIR server and discovers the
    service (the query parameters its README documents; values URL-encoded, as it requires)."""
    query = {
        "fhirServiceUrl": fhir_base_url,
        "patientId": patient_id,
        "serviceDiscoveryURL": f"{service_url}/cds-services",
        "hook": "patient-view",
    }
    return f"{sandbox.rstrip('/')}/?{urlencode(query)}"


def run(
    out: TextIO,
    *,
    port: int,
    keep_running: bool = False,
    patients: int = DEFAULT_PATIENTS,
    seed: int = DEFAULT_SEED,
    sandbox: bool = False,
    fhir_port: int | None = None,
    local_sandbox: str = LOCAL_SANDBOX,
) -> int:
    """Run the demo, printing to ``out``; returns the exit code."""
    print("Starting the FHIR test server (its first start builds its environment)...", file=out)
    try:
        with FhirTestServer(port=fhir_port, open_access=sandbox) as fhir:
            access = "open: no token, CORS for any origin" if sandbox else "bearer token required"
            print(f"FHIR server:  {fhir.base_url} ({access})", file=out)
            _load(out, fhir.endpoint, patients, seed)
            app = create_app(
                {
                    "AUTHENTICATION": "off",
                    "FHIR_SERVERS": [fhir.base_url],
                    "ALLOW_HTTP_FHIR": True,
                    # Warnings only: the printout, not one log line per hook, is the demo.
                    "LOG_LEVEL": "WARNING",
                }
            )
            with serving(app, port) as service_url:
                print(
                    f"CDS service:  {service_url}/cds-services "
                    "(client authentication off: a local demo only)",
                    file=out,
                )
                if sandbox:
                    _print_sandbox_urls(out, service_url, fhir.base_url, local_sandbox)
                else:
                    for patient in NAMED_PATIENTS:
                        print(file=out)
                        _fire(out, service_url, patient, fhir.endpoint)
                if keep_running or sandbox:
                    _wait_for_ctrl_c(out, service_url, fhir.endpoint)
    except (FhirServerError, OSError) as exc:
        # OSError: the port is taken, or a request failed (requests' errors are OSErrors).
        print(f"pvp-cds demo: {exc}", file=sys.stderr)
        return 1
    return 0


def _load(out: TextIO, fhir: FhirEndpoint, patients: int, seed: int) -> None:
    bundles = [transaction(NAMED_PATIENTS, fhir.base_url)]
    if patients:
        bundles.append(transaction(generate_cohort(patients, seed), fhir.base_url))
    for bundle in bundles:
        # Raises unless the server accepted every entry.
        load_transaction(fhir, bundle)
    resources = sum(len(bundle["entry"]) for bundle in bundles)
    print(
        f"Loaded {len(NAMED_PATIENTS) + patients} synthetic patients ({len(NAMED_PATIENTS)} "
        f"named, {patients} generated with seed {seed}): {resources} resources, none rejected",
        file=out,
    )


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log: the printout is the demo's output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def serving(app: Flask, port: int) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a thread (port 0: a free one); yield its base URL."""
    server = make_server(HOST, port, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="pvp-cds-demo", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def _fire(out: TextIO, service_url: str, patient: SyntheticPatient, fhir: FhirEndpoint) -> None:
    response = requests.post(
        f"{service_url}/cds-services/{SERVICE_ID}",
        json=hook_request(patient.id, fhir),
        timeout=TIMEOUT,
    )
    for line in describe(patient, response.status_code, response.json()):
        print(line, file=out)


def describe(patient: SyntheticPatient, status: int, answer: dict[str, Any]) -> list[str]:
    """The service's answer for one patient as lines for a terminal."""
    lines = [f"== {patient.id}: {patient.description}"]
    if status != 200:
        problems = "; ".join(issue.get("diagnostics", "") for issue in answer.get("issue", []))
        return [*lines, f"tier: none (HTTP {status}: {problems})"]
    cards = answer.get("cards", [])
    if not cards:
        return [*lines, f"tier: none ({QUIET})"]
    lines.append(_tier_line(answer, cards))
    for card in cards:
        lines.extend(_card_lines(card))
    return lines


def _risk_assessment(answer: dict[str, Any]) -> dict[str, Any] | None:
    for action in answer.get("systemActions", []):
        resource = action.get("resource", {})
        if resource.get("resourceType") == "RiskAssessment":
            return resource
    return None


#: Why the service answers no card: it says so only in its silence.
QUIET = (
    "no card: no vertebroplasty on record, or past its one-month assessment, or its one-month "
    "pain score on record"
)


def _tier_line(answer: dict[str, Any], cards: list[dict[str, Any]]) -> str:
    risk = _risk_assessment(answer)
    if risk is not None:
        return _recorded_tier(risk)
    if any("does not apply" in card["summary"] for card in cards):
        return "tier: none (the model does not apply)"
    return "tier: not recorded (the range spans both tiers, or nothing is known)"


def _recorded_tier(risk: dict[str, Any]) -> str:
    prediction = risk["prediction"][0]
    qualitative = prediction["qualitativeRisk"]
    if "coding" in qualitative:
        tier = qualitative["coding"][0]["code"]
    else:
        tier = qualitative["text"].split(":")[0]
    if "probabilityDecimal" in prediction:
        probability = f"{prediction['probabilityDecimal'] * 100:.1f}%"
    else:
        span = prediction["probabilityRange"]
        probability = f"{span['low']['value'] * 100:.1f}%-{span['high']['value'] * 100:.1f}%"
    return f"tier: {tier} (risk {probability})"


def _card_lines(card: dict[str, Any]) -> list[str]:
    lines = [f"[{card['indicator']}] {card['summary']}"]
    for section in card.get("detail", "").split("\n\n"):
        if section.startswith(UNPRINTED_SECTIONS):
            continue
        lines.extend(f"  {text}" for text in map(_plain, section.splitlines()) if text)
    for suggestion in card.get("suggestions", []):
        lines.append(f"  suggestion: {suggestion['label']}")
    return lines


def _plain(line: str) -> str:
    """A markdown line as plain text; a findings table row as "- label: value, N points"."""
    line = line.replace("**", "")
    if not line.startswith("|"):
        return line
    cells = [cell.strip().replace("\\|", "|") for cell in CELL_BOUNDARY.split(line)[1:-1]]
    if cells[0] == "Finding" or not cells[0].strip("-"):
        return ""  # the header row and the separator row
    label, value, points, source = cells
    if not value:
        return f"- {label}: {points} points"
    return f"- {label}: {value}, {points} points ({source})"


def _print_sandbox_urls(out: TextIO, service_url: str, fhir_base_url: str, local: str) -> None:
    print(
        "\nOpen a patient in the CDS Hooks Sandbox (in Chrome or Firefox: they let an https page"
        " call 127.0.0.1; allow local network access if the browser asks):",
        file=out,
    )
    for patient in NAMED_PATIENTS:
        print(f"\n== {patient.id}: {patient.description}", file=out)
        for label, sandbox in (("public sandbox", PUBLIC_SANDBOX), ("local sandbox", local)):
            url = sandbox_url(sandbox, fhir_base_url, patient.id, service_url)
            print(f"  {label + ':':15} {url}", file=out)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # `kill PID` then unwinds like Ctrl-C, through the clean-up of the `with` blocks.
    raise KeyboardInterrupt


def _wait_for_ctrl_c(out: TextIO, service_url: str, fhir: FhirEndpoint) -> None:
    example = hook_request(NAMED_PATIENTS[0].id, fhir)
    authorization = f" (Authorization: Bearer {fhir.token})" if fhir.token else " (open)"
    print(
        "\nThe FHIR server and the CDS service keep running; Ctrl-C stops both.\n"
        f"  CDS discovery: {service_url}/cds-services\n"
        f"  FHIR server:   {fhir.base_url}{authorization}\n"
        f"Fire the hook for {example['context']['patientId']} yourself:\n"
        f"  curl -s -X POST {service_url}/cds-services/{SERVICE_ID} "
        f"-H 'Content-Type: application/json' -d {shlex.quote(json.dumps(example))}",
        file=out,
        flush=True,
    )
    # Also when started with SIGINT ignored (in the background of a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("Stopping.", file=out)

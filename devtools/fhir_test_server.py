"""A throwaway FHIR R4 server on 127.0.0.1, for the integration tests and the demo.

The server is sekmet-fhir. It runs from its own virtual environment, built on first use from the
pinned ``deploy/fhir-server/requirements.txt``, so that its FastAPI/pydantic stack never meets the
service's. This module drives it through a subprocess and HTTP only: it never imports sekmet.
Each start gets a free port, a fresh SQLite database in a temporary folder and its own bearer
token; stop ends the process by its PID and deletes the folder. Given SMART clients, the server
also issues access tokens that expire (SMART Backend Services, see :class:`SmartClient`).

Command line (the service's Python)::

    python -m devtools.fhir_test_server [--port 8090] [--token T | --open] [--pid-file F]
    python -m devtools.fhir_test_server --build-only

The first form prints one JSON line (base_url, token (null when open), pid) and serves until
Ctrl-C or ``kill $(cat F)``; the second only builds the server's virtual environment.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType

import requests

from .ports import free_port

# Found relative to this file: a source checkout has deploy/ beside the package, an installed
# package has not (ensure_venv says so).
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REQUIREMENTS = REPO_ROOT / "deploy" / "fhir-server" / "requirements.txt"
DEFAULT_VENV_DIR = REPO_ROOT / ".venv-fhir"
HOST = "127.0.0.1"
FHIR_JSON = "application/fhir+json"
# Written after a complete install, so an interrupted build or changed pins are built again.
VENV_STAMP = "pvp-cds-requirements.sha256"
LOG_TAIL_CHARS = 4000


class FhirServerError(RuntimeError):
    """The test FHIR server could not be built, started or loaded; the message says why."""


@dataclass(frozen=True)
class SmartClient:
    """A SMART Backend Services client the server registers.

    The client gets an access token from the server's token endpoint (found in
    ``{base_url}/.well-known/smart-configuration``) with the ``client_credentials`` grant and a
    JWT assertion (``iss`` = ``sub`` = ``client_id``, ``aud`` = the token endpoint, ``exp`` at
    most 5 minutes ahead, a fresh ``jti``) signed with the private half of a key in ``jwks``.
    """

    client_id: str
    #: A JWK Set of the client's public keys: ``{"keys": [...]}``.
    jwks: Mapping[str, object]
    #: The scopes it may be granted, SMART v1 or v2, e.g. ``system/*.read``.
    scopes: str = "system/*.read"


@dataclass(frozen=True)
class FhirEndpoint:
    """Where a FHIR server answers, and the bearer token it wants (None: no auth)."""

    base_url: str
    token: str | None = field(default=None, repr=False)

    def headers(self) -> dict[str, str]:
        """Request headers for FHIR JSON, with the bearer token when there is one."""
        headers = {"Accept": FHIR_JSON}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


def ensure_venv(
    venv_dir: Path = DEFAULT_VENV_DIR, requirements: Path = DEFAULT_REQUIREMENTS
) -> Path:
    """Build (or complete) the server's virtual environment; return its `sekmet` executable."""
    if not requirements.is_file():
        raise FhirServerError(
            f"{requirements} not found: the FHIR test server needs a source checkout of pvp-cds "
            "(an installed package does not ship deploy/fhir-server/requirements.txt)"
        )
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    stamp = venv_dir / VENV_STAMP
    sekmet = venv_dir / "bin" / "sekmet"
    if sekmet.is_file() and stamp.is_file() and stamp.read_text() == digest:
        return sekmet
    python = venv_dir / "bin" / "python"
    if not python.is_file():
        _run([sys.executable, "-m", "venv", str(venv_dir)], f"create {venv_dir}")
    install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*install, "-r", str(requirements)], f"install {requirements} into {venv_dir}")
    stamp.write_text(digest)
    return sekmet


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-LOG_TAIL_CHARS:]
        raise FhirServerError(f"could not {what}: exit code {result.returncode}\n{output}")


def _server_auth(
    token: str | None, smart_clients: Sequence[SmartClient], token_lifetime: int
) -> dict[str, object]:
    if token is None:
        # Open: any request is served, as browser apps launched without SMART need (the CDS
        # Hooks Sandbox refuses secured FHIR servers then). sekmet's CORS is always on.
        return {"types": ["none"]}
    if not smart_clients:
        return {"types": ["bearer"], "tokens": [token]}
    # sekmet checks a bearer token against the static ones first, then as one of its own JWTs,
    # so the static token keeps working beside the SMART ones.
    return {
        "types": ["bearer", "smart"],
        "tokens": [token],
        "smart_clients": [
            {"client_id": client.client_id, "jwks": dict(client.jwks), "scopes": client.scopes}
            for client in smart_clients
        ],
        "token_lifetime": token_lifetime,
    }


def _sekmet_settings(
    port: int, data_dir: Path, server_auth: dict[str, object]
) -> dict[str, object]:
    return {
        # sekmet writes this base into every link and Location it returns (paging `next` too),
        # so it must be the address it really listens on.
        "base_url": f"http://{HOST}:{port}/fhir",
        "host": HOST,
        "port": port,
        "data_dir": str(data_dir),
        "db_path": str(data_dir / "fhir.db"),
        "own_private_key_path": str(data_dir / "keys" / "sekmet_private.pem"),
        "server_auth": server_auth,
        # Its hospital simulator would answer some writes with resources of its own.
        "simulator": {"enabled": False},
        # Its traffic log would copy every request and response into the database.
        "log_inbound": False,
    }


def _environment_without_sekmet_overrides() -> dict[str, str]:
    # SEKMET_BASE_URL, SEKMET_PORT, SEKMET_DB... would override the settings file.
    return {name: value for name, value in os.environ.items() if not name.startswith("SEKMET_")}


def _log_tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-LOG_TAIL_CHARS:]
    except OSError as error:
        return f"(no log: {error})"


class FhirTestServer:
    """sekmet-fhir as a child process on 127.0.0.1, with a fresh database and one bearer token,
    or none with ``open_access`` (any request is served: local browser testing only).

    With ``smart_clients`` its token endpoint also issues access tokens (JWTs) to those clients,
    valid for ``token_lifetime`` seconds counted from the whole second of issue; then it answers
    401 (OperationOutcome code ``expired``). The static bearer token never expires.

    Use as a context manager, or call start() and stop(); both are idempotent.
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        token: str | None = None,
        venv_dir: Path = DEFAULT_VENV_DIR,
        requirements: Path = DEFAULT_REQUIREMENTS,
        startup_timeout: float = 30.0,
        stop_timeout: float = 10.0,
        smart_clients: Sequence[SmartClient] = (),
        token_lifetime: int = 3600,
        open_access: bool = False,
    ) -> None:
        if open_access and (token or smart_clients):
            raise ValueError("an open FHIR test server takes no token and no SMART clients")
        self.port = port or free_port()
        # Hex, not urlsafe base64: a token starting with "-" (one in 64 of those) would be
        # taken for an option when passed as `--token TOKEN` on a command line.
        self.token = None if open_access else token or secrets.token_hex(24)
        self._smart_clients = tuple(smart_clients)
        self._token_lifetime = token_lifetime
        self._venv_dir = venv_dir
        self._requirements = requirements
        self._startup_timeout = startup_timeout
        self._stop_timeout = stop_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._data_dir: Path | None = None

    def __repr__(self) -> str:
        return f"FhirTestServer(base_url={self.base_url!r}, pid={self.pid})"

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/fhir"

    @property
    def endpoint(self) -> FhirEndpoint:
        return FhirEndpoint(self.base_url, self.token)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> FhirTestServer:
        """Build the venv if needed, start the server and wait until /metadata answers."""
        if self._process is not None:
            return self
        sekmet = ensure_venv(self._venv_dir, self._requirements)
        self._data_dir = Path(tempfile.mkdtemp(prefix="pvp-cds-fhir-"))
        # YAML is a superset of JSON: sekmet's YAML loader reads this file as it is.
        settings = self._data_dir / "sekmet-settings.json"
        server_auth = _server_auth(self.token, self._smart_clients, self._token_lifetime)
        settings.write_text(json.dumps(_sekmet_settings(self.port, self._data_dir, server_auth)))
        log = self._data_dir / "server.log"
        with open(log, "wb") as log_file:
            # Run in the temp dir, so that anything it writes to a relative path lands there too.
            self._process = subprocess.Popen(
                [str(sekmet), "serve", "--config", str(settings)],
                cwd=self._data_dir,
                env=_environment_without_sekmet_overrides(),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_ready(self._process, log)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """End the server process by its PID (SIGTERM, then SIGKILL) and delete its data."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(self._stop_timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None

    def wait(self) -> int:
        """Block until the server process ends by itself; return its exit code."""
        if self._process is None:
            raise FhirServerError("the FHIR test server is not running")
        return self._process.wait()

    def __enter__(self) -> FhirTestServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _wait_until_ready(self, process: subprocess.Popen[bytes], log: Path) -> None:
        deadline = time.monotonic() + self._startup_timeout
        while time.monotonic() < deadline:
            exit_code = process.poll()
            if exit_code is not None:
                raise FhirServerError(
                    f"FHIR test server exited with code {exit_code} while starting on "
                    f"{self.base_url}; its log:\n{_log_tail(log)}"
                )
            if self._metadata_answers():
                return
            time.sleep(0.1)
        raise FhirServerError(
            f"FHIR test server did not answer {self.base_url}/metadata within "
            f"{self._startup_timeout} s; its log:\n{_log_tail(log)}"
        )

    def _metadata_answers(self) -> bool:
        try:
            response = requests.get(
                f"{self.base_url}/metadata", headers={"Accept": FHIR_JSON}, timeout=2
            )
        except requests.RequestException:  # not listening yet, or something else holds the port
            return False
        return response.status_code == 200


def load_transaction(
    endpoint: FhirEndpoint, bundle: dict[str, object], *, timeout: float = 30.0
) -> dict[str, object]:
    """POST a transaction Bundle to the server's base; return the transaction-response Bundle.

    Raises FhirServerError unless the server accepted the Bundle and every entry.
    """
    response = requests.post(
        endpoint.base_url,
        json=bundle,
        headers={**endpoint.headers(), "Content-Type": FHIR_JSON},
        timeout=timeout,
    )
    if response.status_code != 200:
        raise FhirServerError(
            f"{endpoint.base_url} rejected the transaction: HTTP {response.status_code}: "
            f"{response.text[:LOG_TAIL_CHARS]}"
        )
    result = response.json()
    entries = result.get("entry", [])
    rejected = [
        entry.get("response", {})
        for entry in entries
        if not str(entry.get("response", {}).get("status", "")).startswith("2")
    ]
    # A transaction-response has one entry per request entry, in the same order.
    if result.get("type") != "transaction-response" or len(entries) != len(bundle["entry"]):
        raise FhirServerError(f"{endpoint.base_url} answered the transaction with {result}")
    if rejected:
        raise FhirServerError(f"{endpoint.base_url} rejected transaction entries: {rejected}")
    return result


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # `kill PID` then unwinds like Ctrl-C, through the clean-up of the `with` block.
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.fhir_test_server",
        description="Serve a throwaway FHIR R4 server (sekmet-fhir) on 127.0.0.1 until stopped.",
    )
    parser.add_argument("--port", type=int, help="port to listen on (default: a free one)")
    parser.add_argument("--token", help="the bearer token it accepts (default: a random one)")
    parser.add_argument(
        "--open",
        action="store_true",
        help="serve every request without a token (browser apps such as the CDS Hooks Sandbox)",
    )
    parser.add_argument("--pid-file", type=Path, help="write this launcher's PID here")
    parser.add_argument(
        "--build-only", action="store_true", help="only build the server's virtual environment"
    )
    args = parser.parse_args(argv)
    if args.build_only:
        print(ensure_venv())
        return 0
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with FhirTestServer(port=args.port, token=args.token, open_access=args.open) as server:
            if args.pid_file:
                args.pid_file.write_text(f"{os.getpid()}\n")
            print(
                json.dumps({"base_url": server.base_url, "token": server.token, "pid": server.pid}),
                flush=True,
            )
            return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if args.pid_file:
            args.pid_file.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())

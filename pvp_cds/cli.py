"""The ``pvp-cds`` command.

``serve`` runs what the service package holds and nothing else: the development tools
(``synth``, ``demo``) are imported only when their command runs.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from flask import Flask
from gunicorn.app.base import BaseApplication

from cds_service import create_app
from cds_service.auth import AUTHENTICATION_OFF
from cds_service.errors import CONFIGURATION_ERRORS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_SYNTHETIC_PATIENTS = 100


class _Gunicorn(BaseApplication):
    """gunicorn serving an app built (and so checked) before the server starts."""

    def __init__(self, app: Flask, options: dict[str, object]) -> None:
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(args: argparse.Namespace) -> int:
    try:
        app = create_app()
    except CONFIGURATION_ERRORS as exc:
        print(f"pvp-cds: cannot start: {exc}", file=sys.stderr)
        return 2
    if app.config["AUTHENTICATION"] == AUTHENTICATION_OFF and not is_loopback(args.host):
        if not args.insecure_bind:
            print(
                f"refusing to serve on {args.host} with authentication off: anyone who can reach "
                "it could send patient data. Bind 127.0.0.1, turn authentication on, or pass "
                "--insecure-bind.",
                file=sys.stderr,
            )
            return 2
    _Gunicorn(
        app,
        {
            "bind": f"{args.host}:{args.port}",
            # One process: the JWT replay cache and the key caches live in memory.
            "workers": 1,
            "worker_class": "gthread",
            "threads": args.threads,
            "accesslog": "-",
            # The path only: no query string, no headers.
            "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        },
    ).run()
    return 0


def synth(args: argparse.Namespace) -> int:
    from devtools.synthetic import generate_cohort, write_bundles
    from devtools.synthetic.cohort import DEFAULT_SEED

    if args.seed is None:
        args.seed = DEFAULT_SEED
    cohort = generate_cohort(args.patients, args.seed)
    written = write_bundles(
        args.out,
        cohort,
        seed=args.seed,
        batch_size=args.batch_size,
        base_url=args.fhir_base_url,
    )
    for bundle in written:
        print(f"{bundle.path}: {bundle.patients} patients, {bundle.resources} resources")
    if cohort:
        events = sum(bool(patient.residual_back_pain) for patient in cohort)
        print(
            f"Generated {len(cohort)} patients (seed {args.seed}): {events} with residual back "
            f"pain at one month ({events / len(cohort):.1%})"
        )
    print(
        "Load each file into a FHIR R4 server by transaction: curl -X POST "
        "-H 'Content-Type: application/fhir+json' --data @FILE FHIR_BASE_URL "
        "(and -H 'Authorization: Bearer TOKEN' if the server wants one)"
    )
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from devtools import demo

    try:
        # Options left out take the demo's own defaults.
        chosen = {name: getattr(args, name) for name in ("patients", "seed", "local_sandbox")}
        return demo.run(
            sys.stdout,
            port=args.port,
            keep_running=args.keep_running,
            sandbox=args.sandbox,
            fhir_port=args.fhir_port,
            **{name: value for name, value in chosen.items() if value is not None},
        )
    except CONFIGURATION_ERRORS as exc:
        print(f"pvp-cds: cannot start the service: {exc}", file=sys.stderr)
        return 2


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, got {value}")
        return value

    return parse


def _seed(text: str) -> int:
    from devtools.synthetic.cohort import MAX_SEED

    value = _at_least(0)(text)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_SEED}, got {value}")
    return value


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="pvp-cds", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="run the CDS Hooks service")
    run.add_argument("--host", default=DEFAULT_HOST)
    run.add_argument("--port", type=int, default=DEFAULT_PORT)
    run.add_argument("--threads", type=int, default=8)
    run.add_argument(
        "--insecure-bind",
        action="store_true",
        help="allow a non-loopback address with authentication off",
    )
    run.set_defaults(handler=serve)

    generate = commands.add_parser(
        "synth",
        help="write synthetic PVP patients as FHIR R4 transaction Bundles",
        description="Write the named edge-case patients and a seeded cohort shaped like Li et "
        "al. 2021's as FHIR R4 transaction Bundles (PUT, stable ids) into a folder.",
    )
    generate.add_argument(
        "--patients",
        type=_at_least(0),
        default=DEFAULT_SYNTHETIC_PATIENTS,
        help="generated patients, besides the named ones",
    )
    generate.add_argument(
        "--seed", type=_seed, help="the same seed, the same files (default: a fixed seed)"
    )
    generate.add_argument("--out", type=Path, required=True, help="folder to write into")
    generate.add_argument(
        "--batch-size", type=_at_least(1), default=100, help="patients per Bundle file"
    )
    generate.add_argument(
        "--fhir-base-url",
        help="base URL of the server the files are for: entries get fullUrl BASE/Type/id",
    )
    generate.set_defaults(handler=synth)

    show = commands.add_parser(
        "demo",
        help="start a FHIR server with synthetic patients and the service, and show the cards",
        description="Start a throwaway FHIR server, load synthetic patients, start the service "
        "on 127.0.0.1 (client authentication off) and print the cards of the named patients.",
    )
    show.add_argument(
        "--keep-running", action="store_true", help="keep both servers up until Ctrl-C"
    )
    show.add_argument(
        "--port", type=_at_least(0), default=DEFAULT_PORT, help="the service's port (0: any free)"
    )
    show.add_argument(
        "--patients",
        type=_at_least(0),
        help="generated patients to load besides the named ones",
    )
    show.add_argument(
        "--seed", type=_seed, help="seed of the generated patients (default: a fixed seed)"
    )
    show.add_argument(
        "--sandbox",
        action="store_true",
        help="for the CDS Hooks Sandbox: open FHIR server (no token), print the sandbox URL of "
        "each named patient and keep running",
    )
    show.add_argument(
        "--fhir-port", type=_at_least(1), help="the FHIR server's port (default: any free one)"
    )
    show.add_argument(
        "--local-sandbox",
        metavar="URL",
        help="where a CDS Hooks Sandbox built from its source is served (default: "
        "http://127.0.0.1:8000/)",
    )
    show.set_defaults(handler=run_demo)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)

"""The ``pvp-cds`` command."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from collections.abc import Sequence

from flask import Flask
from gunicorn.app.base import BaseApplication

from fhir_mappings import MappingConfigError
from scoring import ModelError

from . import create_app
from .auth import AUTHENTICATION_OFF
from .client_auth import TrustedClientsError
from .errors import StartupError

CONFIGURATION_ERRORS = (StartupError, ModelError, MappingConfigError, TrustedClientsError)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


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
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)

"""The ``pvp-cds`` command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from gunicorn.app.base import BaseApplication

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


class _Gunicorn(BaseApplication):
    """gunicorn serving the app factory, configured from the command line only."""

    def __init__(self, options: dict[str, object]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app()


def serve(args: argparse.Namespace) -> int:
    _Gunicorn(
        {
            "bind": f"{args.host}:{args.port}",
            "workers": args.workers,
            "worker_class": "gthread",
            "threads": args.threads,
            # Every worker loads model and mappings once, before serving.
            "preload_app": True,
            "accesslog": "-",
            # The query string can carry nothing sensitive here, but keep the line short.
            "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        }
    ).run()
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="pvp-cds", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="run the CDS Hooks service")
    run.add_argument("--host", default=DEFAULT_HOST)
    run.add_argument("--port", type=int, default=DEFAULT_PORT)
    run.add_argument("--workers", type=int, default=2)
    run.add_argument("--threads", type=int, default=8)
    run.set_defaults(handler=serve)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)

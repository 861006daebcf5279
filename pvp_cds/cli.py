"""The ``pvp-cds`` command.

``serve`` runs what the service package holds and nothing else: the development tools
(``synth``, ``demo``) and the validation tools (``validate``, ``recalibrate``, from the
``pvp-cds[validate]`` extra) are imported only when their command runs.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Config, Flask
from gunicorn.app.base import BaseApplication
from sqlalchemy import Engine

from cds_service import create_app, serving, settings, storage
from cds_service.auth import AUTHENTICATION_OFF
from cds_service.errors import CONFIGURATION_ERRORS, StartupError
from cds_service.storage import governance
from fhir_mappings.codes import Code

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
        # First: whatever building the app loads must find prometheus_client's mode set.
        serving.prepare_metrics_directory()
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
    bind = f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}"
    _Gunicorn(app, serving.options(app.config, bind=bind, threads=args.threads)).run()
    return 0


def _settings() -> Config:
    """The service's settings from the environment, as ``create_app`` reads them."""
    config = Config("")
    config.from_mapping(settings.DEFAULTS)
    config.from_prefixed_env("PVP_CDS")
    settings.check(config)
    return config


@contextmanager
def _governance_engine(config: Config) -> Iterator[Engine]:
    """The database for the command-line tools, once the backlog that stopped processes left
    on this host is moved to it (running ones move their own)."""
    store = storage.open_store(config)
    try:
        if not store.flush():
            print(
                f"pvp-cds: warning: {store.status().backlog} records are still waiting on local "
                "disk for the database",
                file=sys.stderr,
            )
    finally:
        store.close()
    engine = storage.command_line_engine(config)
    try:
        yield engine
    finally:
        engine.dispose()


def _storage_command(run: Callable[[Config], int]) -> Callable[[argparse.Namespace], int]:
    def handler(_args: argparse.Namespace) -> int:
        try:
            return run(_settings())
        except StartupError as exc:
            print(f"pvp-cds: {exc}", file=sys.stderr)
            return 2

    return handler


def db_upgrade(config: Config) -> int:
    print(f"database schema at revision {storage.upgrade_database(config)}")
    return 0


def db_backlog(args: argparse.Namespace) -> int:
    def run(config: Config) -> int:
        store = storage.open_store(config)
        try:
            if args.retry:
                print(f"{store.spool.retry_refused()} refused records put back in line")
            store.flush()
            status, refused = store.status(), store.spool.refused()
        finally:
            store.close()
        database = "up" if status.database_up else "unreachable"
        print(
            f"{status.backlog} records waiting on local disk for the database ({database}), "
            f"{status.refused} refused"
        )
        for record in refused:
            kept = datetime.fromtimestamp(record.spooled_at, UTC).isoformat(timespec="seconds")
            print(f"refused: record {record.id}, {record.kind}, kept since {kept}: {record.reason}")
        if refused:
            print("once the cause is mended, `pvp-cds db backlog --retry` tries them again")
        return 0

    return _storage_command(run)(args)


def audit_export(args: argparse.Namespace) -> int:
    def run(config: Config) -> int:
        with _governance_engine(config) as engine:
            count = governance.export_audit(engine, args.since, args.format, sys.stdout)
        print(f"{count} audit records since {args.since.isoformat()}", file=sys.stderr)
        return 0

    return _storage_command(run)(args)


def audit_purge(config: Config) -> int:
    days = config["AUDIT_RETENTION_DAYS"]
    before = datetime.now(UTC) - timedelta(days=days)
    with _governance_engine(config) as engine:
        audit_rows, feedback_rows = governance.purge(engine, before)
    print(
        f"deleted {audit_rows} audit records and {feedback_rows} feedback reports from before "
        f"{before.isoformat(timespec='seconds')} (PVP_CDS_AUDIT_RETENTION_DAYS={days})"
    )
    return 0


def feedback_summary(config: Config) -> int:
    with _governance_engine(config) as engine:
        summary = governance.feedback_by_tier(engine)
    if not summary:
        print("no feedback stored")
        return 0
    print(f"{'tier':<14}{'feedback':>9}{'accepted':>16}{'overridden':>16}")
    for tier, entry in sorted(summary.items()):
        print(
            f"{tier:<14}{entry.total:>9}"
            f"{_count_and_rate(entry, 'accepted'):>16}{_count_and_rate(entry, 'overridden'):>16}"
        )
        for (system, code), count in entry.override_reasons.most_common():
            reason = f"{system}|{code}" if code else "no reason given"
            print(f"{'':<14}override reason {reason}: {count}")
    return 0


def _count_and_rate(entry: governance.TierFeedback, outcome: str) -> str:
    return f"{entry.outcomes[outcome]} ({entry.rate(outcome):.0%})"


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


#: The packages of the ``validate`` extra, by import name.
VALIDATE_EXTRA = frozenset({"numpy", "scipy", "sklearn", "statsmodels", "matplotlib"})


def run_validation_command(args: argparse.Namespace) -> int:
    try:
        from validation import commands
    except ModuleNotFoundError as exc:
        # Only a missing extra is the user's to fix; any other import failure is a bug.
        if (exc.name or "").split(".")[0] not in VALIDATE_EXTRA:
            raise
        print(
            f"pvp-cds {args.command} needs the validation tools ({exc.name} is missing): "
            "pip install 'pvp-cds[validate]'",
            file=sys.stderr,
        )
        return 2
    if args.command == "monitor":
        return commands.monitor(args, args.engine)
    return getattr(commands, args.command)(args)


def run_monitor(args: argparse.Namespace) -> int:
    """``pvp-cds monitor``: the validation tools on this site's audit trail."""

    def run(config: Config) -> int:
        with _governance_engine(config) as engine:
            return run_validation_command(argparse.Namespace(**vars(args), engine=engine))

    return _storage_command(run)(args)


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


def _since(text: str) -> datetime:
    try:
        return governance.parse_since(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 date or date-time: {text!r} (e.g. 2026-01-01 or "
            "2026-01-01T08:00:00+01:00)"
        ) from None


def _seed(text: str) -> int:
    from devtools.synthetic.cohort import MAX_SEED

    value = _at_least(0)(text)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_SEED}, got {value}")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must lie between 0 and 1, got {value}")
    return value


def _pain_code(text: str) -> Code:
    system, bar, code = text.partition("|")
    if not (bar and system and code):
        raise argparse.ArgumentTypeError(f"expected system|code, got {text!r}")
    return Code(system, code)


def _cohort_arguments(command: argparse.ArgumentParser) -> None:
    """Where the site's patients come from and how they are read: shared by validate and
    recalibrate."""
    source = command.add_mutually_exclusive_group(required=True)
    source.add_argument("--csv", type=Path, help="one row per patient (docs/validation.md)")
    source.add_argument("--fhir", metavar="URL", help="base URL of a FHIR R4 server")
    _outcome_arguments(command)
    command.add_argument("--from", dest="start", type=_day, help="first procedure date")
    command.add_argument("--to", dest="end", type=_day, help="last procedure date")


def _outcome_arguments(command: argparse.ArgumentParser) -> None:
    """How the patients' records and outcomes are read and judged: shared by validate,
    recalibrate and monitor."""
    command.add_argument("--token", help="bearer token for the FHIR server")
    command.add_argument(
        "--model", help="model file (default: PVP_CDS_MODEL_FILE, else the packaged model)"
    )
    command.add_argument("--mapping", help="site code-mapping file (default: PVP_CDS_MAPPING_FILE)")
    command.add_argument(
        "--pain-code",
        type=_pain_code,
        action="append",
        default=[],
        metavar="SYSTEM|CODE",
        help="another code of a 0-10 pain score besides LOINC 38214-3 and 72514-3 (repeatable)",
    )
    command.add_argument(
        "--outcome-window-days",
        type=_at_least(0),
        default=14,
        help="pain scores count from day 30 minus this to day 30 plus this (default 14)",
    )
    command.add_argument(
        "--threshold",
        type=_probability,
        help="alert threshold (default: PVP_CDS_HIGH_RISK_THRESHOLD, else the model's)",
    )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="pvp-cds", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="run the CDS Hooks service")
    run.add_argument("--host", default=DEFAULT_HOST)
    run.add_argument("--port", type=int, default=DEFAULT_PORT)
    run.add_argument("--threads", type=int, default=serving.DEFAULT_THREADS)
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

    database = commands.add_parser("db", help="the service's database").add_subparsers(
        dest="db_command", required=True
    )
    database.add_parser(
        "upgrade",
        help="apply the schema migrations to PVP_CDS_DATABASE_URL (or the embedded database)",
    ).set_defaults(handler=_storage_command(db_upgrade))
    backlog = database.add_parser(
        "backlog",
        help="move the local backlog that stopped processes left to the database and list the "
        "records it refused",
    )
    backlog.add_argument(
        "--retry",
        action="store_true",
        help="try the refused records again first (once the database or the service is mended)",
    )
    backlog.set_defaults(handler=db_backlog)

    audit = commands.add_parser("audit", help="the audit trail of cards shown").add_subparsers(
        dest="audit_command", required=True
    )
    export = audit.add_parser("export", help="write audit records to standard output, oldest first")
    export.add_argument(
        "--since",
        type=_since,
        required=True,
        help="ISO 8601 date or date-time (UTC unless it has a zone), e.g. 2026-01-01",
    )
    export.add_argument("--format", choices=governance.EXPORT_FORMATS, default="ndjson")
    export.set_defaults(handler=audit_export)
    audit.add_parser(
        "purge",
        help="delete audit records and feedback older than PVP_CDS_AUDIT_RETENTION_DAYS",
    ).set_defaults(handler=_storage_command(audit_purge))

    feedback = commands.add_parser("feedback", help="feedback on the cards").add_subparsers(
        dest="feedback_command", required=True
    )
    feedback.add_parser(
        "summary", help="accept and override rates, and override reasons, by risk tier"
    ).set_defaults(handler=_storage_command(feedback_summary))

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

    check = commands.add_parser(
        "validate",
        help="check the model on a site's own patients: report and metrics.json",
        description="Validate the model on a site's patients (CSV or FHIR server): AUC, "
        "calibration, Brier score, classification at the threshold, with bootstrap 95%% CIs, "
        "and calibration, ROC and decision curves, in a self-contained HTML report.",
    )
    _cohort_arguments(check)
    check.add_argument("--out", type=Path, required=True, help="folder for the report")
    check.add_argument(
        "--bootstrap", type=_at_least(1), default=1000, help="bootstrap resamples (default 1000)"
    )
    check.add_argument("--seed", type=_at_least(0), default=2021, help="bootstrap seed")
    check.set_defaults(handler=run_validation_command)

    refit = commands.add_parser(
        "recalibrate",
        help="recalibrate the model on a site's own patients: a new model file",
        description="Fit an intercept-only or logistic (intercept and slope) recalibration on "
        "a site's patients and write it as a model file for PVP_CDS_MODEL_FILE.",
    )
    _cohort_arguments(refit)
    refit.add_argument("--out", type=Path, required=True, help="model file to write")
    refit.add_argument(
        "--method",
        choices=("intercept", "logistic"),
        default="intercept",
        help="intercept: average risk only (default); logistic: intercept and slope",
    )
    refit.add_argument("--site", required=True, help="the site, as the card will name it")
    refit.add_argument(
        "--contact", help="who at the site answers for the model (its source attributes)"
    )
    refit.add_argument("--period", help="the period the data cover (default: from the data)")
    refit.add_argument("--version", help="the new model version (default: next minor)")
    refit.add_argument(
        "--force",
        action="store_true",
        help="write the model even below the method's minimum sample or when the fit does not "
        "show the miscalibration it corrects (the file, the cards and the model card say so)",
    )
    refit.set_defaults(handler=run_validation_command)

    watch = commands.add_parser(
        "monitor",
        help="the model on the patients it scored: the audit trail's estimates with the "
        "one-month outcomes found since",
        description="Join the audit trail's estimates since --since with the one-month pain "
        "scores on the FHIR server (the outcome window and rules of validate), by month and "
        "overall: patients scored, outcomes, pending, observed/expected with its range, "
        "calibration-in-the-large, AUC, share flagged, feedback, findings missing. Writes "
        "monitor.html and monitor.json; the service's metrics port serves the latter's gauges "
        "when PVP_CDS_MONITOR_FILE names it. Reads the service's settings for the database.",
    )
    watch.add_argument("--fhir", metavar="URL", required=True, help="base URL of the FHIR server")
    watch.add_argument(
        "--since",
        type=_since,
        required=True,
        help="first answer to count: ISO 8601 date or date-time (UTC unless it has a zone)",
    )
    watch.add_argument("--out", type=Path, required=True, help="folder for the report")
    _outcome_arguments(watch)
    watch.add_argument(
        "--as-of", type=_day, help="the day to read the outcomes as of (default: today, UTC)"
    )
    watch.set_defaults(handler=run_monitor)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)

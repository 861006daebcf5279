"""``pvp-cds validate``, ``pvp-cds recalibrate`` and ``pvp-cds monitor``: the cohort from a CSV
file or a FHIR server, then the report or the recalibrated model file; or the audit trail's
estimates joined with the outcomes found since. The arguments are parsed in
``pvp_cds.cli``; this module is imported only when one of these commands runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy import Engine

import fhir_mappings
from cds_service.fhir_client import FhirServer
from fhir_mappings.codes import PAIN_SCORE_CODES
from scoring import (
    Model,
    ModelError,
    attributes_path,
    load_model,
    load_source_attributes,
    model_from_document,
    source_attributes_from_document,
)

from .cohort import Cohort, Period
from .csv_input import CsvInputError, read_csv
from .fhir_input import FhirInputError, fhir_client, read_fhir
from .metrics import ValidationError, evaluate
from .monitor import (
    OutcomeReader,
    feedback_by_audit_row,
    scored_patients,
    today,
)
from .monitor import (
    monitor as measure,
)
from .monitor_report import verdict, write_monitor_report
from .outcome import OutcomeWindow
from .recalibrate import Method, fit, recalibrated_document
from .report import write_report
from .site_attributes import recalibrated_attributes

#: Print progress every so many patients on long extractions.
PROGRESS_EVERY = 50


def validate(args: argparse.Namespace) -> int:
    return _run(args, sys.stdout, _write_report)


def recalibrate(args: argparse.Namespace) -> int:
    return _run(args, sys.stdout, _write_model)


def _run(
    args: argparse.Namespace,
    out: TextIO,
    finish: Callable[[argparse.Namespace, Model, Cohort, float, TextIO], None],
) -> int:
    try:
        model = load_model(args.model or os.environ.get("PVP_CDS_MODEL_FILE") or None)
        threshold = _threshold(args, model)
        cohort = _cohort(args, model, out)
        _print_cohort(cohort, out)
        finish(args, model, cohort, threshold, out)
    except (
        ModelError,
        fhir_mappings.MappingConfigError,
        CsvInputError,
        FhirInputError,
        ValidationError,
    ) as exc:
        print(f"pvp-cds {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0


def _threshold(args: argparse.Namespace, model: Model) -> float:
    """As the service reads it: the option, PVP_CDS_HIGH_RISK_THRESHOLD, the cohort event rate."""
    if args.threshold is not None:
        threshold = args.threshold
    elif "PVP_CDS_HIGH_RISK_THRESHOLD" in os.environ:
        text = os.environ["PVP_CDS_HIGH_RISK_THRESHOLD"]
        try:
            threshold = float(text)
        except ValueError:
            raise ValidationError(
                f"PVP_CDS_HIGH_RISK_THRESHOLD: {text!r} is not a number"
            ) from None
    else:
        threshold = model.cohort_event_rate
    if not 0 < threshold < 1:
        raise ValidationError(f"the high-risk threshold must lie in (0, 1), got {threshold}")
    return threshold


def _cohort(args: argparse.Namespace, model: Model, out: TextIO) -> Cohort:
    window = OutcomeWindow.for_model(model, args.outcome_window_days)
    period = Period(args.start, args.end)
    if args.csv is not None:
        return read_csv(args.csv, model, window, period)
    mapping = fhir_mappings.load_mapping_config(
        args.mapping or os.environ.get("PVP_CDS_MAPPING_FILE") or None
    )
    client = fhir_client()

    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            print(f"read {done} of {total} vertebroplasty patients", file=out, flush=True)

    print(f"reading vertebroplasty patients from {args.fhir}", file=out, flush=True)
    return read_fhir(
        client,
        FhirServer(args.fhir, args.token),
        model,
        mapping,
        window,
        period,
        pain_codes=args.pain_code,
        progress=progress,
    )


def _print_cohort(cohort: Cohort, out: TextIO) -> None:
    print(
        f"{cohort.screened} patients screened, {cohort.n} included, {cohort.events} events",
        file=out,
    )
    for reason, count in sorted(cohort.exclusions.items()):
        print(f"  excluded, {reason}: {count}", file=out)
    for item, count in sorted(cohort.missing.items()):
        print(f"  missing, {item}: {count}", file=out)


def _write_report(
    args: argparse.Namespace, model: Model, cohort: Cohort, threshold: float, out: TextIO
) -> None:
    metrics = evaluate(cohort, threshold, resamples=args.bootstrap, seed=args.seed)
    window = OutcomeWindow.for_model(model, args.outcome_window_days)
    report = write_report(
        args.out, model, cohort, metrics, window, resamples=args.bootstrap, seed=args.seed
    )
    for name, estimate in metrics.estimates.items():
        print(f"{name}: {estimate.text(3)}", file=out)
    for warning in metrics.warnings:
        print(f"warning: {warning}", file=out)
    print(f"wrote {report.html} and {report.metrics_json}", file=out)


def _write_model(
    args: argparse.Namespace, model: Model, cohort: Cohort, threshold: float, out: TextIO
) -> None:
    recalibration = fit(cohort, Method(args.method))
    document = recalibrated_document(
        model,
        cohort,
        recalibration,
        site=args.site,
        period=args.period or cohort.period,
        threshold=threshold,
        version=args.version,
        contact=args.contact,
    )
    original = load_source_attributes(model, args.model or os.environ.get("PVP_CDS_MODEL_FILE"))
    attributes = recalibrated_attributes(original, document)
    source_attributes_from_document(attributes, model_from_document(document), "new attributes")
    args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    attributes_file = attributes_path(args.out)
    attributes_file.write_text(
        json.dumps(attributes, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{args.method} recalibration: intercept {recalibration.intercept.text(3)}", file=out)
    if recalibration.slope is not None:
        print(f"slope {recalibration.slope.text(3)}", file=out)
    print(
        f"wrote {args.out} ({document['id']} v{document['version']}) and its source "
        f"attributes {attributes_file}: review them, then deploy with "
        f"PVP_CDS_MODEL_FILE={args.out}",
        file=out,
    )


def monitor(args: argparse.Namespace, engine: Engine) -> int:
    """The patients scored since ``args.since`` (the audit trail in ``engine``) with their
    outcomes on the FHIR server: monitor.html and monitor.json in ``args.out``."""
    out = sys.stdout
    try:
        model = load_model(args.model or os.environ.get("PVP_CDS_MODEL_FILE") or None)
        threshold = _threshold(args, model)
        mapping = fhir_mappings.load_mapping_config(
            args.mapping or os.environ.get("PVP_CDS_MAPPING_FILE") or None
        )
        window = OutcomeWindow.for_model(model, args.outcome_window_days)
        audited = scored_patients(engine, args.since, model)
        print(f"{len(audited.patients)} patients scored since {args.since.isoformat()}", file=out)
        reader = OutcomeReader(
            fhir_client(),
            FhirServer(args.fhir, args.token),
            mapping,
            (*PAIN_SCORE_CODES, *args.pain_code),
        )
        monitoring = measure(
            audited,
            reader,
            window,
            feedback_by_audit_row(engine, args.since),
            as_of=args.as_of or today(),
            since=args.since,
            threshold=threshold,
        )
        report = write_monitor_report(
            args.out, model, monitoring, window, args.fhir, datetime.now(UTC)
        )
    except (ModelError, fhir_mappings.MappingConfigError, FhirInputError, ValidationError) as exc:
        print(f"pvp-cds monitor: {exc}", file=sys.stderr)
        return 2
    overall = monitoring.overall
    print(
        f"{overall.outcomes} with an outcome ({overall.events} events), {overall.pending} "
        f"pending, {overall.no_outcome} without an outcome",
        file=out,
    )
    print(verdict(overall), file=out)
    for warning in overall.warnings:
        print(f"warning: {warning}", file=out)
    print(f"wrote {report.html} and {report.json}", file=out)
    return 0

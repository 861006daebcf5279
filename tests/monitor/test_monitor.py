"""pvp-cds monitor against the real FHIR test server and both databases: the service scores
synthetic patients (its audit trail), their one-month pain scores are on the FHIR server, and
the monitor joins the two.

Expectations come from the generating model, not from the monitor: each synthetic patient's
outcome was drawn with the model's probability (devtools/synthetic), so the observed and
expected events are counted here from the patients and ``scoring.predict``; under a model whose
intercept is 1.5 higher, residual pain is far more common than the service predicts.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from cds_service import create_app, storage
from cds_service.fhir_client import FhirServer
from cds_service.monitor_gauges import read_gauges
from devtools.fhir_test_server import FhirEndpoint, load_transaction
from devtools.synthetic import (
    SyntheticPatient,
    fhir_resources,
    generate_cohort,
    moved,
    transaction,
)
from fhir_mappings import load_mapping_config
from pvp_cds.cli import main
from scoring import RiskTiers, load_model, model_from_document, predict
from tests.service.fhir import fhir_authorization, searchset
from tests.storage.conftest import config_for, fresh_postgres_database
from validation.fhir_input import fhir_client
from validation.monitor import (
    OutcomeReader,
    feedback_by_audit_row,
    monitor,
    scored_patients,
)
from validation.outcome import OutcomeWindow

pytestmark = pytest.mark.integration

SERVICE = "/cds-services/pvp-residual-back-pain"
MODEL = load_model()
TODAY = datetime.now(UTC).date()
#: Every day-30 score is dated by now, and every window (days 16-44) has closed.
AFTER_THE_WINDOWS = TODAY + timedelta(days=60)
SINCE = datetime.now(UTC) - timedelta(days=1)
HELD, SHIFTED, NO_SCORE = 90, 60, 8


def shifted_model():
    document = json.loads(json.dumps(MODEL.document))
    document["intercept"]["coefficient"] += 1.5
    return model_from_document(document)


def recent(patients: list[SyntheticPatient]) -> list[SyntheticPatient]:
    """Procedures 3 to 17 days ago, so that the service scores them today."""
    moved_patients = []
    for number, patient in enumerate(patients):
        procedure_day = patient.procedures[0].performed.date()
        target = TODAY - timedelta(days=3 + number % 15)
        moved_patients.append(moved(patient, (target - procedure_day).days))
    return moved_patients


def renamed(patients: list[SyntheticPatient], prefix: str) -> list[SyntheticPatient]:
    return [replace(p, id=f"{prefix}-{p.id}") for p in patients]


@dataclass(frozen=True)
class Cohorts:
    held: list[SyntheticPatient]
    shifted: list[SyntheticPatient]
    no_score: list[SyntheticPatient]


@pytest.fixture(scope="module")
def cohorts(fhir_server: FhirEndpoint) -> Cohorts:
    run = uuid.uuid4().hex[:8]
    loaded = Cohorts(
        held=renamed(recent(generate_cohort(HELD, 7)), f"held-{run}"),
        shifted=renamed(recent(generate_cohort(SHIFTED, 8, shifted_model())), f"shift-{run}"),
        no_score=[
            replace(p, pain_scores=())
            for p in renamed(recent(generate_cohort(NO_SCORE, 9)), f"pending-{run}")
        ],
    )
    for group in (loaded.held, loaded.shifted, loaded.no_score):
        load_transaction(fhir_server, transaction(group))
    return loaded


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp(f"monitor-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{data_dir / 'pvp-cds.sqlite3'}"
        storage.upgrade_database(config_for(url, data_dir))
        yield url, data_dir
        return
    with fresh_postgres_database(request.getfixturevalue("postgres_admin")) as made:
        url = made.render_as_string(hide_password=False)
        storage.upgrade_database(config_for(url, data_dir))
        yield url, data_dir


def prefetch_before_the_outcome(patient: SyntheticPatient) -> dict[str, Any]:
    """The patient's records as the EHR sends them before the one-month visit: everything but
    the pain scores (with a one-month score on record the service is rightly quiet; the FHIR
    server, which the monitor reads later, has them)."""
    resources = fhir_resources(replace(patient, pain_scores=()))
    of_type = {
        kind: searchset(*(r for r in resources if r["resourceType"] == kind))
        for kind in ("Procedure", "Observation", "Condition")
    }
    return {
        "patient": next(r for r in resources if r["resourceType"] == "Patient"),
        "procedures": of_type["Procedure"],
        "observations": of_type["Observation"],
        "conditions": of_type["Condition"],
        "riskAssessments": None,
    }


def score(patients: list[SyntheticPatient], fhir_server: FhirEndpoint, url: str, data_dir: Path):
    """The service answers a patient-view for each patient, as of today, and audits each card in
    the database."""
    app = create_app(
        config_for(
            url,
            data_dir,
            TESTING=True,
            AUTHENTICATION="off",
            FHIR_SERVERS=[fhir_server.base_url],
            ALLOW_HTTP_FHIR=True,
        )
    )
    client = app.test_client()
    for patient in patients:
        body: dict[str, Any] = {
            "hook": "patient-view",
            "hookInstance": str(uuid.uuid4()),
            "fhirServer": fhir_server.base_url,
            "context": {"userId": "Practitioner/monitor", "patientId": patient.id},
            "prefetch": prefetch_before_the_outcome(patient),
        }
        if fhir_server.token:
            body["fhirAuthorization"] = fhir_authorization(fhir_server.token)
        response = client.post(SERVICE, json=body)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json()["cards"], patient.id
    assert app.extensions["pvp_cds_store"].flush()
    app.extensions["pvp_cds_store"].close()


@pytest.fixture(scope="module")
def audited(cohorts: Cohorts, fhir_server: FhirEndpoint, database) -> str:
    url, data_dir = database
    score(cohorts.held + cohorts.shifted + cohorts.no_score, fhir_server, url, data_dir)
    return url


def measured(url: str, fhir_server: FhirEndpoint, patients: list[SyntheticPatient], as_of: date):
    """The monitor's figures for these patients (their audit rows only)."""
    engine = create_engine(url)
    try:
        audited_rows = scored_patients(engine, SINCE, MODEL)
        chosen = replace(
            audited_rows,
            patients=tuple(
                p for p in audited_rows.patients if _owner(p.procedure, patients) is not None
            ),
        )
        reader = OutcomeReader(
            fhir_client(),
            FhirServer(fhir_server.base_url, fhir_server.token),
            load_mapping_config(),
        )
        return monitor(
            chosen,
            reader,
            OutcomeWindow.for_model(MODEL),
            feedback_by_audit_row(engine, SINCE),
            as_of=as_of,
            since=SINCE,
            threshold=MODEL.cohort_event_rate,
        ).overall
    finally:
        engine.dispose()


def _owner(reference: str, patients: list[SyntheticPatient]) -> SyntheticPatient | None:
    return next((p for p in patients if reference.startswith(f"Procedure/{p.id}")), None)


def generating_counts(patients: list[SyntheticPatient]) -> tuple[int, float]:
    """Events drawn and events the service's model expects, from the patients themselves."""
    tiers = RiskTiers.for_model(MODEL)
    events = sum(bool(p.residual_back_pain) for p in patients)
    expected = sum(predict(MODEL, p.findings, tiers).probability.low for p in patients)
    return events, expected


def test_a_cohort_drawn_from_the_model_holds(audited, fhir_server, cohorts):
    figures = measured(audited, fhir_server, cohorts.held, AFTER_THE_WINDOWS)
    events, expected = generating_counts(cohorts.held)
    assert (figures.scored, figures.outcomes, figures.pending) == (HELD, HELD, 0)
    assert figures.events == events
    assert math.isclose(figures.expected, expected, rel_tol=1e-9)
    assert math.isclose(figures.observed_expected, events / expected, rel_tol=1e-9)
    assert 0.7 < figures.observed_expected < 1.3
    assert not figures.drift


def test_a_cohort_drawn_from_a_shifted_model_is_flagged(audited, fhir_server, cohorts):
    figures = measured(audited, fhir_server, cohorts.shifted, AFTER_THE_WINDOWS)
    events, expected = generating_counts(cohorts.shifted)
    assert math.isclose(figures.observed_expected, events / expected, rel_tol=1e-9)
    assert figures.observed_expected > figures.expected_high
    assert figures.drift
    # Above 0: the service's model underestimates the risk here.
    assert figures.calibration_in_the_large.ci95_low > 0


def test_patients_without_an_outcome_yet_are_pending_not_events(audited, fhir_server, cohorts):
    figures = measured(audited, fhir_server, cohorts.no_score, TODAY + timedelta(days=10))
    assert (figures.scored, figures.pending) == (NO_SCORE, NO_SCORE)
    assert (figures.outcomes, figures.events, figures.no_outcome) == (0, 0, 0)
    assert figures.observed_expected is None


def test_patients_still_without_a_score_after_the_window_have_no_outcome(
    audited, fhir_server, cohorts
):
    figures = measured(audited, fhir_server, cohorts.no_score, AFTER_THE_WINDOWS)
    assert (figures.pending, figures.no_outcome, figures.outcomes) == (0, NO_SCORE, 0)


def test_before_day_30_scored_patients_are_pending(audited, fhir_server, cohorts):
    # Procedures 3-17 days before today: 10 days on, none has reached day 30.
    figures = measured(audited, fhir_server, cohorts.held, TODAY + timedelta(days=10))
    assert (figures.pending, figures.outcomes) == (HELD, 0)


def test_the_monitor_command_writes_the_report_and_says_whether_the_model_holds(
    audited, database, fhir_server, tmp_path, monkeypatch, capsys
):
    url, data_dir = database
    monkeypatch.setenv("PVP_CDS_DATABASE_URL", url)
    monkeypatch.setenv("PVP_CDS_DATA_DIR", str(data_dir))
    arguments = ["monitor", "--fhir", fhir_server.base_url, "--since", SINCE.isoformat()]
    arguments += ["--out", str(tmp_path), "--as-of", AFTER_THE_WINDOWS.isoformat()]
    if fhir_server.token:
        arguments += ["--token", fhir_server.token]
    assert main(arguments) == 0
    printed = capsys.readouterr().out
    # Held and shifted cohorts together: more residual pain than the model predicts.
    assert "is outside the range expected while the model holds" in printed
    report = json.loads((tmp_path / "monitor.json").read_text())
    assert report["overall"]["patients"]["scored"] == HELD + SHIFTED + NO_SCORE
    assert report["overall"]["observed_expected"]["outside"] is True
    assert report["gauges"]["patients"]["no-outcome"] == NO_SCORE
    assert "Monitoring of" in (tmp_path / "monitor.html").read_text()
    gauges = read_gauges(tmp_path / "monitor.json")
    assert gauges.observed_expected > gauges.expected_high

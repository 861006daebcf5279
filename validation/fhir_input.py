"""A validation cohort straight from a FHIR R4 server.

1. Vertebroplasty patients: a Procedure search by the contract's vertebroplasty codes.
2. Per patient, the service's own prefetch queries (Procedure, Observation and Condition by
   patient and code), read with the service's rules: ``resources_from`` and ``assess`` with the
   loaded mapping configuration. The model must apply and every finding be known.
3. The outcome: the pain score (VAS or 0-10 numeric rating; ``PAIN_SCORE_CODES``, more with
   ``pain_codes``) nearest one month after the procedure, within the outcome window.

Patients are counted by reason, never listed: the report holds no identifiers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from urllib.parse import quote

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.resource import Resource

import fhir_mappings
from cds_service.errors import DataUnavailable
from cds_service.fhir_client import FhirClient, FhirServer, Timeouts
from cds_service.outbound import pooled_session
from cds_service.services import prefetch_templates
from cds_service.settings import SETTINGS
from fhir_mappings import Applicability, FindingStatus, MappingConfig
from fhir_mappings.codes import PAIN_SCORE_CODES, Code, ProcedureKind
from fhir_mappings.readings import counts
from fhir_mappings.subject import refers_to_patient
from fhir_mappings.timing import Moment, moment_of
from scoring import Model

from .cohort import FINDINGS_UNKNOWN, OUTSIDE_PERIOD, Case, Cohort, CohortBuilder, Period
from .outcome import OutcomeWindow, PainScore

#: Called after each patient with (patients read, patients found).
Progress = Callable[[int, int], None]

INVALID_DATA = "FHIR data not valid R4 or about another patient"
#: Pages of one search followed at most: a site's whole vertebroplasty history, not one chart.
MAX_PAGES = 10_000
PAGE_SIZE = 100


class FhirInputError(RuntimeError):
    """The FHIR server could not be read; the message says what failed (never the token)."""


def fhir_client() -> FhirClient:
    """A FHIR client with the service's default timeouts, one connection, and room for a whole
    site's search."""
    timeouts = Timeouts(
        SETTINGS["FHIR_CONNECT_TIMEOUT"].default, SETTINGS["FHIR_READ_TIMEOUT"].default
    )
    return FhirClient(
        pooled_session(1), timeouts=timeouts, max_pages=MAX_PAGES, page_size=PAGE_SIZE
    )


def read_fhir(
    client: FhirClient,
    server: FhirServer,
    model: Model,
    mapping: MappingConfig,
    window: OutcomeWindow,
    period: Period,
    *,
    pain_codes: Iterable[Code] = (),
    progress: Progress | None = None,
) -> Cohort:
    codes = (*PAIN_SCORE_CODES, *pain_codes)
    try:
        patients = vertebroplasty_patients(client, server, mapping)
        builder = CohortBuilder()
        for number, patient_id in enumerate(patients, start=1):
            _add_patient(builder, client, server, patient_id, mapping, window, period, codes)
            if progress is not None:
                progress(number, len(patients))
    except DataUnavailable as exc:
        raise FhirInputError(f"{server.base_url}: {exc}") from exc
    except fhir_mappings.InvalidResourceError as exc:
        raise FhirInputError(f"{server.base_url}: the Procedure search: {exc}") from exc
    return builder.build(model, server.base_url)


def vertebroplasty_patients(
    client: FhirClient, server: FhirServer, mapping: MappingConfig
) -> list[str]:
    """Ids of the patients with a Procedure coded as vertebroplasty, in the server's order."""
    tokens = ",".join(
        sorted(
            code.token
            for code, kind in mapping.procedure_codes.items()
            if kind is ProcedureKind.VERTEBROPLASTY
        )
    )
    found: dict[str, None] = {}
    for page in client.read(server, f"Procedure?code={_quoted(tokens)}"):
        for resource in fhir_mappings.resources_from(page):
            if isinstance(resource, Procedure) and resource.subject is not None:
                patient_id = referenced_patient(resource.subject.reference or "", server)
                if patient_id:
                    found.setdefault(patient_id)
    return list(found)


def _add_patient(
    builder: CohortBuilder,
    client: FhirClient,
    server: FhirServer,
    patient_id: str,
    mapping: MappingConfig,
    window: OutcomeWindow,
    period: Period,
    pain_codes: tuple[Code, ...],
) -> None:
    patient = quote(patient_id, safe="")
    queries = [
        template.replace("{{context.patientId}}", patient)
        for key, template in prefetch_templates(fhir_mappings.search_codes(mapping)).items()
        if key != "patient"  # names and birth dates are not needed, so not read
    ]
    tokens = ",".join(code.token for code in pain_codes)
    queries.append(f"Observation?patient={patient}&code={_quoted(tokens)}")
    try:
        resources = [
            resource
            for query in queries
            for page in client.read(server, query)
            for resource in fhir_mappings.resources_from(page)
        ]
        # The records of a past cohort, read as of now: only findings and exclusions matter here.
        assessment = fhir_mappings.assess(
            resources, patient_id, mapping, now=datetime.now(UTC), fhir_server=server.base_url
        )
    except fhir_mappings.InvalidResourceError:
        builder.exclude(INVALID_DATA)
        return
    if assessment.applicability is not Applicability.APPLIES:
        builder.exclude(f"model does not apply: {assessment.applicability.value}")
        return
    # The model applies only to a procedure dated to the day: performed starts YYYY-MM-DD.
    procedure_day = date.fromisoformat(assessment.procedure.performed[:10])
    if procedure_day not in period:
        builder.exclude(OUTSIDE_PERIOD)
        return
    missing = [
        f"{name}: {finding.status.value}"
        for name, finding in assessment.findings.items()
        if finding.status is not FindingStatus.FOUND
    ]
    outcome = window.outcome(
        PainScore((moment.day - procedure_day).days, score)
        for moment, score in pain_scores(resources, pain_codes, mapping)
    )
    if missing:
        builder.exclude(FINDINGS_UNKNOWN, [*missing, *filter(None, [outcome.reason])])
        return
    if outcome.score is None:
        builder.exclude(outcome.reason, [outcome.reason])
        return
    builder.add(Case(procedure_day, assessment.values(), outcome.score))


def pain_scores(
    resources: list[Resource], pain_codes: tuple[Code, ...], mapping: MappingConfig
) -> Iterable[tuple[Moment, float]]:
    """When and what of each counted pain-score Observation with a day and a 0-10 value
    (statuses count as for the findings; other scores are not counted)."""
    wanted = set(pain_codes)
    for resource in resources:
        if not isinstance(resource, Observation) or not counts(resource.status, mapping):
            continue
        coded = {Code(c.system or "", c.code or "") for c in resource.code.coding or []}
        if not coded & wanted:
            continue
        moment = moment_of(
            resource.effectiveDateTime
            or (resource.effectivePeriod.start if resource.effectivePeriod else None)
        )
        score = _score(resource)
        if moment is not None and score is not None:
            yield moment, score


def _score(observation: Observation) -> float | None:
    if observation.valueInteger is not None:
        value = float(observation.valueInteger)
    elif observation.valueQuantity is not None and observation.valueQuantity.value is not None:
        value = float(observation.valueQuantity.value)
    else:
        return None
    return value if 0 <= value <= 10 else None


def _quoted(tokens: str) -> str:
    # Tokens go into the query as the service's prefetch writes them; anything else is escaped.
    return quote(tokens, safe=",|:/")


def referenced_patient(reference: str, server: FhirServer) -> str | None:
    """The id of a ``Patient/id`` reference on ``server`` (relative, or absolute under its
    base; version suffix allowed). The same id on another server is another person."""
    parts = reference.split("/_history/")[0].split("/")
    if len(parts) < 2 or parts[-2] != "Patient" or not parts[-1]:
        return None
    return parts[-1] if refers_to_patient(reference, parts[-1], server.base_url) else None

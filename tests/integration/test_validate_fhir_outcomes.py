"""Which pain score is the outcome, read from a real FHIR server: VAS or 0-10 numeric rating,
nearest one month, counted statuses only, site codes on request.

The patients here have procedures in March 2019, a month no other test uses, and are read with
that validation period, so the counts are exact on a shared server.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cds_service.fhir_client import FhirServer
from devtools.fhir_test_server import FhirEndpoint, load_transaction
from devtools.synthetic import SyntheticPatient, fhir_resources
from devtools.synthetic.records import imaging_reads, pain_scores, vertebroplasty
from fhir_mappings import codes, load_mapping_config
from fhir_mappings.codes import Code, VertebralLevel
from scoring import load_model
from validation import OutcomeWindow, Period, read_fhir
from validation.cohort import OUTSIDE_PERIOD
from validation.fhir_input import fhir_client

pytestmark = pytest.mark.integration

PERFORMED = datetime(2019, 3, 12, 9, 30, tzinfo=UTC)
MARCH_2019 = Period(date(2019, 3, 1), date(2019, 3, 31))
SITE_PAIN = Code("http://hospital.example.org/codes", "back-pain-nrs")
MODEL = load_model()


def patient(key: str, vas: tuple[int, int, int], *, cement: str | None = "spongy"):
    return SyntheticPatient(
        id=f"validate-{key}",
        description=key,
        gender="female",
        birth_date=date(1945, 1, 1),
        fracture_levels=(VertebralLevel.L1,),
        diagnosed=PERFORMED - timedelta(days=5),
        procedures=(vertebroplasty(VertebralLevel.L1, PERFORMED),),
        reads=imaging_reads(
            ivc=False,
            oedema=False,
            goutallier=2,
            cement=cement,
            mri=PERFORMED - timedelta(days=3),
            radiograph=PERFORMED + timedelta(days=1),
        ),
        pain_scores=pain_scores(PERFORMED, vas),
    )


def resources(person: SyntheticPatient, one_month: dict[str, object] | None = None):
    """The patient's resources, with the one-month pain Observation changed as given."""
    found = fhir_resources(person)
    for resource in found:
        if resource["id"].endswith("vas-one-month") and one_month:
            resource.update(one_month)
    return found


def coded(code: Code) -> dict[str, object]:
    return {"code": {"coding": [code.coding()]}}


@pytest.fixture(scope="module")
def loaded(fhir_server: FhirEndpoint) -> FhirEndpoint:
    people = [
        # One-month VAS 6: residual pain.
        resources(patient("vas-event", (7, 6, 6))),
        # One-month numeric rating 2 (LOINC 72514-3); the 3-day VAS 7 is further from day 30.
        resources(patient("nrs", (7, 7, 2)), coded(codes.LOINC_NUMERIC_PAIN)),
        # The only one-month score is preliminary: it does not count.
        resources(patient("preliminary", (5, 5, 5)), {"status": "preliminary"}),
        # The one-month score has a site code only.
        resources(patient("site-code", (5, 5, 5)), coded(SITE_PAIN)),
        # No cement reading.
        resources(patient("no-cement", (5, 5, 1), cement=None)),
    ]
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": r, "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}}
            for person in people
            for r in person
        ],
    }
    load_transaction(fhir_server, bundle)
    return fhir_server


def read(endpoint: FhirEndpoint, pain_codes=()):
    return read_fhir(
        fhir_client(),
        FhirServer(endpoint.base_url, endpoint.token),
        MODEL,
        load_mapping_config(),
        OutcomeWindow.for_model(MODEL),
        MARCH_2019,
        pain_codes=pain_codes,
    )


def in_period(exclusions):
    return {reason: n for reason, n in exclusions.items() if reason != OUTSIDE_PERIOD}


def test_vas_and_numeric_rating_scores_nearest_one_month_give_the_outcomes(loaded):
    cohort = read(loaded)
    assert (cohort.n, cohort.events) == (2, 1)


def test_preliminary_and_unknown_coded_scores_leave_the_outcome_missing(loaded):
    exclusions = in_period(read(loaded).exclusions)
    assert exclusions["no pain score on record days 16-44 after the procedure"] == 2


def test_unknown_finding_excludes_and_is_counted_by_status(loaded):
    cohort = read(loaded)
    assert in_period(cohort.exclusions)["one or more findings unknown"] == 1
    assert cohort.missing["cement_distribution: missing"] == 1


def test_a_site_pain_code_counts_when_given(loaded):
    cohort = read(loaded, pain_codes=[SITE_PAIN])
    assert (cohort.n, cohort.events) == (3, 2)

"""Discovery (CDS Hooks 2.0 § Discovery) and the cross-origin rules the sandbox needs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from fhir_mappings import codes


def services(client):
    response = client.get("/cds-services")
    assert response.status_code == 200
    return {s["id"]: s for s in response.get_json()["services"]}


def test_discovery_lists_a_patient_view_and_an_encounter_discharge_service(client):
    hooks = {s["hook"] for s in services(client).values()}
    assert hooks == {"patient-view", "encounter-discharge"}


def test_every_service_has_title_and_description(client):
    for service in services(client).values():
        assert service["title"] and service["description"]


def test_prefetch_reads_the_patient_by_id(client):
    for service in services(client).values():
        assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"


def test_prefetch_searches_observations_by_patient_and_the_finding_codes(client):
    for service in services(client).values():
        url = urlsplit(service["prefetch"]["observations"])
        assert url.path == "Observation"
        query = parse_qs(url.query)
        assert query["patient"] == ["{{context.patientId}}"]
        tokens = query["code"][0].split(",")
        for code in (
            codes.IVC,
            codes.POSTERIOR_FASCIA_OEDEMA,
            codes.GOUTALLIER_GRADE,
            codes.CEMENT_DISTRIBUTION,
        ):
            assert code.token in tokens


def test_prefetch_searches_procedures_including_kyphoplasty_codes(client):
    for service in services(client).values():
        query = parse_qs(urlsplit(service["prefetch"]["procedures"]).query)
        tokens = query["code"][0].split(",")
        assert codes.CPT_VERTEBROPLASTY_LUMBOSACRAL.token in tokens
        assert codes.CPT_AUGMENTATION_LUMBAR.token in tokens


def test_prefetch_templates_use_only_context_patient_id_tokens(client):
    for service in services(client).values():
        for template in service["prefetch"].values():
            tokens = {part.split("}}")[0] for part in template.split("{{")[1:]}
            assert tokens == {"context.patientId"}


def test_prefetch_searches_use_only_the_specs_recommended_parameters(client):
    # CDS Hooks 2.0 § Prefetch query restrictions: references and tokens by equality only.
    for service in services(client).values():
        for template in service["prefetch"].values():
            url = urlsplit(template)
            if not url.query:
                assert url.path == "Patient/{{context.patientId}}"
                continue
            assert set(parse_qs(url.query)) <= {"patient", "code"}


def test_only_patient_view_looks_for_risk_assessments_on_record(client):
    # At discharge the estimate is always proposed; on patient-view only if none is on record.
    prefetch = {id: service["prefetch"] for id, service in services(client).items()}
    assert prefetch["pvp-residual-back-pain"]["riskAssessments"] == (
        "RiskAssessment?patient={{context.patientId}}"
    )
    assert "riskAssessments" not in prefetch["pvp-residual-back-pain-discharge"]


def test_cors_preflight_allows_authorization_content_type_and_accept(client):
    response = client.options(
        "/cds-services/pvp-residual-back-pain",
        headers={
            "Origin": "https://sandbox.cds-hooks.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type, Accept",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://sandbox.cds-hooks.org")
    allowed = {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {"authorization", "content-type", "accept"} <= allowed
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_cors_headers_on_discovery(client):
    response = client.get("/cds-services", headers={"Origin": "https://sandbox.cds-hooks.org"})
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://sandbox.cds-hooks.org")


def test_health_names_the_model_and_its_version(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "model": {"id": "li2021-pvp-residual-back-pain", "version": "1.1.0"},
    }


def test_cors_headers_on_error_answers_so_the_sandbox_can_read_them(client):
    response = client.post(
        "/cds-services/pvp-residual-back-pain",
        data="{",
        content_type="application/json",
        headers={"Origin": "https://sandbox.cds-hooks.org"},
    )
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://sandbox.cds-hooks.org")

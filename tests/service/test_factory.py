"""The app factory: configuration layers and refusing to start on an unsafe configuration."""

from __future__ import annotations

import json

import pytest

from cds_service import create_app
from cds_service.errors import StartupError
from scoring import ModelError, load_model
from tests.model_files import write_model_file


@pytest.fixture(autouse=True)
def _authentication_off(monkeypatch):
    monkeypatch.setenv("PVP_CDS_AUTHENTICATION", "off")


def test_factory_defaults_use_the_model_file_s_alert_threshold():
    app = create_app()
    # 20%, chosen in docs/model-derivation.md section 4.
    assert app.extensions["pvp_cds"].tiers.high_from == 0.20


def test_environment_variable_sets_the_high_risk_threshold(monkeypatch):
    monkeypatch.setenv("PVP_CDS_HIGH_RISK_THRESHOLD", "0.2")
    assert create_app().extensions["pvp_cds"].tiers.high_from == 0.2


def test_test_config_overrides_the_environment(monkeypatch):
    monkeypatch.setenv("PVP_CDS_HIGH_RISK_THRESHOLD", "0.2")
    assert create_app({"HIGH_RISK_THRESHOLD": 0.3}).extensions["pvp_cds"].tiers.high_from == 0.3


@pytest.mark.parametrize("threshold", ["1.5", "high", "0", "true"])
def test_bad_high_risk_threshold_refuses_to_start(monkeypatch, threshold):
    monkeypatch.setenv("PVP_CDS_HIGH_RISK_THRESHOLD", threshold)
    with pytest.raises(StartupError, match="HIGH_RISK_THRESHOLD"):
        create_app()


def test_model_file_from_the_environment_is_loaded(monkeypatch, tmp_path):
    document = dict(load_model().document)
    document["version"] = "1.1.0"
    path = write_model_file(tmp_path / "recalibrated.json", document)
    monkeypatch.setenv("PVP_CDS_MODEL_FILE", str(path))
    assert create_app().extensions["pvp_cds"].model.version == "1.1.0"


def test_broken_model_file_refuses_to_start(monkeypatch, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{}")
    monkeypatch.setenv("PVP_CDS_MODEL_FILE", str(path))
    with pytest.raises(ModelError):
        create_app()


def test_model_whose_inputs_the_mappings_do_not_produce_refuses_to_start(monkeypatch, tmp_path):
    document = json.loads(json.dumps(load_model().document))
    document["predictors"][0]["name"] = "bone_density"
    for group in document["derivation_counts"]["groups"]:
        group["levels"]["bone_density"] = group["levels"].pop("intravertebral_vacuum_cleft")
    path = write_model_file(tmp_path / "other.json", document)
    monkeypatch.setenv("PVP_CDS_MODEL_FILE", str(path))
    with pytest.raises(StartupError, match=r"bone_density.*intravertebral_vacuum_cleft"):
        create_app()


def test_model_that_cannot_take_a_value_the_mappings_give_refuses_to_start(monkeypatch, tmp_path):
    # The mappings read cement as blocky or spongy; a model that knows only "blocky" and
    # "diffuse" would meet "spongy" on some patient's chart: refused before any request.
    document = json.loads(json.dumps(load_model().document))
    cement = next(p for p in document["predictors"] if p["name"] == "cement_distribution")
    cement["levels"][1]["values"] = ["diffuse"]
    path = write_model_file(tmp_path / "other-cement.json", document)
    monkeypatch.setenv("PVP_CDS_MODEL_FILE", str(path))
    with pytest.raises(StartupError, match="cement_distribution 'spongy'"):
        create_app()


def test_bad_site_mapping_file_refuses_to_start_naming_the_entry(monkeypatch, tmp_path):
    from fhir_mappings import MappingConfigError

    path = tmp_path / "site.yaml"
    path.write_text(
        "findings:\n"
        "  intravertebral_vacuum_cleft:\n"
        '    - {system: "http://h.example.org", code: 12}\n'
    )
    monkeypatch.setenv("PVP_CDS_MAPPING_FILE", str(path))
    with pytest.raises(MappingConfigError, match="intravertebral_vacuum_cleft"):
        create_app()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        # Not JSON, so it would arrive as the string "False" and read as true.
        ("PVP_CDS_ALLOW_HTTP_FHIR", "False", "PVP_CDS_ALLOW_HTTP_FHIR: expected true or false"),
        ("PVP_CDS_ALLOW_HTTP_FHIR", "1", "PVP_CDS_ALLOW_HTTP_FHIR: expected true or false"),
        ("PVP_CDS_FHIR_READ_TIMEOUT", "ten", "PVP_CDS_FHIR_READ_TIMEOUT: expected a number"),
        ("PVP_CDS_FHIR_READ_TIMEOUT", "0", "PVP_CDS_FHIR_READ_TIMEOUT: must be more than 0"),
        ("PVP_CDS_FHIR_MAX_PAGES", "2.5", "PVP_CDS_FHIR_MAX_PAGES: expected an integer"),
        (
            "PVP_CDS_FHIR_SERVERS",
            "https://fhir.example.org/r4",
            "PVP_CDS_FHIR_SERVERS: expected a JSON list of strings",
        ),
        ("PVP_CDS_JWT_ALGORITHMS", '["ES384", 384]', "PVP_CDS_JWT_ALGORITHMS: expected a JSON"),
        ("PVP_CDS_LOG_PSEUDONYM_KEY", "12345", "PVP_CDS_LOG_PSEUDONYM_KEY: expected a string"),
        ("PVP_CDS_LOG_LEVEL", "LOUD", "PVP_CDS_LOG_LEVEL: expected one of DEBUG, INFO"),
    ],
)
def test_setting_of_the_wrong_kind_refuses_to_start_naming_it(
    monkeypatch, variable, value, message
):
    monkeypatch.setenv(variable, value)
    with pytest.raises(StartupError, match=message):
        create_app()


def test_settings_given_as_json_are_taken(monkeypatch):
    monkeypatch.setenv("PVP_CDS_ALLOW_HTTP_FHIR", "true")
    monkeypatch.setenv("PVP_CDS_FHIR_SERVERS", '["http://127.0.0.1:8090/fhir"]')
    gate = create_app().extensions["pvp_cds_gate"]
    assert gate.allow_http_fhir is True
    assert gate.fhir_servers == {"http://127.0.0.1:8090/fhir"}


@pytest.mark.parametrize("url", ["https://fhir.example.org/r4/../admin", "fhir.example.org/r4"])
def test_a_global_fhir_server_that_is_not_a_base_url_refuses_to_start(url):
    # It could never match a fhirServer: every call sent there would fail instead.
    with pytest.raises(StartupError, match=r"PVP_CDS_FHIR_SERVERS\[1\]"):
        create_app({"AUTHENTICATION": "off", "FHIR_SERVERS": ["https://fhir.example.org/r4", url]})

"""pvp-cds recalibrate writes the new model's source attributes beside it: the new version, the
site's external validation, its validity in local data, its date and contact."""

from __future__ import annotations

import json

from cds_service import create_app
from pvp_cds.cli import main
from scoring import attributes_path, load_model, load_source_attributes

from .test_report_and_cli import cohort_csv


def recalibrated(tmp_path, *extra: str):
    out = tmp_path / "model.json"
    arguments = ["recalibrate", "--csv", str(cohort_csv(tmp_path)), "--site", "Example Hospital"]
    assert main([*arguments, "--out", str(out), *extra]) == 0
    return out


def by_id(path):
    model = load_model(path)
    return model, {item["id"]: item for item in load_source_attributes(model, path).attributes}


def test_the_new_model_file_has_its_attributes_beside_it_naming_its_version(tmp_path):
    out = recalibrated(tmp_path)
    attributes = json.loads(attributes_path(out).read_text())
    assert attributes["model"] == {"id": "li2021-pvp-residual-back-pain", "version": "1.1.0"}


def test_the_service_starts_on_the_recalibrated_model_and_serves_its_attributes(tmp_path):
    out = recalibrated(tmp_path)
    app = create_app({"TESTING": True, "AUTHENTICATION": "off", "MODEL_FILE": str(out)})
    served = app.test_client().get("/model-card/source-attributes.json").get_json()
    assert served["model"]["version"] == "1.1.0"


def test_the_sites_figures_fill_external_and_local_validity(tmp_path):
    model, attributes = by_id(recalibrated(tmp_path))
    block = model.recalibration
    external = attributes["external-validity"]["value"]
    assert f"AUC {block['metrics_before']['auc']:.3f}" in external
    assert f"{block['n']} patients ({block['events']} with residual back pain)" in external
    local = attributes["local-validity"]["value"]
    assert f"observed/expected {block['metrics_after']['observed_expected']:.3f}" in local
    assert "apparent" in local
    assert attributes["external-tester"]["value"].startswith("Example Hospital")
    assert "not_known" not in attributes["external-setting"]


def test_the_sites_contact_and_date_are_carried(tmp_path):
    model, attributes = by_id(recalibrated(tmp_path, "--contact", "spine-cds@example.org"))
    assert model.recalibration["contact"] == "spine-cds@example.org"
    developer = attributes["developer"]["value"][-1]
    assert developer == (
        f"Recalibrated at Example Hospital on {model.recalibration['created']}; "
        "contact: spine-cds@example.org."
    )


def test_what_the_site_did_not_measure_stays_not_known(tmp_path):
    _, attributes = by_id(recalibrated(tmp_path))
    assert "not_known" in attributes["external-fairness"]
    assert "not_known" in attributes["outcome-evaluations"]

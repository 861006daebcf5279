"""The model's source attributes: served as JSON beside the model card, pointed to from
discovery and the card's links, and read on the model card page in the rule's order."""

from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import pytest
import yaml

from cds_service import create_app
from scoring import ModelError

JSON_PATH = "/model-card/source-attributes.json"
SITE_FILE = """\
site: Example Hospital
owner: Spine service lead (Dr A. Example)
contact: spine-cds@example.org
reviewed: 2026-11-02
attributes:
  local-validity: AUC 0.74 on 412 patients, 2024-2025
"""


def schema():
    return json.loads(
        resources.files("scoring").joinpath("source-attributes.schema.json").read_text()
    )


@pytest.fixture
def site_app(tmp_path):
    path = tmp_path / "site-attributes.yaml"
    path.write_text(SITE_FILE)
    return create_app({"TESTING": True, "AUTHENTICATION": "off", "SITE_ATTRIBUTES_FILE": str(path)})


def test_the_attributes_are_served_as_json_valid_against_their_schema(client):
    response = client.get(JSON_PATH)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    jsonschema.validate(document, schema())
    assert len(document["attributes"]) == 31
    assert document["model"] == {"id": "li2021-pvp-residual-back-pain", "version": "1.0.0"}


def test_discovery_points_each_service_at_the_attributes_of_the_model_it_runs(client):
    for service in client.get("/cds-services").get_json()["services"]:
        pointer = service["extension"]["org.pvp-cds.source-attributes"]
        assert pointer["url"] == f"http://localhost{JSON_PATH}"
        assert (pointer["modelId"], pointer["modelVersion"]) == (
            "li2021-pvp-residual-back-pain",
            "1.0.0",
        )


def test_the_model_card_page_lists_the_attributes_in_the_rules_order(client):
    page = client.get("/model-card").get_data(as_text=True)
    shown = re.findall(r'<tr id="attribute-([a-z-]+)">\s*<td>([^<]+)</td>', page)
    served = client.get(JSON_PATH).get_json()["attributes"]
    assert [paragraph for _, paragraph in shown][:3] == ["(1)(i)", "(1)(ii)", "(1)(iii)"]
    assert [attribute_id for attribute_id, _ in shown] == [item["id"] for item in served]


def test_the_model_card_page_says_which_attributes_are_not_known(client):
    page = client.get("/model-card").get_data(as_text=True)
    row = re.search(r'<tr id="attribute-outcome-evaluations">.*?</tr>', page, re.S).group(0)
    assert "Not known." in row
    assert "No study has evaluated" in row


def test_the_model_card_page_links_the_json(client):
    assert f'href="{JSON_PATH}"' in client.get("/model-card").get_data(as_text=True)


def test_a_site_file_adds_who_answers_for_the_model_to_the_json_and_the_page(site_app):
    client = site_app.test_client()
    document = client.get(JSON_PATH).get_json()
    jsonschema.validate(document, schema())
    assert document["site"]["owner"] == "Spine service lead (Dr A. Example)"
    assert document["site"]["reviewed"] == "2026-11-02"
    page = client.get("/model-card").get_data(as_text=True)
    assert "Spine service lead (Dr A. Example)" in page
    row = re.search(r'<tr id="attribute-local-validity">.*?</tr>', page, re.S).group(0)
    assert "At this site:" in row and "AUC 0.74 on 412 patients, 2024-2025" in row


def test_a_site_file_that_fills_a_closed_attribute_refuses_to_start(tmp_path):
    path = tmp_path / "site.yaml"
    site = yaml.safe_load(SITE_FILE)
    site["attributes"] = {"internal-validity": "better"}
    path.write_text(yaml.safe_dump(site))
    with pytest.raises(ModelError, match=r"PVP_CDS_SITE_ATTRIBUTES_FILE .*internal-validity"):
        create_app({"TESTING": True, "AUTHENTICATION": "off", "SITE_ATTRIBUTES_FILE": str(path)})


def test_a_missing_site_file_refuses_to_start_naming_it(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(ModelError, match="cannot read site attributes file .*nowhere.yaml"):
        create_app({"TESTING": True, "AUTHENTICATION": "off", "SITE_ATTRIBUTES_FILE": str(path)})

"""The risk card links to the nomogram (the patient's four finding values, nothing else) and to
the model card, as CDS Hooks 2.0 Link objects of type absolute."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from cds_service import create_app
from cds_service.pages.links import nomogram_query
from fhir_mappings import codes

from . import fhir
from .conftest import SchemaCheckingClient
from .pages import read_nomogram_page

URL = "/cds-services/pvp-residual-back-pain"


def risk_card(client, observations):
    response = client.post(
        URL, json=fhir.hook_request(prefetch_data=fhir.prefetch(observations=observations))
    )
    assert response.status_code == 200, response.get_json()
    (card,) = response.get_json()["cards"]
    return card


def links_by_path(card):
    return {urlsplit(link["url"]).path: link for link in card["links"]}


def test_risk_card_links_to_the_nomogram_with_the_four_finding_values(client):
    card = risk_card(client, fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY))
    link = links_by_path(card)["/nomogram"]
    assert link["type"] == "absolute"
    assert parse_qs(urlsplit(link["url"]).query) == {
        "intravertebral_vacuum_cleft": ["true"],
        "posterior_fascia_oedema": ["false"],
        "goutallier_grade": ["3"],
        "cement_distribution": ["blocky"],
    }


def test_nomogram_link_carries_no_patient_data(client):
    card = risk_card(client, fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY))
    url = links_by_path(card)["/nomogram"]["url"]
    for value in (fhir.PATIENT_ID, "2026-03", "Procedure", "Observation"):
        assert value not in url


def test_unknown_finding_is_unknown_in_the_link(client):
    card = risk_card(client, fhir.findings(grade=2, cement=None))
    query = parse_qs(urlsplit(links_by_path(card)["/nomogram"]["url"]).query)
    assert query["cement_distribution"] == ["unknown"]


def test_risk_card_links_to_the_model_card(client):
    link = links_by_path(risk_card(client, fhir.findings()))["/model-card"]
    assert link["type"] == "absolute"
    assert "Model card" in link["label"]


def test_links_use_the_request_root_without_a_public_base_url(client):
    card = risk_card(client, fhir.findings())
    assert all(link["url"].startswith("http://localhost/") for link in card["links"])


@pytest.mark.parametrize("base", ["https://cds.example.org", "https://cds.example.org/pvp/"])
def test_links_use_the_public_base_url_when_set(base):
    app = create_app({"TESTING": True, "AUTHENTICATION": "off", "PUBLIC_BASE_URL": base})
    app.test_client_class = SchemaCheckingClient
    card = risk_card(app.test_client(), fhir.findings())
    paths = {link["url"].removeprefix(base.rstrip("/")).split("?")[0] for link in card["links"]}
    assert paths == {"/nomogram", "/model-card", "/model-card/source-attributes.json"}


def test_following_the_link_shows_the_cards_risk(client):
    # IVC + Goutallier 3 + blocky: logit 0.593 -> 64%, on the card and on the page.
    card = risk_card(client, fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY))
    assert "64%" in card["summary"]
    response = client.get(links_by_path(card)["/nomogram"]["url"])
    assert read_nomogram_page(response.get_data(as_text=True)).risk_text == "64%"


def test_a_boolean_and_an_integer_of_equal_value_are_different_query_tokens():
    # Python has True == 1; the nomogram's query spells them "true" and "1".
    assert nomogram_query({"finding": 1}) == "finding=1"
    assert nomogram_query({"finding": True}) == "finding=true"
    assert nomogram_query({"finding": 1}) == "finding=1"

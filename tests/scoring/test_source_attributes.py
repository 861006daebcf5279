"""The source attributes beside the model file: the rule's 31 attributes in its order, each
with a value and its sources or a reason it is not known; tied to the model's version; a site
adds only what the attributes invite it to."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from scoring import (
    AttributesError,
    ModelError,
    load_model,
    load_source_attributes,
    source_attributes_from_document,
    with_site,
)
from tests.model_files import packaged_attributes, write_model_file

#: 45 CFR 170.315(b)(11)(iv)(B): nine paragraphs with 4, 4, 2, 4, 2, 4, 5, 4 and 2 items.
RULE_PARAGRAPHS = [
    f"({paragraph})({item})"
    for paragraph, items in enumerate((4, 4, 2, 4, 2, 4, 5, 4, 2), start=1)
    for item in ("i", "ii", "iii", "iv", "v")[:items]
]

SITE = {
    "site": "Example Hospital",
    "owner": "Spine service lead (Dr A. Example)",
    "contact": "spine-cds@example.org",
    "reviewed": "2026-11-02",
    "next_review": "2027-11-02",
    "attributes": {"local-validity": "AUC 0.74 on 412 patients, 2024-2025"},
}


@pytest.fixture
def model():
    return load_model()


@pytest.fixture
def document():
    return packaged_attributes()


def test_packaged_attributes_are_the_rules_31_in_its_order(model):
    attributes = load_source_attributes(model).attributes
    assert [item["paragraph"] for item in attributes] == RULE_PARAGRAPHS
    assert len(RULE_PARAGRAPHS) == 31


def test_every_packaged_attribute_has_sources_for_its_value_or_a_reason_it_is_not_known(model):
    for item in load_source_attributes(model).attributes:
        if "value" in item:
            assert item["sources"], item["id"]
        else:
            assert item["not_known"], item["id"]


def test_the_derivation_cohorts_sex_is_table_1s(model):
    # Table 1: group N 185 women and 46 men, group R 30 and 7.
    by_id = {item["id"]: item for item in load_source_attributes(model).attributes}
    assert "Sex: 215 women (80.2%), 53 men (19.8%)" in by_id["training-representativeness"]["value"]


def test_no_demographic_variable_is_an_input(model):
    by_id = {item["id"]: item for item in load_source_attributes(model).attributes}
    assert by_id["demographic-inputs"]["value"].startswith("None.")
    assert {p.name for p in model.predictors} == {
        "intravertebral_vacuum_cleft",
        "posterior_fascia_oedema",
        "goutallier_grade",
        "cement_distribution",
    }


def test_attributes_of_another_model_version_are_refused(model, document):
    document["model"]["version"] = "1.1.0"
    with pytest.raises(AttributesError, match=r"describes .* v1\.1\.0.* is .* v1\.0\.0"):
        source_attributes_from_document(document, model)


def test_an_attribute_out_of_the_rules_order_is_refused(model, document):
    attributes = document["attributes"]
    attributes[0], attributes[1] = attributes[1], attributes[0]
    with pytest.raises(AttributesError, match=r"attributes/[01]/\w+: .* was expected"):
        source_attributes_from_document(document, model)


def test_an_attribute_with_neither_value_nor_reason_is_refused(model, document):
    del document["attributes"][4]["value"]
    del document["attributes"][4]["sources"]
    with pytest.raises(AttributesError, match="attributes/4"):
        source_attributes_from_document(document, model)


def test_a_value_without_its_sources_is_refused(model, document):
    del document["attributes"][0]["sources"]
    with pytest.raises(AttributesError, match="attributes/0"):
        source_attributes_from_document(document, model)


def test_a_site_entry_in_the_models_own_file_is_refused(model, document):
    document["attributes"][26]["site"] = {"value": "fine", "source": "us"}
    with pytest.raises(AttributesError, match="site file"):
        source_attributes_from_document(document, model)


def test_a_model_file_without_attributes_beside_it_is_refused_naming_the_path(tmp_path, model):
    path = tmp_path / "site-model.json"
    path.write_text(json.dumps(dict(model.document)))
    with pytest.raises(ModelError, match=r"site-model\.source-attributes\.json"):
        load_source_attributes(model, path)


def test_a_model_file_with_its_attributes_beside_it_loads(tmp_path, model):
    document = copy.deepcopy(dict(model.document))
    document["version"] = "1.3.0"
    path = write_model_file(tmp_path / "site-model.json", document)
    recalibrated = load_model(path)
    assert load_source_attributes(recalibrated, path).document["model"]["version"] == "1.3.0"


def test_a_site_file_adds_its_block_and_its_entries_apart_from_the_models_values(model):
    attributes = with_site(load_source_attributes(model), SITE, "site.yaml")
    assert attributes.site == {k: v for k, v in SITE.items() if k != "attributes"}
    local = next(a for a in attributes.attributes if a["id"] == "local-validity")
    assert local["site"] == {
        "value": "AUC 0.74 on 412 patients, 2024-2025",
        "source": "site file of Example Hospital",
    }
    assert local["not_known"].startswith("Known only at a site")


def test_a_site_file_in_yaml_with_plain_dates_is_read(model):
    site = yaml.safe_load("site: H\nowner: O\ncontact: C\nreviewed: 2026-11-02\n")
    assert with_site(load_source_attributes(model), site, "s.yaml").site["reviewed"] == (
        "2026-11-02"
    )


def test_a_site_entry_for_an_attribute_that_takes_none_is_refused(model):
    site = {**SITE, "attributes": {"internal-validity": "AUC 0.99"}}
    with pytest.raises(AttributesError, match="internal-validity cannot take a site's entry"):
        with_site(load_source_attributes(model), site, "site.yaml")


def test_a_site_entry_for_no_attribute_is_refused(model):
    site = {**SITE, "attributes": {"local-owner": "me"}}
    with pytest.raises(AttributesError, match="no attribute local-owner"):
        with_site(load_source_attributes(model), site, "site.yaml")


def test_a_site_file_without_its_owner_is_refused(model):
    site = {k: v for k, v in SITE.items() if k != "owner"}
    with pytest.raises(AttributesError, match="'owner' is a required property"):
        with_site(load_source_attributes(model), site, "site.yaml")

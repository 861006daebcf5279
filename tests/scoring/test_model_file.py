"""The model file: schema-validated at load; refused when broken or of another version."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from scoring import ModelError, load_model, model_from_document


@pytest.fixture
def document():
    return copy.deepcopy(dict(load_model().document))


def test_packaged_model_loads_with_its_id_and_version():
    model = load_model()
    assert (model.id, model.version) == ("li2021-pvp-residual-back-pain", "1.1.0")


def test_packaged_model_records_the_papers_provenance_and_performance():
    model = load_model()
    assert model.model_card["doi"] == "10.21203/rs.3.rs-468850/v1"
    assert (model.cohort_size, model.cohort_events) == (268, 37)
    assert model.performance["auc"] == 0.780
    assert model.performance["c_index"] == {
        "estimate": 0.774,
        "ci95_low": 0.696,
        "ci95_high": 0.852,
    }
    assert model.performance["c_index_bootstrap"] == 0.752
    assert model.performance["decision_curve_net_benefit"] == {
        "threshold_low": 0.06,
        "threshold_high": 0.66,
    }


def test_model_file_from_a_path_loads(tmp_path, document):
    path = tmp_path / "recalibrated.json"
    document["intercept"]["coefficient"] = -3.0
    path.write_text(json.dumps(document))
    assert load_model(path).intercept == -3.0


def _set(path: str, value):
    def apply(document):
        *parents, last = path.split("/")
        node = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return apply


def _delete(path: str):
    def apply(document):
        *parents, last = path.split("/")
        node = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[int(last) if last.isdigit() else last]

    return apply


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        pytest.param(_set("schema_version", 2), "schema_version is 2", id="other-schema-version"),
        pytest.param(_delete("schema_version"), "schema_version is None", id="no-schema-version"),
        pytest.param(_delete("intercept"), "'intercept' is a required property", id="no-intercept"),
        pytest.param(
            _set("intercept/coefficient", "-3.361"),
            "intercept/coefficient",
            id="string-coefficient",
        ),
        pytest.param(_set("colour", "blue"), "'colour' was unexpected", id="unknown-property"),
        pytest.param(
            _delete("predictors/2/levels/1/coefficient"),
            "predictors/2/levels/1",
            id="no-coefficient",
        ),
        pytest.param(
            _set("predictors/3/levels/1/reference", True),
            "predictors/3/levels/1",
            id="reference-with-coefficient",
        ),
        pytest.param(
            _delete("predictors/0/levels/0/reference"),
            "predictors/0/levels/0",
            id="level-neither-reference-nor-fitted",
        ),
        pytest.param(_set("model_card/doi", "rs-468850"), "model_card/doi", id="bad-doi"),
        pytest.param(_delete("model_card/limitations"), "'limitations'", id="no-limitations"),
        pytest.param(_set("performance/auc", 1.2), "performance/auc", id="auc-above-one"),
        pytest.param(_set("version", "1.0"), "version", id="version-not-semver"),
        pytest.param(_set("predictors", []), "predictors", id="no-predictors"),
    ],
)
def test_broken_model_file_is_refused_naming_the_failing_field(document, breakage, message):
    breakage(document)
    with pytest.raises(ModelError, match=message):
        model_from_document(document)


def test_predictor_with_two_reference_levels_is_refused(document):
    level = document["predictors"][2]["levels"][1]
    del level["coefficient"], level["standard_error"]
    level["reference"] = True
    with pytest.raises(
        ModelError, match="'goutallier_grade': exactly one level must be the reference"
    ):
        model_from_document(document)


def test_value_in_two_levels_is_refused(document):
    document["predictors"][2]["levels"][1]["values"] = [1, 2]
    with pytest.raises(
        ModelError, match="'goutallier_grade': value 1 belongs to more than one level"
    ):
        model_from_document(document)


def test_repeated_predictor_name_is_refused(document):
    document["predictors"][1]["name"] = "intravertebral_vacuum_cleft"
    with pytest.raises(ModelError, match="predictor names repeated: intravertebral_vacuum_cleft"):
        model_from_document(document)


def test_more_events_than_patients_is_refused(document):
    document["derivation_cohort"]["events"] = 300
    with pytest.raises(ModelError, match="events must be fewer than size"):
        model_from_document(document)


def test_model_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("{coefficients: -3.361")
    with pytest.raises(ModelError, match="not JSON"):
        load_model(path)


def test_missing_model_file_is_refused_with_its_path(tmp_path):
    with pytest.raises(ModelError, match="cannot read model file .*absent.json"):
        load_model(tmp_path / "absent.json")


def test_scoring_core_imports_and_predicts_without_flask_requests_or_fhir():
    script = """
import sys
for name in ("flask", "requests", "fhir", "fhir.resources", "fhir_core", "werkzeug"):
    sys.modules[name] = None  # any import of these now raises ImportError
import scoring
model = scoring.load_model()
estimate = scoring.predict(model, {
    "intravertebral_vacuum_cleft": True, "posterior_fascia_oedema": False,
    "goutallier_grade": 3, "cement_distribution": "blocky"}, scoring.RiskTiers.for_model(model))
print(round(estimate.probability.low, 4))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0.6441"  # logit -3.361 + 1.332 + 2.622 = 0.593

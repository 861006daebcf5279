"""GET /nomogram: the picture behind the card's number, the patient's place on it."""

from __future__ import annotations

import itertools
import json
import math
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cds_service import create_app
from cds_service.pages import CONTENT_SECURITY_POLICY
from scoring import RiskTiers, load_model, predict
from tests.model_files import write_model_file

from .pages import read_nomogram_page

MODEL = load_model()


def token(value):
    return "unknown" if value is None else value if isinstance(value, str) else json.dumps(value)


def every_query():
    """Every combination of the model's values, each finding also unknown: 3 x 3 x 6 x 3."""
    domains = [[(p.name, v) for v in (*p.domain, None)] for p in MODEL.predictors]
    return [dict(combination) for combination in itertools.product(*domains)]


def level_label(name, value):
    predictor = next(p for p in MODEL.predictors if p.name == name)
    return next(level.label for level in predictor.levels if level.includes(value))


def get_page(client, findings):
    query = urlencode({name: token(value) for name, value in findings.items()})
    response = client.get(f"/nomogram?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return read_nomogram_page(response.get_data(as_text=True))


def test_page_numbers_equal_the_scoring_core_for_every_combination(client):
    tiers = RiskTiers.for_model(MODEL)
    for findings in every_query():
        page = get_page(client, findings)
        estimate = predict(MODEL, findings, tiers)
        shown = page.result
        assert float(shown["data-probability-low"]) == estimate.probability.low, findings
        assert float(shown["data-probability-high"]) == estimate.probability.high, findings
        assert float(shown["data-total-points-low"]) == estimate.total_points.low, findings
        assert float(shown["data-total-points-high"]) == estimate.total_points.high, findings


def level_count(name):
    return len(next(p for p in MODEL.predictors if p.name == name).levels)


def test_page_marks_each_known_category_and_each_level_an_unknown_finding_could_take(client):
    for findings in every_query():
        page = get_page(client, findings)
        for name, value in findings.items():
            marks = page.axes[name]
            if value is None:
                assert marks.chosen == [] and not marks.has_marker, (findings, name)
                assert len(marks.possible) == level_count(name), (findings, name)
                assert marks.status.startswith("unknown: 0")
            else:
                assert marks.chosen == [level_label(name, value)], (findings, name)
                assert (len(marks.markers), marks.has_marker) == (1, True), (findings, name)


def test_page_draws_one_dot_per_combination_of_the_unknown_findings_and_no_band(client):
    for findings in every_query():
        page = get_page(client, findings)
        combinations = math.prod(
            level_count(name) for name, value in findings.items() if value is None
        )
        for axis in ("total-points", "linear-predictor", "risk"):
            marks = page.axes[axis]
            if combinations == 1:
                assert (len(marks.markers), marks.has_marker) == (1, True), findings
            else:
                # Li 2021's coefficients put no two combinations on the same total.
                assert len(marks.possible) == len(marks.markers) == combinations, findings
        assert page.band_elements == 0, findings


def test_high_risk_patient_reads_64_percent_at_181_points(client):
    # Points: IVC 1.332, Goutallier 3-4 2.622 and blocky (against spongy) 0.800 units, times
    # 100 / 2.622: 50.8 + 100 + 30.5 = 181.3. Risk: logit -3.361 + 1.332 + 2.622 = 0.593 -> 64%.
    page = get_page(
        client,
        {
            "intravertebral_vacuum_cleft": True,
            "posterior_fascia_oedema": False,
            "goutallier_grade": 3,
            "cement_distribution": "blocky",
        },
    )
    assert page.risk_text == "64%"
    assert page.axes["total-points"].status == "181"
    assert page.axes["goutallier_grade"].chosen == ["grade 3-4"]
    assert page.axes["cement_distribution"].chosen == ["blocky"]


def threshold_x(total_points):
    """Axes run from 3% to 97% of the width; the total-points axis ends at 250."""
    return 3 + 94 * total_points / 250


def test_unknown_cement_shows_its_two_possible_risks_and_which_gives_which(client):
    # Goutallier 2 alone: spongy -3.361 + 1.758 - 0.800 = -2.403 -> 8.3% at 1.758 x 100 /
    # 2.622 = 67.05 points; blocky -1.603 -> 16.8% at 67.05 + 0.800 x 100 / 2.622 = 97.56.
    page = get_page(
        client,
        {
            "intravertebral_vacuum_cleft": False,
            "posterior_fascia_oedema": False,
            "goutallier_grade": 2,
        },
    )
    # The card's range in whole percent, then which value gives which.
    assert page.risk_text == "8%-17%"
    assert page.possible_text == "Bone cement distribution unknown: 8% if spongy, 17% if blocky."
    assert page.axes["cement_distribution"].status == "unknown: 0 or 31 points"
    assert page.axes["total-points"].status == "67 or 98"
    assert page.axes["risk"].status == "8% or 17% (alert from 20%)"
    risk = page.axes["risk"].possible
    assert [marker.x for marker in risk] == pytest.approx(
        [threshold_x(67.05), threshold_x(97.56)], abs=0.01
    )
    assert [marker.title for marker in risk] == [
        "8% with Bone cement distribution: spongy",
        "17% with Bone cement distribution: blocky",
    ]
    assert page.band_elements == 0


def test_unknown_goutallier_and_cement_show_their_six_possible_risks(client):
    # IVC and oedema absent: logit -3.361 + Goutallier (0, 1.758, 2.622) + cement (spongy
    # -0.800, blocky 0); points Goutallier 0, 67.05, 100 and blocky 30.51 (x 100 / 2.622).
    expected = [
        ("grade 0-1", "spongy", 0.0, -4.161),  # 1.5%
        ("grade 0-1", "blocky", 30.51, -3.361),  # 3.4%
        ("grade 2", "spongy", 67.05, -2.403),  # 8.3%
        ("grade 2", "blocky", 97.56, -1.603),  # 16.8%
        ("grade 3-4", "spongy", 100.0, -1.539),  # 17.7%
        ("grade 3-4", "blocky", 130.51, -0.739),  # 32.3%
    ]
    page = get_page(
        client, {"intravertebral_vacuum_cleft": False, "posterior_fascia_oedema": False}
    )
    header, *rows = page.possible_rows
    assert header == [
        "Risk",
        "Points",
        "Paraspinal muscle degeneration (Goutallier grade)",
        "Bone cement distribution",
    ]
    assert rows == [
        [percent_by_hand(logit), f"{points:.0f}", grade, cement]
        for grade, cement, points, logit in expected
    ]
    assert [row[0] for row in rows] == ["2%", "3%", "8%", "17%", "18%", "32%"]
    assert page.axes["risk"].status == "one of 6 values from 2% to 32% (alert from 20%)"
    risk = page.axes["risk"].possible
    assert [marker.x for marker in risk] == pytest.approx(
        [threshold_x(points) for _, _, points, _ in expected], abs=0.01
    )
    assert risk[3].title == (
        "17% with Paraspinal muscle degeneration (Goutallier grade): grade 2, "
        "Bone cement distribution: blocky"
    )
    assert page.possible_text == ""
    assert page.band_elements == 0


def percent_by_hand(logit):
    return f"{100 / (1 + math.exp(-logit)):.0f}%"


def test_a_finding_left_out_of_the_query_is_unknown(client):
    page = get_page(client, {})
    # Nothing known: from the lowest 1.5% (0 points) to the highest 87.8% (233.8 points),
    # 2 x 2 x 3 x 2 = 24 combinations; no two give the same total in whole points.
    assert page.risk_text == "2%-88%"
    assert page.axes["total-points"].status == "one of 24 values from 0 to 234"
    assert page.axes["risk"].status == "one of 24 values from 2% to 88% (alert from 20%)"
    assert len(page.possible_rows) == 1 + 24


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("goutallier_grade=5", "&#39;goutallier_grade&#39; cannot be &#39;5&#39;"),
        ("intravertebral_vacuum_cleft=yes", "&#39;intravertebral_vacuum_cleft&#39; cannot be"),
        ("cement_distribution=Blocky", "&#39;cement_distribution&#39; cannot be &#39;Blocky"),
        ("patient=123", "&#39;patient&#39; is not a finding of this model"),
        ("goutallier_grade=2&goutallier_grade=3", "is given 2 times; give it once"),
    ],
)
def test_invalid_query_gets_a_400_page_saying_what_is_allowed(client, query, message):
    response = client.get(f"/nomogram?{query}")
    assert response.status_code == 400
    assert response.content_type.startswith("text/html")
    text = response.get_data(as_text=True)
    assert message in text
    assert "0, 1, 2, 3, 4, unknown" in text
    assert "blocky, spongy, unknown" in text


def test_pages_send_a_strict_content_security_policy_and_no_cookie(client):
    for path in ("/nomogram", "/model-card", "/nomogram?goutallier_grade=9"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "Set-Cookie" not in response.headers
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_page_loads_nothing_from_outside_the_service_and_has_no_inline_script(client):
    response = client.get("/nomogram")
    page = read_nomogram_page(response.get_data(as_text=True))
    assert page.inline_scripts == 0
    assert page.loads and all(
        url.startswith("/") and not url.startswith("//") for url in page.loads
    )
    for url in page.loads[:-1]:  # the last is the form's action, the page itself
        with client.get(url) as asset:
            assert asset.status_code == 200, url


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/pages/static/pages.css", "text/css"), ("/pages/static/nomogram.js", "text/javascript")],
)
def test_page_assets_are_served_by_the_service(client, path, content_type):
    with client.get(path) as response:
        assert response.status_code == 200
        assert response.content_type.startswith(content_type)


def test_every_finding_has_a_labelled_control(client):
    text = client.get("/nomogram").get_data(as_text=True)
    for predictor in MODEL.predictors:
        assert f'<label for="{predictor.name}">' in text
        assert f'<select id="{predictor.name}" name="{predictor.name}">' in text


def test_pages_need_no_authentication_when_the_service_requires_it(tmp_path):
    clients = "clients:\n  - issuer: https://ehr.example.org/\n    jwks_url: https://ehr.example.org/jwks\n"
    (tmp_path / "clients.yaml").write_text(clients)
    app = create_app(
        {
            "TESTING": True,
            "TRUSTED_CLIENTS_FILE": str(tmp_path / "clients.yaml"),
            "PUBLIC_BASE_URL": "https://cds.example.org",
        }
    )
    client = app.test_client()
    assert client.get("/cds-services").status_code == 401
    assert client.get("/nomogram").status_code == 200
    assert client.get("/model-card").status_code == 200


def test_recalibrated_model_file_redraws_the_page(tmp_path):
    # A site's intercept one unit higher: the reference patient's logit -2.361 -> 8.6%
    # (blocky cement, nothing else): 1 / (1 + e^2.361) = 0.0862.
    document = json.loads(json.dumps(MODEL.document))
    document["intercept"]["coefficient"] = -2.361
    write_model_file(tmp_path / "site.json", document)
    client = create_app(
        {"TESTING": True, "AUTHENTICATION": "off", "MODEL_FILE": str(tmp_path / "site.json")}
    ).test_client()
    page = get_page(
        client,
        {
            "intravertebral_vacuum_cleft": False,
            "posterior_fascia_oedema": False,
            "goutallier_grade": 0,
            "cement_distribution": "blocky",
        },
    )
    assert page.risk_text == "9%"


query_parts = st.lists(
    st.tuples(
        st.sampled_from([p.name for p in MODEL.predictors]) | st.text(max_size=12),
        st.sampled_from(["true", "false", "0", "4", "blocky", "unknown", ""]) | st.text(max_size=8),
    ),
    max_size=6,
)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(parts=query_parts)
def test_any_query_string_gets_the_page_or_a_400_never_a_500(client, parts):
    response = client.get(f"/nomogram?{urlencode(parts)}")
    assert response.status_code in (200, 400)
    assert response.content_type.startswith("text/html")


def test_risk_axis_marks_where_the_alert_starts(client):
    # Default threshold 20%: logit ln(0.2/0.8) = -1.3863, (-1.3863 + 4.161) x 38.139 = 105.82
    # points.
    page = get_page(client, {})
    assert page.axes["risk"].threshold == pytest.approx(threshold_x(105.82), abs=0.01)
    assert page.axes["risk"].status.endswith("(alert from 20%)")


def test_site_threshold_moves_the_mark():
    # 50%: logit 0, 4.161 x 38.139 = 158.7 points.
    client = create_app(
        {"TESTING": True, "AUTHENTICATION": "off", "HIGH_RISK_THRESHOLD": 0.5}
    ).test_client()
    page = get_page(client, {})
    assert page.axes["risk"].threshold == pytest.approx(threshold_x(158.7), abs=0.01)
    assert page.axes["risk"].status.endswith("(alert from 50%)")


def test_threshold_no_patient_can_reach_is_not_drawn():
    # The highest risk is 87.8%: a 95% threshold has nowhere to stand.
    client = create_app(
        {"TESTING": True, "AUTHENTICATION": "off", "HIGH_RISK_THRESHOLD": 0.95}
    ).test_client()
    assert get_page(client, {}).axes["risk"].threshold is None


def test_nomogram_page_states_the_models_limits(client):
    text = client.get("/nomogram").get_data(as_text=True)
    assert '<h2 id="limits-heading">Limits</h2>' in text
    assert "internal (bootstrap) validation only" in text

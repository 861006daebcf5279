"""The report is self-contained and the commands write what they say, or refuse with a message."""

from __future__ import annotations

import json
import re

import pytest

from pvp_cds.cli import main
from scoring import load_model
from validation import evaluate, write_report
from validation.outcome import OutcomeWindow

from .cohorts import draw_cohort

RESAMPLES = 30
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    cohort = draw_cohort(400, seed=5)
    metrics = evaluate(cohort, 0.138, resamples=RESAMPLES)
    out = tmp_path_factory.mktemp("report")
    return write_report(
        out,
        load_model(),
        cohort,
        metrics,
        OutcomeWindow.for_model(load_model()),
        resamples=RESAMPLES,
        seed=1,
    ), cohort


def test_report_embeds_the_three_figures_as_png_data(report):
    html = report[0].html.read_text()
    images = re.findall(r'<img alt="[^"]+" src="data:image/png;base64,', html)
    assert len(images) == 3


def test_report_loads_nothing_from_the_network(report):
    html = report[0].html.read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<script" not in html


def test_figures_are_written_as_png_files(report):
    assert [path.name for path in report[0].figures] == [
        "calibration.png",
        "roc.png",
        "decision-curve.png",
    ]
    assert all(path.read_bytes().startswith(PNG_SIGNATURE) for path in report[0].figures)


def test_metrics_json_counts_the_cohort(report):
    summary = json.loads(report[0].metrics_json.read_text())
    cohort = report[1]
    assert (summary["cohort"]["included"], summary["cohort"]["events"]) == (cohort.n, cohort.events)
    assert set(summary["metrics"]) == {
        "auc",
        "calibration_in_the_large",
        "calibration_slope",
        "observed_expected",
        "brier",
        "scaled_brier",
        "flagged",
        "sensitivity",
        "specificity",
        "ppv",
        "npv",
    }


def test_small_cohort_report_carries_the_warning(report):
    summary = json.loads(report[0].metrics_json.read_text())
    assert any("fewer than 100" in warning for warning in summary["warnings"])
    assert "fewer than 100" in report[0].html.read_text()


def cohort_csv(tmp_path, rows: int = 300):
    cohort_lines = [
        "procedure_date,intravertebral_vacuum_cleft,posterior_fascia_oedema,"
        "goutallier_grade,cement_distribution,pain_score,pain_score_day,exclusion"
    ]
    patterns = [
        ("no", "no", 0, "spongy", 1),
        ("no", "no", 1, "blocky", 2),
        ("yes", "no", 2, "blocky", 5),
        ("no", "yes", 3, "blocky", 6),
        ("no", "no", 2, "spongy", 3),
        ("yes", "yes", 4, "blocky", 2),
        ("no", "no", 3, "spongy", 4),
        ("no", "no", 0, "blocky", 0),
        ("no", "no", 2, "blocky", 1),
    ]
    for number in range(rows):
        ivc, oedema, grade, cement, pain = patterns[number % len(patterns)]
        cohort_lines.append(
            f"2025-02-{1 + number % 28:02d},{ivc},{oedema},{grade},{cement},{pain},30,"
        )
    path = tmp_path / "cohort.csv"
    path.write_text("\n".join(cohort_lines) + "\n", encoding="utf-8")
    return path


def test_validate_command_writes_the_report(tmp_path, capsys):
    out = tmp_path / "report"
    code = main(
        ["validate", "--csv", str(cohort_csv(tmp_path)), "--out", str(out), "--bootstrap", "20"]
    )
    assert code == 0
    assert (out / "report.html").is_file() and (out / "metrics.json").is_file()
    assert "300 patients screened, 300 included" in capsys.readouterr().out


def test_validate_command_uses_the_configured_threshold(tmp_path, monkeypatch):
    monkeypatch.setenv("PVP_CDS_HIGH_RISK_THRESHOLD", "0.3")
    out = tmp_path / "report"
    main(["validate", "--csv", str(cohort_csv(tmp_path)), "--out", str(out), "--bootstrap", "10"])
    assert json.loads((out / "metrics.json").read_text())["threshold"] == 0.3


def test_validate_command_refuses_a_bad_csv_naming_the_cell(tmp_path, capsys):
    path = cohort_csv(tmp_path)
    path.write_text(path.read_text().replace(",spongy,1,", ",sponge,1,", 1))
    code = main(["validate", "--csv", str(path), "--out", str(tmp_path / "r")])
    assert code == 2
    assert "row 2, cement_distribution: 'sponge' is not a possible value" in capsys.readouterr().err


def recalibrate(tmp_path, *extra: str) -> tuple[int, object]:
    out = tmp_path / "model.json"
    code = main(
        [
            "recalibrate",
            "--csv",
            str(cohort_csv(tmp_path, rows=120)),
            "--method",
            "logistic",
            "--site",
            "Example Hospital",
            "--out",
            str(out),
            *extra,
        ]
    )
    return code, out


def test_recalibration_below_the_minimum_refuses_and_writes_nothing(tmp_path, capsys):
    # 120 patients, 40 events: fewer than the 100 events a calibration slope needs.
    code, out = recalibrate(tmp_path)
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "refusing to write a recalibrated model: 120 patients (40 events" in err
    assert "Pass --force" in err


def test_forced_recalibration_writes_a_model_that_says_it_was_forced(tmp_path, capsys):
    code, out = recalibrate(tmp_path, "--force")
    assert code == 0
    model = load_model(out)
    assert model.recalibration["method"] == "logistic"
    assert model.recalibration["period"] == "2025-02-01 to 2025-02-28"
    assert "sample-below-minimum" in model.recalibration["forced"]
    assert "warning: forced past a guard: 120 patients" in capsys.readouterr().out


def test_recalibrate_prints_the_fitted_values_and_every_combination(tmp_path, capsys):
    recalibrate(tmp_path, "--force")
    printed = capsys.readouterr().out
    assert "  intercept " in printed and "  slope " in printed and "(95% CI" in printed
    assert printed.count(" -> ") >= 2 * 24
    assert "apparent" in printed


def test_validate_needs_a_source(capsys):
    with pytest.raises(SystemExit):
        main(["validate", "--out", "x"])
    assert "one of the arguments --csv --fhir is required" in capsys.readouterr().err


def test_validate_command_reports_an_unreachable_fhir_server(tmp_path, capsys):
    # Port 9 (discard) on loopback: nothing listens, the connection is refused.
    code = main(
        [
            "validate",
            "--fhir",
            "http://127.0.0.1:9/fhir",
            "--token",
            "some-opaque-access-token",
            "--out",
            str(tmp_path),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "the FHIR server could not be reached (Procedure" in err
    assert "some-opaque-access-token" not in err


def test_report_names_each_interval_method(report):
    html = report[0].html.read_text()
    for method in ("Wilson score", "Wald, from the logistic fit", "percentile bootstrap"):
        assert f"<td>{method}</td>" in html


def test_report_tabulates_the_alert_burden_at_the_site_threshold(report):
    summary = json.loads(report[0].metrics_json.read_text())
    cohort = report[1]
    site = next(row for row in summary["thresholds"] if row["threshold"] == 0.138)
    assert site["flagged"] == int((cohort.probability >= 0.138).sum())
    assert "13.8% (this site)" in report[0].html.read_text()


def test_report_gives_the_brier_score_its_reference(report):
    summary = json.loads(report[0].metrics_json.read_text())
    rate = report[1].events / report[1].n
    assert summary["brier_reference"] == pytest.approx(rate * (1 - rate))


def test_report_sets_the_case_mix_beside_the_paper(report):
    html = report[0].html.read_text()
    assert "Li et al. 2021, Tables 2-3 (n = 268)" in html
    assert "37 (13.8%)" in html


def test_decision_curve_is_reported_as_runs_within_the_range_examined(report):
    decision = json.loads(report[0].metrics_json.read_text())["decision_curve"]
    assert decision["range_examined"] == [0.05, 0.40]
    for run in decision["model_beats_both"] + decision["model_beats_both_at_95"]:
        assert 0.05 <= run["from"] <= run["to"] <= 0.40

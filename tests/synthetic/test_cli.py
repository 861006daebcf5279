"""``pvp-cds synth``: transaction Bundles written to a folder, reproducibly."""

from __future__ import annotations

import json

import pytest

from pvp_cds.cli import main


def synth(out, *options: str) -> int:
    return main(["synth", "--out", str(out), *options])


def patients_in(path) -> list[str]:
    bundle = json.loads(path.read_text())
    return [
        e["resource"]["id"] for e in bundle["entry"] if e["request"]["url"].startswith("Patient/")
    ]


def test_synth_writes_the_named_patients_and_the_cohort_in_batches(tmp_path):
    assert synth(tmp_path, "--patients", "5", "--seed", "3", "--batch-size", "2") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "named-patients.json",
        "synthetic-seed3-001.json",
        "synthetic-seed3-002.json",
        "synthetic-seed3-003.json",
    ]
    assert len(patients_in(tmp_path / "named-patients.json")) == 12
    assert patients_in(tmp_path / "synthetic-seed3-003.json") == ["synth-3-00005"]


def test_synth_with_the_same_seed_writes_identical_files(tmp_path):
    synth(tmp_path / "first", "--patients", "12", "--seed", "5")
    synth(tmp_path / "second", "--patients", "12", "--seed", "5")
    first = {p.name: p.read_bytes() for p in (tmp_path / "first").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "second").iterdir()}
    assert first == second


def test_synth_with_another_seed_writes_other_patients(tmp_path):
    synth(tmp_path / "first", "--patients", "12", "--seed", "5")
    synth(tmp_path / "second", "--patients", "12", "--seed", "6")
    first = (tmp_path / "first" / "synthetic-seed5-001.json").read_text()
    second = (tmp_path / "second" / "synthetic-seed6-001.json").read_text()
    assert first.replace("synth-5-", "synth-6-") != second


def test_synth_reports_the_files_and_the_events(tmp_path, capsys):
    synth(tmp_path, "--patients", "4", "--seed", "3")
    printed = capsys.readouterr().out
    assert f"{tmp_path / 'named-patients.json'}: 12 patients" in printed
    assert "Generated 4 patients (seed 3): " in printed


@pytest.mark.parametrize(
    "options, message",
    [
        (["--patients", "-1"], "must be 0 or more, got -1"),
        (["--patients", "many"], "not an integer: 'many'"),
        (["--seed", str(2**64)], "must be at most"),
        (["--batch-size", "0"], "must be 1 or more, got 0"),
    ],
)
def test_synth_refuses_bad_options(tmp_path, capsys, options, message):
    with pytest.raises(SystemExit) as exit_:
        synth(tmp_path, *options)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err

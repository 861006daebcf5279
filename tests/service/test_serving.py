"""How pvp-cds serve configures gunicorn."""

from __future__ import annotations

import os

import pytest

from cds_service import create_app, serving


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [
        ("150000 100000", 2),  # 1.5 CPUs: two workers, the second one half used
        ("100000 100000", 1),
        ("50000 100000", 1),  # half a CPU still needs one worker
    ],
)
def test_a_container_cpu_quota_sets_the_cores(tmp_path, cpu_max, expected):
    (tmp_path / "cpu.max").write_text(cpu_max + "\n")
    assert serving.available_cores(tmp_path / "cpu.max") == min(
        expected, len(os.sched_getaffinity(0))
    )


def test_without_a_quota_the_cores_are_those_the_process_may_run_on(tmp_path):
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert serving.available_cores(tmp_path / "cpu.max") == len(os.sched_getaffinity(0))
    assert serving.available_cores(tmp_path / "absent") == len(os.sched_getaffinity(0))


def test_workers_and_graceful_timeout_come_from_the_settings():
    app = create_app(
        {"TESTING": True, "AUTHENTICATION": "off", "WORKERS": 3, "GRACEFUL_TIMEOUT": 7}
    )
    options = serving.options(app.config, bind="127.0.0.1:8080", threads=4)
    assert (options["workers"], options["graceful_timeout"], options["threads"]) == (3, 7, 4)
    assert "when_ready" not in options  # no metrics port set: no metrics server


def test_workers_default_to_one_per_available_core():
    app = create_app({"TESTING": True, "AUTHENTICATION": "off"})
    options = serving.options(app.config, bind="127.0.0.1:8080", threads=8)
    assert options["workers"] == serving.available_cores()


def test_a_worker_count_that_is_not_a_positive_integer_stops_the_start(monkeypatch):
    from cds_service.errors import StartupError

    monkeypatch.setenv("PVP_CDS_WORKERS", "0")
    with pytest.raises(StartupError, match="PVP_CDS_WORKERS"):
        create_app({"TESTING": True, "AUTHENTICATION": "off"})

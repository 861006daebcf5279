"""The pvp-cds command."""

from __future__ import annotations

import pytest

from cds_service import serving
from pvp_cds.cli import is_loopback, main


@pytest.fixture(autouse=True)
def _metrics_mode_left_alone(monkeypatch):
    """`serve` sets prometheus_client's multiprocess mode before anything loads it; this test
    process has loaded it already (tests/storage start `pvp-cds serve` as a process)."""
    monkeypatch.setattr(serving, "prepare_metrics_directory", lambda: None)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "cds.example.org"])
def test_serve_refuses_a_non_loopback_address_with_authentication_off(monkeypatch, capsys, host):
    monkeypatch.setenv("PVP_CDS_AUTHENTICATION", "off")
    assert main(["serve", "--host", host]) == 2
    assert "refusing to serve" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("10.0.0.1", False)],
)
def test_loopback_addresses_are_recognised(host, expected):
    assert is_loopback(host) is expected


def test_serve_without_authentication_configuration_exits_saying_what_to_set(capsys):
    assert main(["serve"]) == 2
    assert "set PVP_CDS_TRUSTED_CLIENTS_FILE" in capsys.readouterr().err


def test_python_dash_m_pvp_cds_is_the_pvp_cds_command():
    import os
    import subprocess
    import sys

    environment = {**os.environ, "PVP_CDS_AUTHENTICATION": "off"}
    result = subprocess.run(
        [sys.executable, "-m", "pvp_cds", "serve", "--host", "0.0.0.0"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "refusing to serve on 0.0.0.0" in result.stderr

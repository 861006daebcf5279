from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from tests.log_guard import leaks


def _clear_project_environment(monkeypatch: pytest.MonkeyPatch, data_dir: str) -> None:
    for name in list(os.environ):
        if name.startswith("PVP_CDS_") and not name.startswith("PVP_CDS_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PVP_CDS_DATA_DIR", data_dir)


@pytest.fixture(scope="session", autouse=True)
def _no_project_environment_in_the_session(tmp_path_factory) -> Iterator[None]:
    """What a module's or the session's fixtures start (``pvp-cds serve``, the demo) sees the
    same: never the shell's settings, and never the user's own data folder, which every
    checkout on the machine would share (with whatever migrations another one applied)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _clear_project_environment(monkeypatch, str(tmp_path_factory.mktemp("pvp-cds-data")))
        yield


@pytest.fixture(autouse=True)
def _no_project_environment(monkeypatch, tmp_path):
    """Tests never see PVP_CDS_* settings from the shell or from each other, and each test's
    service keeps its embedded database and backlog in its own folder."""
    _clear_project_environment(monkeypatch, str(tmp_path / "pvp-cds-data"))


@pytest.fixture(autouse=True)
def _nothing_secret_in_the_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Over the whole suite, no log line (tracebacks included) holds a token or a patient's
    name, birth date or identifier (tests/log_guard.py says what is looked for)."""
    caplog.set_level(logging.DEBUG)
    yield
    formatter = logging.Formatter()
    text = "\n".join(
        formatter.format(record)
        for phase in ("setup", "call")
        for record in caplog.get_records(phase)
    )
    leaked = leaks(text)
    assert not leaked, f"reached the log: {leaked[0][:20]}..."

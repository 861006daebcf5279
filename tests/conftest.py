from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator

import pytest

#: Any compact JWS: base64url of '{"' is "eyJ", so header and payload both start with it.
JWT_PATTERN = re.compile(r"eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*")

#: Values the tests send that must never reach a log: access tokens, and the names, birth date
#: and identifier of the test patients.
NEVER_LOGGED = (
    "some-opaque-access-token",
    "the-ehr-access-token",
    "Testpatient",
    "Eleanor",
    "1948-05-17",
    "MRN-4471-2209",
    "Synthetic patient",  # the synthetic patients' names
)


@pytest.fixture(autouse=True)
def _no_project_environment(monkeypatch, tmp_path):
    """Tests never see PVP_CDS_* settings from the shell or from each other, and each test's
    service keeps its embedded database and backlog in its own folder."""
    for name in list(os.environ):
        if name.startswith("PVP_CDS_") and not name.startswith("PVP_CDS_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PVP_CDS_DATA_DIR", str(tmp_path / "pvp-cds-data"))


@pytest.fixture(autouse=True)
def _nothing_secret_in_the_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Over the whole suite, no log line (tracebacks included) holds a token or a patient's
    name, birth date or identifier."""
    caplog.set_level(logging.DEBUG)
    yield
    formatter = logging.Formatter()
    text = "\n".join(
        formatter.format(record)
        for phase in ("setup", "call")
        for record in caplog.get_records(phase)
    )
    leaked = JWT_PATTERN.findall(text) + [value for value in NEVER_LOGGED if value in text]
    assert not leaked, f"reached the log: {leaked[0][:20]}..."

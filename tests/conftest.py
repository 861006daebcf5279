from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _no_project_environment(monkeypatch):
    """Tests never see PVP_CDS_* settings from the shell or from each other."""
    for name in list(os.environ):
        if name.startswith("PVP_CDS_") and not name.startswith("PVP_CDS_TEST_"):
            monkeypatch.delenv(name)

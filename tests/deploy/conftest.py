from __future__ import annotations

import pytest

from cds_service import create_app


@pytest.fixture
def client():
    return create_app({"TESTING": True, "AUTHENTICATION": "off"}).test_client()

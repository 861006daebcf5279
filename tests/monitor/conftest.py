"""Monitoring needs both real parts: the FHIR test server of the integration tests and the
databases of the storage tests (SQLite and PostgreSQL). Their fixtures, imported here."""

from tests.integration.conftest import external_fhir_server, fhir_server  # noqa: F401
from tests.storage.conftest import postgres_admin  # noqa: F401

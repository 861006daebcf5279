"""The service's exceptions, drawn once. ``error_handlers.py`` turns them into HTTP answers.

::

    PvpCdsError
    ├── StartupError                 the configuration cannot give a safe service: refuse start-up
    │   └── TrustedClientsError      (client_auth) the trusted-clients file
    ├── CdsError                     answered with an OperationOutcome that says what to fix
    │   ├── ClientError              4xx: the request is at fault
    │   │   ├── InvalidRequest       400: malformed, off the spec, invalid FHIR in prefetch
    │   │   ├── Unauthorized         401: the reason goes to the log, never to the client
    │   │   │   └── AuthenticationError   (client_auth) a client JWT refused
    │   │   ├── ServiceNotFound      404
    │   │   └── RequestTimeout       408: the body did not arrive within its deadline
    │   ├── DataUnavailable          412: the FHIR data could not be had (upstream)
    │   │   └── DataLate             412: ... not within the hook call's time budget
    │   └── ServiceUnavailable       503: the service cannot keep what was sent; send it again
    └── FhirServerNotAllowed         (client_auth) answered as DataUnavailable by the gate

The layers below cannot import this module, so their configuration errors stand beside the
tree and are listed in :data:`CONFIGURATION_ERRORS`: ``scoring.ModelError`` (the model file) and
``fhir_mappings.MappingConfigError`` (the site mapping file). ``fhir_mappings``'
``InvalidResourceError`` is answered as :class:`InvalidRequest` where the hook parses prefetch.
Anything else that escapes a request is a bug: 500, logged with its type only.
"""

from __future__ import annotations

from fhir_mappings import MappingConfigError
from scoring import ModelError


class PvpCdsError(Exception):
    """The root of the service's own exceptions."""


class StartupError(PvpCdsError):
    """The configuration cannot give a safe service; the message says what to fix."""


#: Everything that refuses start-up, from this package and the layers below.
CONFIGURATION_ERRORS: tuple[type[Exception], ...] = (StartupError, ModelError, MappingConfigError)


class CdsError(PvpCdsError):
    """An error answered with an HTTP status and an OperationOutcome issue code."""

    status = 400
    issue_code = "invalid"
    #: Sent as Retry-After when set: when the client may try again.
    retry_after_seconds: int | None = None

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class ClientError(CdsError):
    """The request is at fault (4xx)."""


class InvalidRequest(ClientError):
    """The hook request is malformed or breaks the CDS Hooks specification (400)."""


class ServiceNotFound(ClientError):
    status = 404
    issue_code = "not-found"


class RequestTimeout(ClientError):
    """The request body did not arrive within its deadline (408); the connection is closed."""

    status = 408
    issue_code = "timeout"


class Unauthorized(ClientError):
    """The CDS client could not be authenticated (401). The reason goes to the log only."""

    status = 401
    issue_code = "login"


class DataUnavailable(CdsError):
    """The FHIR data the service needs could not be had, by prefetch or query (412)."""

    status = 412
    issue_code = "not-found"


class DataLate(DataUnavailable):
    """The FHIR data did not arrive within the hook call's time budget (412): the EHR would
    have stopped waiting for the answer. The messages name the data that was late."""

    issue_code = "timeout"


class ServiceUnavailable(CdsError):
    """The service cannot keep what the client sent (its local disk fails): nothing is lost
    if the client sends it again later (503)."""

    status = 503
    issue_code = "transient"
    retry_after_seconds = 30

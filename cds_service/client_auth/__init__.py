"""Authenticate CDS clients by their JWT, and decide which FHIR servers a client may send us to.

CDS Hooks 2.0, "Trusting CDS Clients" (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients):
every call, discovery included, carries ``Authorization: Bearer <JWT>`` signed with the
client's private key. This package checks such a token against a file of trusted clients. It
knows nothing of Flask: the HTTP layer calls :meth:`ClientAuthenticator.authenticate` and
answers 401 on :class:`AuthenticationError`, logging its ``reason``.

Exceptions defined here:

- :class:`TrustedClientsError` (a ``ValueError``): the trusted-client file cannot be used; the
  message names the file and the entry. Raised at start-up.
- :class:`AuthenticationError`: a token is refused; ``reason`` is for the log, never the client,
  and ``refusal`` (a :class:`Refusal`) its class, for the metrics.
- :class:`FhirServerNotAllowed`: a hook names a FHIR server the client may not send us to.
"""

from .errors import AuthenticationError, FhirServerNotAllowed, Refusal, TrustedClientsError
from .fhir_servers import check_fhir_server
from .jwks import MAX_JWKS_BYTES
from .replay import ReplayCache, ReplayChecker
from .tokens import DEFAULT_ALGORITHMS, AuthenticatedClient, ClientAuthenticator
from .trusted_clients import TrustedClient, TrustedClients, load_trusted_clients

__all__ = [
    "DEFAULT_ALGORITHMS",
    "MAX_JWKS_BYTES",
    "AuthenticatedClient",
    "AuthenticationError",
    "ClientAuthenticator",
    "FhirServerNotAllowed",
    "Refusal",
    "ReplayCache",
    "ReplayChecker",
    "TrustedClient",
    "TrustedClients",
    "TrustedClientsError",
    "check_fhir_server",
    "load_trusted_clients",
]

"""What client authentication raises, and how an untrusted value is quoted in a message."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from ..errors import PvpCdsError, StartupError, Unauthorized


class TrustedClientsError(StartupError):
    """The trusted-client file cannot be used; the message names the file and the entry."""


class Refusal(StrEnum):
    """Why a token was refused, in the classes an operator counts and alerts on (the metrics'
    ``reason`` label)."""

    MISSING_TOKEN = "missing-token"
    EXPIRED = "expired"
    WRONG_AUDIENCE = "wrong-audience"
    BAD_SIGNATURE = "bad-signature"
    UNTRUSTED_ISSUER = "untrusted-issuer"
    UNKNOWN_KEY = "unknown-key"
    REPLAYED = "replayed"
    #: ``exp`` further after ``iat`` than the maximum lifetime allows.
    TOO_LONG_LIVED = "too-long-lived"
    MALFORMED = "malformed"


class AuthenticationError(Unauthorized):
    """A CDS client's token is refused.

    ``reason`` is for the service's log only: the client gets a bare 401, so that a prober learns
    nothing about which check failed. ``refusal`` is its class, for the metrics.
    """

    def __init__(self, refusal: Refusal, reason: str) -> None:
        super().__init__(reason)
        self.refusal = refusal
        self.reason = reason


class FhirServerNotAllowed(PvpCdsError):
    """A hook names a FHIR server the authenticated client may not send us to.

    The service must neither call it nor send the hook's access token anywhere.
    """

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"fhirServer {quote(url)}: {reason}")
        self.url = url
        self.reason = reason


#: Room for a whole URL (aud, jku) when quoted: cut short, it would not show what differs.
MAX_QUOTED_URL = 300


def quote(value: Any, *, limit: int = 80) -> str:
    """A value from an untrusted token, made safe for a log line: escaped and bounded."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."

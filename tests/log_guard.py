"""What must never reach a log: tokens, JWTs, and the names, birth dates and identifiers of the
test patients, the synthetic ones included. The suite-wide fixture in conftest.py applies it."""

from __future__ import annotations

import re

from devtools.synthetic.identity import FAMILY_NAMES, GIVEN_NAMES, MRN_PATTERN

#: Any compact JWS: base64url of '{"' is "eyJ", so header and payload both start with it.
JWT_PATTERN = re.compile(r"eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*")

#: Values the tests send that must never reach a log: access tokens, and the names, birth date
#: and identifier of the hand-written test patients.
NEVER_LOGGED = (
    "some-opaque-access-token",
    "the-ehr-access-token",
    "Testpatient",
    "Eleanor",
    "1948-05-17",
    "MRN-4471-2209",
)

#: Any synthetic patient's given or family name, as a whole word, and its record number.
SYNTHETIC_IDENTITY = re.compile(
    r"\b(?:" + "|".join(map(re.escape, GIVEN_NAMES + FAMILY_NAMES)) + r")\b"
    rf"|{MRN_PATTERN.pattern}"
)


def leaks(text: str) -> list[str]:
    """Everything in ``text`` that must never be logged, in order of kind."""
    return (
        JWT_PATTERN.findall(text)
        + [value for value in NEVER_LOGGED if value in text]
        + SYNTHETIC_IDENTITY.findall(text)
    )

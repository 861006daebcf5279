"""Who a synthetic patient is: name, medical record number and home address.

EHR test patients carry all of these, and clients dereference them without checking (the CDS
Hooks Sandbox joins ``Patient.name[0].given``). Each is drawn from the patient id alone, so a
patient keeps its name whatever else changes, and the same id always gets the same identity.
The names and places are made up, in ``identities.json``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

#: The identifier system of synthetic medical record numbers.
MRN_SYSTEM = "http://pvp-cds.org/fhir/sid/synthetic-mrn"
#: HL7 v2 identifier type "MR", as EHRs type a medical record number.
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
#: Every synthetic medical record number: "SYN-" and ten hexadecimal digits (40 bits) of the
#: id's hash; two patients of a cohort of 100,000 share one with a chance of about 0.5%.
MRN_PATTERN = re.compile(r"SYN-[0-9A-F]{10}")


@dataclass(frozen=True)
class Address:
    line: str
    city: str
    postal_code: str


@dataclass(frozen=True)
class Identity:
    given: str
    family: str
    medical_record_number: str
    address: Address

    @property
    def full_name(self) -> str:
        return f"{self.given} {self.family}"


def _load_identities() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("identities.json").read_text(encoding="utf-8")
    return json.loads(text)


_IDENTITIES = _load_identities()
#: Every given name and family name a synthetic patient can have.
GIVEN_NAMES: tuple[str, ...] = tuple(
    name for names in _IDENTITIES["given"].values() for name in names
)
FAMILY_NAMES: tuple[str, ...] = tuple(_IDENTITIES["family"])


def identity_of(patient_id: str, gender: str) -> Identity:
    """The identity of the patient with this id: given names follow ``gender`` (female or male;
    any other gender draws from both lists)."""
    digest = hashlib.sha256(f"pvp-cds-identity:{patient_id}".encode()).digest()
    given_names = _IDENTITIES["given"].get(gender, GIVEN_NAMES)
    place = _pick(_IDENTITIES["cities"], digest, 3)
    return Identity(
        given=_pick(given_names, digest, 0),
        family=_pick(FAMILY_NAMES, digest, 1),
        medical_record_number="SYN-" + digest[-5:].hex().upper(),
        address=Address(
            line=f"{digest[4] % 200 + 1} {_pick(_IDENTITIES['streets'], digest, 2)}",
            city=place["city"],
            postal_code=place["postalCode"],
        ),
    )


def _pick(options: Any, digest: bytes, position: int) -> Any:
    """One of ``options``, chosen by the digest byte at ``position``."""
    return options[digest[position] % len(options)]

"""What the report-text tests share: the findings' names, the treated level they read at, and
what a text states firmly."""

from __future__ import annotations

from fhir_mappings import ReportTextReader
from fhir_mappings.codes import FindingName, VertebralLevel

IVC = FindingName.INTRAVERTEBRAL_VACUUM_CLEFT
OEDEMA = FindingName.POSTERIOR_FASCIA_OEDEMA
GOUTALLIER = FindingName.GOUTALLIER_GRADE
CEMENT = FindingName.CEMENT_DISTRIBUTION
L1 = frozenset({VertebralLevel.L1})


def firm(reader: ReportTextReader, *texts: str) -> dict[FindingName, object]:
    """The findings the texts state with a value at L1 (unknown ones left out)."""
    read = reader.read(texts, L1)
    return {name: s.value for name, s in read.items() if s.value is not None}

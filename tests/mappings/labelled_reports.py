"""The labelled report text set (fixtures/reports/*.yaml), for the tests and the benchmark.

The expected values were written with the sentences, by reading them as a radiologist would,
not by running the service.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from fhir_mappings.codes import FindingName, VertebralLevel

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
KEYS = {
    "ivc": FindingName.INTRAVERTEBRAL_VACUUM_CLEFT,
    "oedema": FindingName.POSTERIOR_FASCIA_OEDEMA,
    "goutallier": FindingName.GOUTALLIER_GRADE,
    "cement": FindingName.CEMENT_DISTRIBUTION,
}
PRESENCE = {"present": True, "absent": False}
#: Systems and codes spelled out, as in builders.py.
LOINC = "http://loinc.org"
RADIOLOGY = {"system": LOINC, "code": "LP29684-5", "display": "Radiology"}

Value = bool | int | str


@dataclass(frozen=True)
class LabelledSentence:
    text: str
    level: VertebralLevel
    expect: dict[FindingName, Value]
    trap: str | None

    @property
    def id(self) -> str:
        return self.text[:60]


@dataclass(frozen=True)
class LabelledReport:
    id: str
    modality: str
    timing: str
    level: VertebralLevel
    form: str
    text: str
    expect: dict[FindingName, Value]
    trap: str | None


def _expected(raw: dict[str, Any] | None) -> dict[FindingName, Value]:
    return {KEYS[key]: PRESENCE.get(value, value) for key, value in (raw or {}).items()}


@cache
def sentences() -> tuple[LabelledSentence, ...]:
    document = yaml.safe_load((FIXTURES / "sentences.yaml").read_text(encoding="utf-8"))
    default = document["default_level"]
    return tuple(
        LabelledSentence(
            item["text"],
            VertebralLevel(item.get("level", default)),
            _expected(item.get("expect")),
            item.get("trap"),
        )
        for item in document["sentences"]
    )


@cache
def reports() -> tuple[LabelledReport, ...]:
    document = yaml.safe_load((FIXTURES / "reports.yaml").read_text(encoding="utf-8"))
    return tuple(
        LabelledReport(
            item["id"],
            item["modality"],
            item["timing"],
            VertebralLevel(item["level"]),
            item["form"],
            item["text"],
            _expected(item.get("expect")),
            item.get("trap"),
        )
        for item in document["reports"]
    )


def diagnostic_report(
    report: LabelledReport, *, effective: str, patient: str, status: str = "final"
) -> dict[str, Any]:
    """The labelled report as a radiology DiagnosticReport, its text where ``form`` says."""
    resource: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "id": f"report-{report.id}",
        "status": status,
        "category": [{"coding": [RADIOLOGY]}],
        "code": {"text": report.modality},
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": effective,
    }
    if report.form == "conclusion":
        resource["conclusion"] = report.text
    else:
        resource["presentedForm"] = [attachment(report.text, report.form)]
    return resource


def attachment(text: str, content_type: str) -> dict[str, str]:
    return {
        "contentType": f"{content_type}; charset=utf-8",
        "data": base64.b64encode(text.encode("utf-8")).decode("ascii"),
    }

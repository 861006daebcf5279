"""The labelled report text sets, for the tests and the benchmark, and the figures read on them.

Two sets, kept apart because they are worth different things:

- ``fixtures/reports/``: sentences and whole reports written together with the rules. Every
  figure on it is development data, not evidence.
- ``fixtures/corpus/``: written independently of the rules by engineers who never saw them (see its
  README). ``dev/``, ``spent/``, ``spent2/`` and ``spent3/`` (the first three rounds' test splits,
  each read once and tuned on since) and ``dev2/`` to ``dev124/`` (the blind rounds written as
  development data, and the development halves of rounds split in two) are development data: read
  and tuned on, so their figures are not evidence either; ``test2/`` to ``test56/`` (the frozen
  halves of those rounds; the corpus README names each split's round) are frozen and never tuned on:
  only their figures say how the reader does on text nobody here wrote.

The expected values were written with the sentences, by reading them as a radiologist would,
not by running the service.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from fhir_mappings import FindingStatus, assess, resources_from
from fhir_mappings.codes import FindingName, VertebralLevel

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
CORPUS = Path(__file__).parent / "fixtures" / "corpus"
#: The corpus splits the rules may be tuned on (their figures are not evidence), and the frozen
#: one they may not.
DEVELOPMENT_SPLITS = (
    "dev",
    "spent",
    "spent2",
    "dev2",
    "dev3",
    "dev4",
    "dev5",
    "dev6",
    "dev7",
    "dev8",
    "dev9",
    "dev10",
    "dev11",
    "spent3",
    "dev12",
    "dev13",
    "dev14",
    "dev15",
    "dev16",
    "dev17",
    "dev18",
    "dev19",
    "dev20",
    "dev21",
    "dev22",
    "dev23",
    "dev24",
    "dev25",
    "dev26",
    "dev27",
    "dev28",
    "dev29",
    "dev30",
    "dev31",
    "dev32",
    "dev33",
    "dev34",
    "dev35",
    "dev36",
    "dev37",
    "dev38",
    "dev39",
    "dev40",
    "dev41",
    "dev42",
    "dev43",
    "dev44",
    "dev45",
    "dev46",
    "dev47",
    "dev48",
    "dev49",
    "dev50",
    "dev51",
    "dev52",
    "dev53",
    "dev54",
    "dev55",
    "dev56",
    "dev57",
    "dev58",
    "dev59",
    "dev60",
    "dev61",
    "dev62",
    "dev63",
    "dev64",
    "dev65",
    "dev66",
    "dev67",
    "dev68",
    "dev69",
    "dev70",
    "dev71",
    "dev72",
    "dev73",
    "dev74",
    "dev75",
    "dev76",
    "dev77",
    "dev78",
    "dev79",
    "dev80",
    "dev81",
    "dev82",
    "dev83",
    "dev84",
    "dev85",
    "dev86",
    "dev87",
    "dev88",
    "dev89",
    "dev90",
    "dev91",
    "dev92",
    "dev93",
    "dev94",
    "dev95",
    "dev96",
    "dev97",
    "dev98",
    "dev99",
    "dev100",
    "dev101",
    "dev102",
    "dev103",
    "dev104",
    "dev105",
    "dev106",
    "dev107",
    "dev108",
    "dev109",
    "dev110",
    "dev111",
    "dev112",
    "dev113",
    "dev114",
    "dev115",
    "dev116",
    "dev117",
    "dev118",
    "dev119",
    "dev120",
    "dev121",
    "dev122",
    "dev123",
    "dev124",
)
#: The frozen splits: the fifth round's (``test2/``), the fifteenth round's (``test3/``), the
#: sixteenth round's (``test4/``), the US half of the twenty-sixth round's (``test5/``) and the
#: thirtieth round's two halves (``test6/``, ``test7/``) and the thirty-second, thirty-sixth,
#: thirty-eighth, fortieth, forty-second, forty-fourth, forty-sixth, forty-seventh, forty-ninth,
#: fifty-first, fifty-third, fifty-fifth and fifty-seventh rounds' first halves (``test8/`` to
#: ``test20/``).
TEST_SPLITS = (
    "test2",
    "test3",
    "test4",
    "test5",
    "test6",
    "test7",
    "test8",
    "test9",
    "test10",
    "test11",
    "test12",
    "test13",
    "test14",
    "test15",
    "test16",
    "test17",
    "test18",
    "test19",
    "test20",
    "test21",
    "test22",
    "test23",
    "test24",
    "test25",
    "test26",
    "test27",
    "test28",
    "test29",
    "test30",
    "test31",
    "test32",
    "test33",
    "test34",
    "test35",
    "test36",
    "test37",
    "test38",
    "test39",
    "test40",
    "test41",
    "test42",
    "test43",
    "test44",
    "test45",
    "test46",
    "test47",
    "test48",
    "test49",
    "test50",
    "test51",
    "test52",
    "test53",
    "test54",
    "test55",
    "test56",
)
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
UNKNOWN = "unknown"
#: Traps whose unlabelled findings are hedged statements (a hedge, a range of grades such as
#: "2-3"): read as a firm value, they are the worst error a reader can make besides a false
#: "present".
HEDGES = frozenset({"uncertainty", "range"})

PATIENT = "labelled-patient"
PROCEDURE_DAY, PRE_OP_DAY, POST_OP_DAY = "2024-03-10", "2024-03-01", "2024-03-11"
#: The records are read as of five days after the procedure.
NOW = datetime(2024, 3, 15, 12, tzinfo=UTC)

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
    style: str | None = None
    spelling: str | None = None


def _expected(raw: dict[str, Any] | None) -> dict[FindingName, Value]:
    return {KEYS[key]: PRESENCE.get(value, value) for key, value in (raw or {}).items()}


@cache
def sentences(folder: Path = FIXTURES) -> tuple[LabelledSentence, ...]:
    document = yaml.safe_load((folder / "sentences.yaml").read_text(encoding="utf-8"))
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
def reports(folder: Path = FIXTURES) -> tuple[LabelledReport, ...]:
    document = yaml.safe_load((folder / "reports.yaml").read_text(encoding="utf-8"))
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
            item.get("style"),
            item.get("spelling"),
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


# --- what the reader makes of them --------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One finding of one labelled item: the value labelled and the value read, as words."""

    item: str
    finding: FindingName
    expected: str
    read: str
    trap: str | None

    @property
    def stated(self) -> bool:
        return self.expected != UNKNOWN

    @property
    def firm(self) -> bool:
        return self.read != UNKNOWN


@dataclass(frozen=True)
class Scores:
    """The figures the issue's targets are stated in, over a list of outcomes."""

    outcomes: tuple[Outcome, ...]

    @property
    def stated(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.stated]

    @property
    def recall(self) -> float:
        """Of the findings the text states, the share read with the labelled value."""
        stated = self.stated
        return sum(o.read == o.expected for o in stated) / len(stated) if stated else 1.0

    @property
    def precision(self) -> float:
        """Of the values read, the share that are the labelled value."""
        firm = [o for o in self.outcomes if o.firm]
        return sum(o.read == o.expected for o in firm) / len(firm) if firm else 1.0

    @property
    def hedged_read_as_firm(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.trap in HEDGES and not o.stated and o.firm]

    @property
    def false_present(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.read == "present" and o.expected != "present"]

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.read != o.expected]


def shown(value: object) -> str:
    if value is True:
        return "present"
    if value is False:
        return "absent"
    return UNKNOWN if value is None else str(value)


def sentence_outcomes(reader: Any, items: Iterable[LabelledSentence]) -> list[Outcome]:
    """Each sentence read alone at its treated level, for every finding."""
    outcomes = []
    for sentence in items:
        read = reader.read([sentence.text], frozenset({sentence.level}))
        for name in FindingName:
            got = read[name].value if name in read else None
            expected = shown(sentence.expect.get(name))
            outcomes.append(Outcome(sentence.text, name, expected, shown(got), sentence.trap))
    return outcomes


def report_resources(labelled: LabelledReport) -> list[Any]:
    """The report as a DiagnosticReport dated before or after a vertebroplasty at its level,
    with that Procedure, parsed."""
    effective = PRE_OP_DAY if labelled.timing == "pre-op" else POST_OP_DAY
    procedure = {
        "resourceType": "Procedure",
        "id": "pvp-1",
        "status": "completed",
        "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "22511"}]},
        "subject": {"reference": f"Patient/{PATIENT}"},
        "performedDateTime": PROCEDURE_DAY,
        "bodySite": [
            {
                "coding": [
                    {
                        "system": "http://pvp-cds.org/fhir/CodeSystem/vertebral-level",
                        "code": labelled.level.value,
                    }
                ]
            }
        ],
    }
    report = diagnostic_report(labelled, effective=effective, patient=PATIENT)
    return [resource for r in (procedure, report) for resource in resources_from(r)]


def report_outcomes(reader: Any, config: Any, items: Iterable[LabelledReport]) -> list[Outcome]:
    """Each whole report assessed as the service would (windows and modality apply)."""
    outcomes = []
    for labelled in items:
        assessment = assess(report_resources(labelled), PATIENT, config, reader, now=NOW)
        for name in FindingName:
            finding = assessment.findings[name.value]
            got = finding.value if finding.status is FindingStatus.FOUND else None
            expected = shown(labelled.expect.get(name))
            outcomes.append(Outcome(labelled.id, name, expected, shown(got), labelled.trap))
    return outcomes


def corpus_scores(reader: Any, config: Any, split: str) -> Scores:
    """Sentences and whole reports of one split of the independent corpus, together."""
    folder = CORPUS / split
    return Scores(
        (
            *sentence_outcomes(reader, sentences(folder)),
            *report_outcomes(reader, config, reports(folder)),
        )
    )

"""How well and how fast findings are read from radiology report text. Prints numbers;
asserts nothing.

    python benchmarks/bench_reports.py [--repeat N]

On the labelled set (tests/mappings/fixtures/reports/: sentences and whole reports written
for it, each with the value a radiologist would read): precision and recall per finding and
value, false "present" on the trap sentences and reports, recall of the findings the text
states, and the time to read one report (text extraction alone, and the whole assessment of
a vertebroplasty with that report).

Targets (issue 12): no false "present" on the traps; recall of stated findings >= 95%.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fhir_mappings import (  # noqa: E402
    FindingStatus,
    ReportTextReader,
    assess,
    load_mapping_config,
    load_text_rules,
    resources_from,
)
from fhir_mappings.codes import FindingName  # noqa: E402
from tests.mappings.labelled_reports import diagnostic_report, reports, sentences  # noqa: E402

PATIENT = "bench-patient"
PROCEDURE_DAY, PRE_OP_DAY, POST_OP_DAY = "2024-03-10", "2024-03-01", "2024-03-11"
#: The records are read as of five days after the procedure.
NOW = datetime(2024, 3, 15, 12, tzinfo=UTC)
UNKNOWN = "unknown"


def shown(value: object) -> str:
    if value is True:
        return "present"
    if value is False:
        return "absent"
    return UNKNOWN if value is None else str(value)


def sentence_pairs(reader: ReportTextReader) -> list[tuple[FindingName, str, str, str | None]]:
    """(finding, expected, read, trap) for every labelled sentence and finding."""
    pairs = []
    for sentence in sentences():
        read = reader.read([sentence.text], frozenset({sentence.level}))
        for name in FindingName:
            got = read[name].value if name in read else None
            pairs.append((name, shown(sentence.expect.get(name)), shown(got), sentence.trap))
    return pairs


def report_resources(labelled) -> list:
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


def report_pairs(reader, config) -> list[tuple[FindingName, str, str, str | None]]:
    pairs = []
    for labelled in reports():
        assessment = assess(report_resources(labelled), PATIENT, config, reader, now=NOW)
        for name in FindingName:
            finding = assessment.findings[name.value]
            got = finding.value if finding.status is FindingStatus.FOUND else None
            pairs.append((name, shown(labelled.expect.get(name)), shown(got), labelled.trap))
    return pairs


def print_quality(title: str, pairs: list[tuple[FindingName, str, str, str | None]]) -> None:
    print(f"\n{title}")
    row = "  {:<30} {:<8} {:>8} {:>5} {:>10} {:>7}"
    print(row.format("finding", "value", "labelled", "read", "precision", "recall"))
    for name in FindingName:
        mine = [(expected, got) for finding, expected, got, _ in pairs if finding is name]
        values = sorted({e for e, _ in mine} | {g for _, g in mine} - {UNKNOWN})
        for value in values:
            if value == UNKNOWN:
                continue
            labelled = sum(e == value for e, _ in mine)
            read = sum(g == value for _, g in mine)
            right = sum(e == g == value for e, g in mine)
            precision = f"{right / read:.3f}" if read else "n/a"
            recall = f"{right / labelled:.3f}" if labelled else "n/a"
            print(row.format(name.value, value, labelled, read, precision, recall))
    stated = [(e, g) for _, e, g, _ in pairs if e != UNKNOWN]
    recall = sum(e == g for e, g in stated) / len(stated)
    traps = [(name, e, g) for name, e, g, trap in pairs if trap]
    false_present = sum(g == "present" and e != "present" for _, e, g in traps)
    false_value = sum(g != UNKNOWN and g != e for _, e, g in traps)
    wrong = Counter((e, g) for _, e, g, _ in pairs if e != g)
    right = sum(e == g for e, g in stated)
    print(f"  recall of stated findings: {recall:.1%} ({right}/{len(stated)})")
    print(
        f"  trap items: {len(traps) // len(FindingName)}; false 'present' on them: "
        f"{false_present}; any false value: {false_value}"
    )
    print(f"  disagreements (labelled -> read): {dict(wrong) or 'none'}")


def print_timing(reader, config, repeat: int) -> None:
    texts = [labelled.text for labelled in reports()]
    levels = [frozenset({labelled.level}) for labelled in reports()]
    extraction = []
    for _ in range(repeat):
        for text, level in zip(texts, levels, strict=True):
            start = time.perf_counter()
            reader.read([text], level)
            extraction.append((time.perf_counter() - start) * 1000)
    resources = [report_resources(labelled) for labelled in reports()]
    whole = []
    for _ in range(repeat):
        for item in resources:
            start = time.perf_counter()
            assess(item, PATIENT, config, reader, now=NOW)
            whole.append((time.perf_counter() - start) * 1000)
    print(f"\nTime per report ({len(texts)} reports x {repeat}):")
    for label, samples in (("text extraction", extraction), ("whole assessment", whole)):
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(
            f"  {label:<17} median {statistics.median(samples):.2f} ms, p95 {p95:.2f} ms, "
            f"max {samples[-1]:.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    start = time.perf_counter()
    rules = load_text_rules()
    reader = ReportTextReader(rules)
    built = time.perf_counter() - start
    config = load_mapping_config()
    print(f"Report text rules {rules.version}; pipeline built in {built:.2f} s (once, at start-up)")
    print(f"Labelled set: {len(sentences())} sentences, {len(reports())} whole reports")
    print_quality("Sentences (each read alone, treated level as labelled):", sentence_pairs(reader))
    print_quality(
        "Whole reports (DiagnosticReports around a vertebroplasty; windows and modality apply):",
        report_pairs(reader, config),
    )
    print_timing(reader, config, args.repeat)


if __name__ == "__main__":
    main()

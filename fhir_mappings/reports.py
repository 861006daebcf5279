"""Radiology DiagnosticReports in, readings of the findings from their text out.

The text is the fallback for findings no Observation codes: the assessment asks for these
readings only then, and places them in the same time windows as Observations. A report's text
is its ``conclusion`` and its ``presentedForm`` attachments of type text/plain or text/html;
any other attachment is reported as unreadable, never guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.diagnosticreport import DiagnosticReport

from .codes import RADIOLOGY_REPORT_CATEGORIES, FindingName, VertebralLevel
from .config import MappingConfig
from .provenance import Source, SourceKind
from .readings import Reading, codes_in, counts
from .reasons import NoValue, Problem, Unreadable
from .report_text import ReportTextReader, Statement, TextRules
from .timing import Moment, moment_of

READABLE_TYPES = frozenset({"text/plain", "text/html"})
#: HTML elements that end a line of text.
_BLOCK_TAGS = frozenset(
    {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre"}
)


@dataclass
class TextEvidence:
    """What the reports' text says about one finding, in the assessment's terms."""

    readings: list[Reading] = field(default_factory=list)
    not_counted: list[Source] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)


def is_radiology(report: DiagnosticReport) -> bool:
    return any(
        codes_in(category) & RADIOLOGY_REPORT_CATEGORIES for category in report.category or []
    )


def text_evidence(
    reports: Iterable[DiagnosticReport],
    treated_levels: frozenset[VertebralLevel],
    config: MappingConfig,
    reader: ReportTextReader,
) -> dict[FindingName, TextEvidence]:
    """Per finding, the readings the radiology reports' text gives, the reports not counted
    because of their status, and the reports that could not be read."""
    evidence = {name: TextEvidence() for name in FindingName}
    for report in reports:
        texts, problems = report_texts(report)
        source = _source(report, None)
        shown = _shown_findings(report, reader.rules)
        if not texts:
            for name in shown:
                evidence[name].unreadable.extend(problem.about(source) for problem in problems)
            continue
        moment = _moment(report)
        statements = reader.read(texts, treated_levels, moment.day if moment else None)
        for name, statement in statements.items():
            if name not in shown:
                continue
            if not counts(report.status, config):
                evidence[name].not_counted.append(_source(report, statement))
            else:
                evidence[name].readings.append(_reading(report, statement))
    return evidence


def report_texts(report: DiagnosticReport) -> tuple[list[str], list[UnreadableText]]:
    """The report's readable texts, and why any other part could not be read."""
    texts = [report.conclusion] if report.conclusion and report.conclusion.strip() else []
    problems: list[UnreadableText] = []
    for attachment in report.presentedForm or []:
        try:
            texts.append(_attachment_text(attachment))
        except UnreadableText as exc:
            problems.append(exc)
    if not texts and not problems:
        problems.append(UnreadableText(Problem.NO_REPORT_TEXT))
    return texts, problems


class UnreadableText(ValueError):
    """A report part whose text cannot be had: ``problem`` says why."""

    def __init__(self, problem: Problem, found: str | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.found = found

    def about(self, source: Source) -> Unreadable:
        return Unreadable(source, self.problem, tuple(sorted(READABLE_TYPES)), self.found)


def _attachment_text(attachment: Attachment) -> str:
    media_type, _, parameters = (attachment.contentType or "").partition(";")
    media_type = media_type.strip().lower()
    if media_type not in READABLE_TYPES:
        raise UnreadableText(Problem.ATTACHMENT_NOT_TEXT, media_type or None)
    if attachment.data is None:
        raise UnreadableText(Problem.ATTACHMENT_ONLY_AT_URL)
    charset = re.search(r"charset\s*=\s*\"?([\w.:-]+)", parameters, re.I)
    encoding = charset[1] if charset else "utf-8"
    try:
        text = attachment.data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise UnreadableText(Problem.ATTACHMENT_NOT_DECODABLE, encoding) from exc
    return _html_text(text) if media_type == "text/html" else text


class _TextOfHtml(HTMLParser):
    """HTML to lines of text; a checkbox becomes ``[x]`` or ``[ ]`` as in plain templates, and
    a table row ``label | value``, as a plain text table is written, so that a row's label and
    its answer ("Posterior fascia edema", "No") read as a template field."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        #: Cells of the current table row so far.
        self._cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            self._cells = 0
        elif tag in ("td", "th"):
            self.parts.append(self._cell_separator())
            self._cells += 1
        elif tag == "input" and dict(attrs).get("type") == "checkbox":
            self.parts.append(" [x] " if "checked" in dict(attrs) else " [ ] ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    def _cell_separator(self) -> str:
        """Between a row's cells: none before the first, a space after a label that ends
        with its own colon ("Goutallier grade:"), else a bar."""
        if not self._cells:
            return ""
        written = next((part.rstrip() for part in reversed(self.parts) if part.strip()), "")
        return " " if written.endswith(":") else " | "


def _html_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def modalities_of(report: DiagnosticReport, rules: TextRules) -> frozenset[str]:
    """The imaging modalities the report's code names (MR, CT, XR); empty if none."""
    concept = report.code
    words = " ".join(
        [concept.text or "", *(coding.display or "" for coding in concept.coding or [])]
    )
    return frozenset(
        modality
        for modality, names in rules.modalities.items()
        if any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", words, re.I) for name in names)
    )


def _shown_findings(report: DiagnosticReport, rules: TextRules) -> frozenset[FindingName]:
    """The findings this report's modality can show; every finding if the modality is not
    named (the report is then taken at its word)."""
    modalities = modalities_of(report, rules)
    return frozenset(
        name
        for name in FindingName
        if not modalities or modalities & rules.finding_modalities(name)
    )


def _reading(report: DiagnosticReport, statement: Statement) -> Reading:
    moment = _moment(report)
    value = (
        statement.value if statement.value is not None else NoValue(statement.why, statement.quote)
    )
    return Reading(statement.finding, _source(report, statement), moment, value)


def _moment(report: DiagnosticReport) -> Moment | None:
    return moment_of(
        report.effectiveDateTime
        or (report.effectivePeriod.start if report.effectivePeriod else None)
        or report.issued
    )


def _source(report: DiagnosticReport, statement: Statement | None) -> Source:
    moment = _moment(report)
    coding = (report.code.coding or [None])[0]
    return Source(
        reference=f"DiagnosticReport/{report.id}",
        effective=moment.text if moment else None,
        status=report.status,
        code=f"{coding.system}|{coding.code}" if coding is not None else "",
        display=report.code.text or (coding.display if coding is not None else None),
        kind=SourceKind.REPORT_TEXT,
        quote=statement.quote if statement is not None else None,
    )

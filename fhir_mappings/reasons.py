"""Why a finding is unknown and what to be careful of, as data: codes and the values they
concern. The service's card writer turns them into words; this layer writes none."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scoring import Value

from .provenance import Source


class NoValueKind(StrEnum):
    #: The Observation carries a dataAbsentReason.
    DATA_ABSENT_REASON = "data-absent-reason"
    #: The coded answer means "unknown" (e.g. SNOMED CT Unknown).
    UNKNOWN_ANSWER = "unknown-answer"
    #: One side of a left/right Goutallier grade was not graded.
    SIDE_NOT_GRADED = "side-not-graded"
    #: Report text names the finding with uncertainty ("cannot exclude", "possible").
    REPORT_UNCERTAIN = "report-uncertain"
    #: Sentences of one report disagree about the finding.
    REPORT_SENTENCES_DISAGREE = "report-sentences-disagree"
    #: Report text gives the Goutallier grade as a range ("2-3").
    REPORT_GRADE_RANGE = "report-grade-range"


@dataclass(frozen=True)
class NoValue:
    """A reading that says its value is not known; ``text`` is the record's own words."""

    kind: NoValueKind
    text: str


class Problem(StrEnum):
    """Why a reading's value is outside the code contract."""

    UNEXPECTED_VALUE_TYPE = "unexpected-value-type"
    GRADE_OUT_OF_RANGE = "grade-out-of-range"
    SIDE_WITHOUT_VALUE = "side-without-value"
    ANSWER_NOT_IN_CONTRACT = "answer-not-in-contract"
    ANSWERS_DISAGREE = "answers-disagree"
    #: A report's presentedForm is not text/plain or text/html (``found``: its type).
    ATTACHMENT_NOT_TEXT = "attachment-not-text"
    #: A report's text is only at a URL, which the service does not fetch.
    ATTACHMENT_ONLY_AT_URL = "attachment-only-at-url"
    #: A report's text attachment does not decode in its charset (``found``: the charset).
    ATTACHMENT_NOT_DECODABLE = "attachment-not-decodable"
    #: A report has neither a conclusion nor a presentedForm.
    NO_REPORT_TEXT = "no-report-text"


@dataclass(frozen=True)
class Unreadable:
    """A reading refused because its value is outside the contract. ``expected`` names the
    value fields the contract reads, ``found`` what the record has (a field, a grade, the
    answer's text), as the problem needs."""

    source: Source
    problem: Problem
    expected: tuple[str, ...] = ()
    found: str | None = None


@dataclass(frozen=True)
class Conflict:
    """One of the readings of the same day that disagree."""

    source: Source
    value: Value


class CaveatKind(StrEnum):
    #: Another augmentation record has no date precise to the day; it was not considered.
    UNDATED_RECORD_IGNORED = "undated-record-ignored"
    #: The treated vertebral level is not recorded.
    LEVEL_NOT_RECORDED = "level-not-recorded"
    #: No osteoporotic vertebral fracture diagnosis is on record.
    NO_FRACTURE_DIAGNOSIS = "no-fracture-diagnosis"
    #: A finding's value comes from a preliminary report.
    PRELIMINARY_SOURCE = "preliminary-source"
    #: Same-day records of the index procedure (``reference``; the others are its
    #: ``same_day``) do not each name the same single level: one level recorded twice, or
    #: several levels; the records cannot tell which.
    LEVELS_UNCERTAIN = "levels-uncertain"
    #: A malignancy on record (``reference``) is resolved or inactive: it does not exclude, but
    #: the fracture may still be related.
    PAST_MALIGNANCY = "past-malignancy"
    #: The radiology reports could not be had from the FHIR server: findings written only in
    #: report text are not used.
    REPORT_TEXT_NOT_READ = "report-text-not-read"
    #: A reading of a finding (``reference``, ``finding``) is dated after the request: it was
    #: not used.
    FUTURE_DATED = "future-dated"


@dataclass(frozen=True)
class Caveat:
    kind: CaveatKind
    #: The record the caveat is about, if any.
    reference: str | None = None
    #: The finding the caveat is about, if any.
    finding: str | None = None

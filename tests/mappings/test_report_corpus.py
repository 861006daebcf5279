"""The independent labelled corpus (fixtures/corpus/, see its README): its test split frozen,
and the reader held to the targets of issue 23 on it.

The corpus was written by engineers who never saw the rules. The rules were tuned on ``dev/``,
``spent/`` and ``spent2/`` (the first two rounds' test splits, read once and tuned on since):
figures on them are not evidence. ``test/``, written in a later blind round, is never tuned on,
and nobody who changes the rules reads it or its misses: the ``test_frozen_split_reading_*``
tests below are the evidence. The targets of issue 23 are not met there yet: each is a strict
expected failure, and a floor holds the reader where the shipped rules left it, so that a drop
fails the suite. (Whoever tunes the rules runs the suite with ``-k "not frozen_split_reading"``
and leaves these to a reviewer.)
"""

from __future__ import annotations

import hashlib

import pytest

from fhir_mappings import ReportTextReader, load_text_rules

from .labelled_reports import CORPUS, TEST_SPLIT, Scores, corpus_scores

#: SHA-256 of the frozen test split, as the corpus README gives them.
TEST_SPLIT_SHA256 = {
    "reports.yaml": "c4b74feaf6124cf5f2f57a95fd332f8e75a1eab3b2e4079f579709711a80ecea",
    "sentences.yaml": "bb5a1a972ce429812ee4714a7acc89a4e89223399b19ad4513898c81992689ee",
}


@pytest.mark.parametrize("name", sorted(TEST_SPLIT_SHA256))
def test_corpus_test_split_files_are_frozen(name):
    digest = hashlib.sha256((CORPUS / TEST_SPLIT / name).read_bytes()).hexdigest()
    assert digest == TEST_SPLIT_SHA256[name]


@pytest.fixture(scope="module")
def held_out(config) -> Scores:
    return corpus_scores(ReportTextReader(load_text_rules()), config, TEST_SPLIT)


#: Issue 23's targets are not met on the third round's split (README of the corpus, "The third
#: round's test split"): each target test is a strict expected failure, so the day the reader
#: meets one, the suite says so and the mark must go.
NOT_MET = "issue 23 target not met on the frozen third-round split (rules {rules}: {figure})"


@pytest.mark.xfail(
    strict=True, reason=NOT_MET.format(rules="2.2.0", figure="recall 94.1%, 559/594")
)
def test_frozen_split_reading_recall_of_stated_findings_is_at_least_95_percent(held_out):
    assert held_out.recall >= 0.95


@pytest.mark.xfail(
    strict=True, reason=NOT_MET.format(rules="2.2.0", figure="precision 95.9%, 559/583")
)
def test_frozen_split_reading_precision_is_at_least_99_percent(held_out):
    assert held_out.precision >= 0.99


@pytest.mark.xfail(strict=True, reason=NOT_MET.format(rules="2.2.0", figure="1 hedge read as firm"))
def test_frozen_split_reading_reads_no_hedged_statement_as_a_firm_value(held_out):
    assert held_out.hedged_read_as_firm == []


@pytest.mark.xfail(strict=True, reason=NOT_MET.format(rules="2.2.0", figure="10 false present"))
def test_frozen_split_reading_gives_no_false_present(held_out):
    assert held_out.false_present == []


#: Where rules 2.2.0 left the reader on the frozen split, read once by a reviewer (corpus README,
#: "The third round's test split"): a floor, not a target; the next rules must not fall below it.
FLOOR = {"recall": 559 / 594, "precision": 559 / 583, "hedged": 1, "false_present": 10}


def test_frozen_split_reading_recall_stays_at_least_where_rules_2_2_0_left_it(held_out):
    assert held_out.recall >= FLOOR["recall"]


def test_frozen_split_reading_precision_stays_at_least_where_rules_2_2_0_left_it(held_out):
    assert held_out.precision >= FLOOR["precision"]


def test_frozen_split_reading_reads_no_more_hedges_as_firm_than_rules_2_2_0(held_out):
    assert len(held_out.hedged_read_as_firm) <= FLOOR["hedged"]


def test_frozen_split_reading_gives_no_more_false_present_than_rules_2_2_0(held_out):
    assert len(held_out.false_present) <= FLOOR["false_present"]

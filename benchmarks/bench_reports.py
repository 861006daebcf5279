"""How well and how fast findings are read from radiology report text. Prints numbers;
asserts nothing.

    python benchmarks/bench_reports.py [--split dev|test|all] [--repeat N]

Each set printed apart, each figure headed by the set it comes from (``SETS`` below names
them all):

- the older labelled set (tests/mappings/fixtures/reports/): written together with the rules,
  so its figures are NOT evidence;
- the independent corpus's development splits (tests/mappings/fixtures/corpus/: ``dev``,
  ``spent``, ``spent2``, ``spent3`` and ``dev2`` to the latest ``devN``): each written blind and
  read once before any tuning on it (the corpus README gives each first reading), tuned on
  since, so their figures are NOT evidence either;
- the independent corpus, frozen test splits (tests/mappings/fixtures/corpus/test2/ to test56/),
  the frozen halves of the blind rounds (the corpus README names each split's round): never
  tuned on; their figures are the evidence, and every miss on them is listed (so nobody who
  changes the rules runs ``--split test`` or ``all``).

``--split dev`` prints everything but the test splits, ``--split test`` the test splits alone,
``all`` (the default) everything. Per set: precision and recall per finding and
value, recall of stated findings, precision, hedged statements read as a firm value, false
"present", the misses; then the time to read one report (text extraction alone, p50/p95).

Targets (issue 23), on the frozen test splits: recall of stated findings >= 95%, precision
>= 99%, no hedged statement read as a firm value, no false "present"; text extraction p95 under
5 ms per report.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fhir_mappings import ReportTextReader, load_mapping_config, load_text_rules  # noqa: E402
from fhir_mappings.codes import FindingName  # noqa: E402
from tests.mappings.labelled_reports import (  # noqa: E402
    CORPUS,
    DEVELOPMENT_SPLITS,
    FIXTURES,
    TEST_SPLITS,
    UNKNOWN,
    LabelledReport,
    Outcome,
    Scores,
    report_outcomes,
    reports,
    sentence_outcomes,
    sentences,
)

NOT_EVIDENCE = "NOT evidence"
SETS = {
    "older": (FIXTURES, f"older labelled set (written with the rules: {NOT_EVIDENCE})"),
    "dev": (CORPUS / "dev", f"corpus dev split (the rules were tuned on it: {NOT_EVIDENCE})"),
    "spent": (
        CORPUS / "spent",
        f"corpus spent split (the first round's test split, read and tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "spent2": (
        CORPUS / "spent2",
        f"corpus spent2 split (the second round's test split, read and tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev2": (
        CORPUS / "dev2",
        f"corpus dev2 split (the fourth round, development data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev3": (
        CORPUS / "dev3",
        f"corpus dev3 split (the sixth round, development data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev4": (
        CORPUS / "dev4",
        f"corpus dev4 split (the seventh round, development data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev5": (
        CORPUS / "dev5",
        f"corpus dev5 split (the eighth round, development data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev6": (
        CORPUS / "dev6",
        f"corpus dev6 split (the ninth round, development data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev7": (
        CORPUS / "dev7",
        f"corpus dev7 split (the tenth round, development data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev8": (
        CORPUS / "dev8",
        f"corpus dev8 split (the eleventh round, development data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev9": (
        CORPUS / "dev9",
        f"corpus dev9 split (the twelfth round, development data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev10": (
        CORPUS / "dev10",
        "corpus dev10 split (the thirteenth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev11": (
        CORPUS / "dev11",
        "corpus dev11 split (the fourteenth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev12": (
        CORPUS / "dev12",
        "corpus dev12 split (the seventeenth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev13": (
        CORPUS / "dev13",
        "corpus dev13 split (the eighteenth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev14": (
        CORPUS / "dev14",
        "corpus dev14 split (the nineteenth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev15": (
        CORPUS / "dev15",
        "corpus dev15 split (the twentieth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev16": (
        CORPUS / "dev16",
        "corpus dev16 split (the twenty-first round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev17": (
        CORPUS / "dev17",
        "corpus dev17 split (the twenty-second round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev18": (
        CORPUS / "dev18",
        "corpus dev18 split (the twenty-third round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev19": (
        CORPUS / "dev19",
        "corpus dev19 split (the twenty-fourth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev20": (
        CORPUS / "dev20",
        "corpus dev20 split (the twenty-fifth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev21": (
        CORPUS / "dev21",
        "corpus dev21 split (the twenty-sixth round's UK half, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev22": (
        CORPUS / "dev22",
        "corpus dev22 split (the twenty-seventh round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev23": (
        CORPUS / "dev23",
        "corpus dev23 split (the twenty-eighth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev24": (
        CORPUS / "dev24",
        "corpus dev24 split (the twenty-ninth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev25": (
        CORPUS / "dev25",
        "corpus dev25 split (the thirty-first round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev26": (
        CORPUS / "dev26",
        "corpus dev26 split (the thirty-second round's second half, development data: "
        f"{NOT_EVIDENCE})",
    ),
    "dev27": (
        CORPUS / "dev27",
        "corpus dev27 split (the thirty-third round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev28": (
        CORPUS / "dev28",
        "corpus dev28 split (the thirty-fourth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev29": (
        CORPUS / "dev29",
        "corpus dev29 split (the thirty-fifth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev30": (
        CORPUS / "dev30",
        "corpus dev30 split (the thirty-sixth round's second half, development data: "
        f"{NOT_EVIDENCE})",
    ),
    "dev31": (
        CORPUS / "dev31",
        "corpus dev31 split (the thirty-seventh round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev32": (
        CORPUS / "dev32",
        "corpus dev32 split (the thirty-eighth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev33": (
        CORPUS / "dev33",
        "corpus dev33 split (the thirty-ninth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev34": (
        CORPUS / "dev34",
        "corpus dev34 split (the fortieth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev35": (
        CORPUS / "dev35",
        "corpus dev35 split (the forty-first round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev36": (
        CORPUS / "dev36",
        "corpus dev36 split (the forty-second round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev37": (
        CORPUS / "dev37",
        "corpus dev37 split (the forty-third round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev38": (
        CORPUS / "dev38",
        "corpus dev38 split (the forty-fourth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev39": (
        CORPUS / "dev39",
        "corpus dev39 split (the forty-fifth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev40": (
        CORPUS / "dev40",
        "corpus dev40 split (the forty-sixth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev41": (
        CORPUS / "dev41",
        "corpus dev41 split (the forty-seventh round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev42": (
        CORPUS / "dev42",
        "corpus dev42 split (the forty-eighth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev43": (
        CORPUS / "dev43",
        "corpus dev43 split (the forty-ninth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev44": (
        CORPUS / "dev44",
        "corpus dev44 split (the fiftieth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev45": (
        CORPUS / "dev45",
        "corpus dev45 split (the fifty-first round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev46": (
        CORPUS / "dev46",
        "corpus dev46 split (the fifty-second round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev47": (
        CORPUS / "dev47",
        "corpus dev47 split (the fifty-third round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev48": (
        CORPUS / "dev48",
        "corpus dev48 split (the fifty-fourth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev49": (
        CORPUS / "dev49",
        "corpus dev49 split (the fifty-fifth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev50": (
        CORPUS / "dev50",
        "corpus dev50 split (the fifty-sixth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev51": (
        CORPUS / "dev51",
        "corpus dev51 split (the fifty-seventh round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev52": (
        CORPUS / "dev52",
        "corpus dev52 split (the fifty-eighth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev53": (
        CORPUS / "dev53",
        "corpus dev53 split (the fifty-ninth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev54": (
        CORPUS / "dev54",
        "corpus dev54 split (the sixtieth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev55": (
        CORPUS / "dev55",
        "corpus dev55 split (the sixty-first round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev56": (
        CORPUS / "dev56",
        "corpus dev56 split (the sixty-second round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev57": (
        CORPUS / "dev57",
        "corpus dev57 split (the sixty-third round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev58": (
        CORPUS / "dev58",
        "corpus dev58 split (the sixty-fourth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev59": (
        CORPUS / "dev59",
        "corpus dev59 split (the sixty-fifth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev60": (
        CORPUS / "dev60",
        "corpus dev60 split (the sixty-sixth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev61": (
        CORPUS / "dev61",
        "corpus dev61 split (the sixty-seventh round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev62": (
        CORPUS / "dev62",
        "corpus dev62 split (the sixty-eighth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev63": (
        CORPUS / "dev63",
        "corpus dev63 split (the sixty-ninth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev64": (
        CORPUS / "dev64",
        "corpus dev64 split (the seventieth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev65": (
        CORPUS / "dev65",
        "corpus dev65 split (the seventy-first round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev66": (
        CORPUS / "dev66",
        "corpus dev66 split (the seventy-second round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev67": (
        CORPUS / "dev67",
        "corpus dev67 split (the seventy-third round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev68": (
        CORPUS / "dev68",
        "corpus dev68 split (the seventy-fourth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev69": (
        CORPUS / "dev69",
        "corpus dev69 split (the seventy-fifth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev70": (
        CORPUS / "dev70",
        "corpus dev70 split (the seventy-sixth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev71": (
        CORPUS / "dev71",
        "corpus dev71 split (the seventy-seventh round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev72": (
        CORPUS / "dev72",
        "corpus dev72 split (the seventy-eighth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev73": (
        CORPUS / "dev73",
        "corpus dev73 split (the seventy-ninth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev74": (
        CORPUS / "dev74",
        "corpus dev74 split (the eightieth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev75": (
        CORPUS / "dev75",
        "corpus dev75 split (the eighty-first round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev76": (
        CORPUS / "dev76",
        "corpus dev76 split (the eighty-second round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev77": (
        CORPUS / "dev77",
        "corpus dev77 split (the eighty-third round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev78": (
        CORPUS / "dev78",
        "corpus dev78 split (the eighty-fourth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev79": (
        CORPUS / "dev79",
        "corpus dev79 split (the eighty-fifth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev80": (
        CORPUS / "dev80",
        "corpus dev80 split (the eighty-sixth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev81": (
        CORPUS / "dev81",
        "corpus dev81 split (the eighty-seventh round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev82": (
        CORPUS / "dev82",
        "corpus dev82 split (the eighty-eighth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev83": (
        CORPUS / "dev83",
        "corpus dev83 split (the eighty-ninth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev84": (
        CORPUS / "dev84",
        "corpus dev84 split (the ninetieth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev85": (
        CORPUS / "dev85",
        "corpus dev85 split (the ninety-first round's first half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev86": (
        CORPUS / "dev86",
        "corpus dev86 split (the ninety-second round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev87": (
        CORPUS / "dev87",
        "corpus dev87 split (the ninety-third round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev88": (
        CORPUS / "dev88",
        "corpus dev88 split (the ninety-fourth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev89": (
        CORPUS / "dev89",
        "corpus dev89 split (the ninety-fifth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev90": (
        CORPUS / "dev90",
        "corpus dev90 split (the ninety-sixth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev91": (
        CORPUS / "dev91",
        "corpus dev91 split (the ninety-seventh round's first half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev92": (
        CORPUS / "dev92",
        "corpus dev92 split (the ninety-eighth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev93": (
        CORPUS / "dev93",
        "corpus dev93 split (the ninety-ninth round's second half, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev94": (
        CORPUS / "dev94",
        "corpus dev94 split (the hundredth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev95": (
        CORPUS / "dev95",
        "corpus dev95 split (the hundred-and-first round's first half, development data, tuned "
        f"on since: {NOT_EVIDENCE})",
    ),
    "dev96": (
        CORPUS / "dev96",
        "corpus dev96 split (the hundred-and-second round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev97": (
        CORPUS / "dev97",
        "corpus dev97 split (the hundred-and-third round's first half, development data, tuned "
        f"on since: {NOT_EVIDENCE})",
    ),
    "dev98": (
        CORPUS / "dev98",
        "corpus dev98 split (the hundred-and-fourth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev99": (
        CORPUS / "dev99",
        "corpus dev99 split (the hundred-and-fifth round's first half, development data, tuned "
        f"on since: {NOT_EVIDENCE})",
    ),
    "dev100": (
        CORPUS / "dev100",
        "corpus dev100 split (the hundred-and-sixth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev101": (
        CORPUS / "dev101",
        "corpus dev101 split (the hundred-and-seventh round's first half, development data, "
        f"tuned on since: {NOT_EVIDENCE})",
    ),
    "dev102": (
        CORPUS / "dev102",
        "corpus dev102 split (the hundred-and-eighth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev103": (
        CORPUS / "dev103",
        "corpus dev103 split (the hundred-and-ninth round's second half, development data, "
        f"tuned on since: {NOT_EVIDENCE})",
    ),
    "dev104": (
        CORPUS / "dev104",
        "corpus dev104 split (the hundred-and-tenth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev105": (
        CORPUS / "dev105",
        "corpus dev105 split (the hundred-and-eleventh round's first half, development data, "
        f"tuned on since: {NOT_EVIDENCE})",
    ),
    "dev106": (
        CORPUS / "dev106",
        "corpus dev106 split (the hundred-and-twelfth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev107": (
        CORPUS / "dev107",
        "corpus dev107 split (the hundred-and-thirteenth round's first half, development data, "
        f"tuned on since: {NOT_EVIDENCE})",
    ),
    "dev108": (
        CORPUS / "dev108",
        "corpus dev108 split (the hundred-and-fourteenth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev109": (
        CORPUS / "dev109",
        "corpus dev109 split (the hundred-and-fifteenth round's second half, development data, "
        f"tuned on since: {NOT_EVIDENCE})",
    ),
    "dev110": (
        CORPUS / "dev110",
        "corpus dev110 split (the hundred-and-sixteenth round, development data, tuned on since: "
        f"{NOT_EVIDENCE})",
    ),
    "dev111": (
        CORPUS / "dev111",
        "corpus dev111 split (the hundred-and-seventeenth round's second half, development "
        f"data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev112": (
        CORPUS / "dev112",
        "corpus dev112 split (the hundred-and-eighteenth round, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev113": (
        CORPUS / "dev113",
        "corpus dev113 split (the hundred-and-nineteenth round's second half, development "
        f"data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev114": (
        CORPUS / "dev114",
        "corpus dev114 split (the hundred-and-twentieth round, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "dev115": (
        CORPUS / "dev115",
        "corpus dev115 split (the hundred-and-twenty-first round's first half, development "
        f"data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev116": (
        CORPUS / "dev116",
        "corpus dev116 split (the hundred-and-twenty-second round, development data, tuned "
        f"on since: {NOT_EVIDENCE})",
    ),
    "dev117": (
        CORPUS / "dev117",
        "corpus dev117 split (the hundred-and-twenty-third round's first half, development "
        f"data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev118": (
        CORPUS / "dev118",
        "corpus dev118 split (the hundred-and-twenty-fourth round, development data, tuned "
        f"on since: {NOT_EVIDENCE})",
    ),
    "dev119": (
        CORPUS / "dev119",
        "corpus dev119 split (the hundred-and-twenty-fifth round's first half, development "
        f"data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev120": (
        CORPUS / "dev120",
        "corpus dev120 split (the hundred-and-twenty-sixth round, development data, tuned "
        f"on since: {NOT_EVIDENCE})",
    ),
    "dev121": (
        CORPUS / "dev121",
        "corpus dev121 split (the hundred-and-twenty-seventh round's second half, "
        f"development data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev122": (
        CORPUS / "dev122",
        "corpus dev122 split (the hundred-and-twenty-eighth round, development data, tuned "
        f"on since: {NOT_EVIDENCE})",
    ),
    "dev123": (
        CORPUS / "dev123",
        "corpus dev123 split (the hundred-and-twenty-ninth round's second half, "
        f"development data, tuned on since: {NOT_EVIDENCE})",
    ),
    "dev124": (
        CORPUS / "dev124",
        "corpus dev124 split (the hundred-and-thirtieth round, development data, tuned on "
        f"since: {NOT_EVIDENCE})",
    ),
    "spent3": (
        CORPUS / "spent3",
        f"corpus spent3 split (the third round's test split, read once after rules 2.15.0 and "
        f"tuned on since: {NOT_EVIDENCE})",
    ),
    "test2": (
        CORPUS / "test2",
        "corpus TEST2 split, fifth round (frozen, never tuned on: the evidence)",
    ),
    "test3": (
        CORPUS / "test3",
        "corpus TEST3 split, fifteenth round (frozen, never tuned on: the evidence)",
    ),
    "test4": (
        CORPUS / "test4",
        "corpus TEST4 split, sixteenth round (frozen, never tuned on: the evidence)",
    ),
    "test5": (
        CORPUS / "test5",
        "corpus TEST5 split, twenty-sixth round's US half (frozen, never tuned on: the evidence)",
    ),
    "test6": (
        CORPUS / "test6",
        "corpus TEST6 split, thirtieth round's first half (frozen, never tuned on: the evidence)",
    ),
    "test7": (
        CORPUS / "test7",
        "corpus TEST7 split, thirtieth round's second half (frozen, never tuned on: the evidence)",
    ),
    "test8": (
        CORPUS / "test8",
        "corpus TEST8 split, thirty-second round's first half (frozen, never tuned on: "
        "the evidence)",
    ),
    "test9": (
        CORPUS / "test9",
        "corpus TEST9 split, thirty-sixth round's first half (frozen, never tuned on: "
        "the evidence)",
    ),
    "test10": (
        CORPUS / "test10",
        "corpus TEST10 split, thirty-eighth round's first half (frozen, never tuned on: "
        "the evidence)",
    ),
    "test11": (
        CORPUS / "test11",
        "corpus TEST11 split, fortieth round's first half (frozen, never tuned on: the evidence)",
    ),
    "test12": (
        CORPUS / "test12",
        "corpus TEST12 split, forty-second round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test13": (
        CORPUS / "test13",
        "corpus TEST13 split, forty-fourth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test14": (
        CORPUS / "test14",
        "corpus TEST14 split, forty-sixth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test15": (
        CORPUS / "test15",
        "corpus TEST15 split, forty-seventh round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test16": (
        CORPUS / "test16",
        "corpus TEST16 split, forty-ninth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test17": (
        CORPUS / "test17",
        "corpus TEST17 split, fifty-first round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test18": (
        CORPUS / "test18",
        "corpus TEST18 split, fifty-third round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test19": (
        CORPUS / "test19",
        "corpus TEST19 split, fifty-fifth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test20": (
        CORPUS / "test20",
        "corpus TEST20 split, fifty-seventh round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test21": (
        CORPUS / "test21",
        "corpus TEST21 split, fifty-ninth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test22": (
        CORPUS / "test22",
        "corpus TEST22 split, sixty-first round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test23": (
        CORPUS / "test23",
        "corpus TEST23 split, sixty-third round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test24": (
        CORPUS / "test24",
        "corpus TEST24 split, sixty-fifth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test25": (
        CORPUS / "test25",
        "corpus TEST25 split, sixty-seventh round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test26": (
        CORPUS / "test26",
        "corpus TEST26 split, sixty-ninth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test27": (
        CORPUS / "test27",
        "corpus TEST27 split, seventy-first round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test28": (
        CORPUS / "test28",
        "corpus TEST28 split, seventy-third round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test29": (
        CORPUS / "test29",
        "corpus TEST29 split, seventy-fifth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test30": (
        CORPUS / "test30",
        "corpus TEST30 split, seventy-seventh round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test31": (
        CORPUS / "test31",
        "corpus TEST31 split, seventy-ninth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test32": (
        CORPUS / "test32",
        "corpus TEST32 split, eighty-first round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test33": (
        CORPUS / "test33",
        "corpus TEST33 split, eighty-third round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test34": (
        CORPUS / "test34",
        "corpus TEST34 split, eighty-fifth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test35": (
        CORPUS / "test35",
        "corpus TEST35 split, eighty-seventh round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test36": (
        CORPUS / "test36",
        "corpus TEST36 split, eighty-ninth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test37": (
        CORPUS / "test37",
        "corpus TEST37 split, ninety-first round's second half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test38": (
        CORPUS / "test38",
        "corpus TEST38 split, ninety-third round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test39": (
        CORPUS / "test39",
        "corpus TEST39 split, ninety-fifth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test40": (
        CORPUS / "test40",
        "corpus TEST40 split, ninety-seventh round's second half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test41": (
        CORPUS / "test41",
        "corpus TEST41 split, ninety-ninth round's first half (frozen, never tuned on: the "
        "evidence)",
    ),
    "test42": (
        CORPUS / "test42",
        "corpus TEST42 split, hundred-and-first round's second half (frozen, never tuned on: "
        "the evidence)",
    ),
    "test43": (
        CORPUS / "test43",
        "corpus TEST43 split, hundred-and-third round's second half (frozen, never tuned on: "
        "the evidence)",
    ),
    "test44": (
        CORPUS / "test44",
        "corpus TEST44 split, hundred-and-fifth round's second half (frozen, never tuned on: "
        "the evidence)",
    ),
    "test45": (
        CORPUS / "test45",
        "corpus TEST45 split, hundred-and-seventh round's second half (frozen, never tuned on: "
        "the evidence)",
    ),
    "test46": (
        CORPUS / "test46",
        "corpus TEST46 split, hundred-and-ninth round's first half (frozen, never tuned on: "
        "the evidence)",
    ),
    "test47": (
        CORPUS / "test47",
        "corpus TEST47 split, hundred-and-eleventh round's second half (frozen, never tuned on: "
        "the evidence)",
    ),
    "test48": (
        CORPUS / "test48",
        "corpus TEST48 split, hundred-and-thirteenth round's second half (frozen, never tuned on: "
        "the evidence)",
    ),
    "test49": (
        CORPUS / "test49",
        "corpus TEST49 split, hundred-and-fifteenth round's first half (frozen, never tuned on: "
        "the evidence)",
    ),
    "test50": (
        CORPUS / "test50",
        "corpus TEST50 split, hundred-and-seventeenth round's first half (frozen, never tuned "
        "on: the evidence)",
    ),
    "test51": (
        CORPUS / "test51",
        "corpus TEST51 split, hundred-and-nineteenth round's first half (frozen, never tuned "
        "on: the evidence)",
    ),
    "test52": (
        CORPUS / "test52",
        "corpus TEST52 split, hundred-and-twenty-first round's second half (frozen, never "
        "tuned on: the evidence)",
    ),
    "test53": (
        CORPUS / "test53",
        "corpus TEST53 split, hundred-and-twenty-third round's second half (frozen, never "
        "tuned on: the evidence)",
    ),
    "test54": (
        CORPUS / "test54",
        "corpus TEST54 split, hundred-and-twenty-fifth round's second half (frozen, never "
        "tuned on: the evidence)",
    ),
    "test55": (
        CORPUS / "test55",
        "corpus TEST55 split, hundred-and-twenty-seventh round's first half (frozen, never "
        "tuned on: the evidence)",
    ),
    "test56": (
        CORPUS / "test56",
        "corpus TEST56 split, hundred-and-twenty-ninth round's first half (frozen, never "
        "tuned on: the evidence)",
    ),
}
DEVELOPMENT = ("older", *DEVELOPMENT_SPLITS)
SPLITS = {
    "dev": DEVELOPMENT,
    # One development round alone: "--split dev19".
    **{split: (split,) for split in DEVELOPMENT_SPLITS if split != "dev"},
    "test": TEST_SPLITS,
    "all": (*DEVELOPMENT, *TEST_SPLITS),
}


def print_table(title: str, outcomes: list[Outcome]) -> None:
    print(f"\n  {title}")
    row = "    {:<30} {:<8} {:>8} {:>5} {:>10} {:>7}"
    print(row.format("finding", "value", "labelled", "read", "precision", "recall"))
    for name in FindingName:
        mine = [o for o in outcomes if o.finding is name]
        values = sorted(({o.expected for o in mine} | {o.read for o in mine}) - {UNKNOWN})
        for value in values:
            labelled = sum(o.expected == value for o in mine)
            read = sum(o.read == value for o in mine)
            right = sum(o.expected == o.read == value for o in mine)
            precision = f"{right / read:.3f}" if read else "n/a"
            recall = f"{right / labelled:.3f}" if labelled else "n/a"
            print(row.format(name.value, value, labelled, read, precision, recall))


def print_scores(label: str, scores: Scores) -> None:
    stated = scores.stated
    right = sum(o.read == o.expected for o in stated)
    firm = [o for o in scores.outcomes if o.firm]
    print(f"  [{label}] recall of stated findings: {scores.recall:.1%} ({right}/{len(stated)})")
    correct = sum(o.read == o.expected for o in firm)
    print(f"  [{label}] precision: {scores.precision:.1%} ({correct}/{len(firm)})")
    print(f"  [{label}] hedged statements read as a firm value: {len(scores.hedged_read_as_firm)}")
    print(f"  [{label}] false 'present': {len(scores.false_present)}")


def print_misses(outcomes: list[Outcome]) -> None:
    misses = Scores(tuple(outcomes)).misses
    print(f"  misses ({len(misses)}):")
    for miss in misses:
        text = " ".join(miss.item.split())
        print(f"    {miss.finding.value}: labelled {miss.expected}, read {miss.read}: {text[:110]}")


def print_quality(key: str, reader: ReportTextReader, config) -> Scores:
    """Print one set's figures and misses; return its outcomes, sentences and reports together."""
    folder, title = SETS[key]
    print(f"\n=== {title} ===")
    label = f"{key}: {NOT_EVIDENCE}" if key not in TEST_SPLITS else key.upper()
    parts = [
        (
            f"{len(sentences(folder))} sentences, each read alone at its treated level",
            sentence_outcomes(reader, sentences(folder)),
        ),
        (
            f"{len(reports(folder))} whole reports around a vertebroplasty (windows and modality)",
            report_outcomes(reader, config, reports(folder)),
        ),
    ]
    # A round of sentences only has no reports: no figure (100% of nothing) is printed for them.
    parts = [(what, outcomes) for what, outcomes in parts if outcomes]
    for what, outcomes in parts:
        print_table(f"{title}: {what}", outcomes)
        print_scores(label, Scores(tuple(outcomes)))
        print_misses(outcomes)
    together = Scores(tuple(o for _, outcomes in parts for o in outcomes))
    print(f"\n  {title}: sentences and reports together")
    print_scores(label, together)
    return together


def print_timing(key: str, reader: ReportTextReader, repeat: int) -> None:
    """Time per report: wall clock; the process's CPU time, which other processes on a shared
    machine disturb less; and each report's fastest of the repeats, the nearest to a quiet
    machine that a loaded one can give."""
    folder, _ = SETS[key]
    items: tuple[LabelledReport, ...] = reports(folder)
    if not items:
        return  # a round of sentences only: no report to time
    wall: list[list[float]] = [[] for _ in items]
    cpu: list[float] = []
    for _ in range(repeat):
        for index, labelled in enumerate(items):
            levels = frozenset({labelled.level})
            start, start_cpu = time.perf_counter(), time.process_time()
            reader.read([labelled.text], levels)
            wall[index].append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    figures = (
        ("wall clock", [ms for samples in wall for ms in samples]),
        ("CPU time", cpu),
        ("fastest of the repeats", [min(samples) for samples in wall]),
    )
    for label, samples in figures:
        samples.sort()
        p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
        print(
            f"  [{key}] text extraction per report, {label} ({len(items)} reports x {repeat}): "
            f"p50 {statistics.median(samples):.2f} ms, p95 {p95:.2f} ms, max {samples[-1]:.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="all")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    start = time.perf_counter()
    rules = load_text_rules()
    reader = ReportTextReader(rules)
    built = time.perf_counter() - start
    config = load_mapping_config()
    # As `pvp-cds serve` does before its workers start (serving.freeze_startup_heap): what was
    # built at start-up is kept out of the collector's full collections, which would otherwise
    # walk the language model's heap in the middle of a read.
    gc.freeze()
    print(f"Report text rules {rules.version}; pipeline built in {built:.2f} s (once, at start-up)")
    frozen = []
    for key in SPLITS[args.split]:
        scores = print_quality(key, reader, config)
        if key in TEST_SPLITS:
            frozen.extend(scores.outcomes)
    if set(TEST_SPLITS) <= set(SPLITS[args.split]):
        print(
            "\n=== the frozen test splits together (the figures issue 23's targets are read on) ==="
        )
        print_scores(" + ".join(split.upper() for split in TEST_SPLITS), Scores(tuple(frozen)))
    print("\nTime per report (the machine's load shows in these: compare on a quiet machine):")
    for key in SPLITS[args.split]:
        print_timing(key, reader, args.repeat)


if __name__ == "__main__":
    main()

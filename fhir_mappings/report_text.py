"""Radiology report text in, what it states about each finding out.

The rules of ``report-text-rules.json`` build a blank spaCy English pipeline
(:mod:`.report_pipeline`): clauses, the target phrases and their lookalikes, words anchored to
another word, and ConText (negation, uncertainty, history, hypothesis, experiencer,
persistence, another reader's word and agreement with it). The text is cut into lines and
sentences first, so that a report template's lines never share a scope; skipped sections
(indication, history, comparison) and unfilled template fields are dropped there, ``label:
value`` answers are put into words, and abbreviations spelt out.

Load the rules and build the pipeline once (:func:`load_text_rules`, :class:`ReportTextReader`);
:meth:`ReportTextReader.read` is then pure. What is not stated stays unknown: a finding the text
never names has no statement, uncertain, historical or hypothetical mentions never count as
present, and a mention about another vertebra is set aside rather than weighed against the
treated one.
"""

from __future__ import annotations

import functools
import html
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from .codes import CementDistribution, FindingName, VertebralLevel
from .reasons import NoValueKind
from .report_pipeline import (
    CONTRAST_STARTS,
    DOUBTFUL_CLAUSES,
    JOINING,
    LOOKALIKE,
    MONTHS,
    READS,
    SHARED_SUBJECT,
    build_pipeline,
    ents_of,
    is_english_word,
    opening_phrase,
    text_of,
    words_of,
)
from .site_files import read_site_file

RULES_FILE = "report-text-rules.json"
RULES_SCHEMA = "report-text-rules.schema.json"

#: Entity labels besides the finding names.
BLOCKY, SPONGY = "cement_blocky", "cement_spongy"
#: A Goutallier grade read from its definition ("fat less than muscle"): the label's suffix.
DEFINITION = "goutallier_definition_"
LABEL_FINDINGS = {
    FindingName.INTRAVERTEBRAL_VACUUM_CLEFT.value: FindingName.INTRAVERTEBRAL_VACUUM_CLEFT,
    FindingName.POSTERIOR_FASCIA_OEDEMA.value: FindingName.POSTERIOR_FASCIA_OEDEMA,
    FindingName.GOUTALLIER_GRADE.value: FindingName.GOUTALLIER_GRADE,
    BLOCKY: FindingName.CEMENT_DISTRIBUTION,
    SPONGY: FindingName.CEMENT_DISTRIBUTION,
    **{f"{DEFINITION}{grade}": FindingName.GOUTALLIER_GRADE for grade in range(5)},
}
#: Findings tied to the treated vertebra: a mention at another level is about another fracture.
LEVEL_BOUND = frozenset(
    {
        FindingName.INTRAVERTEBRAL_VACUUM_CLEFT,
        FindingName.POSTERIOR_FASCIA_OEDEMA,
        FindingName.CEMENT_DISTRIBUTION,
    }
)
#: How words may pick one of the levels a sentence names ("the latter", "the lower one").
_PICKS = ("first", "second", "third", "last", "highest", "lowest", "unsaid", "among_several")
#: Picks by the order the levels were named in, from the first (0).
_PICKED_POSITION = {"second": 1, "third": 2}
#: Findings read as present or absent.
PRESENCE_FINDINGS = frozenset(
    {FindingName.INTRAVERTEBRAL_VACUUM_CLEFT, FindingName.POSTERIOR_FASCIA_OEDEMA}
)
#: Fewest words of a definition in brackets beside a field's label.
DEFINITION_WORDS = 4
#: Most words a section's header has ("relevant past medical history").
HEADER_WORDS = 4
#: How far before a grade's pattern the words making it a bound may start ("no worse than"),
#: in characters.
BOUND_BEFORE_GRADE = 25
#: How far before the eponym (or the words naming it as the scale: "according to") a grade
#: given for it may start ("grade II (Goutallier)"), in characters.
GRADE_BEFORE_EPONYM = 15
#: Characters at the end of a line searched for words that no sentence ends with.
GOES_ON_TAIL = 40
#: Longest quote shown on a card, in characters.
QUOTE_LIMIT = 160
#: The shortest word read as a slip of a key word, and the shortest allowed two slips.
SLIP_LENGTH = 5
LONG_SLIP_LENGTH = 10
#: The edits a word of ``LONG_SLIP_LENGTH`` letters or more may be from the word it slips of.
LONG_SLIP_REACH = 2

# "T1" and "T2" are read as MRI sequences (T1-/T2-weighted), never as vertebrae: the model's
# levels are T4-L5, so no treated level is lost.
_LEVEL = re.compile(
    r"(?<![\w-])(th|t|d|l|s)(1[0-2]|[1-9])"
    r"(?:(?:\s*[-–/]\s*|\s+(?:to|down\s+to|through|thru)\s+)(th|t|d|l|s)?(1[0-2]|[1-9]))?(?!\w)",
    re.I,
)
#: Levels right after a mention, joined to it by a preposition ("in L2", "at the L1", "at
#: T12 and at L1", "within the T12 or L1"; not ", the T11 collapse", another subject).
_LEVEL_ATTACHED = re.compile(
    rf"\s+(?:in|at|of|within)\s+(?:the\s+)?{_LEVEL.pattern}"
    rf"(?:\s*(?:,|&|\band\b|\bor\b)\s*(?:(?:in|at|of|within)\s+)?{_LEVEL.pattern})*",
    re.I,
)
#: A line naming only a level, a heading for the lines under it ("T12:", "Level L1 (treated):"),
#: or a label naming only a level for the sentences of its line ("Findings at T12: ...").
_LEVEL_HEADING = re.compile(
    r"(?:(?:findings\s+)?(?:at|level|of)\s+)?(?:the\s+)?"
    rf"{_LEVEL.pattern}(?:\s+(?:level|vertebra|vertebral\s+body))?(?:\s*\([^)]*\))?\s*[:.]?",
    re.I,
)
#: A ticked box or option ("[x]", "(•)", "[*]", a filled radio button "●") and any box, ticked
#: or not ("[ ]", "☐", "○"). A ballot cross in brackets ("[✗]") is a box too, but not a tick:
#: one form writes it for "no", another for a box marked; either way it is no answer "yes".
_CHECKED = r"\[\s*[xX✓✔*•]\s*\]|\(\s*[xX*•]\s*\)|[☒☑✅●◉]"
_BOX = re.compile(r"\[\s*[xX✓✔*•✗✘]?\s*\]|\(\s*[xX*•]?\s*\)|[☐☒☑✅○◯●◉]")
#: An aside in brackets closing a line of boxes, after the last of them: words, not a box.
_ASIDE_AFTER_BOXES = re.compile(r"(?<=[\w\]])\s*\((?=[^()\[\]]*[^\W\d_]{2})[^()\[\]]*\)\s*\.?\s*$")
#: The boxes above that are radio buttons, which come in groups: one alone is a bullet.
_RADIO_BUTTONS = "○◯●◉"
#: A box before a grade of the scale: "[x] 1 some fatty streaks", "[ ] 3".
_GRADE_BOX = re.compile(rf"(?:{_BOX.pattern})\s*[0-4](?!\w|[.,]\d)")
_FIELD = re.compile(r"^(?P<label>[^:|=]{1,80}?)(?P<separator>[:|=]|\s[-–—]\s)\s*(?P<value>.*)$")
#: A level, with or without the word, then a dash and a field: "Level L1 - cleft: no".
_LEVEL_THEN_FIELD = re.compile(
    rf"(?:level\s+)?(?P<level>{_LEVEL.pattern})\s+[-–—]\s+(?P<field>[^:|=]+:.*)", re.I
)
#: A table row's cells after its label: the levels, then the answer ("T10-T11 | Present").
_LEVEL_CELL = re.compile(
    rf"(?P<levels>{_LEVEL.pattern}(?:\s*[,&]\s*{_LEVEL.pattern})*)\s*\|\s*(?P<value>[^|]+?)\s*",
    re.I,
)
#: A table row's last cell left empty: "| L1 | TLF oedema | |".
_EMPTY_LAST_CELL = re.compile(r"\|[ \t]*(?:[-–—]{1,3}|\[\s*select\s*\])?[ \t]*\|[ \t]*$", re.I)
#: A table cell's own label before its answer: "pre-op: yes", "current 2024: 2".
_CELL_LABEL = re.compile(r"^[^:]*:")
#: Between the items of a list a label answers ("Not seen: cleft, fascial oedema").
_LIST_ITEMS = re.compile(r"\s*(?:[,;]|\b(?:and|or|nor)\b)\s*", re.I)
#: A registry field with a legend of codes and the code chosen after it: "Q1 Cleft? [0=No
#: 1=Yes]: 1", "F3 Pattern 1=Blocky 2=Spongy : 2".
_CODED_FIELD = re.compile(
    r"^(?P<label>[^=:|]*?)(?P<legend>[\[(]?\s*\d+\s*=\s*[^:|]*?)[\])]?\s*:\s*(?P<code>\d+)\s*\.?$"
)
#: One code and its option in a legend: "1=Yes", "2 = Spongy", "9=Not assessable" (whole: its
#: first word alone, "Not", would answer the field).
_CODE_OPTION = re.compile(r"(?<![\w.])(\d+)\s*=\s*([^\W\d_][\w-]*(?:[ \t]+[^\W\d_][\w-]*)*)")
#: A scale's span beside a label, in brackets of its own ("[0-4]", "(0 to 4)") or closing the
#: label's.
_SCALE_SPAN = re.compile(
    r"\s*[\[(]\s*0\s*(?:[-–]|to)\s*4\s*[\])](?=\s*:)"
    # "Multifidus fat (Goutallier grade 0-4): 3", "(L4/5, T1 axial, 0-4): 3": the span
    # closing the label's bracket.
    r"|,?\s+0\s*(?:[-–]|to)\s*4(?=\s*[\])]\s*:)"
    # "on the five-grade scale 0 to 4", "on a 0-4 scale": the scale named with its span.
    r"|(?<=scale)\s+(?:of\s+|from\s+)?0\s*(?:[-–]|to)\s*4\b"
    r"|\b0\s*(?:[-–]|to)\s*4(?=[\s-]+scale\b)"
)
#: How a template's answer opens when it denies in a sentence of its own.
_DENIAL_OPENING = re.compile(r"(?:no|nil|without|there\s+(?:is|are|was|were)\s+no)\s", re.I)
_ANSWER_WORD = re.compile(r"[\w'-]+")
#: A template value that says nothing: a blank, a placeholder, a pointer elsewhere.
_BLANK = re.compile(
    r"^(?:_+|\.{2,}|-+|\?+|\*+|n/?a|not recorded|<[^>]*>|\([^)]*\)|\{[^}]*\}|\[[^\]]*\]"
    # A pointer, with words of its own between: "see above", "see cleft description above".
    r"|(?:see|as|refer to)\s+(?:[\w'-]+\s+){0,3}?(?:above|below|text|report|comments?|findings"
    r"|impression|conclusion|summary|addendum)"
    r"|pending|to follow|deferred(?:\s+to\s+\S+)?|tbc|tbd|unknown|unk|nd"
    r"|not\s+(?:assessed|graded|evaluated|applicable|performed|stated|done|known|assessable)"
    r"|non-?diagnostic|limited(?:\s+(?:assessment|study|evaluation|views?))?"
    # A picklist's prompt left in place: "choose", "select one", "[select]".
    r"|(?:please\s+)?(?:choose|select|pick|enter|specify)(?:\s+(?:one|an?\s+option|value|grade))?)?\.?$",
    re.I,
)
# A "?" after a space is a query ("?cleft", ", ? early cleft"), not a sentence's end.
_CHOICES = re.compile(r"\s*(?:/|\||\bor\b)\s*", re.I)
_BAR = re.compile(r"\s*\|\s*")
#: A table's header row: a first column of levels or items, then names without values (no
#: digit, no colon), between bars, tabs or wide spaces (split apart, not matched as one
#: pattern: cells and wide spaces alike would make a regex backtrack without end).
_COLUMN_WORD = re.compile(
    r"(?:vertebral\s+)?(?:level|vertebra|segment|finding|parameter|item|feature|structure)s?",
    re.I,
)
_CELL_SEPARATOR = re.compile(r"\s*\|\s*|\s*\t\s*|\s{2,}")
#: A table's column for an earlier study: "Prior", "Previous MRI", "Baseline".
_EARLIER_COLUMN = re.compile(r"(?:prior|previous|earlier|old|baseline|comparison)\b", re.I)
#: A table's cell saying nothing changed since the earlier study: "unchanged", "stable".
_UNCHANGED_CELL = re.compile(r"unchanged|stable|same|no\s+change|as\s+before", re.I)
#: A table's cell holding one box, ticked or not: "[x]", "[ ]", "☑".
_BOX_CELL = re.compile(r"\[\s*[xX✓✔*]?\s*\]|[☐☑☒■□]")
#: A field answered as the one before it: "Fascial oedema: likewise", "Cleft sign: the same".
_SAME_ANSWER = re.compile(
    r"\s*:\s*(?:likewise|the\s+same|same|ditto|same\s+as\s+above|as\s+above)\s*\.?\s*$", re.I
)
#: A field's answer as :meth:`ReportTextReader._answered` gives it: "Cleft: absent."
_GIVEN_ANSWER = re.compile(r":\s(present|absent)\.$")
#: A table's cell holding a mark that answers by its column: "X", "✓".
_MARK_CELL = re.compile(r"[xX✓✔]")
#: A cell of a row aligned by spaces: words apart by one space, cells by two or more.
_SPACED_CELL = re.compile(r"\S+(?: \S+)*")
#: A rule under a table's header row: "|-------|:---:|", "+-----+-----+".
_TABLE_RULE = re.compile(r"(?=.*-)[\s|:+=-]+")
#: What each of :data:`_CELL_SEPARATOR`'s separators holds: a bar, a tab or two spaces.
_CELL_SIGN = re.compile(r"[|\t]|\s\s")
_VALUE_SIGN = re.compile(r"[\d:]")
#: A column named by an MRI sequence, whose digit is no value: "T1", "T2 FS", "T1W".
_SEQUENCE_COLUMN = re.compile(r"t[12](?:\s*(?:w|wi|fs|weighted))?", re.I)
#: A question and the answer after it, each of a line's: "Vacuum cleft? No", "Is there a cleft?
#: A: yes, in L1", "Cleft? No. Fascial oedema? Also no." The answer ends at a stop or a bracket.
_QUESTION = re.compile(
    r"(?P<label>[^?!.:;|=\w]*\w[^?!.:;|=]{0,79}?)\s*\?\s+(?:(?:a|ans|answer)\s*[:.-]\s*)?"
    r"(?P<answer>[^\s,.;:()?!–—-][^,.;:()?!–—]{0,19}?)\s*(?P<after>[,.;:!–—(]|\s-\s|$)",
    re.I,
)
#: A table's row of a level after another's on one line: "...; L1 | cleft | yes".
_ROW_AFTER_ROW = re.compile(rf";\s*(?=(?:{_LEVEL.pattern})\s*\|)", re.I)
#: A word of lower-case letters with a 1 or a 0 in it after two of them: "ni1", "fi1ter".
_OCR_WORD = re.compile(r"\b[a-z]{2,}[01][a-z01]*\b")
#: The signs a footnote is marked with.
_NOTE_MARKS = "*†‡§¶⁰¹²³⁴⁵⁶⁷⁸⁹"
#: A footnote's mark after a word or at the start of its note: "Absent³", "0*", "(†to be ...)";
#: not a sign between two words or numbers ("5*3 mm").
_FOOTNOTE_MARK = re.compile(
    rf"(?<=[\w\])])[{_NOTE_MARKS}]+(?!\w)|(?<=[(|]|\s)[{_NOTE_MARKS}]+(?=\w)"
)
#: A footnote: its mark opening a line or a sentence, then its note, to the line's end.
_FOOTNOTE = re.compile(
    rf"(?:^|(?<=[.!?])[ \t]+)(?P<mark>[{_NOTE_MARKS}]{{1,2}})[ \t]*"
    rf"(?P<note>[^\s{_NOTE_MARKS}][^\n]*)",
    re.M,
)
#: What every footnote's mark holds: most lines hold none (one class, scanned at speed).
_FOOTNOTE_SIGN = re.compile(f"[{_NOTE_MARKS}]")
#: A question asking whether a finding is still there: answered "no", it has gone.
_ASKED_IF_STILL = re.compile(r"\b(?:still|persist\w*|remain\w*|again)\b", re.I)
#: A question's number before it: "Q:", "Q3:", "Question 2:".
_QUESTION_NUMBER = re.compile(r"(?:^|[.!?]\s+)(?:q|question)\s*\d*\s*:$", re.I)
#: Words before an answer that leave it as it is: "Also no", "again yes".
_ANSWER_ADVERB = re.compile(r"^(?:also|again|still|and)\s+", re.I)
#: One level's answer of a field answered level by level: "L1 no", "T12: yes", "L2 - neg".
_LEVEL_ANSWER = re.compile(
    rf"(?P<level>{_LEVEL.pattern})\s*[:=(-]?\s*(?P<answer>[^,;:()]+?)\s*\)?(?:\s*\([^()]*\))?",
    re.I,
)
#: Between the levels of a field answered level by level: a comma, a semicolon or a slash
#: with space around it ("T12 Y / L1 N"; "L4/5" is one level).
_LIST_SEPARATOR = re.compile(r"\s*[,;]\s*|\s+/\s+")
#: Signs that answer "no" beside another level's "+" ("Cleft: T12 -, L1 +").
_MINUS_SIGNS = frozenset({"-", "–", "−"})
#: Between options written side by side: spaces, brackets, emphasis.
_OPTIONS = re.compile(r"[\s()\[\]*_]+")
#: HTML: tags that begin or end a block or a row (a line each), a table's cells, and tags
#: within a line (dropped). Only these names: "fat < muscle" is no tag.
_HTML_BLOCK = re.compile(
    r"</?\s*(?:p|br|div|li|ul|ol|tr|table|tbody|thead|h[1-6]|hr|section|header|footer|"
    r"html|body|head|title|center)\b[^<>]*>",
    re.I,
)
_HTML_CELLS = re.compile(r"(?:[ \t]*</?\s*t[dh]\b[^<>]*>[ \t]*)+", re.I)
_HTML_INLINE = re.compile(
    r"</?\s*(?:b|i|u|em|strong|span|font|small|sup|sub|mark|a|abbr|label)\b[^<>]*>", re.I
)
#: A bracketed group of a line: "[Present/Absent]", "{blocky | spongy}".
_BRACKETED = re.compile(r"[\[({]([^\[\](){}]*)[\])}]")
#: A field whose whole answer stands in square brackets: "Intravertebral cleft: [None]".
_BRACKETED_ANSWER_ALONE = re.compile(
    r"(?P<label>[^:\[\]]{1,80}):\s*\[(?P<answer>[^\[\]/|]+)\]\s*\.?"
)
#: A ``label: value`` field, as a row of them writes each ("Goutallier (L4-5): 4").
_LABELLED = re.compile(r"^[^:|=;]{1,80}?(?:[:=]|\s[-–—])\s*\S")
#: Where a label can end: what :data:`_LABELLED` needs in a line.
_LABEL_END = re.compile(r"[:=]|\s[-–—]")
#: A table cell naming a finding and answering it with a capital Y or N: "TLF oedema N".
_YES_NO_CELL = re.compile(
    r"^(?P<label>[^\W\d_][^:|=]*?[^\W\d_])\s+(?P<answer>[YN])(?P<rest>\s*\([^)]*\))?$"
)
#: A field left without an answer: "Gout:" (its "***" placeholder gone with the line's markup).
_UNANSWERED = re.compile(r"^[^:|=;]{1,80}?:$")
_SEMICOLON = re.compile(r"\s*;\s*")
_COMMA = re.compile(r"\s*,\s*")
#: An answer with a reason or a qualifier in brackets after it: "not applicable (CT)",
#: "present (provisional)".
_ASIDE_AFTER = re.compile(r"(?P<answer>[^()\[\]]+?)\s*[(\[](?P<aside>[^()\[\]]*)[)\]]")
#: Where a reason follows a value: a bracket, a dash between spaces (after a comma, a second
#: answer may follow: "n/a, none identified").
_REASON_FOLLOWS = re.compile(r"\s*\(|\s+[-–—]\s+")
#: A zero right after an item's name, as its value ("IVC 0", "TLF oedema 0,"): a field.
_ZERO_VALUE = re.compile(r"(?<=[^\W\d_])\s+(?=0(?:\s*[,;.]|\s*$))")
#: A label named in words, not a number: fields between commas are only these.
_NAMED_LABEL = re.compile(r"[^\W\d_]{2}")
#: An item of a list, one a line: "- cleft", "• TLF oedema", "2) fascial oedema".
_BULLET_ITEM = re.compile(r"^(?:[-–•·▪◦]|\d{1,2}[.)])\s*(?P<item>[^\W\d_].*)$")
#: Wide space between the fields of one line ("Cleft: Y   TLF oedema: N").
_WIDE_SPACE = re.compile(r" {2,}|\t+")
#: A semicolon typed without the space after it ("No fracture at L2;intravertebral cleft"):
#: the tokenizer would read the two words around it as one.
_TIGHT_SEMICOLON = re.compile(r"(?<=\w);(?=[^\W\d_])")
#: A slash between words about one vertebra and a vertebra whose own words follow ("T11
#: INTRAVERTEBRAL CLEFT/L1 MILD WEDGING"): a narrow field's full stop; not a disc level
#: ("T12/L1").
_SLASH_BEFORE_A_LEVEL = re.compile(
    rf"(?P<before>{_LEVEL.pattern}[^/.;]*?[^\W\d_]{{2}})\s*/\s*"
    r"(?=(?:[TL]|Th|D)\d{1,2}\s+[^\W\d_])",
    re.I,
)
#: A list of three items or more squeezed into one line after its first dash ("- no stenosis -
#: no cord signal change - fluid cleft in L1"): the dashes between them, not one between
#: numbers ("Goutallier 2 - 3"). A dash may also end a field's label ("- Cleft - present",
#: "- Fascial oedema - no - L1"): each item is of two words or more.
_DASH_BETWEEN_ITEMS = re.compile(r"(?<=[^\W\d_.,;:])\s+[-–]\s+(?=[^\W\d_])")
#: A field's answer alone on the line after its label ("Cleft L1:" / "yes"): at most three
#: words, no label of its own, no list item.
_ANSWER_ALONE = re.compile(r"(?![-–•*]|\d{1,2}[.)]\s)[^:|=\s]+(?:\s+[^:|=\s]+){0,2}")
#: A single space after a field's one-word answer and before the next field's label ("CLEFT:
#: YES FASCIAL EDEMA: NO"): a line of fields squeezed together.
_AFTER_AN_ANSWER = re.compile(
    r"(?:(?<=:\syes)|(?<=:\sno)|(?<=:\sy)|(?<=:\sn)|(?<=:\spresent)|(?<=:\sabsent)|"
    r"(?<=:\snone)|(?<=:\snil))\s(?=[^\W\d_][^\W\d_ ]*(?:\s[\w/().-]+){0,3}:)",
    re.I,
)
#: A tick or a cross before or after an item, as its answer ("✗ Intravertebral cleft", "TLF
#: oedema ...... ✓", "Cleft × (see CT)"), or an empty-set sign after it ("fascia oedema Ø"): a
#: field. A letter X is no cross: it ticks boxes.
_MARK_BEFORE = re.compile(r"^(?P<mark>[✓✔✗✘])\s*(?P<label>[^\W\d_][^:|=]*?)\s*$")
_MARK_AFTER = re.compile(
    r"^(?P<label>[^:|=✓✔✗✘×Øø∅]*[^\W\d_])[\s.]*(?P<mark>[✓✔✗✘×Øø∅])"
    r"(?P<rest>\s*(?:\([^)]*\))?\.?)$"
)
#: A form's code in square brackets after a field's answer in words: "Yes [1]".
_ANSWER_CODE = re.compile(r"(?<=[^\W\d_])\s*\[\d{1,2}\]$")
#: A field's options each marked by a tick or a cross ("Cement: spongy ✓ blocky ✗"): each
#: option's mark as its box, ticked or empty.
_MARKED_OPTIONS = re.compile(r"^[^:|=✓✔✗✘]+:(?:\s*[^\W\d_][\w-]*\s*[✓✔✗✘]){2,}\s*\.?$")
_MARKED_OPTION = re.compile(r"(?P<option>[^\W\d_][\w-]*)\s*(?P<mark>[✓✔✗✘])")
#: A finding's name answered in brackets on a line of its own: "Cleft (no).", "TLF oedema (yes)".
_BRACKETED_ANSWER = re.compile(
    r"^(?P<label>[^\W\d_][^:|=()]*?[^\W\d_])\s*\((?P<answer>no|yes|nil|none|absent|present)\)"
    r"(?P<rest>\s*[.;]?)$",
    re.I,
)
#: An item answered in square brackets after it, within a line: "fascia edema [no]".
_ANSWER_IN_BRACKETS = re.compile(
    r"(?P<label>[^\W\d_][^:|=()\[\];]*?[^\W\d_])\s*\[(?P<answer>no|yes|nil|none|absent|present)\]",
    re.I,
)
#: A value that is a number alone: a grade where the label is about the muscles' fat, no
#: answer where it names a cleft or the fascia ("IVC=0", "Vacuum cleft: 1").
#: What surrounds an option between boxes: any white space (tabs, no-break spaces) and the
#: separators a form puts between options.
_OPTION_EDGES = re.compile(r"^[\s,;/]+|[\s,;/]+$")
#: Where a line of boxes goes on after its last option: a dash between spaces or a semicolon.
_AFTER_THE_OPTIONS = re.compile(r"\s+[-–—]+\s+|\s*;\s+")
_BARE_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?\.?$")
#: Dot leaders between a template's label and its value ("Vacuum cleft ....... none").
_LEADER = re.compile(r"(?<=\w)\s*\.{3,}\s*(?=\w)")
#: A finding marked present or absent by a sign after it ("IVC+", "TLF oedema (-)", "TLF
#: oedema -,"): after a word, not a number ("grade 3+" is a range). A bare minus only before
#: the end of its item: "L4-5", "T2-" and "oedema: -" (an unfilled field) are not signs. A
#: comma after the sign ends the item ("IVC -, TLF oedema +"): the word put in its place is
#: the item's own. So does a slash between spaces in a shorthand list ("IVC+ / TLF oed - /
#: GC 3"); "+/-" or "±", bare or in brackets, is a doubt.
_PLUS_MINUS = re.compile(
    r"(?:(?<=[^\W\d_])\s*(?P<sign>\+/[-−]|±|\+|\(\+\)|\(-\)|\(−\)|\(\+/[-−]\)|\(±\))"
    # Not before a number: "height loss +/- 40%" is about 40%.
    r"(?=[\s,;.)]|$)(?!\s*\d)"
    r"|(?<=[a-z])\s*(?P<minus>[-−])(?=\s*(?:[,;)]|\s/\s|\.?$)))(?P<comma>\s*(?:,|/(?=\s)))?",
    re.I,
)
#: The most words a checklist item answered by a sign at its line's end has.
SIGNED_ITEM_WORDS = 6
_SIGNED = {
    # "IVC +/-": either, a doubt.
    **dict.fromkeys(("+/-", "+/−", "±", "(+/-)", "(+/−)", "(±)"), " ?"),
    "+": " present",
    "(+)": " present",
    **dict.fromkeys(("(-)", "(−)", "-", "−"), " absent"),
}
#: A blank left after a finding's name, "n/a" written for it, or a template's placeholder left
#: in ("cleft ___ (Y/N)", "cleft n/a", "cleft: {{CLEFT}}"): nothing was assessed, said in words
#: the rules read.
_NOT_ASSESSED = re.compile(r"(?<![\w/])(?:n/a|n\.a\.|_{2,}|\{\{\w*\}\})(?=\s*(?:$|[;.(|]))", re.I)
#: Punctuation dictated and left as words by voice recognition ("... T12 full stop At L1").
_DICTATED_BREAK = re.compile(
    r"\s+(?:full\s+stop|new\s+paragraph|next\s+paragraph|new\s+line)\b[\s.]*", re.I
)
#: A sentence denying, at a level, what the sentence before named: "... at L2. None at L1".
_DENIED_AT_A_LEVEL_NEXT = re.compile(
    rf"\.\s+(?=(?:none|nil|not|absent)\s+(?:at|in)\s+(?:the\s+)?{_LEVEL.pattern})", re.I
)
#: An adverb set off by commas inside a clause ("the fascia, however, is oedematous").
_ASIDE_ADVERB = re.compile(
    r",\s*(?:however|moreover|furthermore|additionally|also|though|therefore|of note|notably)"
    r"\s*,",
    re.I,
)
_ASIDE = re.compile(r"^([^:(]{1,60}?)\s*\([^)]*\)(?=\s*:)")
#: A ``key=value`` pair of data, its value quoted or one word.
_DATA_PAIR = re.compile(r'(?<![\w.])([A-Za-z][\w.]*)\s*=\s*("[^"]*"|[^\s;,]+)')
#: A name as programs write them: words joined by an underscore or a dot.
_PROGRAM_NAME = re.compile(r"[A-Za-z0-9][._][A-Za-z]")
#: A field's label as programs write it, words joined by underscores, before its colon or
#: its bracket: "L1_IVC_current: present", "TLF_oedema_L1: yes", "L1_IVC_prior(2024-01-10):".
_PROGRAM_LABEL = re.compile(
    r"(?<![\w./])[A-Za-z0-9/-]+(?:_[A-Za-z0-9/-]+)+(?=\s*(?:\([^()]*\))?\s*:)"
)
#: A field closed twice: by its own semicolon and by the one the data had after it.
_DOUBLED_SEMICOLON = re.compile(r";\s*;")
#: An endplate right after words that would point to another vertebra ("the L1 body just
#: below the superior endplate"): a place within the body.
_AN_ENDPLATE = re.compile(
    r"\s+(?:the\s+|its\s+)?(?:superior|inferior|upper|lower|cranial|caudal)\s+end[\s-]?plates?\b",
    re.I,
)
# A full stop typed without its space ("retropulsion.There is", "at L1.A cleft") ends a
# sentence too, after a word of two small letters or more or a number (not "e.g.", "Dr.").
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!])|(?<=\S\?))\s+(?=\S)|(?:(?<=[a-z]{2}\.)|(?<=\d\.))(?=[A-Z](?:[a-z]|\s))"
)
_ABBREVIATIONS = frozenset(
    {
        "vs.",
        "approx.",
        "e.g.",
        "i.e.",
        "cf.",
        "fig.",
        "dr.",
        "ca.",
        "al.",
        "gr.",
        "bilat.",
        "post.",
        "ant.",
        "lt.",
        "rt.",
        "v.a.",
    }
)
#: What opens a definition before the term it defines: an indefinite article, perhaps
#: after a label ("Patient information: a vacuum cleft is ...").
_DEFINITION_OPENING = re.compile(r"\W*(?:[^\W\d_][\w ]{0,30}:\s*)?an?\s+(?:[\w-]+\s+)?", re.I)
#: What a definition says a finding is: "a ...", or the gas or fluid it is made of in any
#: such body ("a vacuum cleft is gas within a collapsed body"; not "fluid in signal"), or
#: what any grade of it stands for ("a Goutallier grade 3 indicates equal fat and muscle").
_IS_A = re.compile(
    r"\s*(?:(?:is|are)\s+(?:an?\s|(?:gas|air|fluid|nitrogen)\s+(?:within|in|inside)\s+an?\s)|"
    r"(?:grade\s+\w+\s+)?(?:indicates|means|denotes|signifies|represents|corresponds\s+to)\b)",
    re.I,
)
#: A finding's own words after it saying it has gone ("fascial oedema (previously present,
#: now resolved)"): no persistence named after them makes it current.
_RESOLVED = re.compile(r"\b(?:resolved|resolution|no\s+longer|disappeared)\b", re.I)
#: Words saying an amount has changed: a grade of before is not the grade now beside them.
_CHANGED = re.compile(
    r"\b(?:progress(?:ed|ing|ion|ive)|increas(?:ed|ing)|worsen(?:ed|ing)|advanced|"
    r"deteriorat(?:ed|ing|ion)|decreas(?:ed|ing)|improv(?:ed|ing)|regress(?:ed|ing|ion))\b",
    re.I,
)
#: A date closing a header: "Previous report 01/2022", "Prior MRI of 2019".
_DATE_CLOSING = re.compile(
    r"\s+(?:(?:of|from|dated)\s+)?(?:\d{1,2}[/.-]){0,2}(?:19|20)\d{2}$", re.I
)
#: A date with its year in a study's label: "03/2021", "12.01.2024", "2019" (a day and a
#: month alone, "MRI 20/10:", is as likely the study the note is about).
_DATE_WORD = re.compile(r"(?:\d{1,2}[/.-]){1,2}(?:19|20)\d{2}|(?:19|20)\d{2}")
#: A date's month and year: "02/06/2024" (either way round), "06/2024", "3 June 2024".
_NUMBERED_DATE = re.compile(r"\b(?:(\d{1,2})[/.-])?(\d{1,2})[/.-]((?:19|20)\d{2})\b")
_NAMED_MONTH_DATE = re.compile(r"\b([a-z]{3,9})\.?\s+((?:19|20)\d{2})\b", re.I)
#: The time of a study relative to the procedure, in its label: "post-op CT 05/2022".
_STUDY_TIME = re.compile(
    r"(?:pre|post)[-\s]?(?:op|operative|procedure|procedural|vertebroplasty|kyphoplasty)|"
    r"prior|previous|outside|old|initial|baseline"
)
#: Words that, besides a modality and a date, name a study in a label ("Comparison CT of 3
#: February 2024:").
_STUDY_WORDS = frozenset(
    {"of", "from", "dated", "on", "the", "study", "scan", "exam", "examination", "report", *MONTHS}
)
#: The end of a line that no sentence ends with: an article, a preposition, a conjunction or
#: "rule out" wants the words of the next line ("... CT to rule out" / "Kümmell.").
_GOES_ON = re.compile(
    r"(?<![^\s(])(?:a|an|the|of|to|for|with|without|and|or|nor|in|into|within|at|by|from|"
    # Prepositions before a capitalised word ("high signal on" / "STIR", "if confirmed on" /
    # "CT").
    r"on|onto|than|if|as|between|beneath|along|across|through|including|involving|via|"
    r"rule\s+out|exclude|excluding|"
    # A verb's helper, a hedge before its noun, a denial after a verb ("THERE IS NO" /
    # "INTRAVERTEBRAL CLEFT.", "CANNOT BE" / "EXCLUDED.": a report in capitals has no lower
    # case to tell the next line goes on), a number's hyphen ("Goutallier 2-" / "3").
    r"is|are|was|were|be|been|being|can|cannot|could|might|must|should|will|would|does|"
    r"do|did|possible|possibly|probable|probably|questionable|(?<!clinical\s)query|"
    # "may", not the month ("CT 2 May").
    r"(?<!\d\s)may|"
    r"(?:is|are|was|were|be|been|shows?|showing|demonstrates?|reveals?|with|has|have|had|and|"
    r"or|but|there|does|do|did|could|would|should|can|may|might|will)\s+(?:no|not))\s*$"
    r"|(?<=\d)-$",
    re.I,
)
#: A line that opens with an aside in brackets and goes on in lower case ("(MRI 2021) to grade
#: 3."), or with a bracket of words in lower case ("(intravertebral cleft, Kummell)."; not a
#: list's "(a)" or "(iii)"): the rest of the sentence above it.
_ASIDE_GOES_ON = re.compile(r"\([^()]*\)\s+[a-z]|\(\s*[a-z][a-z-]+[\s,]")
#: A line opening with a label ("FINDINGS:", "TLF oedema: yes", "Fascial oedema? No"): no
#: line before it goes on into it.
_OPENS_FIELD = re.compile(r"^[^\W\d_][^:?|=]{0,60}(?:[:?=]|\s[-–—]\s)")
#: Words naming the scale a grade before them is given on: "stage 2 according to Goutallier",
#: "grado 3 de Goutallier".
_NAMING_THE_SCALE = re.compile(r"\s(?:according\s+to|of|by|per|de|nach)\s+(?:the\s+)?$", re.I)
#: A header line of capitals ("MRI LUMBAR SPINE", "OPINION:") that names no known section.
_CAPITAL_HEADER = re.compile(r"^[^a-z.!?]*[A-Z]{3}[^a-z.!?]*:?$")


class ReportRulesError(ValueError):
    """The report text rules are unreadable or wrong; the message names the file and entry."""


@dataclass(frozen=True)
class TextRules:
    """The report text rules in effect. Build with :func:`load_text_rules`."""

    version: str
    document: Mapping[str, Any]
    site_file: str | None = None

    def words(self, *path: str) -> tuple[str, ...]:
        node: Any = self.document
        for key in path:
            node = node.get(key, {})
        return tuple(node) if isinstance(node, list) else ()

    def finding_modalities(self, finding: FindingName) -> frozenset[str]:
        return frozenset(self.document["finding_modalities"].get(finding.value, ()))

    @property
    def modalities(self) -> Mapping[str, tuple[str, ...]]:
        return {name: tuple(words) for name, words in self.document["modalities"].items()}

    def labelled_phrases(self) -> list[tuple[str, str]]:
        """(entity label, phrase) for the targets, the Goutallier definitions and lookalikes."""
        definitions = self.document.get("goutallier_definitions", {})
        return [
            *((label, p) for label, phrases in self.document["targets"].items() for p in phrases),
            *(
                (f"{DEFINITION}{grade}", p)
                for grade, phrases in definitions.items()
                if isinstance(phrases, list)
                for p in phrases
            ),
            *((LOOKALIKE, p) for p in self.words("lookalikes")),
        ]


@dataclass(frozen=True)
class Statement:
    """What a report's text says about one finding."""

    finding: FindingName
    #: True/False (presence), 0-4 (Goutallier), "blocky"/"spongy"; None: not stated clearly.
    value: bool | int | str | None
    #: The report's own words, shortened to :data:`QUOTE_LIMIT`.
    quote: str
    #: Why there is no value, when ``value`` is None.
    why: NoValueKind | None = None
    #: A Goutallier grade read from the grade's definition, not given as a number.
    by_definition: bool = False
    #: Every Goutallier grade the words give, where they give several (one per side or
    #: muscle): ``value`` is the worst.
    grades: frozenset[int] = frozenset()


@dataclass(frozen=True)
class _Sentence:
    #: What the pipeline reads: answers put into words, abbreviations spelt out.
    text: str
    #: The report's own words, for the card.
    quote: str
    #: Whether the report names the cement anywhere: "the distribution is spongy" in it is
    #: the cement's.
    about_cement: bool = False
    #: The levels of the heading it stands under ("T12:" on a line of its own) or of its
    #: line's label ("Findings at T12: fracture. There is a cleft."), if any.
    heading: frozenset[VertebralLevel] = frozenset()
    #: Whether the sentence before it names the cement: "At L3 it is solid" after it is the
    #: cement's.
    after_cement: bool = False
    #: Whether it goes on from the sentence before it on the same line, under no header of
    #: its own: "This will need confirmation" there is about what that sentence stated.
    follows_on: bool = False


def load_text_rules(site_file: str | Path | None = None) -> TextRules:
    """The packaged rules, with a site rules file (JSON or YAML) added on top if given."""
    packaged = json.loads(resources.files(__package__).joinpath(RULES_FILE).read_text("utf-8"))
    _validate(packaged, RULES_FILE)
    if site_file is None:
        return TextRules(packaged["rules_version"], packaged)
    site = read_site_file(Path(site_file), "report text rules file", ReportRulesError)
    _validate(site, str(site_file))
    merged = _merge(packaged, site)
    version = f"{packaged['rules_version']}+site.{site['rules_version']}"
    return TextRules(version, merged, str(site_file))


class ReportTextReader:
    """The pipeline built from the rules. Build once; :meth:`read` may then run per request."""

    def __init__(self, rules: TextRules) -> None:
        self.rules = rules
        self._lock = threading.Lock()
        document = rules.document
        self._pipeline = build_pipeline(document, rules.labelled_phrases())
        self._read_sections = frozenset(w.lower() for w in rules.words("sections", "read"))
        self._skipped_sections = frozenset(w.lower() for w in rules.words("sections", "skipped"))
        self._one_line_sections = frozenset(w.lower() for w in rules.words("sections", "one_line"))
        self._quoted_sections = frozenset(w.lower() for w in rules.words("sections", "quoted"))
        self._sections = self._read_sections | self._skipped_sections
        self._modality_words = frozenset(
            word.lower() for words in rules.modalities.values() for word in words
        )
        self._answers = {
            kind: frozenset(w.lower() for w in rules.words("template_answers", kind))
            for kind in ("present", "absent", "uncertain")
        }
        self._denied_lists = frozenset(
            w.lower() for w in rules.words("template_answers", "denied_lists")
        )
        self._list_heads = frozenset(
            w.lower() for w in rules.words("template_answers", "list_heads")
        )
        self._descriptors = frozenset(
            w.lower() for w in rules.words("template_answers", "descriptors")
        )
        self._abbreviations = _Abbreviations(document.get("abbreviations", {}))
        self._slips = _Slips(
            rules.words("slips", "words"), document.get("synonyms", {}), _words_of(document)
        )
        self._refer_back = frozenset(w.lower() for w in rules.words("clauses", "refer_back"))
        self._level_names = _LevelNames(
            document.get("regions", {}), document.get("vertebra_prefixes", {})
        )
        #: The one-word cement patterns, with the pattern each names.
        # The patterns' one-word names ("solid|compact"), each alternative of one: in a phrase
        # of several words ("cement|pmma plug") no word alone names a pattern.
        self._pattern_words = {
            word.lower(): label
            for label in (BLOCKY, SPONGY)
            for phrase in document["targets"][label]
            if " " not in phrase
            for word in phrase.split("|")
        }
        self._cement_requires = _word_pattern(
            rules.words("context", "cement_distribution", "requires")
        )
        self._no_spongy = frozenset(
            word.lower()
            for word in rules.words("context", "cement_distribution", "denied_means_blocky")
        )
        labels = _word_pattern(rules.words("context", "cement_distribution", "field_labels"))
        self._cement_labels = labels
        # "Distribution: blocky"; and "L1: blocky", "L1 (treated): solid/compact" where a
        # post-op report lists its levels with nothing but a pattern as their value.
        pattern_words = "|".join(re.escape(word) for word in sorted(self._pattern_words))
        #: A pattern word given its meaning ("blocky = solid, compact"): a legend's entry.
        self._pattern_defined = re.compile(rf"\b({pattern_words})\s*=", re.I)
        self._cement_field = re.compile(
            rf"^\s*(?:{labels.pattern}\s*:|{_LEVEL.pattern}(?:\s*\([^)]*\))?\s*:"
            rf"(?:\s*(?:{pattern_words}|cement|pattern|distribution)\b\s*[/,]?)+\s*\.?$)",
            re.I,
        )
        #: How much a spongy word's interdigitation there is, by the word just before or after
        #: it: "very little interdigitation", "interdigitates poorly" (scant: blocky), "some
        #: interdigitation" (partial: unstated).
        self._degrees = {
            degree: (
                # "poor interdigitation", "little cement interdigitation"
                re.compile(rf"{words.pattern}\s*(?:(?:bone\s+)?(?:cement|pmma)\s+)?$", re.I),
                # "interdigitation: poor", "interdigitates poorly", "interdigitation at L1 is
                # suboptimal"
                re.compile(
                    rf"(?:\s+(?:at|of)\s+(?:the\s+)?{_LEVEL.pattern})?"
                    rf"\s*[:=]?\s*(?:(?:is|are|was|were)\s+)?{words.pattern}",
                    re.I,
                ),
            )
            for degree in ("scant", "partial")
            for words in [_word_pattern(rules.words("context", "cement_distribution", degree))]
        }
        self._mixed_cement = _word_pattern(rules.words("context", "cement_distribution", "mixed"))
        self._cement_excludes = _word_pattern(
            rules.words("context", "cement_distribution", "excludes")
        )
        self._muscle = _word_pattern(rules.words("context", "goutallier_definition", "requires"))
        # "Erector spinae with some fatty change at L1": the muscles' level, a few words of
        # their clause after them.
        # "paraspinal muscles at L3-L4", "... adjacent to the collapsed L1 vertebra", "...
        # around the L1 fracture".
        self._muscle_level = re.compile(
            rf"{self._muscle.pattern}\s+(?:\w+\s+){{0,5}}?(?:at|of|around|adjacent\s+to|next\s+to|"
            rf"beside|near|surrounding|overlying|in(?=\s+(?:the\s+)?(?:segments?|levels?)\b))\s+"
            rf"(?:the\s+)?(?:[\w-]+\s+){{0,2}}?{_LEVEL.pattern}",
            re.I,
        )
        # "L5/S1 multifidus Goutallier 4", "L3/4: paraspinal muscles ...": a level heading the
        # muscles it grades.
        self._level_of_muscle = re.compile(
            rf"^\W*(?P<level>{_LEVEL.pattern})\s*:?\s*(?:the\s+)?{self._muscle.pattern}", re.I
        )
        self._not_muscle = _word_pattern(
            rules.words("context", "goutallier_definition", "excludes")
        )
        self._graded_segment = frozenset(
            VertebralLevel(level) for level in rules.words("context", "goutallier_grade", "levels")
        )
        self._other_muscle = _word_pattern(rules.words("context", "goutallier_grade", "excludes"))
        self._paraspinal_muscles = _word_pattern(
            rules.words("context", "goutallier_grade", "muscles")
        )
        self._muscles_apart = tuple(
            _phrase_pattern([muscle])
            for muscle in rules.words("context", "goutallier_grade", "apart")
        )
        self._elsewhere_muscle = _phrase_pattern(
            rules.words("context", "goutallier_grade", "elsewhere")
        )
        self._pointing_muscle = _phrase_pattern(
            rules.words("context", "goutallier_grade", "pointing")
        )
        self._elsewhere = _phrase_pattern(rules.words("context", "elsewhere"))
        self._level_picks = {
            how: _phrase_pattern(rules.words("context", "one_of_the_levels", how)) for how in _PICKS
        }
        self._in_order = _phrase_pattern(rules.words("context", "one_of_the_levels", "in_order"))
        self._refers_to_before = _phrase_pattern(
            rules.words("context", "refers_to_the_sentence_before")
        )
        self._goes_on_about_before = _phrase_pattern(
            rules.words("context", "goes_on_about_the_sentence_before")
        )
        self._doubts_before = _phrase_pattern(rules.words("context", "doubts_the_sentence_before"))
        # After a mention, the end of its brackets, an aside in brackets ("(IVC)") or two words
        # ("pattern") between them.
        self._generic_statement = re.compile(
            r"\s*\)?\s*(?:\([^)]*\)\s*)?(?:[\w-]+\s+){0,2}?"
            rf"(?:{_phrase_pattern(rules.words('context', 'generic_statement')).pattern})",
            re.I,
        )
        self._known_words = _words_of(document)
        # The phrases whose verb is their own ("tends to", "refers to"), not a copula that a
        # statement about this patient uses too ("is seen in"), mark a general statement
        # wherever they stand in the clause.
        self._generic_anywhere = _phrase_pattern(
            p for p in rules.words("context", "generic_statement") if not p.startswith("is|are")
        )
        self._other_structures = {
            finding: (
                _word_pattern(rules.words("context", finding.value, "excludes")),
                _word_pattern(rules.words("context", finding.value, "excludes_nearby")),
                _word_pattern(rules.words("context", finding.value, "named_by")),
            )
            for finding in PRESENCE_FINDINGS
        }
        self._negated_eponym = re.compile(
            rf"{_word_pattern(rules.words('modifiers', 'negation', 'preceding')).pattern}"
            r"[\s(]*$",
            re.I,
        )
        forms = {
            form.lower(): int(grade)
            for grade, words in document["goutallier_forms"].items()
            for form in words
        }
        self._grade_of = forms
        self._bare_grade = _bare_grade_pattern(forms)
        muscles = (
            *rules.words("context", "goutallier_grade", "muscles"),
            *rules.words("context", "goutallier_grade", "excludes"),
        )
        # The eponym as the rules spell it, dictation slips included ("Goutalier").
        eponym = "|".join(
            re.escape(word)
            for word in sorted(
                {"goutallier", *document["synonyms"].get("goutallier", ())}, key=len, reverse=True
            )
        )
        self._grades = (*_grade_patterns(forms, eponym), _muscle_grade_pattern(muscles, forms))
        self._eponym = re.compile(rf"\b(?:{eponym})\b", re.I)
        # A label a number answers as a grade: the eponym, a grade, the muscles or their fat.
        self._graded_label = re.compile(
            rf"{eponym}|\b(?:grade|gr|gt|score|stage|fat|fatty)\b|{self._muscle.pattern}", re.I
        )
        self._progression = _progression_pattern(forms, eponym)
        self._was = _grade_before_after(forms, eponym)

    def read(
        self,
        texts: Iterable[str],
        treated_levels: frozenset[VertebralLevel],
        reported: date | None = None,
    ) -> dict[FindingName, Statement]:
        """What the texts (one report's conclusion and presented forms) state, per finding.
        ``treated_levels`` empty: the treated level is unknown, so no mention is set aside as
        being about another level. ``reported``: the report's date, against which a study
        labelled with a date is told from this one (None: any dated study is another)."""
        sentences = [s for text in texts for s in self._sentences(text, reported)]
        # spaCy does not promise that one pipeline may run in several threads at once.
        with self._lock:
            docs = [self._pipeline(sentence.text) for sentence in sentences]
        statements: list[Statement] = []
        before: list[Statement] = []
        levels_before: frozenset[VertebralLevel] = frozenset()
        named_before: list[VertebralLevel] = []
        # The sentence before, with what it was read with, where it described something as
        # history: a sentence after it saying "It is unchanged" makes that current.
        earlier: tuple[_Sentence, Any, bool, list[VertebralLevel]] | None = None
        for sentence, doc in zip(sentences, docs, strict=True):
            # The levels the sentence names, in order and as a set: one search for both.
            named = _levels_in_order(sentence.text, 0, len(sentence.text))
            levels = frozenset(named)
            elsewhere = not levels and self._about_other_levels(
                sentence, levels_before, treated_levels
            )
            found = _graded_alike(
                list(self._statements(sentence, doc, treated_levels, elsewhere, named_before))
            )
            found = self._grades_told_apart(found, sentence.text)
            found = _comparisons_accounted(found, doc)
            if _may_hold(sentence.text, ("confidence",)) and _LOW_CONFIDENCE.search(sentence.text):
                # "Cleft at L1. Confidence: low": a finding given with a low confidence is a
                # hedge, its own sentence's or, from a sentence of its own, the one before.
                if not found:
                    del statements[len(statements) - len(before) :]
                    found = before
                found = [_doubted(s) for s in found]
            elif not found and _ANOTHER_READING.search(sentence.text):
                # "A cleft is seen in L1. This more likely represents a fracture line.": what
                # the sentence before states is offered another reading.
                del statements[len(statements) - len(before) :]
                found = [_doubted(s) for s in before]
            elif not found and before and sentence.follows_on:
                followed = self._before_as_followed(doc, before, named_before, treated_levels)
                if followed is not None:
                    del statements[len(statements) - len(before) :]
                    found = followed
            elif not found and earlier and sentence.follows_on and self._carries_on(doc):
                found = self._current_again(*earlier, treated_levels)
            statements.extend(found)
            described_as_history = any(ent._.historical for ent in ents_of(doc))
            earlier = (sentence, doc, elsewhere, named_before) if described_as_history else None
            before, levels_before, named_before = found, levels, named
        return _per_finding(statements, self._muscles_named)

    def _before_as_followed(
        self,
        doc: Any,
        before: list[Statement],
        named_before: list[VertebralLevel],
        treated: frozenset[VertebralLevel],
    ) -> list[Statement] | None:
        """What the statements of the sentence before become when this sentence, naming no
        finding of its own, goes on about them: doubted ("This will need confirmation on CT",
        "This corrects the original report") or set aside as another level's ("The above
        applies to L3", where the sentence before named no level). None: it says nothing of
        them."""
        if self._doubts_before.search(text_of(doc)):
            return [_doubted(s) for s in before]
        if not self._goes_on_about_before.match(" ".join(words_of(doc))):
            return None
        first = _LEVEL.search(text_of(doc)) if treated and not named_before else None
        if first and not _levels_of(first) & treated:
            # The level it names first is where what was stated is ("This is at T11"), unless
            # it goes on to the treated level ("This is at T11; L1 has none": not clear). A
            # Goutallier grade placed at L4/5 is the study's whatever the treated level.
            if levels_in(text_of(doc)) & treated:
                return [_doubted(s) for s in before]
            return [
                s
                for s in before
                if s.finding is FindingName.GOUTALLIER_GRADE
                and _covers(_levels_of(first), self._graded_segment)
            ]
        return None

    def _carries_on(self, doc: Any) -> bool:
        """Whether a sentence naming no finding says that what the sentence before described
        is still there ("It is unchanged", "It persists at L1", "It is again seen today"),
        neither denied nor doubted."""
        if not self._goes_on_about_before.match(" ".join(words_of(doc))):
            return False
        with self._lock:
            categories = self._pipeline.modifier_categories(doc)
        return "persistence" in categories and categories.isdisjoint(_NOT_CARRIED_ON)

    def _current_again(
        self,
        sentence: _Sentence,
        doc: Any,
        elsewhere: bool,
        named_before: list[VertebralLevel],
        treated: frozenset[VertebralLevel],
    ) -> list[Statement]:
        """What a sentence stated with what it described as history taken as persisting ("A
        cleft was seen on the prior CT." before "It is unchanged.")."""
        for ent in ents_of(doc):
            if ent._.historical:
                ent._.set("persistence", True)
        return _graded_alike(
            list(self._statements(sentence, doc, treated, elsewhere, named_before))
        )

    # --- text to sentences ----------------------------------------------------------------

    def _sentences(self, text: str, reported: date | None) -> Iterator[_Sentence]:
        text = _without_markup(text)
        if _FOOTNOTE_SIGN.search(text):
            text = _footnotes_in_place(text)
        section = _Section()
        about_cement = bool(self._cement_requires.search(text))
        heading: frozenset[VertebralLevel] = frozenset()
        denying = False
        cement_before = False
        header_row, columns = "", []
        earlier_answer: str | None = None
        for raw in _table_rows(_unwrapped(text.splitlines(), self._is_word)):
            if columns and (row := _row_under(header_row, columns, raw)) is not None:
                # "| L4 | Yes | No |" under "| Level | Acute | Cleft |": each answer is read
                # with its column's name, at the row's level.
                raw = row
            elif not (columns and _TABLE_RULE.fullmatch(raw)):
                header_row, columns = raw, _header_cells(raw)
            # A row of a text table ("| Intravertebral cleft | No |") without its outer bars:
            # a row of ``label | value``.
            line = _result_segment_as_field(raw)
            # "LV1 | cleft | yes", "cleft at lv1": a vertebra named by a prefix is a level
            # before a table's columns are read or a digit in a word is taken for a letter.
            line = self._level_names.prefixed_as_levels(line)
            if "|" in line and ";" in line and not _column_headings(line.split(";", 1)[0]):
                # Rows of a table flattened into one line ("T12 | cleft | no; L1 | cleft |
                # yes"), read apart.
                line = _ROW_AFTER_ROW.sub(". ", line)
            if line.endswith("|"):
                # "| L1 | TLF oedema | |", "| L1 | Cleft | — |": the row's last cell left empty
                # (or a dash, a picklist's "[select]") is a blank, not lost with the outer bars.
                line = _EMPTY_LAST_CELL.sub("| not assessed |", line)
            if "`" in line:
                # "`IVC=N` `GOUT_L45=4`": inline code's marks around each field.
                line = line.replace("`", " ")
            if "[" in line:
                # "Cleft at L1 [yes]; fascia edema [no]": each item answered in brackets.
                line = _ANSWER_IN_BRACKETS.sub(r"\g<label>: \g<answer>", line)
            if "=" in line:
                line = _data_pairs_as_fields(line)
            line = _answered_by_signs(line.strip().strip("*#").strip().strip("|").strip())
            if ";" in line:
                line = _TIGHT_SEMICOLON.sub("; ", line)
            if "/" in line:
                line = _SLASH_BEFORE_A_LEVEL.sub(r"\g<before>. ", line)
            if line[:2] in ("- ", "– ") and (items := _items_in_one_line(line[2:])):
                line = f"{line[:2]}{'; '.join(items)}"
            if line.endswith((")", ").", ");")):
                line = _BRACKETED_ANSWER.sub(r"\g<label>: \g<answer>\g<rest>", line)
            line = _ASIDE_ADVERB.sub("", line)
            if _DICTATED_BREAK.search(line):
                # "No cleft at T12 full stop At L1 there is a gas cleft": a break dictated and
                # typed as words.
                line = _DICTATED_BREAK.sub(". ", line)
            if _NEITHER_CHANGED.search(line):
                # "Neither the cleft nor the fascial oedema has changed": both are there as
                # before, not denied.
                line = _NEITHER_CHANGED.sub(r"\g<first> and \g<second> are unchanged", line)
            if _DENIED_AT_A_LEVEL_NEXT.search(line):
                # "Gas cleft at L2. None at L1.": the denial is of what the sentence before
                # named, at another level: one sentence, as "Gas cleft at L2; none at L1".
                line = _DENIED_AT_A_LEVEL_NEXT.sub("; ", line)
            if _OCR_WORD.search(line):
                # "ni1", "fi1ter", "probab1y": a scanned letter read as a digit.
                line = _OCR_WORD.sub(_ocr_letters, line)
            if _FOOTNOTE_SIGN.search(line):
                # "Absent³", "IVC_PRESENT = 0* (*0 = no ...)": a footnote's marks are no words.
                line = _FOOTNOTE_MARK.sub("", line)
            if "__" in line or "/a" in line or "/A" in line or "{{" in line or ".a." in line:
                line = _NOT_ASSESSED.sub("not assessed", line)
            if "_" in line:
                line = _PROGRAM_LABEL.sub(_label_in_words, line)
            line = self._coded_answer(line)
            if line.endswith("]"):
                # "Cleft at L1: Yes [1]": a registry form's code after its answer.
                line = _ANSWER_CODE.sub("", line)
            line = self._question_answered(line)
            if _LEVEL_HEADING.fullmatch(line):
                heading = _one_vertebra(line)
                continue
            if line[:5].lower() == "level" and (named := _level_named(_field(line))):
                # "LEVEL: T12" on a line of its own: the fields below it are that level's.
                heading = named
                continue
            if _column_headings(line.split(";", 1)[0]):
                # "Level | Cleft | Fascial oedema": a table's header row names its columns,
                # with its rows after it where a system flattened the table ("...; T12 | yes").
                continue
            if denying and (item := _BULLET_ITEM.match(line)):
                # "Negative for:" and its items on the lines after it, one a line.
                line = f"No {item['item'].rstrip(' .')}."
            else:
                denying = self._opens_denied_list(line)
                if denying:
                    continue
            line = self._read_as_one_list(line)
            header, rest = self._header(line, reported)
            if header is not None or not line:
                heading = frozenset()
            if header is not None:
                section = self._section(header, rest, section)
                line = rest
            elif section.ends_at(line):
                section = _Section()
                if not line or _CAPITAL_HEADER.match(line):
                    continue
            if not section.reading:
                section = replace(section, has_text=section.has_text or bool(line))
            if not line:
                continue
            # Both cement patterns given their meanings ("Blocky = solid; spongy = ..."): the
            # line holds a legend, and its definitions are no finding. One in brackets closes
            # before the field's own answer ("Distribution (legend: ...): spongy"), read as is.
            legend = self._cement_legend(line)
            if ":" in line and len(_LEVEL_LABELLING_A_NUMBER.findall(line)) > 1:
                line = self._grades_by_level(line)
            labelled: frozenset[VertebralLevel] = frozenset()
            for number, piece in enumerate(_split_sentences(line)):
                if number == 0 and (field := _field(piece)):
                    label = field["label"].strip().lstrip("-–•·* ")
                    labelled = _one_vertebra(label) if _LEVEL_HEADING.fullmatch(label) else labelled
                    # "Level: Th11. Cleft: present.": the line's fields are that level's.
                    labelled = _level_named(field) or labelled
                if legend and self._pattern_defined.search(piece) and ")" not in piece:
                    continue
                header, rest = self._header(piece, reported) if number else (None, piece)
                if header is not None:
                    # "History: fall. Findings: cleft at L1." on one line.
                    section = self._section(header, rest, section)
                    piece = rest
                asked = piece
                if earlier_answer and (same := _SAME_ANSWER.search(piece)):
                    # "Cleft: absent. Fascial oedema: likewise.": the answer before, again.
                    asked = f"{piece[: same.start()]}: {earlier_answer}."
                normalized = self._template_line(asked) if section.reading and piece else None
                given = _GIVEN_ANSWER.search(normalized) if normalized else None
                earlier_answer = given[1] if given else None
                if normalized is None or not normalized.strip(" ."):
                    continue
                if about_cement and self._cement_field.match(normalized):
                    # "Distribution: blocky" in a report about the cement is the cement's.
                    normalized = f"Cement {normalized.lstrip()}"
                if "/" in normalized:
                    # Only a slash can end an answered item ("Cleft absent / TLF oedema").
                    normalized = _ANSWER_SLASH.sub(r"\g<answer>;", normalized)
                # "cleft yes, TLF oedema no": a list's items answered in place.
                normalized = _INLINE_ANSWER.sub(_inline_answer, normalized)
                text = self._level_names.written_as_levels(normalized)
                # "Fascial oedema, which would support an acute fracture, is not identified":
                # the denial closing the sentence is the subject's, the aside set apart.
                text = _ASIDE_BEFORE_A_DENIAL.sub(" ", text)
                elliptic = _ELLIPTIC_GRADE.search(text)
                if elliptic and self._eponym.search(text, 0, elliptic.start()):
                    # "Goutallier 3 at L5/S1; L4/5 grade 2": the same scale's grade for
                    # another level, an item of the eponym's list.
                    at = elliptic.start()
                    text = f"{text[:at]}{_ELLIPTIC_GRADE.sub(',', text[at:])}"
                if "'" in text or "’" in text:
                    # A contraction needs its apostrophe, which most sentences have none of.
                    text = _CONTRACTED_NOT.sub(_not_spelt_out, text)
                if _may_hold(text, _SUGGESTING):
                    text = _NOTHING_TO_SUGGEST.sub("no evidence of ", text)
                row = line if "|" in line else None
                text = self._slips.corrected(self._abbreviations.spelt_out(text, row))
                under = labelled if number and labelled else heading
                follows_on = number > 0 and header is None
                yield _Sentence(
                    text, _shorten(piece), about_cement, under, cement_before, follows_on
                )
                cement_before = bool(self._cement_requires.search(text))

    def _read_as_one_list(self, line: str) -> str:
        """A line listing what was not found ("Pertinent negatives: cleft, fascial oedema") as
        one denial of every item ("No cleft or fascial oedema."), up to the list's full stop;
        a list headed by a hedge or an earlier study ("Equivocal: cleft; fascial oedema",
        "Previous MRI (2019): ...; ...") as one list up to an item with a label of its own, so
        that the head reaches every item."""
        field = _field(line)
        if field is None:
            return line
        label = field["label"].strip().lower()
        listed, stop, after = field["value"].partition(". ")
        later = f" {after}" if stop else ""
        if label in self._denied_lists:
            items = [item for item in _LIST_ITEMS.split(listed.rstrip(" .")) if item]
            return f"No {' or '.join(items)}.{later}" if items else line
        if ";" in listed and label.partition(" ")[0] in self._list_heads:
            parts = listed.split(";")
            labelled = next((n for n, part in enumerate(parts) if ":" in part), len(parts))
            heads = ",".join(parts[:labelled]).strip()
            rest = "".join(f";{part}" for part in parts[labelled:])
            return f"{field['label']}: {heads}{rest}{stop.rstrip()}{later}"
        return line

    def _opens_denied_list(self, line: str) -> bool:
        """Whether a line is the label of a list of what was not found, its items on the lines
        after it ("Negative for:", "Absent:")."""
        return line.endswith(":") and line.rstrip(" :").lower() in self._denied_lists

    def _is_word(self, word: str) -> bool:
        """Whether a word (in lower case) is English, or a word of the rules' phrases."""
        return word in self._known_words or is_english_word(word)

    def _cement_legend(self, line: str) -> bool:
        """Whether a line gives both cement patterns their meanings ("blocky = solid, compact;
        spongy = trabecular"): a legend of the terms."""
        if "=" not in line:
            # A definition needs its sign; the search for the words before one is costly.
            return False
        defined = self._pattern_defined.finditer(line)
        return len({self._pattern_words[match[1].lower()] for match in defined}) > 1

    def _grades_by_level(self, text: str) -> str:
        """A list of grades by level after the eponym ("Goutallier: L3/4: 2; L4/5: 3") with each
        item's grade named ("L4/5 grade 3"), as its items are read when they say so."""
        first = _GRADE_BY_LEVEL.search(text)
        if first is None or not self._eponym.search(text, 0, first.start()):
            return text
        if len(_GRADE_BY_LEVEL.findall(text)) != len(_LEVEL_LABELLING_A_NUMBER.findall(text)):
            return text  # an item that is no grade ("L4/5: 30%"): the list is read as it is
        at = first.start()
        return text[:at] + _GRADE_BY_LEVEL.sub(r"\g<level> grade \g<grade>", text[at:])

    def _coded_answer(self, line: str) -> str:
        """A registry form's field answered by a code its legend gives ("Cleft? [0=No 1=Yes
        9=NA]: 1", "Pattern 1=Blocky 2=Spongy : 2") as ``label: option``; a code the legend
        does not give, or an option that is no answer ("9=NA"), leaves the field blank. A
        scale's span in brackets beside the label ("Goutallier [0-4]: 3") is dropped."""
        # A legend needs its equals sign, a span its "0" and "4": most lines have neither.
        coded = _CODED_FIELD.match(line) if "=" in line else None
        if coded is None:
            return _SCALE_SPAN.sub("", line) if "0" in line and "4" in line else line
        legend = {code: option for code, option in _CODE_OPTION.findall(coded["legend"])}
        if len(legend) < 2:
            return line
        option = self._coded_option(legend.get(coded["code"]))
        label = coded["label"].strip(" [(").rstrip("?").strip()
        return f"{label}: {option or '___'}"

    def _coded_option(self, option: str | None) -> str | None:
        """A legend's option as an answer: whole ("Not assessable" is none), or by a cement
        pattern's word leading it ("Trabecular spongy")."""
        if option is None:
            return None
        if self._answer(option) or option.lower() in self._pattern_words:
            return option
        first = option.split(maxsplit=1)[0]
        return first if first.lower() in self._pattern_words else None

    def _question_answered(self, line: str) -> str:
        """Each question of a line with its answer after it ("Vacuum cleft? No", "Goutallier?
        3", "Is there a cleft? Yes, in L1") as a ``label: value`` field, what follows the
        answer read with it; a question without an answer, or answered in doubt, stays a
        question."""

        def answered(asked: re.Match[str]) -> str:
            before = line[: asked.start()].rstrip()
            if before.endswith(":") and not _QUESTION_NUMBER.search(before):
                # "CT: cleft? Y / N", "Clinical question: cleft at L1? Answer: yes": the
                # question is a field's value, read with its field.
                return asked[0]
            answer = _ANSWER_ADVERB.sub("", asked["answer"].strip())
            named = answer.lower()
            kind = self._answer(answer)
            if kind == "uncertain" or (
                kind is None and named not in self._grade_of and named not in self._pattern_words
            ):
                return asked[0]
            label = asked["label"]
            if self._answer(label.split()[-1]) in ("uncertain", "absent") or (
                kind == "absent" and _ASKED_IF_STILL.search(label)
            ):
                # "Is the cleft filled? Yes", "Is the cleft still there? No": asked of a state,
                # or of what has gone, the answer says nothing of the finding now.
                return asked[0]
            space = label[: len(label) - len(label.lstrip())]
            return f"{space}{label.strip()}: {answer}{asked['after']}"

        # A question needs its question mark.
        return _QUESTION.sub(answered, line) if "?" in line else line

    def _section(self, header: str, rest: str, current: _Section) -> _Section:
        """The section a header begins, with the text on its own line (``rest``). Skipped
        text written on the header's line ("Indication: T12 fracture.") ends with that line
        where it ends a sentence, or where the section is one of one line (comparison): the
        next line is the report's own. In a report quoted by this one ("Prior report:"), the
        headers of the sections it reads are the quoted report's own."""
        if current.quoted and header in self._read_sections:
            return replace(current, has_text=current.has_text or bool(rest))
        if header in self._quoted_sections:
            return _Section(False, inline=bool(rest), has_text=bool(rest), quoted=True)
        one_line = header in self._one_line_sections or rest.rstrip().endswith((".", "!", "?"))
        return _Section(header in self._read_sections, inline=bool(rest), one_line=one_line)

    def _header(self, line: str, reported: date | None) -> tuple[str | None, str]:
        bare = line.rstrip(":").strip().lower()
        if "(" in line:
            # "ADDENDUM (same day):" is the addendum's header (an aside needs its bracket).
            line = _ASIDE.sub(r"\1", line, count=1)
        if bare in self._sections:
            return bare, ""
        if line.rstrip().endswith(":") or line.isupper():
            # "MRI FINDINGS", "Brief clinical history:"; not "no change since prior". A date
            # after the name is the dated study's ("Previous report 01/2022 (copied):").
            undated = _DATE_CLOSING.sub("", line.rstrip().rstrip(":")).strip().lower()
            section = self._section_named(bare, self._sections) or self._section_named(
                undated, self._sections
            )
            if section is not None:
                return section, ""
        field = _field(line)
        if field:
            label = field["label"].strip().strip("*").strip().lower()
            if label in self._read_sections:
                return label, field["value"].strip()
            # "Relevant clinical history: ...": a label before a value is a section's header
            # by its last words only when that section is skipped; "Goutallier assessment: 3"
            # keeps its label.
            section = self._section_named(label, self._skipped_sections) or self._study_named(
                label, reported
            )
            if section is not None:
                return section, field["value"].strip()
        return None, line

    def _study_named(self, label: str, reported: date | None) -> str | None:
        """The one-line section a label opens by naming a study after its first word
        ("Comparison CT 03.02.2024:", "Prior MRI of 12 January 2024:"): what follows is that
        study's, not this one's. Only a modality, a date and words of a date may follow the
        section's name ("Comparison with the prior: cleft unchanged" is this report's)."""
        first, _, rest = label.partition(" ")
        if first not in self._one_line_sections or not rest:
            return self._dated_study(label, reported)
        words = rest.replace(",", " ").split()
        return first if all(self._names_a_study(word) for word in words) else None

    def _dated_study(self, label: str, reported: date | None) -> str | None:
        """The comparison section a label opens by naming a study and its date with a year
        alone ("CT 03/2021:", "Post-op MRI 2019 -"): a study of another day than the report's,
        unless the date is of the report's month or the one before ("Radiograph 3 June 2024:"
        in a letter of June 2024). Without the report's date, another study's."""
        words = label.replace(",", " ").split()
        if not any(word in self._modality_words for word in words) or not any(
            _DATE_WORD.fullmatch(word) for word in words
        ):
            return None
        if not all(self._names_a_study(word) or _STUDY_TIME.fullmatch(word) for word in words):
            return None
        months = _months_named(label)
        recent = (
            reported is not None
            and months
            and all(
                0 <= (reported.year - year) * 12 + reported.month - month <= 1
                for year, month in months
            )
        )
        return None if recent else "comparison"

    def _names_a_study(self, word: str) -> bool:
        return bool(
            word in self._modality_words or word in _STUDY_WORDS or any(c.isdigit() for c in word)
        )

    @staticmethod
    def _section_named(label: str, sections: frozenset[str]) -> str | None:
        """The section a header names: itself, or, in a header of a few words, its last
        words ("MRI findings", "brief clinical history")."""
        words = label.split()
        if not words or len(words) > HEADER_WORDS:
            return None
        return next(
            (
                " ".join(words[first:])
                for first in range(len(words))
                if " ".join(words[first:]) in sections
            ),
            None,
        )

    def _template_line(self, line: str) -> str | None:
        """A template line as plain words: ticked options kept, unfilled fields dropped (None).
        ``Vacuum cleft: [ ] yes [x] no`` and ``Vacuum cleft: yes [ ] no [x]`` read "Vacuum
        cleft: absent."; ``Fascia oedema: ___`` and a field whose boxes are all empty say
        nothing; ``IVC: possible`` reads as a hedge."""
        if _PICK_ONE.search(line):
            # "Fascia: normal / oedema (circle one)": the form's instruction, left unfilled.
            return None
        default = _BRACKETED_ANSWER_ALONE.fullmatch(line) if "[" in line else None
        if default and not _BOX.search(line) and self._answer(default["answer"]) is not None:
            # "Intravertebral cleft: [None]": a picklist's answer still in its brackets may be
            # the default the template offered, left as it was: an answer in doubt.
            return f"Possible {default['label'].strip()}."
        line = self._without_aside(line)
        if line.rstrip(" .").endswith(")") and _BOX.search(line):
            # "Cleft: [ ] Yes [X] No (series 5 reviewed)": an aside after the boxes answers
            # nothing; read with them, it seemed one more option.
            line = _ASIDE_AFTER_BOXES.sub("", line)
        # A box is drawn with a bracket, or is a sign beyond ASCII.
        bracketed = "[" in line or "(" in line
        marks = list(_BOX.finditer(line)) if bracketed or not line.isascii() else []
        if len(marks) == 1 and marks[0].group() in _RADIO_BUTTONS:
            # "Fascial oedema: ●": a radio button comes with the others of its group; one
            # alone is a bullet.
            marks = []
        if marks:
            return self._boxes(line, marks)
        field = _field(line)
        if field is None:
            if (bracketed or "{" in line) and any(
                self._choices_offered(group[1]) for group in _BRACKETED.finditer(line)
            ):
                # "Thoracolumbar fascia edema [Present/Absent]": the picklist left unfilled
                # ("Vacuum cleft (Y/N): N" is filled).
                return None
            return line
        value = field["value"].strip()
        by_level = _LEVEL_CELL.fullmatch(value) if field["separator"] == "|" else None
        if by_level:
            # "| TLF oedema | T10-T11 | Present |": a table's level column places the row's
            # answer; read without it, the answer seemed the treated level's.
            return self._answered(
                f"{field['label'].strip()} at {by_level['levels']}", by_level["value"]
            )
        if field["separator"] == "|" and _LEVEL.fullmatch(field["label"].strip()):
            finding, bar, answer = value.rpartition("|")
            if bar and "|" not in finding and self._answer(answer) is not None:
                # "T12 | Vacuum cleft | No": a row of a level, a finding and its answer.
                return self._answered(f"{finding.strip()} at {field['label'].strip()}", answer)
        placed = _LEVEL_THEN_FIELD.fullmatch(line) if field["separator"] != ":" else None
        if placed and (inner := _field(placed["field"])) and inner["separator"] == ":":
            # "Level L1 - cleft: no": a level, then a field of its own; read as the level
            # and its dash, the field's answer went unread and its name seemed a finding.
            return self._template_line(
                f"{inner['label'].strip()} at {placed['level']}: {inner['value']}"
            )
        if (field["separator"] == "|" and self._answered_apart(value)) or (
            field["separator"] == ":"
            and _ON_A_STUDY.search(value)
            and self._answered_apart(value, ",")
        ):
            # "| Fascia oedema | present (Jan MRI) | not seen (May MRI) |": a row answered
            # otherwise in each column (studies, dates, sides) answers for none of them alone;
            # so does a field answered per study ("Cleft: absent on CT, present on MRI").
            return f"Possible {field['label'].strip()}."
        if (
            field["separator"] == ":"
            and self._answer(field["label"]) == "absent"
            and self._answer(value) is None
        ):
            # "Not seen: cleft, fascial oedema": a denial as the label of a list denies
            # each item of it.
            items = [item for item in _LIST_ITEMS.split(value.strip(" .")) if item.strip()]
            return " ".join(self._answered(item, field["label"]) for item in items)
        if self._answer(value) is not None and not self._choices_offered(value):
            # Before the blanks: "(-)" is an answer, though other brackets are blank.
            return self._answered(field["label"], value)
        if _BLANK.match(value) or self._choices_offered(value) or _blank_for_a_reason(value):
            return None
        if bracketed and any(
            self._choices_offered(group[1]) for group in _BRACKETED.finditer(value)
        ):
            # "Outcome: fascial oedema [present/absent]": the item's picklist left unfilled.
            return None
        placed_answer = _ANSWER_AT_A_LEVEL.fullmatch(value)
        if placed_answer and self._answer(placed_answer["answer"]) is not None:
            # "TLF oedema: +/- at L1": the answer, then the level it is given for.
            return self._answered(
                f"{field['label'].strip()} at {placed_answer['level']}", placed_answer["answer"]
            )
        detailed = _ANSWER_THEN_DETAIL.match(value)
        if detailed and self._answer(detailed["answer"]) is not None:
            # "TLF oedema: No - fascia spared": the answer, then what it rests on, a clause of
            # its own. Left whole, the answer word went unread and the field's name alone
            # seemed a finding stated.
            return f"{self._answered(field['label'], detailed['answer'])} {detailed['detail']}"
        if _BARE_NUMBER.match(value.rstrip(";")) and not self._graded_label.search(field["label"]):
            return None
        if (
            value.rstrip(".") in self._grade_of
            and self._muscle.search(field["label"])
            and _FAT.search(field["label"])
            and not self._eponym.search(field["label"])
            and not _GRADE_WORD.search(field["label"])
        ):
            # "Paraspinal muscle fat (L4/5): 2": a grade on a muscle-fat line.
            return f"{field['label'].strip()}: grade {value}"
        per_level = self._answered_per_level(field["label"], value)
        if per_level is not None:
            return per_level
        if not any(character.isalnum() for character in value):
            # "TLF oedema: ✗": a sign of the form's own, not an answer of the rules' lists.
            return None
        if field["separator"] == ":" and (
            denial := _answer_naming_its_field(field["label"], value)
        ):
            # "Intravertebral cleft: No intravertebral cleft.", "Fascial oedema: no oedema.":
            # read with the answer, the field's name alone seemed the finding stated.
            return denial
        if field["separator"] == ":" and _names_its_field_first(field["label"], value):
            # "Intravertebral cleft: the cleft described on the outside MRI is no longer
            # seen": a sentence of its own about the field's finding; the field's name beside
            # it seemed the finding stated.
            return value
        # "Goutallier L4/5 | 1": a table's row read as "label: value".
        return f"{field['label'].strip()}: {value}" if field["separator"] == "|" else line

    def _answered_apart(self, cells: str, separator: str = "|") -> bool:
        """Whether a table row's cells after its label answer differently ("present (Jan MRI) |
        not seen (May MRI)", "pre-op: yes | post-op: no"), each cell's own label and aside
        set aside; with a comma, a field's parts ("absent on CT, present on MRI")."""
        if separator not in cells:
            return False
        answers = {
            self._answer(
                _ON_A_STUDY.sub("", _ASIDE_AFTER.sub(r"\g<answer>", _CELL_LABEL.sub("", cell)))
            )
            for cell in cells.split(separator)
        }
        return len(answers - {None}) > 1

    def _answered_per_level(self, label: str, value: str) -> str | None:
        """A field answered level by level ("Cleft: L1 no, T12 yes", "Cleft: T12 - not
        seen") as one clause per level ("Cleft at L1: absent; Cleft at T12: present."); None
        for any other value."""
        parts = _LIST_SEPARATOR.split(value.strip().rstrip("."))
        pairs = [_LEVEL_ANSWER.fullmatch(part.strip()) for part in parts]
        if not all(pairs):
            return None
        answers = [pair["answer"] for pair in pairs]
        if "+" in answers:
            answers = ["no" if answer in _MINUS_SIGNS else answer for answer in answers]
        if any(self._answer(answer) is None for answer in answers):
            return None
        label = label.strip().rstrip(":")
        return "; ".join(
            self._answered(f"{label} at {pair['level']}", answer)
            for pair, answer in zip(pairs, answers, strict=True)
        )

    def _without_aside(self, line: str) -> str:
        """A field's label without what a template put beside it in brackets: a definition
        ("Fascial oedema (defined as STIR hyperintensity along the fascia): Yes") or the
        options ("Cement distribution (blocky/spongy): spongy"); a level in brackets
        ("Goutallier (L4/5): 3"), or words placing the field elsewhere ("Paraspinal fat (at the
        fracture level): 2"), stay."""
        # An aside needs its bracket.
        aside = _ASIDE.match(line) if "(" in line else None
        if aside is None:
            return line
        inside = line[aside.end(1) : aside.end()].strip(" ()")
        words = inside.split()
        options = self._choices_offered(inside)
        if (
            levels_in(inside)
            or self._elsewhere.search(inside)
            or self._elsewhere_muscle.search(inside)
            or (len(words) < DEFINITION_WORDS and not options)
        ):
            return line
        return f"{aside[1]}{line[aside.end() :]}"

    def _boxes(self, line: str, marks: list[re.Match[str]]) -> str | None:
        """A line of boxes: each option's words after its box ("[x] no"), or, where the line
        ends with a box, before it ("no [x]"; a single box closing a line ticks the line)."""
        ticks = [bool(re.fullmatch(_CHECKED, mark.group())) for mark in marks]
        before_boxes = line[: marks[0].start()].strip()
        tail = line[marks[-1].end() :].strip(" .")
        if (not tail or _BRACKETED.fullmatch(tail)) and before_boxes:
            # "Cleft: Yes [x] No [ ] (fluid cleft, superior half)": the aside is no option.
            if len(marks) == 1:
                return f"{before_boxes.rstrip(':')}." if ticks[0] else None
            starts = [0, *(mark.end() for mark in marks[:-1])]
            options = [
                _OPTION_EDGES.sub("", line[start : mark.start()])
                for start, mark in zip(starts, marks, strict=True)
            ]
            # The first holds the label too: "Vacuum cleft: yes", "Vacuum cleft  Y".
            label, _, first = (
                options[0].rpartition(":") if ":" in options[0] else (options[0].rpartition(" "))
            )
            options[0] = first.strip()
        else:
            label = before_boxes
            ends = [mark.start() for mark in marks[1:]] + [len(line)]
            options = [
                _OPTION_EDGES.sub("", line[mark.end() : end])
                for mark, end in zip(marks, ends, strict=True)
            ]
        after = ""
        if split := _AFTER_THE_OPTIONS.search(options[-1]):
            # "[x] Yes [ ] No -- level(s): L4-S1": what follows the last option is the line's
            # own, whichever option is ticked.
            options[-1], after = options[-1][: split.start()], f" {options[-1][split.end() :]}"
        ticked = [option for option, tick in zip(options, ticks, strict=True) if tick and option]
        if label.strip():
            return f"{self._answered(label, ticked[0])}{after}" if len(ticked) == 1 else None
        if len({option.split()[0].lower() for option in ticked}) < len(ticked):
            # "[x] Goutallier 2 [x] Goutallier 3": two answers ticked to one question.
            return None
        answers = " ".join(f"{option.rstrip('.')}." for option in ticked)
        return f"{answers}{after}" if answers else None

    def _answered(self, label: str, value: str) -> str:
        label = label.strip().rstrip(":")
        asked, _, last = label.rpartition(" ")
        if asked.strip() and self._answer(last) == "present":
            # "Cleft present: No", "IVC seen? no": the question's own verb is no answer.
            label = asked
        match self._answer(value):
            case "present":
                return f"{label}: present."
            case "absent":
                return f"{label}: absent."
            case "uncertain":
                return f"Possible {label}."
        return f"{label}: {value}"

    def _choices_offered(self, value: str) -> bool:
        """Whether a field's value lists answers to choose from ("yes/no", "Y / N", "blocky or
        spongy", "normal/oedematous", side by side: "present absent", "0 1 2 3 4", "Yes
        (No)"): an unfilled template, not an answer. Words that all name one pattern
        ("spongy/trabecular", "solid/blocky"), or one grade ("2 / 2"), are one answer, said
        twice."""
        # A picklist's own markup around it ("***present/absent***", "{yes/no}") is no answer.
        value = value.strip(_PICKLIST_MARKUP)
        choices = [c.strip().lower() for c in _CHOICES.split(value.strip(" .[]()")) if c.strip()]
        # Descriptors are offered only apart ("normal/oedematous"): side by side they are a
        # phrase ("no oedema").
        apart = len(choices) > 1
        if len(choices) < 2 and self._answer(value) is None:
            choices = [c for c in _OPTIONS.split(value.strip(" .").lower()) if c]
        if len(choices) < 2:
            return False
        patterns = {self._pattern_words.get(c) for c in choices}
        if len(patterns) == 1 and None not in patterns:
            return False
        grades = {self._grade_of.get(c) for c in choices}
        if len(grades) == 1 and None not in grades:
            # "Goutallier (R / L): 2 / 2": one grade for both sides.
            return False
        return all(
            self._answer(c) is not None
            or c in self._pattern_words
            or c in self._grade_of
            or (apart and c in self._descriptors)
            for c in choices
        )

    def _answer(self, value: str) -> str | None:
        bare = value.strip(" .").lower()
        kind = self._answer_kind(bare)
        aside = _ASIDE_AFTER.fullmatch(bare)
        if kind is not None or aside is None:
            return kind
        kind = self._answer_kind(aside["answer"])
        if kind in (None, "uncertain") or aside["aside"].startswith("see "):
            # An answer in doubt stays in doubt whatever its aside: "not discussed [omitted]".
            return kind
        # "present (provisional)": an answer given in doubt ("absent (see STIR)" is not).
        # Any other aside is left to be read with the answer: "Present (T12)" places it,
        # "Yes (No)" offers a choice.
        return "uncertain" if self._answer_kind(aside["aside"]) == "uncertain" else None

    def _answer_kind(self, bare: str) -> str | None:
        return next((kind for kind, words in self._answers.items() if bare in words), None)

    # --- sentences to statements -------------------------------------------------------------

    def _about_other_levels(
        self,
        sentence: _Sentence,
        levels_before: frozenset[VertebralLevel],
        treated: frozenset[VertebralLevel],
    ) -> bool:
        """Whether a sentence that names no level is about other levels than the treated one
        by its context: its heading's, or those of the sentence before when it refers to
        that sentence ("Old fracture of T10. It contains a cleft.")."""
        if not treated:
            return False
        if sentence.heading:
            return not sentence.heading & treated
        return (
            bool(levels_before)
            and not levels_before & treated
            and bool(self._refers_to_before.search(sentence.text))
        )

    def _statements(
        self,
        sentence: _Sentence,
        doc: Any,
        treated: frozenset[VertebralLevel],
        elsewhere: bool,
        named_before: list[VertebralLevel],
    ) -> Iterator[Statement]:
        """What one sentence states. ``elsewhere``: by its context, the sentence is about
        other levels than the treated one. ``named_before``: the levels the sentence before
        named, in order, which "the latter" may pick from."""
        doubtful = doc.user_data.get(DOUBTFUL_CLAUSES, frozenset())
        mentions = _Mentions(doc, self._refer_back)
        # The definitions of two grades or more in one sentence are the scale's legend ("0
        # normal, 1 fatty streaks, 2 less fat than muscle, ..."), not this patient's grade.
        legend = len({e.label_ for e in mentions.findings if e.label_.startswith(DEFINITION)}) > 1
        for ent in mentions.findings:
            finding, reads = _finding_of(ent.label_)
            if ent._.hypothetical or ent._.experiencer or self._generic(ent):
                continue
            if legend and finding is FindingName.GOUTALLIER_GRADE:
                continue
            if ent._.historical and not self._progressed(ent, finding):
                if (
                    not ent._.persistence
                    or self._changed_since(ent, finding)
                    or _resolved_after(mentions, ent)
                ):
                    continue
            if finding in LEVEL_BOUND and self._about_another_level(mentions, ent, treated):
                if finding in PRESENCE_FINDINGS and _denied_at(
                    sentence.text, treated, ent.start_char
                ):
                    # "Clefts at T12 and L2; none at L1", "oedema at T11, none at L2": absent at
                    # the treated level (the "none" may reach back to the mention: it is the
                    # denial itself).
                    if not (ent._.uncertainty or ent.sent.start in doubtful):
                        yield Statement(finding, False, sentence.quote)
                continue
            if (
                finding in PRESENCE_FINDINGS
                and ent._.negation
                and _excepted_from_denial(sentence.text, treated, ent)
            ):
                # "No cleft is identified except at L1": the denial's exception, present there.
                if not (ent._.uncertainty or ent.sent.start in doubtful):
                    yield Statement(finding, True, sentence.quote)
                continue
            if finding in PRESENCE_FINDINGS and _excepted(sentence.text, treated, ent):
                if not (ent._.uncertainty or ent.sent.start in doubtful):
                    yield Statement(finding, False, sentence.quote)
                continue
            if finding in LEVEL_BOUND and elsewhere:
                continue
            if finding in LEVEL_BOUND and self._picks_another_level(
                mentions, ent, treated, named_before
            ):
                continue
            if finding in PRESENCE_FINDINGS and self._about_another_structure(mentions, ent):
                continue
            if finding is FindingName.INTRAVERTEBRAL_VACUUM_CLEFT and mentions.at_a_disc_level(ent):
                # "Vacuum cleft at T12/L1": the disc between them, or both; not clear.
                continue
            if finding is FindingName.CEMENT_DISTRIBUTION:
                statement = self._cement(sentence, mentions, ent)
            elif finding is FindingName.GOUTALLIER_GRADE:
                statement = self._goutallier(sentence, mentions, ent, named_before)
            elif ent._.uncertainty or ent.sent.start in doubtful or self._alternative(ent):
                statement = Statement(finding, None, sentence.quote, NoValueKind.REPORT_UNCERTAIN)
            elif reads is not None:
                # "The fascia is normal": absent, unless that is denied or doubted.
                statement = None if ent._.negation else Statement(finding, reads, sentence.quote)
            else:
                denied = ent._.negation and not _denied_only_elsewhere(mentions, ent, treated)
                statement = Statement(finding, not denied, sentence.quote)
            if statement is not None:
                if finding is FindingName.GOUTALLIER_GRADE and ent.label_.startswith(DEFINITION):
                    statement = replace(statement, by_definition=True)
                yield statement

    def _alternative(self, ent: Any) -> bool:
        """Whether a mention not denied is offered as one of two readings ("cleft or fracture
        line", "a fracture line or a cleft"); under a denial "or" lists what is denied, and
        "or" between two mentions of the finding, or two words of one ("a gas or fluid
        cleft"), names its kinds. A denial qualified by a small one after "or" ("no cleft, or
        only a tiny one") is no firm denial either."""
        if ent._.negation:
            small = _OR_A_SMALL_ONE.search(text_of(ent.doc), ent.end_char, ent.sent.end_char)
            return bool(small) and not any(
                ent.end_char <= e.start_char < small.start() for e in ents_of(ent.doc)
            )
        text = text_of(ent.doc)
        same = [e for e in ents_of(ent.doc) if e.label_ == ent.label_ and e is not ent]
        after = _OR_AFTER.match(text, ent.end_char)
        if after and not any(e.start_char == after.end() for e in same):
            return True
        before = _OR_BEFORE.search(text, 0, ent.start_char)
        if before is None or any(
            e.end_char <= before.start() and not text[e.end_char : before.start()].strip()
            for e in same
        ):
            return False
        # "gas or fluid cleft": "or" joins two words before one noun, no article between.
        return bool(before["article"]) or len(ent) == 1

    def _generic(self, ent: Any) -> bool:
        """Whether a mention is, or follows in its clause, the subject of a statement about
        the finding in general ("the intravertebral cleft is a marker of non-union", "a vacuum
        cleft is a gas collection within a collapsed body"), or stands in a clause whose verb
        is one of such statements ("filling of a cleft tends to produce a solid pattern"), in
        a sentence, or a part of one between semicolons, that names no vertebra to tie it to
        this patient ("a cleft can be occult on MRI; none is seen in L1 on this CT")."""
        text = text_of(ent.doc)
        part_start = text.rfind(";", 0, ent.start_char) + 1
        part_end = text.find(";", ent.end_char)
        part_end = part_end if part_end >= 0 else len(text)
        if levels_in(text[part_start:part_end]):
            return False
        subjects = [e for e in ent.sent.ents if e.start <= ent.start and e.label_ != LOOKALIKE]
        if any(
            _DEFINITION_OPENING.fullmatch(text, part_start, subject.start_char)
            and _IS_A.match(text, subject.end_char)
            for subject in subjects
        ):
            # "A vacuum cleft is a gas collection ...": what any cleft is, a definition, and
            # what it is made of ("... is gas within a collapsed body") is no mention either.
            return True
        # The part, not the parser's sentence: that can end inside a coordination ("cement
        # interdigitating with and | permeating the bone").
        return any(
            self._generic_statement.match(text, subject.end_char) for subject in subjects
        ) or bool(self._generic_anywhere.search(text, part_start, part_end))

    def _grades_told_apart(self, statements: list[Statement], text: str) -> list[Statement]:
        """One sentence's statements, its Goutallier grades made unknown where they differ and
        the sentence names no side, no two muscles and no time to tell them apart ("Goutallier
        2 in the body of the report and grade 3 in the summary"): two statements that
        disagree, not the worse of two sides."""
        grades = [
            s
            for s in statements
            if s.finding is FindingName.GOUTALLIER_GRADE and s.value is not None
        ]
        if not grades:
            return statements
        values = {g for s in grades for g in s.grades or {s.value}} | self._bare_grades(text)
        muscles = len(self._paraspinal_muscles.findall(text))
        if len(values) < 2 or _SIDE.search(text) or muscles > 1 or _THEN_AND_NOW.search(text):
            return statements
        return [
            *(s for s in statements if s.finding is not FindingName.GOUTALLIER_GRADE),
            Statement(
                FindingName.GOUTALLIER_GRADE,
                None,
                grades[0].quote,
                NoValueKind.REPORT_SENTENCES_DISAGREE,
            ),
        ]

    def _bare_grades(self, text: str) -> set[int]:
        """The grades a sentence gives by "grade" alone, outside the eponym's clause ("Goutallier
        2 at L4/5 on the T2 images but grade 3 on T1"): the same scale's grade, so a second
        value of it. Not one of another scale ("Pfirrmann grade 3"), of a noun after it
        ("grade 1 anterolisthesis"), of other muscles named in its clause ("the thoracic
        paraspinals show grade 3") or of a level placed before it ("at L3/4 grade 2")."""
        return {
            self._grade_of[match["grade"].lower()]
            for match in self._bare_grade.finditer(text)
            if not _NAME_BEFORE.search(text, 0, match.start())
            and not self._elsewhere_muscle.search(_clause_before(text, match.start()))
            and not self._other_muscle.search(_clause_before(text, match.start()))
            and not levels_in(_clause_before(text, match.start()))
        }

    def _another_scale(self, ent: Any) -> bool:
        """Whether a grade is given on a scale the rules do not know: a capitalised name, no
        English word and none the rules use, stands right before it ("Kjaer grade 2",
        "Hoffmann grade 3"; not "Bilateral grade 3"); not before the eponym, which names the
        scale itself."""
        if self._eponym.search(ent.text):
            return False
        name = _NAME_BEFORE.search(text_of(ent.doc), 0, ent.start_char)
        return bool(name) and not self._is_word(name["name"].lower())

    def _progressed(self, ent: Any, finding: FindingName) -> bool:
        """Whether a Goutallier grade's clause gives the grade now beside one of before
        ("grade 3 in 2019, now 4"): its history does not make the grade now historical."""
        clause = (text_of(ent.doc), ent.sent.start_char, ent.sent.end_char)
        return finding is FindingName.GOUTALLIER_GRADE and bool(
            self._progression.search(*clause) or self._was.search(*clause)
        )

    @staticmethod
    def _changed_since(ent: Any, finding: FindingName) -> bool:
        """Whether a Goutallier grade of before stands in a sentence saying the fat has changed
        since ("progressed since 2020 (previously Goutallier 1)"): the grade is not the grade
        now, which goes unsaid. Unchanged, it would be."""
        return finding is FindingName.GOUTALLIER_GRADE and bool(
            _CHANGED.search(text_of(ent.doc), ent.sent.start_char, ent.sent.end_char)
        )

    def _about_another_structure(self, mentions: _Mentions, ent: Any) -> bool:
        """Whether a mention is about another structure: one named anywhere in its clause
        ("the psoas fascia"), unless its own stretch names its structure, or one named in
        its own stretch ("a fluid cleft in the pedicle"; but "no pedicle involvement and no
        cleft" names two items)."""
        in_clause, nearby, named = self._other_structures[_finding_of(ent.label_)[0]]
        text = text_of(ent.doc)
        start, end = mentions.stretch(ent)
        # A structure named inside a lookalike is the lookalike's ("in addition to the vacuum
        # disc at L4/5"), inside another finding's name that finding's ("no cleft or oedema of
        # the thoracolumbar fascia").
        lookalikes = [
            (e.start_char, e.end_char)
            for e in ents_of(ent.doc)
            if e.label_ == LOOKALIKE or (e != ent and e in mentions.findings)
        ]
        if named.search(text, start, end):
            # "Psoas fascia oedema, with normal thoracolumbar fascia": named, the fascia is
            # the posterior one whatever the other items of the clause are.
            return _names_undenied(in_clause, text, start, end, lookalikes) or _names_undenied(
                nearby, text, start, end, lookalikes
            )
        # "Pars defects with a fluid cleft": the structure the mention is with.
        with_span = _what_it_is_with(text, start)
        return (
            bool(in_clause.search(ent.sent.text))
            or _names_undenied(nearby, text, start, end, lookalikes)
            or (with_span is not None and _names_undenied(nearby, text, *with_span, lookalikes))
        )

    def _about_another_level(
        self, mentions: _Mentions, ent: Any, treated: frozenset[VertebralLevel]
    ) -> bool:
        """Whether a mention is about another vertebra than the treated one, by what stands
        nearest to it: words pointing elsewhere ("the level above", "adjacent vertebra") in
        its own stretch of the clause (between commas, "and", "with"), else the levels that
        stretch names, else words pointing elsewhere in its clause; then the levels of its
        clause, else of its sentence, leaving out the levels another finding's stretch names
        ("Goutallier 3 (L4/5) and no fascia oedema"), else words pointing elsewhere anywhere
        in the sentence."""
        own = mentions.stretch(ent)
        text = text_of(ent.doc)
        if treated and (bracketed := _level_opening_brackets(text, ent.start_char)):
            # "fractures at L2 (chronic, no cleft) and L4 (with a cleft)": what brackets
            # after a level say is that level's.
            return not bracketed & treated
        if self._points_elsewhere(text, own, *own):
            return True
        if treated and (attached := _level_attached(text, ent.end_char)):
            # "A gas cleft in L2 near the cement at L1": the level the mention is in.
            return not attached & treated
        named = (
            mentions.levels_between(*own)
            or mentions.levels_closing_a_list(ent)
            or _level_of_what_it_is_with(text, own[0])
        )
        if treated and named:
            # "Spongy cement at L1, blocky at the previously treated T11": its own level.
            return not named & treated
        if treated and (framed := _place_opening(ent)):
            # "At T12 there is a cleft and oedema of the overlying fascia": the place the
            # sentence opens with is that of each finding after it, up to a contrast.
            return not framed & treated
        if self._points_elsewhere(text, own, *mentions.clause_chars(ent)):
            return True
        if not treated:
            return False
        for levels in mentions.levels_around(ent):
            if levels:
                return not levels & treated
        return self._points_elsewhere(text, own, 0, len(text))

    def _picks_another_level(
        self,
        mentions: _Mentions,
        ent: Any,
        treated: frozenset[VertebralLevel],
        named_before: list[VertebralLevel],
    ) -> bool:
        """Whether words in the mention's clause pick one of the levels named before them, and
        it is not the treated one, or the text does not say which ("fractures of L1 and L3,
        the latter with a cleft", "..., one of which has a cleft"). Of two picks in a clause,
        the mention's is the last before it ("the former blocky, the latter spongy"), else
        the first after it; the levels picked from are those named before the pick, else
        those the sentence names ("the upper of the two fractures (T12 and L1)"), else those
        the sentence before named ("Fractures of T11 and L1. The latter shows a cleft."). A
        level named between the pick and the mention is the mention's ("the caudal one (L2)
        contains a cleft")."""
        text = text_of(ent.doc)
        if self._in_order.search(text) and len(set(_levels_in_order(text, 0, len(text)))) > 1:
            # "T12 and L1, with and without a cleft respectively": values paired with levels
            # by order are not paired here.
            return True
        start, end = mentions.clause_chars(ent)
        picks = [
            (match, how)
            for how, pattern in self._level_picks.items()
            for match in pattern.finditer(text, start, end)
        ]
        if not picks:
            return False
        before = [pick for pick in picks if pick[0].start() < ent.start_char]
        match, how = (
            max(before, key=lambda pick: pick[0].start())
            if before
            else min(picks, key=lambda pick: pick[0].start())
        )
        if how == "among_several":
            return True
        if match.end() <= ent.start_char and _LEVEL.search(text, match.end(), ent.start_char):
            return False
        named = _levels_in_order(text, 0, match.start())
        if len(set(named)) < 2:
            named = _levels_in_order(text, 0, len(text))
        if len(set(named)) < 2:
            named = named_before
        if how == "unsaid":
            return len(set(named)) > 1
        if len(set(named)) < 2:
            # "the latter" with one level named or none: one of those a sentence before
            # named, which this one does not say.
            return True
        if how in _PICKED_POSITION:
            # "T11, L2 and L4; the second contains a cleft": L2. Fewer levels named than the
            # ordinal counts: one the text does not give.
            in_order, position = list(dict.fromkeys(named)), _PICKED_POSITION[how]
            return position >= len(in_order) or in_order[position] not in treated
        picked = {
            "first": named[0],
            "last": named[-1],
            "highest": min(named, key=_ORDER.__getitem__),
            "lowest": max(named, key=_ORDER.__getitem__),
        }[how]
        return picked not in treated

    def _points_elsewhere(self, text: str, own: tuple[int, int], start: int, end: int) -> bool:
        """Whether words between ``start`` and ``end`` point to another level for a mention
        whose stretch of the clause is ``own``: in that stretch, or in another one that does
        not deny something there ("no new fracture at the adjacent levels, and no fascial
        oedema")."""
        for match in self._elsewhere.finditer(text, start, end):
            if _AN_ENDPLATE.match(text, match.end()):
                # "the L1 body just below the superior endplate": a place within the body.
                continue
            if own[0] <= match.start() < own[1]:
                return True
            left = max((m.end() for m in _SEPARATOR.finditer(text, 0, match.start())), default=0)
            if not _denied(text[left : match.start()], match.start() - left):
                return True
        return False

    def _cement(self, sentence: _Sentence, mentions: _Mentions, ent: Any) -> Statement | None:
        """A cement pattern in a sentence about cement; not one describing a leak (a leak
        named before the pattern, or in its stretch of the clause: "small cement leakage
        into the disc, solid in appearance"), nor a denied one."""
        if not (
            self._cement_requires.search(sentence.text)
            or (sentence.about_cement and self._cement_labels.search(ent.sent.text))
            or (sentence.after_cement and _IT_OPENS.match(sentence.text))
        ):
            return None
        if self._mixed_cement.search(sentence.text):
            # "Mixed cement pattern, with solid and trabecular components": neither pattern.
            return None
        pattern = CementDistribution.BLOCKY if ent.label_ == BLOCKY else CementDistribution.SPONGY
        spongy = pattern is CementDistribution.SPONGY
        interdigitation = spongy and ent.text.lower() in self._no_spongy
        degree = self._degree(ent) if interdigitation else None
        if any(self._partly_interdigitated(other) for other in mentions.findings):
            # "Partially interdigitated, with a more solid central component": neither
            # pattern, the one beside it no more than the partial one.
            return None
        if ent._.negation or degree == "scant":
            # "No interdigitation of the cement": the definition of blocky.
            if not interdigitation or any(
                other.label_ == BLOCKY and other._.negation and other.start < ent.start
                for other in mentions.findings
            ):
                # "Did not remain compact, nor did it interdigitate": denied both ways (a
                # pattern after the denial, "non-interdigitated and globular", is its own).
                return None
            pattern = CementDistribution.BLOCKY
        start, end = mentions.stretch(ent)
        described = text_of(ent.doc)[ent.sent.start_char : end]
        if any(
            not _denied(described, leak.start())
            for leak in self._cement_excludes.finditer(described)
        ):
            return None
        finding = FindingName.CEMENT_DISTRIBUTION
        if ent._.uncertainty:
            return Statement(finding, None, sentence.quote, NoValueKind.REPORT_UNCERTAIN)
        return Statement(finding, pattern.value, sentence.quote)

    def _partly_interdigitated(self, ent: Any) -> bool:
        """Whether a mention is interdigitation said to be partial ("partly interdigitated")."""
        return (
            ent.label_ == SPONGY
            and ent.text.lower() in self._no_spongy
            and self._degree(ent) == "partial"
        )

    def _degree(self, ent: Any) -> str | None:
        """ "scant" or "partial" where a word of degree stands just before or after the entity
        in its clause; else None."""
        text, clause = text_of(ent.doc), ent.sent
        for degree, (before, after) in self._degrees.items():
            if before.search(text, clause.start_char, ent.start_char) or after.match(
                text, ent.end_char, clause.end_char
            ):
                return degree
        return None

    def _goutallier(
        self, sentence: _Sentence, mentions: _Mentions, ent: Any, named_before: list[VertebralLevel]
    ) -> Statement | None:
        """A grade given with the eponym (or with "grade" on a muscle-fat line), or read from
        the grade's definition, for the paraspinal muscles at the level the study graded
        (L4/5) or at no named level. A negation before a descriptor beside the grade ("no
        fatty atrophy (Goutallier 0)") leaves the grade as given; one before the eponym itself
        denies it."""
        finding = FindingName.GOUTALLIER_GRADE
        clause = ent.sent
        text = text_of(ent.doc)
        before = text[clause.start_char : ent.start_char]
        definition = ent.label_.startswith(DEFINITION)
        if ent._.negation and (definition or self._negated_eponym.search(before)):
            return None
        other_muscle = bool(self._other_muscle.search(clause.text))
        if other_muscle and definition:
            return None
        # "At L3/4, the paraspinal muscles show ...": a place opening the sentence before a
        # comma is the clause's after it.
        opening = opening_phrase(ent.doc)
        placed_from = (
            opening.start_char
            if opening is not None and opening.end == clause.start
            else clause.start_char
        )
        elsewhere = self._elsewhere_muscle.search(text, placed_from, clause.end_char)
        if definition:
            if not self._muscle.search(clause.text) or self._not_muscle.search(clause.text):
                return None
            graded = [(int(ent.label_.removeprefix(DEFINITION)), mentions.levels_near(ent))]
        else:
            if self._another_scale(ent):
                return None
            found = self._grades_in(text, clause.start_char, clause.end_char, ent.start_char)
            if isinstance(found, NoValueKind):
                return Statement(finding, None, sentence.quote, found)
            first_grade = min((at for *_, at in found), default=ent.end_char)
            if _HEDGE_BEFORE_GRADE.search(text, ent.end_char, first_grade):
                # "Goutallier likely 3": the hedge is on the grade itself.
                return Statement(finding, None, sentence.quote, NoValueKind.REPORT_UNCERTAIN)
            # "Goutallier at L3-4: R 2, L 2": a level between the scale's name and its grades
            # is theirs where they name none.
            labelled = levels_in(text[ent.end_char : first_grade]) or None
            # "multifidus 2, erector spinae 2, psoas 1": the paraspinal muscles' grades.
            graded = [
                (grade, labelled if levels is None else levels)
                for grade, levels, at in found
                if not other_muscle
                or self._paraspinal(text, clause.start_char, at, clause.end_char)
            ]
        if elsewhere:
            # "Goutallier 3 at the fracture level": another level's muscles; only a grade named
            # for the graded segment counts beside it ("grade 1 at the fracture level and 3 at
            # L4/5", "L4/5 grade 2, well below the treated level").
            graded = [
                (grade, levels)
                for grade, levels in graded
                if levels and _covers(levels, self._graded_segment)
            ]
            if not graded:
                return None
        if _RELATIVE_GRADE.search(clause.text):
            # "left 1, right one grade higher": a grade given against another is not read.
            return Statement(finding, None, sentence.quote, NoValueKind.REPORT_UNCERTAIN)
        if self._in_order.search(clause.text) and len(_LEVEL.findall(clause.text)) > 1:
            # "Goutallier grade 2 and 3 at L3/4 and L5/S1 respectively": grades paired with
            # levels by their order are not paired here.
            return None
        if self._graded_segment_excepted(text):
            # "Other than at L4-L5, the paraspinal muscles are grade 1": a grade naming no
            # level is the other levels'.
            graded = [(grade, levels) for grade, levels in graded if levels is not None]
        if all(levels is None for _, levels in graded) and (
            self._placed_elsewhere(text[placed_from : ent.start_char])
            or self._pointed_elsewhere(sentence, clause, named_before)
        ):
            return None
        grades = self._at_graded_level(graded)
        if not grades:
            return None
        if ent._.uncertainty:
            return Statement(finding, None, sentence.quote, NoValueKind.REPORT_UNCERTAIN)
        # Both sides graded: the worse side counts, as for coded left/right grades.
        return Statement(finding, max(grades), sentence.quote, grades=frozenset(grades))

    def _pointed_elsewhere(
        self, sentence: _Sentence, clause: Any, named_before: list[VertebralLevel]
    ) -> bool:
        """Whether a grade naming no level is at a level it points to ("at this level", "at
        the same level") that is another segment or not known: the level the sentence names
        last before the pointer, else its heading's, else the sentence before's ("Disc vacuum at
        L5/S1. The paraspinal muscles at this level show Goutallier grade 3")."""
        pointer = self._pointing_muscle.search(clause.text)
        if pointer is None:
            return False
        before = list(_LEVEL.finditer(text_of(clause.doc), 0, clause.start_char + pointer.start()))
        pointed = (
            (_levels_of(before[-1]) if before else frozenset())
            or sentence.heading
            or frozenset(named_before)
        )
        return not pointed or not _covers(pointed, self._graded_segment)

    def _graded_segment_excepted(self, text: str) -> bool:
        """Whether a sentence sets the graded segment apart ("other than at L4-L5", "except
        L4/5", "with the exception of the L4/5 level")."""
        return any(
            _covers(levels_in(text[excepted.end() : excepted.end() + 24]), self._graded_segment)
            for excepted in _EXCEPTION.finditer(text)
        )

    def _placed_elsewhere(self, before: str) -> bool:
        """Whether the words opening a clause (or a field's value) before a grade place it at
        another segment than the graded one ("At L3/4 the paraspinal muscles are Goutallier
        grade 2", "Paraspinal muscles: at L5-S1, fatty change (Goutallier 3)")."""
        place = _PLACED_AT.search(before) or self._level_of_muscle.search(before)
        return bool(place) and not _covers(levels_in(place[0]), self._graded_segment)

    def _paraspinal(self, text: str, clause_start: int, at: int, clause_end: int) -> bool:
        """Whether the muscle named last before a grade is a paraspinal one; where none is named
        before it, the one named first after it ("Goutallier 3 fatty infiltration of the
        paraspinal muscles, psoas spared")."""
        before = text[clause_start:at]
        own = [match.end() for match in self._paraspinal_muscles.finditer(before)]
        other = [match.end() for match in self._other_muscle.finditer(before)]
        if own or other:
            return bool(own) and (not other or own[-1] > other[-1])
        own_after = self._paraspinal_muscles.search(text, at, clause_end)
        other_after = self._other_muscle.search(text, at, clause_end)
        return bool(own_after) and (not other_after or own_after.start() < other_after.start())

    def _grades_in(
        self, text: str, clause_start: int, end: int, eponym: int
    ) -> list[tuple[int, frozenset[VertebralLevel] | None, int]] | NoValueKind:
        """The grades a clause gives from just before the eponym on ("grade II (Goutallier)"),
        each with the levels named beside it (None: none named) and where it stands; why
        there is none if it gives a range ("grade 2-3") or a number that may be a grade
        no pattern accounts for ("2 (L), 3 (R)" read as 2 alone would be wrong)."""
        # "has progressed from Goutallier 2 to 3": the grade now, wherever the verb stands.
        progressed = self._progression.search(text, clause_start, end) or self._was.search(
            text, clause_start, end
        )
        if progressed and _RANGE_CLOSING.match(text, progressed.end("grade")):
            # "2 (2021), 3 (2022), now 3-4": the grade now is a range.
            return NoValueKind.REPORT_GRADE_RANGE
        if progressed:
            return [(self._grade_of[progressed["grade"].lower()], None, progressed.start())]
        # "stage 2 according to Goutallier": the grade before the words that name its scale.
        naming = _NAMING_THE_SCALE.search(text, clause_start, eponym)
        start = max(clause_start, (naming.start() if naming else eponym) - GRADE_BEFORE_EPONYM)
        if (
            self._eponym.match(text, eponym)
            and not self._eponym.search(text, clause_start, start)
            and any(pattern.search(text[clause_start:start]) for pattern in self._grades)
        ):
            # "L3/4 grade 2, L4/5 grade 3, L5/S1 grade 4 (Goutallier)": the eponym closes a
            # list of grades by segment, all of them its own.
            start = clause_start
        region = text[start:end]
        found: dict[int, tuple[int, int]] = {}
        again: set[int] = set()
        for pattern in self._grades:
            for match in pattern.finditer(region):
                bound = _a_bound(
                    text,
                    start + match.start(),
                    start + match.start("grade"),
                    start + match.end("grade"),
                )
                if match.groupdict().get("open") or self._a_range(match) or bound:
                    return NoValueKind.REPORT_GRADE_RANGE
                found.setdefault(match.start("grade"), (match.end("grade"), match.start()))
                if match.groupdict().get("high"):
                    # "2 / 2": the same grade again, for the other side.
                    again.add(match.start("high"))
        if any(
            not any(at <= loose.start() - start < grade_end for at, (grade_end, _) in found.items())
            for loose in _LOOSE_RANGE.finditer(text, eponym, end)
        ):
            return NoValueKind.REPORT_GRADE_RANGE
        if any(
            loose.start() - start not in found
            and loose.start() - start not in again
            and not _EARLIER_GRADE.search(text, 0, loose.start())
            for loose in _LOOSE_GRADE.finditer(text, eponym, end)
        ):
            return NoValueKind.REPORT_UNCERTAIN
        graded = []
        starts = sorted(found)
        just_before = _LEVEL_JUST_BEFORE.search(text[clause_start:eponym])[0]
        for index, at in enumerate(starts):
            grade_end, _ = found[at]
            following_end = starts[index + 1] if index + 1 < len(starts) else len(region)
            after = _LEVEL_RIGHT_AFTER.match(region, grade_end, following_end)
            if (
                after
                and index + 1 < len(starts)
                and _GRADE_OPENING.fullmatch(region, after.end(), found[starts[index + 1]][1])
            ):
                # "L5/S1 grade 3, L4/5 grade 2": the level opens the next grade's item.
                after = None
            # "Goutallier: L5/S1 grade 3, L4/5 grade 2": a level before a grade of a list is
            # that grade's, not the next one's.
            previous_end = found[starts[index - 1]][0] if index else 0
            preceding = region[max(0, eponym - start, previous_end) : at]
            if index and after is None:
                # After another grade and its level, only the level nearest is this one's.
                nearest = [m[0] for m in _LEVEL.finditer(preceding)]
                preceding = nearest[-1] if nearest else ""
            labelled = _LEVEL_LABELLING.search(text, clause_start, start + at)
            levels = (
                levels_in(after[0])
                if after
                else levels_in(preceding)
                # "L4-5 = 2, L5-S1 = 3 (Goutallier)": a level right before a grade labels it.
                or (levels_in(labelled[0]) if labelled else frozenset())
                or levels_in(just_before)
                or self._muscle_levels(text[clause_start:eponym])
                # "Goutallier 2 atrophy of the paraspinal muscles at T12": the muscles' level.
                or self._muscle_levels(region[grade_end:following_end])
                or _described_level(region[grade_end:following_end])
                or None
            )
            graded.append((self._grade_of[region[at:grade_end].lower()], levels, start + at))
        return graded

    def _muscles_named(self, quote: str) -> frozenset[int]:
        """The paraspinal muscles graded one by one that a quote names (by their place in
        the rules' ``apart`` list), its abbreviations spelt out ("MF": the multifidus)."""
        text = self._abbreviations.spelt_out(quote)
        return frozenset(i for i, muscle in enumerate(self._muscles_apart) if muscle.search(text))

    def _a_range(self, match: re.Match[str]) -> bool:
        """Whether a grade is given as two grades: "2-3", "II/III". The same grade twice
        ("Goutallier 3/3" for both sides, "4/4" out of four) is that grade."""
        high = match.groupdict().get("high")
        return bool(high) and self._grade_of[high.lower()] != self._grade_of[match["grade"].lower()]

    def _muscle_levels(self, text: str) -> frozenset[VertebralLevel]:
        """The levels named for the muscles ("paraspinal muscles at L3-L4 show ...")."""
        return frozenset().union(*(levels_in(m[0]) for m in self._muscle_level.finditer(text)))

    def _at_graded_level(
        self, graded: list[tuple[int, frozenset[VertebralLevel] | None]]
    ) -> list[int]:
        """The grades for the segment the study graded: those named for it if any is, else
        those for no named level. Where no grade is named for another level, the ones for no
        level go with those for the segment ("right G3, left G2 at L4/5": a level at the end
        of a list is the list's)."""
        segment = self._graded_segment
        at_segment = [g for g, levels in graded if levels and _covers(levels, segment)]
        unnamed = [g for g, levels in graded if not levels]
        elsewhere = [g for g, levels in graded if levels and not _covers(levels, segment)]
        if not at_segment:
            return unnamed
        return at_segment if elsewhere else [*at_segment, *unnamed]


@dataclass(frozen=True)
class _Section:
    """Where the reading of a report's lines stands: in a section that is read, or in one
    that is skipped (indication, history, comparison). A skipped section ends at a blank line
    after its text, at a header of capitals that names no section, and, when its header had
    its text on the same line ("Indication: L1 OVCF"), at the next ``label: value`` line, or
    at the next line where that text ended a sentence or the section is of one line."""

    reading: bool = True
    inline: bool = False
    has_text: bool = False
    #: Its text is on its header's line alone: the next line ends it.
    one_line: bool = False
    #: It quotes another report, headers and title of capitals included: a blank line after
    #: its text ends it, nothing else.
    quoted: bool = False

    def ends_at(self, line: str) -> bool:
        if self.reading:
            return False
        if self.quoted:
            return not line and self.has_text
        if self.inline and self.one_line:
            # "Clinical notes: L1 fracture.\n?acuity ?Kummell.": a query on the next line is
            # still the referrer's question, not a finding in doubt.
            return not line.startswith("?")
        if not line:
            return self.has_text or self.inline
        return bool(_CAPITAL_HEADER.match(line)) or (self.inline and bool(_field(line)))


_ORDINALS = {
    word: number
    for number, words in enumerate(
        (
            ("first", "1st"),
            ("second", "2nd"),
            ("third", "3rd"),
            ("fourth", "4th"),
            ("fifth", "5th"),
            ("sixth", "6th"),
            ("seventh", "7th"),
            ("eighth", "8th"),
            ("ninth", "9th"),
            ("tenth", "10th"),
            ("eleventh", "11th"),
            ("twelfth", "12th"),
        ),
        start=1,
    )
    for word in words
}
#: The regions an ordinal level names ("the second lumbar vertebra"). The article goes with
#: the words ("from the eleventh thoracic to the second lumbar level": a range, "from T11 to
#: L2"), and two ordinals name a disc ("the third/fourth lumbar interspace": L3/4).
_ORDINAL_REGIONS = ("lumbar", "thoracic", "dorsal")
_ORDINAL_LEVEL = re.compile(
    rf"\b(?:the\s+)?(?P<number>{'|'.join(_ORDINALS)})(?:\s*/\s*(?P<next>{'|'.join(_ORDINALS)}))?"
    rf"\s+(?P<region>{'|'.join(_ORDINAL_REGIONS)})\b",
    re.I,
)
#: The numbers of a level as dictated in words: "L four five", "T twelve".
_SPOKEN_NUMBERS = {
    word: str(number)
    for number, word in enumerate(
        "one two three four five six seven eight nine ten eleven twelve".split(), start=1
    )
}
_SPOKEN_NUMBER = "|".join(_SPOKEN_NUMBERS)
#: A level dictated in words ("L four five", "L four-five", "T twelve"): a capital letter of
#: the spine's region, then one number word or two.
_SPOKEN_LEVEL = re.compile(
    rf"\b(?P<region>[TL])\s+(?P<number>{_SPOKEN_NUMBER})(?:[\s/-]+(?P<next>{_SPOKEN_NUMBER}))?\b"
)
#: What every level dictated in words holds, found at a fraction of the pattern's cost (a
#: pattern opening on a set of letters is searched for that set first).
_SPOKEN_LEVEL_SIGN = re.compile(rf"[TL]\s+(?:{_SPOKEN_NUMBER})")
#: "L 3", "T 12": a level dictated or scanned with a space in it (capitals only: "a 3 mm
#: cleft", "s 2" or "vitamin D 3" are no level), not a size or a count after it ("L 2 cm"),
#: and not where the sides are given by letter ("R 2, L 3": left).
_SPACED_LEVEL = re.compile(r"(?<![\w-])(Th|T|L)\s(1[0-2]|[1-9])(?!\w|[.,]\d|\s*(?:mm|cm|%))")
#: What every spaced level holds: most sentences hold none.
_SPACED_LEVEL_SIGN = re.compile(r"[TL]h?\s[1-9]")
_RIGHT_BY_LETTER = re.compile(r"(?<![\w-])(?:R|Rt|RT)\.?\s*[:=]?\s*(?:grade\s*)?\d")
#: "GC3 @ L4/5": the sign written for "at" before a level.
_AT_SIGN = re.compile(r"\s*@\s*(?=(?:th|t|l|s)\d)", re.I)
#: "T-12", "L-1": the level with a hyphen in it.
_HYPHENATED_LEVEL = re.compile(r"(?<![\w-])(th|t|d|l)-(1[0-2]|[1-9])(?![\w-])", re.I)


class _LevelNames:
    """Vertebrae named in words, written as levels so that every rule about levels reads
    them: "the second lumbar vertebra" is L2, "T-12" T12, "LWK 1" L1, and a region of the
    spine ("the thoracolumbar junction", "the lower lumbar levels") the range of levels the
    rules give it: a range of several vertebrae never names one vertebral body."""

    def __init__(self, regions: Mapping[str, str], prefixes: Mapping[str, str]) -> None:
        self._regions = {name.lower(): levels for name, levels in regions.items()}
        names = "|".join(re.escape(n) for n in sorted(self._regions, key=len, reverse=True))
        self._region = re.compile(rf"(?<!\w)(?:{names or '(?!)'})(?!\w)", re.I)
        self._prefixes = {prefix.lower(): letter for prefix, letter in prefixes.items()}
        words = "|".join(re.escape(p) for p in sorted(self._prefixes, key=len, reverse=True))
        self._prefixed = re.compile(rf"(?<!\w)({words or '(?!)'})\s*-?\s*(\d{{1,2}})(?!\w)", re.I)
        # Each pattern matches one of its names as written: most sentences hold none.
        self._region_names = _looked_for(self._regions)
        self._prefix_names = _looked_for(self._prefixes)

    def prefixed_as_levels(self, text: str) -> str:
        """A vertebra named by a prefix and its number ("LWK 1", "LV1") as its level."""
        if not _may_hold(text, self._prefix_names):
            return text
        return self._prefixed.sub(lambda m: f"{self._prefixes[m[1].lower()]}{m[2]}", text)

    def written_as_levels(self, text: str) -> str:
        if "@" in text:
            text = _AT_SIGN.sub(" at ", text)
        if "-" in text:
            # The hyphen is the one sign a hyphenated level needs: most sentences have none.
            text = _HYPHENATED_LEVEL.sub(r"\1\2", text)
        # Not where the sides are given by letter, which needs its capital "R".
        if _SPACED_LEVEL_SIGN.search(text) and (
            "R" not in text or not _RIGHT_BY_LETTER.search(text)
        ):
            text = _SPACED_LEVEL.sub(r"\1\2", text)
        if _may_hold(text, _ORDINAL_REGIONS):
            text = _ORDINAL_LEVEL.sub(_ordinal_level, text)
        if _SPOKEN_LEVEL_SIGN.search(text):
            text = _SPOKEN_LEVEL.sub(_spoken_level, text)
        if "etween" in text:  # "between" or "Between": most sentences have neither
            text = _BETWEEN_LEVELS.sub(_span_between, text)
        if not _may_hold(text, self._region_names):
            return text
        return self._region.sub(lambda match: self._regions[match[0].lower()], text)


def _span_between(match: re.Match[str]) -> str:
    """A finding "between T11 and L2" lies at the levels from the one to the other; "between
    L1 and L2", two levels next to each other, is their disc, and stays as written."""
    first, last = levels_in(match["first"]), levels_in(match["last"])
    # Each one vertebra ("T1" and "T2" are sequences, no level).
    if len(first) != 1 or len(last) != 1:
        return match[0]
    if _ORDER[next(iter(last))] - _ORDER[next(iter(first))] < 2:
        return match[0]
    return f"from {match['first']} to {match['last']}"


def _spoken_level(match: re.Match[str]) -> str:
    level = f"{match['region']}{_SPOKEN_NUMBERS[match['number']]}"
    return f"{level}/{_SPOKEN_NUMBERS[match['next']]}" if match["next"] else level


def _described_level(after_grade: str) -> frozenset[VertebralLevel]:
    """The level a grade's description places it at ("Goutallier 3 fatty degeneration at
    L3/4"): a few words after the grade, then "at" or "of" a level."""
    described = _LEVEL_AFTER_DESCRIPTION.match(after_grade)
    return levels_in(described[0]) if described else frozenset()


def _ordinal_level(match: re.Match[str]) -> str:
    region = "L" if match["region"].lower() == "lumbar" else "T"
    level = f"{region}{_ORDINALS[match['number'].lower()]}"
    return f"{level}/{_ORDINALS[match['next'].lower()]}" if match["next"] else level


#: A person's title before a name: "Dr Kimmel", "Prof. Fascio".
_TITLE_BEFORE = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Prof|Professor|Doctor)\.?\s+$")
#: A word and the word after it (left in place, for the next pair to start from).
_WORD_AND_NEXT = re.compile(r"\b(?P<first>[^\W\d_]{2,})\s+(?=(?P<second>[^\W\d_]{3,})\b)")
#: The letters after a space and before one: every pair's second word and first word.
_LETTERS_AFTER_SPACE = re.compile(r"\s([^\W\d_]{3,})")
_LETTERS_BEFORE_SPACE = re.compile(r"[^\W\d_]{2,}(?=\s)")


class _Slips:
    """Slips of the words the findings are named by ("vaccuum", "fashia", "Cemnt", "Blokcy")
    read as the word: a word of five letters or more that is no English word and no word of
    the rules, one edit from exactly one key word (two, in a word of ten letters or more) and
    no nearer to, nor as near to, any other word of the rules. Besides, a key word typed onto
    its denial ("nocleft"), and a word typed in small letters with a letter doubled or two
    swapped from exactly one word of the rules ("resolvedd", "grdae")."""

    def __init__(
        self, words: Iterable[str], synonyms: Mapping[str, Iterable[str]], known: frozenset[str]
    ) -> None:
        keys = {word.lower() for word in words}
        #: Each key word and each of its other spellings, with the key word it spells.
        self._words = {key: key for key in keys} | {
            other.lower(): key for key in keys for other in synonyms.get(key, ())
        }
        self._known = frozenset(
            word
            for word in known
            if len(word) >= SLIP_LENGTH and word.isalpha() and word not in self._words
        )
        self._longest_known = max(map(len, self._known), default=0)
        self._spellings_near = _WithinReach(self._words, LONG_SLIP_REACH)
        self._known_near = _WithinReach(self._known, LONG_SLIP_REACH)
        # The two parts a word dictated in two may be of: a pair whose words are not both
        # such parts is no such word, which most sentences' pairs are not.
        whole = [word for word in self._words if word.isascii() and word.isalpha()]
        cuts = [(word, at) for word in whole for at in range(2, len(word) - 2)]
        self._first_parts = frozenset(word[:at] for word, at in cuts)
        self._second_parts = frozenset(word[at:] for word, at in cuts)

    def corrected(self, text: str) -> str:
        """The text with its slips read as the words meant; a sentence with a word of
        letters English does not use ("Répartition du ciment") is another language's, and
        its words are no slips."""
        if not self._words:
            return text
        # An ASCII text has none of the letters English does not use.
        if not text.isascii() and any(
            word.lower() not in self._known for word in _NOT_ENGLISH_LETTERS.findall(text)
        ):
            return text
        if self._may_be_split(text):
            text = _WORD_AND_NEXT.sub(self._split_word, text)
        if all(
            self._meant(word.lower(), word.islower()) is None for word in _LONG_WORD.findall(text)
        ):
            return text
        return _LONG_WORD.sub(self._word, text)

    def _may_be_split(self, text: str) -> bool:
        """Whether the text may hold a key word dictated in two: a word before a space that
        is a first part of one, and a word after a space that is a second part. Beyond ASCII
        a letter's case folds otherwise: such a text may."""
        if not text.isascii():
            return True
        lowered = text.lower()
        # The second words first: fewer sentences pass that test, at half the cost.
        return not (
            self._second_parts.isdisjoint(_LETTERS_AFTER_SPACE.findall(lowered))
            or self._first_parts.isdisjoint(_LETTERS_BEFORE_SPACE.findall(lowered))
        )

    def _split_word(self, match: re.Match[str]) -> str:
        """A key word dictated in two ("inter digitating", "thoraco lumbar") as one."""
        joined = f"{match['first']}{match['second']}".lower()
        return match["first"] if joined in self._words else match[0]

    def _word(self, match: re.Match[str]) -> str:
        word = match[0]
        meant = self._meant(word.lower(), word.islower())
        if meant is None or _TITLE_BEFORE.search(
            match.string, max(0, match.start() - 12), match.start()
        ):
            # A person's name ("Dr Kimmel") is no slip.
            return word
        return meant.capitalize() if word[0].isupper() else meant

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one reader per process, built once)
    def _meant(self, word: str, typed_in_small_letters: bool) -> str | None:
        """The word meant by ``word`` (in lower case); a typing slip of a word of the rules
        only where it was typed in small letters: "Moore" and "Brian" are names."""
        if word in self._known or is_english_word(word):
            return None
        if word.startswith("no") and (key := self._words.get(word[2:])):
            # "nocleft": a denial typed without its space.
            return f"no {key}"
        reach = LONG_SLIP_REACH if len(word) >= LONG_SLIP_LENGTH else 1
        near = {self._words[spelt] for spelt in self._spellings_near(word, reach)}
        if len(near) != 1 or self._known_near(word, reach):
            return self._typed_slip(word) if typed_in_small_letters else None
        return near.pop()

    def _typed_slip(self, word: str) -> str | None:
        """The one word of the rules a word is a typing slip of, a letter doubled or two
        neighbours swapped ("resolvedd", "grdae"), or None: a cue misspelt ("has
        resolvedd") would otherwise leave its finding read as stated now."""
        if len(word) > self._longest_known + 1:
            # No word of the rules is that long; the candidates would take memory with the
            # square of the word's length.
            return None
        undoubled = {
            word[:at] + word[at + 1 :] for at in range(1, len(word)) if word[at] == word[at - 1]
        }
        swapped = {
            word[:at] + word[at + 1] + word[at] + word[at + 2 :]
            for at in range(len(word) - 1)
            if word[at] != word[at + 1]
        }
        meant = (undoubled | swapped) & self._known
        return meant.pop() if len(meant) == 1 else None


class _WithinReach:
    """The words of a vocabulary within a few edits of a word. Two words at most n edits apart
    share a string made by deleting at most n letters from each (a letter changed, or two
    swapped: the same one deleted from both), so only the words sharing such a string with it
    are compared edit by edit. That finds the words comparing it with every word finds, at a
    fraction of the cost: most reports hold words of no vocabulary, and each such word was
    compared with some 1,900 words of the rules."""

    def __init__(self, words: Iterable[str], reach: int) -> None:
        self._reach = reach
        words = list(words)
        self._longest = max(map(len, words), default=0)
        by_deletion: dict[str, list[str]] = {}
        for word in words:
            for deleted in _deletions(word, reach):
                by_deletion.setdefault(deleted, []).append(word)
        # Tuples: most strings come from one word, and a set each would take the most memory.
        self._by_deletion = {deleted: tuple(found) for deleted, found in by_deletion.items()}

    def __call__(self, word: str, reach: int) -> set[str]:
        """The words within ``reach`` edits of ``word``."""
        if reach > self._reach:
            # The index holds deletions of so many letters only: it would miss words.
            raise ValueError(f"reach {reach} beyond the index's {self._reach}")
        if len(word) > self._longest + reach:
            # No word of the index is that near, and a word's deletions grow with the square
            # of its length (a report may hold thousands of letters without a space).
            return set()
        candidates = set().union(
            *(self._by_deletion.get(deleted, ()) for deleted in _deletions(word, reach))
        )
        return {other for other in candidates if _within(word, other, reach)}


def _deletions(word: str, reach: int) -> set[str]:
    """``word`` and every string made from it by deleting at most ``reach`` letters."""
    found = {word}
    for _ in range(reach):
        found |= {
            shorter[:at] + shorter[at + 1 :] for shorter in found for at in range(len(shorter))
        }
    return found


def _within(word: str, other: str, reach: int) -> bool:
    """Whether ``word`` is at most ``reach`` edits (a letter dropped, added or changed, two
    neighbours swapped) from ``other``."""
    if abs(len(word) - len(other)) > reach:
        return False
    previous2: list[int] = []
    previous = list(range(len(other) + 1))
    for i, a in enumerate(word, 1):
        current = [i]
        for j, b in enumerate(other, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == other[j - 2] and word[i - 2] == b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        if min(current) > reach:
            return False
        previous2, previous = previous, current
    return previous[-1] <= reach


class _Abbreviations:
    """Abbreviations spelt out (as written, in their case), except beside an ``unless``
    word."""

    def __init__(self, table: Mapping[str, Mapping[str, Any]]) -> None:
        self._table = dict(table)
        names = "|".join(re.escape(name) for name in sorted(table, key=len, reverse=True))
        # An abbreviation of the eponym may have its grade typed onto it: "GC3" is "GC 3".
        graded = "|".join(
            re.escape(name)
            for name, entry in table.items()
            if entry["means"].lower().startswith("goutallier")
        )
        self._pattern = re.compile(
            rf"(?<![\w-])(?:(?:{names or '(?!)'})(?![\w-])|(?:{graded or '(?!)'})(?=[0-4]\b))"
        )
        self._unless = {
            name: _word_pattern(entry.get("unless", ())) for name, entry in table.items()
        }
        self._only_beside = {
            name: _word_pattern(entry["only_beside"])
            for name, entry in table.items()
            if entry.get("only_beside")
        }

    def spelt_out(self, text: str, row: str | None = None) -> str:
        """The text with its abbreviations spelt out. ``row``: the table row a cell came
        from, whose other cells stand beside it ("IVC | diameter 22 mm": the vena cava)."""
        beside = row or text

        def spell(match: re.Match[str]) -> str:
            name = match[0]
            if self._unless[name].search(beside):
                return name
            # A short abbreviation of many meanings ("MF") is ours only beside our words.
            if name in self._only_beside and not self._only_beside[name].search(beside):
                return name
            means = str(self._table[name]["means"])
            return f"{means} " if text[match.end() : match.end() + 1].isdigit() else means

        return self._pattern.sub(spell, text)


#: A field's answer word followed by what it rests on: "No - fascia spared", "yes (linear)".
#: A field's answer, then the level it is given for: "+/- at L1", "no @ T12".
_ANSWER_AT_A_LEVEL = re.compile(
    rf"(?P<answer>[^\s:]+(?:\s[^\s:]+)?)\s+(?:at|@)\s+(?P<level>{_LEVEL.pattern})\s*\.?", re.I
)
_ANSWER_THEN_DETAIL = re.compile(r"(?P<answer>[^-–—(]+?)\s*(?:\s[-–—]|\()\s*(?P<detail>.+)")
#: An HL7 v2 OBX segment: set id, value type, observation (OBX-3), sub-id, value (OBX-5).
_RESULT_SEGMENT = re.compile(r"^\s*OBX\|[^|]*\|[^|]*\|(?P<name>[^|]*)\|[^|]*\|(?P<value>[^|~]*)")
#: A number that may be a Goutallier grade: 0-4 standing alone, not a level's ("L4/5"), a
#: scale's end ("of 4", "/4", "(0-4)"), a measure ("2 cm", "3 mm") or a decimal.
_LOOSE_GRADE = re.compile(
    r"(?<![\w./,-])[0-4](?![\w/%.,]\d|[\w/%-]|\s*(?:mm|cm|ml|cc|%|percent|"
    r"years?|yrs?|weeks?|wks?|months?|days?|levels?|segments?|sequences?|x\b|times)\b)",
    re.I,
)
#: Words before a number that make it a scale's end or a grade of before, not a grade now:
#: "3 of 4", "progressed from 3", "previously 2".
_EARLIER_GRADE = re.compile(
    r"\b(?:of|from|was|previously|formerly|prior|before|earlier|initially)\s+(?:grade\s+)?$",
    re.I,
)
#: A grade given against another: "one grade higher", "a grade worse".
_RELATIVE_GRADE = re.compile(
    r"\b(?:one|two|a|1|2)\s+grades?\s+(?:higher|lower|worse|better|more|less|above|below)\b",
    re.I,
)
#: Words setting a place apart from what the sentence says: "other than at L4-L5".
_EXCEPTION = re.compile(
    r"\b(?:other\s+than|except(?:\s+for)?|apart\s+from|aside\s+from|save\s+for|excluding|"
    r"with\s+the\s+exception\s+of)(?:\s+(?:at|in))?(?:\s+the)?\s+",
    re.I,
)
#: How far into a field's value its finding's name may come back for the value to be a
#: sentence of its own about it: "the previously described cleft".
_WORDS_BEFORE_ITS_NAME = 5
#: Two findings said not to have changed: "Neither the cleft nor the oedema has changed".
_NEITHER_CHANGED = re.compile(
    r"\bneither\s+(?P<first>[^.;:]+?)\s+nor\s+(?P<second>[^.;:]+?)\s+(?:has|have)\s+"
    r"(?:changed|altered|progressed)\b",
    re.I,
)
#: The labels of a field naming the level the fields after it are about.
_LEVEL_LABELS = frozenset(
    {"level", "level treated", "treated level", "index level", "target level"}
)
#: An answer given for one study or sequence of several: "absent on CT, present on MRI",
#: "absent on STIR, present on T2 FS".
_ON_A_STUDY = re.compile(
    r"\b(?:on|at)\s+(?:the\s+)?(?:ct|mri?|radiographs?|stir|t1|t2)"
    r"(?:\s*(?:fs|fat[- ]?sat(?:urated)?|w|weighted))?\b",
    re.I,
)
#: A place opening a sentence: "At T12 there is ...", "In the L2 vertebral body, ...".
_PLACE_OPENING = re.compile(
    rf"\s*(?:at|in)\s+(?:the\s+)?(?:level\s+of\s+)?(?P<place>{_LEVEL.pattern})(?!\s*(?:and|or)\b)",
    re.I,
)
#: The second grade of a range, right after the first: "3-4", "2 – 3" (not "3-4 mm").
_RANGE_CLOSING = re.compile(
    r"\s?[-–]\s?[0-4](?![\w/%-]|[.,]\d|\s*(?:mm|cm|%|percent|levels?|segments?)\b)", re.I
)
#: Two grades joined by a dash, no pattern's grade: "Goutallier 3 on the left and 3-4 on the
#: right" gives a range for one side.
_LOOSE_RANGE = re.compile(rf"(?<![\w./,-])[0-4]{_RANGE_CLOSING.pattern}", re.I)
#: A comparison of fat with muscle, with or without the fat named ("more than muscle").
_FAT_MUSCLE_COMPARISON = re.compile(
    r"\b(?:(?:more|less|greater|fewer)\s+than|equal(?:s|\s+to)?|exceed(?:s|ing)?)\s+(?:the\s+)?"
    r"muscle\b",
    re.I,
)
#: Words that set a grade of before beside the grade now ("grade 3, previously grade 1").
_THEN_AND_NOW = re.compile(
    r"\b(?:previously|formerly|earlier|initially|prior|before|progressed|increased|from|was|now)\b",
    re.I,
)
#: Characters a template's picklist is wrapped in ("***", "{}", "<>", "__").
_PICKLIST_MARKUP = " *{}<>_#"
#: A word for the fat or the muscles, and the space after it.
_FAT_OR_MUSCLE = (
    r"(?:(?:fatty|fat|atrophy|atrophic|infiltration|replacement|change|changes|degeneration|"
    r"muscle|muscles|paraspinal|paraspinous|multifidus)\s+)"
)
#: A clause, or a field's value, opening with a place given by its vertebrae: "At L3/4",
#: "Paraspinal muscles: at L3-4".
_PLACED_AT = re.compile(
    # "at L5/S1, ...", "fatty atrophy at L5/S1, Goutallier grade 3": the words for the fat
    # or the muscles may come first, and then the level needs no "at" ("Paraspinal muscles
    # L3/4: Goutallier grade 2", a table's row).
    rf"(?:^|:)\W*(?:{_FAT_OR_MUSCLE}{{0,3}}(?:at|of)\s+(?:the\s+)?|{_FAT_OR_MUSCLE}{{1,3}})"
    rf"{_LEVEL.pattern}",
    re.I,
)
#: "or" right after or right before a mention: two readings offered.
_OR_AFTER = re.compile(r"\s+or\s+(?!not\b|absent\b|none\b|no\b)(?:(?:an?|the)\s+)?", re.I)
#: A hedge between a scale's name and its grade: "Goutallier likely 3", "grade probably II", "grade
#: ~3"; not an estimate in words ("about", "approximately"): the labelling rules read "about
#: equal" as firm.
_HEDGE_BEFORE_GRADE = re.compile(
    r"\b(?:likely|probably|possibly|perhaps|presumably|maybe|questionabl[ey]|borderline|could|may"
    r"|might)\b|[?~]",
    re.I,
)
#: "or" offering a small one after a denial: "no cleft, or only a tiny one", "no cleft at L1,
#: or at most a small one".
_OR_A_SMALL_ONE = re.compile(
    r",?\s*or\s+(?:only\s+|at\s+most\s+|perhaps\s+|possibly\s+|maybe\s+)?(?:an?\s+)?"
    r"(?:small|tiny|minimal|minute|subtle|slight|trace|little|minor)\b",
    re.I,
)
_OR_BEFORE = re.compile(r"\bor\s+(?P<article>(?:an?|the)\s+)?$", re.I)
#: A capitalised word right before a position: a scale's name before its grade.
_NAME_BEFORE = re.compile(r"\b(?P<name>[A-Z][^\W\d_]+)\s+$")
#: Keys of the rules document whose text is prose, not phrases.
_NOT_PHRASES = frozenset({"description", "licence", "source", "left_out"})
#: A side named in a sentence: its grade is one side's.
_SIDE = re.compile(
    r"\b(?:left|right|lt|rt|bilateral(?:ly)?|both sides)\b|\(\s*[rl]\s*\)"
    # "R: 3", "L 2"; not a lumbar level ("L4", "L 4/5").
    r"|\b[rl](?:\s*[:=]\s*|\s+)\d(?!\s*[/-]\s*[lst]?\d)"
    # "3 R / 4 L": the side's letter after its grade.
    r"|(?<=\d)\s*[rl]\b(?![\w/])",
    re.I,
)
#: A level labelling what comes right after it: a grade ("L5/S1: 4", "L4-5 = 2"), brackets
#: ("L4 (with a cleft)").
_LEVEL_LABELLING = re.compile(rf"{_LEVEL.pattern}\s*[:=]?\s*$", re.I)
_LEVEL_JUST_BEFORE = re.compile(r"(?:(?:(?:at|for|of)\s+(?:the\s+)?)?\S+\s*[,:]?\s*)?$", re.I)
_LEVEL_AFTER_DESCRIPTION = re.compile(
    rf"\s*(?:[\w-]+\s+){{1,3}}?(?:(?:at|of)\s+(?:the\s+)?(?:level\s+)?|\()"
    rf"{_LEVEL.pattern}",
    re.I,
)
_LEVEL_RIGHT_AFTER = re.compile(
    rf"\s*\)?"
    # "grade III on the left at L5-S1": the side between the grade and its level.
    rf"(?:\s*(?:on\s+the\s+)?(?:left|right)(?:\s+side)?|\s+bilaterally)?"
    rf"\s*[,(]?\s*(?:(?:at|for|in|of)\s+)?(?:the\s+)?(?:level\s+)?{_LEVEL.pattern}",
    re.I,
)
#: A place and nothing more, to the end of its clause ("... but at L4.").
_ONLY_A_PLACE = re.compile(
    rf"\s*(?:(?:at|in|on)\s+)?(?:the\s+)?(?:level\s+)?{_LEVEL.pattern}\s*(?:[.;,)]|$)", re.I
)
#: What ends a finding's stretch of its clause: "Cement spongy (L1) and blocky (T12)".
# "and" before a level joins levels ("at T12 and L1"), it does not end a stretch.
# A full stop inside the text the pipeline reads joins ticked options ("Fascial oedema.
# Vacuum cleft."): it ends a stretch too.
_SEPARATOR = re.compile(
    r",|\.(?=\s)|\b(?:with|while|whereas|but)\b|\band\b(?!\s+(?:(?:at|in|of)\s+)?(?:th|t|d|l)\d)",
    re.I,
)
_DENIAL_WORD = re.compile(
    r"\b(?:no|not|none|nil|absent|without|negative|neither|nor|never|free\s+of|lack\w*|"
    r"excluded|ruled\s+out|unremarkable|normal)\b|n't\b",
    re.I,
)
_DENIED = re.compile(r"\b(?:no|not|without|nor|free\s+of)\s+(?:[\w/-]+\s+){0,6}$", re.I)
#: "with" just before a mention's stretch (what it ends with is where the stretch begins).
_WITH_BEFORE = re.compile(r"\bwith\s*$", re.I)
_READ_VALUES = {"present": True, "absent": False}
#: A place named as one a finding does not reach: "oedema at T11-T12 without extension to L1".
_NOT_REACHING = r"without\s+(?:extension|involvement)"
_DENIED_LEVEL = re.compile(
    rf"\b(?:not|rather\s+than|instead\s+of|other\s+than|except|sparing|unlike|as\s+opposed\s+to|"
    rf"in\s+contrast\s+(?:to|with)|{_NOT_REACHING})\s+"
    r"(?:(?:at|in|of|to|into)\s+)?(?:the\s+)?$",
    re.I,
)


#: A form's instruction to pick among its options ("(circle one)", "(delete as appropriate)").
_PICK_ONE = re.compile(
    r"\(\s*(?:please\s+)?(?:circle|select|choose|tick|check|pick|underline|delete|strike)"
    r"\b[^)]*\)",
    re.I,
)
#: A verb and "not" written as one ("isn't", "wasn’t", "can't"): spaCy's tokens for them are
#: "is" and "n't", which the rules' denials ("is not seen") do not name.
_CONTRACTED_NOT = re.compile(
    r"\b(is|are|was|were|does|do|did|has|have|had|could|would|should|need|ca|wo)n[’']t\b", re.I
)
_FULL_FORMS = {"ca": "can", "wo": "will"}
#: The verbs of :data:`_NOTHING_TO_SUGGEST`, which it cannot match without.
_SUGGESTING = ("suggest", "indicate")
#: A denial of anything that would suggest a finding ("no features to suggest a cleft",
#: "nothing to indicate fascial oedema"): a plain denial, not a hedge; not when what would
#: be suggested is itself a denial ("no evidence to suggest the absence of a cleft").
_NOTHING_TO_SUGGEST = re.compile(
    r"\b(?:(?:no|without)\s+(?:[\w-]+\s+){0,2}?(?:features?|evidence|signs?|findings?|"
    r"appearances?|change|changes|abnormality|abnormalities)|nothing)\s+to\s+"
    rf"(?:{'|'.join(_SUGGESTING)})"
    r"\s+(?!(?:the\s+|an?\s+)?(?:absence|lack|no)\b)",
    re.I,
)


def _not_spelt_out(match: re.Match[str]) -> str:
    verb = match[1]
    return f"{_FULL_FORMS.get(verb.lower(), verb)} not"


#: A slash between spaces after an item's answer ends the item ("Cleft absent / TLF oedema
#: present"), unless another answer follows: "yes / no" offers a choice.
_ANSWER_SLASH = re.compile(
    r"\b(?P<answer>(?i:present|absent|seen|yes|no|positive|negative)|Y|N)\s+/"
    r"(?=\s+(?!(?i:yes|no|y|n|present|absent)\b)[^\W\d_])"
)
#: "yes" or "no" closing an item of a list after a noun, as that item's answer; so do a
#: capital "Y" or "N" ("IVC Y; TLF N"), which left there let the noun alone read as stated.
#: The space it needs is looked for first: the words behind cost a look at every character.
_INLINE_ANSWER = re.compile(
    r"(?=\s)(?<=[^\W\d_]{3})(?<!\bare)(?<!\bwas)(?<!\bwere)(?<!\bthere)(?<!\band)(?<!\bwith)"
    r"\s+(?P<answer>(?i:yes|no)|Y|N)(?=\s*(?:[,;]|\.?\s*$))",
)
_AND = re.compile(r"\s*and\s+", re.I)
_ARTICLE = re.compile(r"\s*(?:(?:an?|the)\s+)?")
_LEVEL_CLOSING = re.compile(
    rf"\s*(?:at|in|of)\s+(?:the\s+)?{_LEVEL.pattern}(?:\s+level)?\s*[.;:]?\s*", re.I
)
#: A relative clause between commas after a sentence's subject, before a predicate denying it.
_ASIDE_BEFORE_A_DENIAL = re.compile(
    r",\s*(?:which|that|who)\b[^,;.()]*,\s*"
    r"(?=(?:is|are|was|were|has|have|had)\s+(?:not|no|never|absent)\b)",
    re.I,
)
#: A reader's own confidence in what it found, given low ("Confidence: low", "(confidence:
#: moderate)"): a software draft's hedge.
_LOW_CONFIDENCE = re.compile(
    r"\bconfidence(?:\s+level)?\s*(?:[:=-]|\bis\b)?\s*"
    r"(?:low|limited|poor|uncertain|indeterminate|moderate|medium|intermediate)\b",
    re.I,
)
#: What keeps a sentence saying "It is unchanged" from carrying the one before on: "It is
#: not unchanged", "It is possibly unchanged", "If it is unchanged".
_NOT_CARRIED_ON = frozenset({"negation", "uncertainty", "hypothetical", "historical"})
#: A sentence offering another reading of what the one before names: "On review, this more
#: likely represents a fracture line", "These may be artefact". (A cause it "likely reflects"
#: leaves the finding as stated.)
_ANOTHER_READING = re.compile(
    r"^\W*(?:(?:on|at)\s+(?:review|reflection|re-?review)|in\s+retrospect|however|but)?\W*"
    r"(?:(?:this|these|the)\s+(?:finding|findings|appearance|appearances|abnormality|focus)"
    r"|this|these|it|they)"
    r"\s+(?:(?:is|are)\s+)?(?:(?:more|most)\s+)?(?:likely|probably|possibly|may|might|could)"
    r"\s+(?:(?:be|is|are|an?)\b|represents?\b)",
    re.I,
)
#: A sentence opening on "it" ("It is compact", "At L3 it is likewise solid", "It forms a
#: compact mass"): about what the sentence before named.
_IT_OPENS = re.compile(
    rf"(?:(?:at|in)\s+{_LEVEL.pattern}\s*,?\s*)?it\s+(?:is|was|appears|looks|remains|has|shows"
    r"|forms|formed|consists|interdigitates|interdigitated|permeates|permeated|spreads|spread)\b",
    re.I,
)
#: An item of a list of grades by segment or side without the eponym: "L4/5 grade 2", the
#: level after the grade, "grade 2 at L4/5", or a side, "grade 2 on the right (at L4/5)".
_ELLIPTIC_ITEM = (
    rf"(?:(?:at\s+)?{_LEVEL.pattern}\s*[:,]?\s*(?:grade|gr)\s*(?:[0-4]|i{{1,3}}|iv)"
    rf"|(?:grade|gr)\s*(?:[0-4]|i{{1,3}}|iv)\s+at\s+{_LEVEL.pattern}"
    rf"|(?:grade|gr)\s*(?:[0-4]|i{{1,3}}|iv)\s+(?:on|in)\s+the\s+(?:left|right)(?:\s+side)?"
    rf"(?:\s+at\s+{_LEVEL.pattern})?"
    rf"|(?:left|right)(?:\s+side)?\s*[:,]?\s*(?:(?:grade|gr)\s*)?(?:[0-4]|i{{1,3}}|iv)\b)"
)
#: A semicolon or "but" opening the items that close a sentence ("Goutallier 3 at the L1
#: level; grade 2 at L4/5", "Goutallier: L3/4 grade 2; L4/5 grade 3; L5/S1 grade 3",
#: "Goutallier 0 on the right but grade 2 on the left").
_ELLIPTIC_GRADE = re.compile(
    rf"(?:;|\s+but)(?=\s*{_ELLIPTIC_ITEM}(?:\s*;\s*{_ELLIPTIC_ITEM})*\W*$)", re.I
)
#: Two vertebrae a finding lies between: "between the T11 and L2 levels".
_BETWEEN_LEVELS = re.compile(
    r"\bbetween\s+(?:the\s+)?(?P<first>(?:th|t|d|l)\d{1,2})\s+and\s+(?:the\s+)?"
    r"(?P<last>(?:th|t|d|l|s)\d{1,2})(?!\s*/)(?:\s+(?:levels|vertebrae))?\b",
    re.I,
)
#: An item of a list of grades by level, the level a label of its grade or its range: "L4/5:
#: 3", "L4/5: 2-3" (not a score, "L4/5: 30%", "L4/5: 12").
_GRADE_BY_LEVEL = re.compile(
    rf"(?P<level>{_LEVEL.pattern})\s*:\s*(?P<grade>[0-4](?:\s*[-–/]\s*[0-4])?)(?![\w.,%-]?\d)",
    re.I,
)
#: A level labelling a number of any kind, grade or not: "L4/5: 3", "L4/5: 30%".
_LEVEL_LABELLING_A_NUMBER = re.compile(rf"{_LEVEL.pattern}\s*:\s*\d", re.I)
_GRADE_OPENING = re.compile(r"\s*[:=]?\s*(?:goutallier\s+)?(?:grade|gr|g)?\s*", re.I)
_FAT = re.compile(r"\bfat(?:ty)?\b", re.I)
_GRADE_WORD = re.compile(r"\b(?:grade|gr|gt|score|stage|grading)\b", re.I)
_NOT_ENGLISH_LETTERS = re.compile(r"\w*[^\W\d_a-zA-Z]\w*")
_LONG_WORD = re.compile(r"(?<![\w-])[^\W\d_]{5,}(?![\w-])")
_ELLIPTIC_DENIAL = re.compile(
    rf"\b(?:none|not|no|neither|sparing|spares|spared|except|{_NOT_REACHING})"
    rf"\s+(?:(?:at|in|of|to|into)\s+)?(?:the\s+)?{_LEVEL.pattern}",
    re.I,
)


#: An exception to a denial: "except at L1", "except for L1".
_EXCEPT_AT = re.compile(rf"\bexcept\s+(?:(?:for|at|in)\s+)?(?:the\s+)?{_LEVEL.pattern}", re.I)


def _excepted_from_denial(text: str, treated: frozenset[VertebralLevel], ent: Any) -> bool:
    """Whether a denial makes the treated level its exception, after the mention and before a
    semicolon ("no cleft is identified except at L1")."""
    end = _semicolon_after(text, ent.end_char)
    return any(
        levels_in(match[0]) & treated for match in _EXCEPT_AT.finditer(text, ent.end_char, end)
    )


def _semicolon_after(text: str, at: int) -> int:
    """Where the first semicolon after ``at`` stands, or the text's end."""
    semicolon = text.find(";", at)
    return semicolon if semicolon >= 0 else len(text)


#: An exception made of the subject before a mention: "all but L1 contain a cleft".
_ALL_BUT = re.compile(rf"\ball\s+(?:but|except)\s+(?:for\s+)?(?:the\s+)?{_LEVEL.pattern}", re.I)


def _denied_at(text: str, treated: frozenset[VertebralLevel], mention: int) -> bool:
    """Whether the text denies, by ellipsis, what it said of other levels for the treated one:
    "a cleft in T12 but not in L1", "clefts at T12 and L2; none at L1". An ellipsis reaches
    back to what was said before it: a denial in a part of the sentence before the mention's
    ("cleft at T12, none at L1; fascial oedema at T12") is not the mention's."""
    return bool(treated) and any(
        levels_in(match[0]) & treated
        and (match.start() >= mention or ";" not in text[match.end() : mention])
        for match in _ELLIPTIC_DENIAL.finditer(text)
    )


def _denied_only_elsewhere(
    mentions: _Mentions, ent: Any, treated: frozenset[VertebralLevel]
) -> bool:
    """Whether the only denials in a mention's sentence are of other levels, after it ("cleft
    at T12, none at L1" read at T12): what they deny is not the treated level's finding."""
    text = mentions.text
    if not treated:
        return False
    elsewhere = [
        match
        for match in _ELLIPTIC_DENIAL.finditer(text, ent.end_char)
        if not levels_in(match[0]) & treated
    ]
    return bool(elsewhere) and all(
        any(match.start() == denial.start() for match in elsewhere)
        for denial in _DENIAL_WORD.finditer(text)
    )


def _level_opening_brackets(text: str, at: int) -> frozenset[VertebralLevel]:
    """The level right before the brackets that enclose ``at`` ("L4 (with a cleft)"); none
    if ``at`` is in no brackets or no level opens them."""
    opening = text.rfind("(", 0, at)
    if opening < 0 or ")" in text[opening:at]:
        return frozenset()
    level = _LEVEL_LABELLING.search(text, 0, opening)
    return _levels_of(level) if level else frozenset()


def _what_it_is_with(text: str, start: int) -> tuple[int, int] | None:
    """For a stretch opened by "with" ("chronic T12 fracture with a cleft"), the span of the
    words it is with, back to the separator before them; None for any other stretch."""
    with_word = _WITH_BEFORE.search(text, 0, start)
    if with_word is None:
        return None
    left = max((m.end() for m in _SEPARATOR.finditer(text, 0, with_word.start())), default=0)
    return left, with_word.start()


def _level_of_what_it_is_with(text: str, start: int) -> frozenset[VertebralLevel]:
    """For a mention opened by "with", the last level named in the words it is with: the
    cleft is that fracture's, whatever else the sentence names ("acute L1 fracture and
    chronic T12 fracture with a cleft")."""
    span = _what_it_is_with(text, start)
    levels = list(_LEVEL.finditer(text, *span)) if span else []
    return _levels_of(levels[-1]) if levels else frozenset()


def _excepted(text: str, treated: frozenset[VertebralLevel], ent: Any) -> bool:
    """Whether the sentence, after the mention and before a semicolon, makes the treated level
    an exception ("fascial oedema, sparing L1", "clefts at every level except L1"); not an
    exception made before it ("normal marrow except at L1, where there is a cleft"), unless
    it is the subject's ("all but L1 contain a cleft")."""
    end = _semicolon_after(text, ent.end_char)
    # "all but L1 contain a cleft": the exception is the subject's, before the mention.
    start = text.rfind(";", 0, ent.start_char) + 1
    return bool(treated) and any(
        levels_in(match[0]) & treated
        for match in (
            *_ELLIPTIC_DENIAL.finditer(text, ent.end_char, end),
            *_ALL_BUT.finditer(text, start, ent.start_char),
        )
    )


def _inline_answer(match: re.Match[str]) -> str:
    return " present" if match["answer"].lower() in {"yes", "y"} else " absent"


def _doubted(statement: Statement) -> Statement:
    if statement.value is None:
        return statement
    return Statement(statement.finding, None, statement.quote, NoValueKind.REPORT_UNCERTAIN)


def _months_named(label: str) -> set[tuple[int, int]]:
    """Every (year, month) a label's date may mean: both readings of "02/06/2024"; none for a
    year alone."""
    months = set()
    for first, second, year in _NUMBERED_DATE.findall(label):
        readings = (first, second) if first else (second,)
        months |= {(int(year), int(m)) for m in readings if 1 <= int(m) <= 12}
    for name, year in _NAMED_MONTH_DATE.findall(label):
        if name.lower() in MONTHS:
            months.add((int(year), MONTHS[name.lower()]))
    return months


def _blank_for_a_reason(value: str) -> bool:
    """Whether a template value is a blank with its reason after it: "not applicable (CT)",
    "N/A - pacemaker, MRI contraindicated"."""
    blank = _REASON_FOLLOWS.split(value.strip(" ."), maxsplit=1)[0]
    return blank != value.strip(" .") and bool(_BLANK.match(blank))


def _signed(sign: re.Match[str]) -> str:
    if sign["minus"] and _ends_prose_line(sign):
        return sign[0]
    word = _SIGNED[sign["sign"] or sign["minus"]]
    return f"{word};" if sign["comma"] else word


def _ends_prose_line(sign: re.Match[str]) -> bool:
    """Whether a dash ends a line of prose, which goes on past it ("... in the anterior half of
    the Th12 body -" and "Kummell's disease." on the next line): a checklist item a sign
    answers is a few words ("IVC -", "Fascial oedema -")."""
    line = sign.string
    return not line[sign.end() :].strip(" .") and len(line[: sign.start()].split()) > (
        SIGNED_ITEM_WORDS
    )


def _finding_of(label: str) -> tuple[FindingName, bool | None]:
    """The finding an entity label names, and the value the words give it if they do."""
    name, _, reads = label.partition(READS)
    return LABEL_FINDINGS[name], _READ_VALUES.get(reads)


def _names_undenied(
    words: re.Pattern[str],
    text: str,
    start: int,
    end: int,
    inside: Iterable[tuple[int, int]] = (),
) -> bool:
    """Whether one of the words stands between start and end, not denied as an item of a
    list ("no paraspinal collection or fascial oedema" names no collection) and not within
    one of the ``inside`` spans."""
    spans = list(inside)
    return any(
        not _denied(text[start : match.start()], match.start() - start)
        and not any(left <= match.start() < right for left, right in spans)
        for match in words.finditer(text, start, end)
    )


def _denied(text: str, at: int) -> bool:
    """Whether the words at ``at`` are denied ("no cement leakage", "without leak")."""
    return bool(_DENIED.search(text[:at]))


def _covers(levels: frozenset[VertebralLevel], segment: frozenset[VertebralLevel]) -> bool:
    """Whether levels named for a grade are the graded segment: all of it ("L4/5", "L3-L5")
    or one of its vertebrae alone ("L4")."""
    return segment <= levels or (len(levels) == 1 and levels <= segment)


class _Mentions:
    """The findings one sentence's Doc names and the vertebral levels it names, with where."""

    def __init__(self, doc: Any, refer_back: frozenset[str] = frozenset()) -> None:
        self.doc = doc
        self.text = text_of(doc)
        self._refer_back = refer_back
        self.findings = [
            ent for ent in ents_of(doc) if ent.label_.partition(READS)[0] in LABEL_FINDINGS
        ]
        #: Each clause as (first token, token after it, first character, character after it),
        #: found once: ``span.sent`` walks the tokens again at every call.
        self._clauses: list[tuple[int, int, int, int]] | None = None
        self._stretches: dict[tuple[int, int], tuple[int, int]] = {}

    # The levels are found when first asked for: most sentences name no finding, and so ask
    # for none.
    @functools.cached_property
    def _levels(self) -> list[tuple[int, int, frozenset[VertebralLevel]]]:
        # "at T12 rather than L1": a level named to be denied is not the mention's.
        return [
            (match.start(), match.end(), _levels_of(match))
            for match in _LEVEL.finditer(self.text)
            if not _DENIED_LEVEL.search(self.text, 0, match.start())
        ]

    @functools.cached_property
    def _disc_levels(self) -> list[tuple[int, int]]:
        """Where two neighbouring vertebrae are written as one ("T12/L1", "L1-2"): the disc
        between them, or both; never one vertebral body."""
        return [
            (start, end)
            for start, end, levels in self._levels
            if len(levels) == 2 and _neighbours(levels) and "to" not in self.text[start:end]
        ]

    def clause_chars(self, ent: Any) -> tuple[int, int]:
        """The character span of the entity's clause."""
        if self._clauses is None:
            self._clauses = [(c.start, c.end, c.start_char, c.end_char) for c in self.doc.sents]
        return next(
            (left, right) for start, end, left, right in self._clauses if start <= ent.start < end
        )

    def stretch(self, ent: Any) -> tuple[int, int]:
        """The character span of the entity's part of its clause, between separators."""
        key = (ent.start, ent.end)
        if key not in self._stretches:
            text = self.text
            clause_start, clause_end = self.clause_chars(ent)
            left = clause_start
            for match in _SEPARATOR.finditer(text, clause_start, ent.start_char):
                left = match.end()
            right = _SEPARATOR.search(text, ent.end_char, clause_end)
            self._stretches[key] = (left, right.start() if right else clause_end)
        return self._stretches[key]

    def levels_around(self, ent: Any) -> Iterator[frozenset[VertebralLevel]]:
        """The levels of the entity's stretch; of its clause; of its part of the sentence (a
        word of contrast, ";", "but", "although", begins and ends a part: "the cement is
        compact at L5; at L4 it is trabecular and interdigitating"); of its sentence up to the
        end of its part (what follows is about something else); the last three without those
        the stretch of a mention of another finding or of a lookalike names ("no marrow oedema
        at T12, but the fascia ...")."""
        yield self.levels_between(*self.stretch(ent))
        free = self._free_levels(ent)
        clause_start, clause_end = self.clause_chars(ent)
        yield frozenset().union(
            *(levels for start, end, levels in free if clause_start <= start and end <= clause_end)
        )
        contrast = [
            start
            for start in self.doc.user_data.get(CONTRAST_STARTS, ())
            if not self._only_a_place(start)
        ]
        part_start = max(
            (self.doc[start].idx for start in contrast if start <= ent.start), default=0
        )
        part_end = min(
            (self.doc[start].idx for start in contrast if start > ent.start),
            default=len(self.text),
        )
        end_of_part = min(part_end, self._own_subject_from(ent))
        yield frozenset().union(
            *(levels for start, end, levels in free if part_start <= start and end <= end_of_part)
        )
        yield frozenset().union(*(levels for _, end, levels in free if end <= end_of_part))

    def _only_a_place(self, contrast: int) -> bool:
        """Whether a word of contrast sets only another place against the one before ("fascial
        oedema, not at L1 but at L4"): what follows is where the finding is, not something
        else."""
        word = self.doc[contrast]
        return bool(_ONLY_A_PLACE.match(self.text, word.idx + len(word)))

    def _own_subject_from(self, ent: Any) -> int:
        """Where the first clause after the entity's that has a subject of its own begins
        ("there is no fascial oedema, and the paraspinal muscles are normal at L4/5"): not one
        going on with the subject before it, nor one referring back to it ("and it extends
        to T11"), nor one setting only another place against it ("but at L4")."""
        shared = self.doc.user_data.get(SHARED_SUBJECT, ())
        contrast = self.doc.user_data.get(CONTRAST_STARTS, ())
        self.clause_chars(ent)
        for start, end, start_char, _ in self._clauses or ():
            if start <= ent.start or start in shared:
                continue
            words = (self.doc[i] for i in range(start, end))
            first = next((t for t in words if not t.is_punct and t.lower_ not in JOINING), None)
            if (
                first is not None
                and first.lower_ not in self._refer_back
                and not (start in contrast and self._only_a_place(start))
            ):
                return start_char
        return len(self.text)

    def _free_levels(self, ent: Any) -> list[tuple[int, int, frozenset[VertebralLevel]]]:
        """The levels named outside the stretches of mentions of other findings and of
        lookalikes ("no cleft, muscles at L4/5 normal (Goutallier 0)": L4/5 is the
        muscles')."""
        finding = _finding_of(ent.label_)[0]
        others = [
            self.stretch(other)
            for other in ents_of(self.doc)
            if other.label_ == LOOKALIKE or _finding_of(other.label_)[0] is not finding
        ]
        text = self.text
        # A level heading the sentence as its label ("T12: cleft yes, oedema no") is every
        # item's.
        return [
            (start, end, levels)
            for start, end, levels in self._levels
            if not any(left <= start and end <= right for left, right in others)
            or (not text[:start].strip() and text[end:].lstrip().startswith(":"))
        ]

    def levels_closing_a_list(self, ent: Any) -> frozenset[VertebralLevel]:
        """The level closing a list of two mentions the entity opens ("fascial oedema and a
        fluid cleft at L2"): the level of both; none if the next item is no mention, or its
        level is not the last words of the clause."""
        text = self.text
        right = self.stretch(ent)[1]
        joined = _AND.match(text, right)
        after = next((e for e in self.findings if e.start_char >= right), None)
        if (
            joined is None
            or after is None
            or not _ARTICLE.fullmatch(text, joined.end(), after.start_char)
        ):
            return frozenset()
        end = self.stretch(after)[1]
        if end != self.clause_chars(after)[1] or not _LEVEL_CLOSING.fullmatch(
            text, after.end_char, end
        ):
            return frozenset()
        return self.levels_between(after.end_char, end)

    def levels_near(self, ent: Any) -> frozenset[VertebralLevel] | None:
        """The levels of the entity's stretch, else of its clause; None if neither names
        one."""
        return (
            self.levels_between(*self.stretch(ent))
            or self.levels_between(*self.clause_chars(ent))
            or None
        )

    def at_a_disc_level(self, ent: Any) -> bool:
        """Whether the levels named nearest to the entity (its stretch, else its clause, less
        those of other findings' stretches) are all written as a disc level ("vacuum cleft at
        T12/L1")."""
        stretch, clause = self.stretch(ent), self.clause_chars(ent)
        for (left, right), levels in ((stretch, self._levels), (clause, self._free_levels(ent))):
            named = [(s, e) for s, e, _ in levels if left <= s and e <= right]
            if named:
                return all(level in self._disc_levels for level in named)
        return False

    def levels_between(self, left: int, right: int) -> frozenset[VertebralLevel]:
        return frozenset().union(
            *(levels for start, end, levels in self._levels if left <= start and end <= right)
        )


def _neighbours(levels: frozenset[VertebralLevel]) -> bool:
    first, second = sorted(_ORDER[level] for level in levels)
    return second == first + 1


def _may_hold(text: str, words: tuple[str, ...] | None) -> bool:
    """Whether a text may hold one of the words (ASCII, in lower case) in any case: a pattern
    ignoring case that needs one of them is tried only then, most sentences holding none.
    Beyond ASCII a letter matches others than its lower case (the Kelvin sign a "k"): such a
    text, or words (None) that are not all ASCII, may hold one."""
    if words is None or not text.isascii():
        return True
    lowered = text.lower()
    return any(word in lowered for word in words)


def _looked_for(words: Iterable[str]) -> tuple[str, ...] | None:
    """The words (in lower case) for :func:`_may_hold`; None where one is beyond ASCII."""
    lowered = tuple(word.lower() for word in words)
    return lowered if all(word.isascii() for word in lowered) else None


def _place_opening(ent: Any) -> frozenset[VertebralLevel]:
    """The levels a sentence opens with as a place ("At T12 there is ...", "In the L2 body,
    ..."), before any finding and with no contrast between them and the mention; else none."""
    doc = ent.doc
    opening = _PLACE_OPENING.match(text_of(doc))
    if opening is None or any(e.start_char < opening.end() for e in doc.ents):
        return frozenset()
    if any(start <= ent.start for start in doc.user_data.get(CONTRAST_STARTS, ())):
        return frozenset()
    return levels_in(opening["place"])


def _field(line: str) -> re.Match[str] | None:
    """A line as a ``label: value`` field, if it is one. A line without a sign a separator is
    made of is none: most sentences, where the search for a label's end at every character
    is costly."""
    if not (":" in line or "|" in line or "=" in line or "-" in line or "–" in line or "—" in line):
        return None
    return _FIELD.match(line)


def _column_headings(line: str) -> bool:
    """Whether a line is a table's header row ("Level | Cleft | Fascial oedema")."""
    line = line.strip()
    if not _CELL_SIGN.search(line):
        # One cell: most lines, which a split would try at every character.
        return False
    first, *others = _CELL_SEPARATOR.split(line)
    return (
        bool(others)
        and bool(_COLUMN_WORD.fullmatch(first))
        and not any(
            _VALUE_SIGN.search(cell) and not _SEQUENCE_COLUMN.fullmatch(cell) for cell in others
        )
    )


def _header_cells(line: str) -> list[str]:
    """The column names of a table's header row on a line of its own ("| Level | Cleft |
    Fascial oedema |"); none for any other line."""
    line = line.strip().strip("|").strip()
    if ";" in line or not _column_headings(line):
        return []
    return _CELL_SEPARATOR.split(line)


def _row_under(header_row: str, columns: list[str], line: str) -> str | None:
    """A table's row under its header row, no cell of it labelled, as what its cells answer:
    a level's row ("| L4 | Yes | No |" under "| Level | Acute | Cleft |") as the level's cells
    labelled with their columns' names ("L4 | Acute: Yes | Cleft: No"); an item's row as its
    boxes ticked, the column its mark stands in, or its answer now. None for a row that does
    not fit the header, or that is a label and its value."""
    cells = _CELL_SEPARATOR.split(line.strip().strip("|").strip())
    aligned_by_spaces = not any(sign in header_row + line for sign in "|\t")
    if len(cells) != len(columns) and aligned_by_spaces:
        # "Pedicle fracture             X" under "Item       Y    N": a column left empty
        # leaves only spaces; each cell is the column's it stands under.
        cells = _cells_under(header_row, line, len(columns))
    if len(cells) != len(columns) or any(_LABEL_END.search(cell) for cell in cells):
        return None
    # A column of an earlier study ("Finding | Prior | Current") is history, not now; a cell
    # now "unchanged" answers as the earlier one did.
    pairs = list(zip(columns[1:], cells[1:], strict=True))
    earlier = [cell for name, cell in pairs if _EARLIER_COLUMN.match(name)]
    named = [
        (name, earlier[0] if len(earlier) == 1 and _UNCHANGED_CELL.fullmatch(cell) else cell)
        for name, cell in pairs
        if not _EARLIER_COLUMN.match(name)
    ]
    if _LEVEL.fullmatch(cells[0]):
        return " | ".join([cells[0], *(f"{name}: {cell}" for name, cell in named if cell)])
    marked = [name for name, cell in named if _MARK_CELL.fullmatch(cell)]
    if len(marked) == 1:
        # "Intravertebral cleft   X" under "Item   Y   N   Comment": the answer is the column
        # the mark stands in; a comment beside it is a sentence of its own.
        comments = [cell for _, cell in named if cell and not _MARK_CELL.fullmatch(cell)]
        return " ".join([f"{cells[0]}: {marked[0]}.", *(f"{cell}." for cell in comments)])
    if all(_BOX_CELL.fullmatch(cell) for cell in cells[1:]):
        # "Cleft | [x] | [ ]" under "Finding | Present | Absent": the boxes ticked beside
        # each answer, as a template's line ("Cleft: [x] Present [ ] Absent").
        return f"{cells[0]}: {' '.join(f'{cell} {name}' for name, cell in named)}"
    if earlier and len(named) == 1:
        # "Cleft | present | unchanged" under "Finding | Prior | Current": the answer now.
        return f"{cells[0]}: {named[0][1]}"
    # "Cleft | No" under "Parameter | Result": a label and its value, read as they are.
    return None


def _cells_under(header_row: str, line: str, count: int) -> list[str]:
    """A row's cells, each placed in the column of a header row whose name starts at or just
    before it; a column with nothing under it is an empty cell."""
    starts = [cell.start() for cell in _SPACED_CELL.finditer(header_row)]
    cells = [""] * count
    for cell in _SPACED_CELL.finditer(line):
        column = max((i for i, start in enumerate(starts) if start <= cell.start() + 1), default=0)
        if column < count:
            cells[column] = f"{cells[column]} {cell[0]}".strip()
    return cells


def _one_vertebra(heading: str) -> frozenset[VertebralLevel]:
    """The vertebra a heading names, if it names one: a disc's level ("L4/5:") or a range
    heads what is said of a region, not of one vertebral body."""
    levels = levels_in(heading)
    return levels if len(levels) == 1 else frozenset()


def _level_attached(text: str, at: int) -> frozenset[VertebralLevel]:
    """The levels a preposition right after a mention places it in ("cleft in L2", "oedema
    at T12-L2", "clefts at T12 and L1"), or none."""
    attached = _LEVEL_ATTACHED.match(text, at)
    return frozenset(_levels_in_order(text, at, attached.end())) if attached else frozenset()


def _levels_in_order(text: str, start: int, end: int) -> list[VertebralLevel]:
    """The levels named between ``start`` and ``end``, in the order written; a span's
    ("T12-L2") from the highest."""
    return [
        level
        for found in _LEVEL.finditer(text, start, end)
        for level in sorted(_levels_of(found), key=_ORDER.__getitem__)
    ]


def levels_in(text: str) -> frozenset[VertebralLevel]:
    """The vertebrae a text names: ``L1``, ``Th12``, ``D12``, ranges ``L4-5``/``L4/5``/
    ``L4-L5``/``T12-L2``/``L2 to L4``."""
    return frozenset().union(*(_levels_of(match) for match in _LEVEL.finditer(text)))


def _resolved_after(mentions: _Mentions, ent: Any) -> bool:
    """Whether the words after a mention, up to the next finding named in its clause, say it
    has gone."""
    later = [e.start_char for e in mentions.findings if e.start_char > ent.start_char]
    end = min((*later, ent.sent.end_char))
    return bool(_RESOLVED.search(text_of(ent.doc), ent.end_char, end))


def _levels_of(match: re.Match[str]) -> frozenset[VertebralLevel]:
    regions = {"th": "T", "t": "T", "d": "T", "l": "L", "s": "S"}
    first = _level(regions[match[1].lower()], match[2])
    if not match[4]:
        return frozenset({first} if first else ())
    last = _level(regions[(match[3] or match[1]).lower()], match[4])
    if first is None or last is None or _ORDER[last] < _ORDER[first]:
        return frozenset(level for level in (first, last) if level)
    return frozenset(_LEVELS[_ORDER[first] : _ORDER[last] + 1])


_LEVELS = tuple(VertebralLevel)
_ORDER = {level: index for index, level in enumerate(_LEVELS)}


def _level(region: str, number: str) -> VertebralLevel | None:
    # "T1" and "T2" are MRI sequences (T1-/T2-weighted) far more often than vertebrae.
    if region == "T" and int(number) <= 2:
        return None
    try:
        return VertebralLevel(f"{region}{number}")
    except ValueError:
        return None


def _per_finding(
    statements: list[Statement], muscles: Callable[[str], frozenset[int]]
) -> dict[FindingName, Statement]:
    """One statement per finding. Any uncertain mention makes the finding unknown; mentions
    that disagree (present and absent, blocky and spongy) make it unknown too; Goutallier
    grades take the worst."""
    result: dict[FindingName, Statement] = {}
    for finding in FindingName:
        mine = [s for s in statements if s.finding is finding]
        if not mine:
            continue
        unclear = [s for s in mine if s.value is None]
        if unclear:
            result[finding] = unclear[0]
            continue
        if finding is FindingName.GOUTALLIER_GRADE:
            result[finding] = _worst_or_disagreeing(mine, muscles)
            continue
        values = {s.value for s in mine}
        if len(values) > 1:
            quotes = " / ".join(dict.fromkeys(s.quote for s in mine))
            result[finding] = Statement(
                finding, None, quotes, NoValueKind.REPORT_SENTENCES_DISAGREE
            )
        else:
            result[finding] = mine[0]
    return result


def _worst_or_disagreeing(
    grades: list[Statement], muscles: Callable[[str], frozenset[int]]
) -> Statement:
    """The Goutallier grade of a report's grade statements: the worst of one sentence's (one
    per side or muscle), and the same in every sentence that gives one; sentences that give
    different grades disagree ("Goutallier 2" in the findings, "Goutallier 3" in the
    impression), unless each names its side ("left ... 2", "right ... 3") or a muscle of its
    own ("erector spinae: 2; multifidus: 3")."""
    worst: dict[str, int] = {}
    for statement in grades:
        worst[statement.quote] = max(statement.value, worst.get(statement.quote, 0))
    if (
        len(set(worst.values())) > 1
        and not all(_SIDE.search(quote) for quote in worst)
        and not _each_its_own_muscle(list(worst), muscles)
    ):
        quotes = " / ".join(dict.fromkeys(worst))
        return Statement(
            FindingName.GOUTALLIER_GRADE, None, quotes, NoValueKind.REPORT_SENTENCES_DISAGREE
        )
    return max(grades, key=lambda s: s.value)


def _each_its_own_muscle(quotes: list[str], muscles: Callable[[str], frozenset[int]]) -> bool:
    """Whether each quote names one paraspinal muscle, and no two the same one."""
    named = [muscles(quote) for quote in quotes]
    return all(len(own) == 1 for own in named) and len(frozenset().union(*named)) == len(quotes)


def _without_markup(text: str) -> str:
    """A template exported as HTML as plain lines: a block or a row a line of its own, a
    table's cells a row of ``label | value``, other tags dropped, entities decoded."""
    if "<" not in text and "&" not in text:
        return text
    # "</td><td>" is one boundary between two cells.
    text = _HTML_CELLS.sub(" | ", text)
    text = _HTML_BLOCK.sub("\n", text)
    text = _HTML_INLINE.sub("", text)
    lines = (line.strip(" |") for line in html.unescape(text).replace("\xa0", " ").split("\n"))
    return "\n".join(lines)


def _footnotes_in_place(text: str) -> str:
    """Each footnote's note put in brackets where its one mark stands ("oedema at L1². ²Seen
    before; it has since resolved." as "oedema at L1 (Seen before; it has since resolved)."):
    read apart, the note said nothing of a finding, and the finding stood as if unqualified."""
    for note in reversed(list(_FOOTNOTE.finditer(text))):
        mark = note["mark"]
        if mark in note["note"]:
            # "**IMPRESSION**": a heading's markup, not a note.
            continue
        marked = list(re.finditer(rf"(?<=[\w\])]){re.escape(mark)}(?![\w{_NOTE_MARKS}])", text))
        marked = [at for at in marked if at.end() <= note.start()]
        if len(marked) != 1:
            continue
        at = marked[0]
        body = note["note"].strip().rstrip(".")
        text = f"{text[: at.start()]} ({body}){text[at.end() : note.start()]}{text[note.end() :]}"
    return text


def _comparisons_accounted(statements: list[Statement], doc: Any) -> list[Statement]:
    """One sentence's statements, its Goutallier grade read from a definition made unknown
    where a comparison of fat with muscle stands outside every definition read, or two
    within one ("fat less than muscle in the multifidus and more than muscle in the erector
    spinae": the second, elliptic, would be the worse grade)."""
    if not any(s.by_definition for s in statements):
        return statements
    read = [(e.start_char, e.end_char) for e in ents_of(doc) if e.label_.startswith(DEFINITION)]
    comparisons = [m.start() for m in _FAT_MUSCLE_COMPARISON.finditer(text_of(doc))]
    # Each comparison within one definition read, and no definition holding two.
    held = [sum(left <= at < right for at in comparisons) for left, right in read]
    if sum(held) == len(comparisons) and all(count <= 1 for count in held):
        return statements
    quote = next(s.quote for s in statements if s.by_definition)
    return [
        *(s for s in statements if s.finding is not FindingName.GOUTALLIER_GRADE),
        Statement(FindingName.GOUTALLIER_GRADE, None, quote, NoValueKind.REPORT_UNCERTAIN),
    ]


def _graded_alike(statements: list[Statement]) -> list[Statement]:
    """One sentence's statements, its Goutallier grades made unknown where it words a
    grade's definition that no grade it gives agrees with ("fat less than muscle, Goutallier
    3"; but "grade 1 (fatty streaks) in the multifidus, grade 2 in the erector spinae")."""
    grades = [
        s for s in statements if s.finding is FindingName.GOUTALLIER_GRADE and s.value is not None
    ]
    worded = {s.value for s in grades if s.by_definition}
    given = {g for s in grades if not s.by_definition for g in s.grades or {s.value}}
    if not worded or not given or worded <= given:
        return statements
    quote = grades[0].quote
    return [
        *(s for s in statements if s.finding is not FindingName.GOUTALLIER_GRADE),
        Statement(FindingName.GOUTALLIER_GRADE, None, quote, NoValueKind.REPORT_SENTENCES_DISAGREE),
    ]


def _result_segment_as_field(line: str) -> str:
    """An HL7 v2 result segment pasted into a report as a ``label: value`` field: the
    observation's name (OBX-3) and its value (OBX-5), each by its text where it is coded
    ("OBX|2|CWE|IVCLEFT^Intravertebral cleft||N^No^HL70136||||||F" is "Intravertebral cleft:
    No"). Read as it stands, the bars and codes hide the answer and leave the name alone, a
    finding seemingly stated."""
    segment = _RESULT_SEGMENT.match(line)
    if segment is None:
        return line
    return f"{_coded_text(segment['name'])}: {_coded_text(segment['value'])}"


def _data_pairs_as_fields(line: str) -> str:
    """The ``key=value`` pairs of a line exported as data, named as programs name them
    ("history.prior_imaging="MRI 2022: cleft"", "cement_pattern=spongy vertebra=L1"), as
    ``label: value`` fields, each closed by a semicolon; the rest of the line as it is. Without
    such a name ("Blocky = solid"), a line is a legend or prose and stays as it is."""
    if not any(_PROGRAM_NAME.search(key) for key, _ in _DATA_PAIR.findall(line)):
        return line
    return _DOUBLED_SEMICOLON.sub(";", _DATA_PAIR.sub(_as_field, line))


def _label_in_words(label: re.Match[str]) -> str:
    return label[0].replace("_", " ")


def _as_field(pair: re.Match[str]) -> str:
    label = pair[1].replace("_", " ").replace(".", " ")
    value = pair[2].strip('"')
    return f"{label}: {value};"


def _coded_text(field: str) -> str:
    """A coded field's text ("N^No^HL70136": "No"), or the field as it is."""
    components = field.split("^")
    return components[1] if len(components) > 1 and components[1] else components[0]


def _goes_on(line: str) -> bool:
    """Whether a line ends where no sentence can end; not a field whose value is one word
    ("Cleft: possible" is answered). Only its last words are searched: the lines of a long
    paragraph are joined into one, searched again at each line."""
    tail = line.rstrip()
    if len(tail) > GOES_ON_TAIL:
        # From a word's start, so that no word is read from its middle.
        tail = tail[-GOES_ON_TAIL:].split(maxsplit=1)[-1]
    if not _GOES_ON.search(tail):
        return False
    field = _field(line)
    return not (field and len(field["value"].split()) == 1)


def _answered_by_signs(line: str) -> str:
    """A line answered by signs (dot leaders, a plus or minus, a zero, a tick or a cross) with
    its answers as fields or words. Each pattern is tried only where a sign it needs stands:
    most lines have none ("±", "−", ticks and crosses are all beyond ASCII)."""
    if "..." in line:
        line = _LEADER.sub(": ", line)
    if "+" in line or "-" in line or not line.isascii():
        line = _PLUS_MINUS.sub(_signed, line)
    if "0" in line:
        line = _ZERO_VALUE.sub(": ", line)
    if not line.isascii():
        if _MARKED_OPTIONS.match(line):
            return _MARKED_OPTION.sub(_option_boxed, line)
        line = _MARK_BEFORE.sub(r"\g<label>: \g<mark>", line)
        line = _MARK_AFTER.sub(r"\g<label>: \g<mark>\g<rest>", line)
    return line


def _option_boxed(match: re.Match[str]) -> str:
    return f"{match['option']} {'[x]' if match['mark'] in '✓✔' else '[ ]'}"


def _unwrapped(lines: list[str], is_word: Callable[[str], bool]) -> Iterator[str]:
    """Lines with a sentence wrapped onto the next line joined again: a line continues when
    it ends without punctuation and the next one starts in lower case, or when it is a label
    or a question and the next one its boxes or its answer, indented. A word hyphenated at
    the line's end is joined whole where its halves make a word (``is_word``), and keeps its
    hyphen where they do not ("fluid-filled").
    Blank lines are kept: they end a section's paragraph."""
    current = ""
    graded_boxes = False
    for line in lines:
        stripped = line.strip()
        if graded_boxes and _GRADE_BOX.match(stripped):
            # "Goutallier (L4/5):" with a box a line for each grade: all of them its own.
            current = f"{current.rstrip()} {stripped}"
            continue
        graded_boxes = False
        if (
            current
            and current.rstrip()[-1:] not in ".:;!?]"
            and (stripped[:1].islower() or _ASIDE_GOES_ON.match(stripped))
            # A form's line of boxes is followed by a field of its own ("type: [x] fluid").
            and not (_OPENS_FIELD.match(stripped) and _BOX.search(current))
        ):
            current = _joined_lines(current.rstrip(), stripped, is_word)
            continue
        if stripped and _goes_on(current) and not _OPENS_FIELD.match(stripped):
            # "... to rule out" / "Kümmell.": a hard break where no sentence can end.
            current = f"{current.rstrip()} {stripped}"
            continue
        if stripped and current.count("(") > current.count(")"):
            # A bracket opened and not closed: "Cement distribution (legend: blocky = ...;"
            # goes on with "spongy = ...): spongy".
            current = f"{current.rstrip()} {stripped}"
            continue
        if (
            current.rstrip().endswith(":")
            and _ANSWER_ALONE.fullmatch(stripped)
            and not _BOX.match(stripped)
        ):
            # A narrow field's answer put on the next line: "INTRAVERTEBRAL CLEFT:" / "ABSENT".
            current = f"{current.rstrip()} {stripped}"
            continue
        if (
            current.rstrip().endswith((":", "?"))
            and line[:1].isspace()
            and stripped
            and not _OPENS_FIELD.match(stripped)
            and not _BOX.match(stripped)
        ):
            # "Thoracolumbar fascia:" or "Posterior fascial oedema?" with its answer indented
            # on the line under it: "  Oedematous from T12 to L2."
            current = f"{current.rstrip()} {stripped}"
            continue
        if current.rstrip().endswith(":") and _BOX.match(stripped):
            # "Goutallier (L4-5):" with its boxes on the next line.
            current = f"{current.rstrip()} {stripped}"
            graded_boxes = bool(_GRADE_BOX.match(stripped))
            continue
        if current:
            yield current
        if not stripped:
            yield ""
        current = line if stripped else ""
    if current:
        yield current


def _table_rows(lines: Iterable[str]) -> Iterator[str]:
    """Each line, a line of rows a system flattened with a spaced double bar ("L3/4 |
    Goutallier 3 || L5/S1 | Goutallier 3") as its rows, so that each row's level is its own
    (an HL7 segment's empty field, "||" with no space, is none)."""
    for line in lines:
        yield from _ROWS_APART.split(line) if "||" in line else (line,)


def _joined_lines(line: str, next_line: str, is_word: Callable[[str], bool]) -> str:
    """A line and the line it goes on with: "not assess-" and "ed" as "not assessed" (text
    read from paper or a PDF breaks words at a line's end), "fluid-" and "filled" as
    "fluid-filled"; any other as two words."""
    broken = _WORD_BROKEN_AT_END.search(line)
    if broken is None:
        return f"{line} {next_line}"
    rest = _WORD_AT_START.match(next_line)
    if rest is None:
        return f"{line} {next_line}"
    whole = f"{broken[1]}{rest[0]}"
    return f"{line[:-1]}{next_line}" if is_word(whole.lower()) else f"{line}{next_line}"


def _items_in_one_line(text: str) -> list[str]:
    """The items of a line after its first dash when it holds three or more between dashes,
    each of two words or more: a list, not a field; else none."""
    parts = _DASH_BETWEEN_ITEMS.split(text)
    return parts if len(parts) > 2 and all(len(part.split()) > 1 for part in parts) else []


def _level_named(field: re.Match[str] | None) -> frozenset[VertebralLevel]:
    """The vertebra a "Level: Th11" or "Level treated: L1" field names; none for any other
    field."""
    if field is None or field["label"].strip().lstrip("-–•·* ").lower() not in _LEVEL_LABELS:
        return frozenset()
    value = field["value"].strip()
    return _one_vertebra(value) if _LEVEL_HEADING.fullmatch(value) else frozenset()


def _ocr_letters(word: re.Match[str]) -> str:
    """A scanned word with a letter read as a digit, as the word ("ni1": "nil"); a level
    ("th12") as it is."""
    if _LEVEL.fullmatch(word[0]):
        return word[0]
    return word[0].replace("1", "l").replace("0", "o")


def _split_sentences(line: str) -> list[str]:
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(line):
        if pieces and _sentence_goes_on(pieces[-1], piece):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return [cell for piece in pieces if piece.strip(" .") for cell in _fields_of_row(piece)]


def _sentence_goes_on(piece: str, after: str) -> bool:
    """Whether a sentence goes on past a full stop into the piece after it: after an
    abbreviation ("approx."), or inside a bracket the piece after closes ("IVC (v. cava)
    filter"). A bracket never closed ("Cleft (query. Fascial oedema present.") holds no
    sentence after it."""
    return piece.split()[-1].lower() in _ABBREVIATIONS or (
        piece.count("(") > piece.count(")") and ")" in after
    )


def _fields_of_row(piece: str) -> list[str]:
    """A row of ``label: value`` fields between bars, semicolons, wide space or commas ("IVC:
    No | TLF edema: Yes", "IVC - N, TLF oedema - Y") as one field each, so that no answer is
    read with another's label; any other text whole. Between commas, each label is named
    in words: "0: no, 1: no, 2: yes" are the options of one field. A table's row of cells,
    some of them fields ("L1 | 41% | cleft Y | TLF oedema N"), is read cell by cell."""
    if "|" in piece and (cells := _table_cells(piece)):
        return cells
    if not _LABEL_END.search(piece):
        # A field's label ends in a sign that most text has none of: no field to split.
        return [piece]
    for separator in (_BAR, _SEMICOLON, _WIDE_SPACE, _AFTER_AN_ANSWER, _COMMA):
        cells = [cell.strip() for cell in _split_outside_brackets(separator, piece) if cell.strip()]
        named = separator is not _COMMA or all(_NAMED_LABEL.match(cell) for cell in cells)
        if (
            len(cells) > 1
            and named
            and any(_LABELLED.match(cell) for cell in cells)
            and all(_LABELLED.match(cell) or _UNANSWERED.match(cell) for cell in cells)
        ):
            return cells
    return [piece]


def _table_cells(row: str) -> list[str]:
    """A table's row of cells, some of them fields, as one field or text each; the fields at
    the row's level when its first cell is a level; none if the row is no such table row."""
    cells = [
        _YES_NO_CELL.sub(r"\g<label>: \g<answer>\g<rest>", cell.strip())
        for cell in _split_outside_brackets(_BAR, row)
        if cell.strip()
    ]
    labelled = [bool(_LABELLED.match(cell)) for cell in cells]
    if (
        len(cells) > 2
        and not any(labelled)
        and _LEVEL.fullmatch(cells[0])
        and any(_LEVEL.search(cell) for cell in cells[1:])
    ):
        # "| L2 | new fracture after vertebroplasty L1 | with vacuum cleft |": each cell is
        # about the row's level, whatever level another cell names.
        return [f"{cells[0]}: {cell}" for cell in cells[1:]]
    # A first cell that is a field ("Goutallier: L3/4 G2 | L4/5 G3") labels the whole row.
    if not (
        (len(cells) > 2 and not labelled[0] and any(labelled))
        or (len(cells) == 2 and all(labelled))
    ):
        return []
    if _LEVEL.fullmatch(cells[0]):
        # "T12 | 25% | cleft: Y": the row's fields are about its level.
        return [_placed_field(cell, cells[0]) for cell in cells[1:]]
    if not labelled[0] and all(labelled[1:]):
        # "Fascial oedema | pre-op: yes | post-op: no", "Cleft | T12: yes | L1: no": the first
        # cell names what each field after it answers; read alone, it seemed stated.
        return [f"{cells[0]} {cell}" for cell in cells[1:]]
    return cells


def _placed_field(cell: str, level: str) -> str:
    """A row's field with the row's level put into its label: "cleft at T12: Y"."""
    label, colon, value = cell.partition(":")
    return f"{label.strip()} at {level}: {value.strip()}" if colon else cell


def _split_outside_brackets(separator: re.Pattern[str], text: str) -> list[str]:
    """``text`` split at each ``separator`` that no bracket holds: a legend in brackets
    ("Pattern (blocky = solid; spongy = trabecular): spongy") is one field's."""
    if separator.search(text) is None:
        # Most lines: no separator to weigh, so no character to walk through.
        return [text]
    if not any(bracket in text for bracket in "([{"):
        return separator.split(text)
    depth, masked = 0, []
    for character in text:
        if character in "([{":
            depth += 1
        elif character in ")]}":
            depth = max(0, depth - 1)
        masked.append(character if depth == 0 or character in "([{" else "\0")
    cuts = [(match.start(), match.end()) for match in separator.finditer("".join(masked))]
    starts = [0, *(end for _, end in cuts)]
    ends = [*(start for start, _ in cuts), len(text)]
    return [text[start:end] for start, end in zip(starts, ends, strict=True)]


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 3].rstrip() + "..."


def _word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives or '(?!)'})(?!\w)", re.I)


#: A spaced double bar between the rows of a table flattened onto one line.
_ROWS_APART = re.compile(r"\s+\|\|\s+")
#: A word broken at a line's end ("assess-"), and the letters the next line opens with.
_WORD_BROKEN_AT_END = re.compile(r"(?<![\w-])([^\W\d_]+)-$")
_WORD_AT_START = re.compile(r"[^\W\d_]+")


def _words_of(document: Any) -> frozenset[str]:
    """Every word the rules' phrases use, in lower case (descriptions left out)."""
    if isinstance(document, str):
        return frozenset(w.lower() for w in re.findall(r"[^\W\d_]+", document))
    if isinstance(document, Mapping):
        parts = (_words_of(v) for k, v in document.items() if k not in _NOT_PHRASES)
    elif isinstance(document, list):
        parts = (_words_of(item) for item in document)
    else:
        return frozenset()
    return frozenset().union(*parts)


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """Phrases of the rules' syntax ("level|vertebra above|below", "just? above") as one
    pattern of whole words: ``a|b`` either word, a trailing ``?`` an optional word."""
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        pattern, first = "", True
        for word in phrase.split():
            optional = word.endswith("?") and len(word) > 1
            choice = "(?:" + "|".join(re.escape(w) for w in word.rstrip("?").split("|")) + ")"
            if first:
                # Words before the first one a phrase needs take their space after them.
                pattern += rf"(?:{choice}\s+)?" if optional else choice
                first = optional
            else:
                pattern += rf"(?:\s+{choice})?" if optional else rf"\s+{choice}"
        alternatives.append(pattern)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives) or '(?!)'})(?!\w)", re.I)


#: Words making a grade a bound or an approximation, before it ("> 2", "at least Goutallier 3",
#: "no worse than grade 2", "not lower than grade 3"; not an arrow, "-> 3") or after it ("4 at
#: most", "2 or so", "2 of 3", "2 (0-3 scale)"): a range of grades, or a grade of another scale.
#: "Up to 3" is the worse side's grade, read as such.
_BOUND_BEFORE = re.compile(
    r"(?:(?<![-=])[<>]|[≤≥]|\bat\s+(?:least|most)|\bnot?\s+(?:worse|better|more|less|higher|lower)"
    r"\s+than|\bexceed(?:s|ing)?|\babove|\bbelow|\bbeyond|\b(?:more|less|greater|fewer|higher|"
    r"lower)\s+than)\s*=?\s*(?:(?:goutallier|grade|gr\.?)\s*)*$",
    re.I,
)
_BOUND_AFTER = re.compile(
    r"\s*(?:at\s+(?:most|least|worst|best)\b|or\s+so\b|[-–]?ish\b|(?:or|and)\s+(?:above|below|beyond)\b"
    r"|(?:of|out\s+of)\s*3\b|\(?\s*(?:on\s+an?\s+)?0\s*[-–]\s*3\b|\(?\s*(?:on\s+an?\s+)?"
    r"(?:three|3)[-\s]point)",
    re.I,
)


def _a_bound(text: str, start: int, grade_start: int, grade_end: int) -> bool:
    """Whether a grade (of a mention from ``start``) is given as a bound or an approximation
    ("> 2", "2 or so"). The words before it are read in the whole text, not only where the
    grade was looked for ("not lower than grade 3 (Goutallier)")."""
    before = text[max(0, start - BOUND_BEFORE_GRADE) : grade_start]
    return bool(_BOUND_BEFORE.search(before) or _BOUND_AFTER.match(text, grade_end))


def _grade_patterns(forms: Mapping[str, int], eponym: str) -> tuple[re.Pattern[str], ...]:
    form = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    # "G3" is grade 3.
    # "2.5" is no grade of the scale.
    grade = rf"(?<![\w.-])(?:g(?=\d))?(?P<grade>{form})(?![\w-]|[.,]\d)"
    # A range ("grade 2-3", "II~III", "3 or greater", "3+") is read as a range, not as its
    # first grade; a scale's size ("the modified Goutallier three-grade scale") is no grade.
    ranged = (
        rf"(?<![\w.-])(?:g(?=\d))?(?P<grade>{form})(?!\w|[.,]\d|-(?:grade|point|tier)\b)"
        rf"(?:\s*(?:-|–|~|to|or|/)\s*(?:(?:possibly|probably|perhaps|maybe|even)\s+)?"
        rf"(?P<high>{form})(?!\w)"
        rf"|(?P<open>\s*\+(?!\w)|\s+(?:or|and)\s+(?:greater|more|higher|above|worse|over|"
        rf"less|lower|below|better|under)\b))?"
    )
    # "grade at L4/5: 3", "Goutallier L4-L5 = 2", "Goutallier, T12 level: 3": the level the
    # grade is for, not a grade.
    at_level = (
        r"(?:\s*,?\s*(?:at|for)?\s*(?:th|t|l)\d{1,2}(?:\s*[-/]\s*(?:th|t|l|s)?\d{1,2})?"
        r"(?:\s+(?:level|segment))?)?"
    )
    side = r"(?<![\w/-])(?:left|right|lt|rt|l|r|bilateral(?:ly)?|bilat)\b\.?"
    flags = re.I
    return (
        # "Goutallier grade 3", "grade II (Goutallier)", "Goutallier grade (0-4): three",
        # "fatty infiltration (Goutallier, L4-5): 4", "Goutallier grade L4-L5 - 0",
        # "Goutallier gr 2", "Goutallier grading at L4/5: 2", "fatty infiltration degree II",
        # "Goutallier, L4-5 (axial T1): 2"
        re.compile(
            rf"(?:{eponym}|grade|gr\.?|stage|degree)(?:'s)?\)?"
            rf"(?:\s+(?:grade|gr\.?|grading|stage|classification|class|score|scores|grad|grado|grau))?"
            rf"(?:\s*\([^)]*\))?{at_level}(?:\s*\([^)]*\))?\)?"
            rf"\s*(?:[:=]|of|is|(?<=\s)[-–—](?=\s))?\s*{ranged}",
            flags,
        ),
        # "fatty degeneration (Goutallier, L4/5, T1 axial): 2": the eponym opening a label's
        # bracket that says more of the grading, the answer after it.
        re.compile(rf"(?:{eponym})(?:\s+grade)?\s*,[^():]*\)\s*[:=]\s*{ranged}", flags),
        # "Goutallier grade of paraspinal muscles at L4/5: 3": the eponym opening a label that
        # names what is graded, with no number in it but a level's, the answer after it.
        re.compile(
            rf"(?:{eponym})(?:\s+grade)?(?:\s+(?:of|for|in|at)\b|\s*,)\s*"
            rf"(?:[^\d:;.()\[\]=|]|{_LEVEL.pattern}|\((?:[^()\d]|{_LEVEL.pattern})*\)){{1,80}}?"
            rf":\s*{ranged}",
            flags,
        ),
        # "left: grade 2", "right side 3", "R 2, L 3"
        re.compile(rf"{side}(?:\s+side)?\s*[:=]?\s*(?:grade\s*)?{grade}", flags),
        # "3 on the right", "2 (left)", "3 (R)"
        re.compile(rf"{grade}\s*\(?\s*(?:on\s+the\s+)?(?:left|right)", flags),
        re.compile(rf"{grade}\s*\(\s*(?:l|r|lt|rt)\.?\s*\)", flags),
        # "3 R / 4 L": the side's letter after its grade
        re.compile(rf"{grade}\s*(?:l|r|lt|rt)\.?(?![\w/])", flags),
        # "and 3 at L4/5": a grade given for a level
        re.compile(rf"{grade}\s+(?:at|for)\s+(?=(?:th|t|l)\d)", flags),
        # "Goutallier 2 (L3/4), 3 (L4/5)": the next grade of a list, for its level
        re.compile(rf"(?:,|;|and)\s*{grade}(?=\s*\(?\s*(?:at\s+)?(?:th|t|l)\d)", flags),
        # "Grade at L4/5: 2 (Goutallier)"
        re.compile(rf"{grade}\s*\(\s*(?:{eponym})", flags),
        # "stage 2 according to Goutallier", "grado 3 de Goutallier", "Grad 3 nach Goutallier"
        re.compile(
            rf"(?:grade|stage|grad|grado|grau)\s+{grade}\s+(?:according\s+to|of|by|per|de|nach)"
            rf"\s+(?:the\s+)?(?:{eponym})",
            flags,
        ),
        # "Goutallier 1 and 3 respectively": a grade per muscle named
        re.compile(rf"(?:,|and|&)\s*{grade}(?=(?:\s*(?:,|and|&)\s*\w+)*\s+respectively)", flags),
        # "unchanged at 2"
        re.compile(
            rf"(?:unchanged|stable|remains?|persists?)\s+(?:at\s+)?(?:grade\s+)?{grade}", flags
        ),
        # "multifidus G3": the grade's short form, on a muscle-fat line
        re.compile(r"(?<![\w.-])g(?P<grade>[0-4])(?![\w-])", flags),
    )


def _clause_before(text: str, end: int) -> str:
    """The words of the clause before a position: from the last comma, semicolon, colon or
    conjunction."""
    return re.split(r"[,;:]|\b(?:but|whereas|while|and)\b", text[:end], flags=re.I)[-1]


def _bare_grade_pattern(forms: Mapping[str, int]) -> re.Pattern[str]:
    """ "grade 3" followed by no noun it grades (an end of clause or a preposition), and not
    given for a level ("grade 3 at L5/S1": that level's)."""
    form = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w-])grade\s+(?P<grade>{form})(?![\w-]|[.,]\d)"
        r"(?!\s*(?:at|for)\s+(?:the\s+)?(?:th|t|l|s)\d)"
        r"(?=\s*(?:$|[.,;:)]|(?:on|in|with|but|and|bilaterally)\b))",
        re.I,
    )


def _muscle_grade_pattern(muscles: Iterable[str], forms: Mapping[str, int]) -> re.Pattern[str]:
    """A grade after a muscle's name, in a list of them: "multifidus 2, psoas 1"."""
    names = "|".join(re.escape(m) for m in sorted(muscles, key=len, reverse=True))
    form = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(
        rf"(?<!\w)(?:{names or '(?!)'})(?:\s+muscles?)?\s*[:=]?\s*(?:grade\s*)?"
        rf"(?<![\w.-])(?P<grade>{form})(?![\w-])",
        re.I,
    )


def _progression_pattern(forms: Mapping[str, int], eponym: str) -> re.Pattern[str]:
    """A grade that has changed: "progressed from 2 to 3", "from 2 (2022) to 3 (2024)", "2 → 3"
    is grade 3 now."""
    form = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(
        rf"(?:(?:progressed|increased|worsened|advanced|changed|deteriorated)\s+(?:from\s+"
        rf"(?:(?:{eponym})\s+)?(?:grade\s+)?(?:{form})(?:\s*\([^()]*\))?\s+)?to"
        # "Goutallier 2 → 3"
        rf"|(?<![\w.-])(?:{form})\s*(?:→|->|-->|⇒)"
        # "grade 3 in 2019, now 4": the grade now, after one of before
        rf"|(?<![\w.-])(?:{form})\b[^;.]*?[,;]?\s+(?:and\s+)?now(?:\s+(?:is|at))?"
        # "progression of the fatty degeneration from Goutallier 2 to 3"
        rf"|(?:progression|increase|worsening|deterioration)\b[^.;]{{0,60}}?\bfrom\s+"
        rf"(?:(?:{eponym})\s+)?(?:grade\s+)?(?:{form})\s+to)"
        rf"\s*(?:grade\s+)?(?P<grade>{form})(?!\w)",
        re.I,
    )


def _answer_naming_its_field(label: str, value: str) -> str | None:
    """A field's answer that denies the field's name again ("Vacuum cleft: No vacuum cleft is
    seen", "Fascial oedema: no oedema"), as a sentence of its own whose word for the finding
    carries the field's whole name ("no Fascial oedema"); None for any other answer."""
    name = label.strip()
    if not name or not _DENIAL_OPENING.match(value):
        return None
    word = name.split()[-1].lower()
    if word not in (found.lower() for found in _ANSWER_WORD.findall(value)):
        return None
    if name.lower() in value.lower():
        return value
    return _ANSWER_WORD.sub(lambda found: name if found[0].lower() == word else found[0], value)


def _names_its_field_first(label: str, value: str) -> bool:
    """Whether a field's value names the field's finding again among its first few words,
    before a semicolon ("Intravertebral cleft: the cleft described before has resolved")."""
    words = label.strip().split()
    if not words:
        return False
    opening = value.split(";", 1)[0].lower().split()[:_WORDS_BEFORE_ITS_NAME]
    return words[-1].lower() in (word.strip(",.") for word in opening)


def _grade_before_after(forms: Mapping[str, int], eponym: str) -> re.Pattern[str]:
    """A grade now with the grade of before after it, in brackets or after a comma:
    "Goutallier 2 at L4/5 (previously grade 1 in 2024)", "Goutallier 3 (Goutallier 2 in
    2020)", "grade 3 by Goutallier, before it was grade 2" are grade 2, 3 and 3 now."""
    form = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    before = r"(?:previously|formerly|was|prior|before(?:\s+it\s+was)?|earlier|initially)"
    grade = rf"(?:(?:{eponym})\s+)?(?:grade\s+)?(?:{form})\b"
    return re.compile(
        rf"(?<![\w.-])(?P<grade>{form})(?![\w-])[^();.]{{0,40}}"
        rf"(?:\(\s*(?:{before}\s+{grade}|{grade}\s+(?:in|on|from)\s+(?:19|20)\d\d\b)[^)]*\)"
        rf"|,\s*{before}\s+{grade})",
        re.I,
    )


def _validate(document: Any, origin: str) -> None:
    schema = json.loads(resources.files(__package__).joinpath(RULES_SCHEMA).read_text("utf-8"))
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(document)
    )
    if error is not None:
        pointer = "/" + "/".join(str(part) for part in error.absolute_path)
        raise ReportRulesError(f"report text rules file {origin}: {pointer}: {error.message}")
    for pointer, phrase in _phrases(document):
        words = [word for word in phrase.split() if word != "..."]
        if not any(not word.endswith("?") or len(word) == 1 for word in words):
            raise ReportRulesError(
                f"report text rules file {origin}: {pointer}: {phrase!r} has only optional "
                "words, so it would match nothing"
            )


def _phrases(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for label, phrases in document.get("targets", {}).items():
        for index, phrase in enumerate(phrases):
            yield f"/targets/{label}/{index}", phrase
    for grade, phrases in document.get("goutallier_definitions", {}).items():
        for index, phrase in enumerate(phrases if isinstance(phrases, list) else ()):
            yield f"/goutallier_definitions/{grade}/{index}", phrase
    for finding, entries in document.get("anchored", {}).items():
        for number, entry in enumerate(entries if isinstance(entries, list) else ()):
            for part in ("words", "anchors"):
                for index, phrase in enumerate(entry.get(part, ())):
                    yield f"/anchored/{finding}/{number}/{part}/{index}", phrase
    for index, phrase in enumerate(document.get("lookalikes", [])):
        yield f"/lookalikes/{index}", phrase


def _merge(base: Any, extra: Any) -> Any:
    """The site's lists appended to the packaged ones, tables merged key by key."""
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return [*base, *(item for item in extra if item not in base)]
    return extra

"""Radiology report text in, what it states about each finding out.

A blank spaCy English pipeline (no model to download) carries the rules of
``report-text-rules.json``: an entity ruler for the target phrases (and for lookalikes, such as
a disc vacuum phenomenon, that must not be read as a target), and four negspacy NegEx
components for negation, uncertainty, historical and hypothetical context. The text is cut into
lines and sentences first, so that a report template's lines never share a scope; skipped
sections (indication, history, comparison) and unfilled template fields are dropped there.

Load the rules and build the pipeline once (:func:`load_text_rules`, :class:`ReportTextReader`);
:meth:`ReportTextReader.read` is then pure. What is not stated stays unknown: a finding the text
never names has no statement, and uncertain, historical or hypothetical mentions never count
as present.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import product
from pathlib import Path
from typing import Any

import jsonschema

from .codes import CementDistribution, FindingName, VertebralLevel
from .reasons import NoValueKind
from .site_files import read_site_file

RULES_FILE = "report-text-rules.json"
RULES_SCHEMA = "report-text-rules.schema.json"

#: Entity labels besides the finding names.
BLOCKY, SPONGY, LOOKALIKE = "cement_blocky", "cement_spongy", "lookalike"
LABEL_FINDINGS = {
    FindingName.INTRAVERTEBRAL_VACUUM_CLEFT.value: FindingName.INTRAVERTEBRAL_VACUUM_CLEFT,
    FindingName.POSTERIOR_FASCIA_OEDEMA.value: FindingName.POSTERIOR_FASCIA_OEDEMA,
    FindingName.GOUTALLIER_GRADE.value: FindingName.GOUTALLIER_GRADE,
    BLOCKY: FindingName.CEMENT_DISTRIBUTION,
    SPONGY: FindingName.CEMENT_DISTRIBUTION,
}
#: The ConText categories, each a NegEx component setting ``span._.<category>``.
CATEGORIES = ("negation", "uncertainty", "historical", "hypothetical")
#: Findings tied to the treated vertebra: a mention at another level is about another fracture.
LEVEL_BOUND = frozenset(
    {
        FindingName.INTRAVERTEBRAL_VACUUM_CLEFT,
        FindingName.POSTERIOR_FASCIA_OEDEMA,
        FindingName.CEMENT_DISTRIBUTION,
    }
)
#: Levels a phrase's ``<level>`` stands for.
PHRASE_LEVELS = tuple(
    level.value
    for level in VertebralLevel
    if VertebralLevel.T3.position <= level.position <= VertebralLevel.L5.position
)
#: Longest quote shown on a card, in characters.
QUOTE_LIMIT = 160

# "T1" and "T2" are read as MRI sequences (T1-/T2-weighted), never as vertebrae: the model's
# levels are T4-L5, so no treated level is lost.
_LEVEL = re.compile(
    r"(?<![\w-])(th|t|d|l|s)(1[0-2]|[1-9])(?:\s*[-–/]\s*(1[0-2]|[1-9]))?(?!\w)", re.I
)
_CHECKED = r"\[\s*[xX✓✔]\s*\]|\(\s*[xX]\s*\)|[☒☑✅]"
_BOX = re.compile(r"\[\s*[xX✓✔]?\s*\]|\(\s*[xX]?\s*\)|[☐☒☑✅]")
_FIELD = re.compile(r"^(?P<label>[^:]{1,80}):\s*(?P<value>.*)$")
_BLANK = re.compile(r"^(?:_+|\.{2,}|-+|\?+|\*+|n/?a|not recorded|<[^>]*>)?$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_ABBREVIATIONS = frozenset({"vs.", "approx.", "e.g.", "i.e.", "cf.", "fig.", "dr.", "ca."})


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


@dataclass(frozen=True)
class _Sentence:
    text: str
    quote: str


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
        # spaCy takes seconds to import: only a process that reads report text pays for it.
        import negspacy.negation  # noqa: F401  (registers the "negex" spaCy factory)
        import spacy

        self.rules = rules
        self._lock = threading.Lock()
        document = rules.document
        synonyms = {word.lower(): tuple(others) for word, others in document["synonyms"].items()}
        self._nlp = spacy.blank("en")
        self._nlp.add_pipe("sentencizer")
        ruler = self._nlp.add_pipe("entity_ruler")
        patterns = [
            {"label": label, "pattern": pattern}
            for label, phrases in [
                *document["targets"].items(),
                (LOOKALIKE, rules.words("lookalikes")),
            ]
            for phrase in phrases
            for pattern in expand(phrase, synonyms, self._nlp.tokenizer)
        ]
        ruler.add_patterns(patterns)
        termination = list(rules.words("modifiers", "termination"))
        for category in CATEGORIES:
            self._nlp.add_pipe(
                "negex",
                name=category,
                config={
                    "extension_name": category,
                    "neg_termset": {
                        "pseudo_negations": list(rules.words("modifiers", category, "pseudo")),
                        "preceding_negations": list(
                            rules.words("modifiers", category, "preceding")
                        ),
                        "following_negations": list(
                            rules.words("modifiers", category, "following")
                        ),
                        "termination": termination,
                    },
                },
            )
        self._read_sections = frozenset(w.lower() for w in rules.words("sections", "read"))
        self._skipped_sections = frozenset(w.lower() for w in rules.words("sections", "skipped"))
        self._present = frozenset(w.lower() for w in rules.words("template_answers", "present"))
        self._absent = frozenset(w.lower() for w in rules.words("template_answers", "absent"))
        self._cement_requires = _word_pattern(
            rules.words("context", "cement_distribution", "requires")
        )
        self._cement_excludes = _word_pattern(
            rules.words("context", "cement_distribution", "excludes")
        )
        forms = {
            form.lower(): int(grade)
            for grade, words in document["goutallier_forms"].items()
            for form in words
        }
        self._grade_of = forms
        self._grades = _grade_patterns(forms)

    def read(
        self, texts: Iterable[str], treated_levels: frozenset[VertebralLevel]
    ) -> dict[FindingName, Statement]:
        """What the texts (one report's conclusion and presented forms) state, per finding.
        ``treated_levels`` empty: the treated level is unknown, so no mention is set aside as
        being about another level."""
        sentences = [sentence for text in texts for sentence in self._sentences(text)]
        # spaCy does not promise that one pipeline may run in several threads at once.
        with self._lock:
            docs = list(self._nlp.pipe(sentence.text for sentence in sentences))
        statements: list[Statement] = []
        for sentence, doc in zip(sentences, docs, strict=True):
            statements.extend(self._statements(sentence, doc, treated_levels))
        return _per_finding(statements)

    def _sentences(self, text: str) -> Iterator[_Sentence]:
        reading = True
        for raw in _unwrapped(text.splitlines()):
            line = raw.strip().strip("*#").strip()
            if not line:
                continue
            header, rest = self._header(line)
            if header is not None:
                reading = header in self._read_sections
                line = rest
            if not reading or not line:
                continue
            normalized = self._template_line(line)
            if normalized is None:
                continue
            for piece in _split_sentences(normalized):
                yield _Sentence(piece, _shorten(line if normalized != line else piece))

    def _header(self, line: str) -> tuple[str | None, str]:
        bare = line.rstrip(":").strip().lower()
        if bare in self._read_sections or bare in self._skipped_sections:
            return bare, ""
        field = _FIELD.match(line)
        if field:
            label = field["label"].strip().strip("*").strip().lower()
            if label in self._read_sections or label in self._skipped_sections:
                return label, field["value"].strip()
        return None, line

    def _template_line(self, line: str) -> str | None:
        """A template line as plain words: ticked options kept, unfilled fields dropped (None).
        ``Vacuum cleft: [ ] yes [x] no`` reads "Vacuum cleft: absent."; ``Fascia oedema: ___``
        and a field whose boxes are all empty say nothing."""
        marks = list(_BOX.finditer(line))
        if marks:
            prefix = line[: marks[0].start()].strip()
            ends = [mark.start() for mark in marks[1:]] + [len(line)]
            ticked = [
                line[mark.end() : end].strip(" ,;/")
                for mark, end in zip(marks, ends, strict=True)
                if re.fullmatch(_CHECKED, mark.group())
            ]
            ticked = [label for label in ticked if label]
            if prefix:
                return f"{prefix} {self._answer(ticked[0])}." if len(ticked) == 1 else None
            return " ".join(f"{label.rstrip('.')}." for label in ticked) or None
        field = _FIELD.match(line)
        if field is None:
            return line
        value = field["value"].strip()
        if _BLANK.match(value):
            return None
        answer = self._answer(value)
        return f"{field['label']}: {answer}." if answer != value else line

    def _answer(self, value: str) -> str:
        bare = value.strip(" .").lower()
        if bare in self._present:
            return "present"
        if bare in self._absent:
            return "absent"
        return value

    def _statements(
        self, sentence: _Sentence, doc: Any, treated: frozenset[VertebralLevel]
    ) -> Iterator[Statement]:
        for ent in doc.ents:
            finding = LABEL_FINDINGS.get(ent.label_)
            if finding is None or ent._.hypothetical or ent._.historical:
                continue
            if finding in LEVEL_BOUND and _other_level(sentence.text, ent.start_char, treated):
                continue
            if finding is FindingName.CEMENT_DISTRIBUTION:
                statement = self._cement(sentence, ent)
            elif finding is FindingName.GOUTALLIER_GRADE:
                statement = self._goutallier(sentence, ent)
            elif ent._.uncertainty:
                statement = Statement(finding, None, sentence.quote, NoValueKind.REPORT_UNCERTAIN)
            else:
                statement = Statement(finding, not ent._.negation, sentence.quote)
            if statement is not None:
                yield statement

    def _cement(self, sentence: _Sentence, ent: Any) -> Statement | None:
        text = sentence.text
        if ent._.negation or not self._cement_requires.search(text):
            return None
        if self._cement_excludes.search(text):
            return None
        finding = FindingName.CEMENT_DISTRIBUTION
        if ent._.uncertainty:
            return Statement(finding, None, sentence.quote, NoValueKind.REPORT_UNCERTAIN)
        pattern = CementDistribution.BLOCKY if ent.label_ == BLOCKY else CementDistribution.SPONGY
        return Statement(finding, pattern.value, sentence.quote)

    def _goutallier(self, sentence: _Sentence, ent: Any) -> Statement | None:
        finding = FindingName.GOUTALLIER_GRADE
        if ent._.negation:
            return None
        clause = _clause(sentence.text, ent.start_char)
        region = clause.text[max(0, ent.start_char - clause.start - 15) :]
        grades: list[int] = []
        for pattern in self._grades:
            for match in pattern.finditer(region):
                if match.groupdict().get("high"):
                    return Statement(finding, None, sentence.quote, NoValueKind.REPORT_GRADE_RANGE)
                grades.append(self._grade_of[match["grade"].lower()])
        if not grades:
            return None
        if ent._.uncertainty:
            return Statement(finding, None, sentence.quote, NoValueKind.REPORT_UNCERTAIN)
        # Both sides graded: the worse side counts, as for coded left/right grades.
        return Statement(finding, max(grades), sentence.quote)


def expand(phrase: str, synonyms: Mapping[str, Sequence[str]], tokenize: Any) -> list[list[Any]]:
    """The spaCy token patterns a rules phrase stands for (see the rules file's description).
    Alternatives of one token share a pattern slot; one that the tokenizer cuts in several
    tokens ("block-like", "'s") gets patterns of its own."""
    slots: list[list[list[dict[str, Any]]]] = []
    for word in phrase.split():
        optional = word.endswith("?") and len(word) > 1
        word = word[:-1] if optional else word
        alternatives: list[str] = []
        for alternative in word.split("|"):
            if alternative == "<level>":
                alternatives.extend(PHRASE_LEVELS)
            else:
                alternatives.extend([alternative, *synonyms.get(alternative.lower(), ())])
        single, several = [], []
        for alternative in dict.fromkeys(a.lower() for a in alternatives):
            tokens = [token.lower_ for token in tokenize(alternative)]
            (single if len(tokens) == 1 else several).append(tokens)
        choices = [[{"LOWER": {"IN": [tokens[0] for tokens in single]}}]] if single else []
        choices += [[{"LOWER": token} for token in tokens] for tokens in several]
        slots.append([*choices, *([[]] if optional else [])])
    patterns = [
        [token for choice in combination for token in choice] for combination in product(*slots)
    ]
    return [pattern for pattern in patterns if pattern]


def levels_in(text: str) -> frozenset[VertebralLevel]:
    """The vertebrae a text names: ``L1``, ``Th12``, ``D12``, ranges ``L4-5``/``L4/5``."""
    found: set[VertebralLevel] = set()
    for match in _LEVEL.finditer(text):
        region = {"th": "T", "t": "T", "d": "T", "l": "L", "s": "S"}[match[1].lower()]
        first = int(match[2])
        last = int(match[3]) if match[3] and int(match[3]) >= first else first
        for number in range(first, last + 1):
            if region == "T" and number <= 2:
                continue
            try:
                found.add(VertebralLevel(f"{region}{number}"))
            except ValueError:
                continue
    return frozenset(found)


@dataclass(frozen=True)
class _Clause:
    start: int
    text: str


def _clause(text: str, at: int) -> _Clause:
    """The ';'-separated part of a sentence around character ``at``."""
    start = text.rfind(";", 0, at) + 1
    end = text.find(";", at)
    return _Clause(start, text[start : end if end >= 0 else len(text)])


def _other_level(text: str, at: int, treated: frozenset[VertebralLevel]) -> bool:
    """Whether the mention at ``at`` is about another vertebra than the treated one: its clause
    (or, if the clause names none, its sentence) names levels, none of them treated."""
    if not treated:
        return False
    levels = levels_in(_clause(text, at).text) or levels_in(text)
    return bool(levels) and not levels & treated


def _per_finding(statements: list[Statement]) -> dict[FindingName, Statement]:
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
            result[finding] = max(mine, key=lambda s: s.value)
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


def _unwrapped(lines: list[str]) -> Iterator[str]:
    """Lines with a sentence wrapped onto the next line joined again: a line continues when
    it ends without punctuation and the next one starts in lower case."""
    current = ""
    for line in lines:
        stripped = line.strip()
        if current and stripped[:1].islower() and current.rstrip()[-1:] not in ".:;!?]":
            current = f"{current.rstrip()} {stripped}"
            continue
        if current:
            yield current
        current = line
    if current:
        yield current


def _split_sentences(line: str) -> list[str]:
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(line):
        if pieces and pieces[-1].split()[-1].lower() in _ABBREVIATIONS:
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return [piece for piece in pieces if piece.strip(" .")]


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 3].rstrip() + "..."


def _word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives or '(?!)'})(?!\w)", re.I)


def _grade_patterns(forms: Mapping[str, int]) -> tuple[re.Pattern[str], ...]:
    form = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    grade = rf"(?<![\w.-])(?P<grade>{form})(?![\w-])"
    # A range ("grade 2-3") is read as a range, not as its first grade.
    ranged = rf"(?<![\w.-])(?P<grade>{form})(?!\w)(?:\s*(?:-|–|to|or|/)\s*(?P<high>{form})(?!\w))?"
    flags = re.I
    return (
        # "Goutallier grade 3", "grade II (Goutallier)", "Goutallier grade (0-4): three"
        re.compile(
            rf"(?:goutallier|goutalier|grade|stage)(?:\s+(?:grade|stage|classification|class))?"
            rf"(?:\s*\([^)]*\))?\s*(?:[:=]|of|is)?\s*{ranged}",
            flags,
        ),
        # "left: grade 2", "right side 3"
        re.compile(rf"(?:left|right)(?:\s+side)?\s*[:=]?\s*(?:grade\s*)?{grade}", flags),
        # "3 on the right", "2 (left)"
        re.compile(rf"{grade}\s*\(?\s*(?:on\s+the\s+)?(?:left|right)", flags),
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
        if not any(not word.endswith("?") or len(word) == 1 for word in phrase.split()):
            raise ReportRulesError(
                f"report text rules file {origin}: {pointer}: {phrase!r} has only optional "
                "words, so it would match nothing"
            )


def _phrases(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for label, phrases in document.get("targets", {}).items():
        for index, phrase in enumerate(phrases):
            yield f"/targets/{label}/{index}", phrase
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

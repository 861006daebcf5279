"""The spaCy pipeline that the report text rules build: a blank English pipeline (nothing
downloaded) that cuts each sentence into clauses, finds the phrases of the findings and their
lookalikes, the words that name a finding only beside an anchor, and the ConText modifiers
around them (negation, uncertainty, history, hypothesis, experiencer, persistence, another
reader's word and agreement with it).

Everything here is built once from the rules (:func:`build_pipeline`); running it is then a
matter of microseconds per sentence. The ``Doc`` it returns has one sentence per clause, so a
modifier's scope ends at its clause: "no retropulsion and a cleft is seen" leaves the cleft
alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import product
from typing import Any

from .codes import VertebralLevel

#: The ConText categories: ``span._.<category>`` is set on a finding that a modifier of the
#: category reaches. Experiencer: someone else's finding (a relative's). Persistence ("again
#: demonstrated", "unchanged", "interval development") makes a finding mentioned with its
#: history current.
CATEGORIES = (
    "negation",
    "uncertainty",
    "historical",
    "hypothetical",
    "experiencer",
    "persistence",
    "attributed",
    "agreement",
)
#: A month's names, by its number.
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
#: Which way from a modifier its scope runs, by the rules file's key for its phrases.
FORWARD, BACKWARD, BOTH, TERMINATE, PSEUDO = "forward", "backward", "both", "terminate", "pseudo"
#: Forward, over the next few words only: an adjective's noun ("the former cleft").
NEAR = "near"
#: Over the whole sentence, across its clauses: an alternative offered to what it names
#: ("..., though a fracture line is a differential").
SENTENCE = "sentence"
#: Over the sentence up to a contrast, where its phrase is the sentence's first words: an
#: inverted condition ("Were a cleft present, ...", "Had the cement been thinner, ...").
OPENING = "opening"
#: Words opening a relative clause, which end a modifier's scope: "which", "that".
RELATIVE_PRONOUNS = frozenset({"which", "that"})
#: Finite verbs: a relative clause has one, and the sentence's own predicate another.
FINITE_VERBS = frozenset({"is", "are", "was", "were", "has", "have", "had"})
#: Words between a relative pronoun and its clause's predicate: auxiliary verbs, and "now"
#: and "since" ("which has since resolved").
BEFORE_A_PREDICATE = frozenset(
    {"is", "are", "was", "were", "has", "have", "had", "been", "now", "since"}
)
#: Words opening a sentence with what its statement leaves out: "Other than the cleft, ...".
LEAVING_OUT = (
    ("other", "than"),
    ("apart", "from"),
    ("aside", "from"),
    ("except", "for"),
    ("save", "for"),
    ("besides",),
)
#: How far a ``NEAR`` modifier reaches, in words.
NOUN_PHRASE_WORDS = 3
DIRECTIONS = {
    "adjectives": NEAR,
    "preceding": FORWARD,
    "following": BACKWARD,
    "bidirectional": BOTH,
    "sentence": SENTENCE,
    "opening": OPENING,
    "termination": TERMINATE,
    "pseudo": PSEUDO,
}
#: The published ConText lexicon read besides the rules file's own modifiers (medspaCy's English
#: rules, packaged verbatim; the rules file's ``context_lexicon`` names its source and licence).
CONTEXT_LEXICON = "context-rules-medspacy-en.json"
#: Entity label of phrases that look like a target but name something else.
LOOKALIKE = "lookalike"
#: Between a finding and the value an anchored word gives it, in an entity label.
READS = "="
#: The categories of a modifier that reaches back from a clause going on about what the
#: sentence named before ("... and is therefore doubtful", "; this may be artefact").
DOUBT_REACHES_BACK = frozenset({"uncertainty", "hypothetical"})
#: Words opening a clause that concedes something against the sentence's statement: a doubt
#: conceded there ("although the appearances are not entirely specific", "though a fracture
#: line cannot be excluded") is on the whole sentence.
CONCESSIVE = frozenset({"although", "though", "albeit", "whilst"})
#: The categories of a phrase opening a sentence before a comma that set the time or case
#: of the clause after it ("Before cement injection, the cleft was seen on fluoroscopy").
FRAMING = frozenset({"historical", "hypothetical"})
#: How many words of a clause may hold the word referring back ("a small one").
SUBJECT_WORDS = 3
#: Words that join a clause to the one before, skipped to find its first word.
JOINING = frozenset({"and", "but", "however", "although", "though", "whereas", "while"})
#: ``Doc.user_data`` key: clause starts after a coordinator whose reading is unclear.
#: Words that close a list of items a denial reaches ("no cleft, retropulsion or oedema").
LIST_CLOSERS = frozenset({"or", "nor", "and", "/"})
#: Verbs giving what a finding described means: a hedge before them is on the meaning.
INTERPRETING = frozenset({"reflecting", "representing", "indicating", "signifying"})
#: The categories of a modifier after its finding that a comma before a finding of its own
#: bounds ("a cleft at L1, fascial oedema absent").
OWN_ITEM = frozenset({"negation", "uncertainty"})
#: Words that say nothing more of a finding than its name.
ARTICLES = frozenset({"a", "an", "the"})
#: Verbs between a noun and a denial after it ("the cleft is absent"), no noun of their own.
COPULAS = frozenset({"is", "are", "was", "were", "be", "been", "has", "have", "had"})
#: The denials a list may repeat item by item ("no cleft, no oedema").
REPEATED_DENIALS = frozenset({"no", "without"})
DOUBTFUL_CLAUSES = "doubtful_clauses"
#: The categories whose forward scope ends at a comma unless a list goes on from it: a denial
#: and persistence ("persistent cleft, fascial oedema resolved").
LISTED = frozenset({"negation", "persistence"})
#: ``Doc.user_data`` key: clause starts of a verb that goes on with the subject before it
#: ("the L1 body has collapsed and contains gas").
SHARED_SUBJECT = "shared_subject"
#: ``Doc.user_data`` key: clause starts at a word of contrast (";", "but", "although"): what
#: follows may be about another thing or level.
CONTRAST_STARTS = "contrast_starts"
#: ``Doc.user_data`` keys: the text the Doc was made from, and its entities once found.
TEXT = "text"
ENTS = "ents"
#: ``Doc.user_data`` key: the Doc's words in lower case, read once (see :func:`words_of`).
WORDS = "words"
#: Levels a phrase's ``<level>`` stands for.
PHRASE_LEVELS = tuple(
    level.value
    for level in VertebralLevel
    if VertebralLevel.T3.position <= level.position <= VertebralLevel.L5.position
)
#: Years a phrase's ``<year>`` stands for ("the 2019 MRI").
PHRASE_YEARS = tuple(str(year) for year in range(1990, 2040))
#: Whole numbers a phrase's ``<number>`` stands for ("approximately 60 %").
PHRASE_NUMBERS = tuple(str(number) for number in range(101))
#: Whole numbers over half a hundred a phrase's ``<over_half>`` stands for ("60 % fat").
PHRASE_OVER_HALF = tuple(str(number) for number in range(51, 101))
#: A phrase's ``...``: up to this many other words of the same clause.
GAP_WORDS = 10
#: Tokens a gap never crosses: the ends of a clause's parts.
GAP_STOPS = [",", ";", ".", ":", "(", ")"]
#: Tokens of a quantity, which no gap holds either.
QUANTITY_SIGNS = frozenset({"%", "percent", "half", "third", "quarter", "thirds", "quarters"})


def build_pipeline(document: Mapping[str, Any], labelled: Sequence[tuple[str, str]]) -> Pipeline:
    """The pipeline for a rules document; ``labelled`` is (entity label, phrase) for every
    phrase the phrase ruler matches (targets, Goutallier definitions, lookalikes)."""
    # spaCy takes seconds to import: only a process that reads report text pays for it.
    import spacy

    nlp = spacy.blank("en")
    _split_in_capitals_too(nlp.tokenizer)
    synonyms = {word.lower(): tuple(others) for word, others in document["synonyms"].items()}

    def spelt(phrases: Sequence[str]) -> list[str]:
        return [text for phrase in phrases for text in spellings(phrase, synonyms, nlp.tokenizer)]

    plain = [(label, spelt([phrase])) for label, phrase in labelled if "..." not in phrase.split()]
    ruler = PhraseRuler(nlp, plain)
    gapped_phrases = [
        (label, [spelt([part]) for part in _parts(phrase)])
        for label, phrase in labelled
        if "..." in phrase.split()
    ]
    gapped = GappedPhrases(nlp, gapped_phrases)
    modifiers = document.get("modifiers", {})
    context = ConText(
        nlp,
        [*context_rules(modifiers, spelt), *lexicon_rules(document, spelt)],
        document.get("clauses", {}).get("refer_back", ()),
        spelt(document.get("clauses", {}).get("naming", ())),
        document.get("clauses", {}).get("causes", ()),
    )
    preceding = modifiers.get("negation", {}).get("preceding", ())
    negations = frozenset(word.lower() for word in preceding if " " not in word)
    clause_rules = document.get("clauses", {})
    clauses = ClauseMarker(clause_rules, negations, spelt(clause_rules.get("verbs", ())))
    anchored_rules = document.get("anchored", {})
    anchored = AnchoredWords(nlp, anchored_rules, spelt, negations)
    # A word that everything that can become a finding holds (the longest, so the rarest
    # likely, of each phrase; an anchor where a word needs one): a sentence with none of them
    # (most of a report: discs, canal, conus) states nothing, and is not read further.
    needed = [
        *(text for label, texts in plain if label != LOOKALIKE for text in texts),
        *(text for _, parts in gapped_phrases for text in parts[0]),
        *(
            text
            for entries in anchored_rules.values()
            if isinstance(entries, list)
            for entry in entries
            for text in spelt(_rarer_part(entry))
        ),
    ]
    triggers = frozenset(max(text.split(), key=len) for text in needed)
    finders = (clauses, ruler, gapped, anchored)
    return Pipeline(nlp, triggers, finders, context)


def _rarer_part(entry: Mapping[str, Any]) -> Sequence[str]:
    """The part of an anchored entry that a sentence holds less often: its anchors, unless
    they are vertebral levels (named in most sentences of a spine report), else its words."""
    anchors = entry.get("anchors") or ()
    if not anchors or any("<level>" in anchor.split("|") for anchor in anchors):
        return entry["words"]
    return anchors


def _split_in_capitals_too(tokenizer: Any) -> None:
    """spaCy splits "cannot" and "can't" but not "CANNOT" or "CAN'T": each special case in
    capitals too, so that a report typed in capitals gives the tokens the rules' phrases are
    ("CANNOT BE EXCLUDED" is a hedge, not the denial "EXCLUDED")."""
    from spacy.attrs import ORTH

    rules = dict(tokenizer.rules)
    for text, pieces in tokenizer.rules.items():
        if text.upper() not in rules:
            rules[text.upper()] = [{**piece, ORTH: piece[ORTH].upper()} for piece in pieces]
    tokenizer.rules = rules


@dataclass(frozen=True)
class Pipeline:
    """spaCy's tokenizer, then the steps that find the findings' words (ours between spaCy's
    components), then ConText for what they found. A sentence holding none of the ``triggers``
    words states no finding, and one where nothing is found needs no context: neither is read
    further."""

    nlp: Any
    triggers: frozenset[str]
    finders: tuple[Callable[[Any], Any], ...]
    context: Callable[[Any], Any]

    def __call__(self, text: str) -> Any:
        doc = self._read(text)
        doc.user_data[TEXT] = text
        doc.user_data[ENTS] = tuple(doc.ents)
        return doc

    def modifier_categories(self, doc: Any) -> frozenset[str]:
        """The ConText categories of the modifiers in a Doc, whatever they reach: for a
        sentence that names no finding, what it says of the one before ("It is unchanged":
        persistence)."""
        return self.context.categories_in(doc)

    def _read(self, text: str) -> Any:
        doc = self.nlp.make_doc(text)
        words = [token.lower_ for token in doc]
        doc.user_data[WORDS] = words
        if self.triggers.isdisjoint(words):
            return doc
        for step in self.finders:
            doc = step(doc)
        if all(ent.label_ == LOOKALIKE for ent in doc.ents):
            return doc
        return self.context(doc)


def text_of(doc: Any) -> str:
    """The text a pipeline's Doc was made from: ``Doc.text`` joins every token again at each
    call, the reader's largest cost when it was read per mention."""
    return doc.user_data[TEXT]


def words_of(doc: Any) -> list[str]:
    """A pipeline's Doc's words in lower case, by token index: ``doc[i]`` and iterating the
    Doc make each Token again at each call."""
    return doc.user_data[WORDS]


def ents_of(doc: Any) -> tuple[Any, ...]:
    """A pipeline's Doc's entities, as found: ``Doc.ents`` makes each Span again at each call."""
    return doc.user_data[ENTS]


@dataclass(frozen=True)
class ContextRule:
    """Phrases of one ConText category and direction (``TERMINATE`` without a category ends
    every category's scope)."""

    category: str | None
    direction: str
    texts: tuple[str, ...]


def context_rules(
    modifiers: Mapping[str, Any], spelt: Callable[[Sequence[str]], list[str]]
) -> Iterator[ContextRule]:
    """The rules file's own modifiers: per category, its phrases by direction; the shared
    ``termination`` list ends every category's scope."""
    yield ContextRule(None, TERMINATE, tuple(spelt(modifiers.get("termination", ()))))
    for category in CATEGORIES:
        for key, direction in DIRECTIONS.items():
            phrases = modifiers.get(category, {}).get(key, ())
            if phrases:
                yield ContextRule(category, direction, tuple(spelt(phrases)))


def lexicon_rules(
    document: Mapping[str, Any], spelt: Callable[[Sequence[str]], list[str]]
) -> Iterator[ContextRule]:
    """The published ConText lexicon's rules, in the categories the rules file maps them to,
    less those it leaves out. A rule's token pattern (``LOWER`` words or word lists, ``OP:
    "?"``) becomes this file's phrase syntax."""
    settings = document.get("context_lexicon")
    if not settings:
        return
    lexicon = json.loads(resources.files(__package__).joinpath(CONTEXT_LEXICON).read_text("utf-8"))
    categories = settings["categories"]
    left_out = {literal.lower() for literal in settings.get("left_out", {})}
    for rule in lexicon["context_rules"]:
        category = categories.get(rule["category"])
        if category is None or rule["literal"].lower() in left_out:
            continue
        phrase = _lexicon_phrase(rule)
        direction = {"BIDIRECTIONAL": BOTH}.get(rule["direction"], rule["direction"].lower())
        yield ContextRule(category, direction, tuple(spelt([phrase])))


def _lexicon_phrase(rule: Mapping[str, Any]) -> str:
    if not rule.get("pattern"):
        return str(rule["literal"])
    words = []
    for token in rule["pattern"]:
        lower = token["LOWER"]
        alternatives = lower["IN"] if isinstance(lower, dict) else [lower]
        # A multi-word alternative ("risk of") in one token never matches one token: its
        # first word is what it can stand for.
        word = "|".join(dict.fromkeys(a.split()[0] for a in alternatives))
        words.append(f"{word}?" if token.get("OP") == "?" else word)
    return " ".join(words)


class ConText:
    """ConText (Harkema et al., 2009, NegEx's successor) as medspaCy implements it: each
    modifier phrase has a category and a direction; its scope runs from it forward, backward or
    both ways to the end of its clause, and stops at a termination phrase of its category or of
    all. A finding in the scope gets the category. A pseudo phrase ("no definite", "likely
    post-traumatic") silences the modifiers of its category that overlap it, and a modifier
    inside a longer one of any category gives way to it ("no" inside "no longer": history, not
    negation)."""

    def __init__(
        self,
        nlp: Any,
        rules: Sequence[ContextRule],
        refer_back: Sequence[str] = (),
        naming: Sequence[str] = (),
        causes: Sequence[str] = (),
    ) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Span

        self._refer_back = frozenset(word.lower() for word in refer_back)
        self._naming = frozenset(phrase.lower() for phrase in naming)
        self._causes = frozenset(word.lower() for word in causes)
        for category in CATEGORIES:
            Span.set_extension(category, default=False, force=True)
        self._rules = [rule for rule in rules if rule.texts]
        self._matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for index, rule in enumerate(self._rules):
            self._matcher.add(str(index), phrase_patterns(nlp, rule.texts))

    def __call__(self, doc: Any) -> Any:
        modifiers = self._modifiers(doc)
        ends = [(rule, start, end) for rule, start, end in modifiers if rule.direction == TERMINATE]
        findings = [ent for ent in doc.ents if ent.label_ != LOOKALIKE]
        denied_before: set[int] = set()
        excluded_after: set[int] = set()
        # "Other than the cleft, ...": where the phrase leaving something out ends, if any.
        left_out = _left_out_by_opening(doc)
        for rule, start, end in modifiers:
            if rule.direction in (TERMINATE, PSEUDO):
                continue
            low, high = _scope(doc, rule, start, end, ends)
            if rule.direction == BOTH and _interpreting(doc, end):
                # "Fluid cleft in L1, likely reflecting osteonecrosis": a hedge on what the
                # finding before means, not on the finding; what it names after is hedged.
                low = start
            if (
                rule.category in FRAMING
                and rule.direction == FORWARD
                and start == 0
                and (opening := opening_phrase(doc)) is not None
            ):
                # "Before cement injection, the gas cleft was visible": the opening phrase is
                # the time of the clause it opens, though a comma closes its own. One standing
                # later in the phrase may be another thing's time ("On follow-up at 6 weeks,",
                # "Compared with the pre-procedure CT,").
                high = doc[opening.end].sent.end
            if rule.direction in (BACKWARD, BOTH) and left_out is not None and start >= left_out:
                # "Other than resolution of the L1 cleft, appearances are stable": what the
                # sentence says after the phrase is not said of what the phrase leaves out.
                low = max(low, left_out)
            if rule.category in LISTED and rule.direction == FORWARD:
                # "Persistent L1 cleft, fascial oedema resolved": the second item is not
                # the persistence's.
                high = _denied_list_end(doc, start, end, high)
            if rule.category == "negation" and doc[start].lower_ == "no" and end == start + 1:
                # "No cleft at L2 and a fluid cleft at L1": "no" does not reach a noun that
                # has an article of its own.
                high = _before_an_item_of_its_own(doc, end, high)
            if rule.category == "negation" and rule.direction == BACKWARD:
                # "Cement: blocky, leakage none": the denial answers the noun of its own
                # part, not the item before the comma.
                low = _denied_list_start(doc, low, start)
            if rule.category in OWN_ITEM and rule.direction == BACKWARD:
                # "Cleft at L1, fascial oedema not excluded": the hedge is the oedema's.
                low = _own_item_start(doc, low, start, findings)
            category = rule.category
            if (
                category == "negation"
                and rule.direction == BACKWARD
                and _subjects_verb_denies(doc, start, findings)
            ):
                # "Intravertebral cleft was sought and is absent": the verb after "and" is the
                # subject's before it, and so is the denial closing it.
                low = doc[doc[start].sent.start - 1].sent.start
            if category in DOUBT_REACHES_BACK and self._refers_back(doc, start):
                # "A cleft is seen on STIR but not on T2 and is therefore doubtful": a doubt
                # in a clause about what the sentence named before is about that too.
                low = 0
            if (
                category == "uncertainty"
                and _conceded(doc, start, end, findings)
                and not self._doubts_a_cause(doc, start, end)
            ):
                # "Gas within L1, in keeping with a cleft, although gas along a fracture line
                # cannot be excluded": the concession is a doubt on what the sentence states.
                low, high = 0, len(doc)
            # "Fluid cleft in L1, s/o Kummell's": the words name the cleft the clause stated.
            named = self._named_before(doc, rule, start, end, findings)
            for ent in findings:
                if ent.label_ in named:
                    continue
                if ent.start < high and low < ent.end and _outside_or_within(ent, start, end):
                    # "There may be air in this bone; this happens when ...": what a clause
                    # after supposes of a finding named before leaves it in doubt, not unsaid.
                    behind = category == "hypothetical" and ent.end <= doc[start].sent.start
                    ent._.set("uncertainty" if behind else category, True)
                    if category == "negation" and end <= ent.start:
                        denied_before.add(ent.start)
                    elif category == "negation" and _excludes(doc[start:end]):
                        excluded_after.add(ent.start)
        for ent in findings:
            if ent.start in denied_before and ent.start in excluded_after:
                # "Neither cleft nor fascial oedema excluded": not excluded, so possible.
                ent._.set("uncertainty", True)
            if ent._.attributed and not ent._.agreement:
                # "The outside report describes a cleft": another reader's word, a doubt
                # unless this report agrees with it ("..., and I agree").
                ent._.set("uncertainty", True)
        return doc

    def categories_in(self, doc: Any) -> frozenset[str]:
        """The categories of the modifiers a Doc holds, pseudo and termination phrases left
        out."""
        return frozenset(
            rule.category
            for rule, _, _ in self._modifiers(doc)
            if rule.direction not in (TERMINATE, PSEUDO)
        )

    def _named_before(
        self, doc: Any, rule: ContextRule, start: int, end: int, findings: Sequence[Any]
    ) -> frozenset[str]:
        """The findings a doubting modifier only names, as those stated before it in its
        clause: none unless its words are naming words."""
        if rule.category != "uncertainty":
            return frozenset()
        if " ".join(token.lower_ for token in doc[start:end]) not in self._naming:
            return frozenset()
        clause_start = doc[start].sent.start
        return frozenset(e.label_ for e in findings if clause_start <= e.start and e.end <= start)

    def _doubts_a_cause(self, doc: Any, start: int, end: int) -> bool:
        """Whether a modifier's clause names a cause of the fracture up to the modifier's end
        ("though myeloma remains possible"): the doubt is the cause's."""
        clause_start = doc[start].sent.start
        return any(token.lower_ in self._causes for token in doc[clause_start:end])

    def _refers_back(self, doc: Any, at: int) -> bool:
        """Whether the clause of a modifier goes on about what a clause before it named: it
        starts with a verb of the subject before it, or with a word referring back ("this",
        "which")."""
        clause = doc[at].sent
        if clause.start == 0:
            return False
        if clause.start in doc.user_data.get(SHARED_SUBJECT, ()):
            return True
        # Its subject: among the first few words ("this", "which", "a small one").
        words = [t for t in clause if not t.is_punct and t.lower_ not in JOINING]
        return any(t.lower_ in self._refer_back for t in words[:SUBJECT_WORDS])

    def _modifiers(self, doc: Any) -> list[tuple[ContextRule, int, int]]:
        found = [
            (rule, start, end)
            for match_id, start, end in self._matcher(doc)
            if (rule := self._rules[int(doc.vocab.strings[match_id])]).direction != OPENING
            or start == 0
        ]
        pseudo = [(r.category, s, e) for r, s, e in found if r.direction == PSEUDO]
        unsilenced = [
            (rule, start, end)
            for rule, start, end in found
            if rule.direction == PSEUDO
            or not any(
                category == rule.category and s < end and start < e and not _holds(start, end, s, e)
                for category, s, e in pseudo
            )
        ]
        return [
            (rule, start, end)
            for rule, start, end in unsilenced
            if not any(_gives_way((rule, start, end), other) for other in unsilenced)
        ]


def _conceded(doc: Any, start: int, end: int, findings: Sequence[Any]) -> bool:
    """Whether a modifier stands in a clause opened by a concession ("although", "though")
    that names no finding up to the modifier: the doubt it concedes is about the sentence's
    finding ("although the appearances are not entirely specific, there is gas in L1"). A
    concession naming a finding of its own ("although fascial oedema cannot be excluded")
    doubts that."""
    clause = doc[start].sent
    words = [t for t in clause if not t.is_punct]
    if not words or words[0].lower_ not in CONCESSIVE:
        return False
    return not any(clause.start <= ent.start < end for ent in findings)


def opening_phrase(doc: Any) -> Any:
    """The phrase opening a sentence, where a comma closes it, a clause follows and it names no
    finding ("Before cement injection, ...", "At L3/4, ..."); else None."""
    first = doc[0].sent
    if first.end >= len(doc) or doc[first.end].text != ",":
        return None
    return None if any(ent.start < first.end for ent in doc.ents) else first


def _left_out_by_opening(doc: Any) -> int | None:
    """Where a phrase opening the sentence with what its statement leaves out ends, at the
    first comma that opens no relative clause ("Other than the L1 cleft, ...", "Apart from
    fascial oedema, which has resolved, ..."); else None."""
    words = tuple(token.lower_ for token in doc[:2])
    if not any(words[: len(opener)] == opener for opener in LEAVING_OUT):
        return None
    return next(
        (
            token.i + 1
            for token in doc[:-1]
            if token.text == "," and doc[token.i + 1].lower_ not in RELATIVE_PRONOUNS
        ),
        None,
    )


def _interpreting(doc: Any, end: int) -> bool:
    """Whether a modifier ends with, or is followed by, a verb giving what something means
    ("likely reflecting", "probably representing")."""
    last = doc[end - 1].lower_
    return last in INTERPRETING or (end < len(doc) and doc[end].lower_ in INTERPRETING)


def _denied_list_end(doc: Any, start: int, end: int, high: int) -> int:
    """Where a denial's forward scope ends: at a comma, unless what follows the comma goes on
    a list closed by "or", "nor" or "and" ("without a cleft, retropulsion or oedema"); "without
    a cleft, fascia oedema T12-L2" denies the cleft alone. In a list whose items each have a
    denial of their own ("no cleft, no oedema, and fat exceeding muscle"), each ends at its
    comma: the item closed by "and" without one is stated. A comma in brackets ("neither
    fracture (T12, L1) shows a cleft") ends no item."""
    commas = _commas_outside_brackets(doc, end, high)
    if not commas:
        return high
    following = commas[0] + 1 < len(doc) and doc[commas[0] + 1].lower_ in REPEATED_DENIALS
    repeated = start > 0 and doc[start - 1].text == "," and doc[start].lower_ in REPEATED_DENIALS
    closers = {t.lower_ for t in doc[commas[0] : high]} & LIST_CLOSERS
    if following or (repeated and closers == {"and"}):
        return commas[0]
    return high if closers else commas[0]


def _before_an_item_of_its_own(doc: Any, end: int, high: int) -> int:
    """Where "and" before an article ends a denial's reach ("no cleft at L2 and a fluid cleft
    at L1"), else ``high``."""
    for token in doc[end : high - 1]:
        if token.lower_ == "and" and doc[token.i + 1].lower_ in ("a", "an"):
            return token.i
    return high


def _commas_outside_brackets(doc: Any, start: int, end: int) -> list[int]:
    commas, depth = [], 0
    for token in doc[start:end]:
        depth += _opens_or_closes(token)
        if token.text == "," and depth <= 0:
            commas.append(token.i)
    return commas


def _denied_list_start(doc: Any, low: int, start: int) -> int:
    """Where a denial after its noun reaches back to. After a field's answer ("Cement: blocky,
    leakage none"), a part after a comma naming a noun of its own with no list word is the
    denial's alone; a list before the denial ("cleft, fascial oedema: none", "cleft,
    retropulsion or oedema absent") is denied whole."""
    commas = [t.i for t in doc[low:start] if t.text == ","]
    if not commas or not any(t.text == ":" for t in doc[low : commas[-1]]):
        return low
    words = doc[commas[-1] + 1 : start]
    if any(t.lower_ in LIST_CLOSERS for t in words):
        return low
    own = any(t.is_alpha and t.lower_ not in COPULAS for t in words)
    return commas[-1] + 1 if own else low


def _own_item_start(doc: Any, low: int, start: int, findings: Sequence[Any]) -> int:
    """Where a modifier after a finding reaches back to: past a comma only into a list. Where
    the part after the last comma names a finding of its own, with no list word, and the part
    before it says more of its finding than its name ("a cleft at L1, fascial oedema not
    excluded"), the modifier is the later finding's alone; a bare list ("cleft, fascial
    oedema: not excluded") is the modifier's whole."""
    commas = [t.i for t in doc[low:start] if t.text == ","]
    if not commas:
        return low
    comma = commas[-1]
    if any(t.lower_ in LIST_CLOSERS for t in doc[comma + 1 : start]):
        return low
    if not any(comma < ent.start and ent.end <= start for ent in findings):
        return low
    before = commas[-2] + 1 if len(commas) > 1 else low
    named = [ent for ent in findings if before <= ent.start and ent.end <= comma]
    if not named:
        return low
    inside = {i for ent in named for i in range(ent.start, ent.end)}
    more = [
        t
        for t in doc[before:comma]
        if t.i not in inside and not t.is_punct and t.lower_ not in ARTICLES
    ]
    return comma + 1 if more else low


def _outside_or_within(ent: Any, start: int, end: int) -> bool:
    """Whether a modifier stands apart from a finding's words, in a gap of them ("fat
    possibly less than muscle"), or starts before them and takes in their first ("no
    abnormal signal": the lexicon's "no abnormal"); not where the finding's own words begin
    with it or with a denial of their own ("no fatty streaks", after "with no", is a phrase
    itself)."""
    return (
        end <= ent.start
        or ent.end <= start
        or (ent.start < start and end < ent.end)
        or (start < ent.start < end and ent[0].lower_ not in REPEATED_DENIALS)
    )


def _holds(start: int, end: int, inner_start: int, inner_end: int) -> bool:
    """Whether a modifier's words hold a pseudo phrase's and more: the longer phrase reads
    them ("likely due to a cleft" doubts the cause it names, where "likely due" alone says
    only that the finding before has a cause)."""
    return start <= inner_start and inner_end <= end and end - start > inner_end - inner_start


def _gives_way(modifier: tuple[ContextRule, int, int], other: tuple[ContextRule, int, int]) -> bool:
    """Whether a modifier lies inside a longer one that reads its words otherwise: of another
    category ("no" in "no longer"), or of its own category and direction. ("previous" reaches
    forward though "on the previous" reaches back.)"""
    rule, start, end = modifier
    longer, other_start, other_end = other
    inside = other_start <= start and end <= other_end and other_end - other_start > end - start
    return inside and (longer.category != rule.category or longer.direction == rule.direction)


def _as_sentences(doc: Any, starts: Iterable[int]) -> None:
    """Mark the Doc's sentences as beginning at ``starts``, in one call: token by token, each
    mark costs a check of the Doc's annotations."""
    import numpy
    from spacy.attrs import SENT_START

    marks = numpy.full((len(doc), 1), -1, dtype="int64")
    # One by one: numpy's indexing by a list costs more than a few assignments.
    for start in starts:
        marks[start, 0] = 1
    doc.from_array([SENT_START], marks.astype("uint64"))


def _subjects_verb_denies(doc: Any, start: int, findings: Sequence[Any]) -> bool:
    """Whether a denial at ``start`` closes a clause going on with the subject before it ("...
    was sought and is absent") that names no finding of its own before the denial."""
    clause = doc[start].sent
    return (
        clause.start > 0
        and clause.start in doc.user_data.get(SHARED_SUBJECT, ())
        and not any(clause.start <= ent.start < start for ent in findings)
    )


def _scope(
    doc: Any,
    rule: ContextRule,
    start: int,
    end: int,
    ends: Sequence[tuple[ContextRule, int, int]],
) -> tuple[int, int]:
    """The token span a modifier reaches: its clause in its direction, up to the nearest
    termination of its category or of all; the whole sentence for one of the sentence."""
    if rule.direction == SENTENCE:
        return 0, len(doc)
    if rule.direction == OPENING:
        # "Had there been oedema, ...; as it is, there is none": up to a contrast.
        contrasts = doc.user_data.get(CONTRAST_STARTS, ())
        return 0, min((at for at in contrasts if at > start), default=len(doc))
    clause = doc[start].sent
    stops = [(s, e) for r, s, e in ends if r.category in (None, rule.category)]
    low, high = start, end
    if rule.direction in (FORWARD, BOTH, NEAR):
        high = min((s for s, _ in stops if s >= end), default=clause.end)
    if rule.direction == NEAR:
        # "no significant stenosis or fascial oedema": the adjective of each noun of a list
        # closed by "or" or "nor" after its own.
        listed = any(
            t.lower_ in ("or", "nor") for t in doc[end : min(high, end + NOUN_PHRASE_WORDS + 1)]
        )
        high = (
            _denied_list_end(doc, start, end, high)
            if listed
            else min(high, end + NOUN_PHRASE_WORDS)
        )
    if rule.direction in (BACKWARD, BOTH):
        low = max(
            (
                e
                for s, e in stops
                if e <= start
                and not _closed_relative(doc, s, e, start)
                and not (rule.category == "historical" and _relative_predicate(doc, s, e, start))
            ),
            default=clause.start,
        )
    if rule.direction in (FORWARD, BOTH, NEAR):
        # "L2 (chronic, no cleft) and L4 (with a cleft)": a modifier in brackets reaches
        # forward to their end, not beyond; back, it still answers what they follow
        # ("cleft (none)").
        high = min(high, _bracket_closing(doc, clause.start, start))
    return max(low, clause.start), min(high, clause.end)


def _excludes(words: Any) -> bool:
    """Whether a denial after a finding says it was excluded ("excluded", "ruled out"): denied
    again before, it is not excluded."""
    return words[-1].lower_ in ("excluded", "out")


def _closed_relative(doc: Any, stop: int, stop_end: int, modifier: int) -> bool:
    """Whether a termination is a relative pronoun whose clause ends before a modifier after
    it: "the cleft which was described on the previous MRI is no longer seen" has a verb for
    the relative clause and one for the sentence's subject, so "no longer seen" is said of
    the cleft."""
    if stop_end - stop != 1 or doc[stop].lower_ not in RELATIVE_PRONOUNS:
        return False
    finite = [t for t in doc[stop_end : modifier + 1] if t.lower_ in FINITE_VERBS]
    return len(finite) >= 2


def _relative_predicate(doc: Any, stop: int, stop_end: int, modifier: int) -> bool:
    """Whether a modifier is the predicate of a relative clause a pronoun opens just before
    it ("the cleft, which has resolved", "..., which is no longer seen"): what it says is
    said of the pronoun's antecedent."""
    return (
        stop_end - stop == 1
        and doc[stop].lower_ in RELATIVE_PRONOUNS
        and all(t.lower_ in BEFORE_A_PREDICATE for t in doc[stop_end:modifier])
    )


def _bracket_closing(doc: Any, low: int, at: int) -> int:
    """The token closing the brackets a token is in (searched from ``low``), or the end of
    the doc if it is in none."""
    depth = sum(_opens_or_closes(token) for token in doc[low:at])
    if depth <= 0:
        return len(doc)
    for token in doc[at:]:
        depth += _opens_or_closes(token)
        if depth == 0:
            return token.i
    return len(doc)


def _opens_or_closes(token: Any) -> int:
    """1 for an opening bracket, -1 for a closing one, else 0."""
    return (token.text == "(") - (token.text == ")")


class ClauseMarker:
    """Marks where a sentence's clauses begin (as sentence starts, which bound NegEx's scope):
    at each boundary word (";", "but", "however"), and at a coordinator ("and", ",") followed by
    a clause of its own: a verb within the window, no list word before it, not a negation
    first. Without a subject opener ("a", "the", "there") first, the new clause is marked
    doubtful when the clause before it negates something: "no retropulsion and cleft is seen"
    could deny the cleft or state it."""

    def __init__(
        self, rules: Mapping[str, Any], negations: frozenset[str], verbs: Sequence[str]
    ) -> None:
        self._boundaries = frozenset(w.lower() for w in rules.get("boundaries", ()))
        self._floating = frozenset(w.lower() for w in rules.get("floating", ()))
        self._coordinators = frozenset(w.lower() for w in rules.get("coordinators", ()))
        self._with_subject = frozenset(w.lower() for w in rules.get("only_before_a_subject", ()))
        openers = [w.lower() for w in rules.get("subject_openers", ())]
        if "<level>" in openers:
            openers.extend(level.lower() for level in PHRASE_LEVELS)
        self._openers = frozenset(openers)
        self._verbs = frozenset(verb.lower() for verb in verbs)
        self._window = int(rules.get("window", 8))
        self._plural_verbs = frozenset(w.lower() for w in rules.get("plural_verbs", ()))
        self._participles = frozenset(w.lower() for w in rules.get("participles", ()))
        self._negations = negations
        #: Words that continue a list: "no cleft, gas or oedema is seen" is one clause.
        self._list_words = self._coordinators | {"or", "nor"}
        self._levels = frozenset(level.lower() for level in PHRASE_LEVELS)

    def __call__(self, doc: Any) -> Any:
        words = words_of(doc)
        # The text is one sentence already (the reader splits them): "?cleft" and "et al." are
        # not sentence ends here.
        starts = {0}
        opened: set[int] = set()
        doubtful: set[int] = set()
        shared: set[int] = set()
        contrast: set[int] = set()
        clause_start = 0
        for i, word in enumerate(words):
            if i in starts:
                clause_start = i
                continue
            if word in self._boundaries:
                start = i + 1 if doc[i].is_punct else i
                if start < len(words) and not self._parenthetical(doc, words, i):
                    starts.add(start)
                    contrast.add(start)
            elif (
                word in self._coordinators
                and not _listed_in_brackets(words, i)
                and not self._joins_levels(words, i, words[clause_start:i])
                and not _joins_dates(words, i)
                and self._opens_clause(words, i, denies=self._denies(words[clause_start:i]))
            ):
                first = words[self._first_word(words, i)]
                before = words[clause_start:i]
                has_verb = any(w in self._verbs for w in before)
                negations = sum(w in self._negations for w in before)
                # A denial closing its own item ("cleft absent, oedema present") reaches no
                # further than that item: what follows is not doubtful.
                reaching = before[:-1] if before[-1] in self._negations else before
                reaching_negations = sum(w in self._negations for w in reaching)
                if (
                    not has_verb
                    and not negations
                    and (
                        first not in self._openers | self._verbs
                        or self._plural_verb_after(words, i)
                    )
                ):
                    # "fat and muscle are present", "fascial oedema and a cleft are not seen":
                    # one subject of two nouns, whose verb is both nouns'.
                    continue
                opened.add(i)
                if first in self._verbs:
                    shared.add(i)
                # "No retropulsion and cleft is seen" may deny the cleft or state it; "there
                # is no retropulsion and oedema is present" has a verb of its own before "and";
                # "no retropulsion, no cord compression, and fluid tracks ..." gives each denied
                # item its own negation, so the item without one is not denied.
                if (
                    first not in self._openers | self._verbs
                    and reaching_negations == 1
                    and not has_verb
                    and not _closes_one_item(words, i, before)
                ):
                    doubtful.add(i)
        _as_sentences(doc, starts | opened)
        doc.user_data[DOUBTFUL_CLAUSES] = frozenset(doubtful)
        doc.user_data[SHARED_SUBJECT] = frozenset(shared)
        doc.user_data[CONTRAST_STARTS] = frozenset(contrast)
        return doc

    def _plural_verb_after(self, words: Sequence[str], at: int) -> bool:
        """Whether the first verb after a coordinator is plural ("are", "were"): the verb of
        a subject of two nouns. A participle describing the noun before it is passed over:
        in "the cleft and the fascial oedema seen previously have resolved" the verb is
        "have"."""
        if words[at] in self._with_subject:
            return False
        verbs = (w for w in words[at + 1 :] if w in self._verbs)
        verb = next((v for v in verbs if v not in self._participles), None)
        return verb is not None and verb in self._plural_verbs

    def _parenthetical(self, doc: Any, words: Sequence[str], at: int) -> bool:
        """Whether a boundary word that may stand anywhere ("however") stands inside its
        clause, between the subject and its verb: "the fascia, however, is oedematous"."""
        if words[at] not in self._floating:
            return False
        following = next((t for t in doc[at + 1 :] if not t.is_punct), None)
        return following is not None and following.lower_ in self._verbs

    def _joins_levels(self, words: Sequence[str], at: int, before: Sequence[str]) -> bool:
        """Whether the coordinator joins two vertebral levels: "posterior to T8 and T9 is
        oedematous" is one clause; not where the second level is the subject of a verb of its
        own ("a cleft in L3 and L2 shows oedema only")."""
        first = self._first_word(words, at)
        # "the cleft is in L3 and L2 shows oedema only": after a clause with a verb of its
        # own, the second level is a new subject.
        subject = (
            first + 1 < len(words)
            and words[first + 1] in self._verbs
            and any(w in self._verbs for w in before)
        )
        return (
            at > 0
            and words[at - 1] in self._levels
            and words[first] in self._levels
            and not subject
        )

    def _first_word(self, words: Sequence[str], at: int) -> int:
        j = at + 1
        while j < len(words) and words[j] in self._coordinators:
            j += 1
        return min(j, len(words) - 1)

    def _denies(self, words: Sequence[str]) -> bool:
        return any(w in self._negations for w in words)

    def _opens_clause(self, words: Sequence[str], at: int, denies: bool = False) -> bool:
        first = self._first_word(words, at)
        word = words[first]
        if first == len(words) - 1 or word in self._negations:
            return False
        if words[at] in self._with_subject and word not in self._openers and not denies:
            # "cleft, again demonstrated": the same subject goes on; but after a denial
            # ("no retropulsion, fluid cleft present") an item with a verb of its own and no
            # list word before it is not denied with the others.
            return False
        if word in self._verbs:
            # "has not spread and sits as a bolus": a verb of its own.
            return True
        # The window lies after the coordinator, where no clause is marked yet.
        for following in words[first + 1 : first + 1 + self._window]:
            if following in self._boundaries or following in self._list_words:
                return False
            if following in self._verbs:
                return True
        return False


def _listed_in_brackets(words: Sequence[str], at: int) -> bool:
    """Whether a comma lists words inside brackets opened before it and not yet closed:
    "fascial oedema (thoracolumbar, T11-L1) has resolved" is one clause; a clause of its own
    in the brackets (", and showing none)") is not a list."""
    return (
        words[at] == ","
        and words[at + 1 : at + 2] not in (["and"], ["but"], ["or"])
        and words[:at].count("(") > words[:at].count(")")
    )


def _joins_dates(words: Sequence[str], at: int) -> bool:
    """Whether a coordinator joins two dates ("the cleft seen on 2 Feb and 16 Feb is no longer
    seen"): a month or a year before it and a day, a year or a month after it are one
    clause's ("may" after it is the verb more often than the month)."""
    if at == 0 or at + 1 >= len(words):
        return False
    before, after = words[at - 1], words[at + 1]
    return (before in MONTHS or (before.isdigit() and len(before) == 4)) and (
        (after in MONTHS and after != "may") or (after.isdigit() and len(after) in (1, 2, 4))
    )


def _closes_one_item(words: Sequence[str], at: int, before: Sequence[str]) -> bool:
    """Whether a comma and "and" follow one denied item alone ("no retropulsion, and oedema
    is seen"): two denied items take no comma between them, so the comma closes the denial
    and what follows is stated. After a list ("no retropulsion, stenosis, and cleft is seen")
    the comma may be the list's own."""
    pair = words[at : at + 2] if words[at] == "," else words[at - 1 : at + 1]
    item = before[:-1] if before[-1:] == [","] else before
    return list(pair) == [",", "and"] and not any(w in (",", "and", "or", "nor") for w in item)


class PhraseRuler:
    """The rules' plain phrases as entities, set as spaCy's EntityRuler sets phrase patterns
    (the longest match first, then the first; none whose first or last word another holds),
    without the EntityRuler's empty token matcher, which warns, and so costs, at every call."""

    def __init__(self, nlp: Any, phrases: Sequence[tuple[str, Sequence[str]]]) -> None:
        from spacy.matcher import PhraseMatcher

        self._matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        texts: dict[str, list[str]] = {}
        for label, spellings_of_phrase in phrases:
            texts.setdefault(label, []).extend(spellings_of_phrase)
        for label, label_texts in texts.items():
            self._matcher.add(label, phrase_patterns(nlp, label_texts))

    def __call__(self, doc: Any) -> Any:
        from spacy.tokens import Span

        matches = sorted(
            {(label, start, end) for label, start, end in self._matcher(doc) if start != end},
            key=lambda match: (match[2] - match[1], -match[1]),
            reverse=True,
        )
        spans, taken = [], set()
        for label, start, end in matches:
            if start not in taken and end - 1 not in taken:
                spans.append(Span(doc, start, end, label=label))
                taken.update(range(start, end))
        if spans:
            # Most sentences hold no phrase: the Doc's entities are costly to read and set.
            doc.ents = [*doc.ents, *spans]
        return doc


class GappedPhrases:
    """Phrases with gaps ("fat ... less than ... muscle"), added where no phrase without one
    stands: their parts found by spaCy's PhraseMatcher, then joined where each follows the
    one before within :data:`GAP_WORDS` words of the same clause, none of them a stop
    (spaCy's Matcher does the same with quantifiers, at milliseconds a sentence)."""

    def __init__(self, nlp: Any, phrases: Sequence[tuple[str, list[list[str]]]]) -> None:
        from spacy.matcher import PhraseMatcher

        self._matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._phrases = [(label, len(parts)) for label, parts in phrases]
        for index, (_, parts) in enumerate(phrases):
            for number, texts in enumerate(parts):
                self._matcher.add(f"{index}:{number}", phrase_patterns(nlp, texts))

    def __call__(self, doc: Any) -> Any:
        if not self._phrases:
            return doc
        parts: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for match_id, start, end in self._matcher(doc):
            index, number = doc.vocab.strings[match_id].split(":")
            parts.setdefault((int(index), int(number)), []).append((start, end))
        found = []
        # Only phrases whose first part was matched can be found (in the rules' order).
        for index in sorted({index for index, number in parts if number == 0}):
            label, count = self._phrases[index]
            runs = parts[(index, 0)]
            for number in range(1, count):
                following = sorted(parts.get((index, number), []))
                # Each run goes on to the nearest next part only: a gap never skips over one
                # ("fat less than muscle in X and more than muscle in Y" ends at the first
                # "muscle").
                joined = [(start, self._nearest(doc, end, following)) for start, end in runs]
                runs = [(start, after) for start, after in joined if after is not None]
            found.extend((label, start, end) for start, end in runs)
        return _with_entities(doc, found)

    def _nearest(self, doc: Any, end: int, following: list[tuple[int, int]]) -> int | None:
        """Where the nearest part after ``end`` that a gap may join ends; None if none."""
        return next((after for begin, after in following if self._joinable(doc, end, begin)), None)

    @staticmethod
    def _joinable(doc: Any, end: int, begin: int) -> bool:
        if not end <= begin <= end + GAP_WORDS:
            return False
        if any(doc[i].is_sent_start for i in range(end, begin + 1)):
            return False
        # A quantity in a gap changes what the phrase compares: "fat less than 50% of the
        # muscle" is not "fat less than muscle".
        return not any(
            doc[i].text in GAP_STOPS or doc[i].lower_ in QUANTITY_SIGNS for i in range(end, begin)
        )


def _with_entities(doc: Any, found: Sequence[tuple[str, int, int]]) -> Any:
    """The doc with the spans found added as entities where none stands yet (the longest of
    overlapping ones)."""
    if not found:
        # Most sentences: nothing to add, and the Doc's entities are costly to read.
        return doc
    from spacy.tokens import Span
    from spacy.util import filter_spans

    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    spans = [
        Span(doc, start, end, label=label)
        for label, start, end in found
        if not taken.intersection(range(start, end))
    ]
    if spans:
        doc.ents = [*doc.ents, *filter_spans(spans)]
    return doc


class AnchoredWords:
    """Words that name a finding only beside an anchor in the same clause ("the thoracolumbar
    fascia is oedematous", "a cleft within the L1 body"). The word becomes the entity, so the
    modifiers before it apply as to any target; it is added only where no target or lookalike
    already stands."""

    def __init__(
        self,
        nlp: Any,
        rules: Mapping[str, Any],
        spelt: Callable[[Sequence[str]], list[str]],
        negations: frozenset[str],
    ) -> None:
        from spacy.matcher import PhraseMatcher

        self._words = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._anchors = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._rules: dict[str, _Anchoring] = {}
        for finding, entries in rules.items():
            if not isinstance(entries, list):
                continue
            for index, entry in enumerate(entries):
                key = f"{finding}#{index}"
                self._rules[key] = _Anchoring(
                    finding if entry.get("reads") is None else f"{finding}{READS}{entry['reads']}",
                    int(entry.get("within", 0)),
                    _lower(entry.get("between", ())),
                    _lower(entry.get("before_anchor", ())),
                    _lower(entry.get("excludes", ())),
                    _lower(entry.get("excludes_next_clause", ())),
                    bool(entry.get("anchors")),
                )
                self._words.add(key, phrase_patterns(nlp, spelt(entry["words"])))
                if entry.get("anchors"):
                    self._anchors.add(key, phrase_patterns(nlp, spelt(entry["anchors"])))
        self._negations = negations

    def __call__(self, doc: Any) -> Any:
        words = self._words(doc)
        if not words:
            # No word that needs an anchor, so nothing to look for beside one.
            return doc
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        anchors: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self._anchors(doc):
            if not taken.intersection(range(start, end)):
                anchors.setdefault(doc.vocab.strings[match_id], []).append((start, end))
        found = []
        for match_id, start, end in words:
            key = doc.vocab.strings[match_id]
            rule = self._rules[key]
            if taken.intersection(range(start, end)):
                continue
            clause = doc[start].sent
            if any(token.lower_ in rule.excludes for token in clause) or (
                clause.end < len(doc) and doc[clause.end].lower_ in rule.excludes_next_clause
            ):
                continue
            if not rule.anchored or any(
                self._joined(doc, (start, end), anchor, rule) for anchor in anchors.get(key, ())
            ):
                found.append((rule.label, start, end))
        return _with_entities(doc, found)

    def _joined(
        self, doc: Any, word: tuple[int, int], anchor: tuple[int, int], rule: _Anchoring
    ) -> bool:
        """Whether the anchor stands close enough to the word, in its clause, with nothing
        between them that would make them about different things. A negation between an
        anchor and the word after it is the word's own ("the fascia shows no oedema")."""
        if anchor[0] < word[1] and word[0] < anchor[1]:
            return False
        if _in_compound(doc, anchor):
            # "T12-L1", "L4/5": a range or a disc, not the word's anchor.
            return False
        anchor_first = anchor[1] <= word[0]
        gap = doc[anchor[1] : word[0]] if anchor_first else doc[word[1] : anchor[0]]
        if len(gap) > rule.within or not self._same_subject(doc, anchor[0], word[0]):
            return False
        if anchor_first:
            return not any(
                token.lower_ in rule.between and token.lower_ not in self._negations
                for token in gap
            )
        # "No oedema of the paraspinal muscles or thoracolumbar fascia": a denial goes to
        # every noun of the list after it, so the fascia is named apart from the muscles.
        denied = word[0] > 0 and doc[word[0] - 1].lower_ in self._negations
        apart = rule.between if denied else rule.between | rule.before_anchor
        return not any(token.lower_ in apart for token in gap)

    @staticmethod
    def _same_subject(doc: Any, anchor: int, word: int) -> bool:
        """Whether anchor and word are in one clause, or the word's clause goes on with the
        subject of the anchor's, the one just before it."""
        anchor_clause, word_clause = doc[anchor].sent.start, doc[word].sent.start
        if anchor_clause == word_clause:
            return True
        starts = _clause_starts(doc)
        # "Oedema in the muscles but not in the fascia": "but not" sets one place against
        # another for the subject before it.
        elliptic = word > 1 and doc[word - 1].lower_ == "but" and doc[word].lower_ == "not"
        return (word_clause in doc.user_data.get(SHARED_SUBJECT, ()) or elliptic) and starts.index(
            word_clause
        ) == starts.index(anchor_clause) + 1


def _in_compound(doc: Any, span: tuple[int, int]) -> bool:
    """Whether a span is joined to the word before or after it by a hyphen or slash."""
    start, end = span
    joined = ("-", "/", "–")
    return (start > 0 and doc[start - 1].text in joined) or (
        end < len(doc) and doc[end].text in joined
    )


def _clause_starts(doc: Any) -> list[int]:
    return [token.i for token in doc if token.is_sent_start]


@dataclass(frozen=True)
class _Anchoring:
    #: The entity label: the finding, or ``<finding>=<value>`` where the words give a value
    #: themselves (the fascia "is normal": absent).
    label: str
    within: int
    #: Words that may stand neither way between word and anchor.
    between: frozenset[str]
    #: Words that may not stand between a word and the anchor after it: "oedema of the
    #: muscles and fascia" names the muscles' oedema, "the fascia and muscles are oedematous"
    #: both.
    before_anchor: frozenset[str]
    excludes: frozenset[str]
    #: Words that, opening the next clause, take back what the word says ("the fascia is
    #: normal, except for mild oedema").
    excludes_next_clause: frozenset[str]
    #: False: the word reads alone, wherever no ``excludes`` word is in its clause.
    anchored: bool


def _lower(words: Sequence[str]) -> frozenset[str]:
    return frozenset(word.lower() for word in words)


def spellings(phrase: str, synonyms: Mapping[str, Sequence[str]], tokenize: Any) -> list[str]:
    """The texts a phrase without gaps stands for, tokens joined by spaces: for spaCy's
    PhraseMatcher, which tries thousands of them in the time the Matcher tries a few
    patterns."""
    return [
        " ".join(token for tokens in combination for token in tokens)
        for combination in product(*_slots(phrase, synonyms, tokenize))
        if any(combination)
    ]


def phrase_patterns(nlp: Any, texts: Iterable[str]) -> list[tuple[int, ...]]:
    """A PhraseMatcher's patterns (``attr="LOWER"``) for texts of :func:`spellings`, whose
    tokens are already lower case and joined by spaces: each the tuple of its tokens' string
    hashes, which is what the matcher keeps of a pattern Doc (and what spaCy's own unpickling
    hands it). Making a Doc of each of the rules' some 280,000 texts took seconds at every
    start; the hashes take a fraction of one."""
    split = [text.split(" ") for text in texts]
    strings = nlp.vocab.strings
    hashes = {token: strings.add(token) for token in {t for tokens in split for t in tokens}}
    return [tuple(map(hashes.__getitem__, tokens)) for tokens in split]


def _parts(phrase: str) -> list[str]:
    """A phrase's parts between its gaps."""
    return [part.strip() for part in f" {phrase} ".split(" ... ") if part.strip()]


def _slots(
    phrase: str, synonyms: Mapping[str, Sequence[str]], tokenize: Any
) -> list[list[list[str]]]:
    """Per word of a phrase without gaps, its alternatives as runs of lower-case tokens;
    ``[]`` for an optional word left out."""
    slots: list[list[list[str]]] = []
    for word in phrase.split():
        optional = word.endswith("?") and len(word) > 1
        word = word[:-1] if optional else word
        alternatives: list[str] = []
        for alternative in word.split("|"):
            inflected = alternative.endswith("~") and len(alternative) > 1
            alternative = alternative.rstrip("~") if inflected else alternative
            if alternative == "<level>":
                alternatives.extend(PHRASE_LEVELS)
                continue
            if alternative == "<year>":
                alternatives.extend(PHRASE_YEARS)
                continue
            if alternative == "<number>":
                alternatives.extend(PHRASE_NUMBERS)
                continue
            if alternative == "<over_half>":
                alternatives.extend(PHRASE_OVER_HALF)
                continue
            for spelling in [alternative, *synonyms.get(alternative.lower(), ())]:
                alternatives.extend(inflections(spelling) if inflected else [spelling])
        runs = [
            [token.lower_ for token in tokenize(alternative)]
            for alternative in dict.fromkeys(a.lower() for a in alternatives)
        ]
        slots.append([*runs, *([[]] if optional else [])])
    return slots


def inflections(word: str) -> list[str]:
    """The word in each of its inflections (lemminflect's tables, or its rules for a word it
    does not know, such as "interdigitate")."""
    from lemminflect import getAllInflections, getAllInflectionsOOV, getAllLemmas

    lemmas = {lemma for found in getAllLemmas(word).values() for lemma in found} or {word}
    forms = [word]
    for lemma in sorted(lemmas):
        table = getAllInflections(lemma) or {
            **getAllInflectionsOOV(lemma, "NOUN"),
            **getAllInflectionsOOV(lemma, "VERB"),
        }
        forms.extend(form for found in table.values() for form in found)
    return list(dict.fromkeys(forms))


@lru_cache(maxsize=4096)
def is_english_word(word: str) -> bool:
    """Whether lemminflect's English tables know the word ("bilateral", "advanced"); a name
    ("Kjaer", "Hoffmann") they do not. Asked of words in report text, which any client's EHR
    writes: the cache is bounded."""
    from lemminflect import getAllLemmas

    return bool(getAllLemmas(word.lower()))

"""Who said what: direct quotes and reported speech, with speakers resolved.

Direct quotes are found from quotation marks (straight or curly; a quote split
by its attribution is joined; an unclosed quote runs to the end of its
paragraph, as in news style). The speaker comes from the dependency parse: the
subject of a speech verb next to the quote ("…," the Iraqi military said), a
name right after it ("…," Mr Esper, addressing …), or, for a paragraph that is
only a quote, the speaker of the quote in the paragraph before. Reported speech
is a speech verb's content clause ("X said that …") or "according to X".
Pronouns ("he", "they") resolve to a named subject that agrees in the nearest
sentence naming one (their own before them, or one before: "Castro had
breakfast with King Juan Carlos. He said …" is Castro's), else to the nearest
agreeing name; bare descriptions ("the minister") to the nearest compatible
named person before them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import TYPE_CHECKING, Generic, TypeVar

from storyline.language.entities import ROLES
from storyline.language.nlp import DATELINE
from storyline.model import Entity, Quote, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SPEECH_VERBS = {
    form
    for stem in (
        "say says said saying",
        "tell tells told telling",
        "add adds added adding",
        "write writes wrote written writing",
        "state states stated",
        "announce announces announced",
        "claim claims claimed",
        "insist insists insisted",
        "warn warns warned",
        "argue argues argued",
        "explain explains explained",
        "note notes noted",
        "report reports reported",
        "confirm confirms confirmed",
        "deny denies denied",
        "declare declares declared",
        "stress stresses stressed",
        "emphasize emphasizes emphasized emphasise emphasises emphasised",
        "remark remarks remarked",
        "acknowledge acknowledged",
        "admit admits admitted",
        "tweet tweets tweeted",
        "post posted",
        "reply replied",
        "respond responded",
        "ask asks asked",
        "urge urged",
        "predict predicted",
        "promise promised",
        "vow vowed",
        "recall recalled",
        "concede conceded",
        "complain complained",
        "suggest suggested",
        "estimate estimated",
        "quip quipped",
    )
    for form in stem.split()
}
PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "it", "we"}
# The writer or the one addressed: out of its article, "I said" names no one.
_UNNAMED_PRONOUNS = {"i", "me", "you", "one"}
# Heads that count out of a group ("one of the officials"): the group is the speaker.
_OF_GROUP, _FOR_SOMEONE = "of", "for"
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Roles that speak on someone's behalf: "a spokesman for the senator" is not the senator.
_ON_BEHALF = frozenset(
    "spokesman spokeswoman spokesperson spokespeople lawyer lawyers attorney attorneys "
    "representative aide adviser advisor publicist agent".split()
)
_ASIDE = frozenset(",;:(—–")  # marks that end a description: what follows is an aside
_PARTITIVES = {"one", "some", "many", "several", "few", "two", "three", "each", "both", "none"}
SPEAKER_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
ROLE_ABBREVIATIONS = {
    "gov": "governor",
    "sen": "senator",
    "rep": "representative",
    "gen": "general",
    "pres": "president",
    "lt": "lieutenant",
    "col": "colonel",
    "maj": "major",
    "capt": "captain",
    "adm": "admiral",
}
MIN_QUOTE_WORDS = 3  # shorter quoted bits are scare quotes ("home", "gameplan")
_DETERMINERS = {"the", "a", "an", "this", "that"}
_WHAT = {"what", "whatever", "which"}  # opens a clause that is a thing said, not a report
_NAMED_SPEAKERS = {"PERSON", "ORG"}  # entity types a name standing before "said" speaks for
_WHEN = {"DATE", "TIME"}
# Passives whose subject is the one spoken to ("was told", "were warned"); the pipeline
# has no lemmatizer, so the participles are listed.
_TOLD = {"told", "asked", "warned", "informed", "advised", "assured", "reminded", "notified"}
_DATELINE_REACH = 40  # tokens around a word to look for its line's dateline in
_REFERENCE_REACH = 3  # sentences back a pronoun or a description looks for its name
_OPEN, _CLOSE = "“", "”"


@dataclass(slots=True)
class _Found:
    pieces: list[tuple[int, int]]  # quoted stretches; more than one when split by attribution
    sentence: int
    paragraph: int

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]

    def inside(self, offset: int) -> bool:
        return any(a <= offset < b for a, b in self.pieces)


_Value = TypeVar("_Value")


class _Spans(Generic[_Value]):
    """Stretches (start, end) of the text, each with a value, for look-ups by offset.

    Building costs O(n log n); each look-up a binary search, O(log n), plus the
    stretches it walks past: the ones it returns, and any that nest around them (none
    for quoted pieces or entity mentions, which do not overlap). Values come back in
    order of their start, ties in the order given.
    """

    def __init__(self, spans: Iterable[tuple[int, int, _Value]]) -> None:
        ordered = sorted(spans, key=lambda span: span[0])
        self._starts = [start for start, _, _ in ordered]
        self._ends = [end for _, end, _ in ordered]
        self._values = [value for _, _, value in ordered]
        # The furthest any stretch up to each one reaches: a backward walk stops where
        # nothing before can reach the offset any more.
        self._reach = list(accumulate(self._ends, max))

    def overlapping(self, start: int, end: int) -> list[_Value]:
        """The values of the stretches that share a character with text[start:end]."""
        found = []
        i = bisect_left(self._starts, end) - 1  # the last stretch starting before `end`
        while i >= 0 and self._reach[i] > start:
            if self._ends[i] > start:
                found.append(self._values[i])
            i -= 1
        found.reverse()
        return found

    def at(self, offset: int) -> list[_Value]:
        """The values of the stretches that hold the character at `offset`."""
        return self.overlapping(offset, offset + 1)

    def covers(self, offset: int) -> bool:
        """True when a stretch holds the character at `offset`. O(log n)."""
        i = bisect_right(self._starts, offset) - 1
        return i >= 0 and self._reach[i] > offset

    def starting_in(self, start: int, end: int) -> list[_Value]:
        """The values of the stretches that start in text[start:end]."""
        return self._values[bisect_left(self._starts, start) : bisect_left(self._starts, end)]


class _Mentions(_Spans[Entity]):
    """Entity mentions by offset, and the ones a pronoun or description may refer to.

    Expects `entities` in text order, as `entity_mentions` gives them: then their
    sentence numbers never decrease either, and "the last mentions before an offset"
    are a run just before it."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        super().__init__((e.start, e.end, e) for e in entities)

    def recent(self, offset: int, sentence: int, labels: set[str]) -> Iterator[Entity]:
        """Mentions with a label of `labels` that start before `offset`, in sentence
        `sentence - _REFERENCE_REACH` or later; the nearest first. Costs O(log n) plus the
        mentions of those sentences."""
        i = bisect_left(self._starts, offset) - 1
        while i >= 0 and sentence - self._values[i].sentence <= _REFERENCE_REACH:
            if self._values[i].label in labels:
                yield self._values[i]
            i -= 1


def find_quotes(doc: Doc, sentences: list[Sentence], entities: list[Entity]) -> list[Quote]:
    """Direct and reported quotes of one parsed article, in text order.

    `sentences` and `entities` as `split_sentences` and `entity_mentions` give them: in
    text order, each sentence's `index` its place in the list. Cost: O(n log n) in the
    length of the article (entities, sentences and quotes are looked up by offset)."""
    text = doc.text
    roles = _roles(doc, text, entities)
    paragraphs: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence)
    spans = _direct_spans(text, paragraphs)
    quoted = _Spans((a, b, (a, b)) for f in spans for a, b in f.pieces)
    # A speaker is named outside quotation marks: a name a quote mentions ('"We have to
    # admire Lucio Tan," he said') is no one a pronoun or title stands for.
    outside = _Mentions(e for e in entities if not quoted.covers(e.start))
    quotes: list[Quote] = []
    previous: tuple[int, str | None] = (-2, None)  # (paragraph, speaker) of the last quote
    for found in spans:
        speaker_text, cue, speaker = _attribution(
            doc, text, found, sentences, outside, roles, quoted
        )
        if (
            speaker is None
            and not _letters_outside(text, found, paragraphs[found.paragraph])
            and (previous[0] == found.paragraph - 1)
        ):
            speaker, cue = previous[1], "continued"
        body = " ".join(" ".join(text[a:b] for a, b in found.pieces).strip(" \"“”`',").split())
        quotes.append(Quote(body, speaker, speaker_text, found.sentence, "direct", cue))
        previous = (found.paragraph, speaker)
    quotes.extend(_reported(doc, text, sentences, outside, quoted, roles))
    quotes.sort(key=lambda q: q.sentence)
    return quotes


# -- direct quotes -----------------------------------------------------------------


def _direct_spans(text: str, paragraphs: dict[int, list[Sentence]]) -> list[_Found]:
    """The quotes of each paragraph (number: its sentences in order), in text order."""
    found: list[_Found] = []
    for number, members in paragraphs.items():
        start, end = members[0].start, members[-1].end
        pieces = _quoted_pieces(text, start, end)
        merged: list[list[tuple[int, int]]] = []
        for a, b in pieces:
            if merged and _is_attribution_gap(text[merged[-1][-1][1] : a]):
                merged[-1].append((a, b))  # "A," she said, "B." is one quote
            else:
                merged.append([(a, b)])
        for group in merged:
            if sum(len(text[a:b].split()) for a, b in group) >= MIN_QUOTE_WORDS:
                # The first sentence that ends after the quote opens.
                first = bisect_right(members, group[0][0], key=lambda s: s.end)
                sentence = members[first].index
                found.append(_Found(group, sentence, number))
    return found


# Opening marks and the closing marks each accepts: straight, curly, and the TeX-style
# ``…'' of older wire copy (DUC, TREC).
_PAIRS = {'"': ('"',), _OPEN: (_CLOSE, '"'), "``": ("''", '"')}


def _quoted_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks in text[start:end]."""
    pieces = []
    position = start
    seen: dict[str, int] = {}
    while position < end:
        opening = _next_mark(text, position, end, tuple(_PAIRS), seen)
        if opening is None:
            break
        at, mark = opening
        closing = _next_mark(text, at + len(mark), end, _PAIRS[mark], seen)
        if closing is None:  # unclosed: runs to the end of the paragraph
            pieces.append((at + len(mark), end))
            break
        pieces.append((at + len(mark), closing[0]))
        position = closing[0] + len(closing[1])
    return pieces


def _next_mark(
    text: str, start: int, end: int, marks: tuple[str, ...], seen: dict[str, int]
) -> tuple[int, str] | None:
    """(position, mark) of the first of `marks` in text[start:end].

    `seen` remembers where each mark was found (-1: nowhere) by earlier calls for the
    same `end` and a `start` no later: a mark found at or after `start` need not be
    looked for again, so that a paragraph of many quotes is read once per mark rather
    than once per quote (a mark it lacks, such as a curly one, would be looked for to
    the end of the paragraph every time)."""
    found = []
    for mark in marks:
        position = seen.get(mark)
        if position is None or 0 <= position < start:
            position = seen[mark] = text.find(mark, start, end)
        if position >= 0:
            found.append((position, mark))
    return min(found) if found else None


_VERBS = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
_GAP = re.compile(rf"^[\s,\"“”`']*(?:[\w.'’-]+[\s,]+){{1,8}}?(?:{_VERBS})[\s,\"“”`']*$")
_GAP_INVERTED = re.compile(rf"^[\s,\"“”`']*(?:{_VERBS})(?:[\s,]+[\w.'’-]+){{1,8}}[\s,\"“”`']*$")


def _is_attribution_gap(between: str) -> bool:
    if len(between) > 120:  # an attribution is a few words; also keeps the regexes linear
        return False
    return bool(_GAP.match(between) or _GAP_INVERTED.match(between))


def _letters_outside(text: str, found: _Found, sentences: list[Sentence]) -> bool:
    """True when the text of `sentences` (in order) has a letter before or after the quote.

    Reads up to the first letter only (character by character, not by slicing): asked of
    every quote of a paragraph, which may be a whole article."""
    before = range(sentences[0].start, found.start)
    after = range(found.end, sentences[-1].end)
    return any(text[i].isalpha() for i in chain(before, after))


def _attribution(
    doc: Doc,
    text: str,
    found: _Found,
    sentences: list[Sentence],
    entities: _Mentions,
    roles: Roles,
    quoted: _Spans[tuple[int, int]],
) -> tuple[str | None, str | None, str | None]:
    """(speaker as written, cue, resolved speaker) for a direct quote, from its sentence
    and its neighbours (`quoted`: every quoted stretch of the text)."""
    # The quote's own sentences and one on each side, within its paragraph: attribution is
    # never further away, and a paragraph of many quotes stays linear to search. The
    # sentences are in text order, so the first to end with the quote is a binary search
    # away, and sentence i is sentences[i].
    last = bisect_left(sentences, found.end, key=lambda x: x.end)
    last = sentences[last].index if last < len(sentences) else found.sentence
    paragraph = [
        x
        for x in sentences[max(0, found.sentence - 1) : last + 2]
        if x.paragraph == found.paragraph
    ]
    own = [x for x in paragraph if found.sentence <= x.index <= last]
    # A quote inside a sentence of other words ('labelled "Actress in a Leading Role"')
    # takes a neighbour's "said" only when that sentence quotes nothing itself: else the
    # verb is the other quote's ('"I knew I would mess this up," said Kimmel').
    if _letters_outside(text, found, own):
        paragraph = [x for x in paragraph if x in own or not quoted.starting_in(x.start, x.end)]
    region = doc.char_span(paragraph[0].start, paragraph[-1].end, alignment_mode="expand")
    if region is None:
        return None, None, None
    verbs = [t for t in region if t.lower_ in SPEECH_VERBS and not found.inside(t.idx)]
    # Prefer a speech verb after the quote ("…," X said), then one before it.
    verbs.sort(key=lambda t: (t.idx < found.start, abs(t.idx - found.end)))
    for verb in verbs:
        subject = _subject(verb)
        if subject is not None and not found.inside(subject.start_char):
            phrase = _phrase(subject)
            return phrase.text, verb.text, _resolve(phrase, found.sentence, entities, roles)
    # "…," Mr Esper, addressing …: a name right after the closing mark.
    tail = text[found.end : paragraph[-1].end]
    lead = len(tail) - len(tail.lstrip(" \"”',.—–-"))
    named = _named_after(text, found.end + lead, entities)
    if named is not None and named.end <= paragraph[-1].end:
        return named.text, None, named.canonical
    return None, None, None


def _named_after(text: str, offset: int, entities: _Mentions) -> Entity | None:
    """An entity that starts at `offset`, possibly after a title ("Mr", "Defense Secretary")."""
    window = text[offset : offset + 40]
    for entity in entities.starting_in(offset, offset + 26):
        if entity.label in SPEAKER_LABELS:
            before = window[: entity.start - offset]
            if all(word[:1].isupper() for word in before.split()):
                return entity
    return None


def _subject(verb: Token, joined: bool = False) -> Span | None:
    """Who does `verb`; `joined`: asked for a verb joined to it ("Okafor was warned by
    aides but said …": Okafor, the one warned, is who said)."""
    for child in verb.children:
        if child.dep_ == "nsubjpass" and verb.lower_ in _TOLD and not joined:
            # "The office was told …": told, not telling; "… by police": police told.
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            told_by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
            return _doc_span(told_by) if told_by is not None else None
        if child.dep_ in ("nsubj", "nsubjpass"):
            if child.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                return _doc_span(verb.head)  # "a man who says …": the man
            if _in_dateline(child):
                return None
            return _doc_span(child)
    if verb.dep_ == "conj":  # "Cosby shook his head and said": Cosby
        return _subject(verb.head, joined=True)
    if verb.dep_ in ("relcl", "acl"):
        return _subject(verb.head) if verb.head.lower_ in SPEECH_VERBS else None
    # "On Wednesday Esper said": the parser reads "Wednesday Esper" as one noun under
    # "on" and leaves the verb no subject; the name between the day and the verb speaks.
    # (Not any name before "said": in "the death of director Tony Scott said" it is not.)
    # The name is walked back token by token (not looked up among all the article's
    # entities): this is asked of every speech verb without a subject.
    doc, start = verb.doc, verb.i - 1
    if start < 0 or doc[start].ent_type_ not in _NAMED_SPEAKERS or verb.ent_iob_ == "I":
        return None
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    if start and doc[start - 1].ent_type_ in _WHEN:
        return doc[start : verb.i]
    return None


def _in_dateline(token: Token) -> bool:
    """True for a token of a paragraph's dateline ("WASHINGTON _", "GOLUBOVAC, Yugoslavia _").

    Reads only the tokens around it: `Doc.text` rebuilds the whole text, and a long
    article asks this of every speech verb's subject."""
    doc = token.doc
    window = doc[max(0, token.i - _DATELINE_REACH) : token.i + _DATELINE_REACH]
    text = window.text
    offset = token.idx - window.start_char
    newline = text.rfind("\n", 0, offset)
    if newline < 0 and window.start > 0:
        return False  # its line began further back than any dateline is long
    match = DATELINE.match(text, newline + 1)
    return bool(match) and offset < match.end()


def _doc_span(token: Token) -> Span:
    return token.doc[token.left_edge.i : token.right_edge.i + 1]


def _phrase(span: Span) -> Span:
    """The noun phrase up to its head, without a leading determiner or trailing clause;
    a head that counts out of a group keeps the group ("one of the officials"), and one
    who speaks for someone keeps whom ("a spokesman for the senator")."""
    head = span.root
    start = span.start
    while start < head.i and span.doc[start].lower_ in _DETERMINERS:
        start += 1
    end = head.i + 1
    kept = _OF_GROUP if head.lower_ in _PARTITIVES else _FOR_SOMEONE
    prep = next((c for c in head.rights if c.dep_ == "prep" and c.lower_ == kept), None)
    if prep is not None:
        end = prep.right_edge.i + 1
    return span.doc[start:end]


def _speaks_for_someone(phrase: Span, entities: _Mentions) -> bool:
    """ "a spokesman for the senator", "a lawyer for the family": one whose role is to
    speak on someone's behalf, and who is not them. A place after "for" is a
    jurisdiction ("the U.S. attorney for Manhattan"), and other roles with "for" hold a
    title ("the minister for health")."""
    head = phrase.root
    if head.lower_ not in _ON_BEHALF:
        return False
    for prep in head.rights:
        if prep.dep_ == "prep" and prep.lower_ == _FOR_SOMEONE:
            whom = [c for c in prep.children if c.dep_ == "pobj"]
            places = {e.label for w in whom for e in entities.at(w.idx)} & {"GPE", "LOC"}
            return bool(whom) and not places
    return False


def _resolve(phrase: Span, sentence: int, entities: _Mentions, roles: Roles) -> str | None:
    """A speaker phrase as a canonical entity name, a description, or None."""
    head = phrase.root
    words = phrase.text.lower().split()
    if len(words) == 1 and words[0] in _UNNAMED_PRONOUNS:
        return None
    if len(words) == 1 and words[0] in PERSON_PRONOUNS | GROUP_PRONOUNS:
        labels = {"PERSON"} if words[0] in PERSON_PRONOUNS else {"ORG", "GPE", "NORP"}
        if words[0] in PERSON_PRONOUNS and (
            missed := _unrecognised_subject(phrase, sentence, entities)
        ):
            return missed
        offset = phrase.start_char
        subject = _subject_before(phrase.doc, entities, offset, sentence, labels)
        return subject or _nearest_before(entities, offset, sentence, labels)
    # "the mayor, Anna Berg, said": the name in apposition names the speaker; the parser
    # may hang it on the group of "one of the founders of the firm, Ann Berg,".
    appositions = [c for c in head.children if c.dep_ == "appos"]
    for token in [head, *appositions]:
        for entity in entities.at(token.idx):
            if entity.label in SPEAKER_LABELS:
                return entity.canonical
    if head.lower_ in _PARTITIVES:
        for token in phrase[head.i - phrase.start + 1 :]:
            people = [e for e in entities.at(token.idx) if e.label == "PERSON"]
            if token.dep_ == "appos" and people:
                return people[0].canonical
    # A surname the recogniser missed, of a person named shortly before.
    missed = head.text[:1].isupper() and not entities.covers(head.idx)
    if missed and (named := _by_surname(head, sentence, entities)):
        return named
    role = _singular_role(head.lower_)
    own = [t for t in phrase if t.i <= head.i]
    if (
        role in ROLES
        and all(not t.text[:1].isupper() for t in own)
        and not _speaks_for_someone(phrase, entities)
    ):
        # "the minister": the nearest person the text calls a minister, else the nearest
        # person whose role it does not say, never the one spoken to ("the president
        # told Mr. Comey"). "The agency" is no person and stays as it is.
        addressed = _addressed(phrase, entities)
        for compatible in (
            lambda name: role in roles.get(name, ()) and name not in addressed,
            lambda name: not roles.get(name) and name not in addressed,
        ):
            named = _nearest_before(entities, phrase.start_char, sentence, {"PERSON"}, compatible)
            if named:
                return named
    # "one of the founders of the firm, who …": the group, without what follows it.
    ends = (
        t.i
        for t in phrase
        if t.i > head.i
        and not entities.covers(t.idx)
        and (t.text in _ASIDE or (t.dep_ == "cc" and t.head.i == head.i))
    )
    end = next(ends, phrase.end)
    return phrase.doc[phrase.start : end].text


def _addressed(subject: Span, entities: _Mentions) -> set[str]:
    """The canonical names of whom the subject's verb speaks to: its object or
    indirect object ("told Mr. Comey") and what follows its "to" ("said to Ms. Berg")."""
    verb = subject.root.head
    listeners = [c for c in verb.children if c.dep_ in ("dobj", "dative")]
    listeners += [
        o for c in verb.children if c.dep_ == "prep" and c.lower_ == "to" for o in c.children
    ]
    return {e.canonical for token in listeners for e in entities.at(token.idx)}


def _singular_role(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in ROLES else word


def _nearest_before(
    entities: _Mentions,
    offset: int,
    sentence: int,
    labels: set[str],
    compatible: Callable[[str], bool] = lambda name: True,
) -> str | None:
    """The canonical name of the last mention of `labels` before `offset`, within
    `_REFERENCE_REACH` sentences before `sentence`, whose name is `compatible`."""
    recent = entities.recent(offset, sentence, labels)
    return next((e.canonical for e in recent if compatible(e.canonical)), None)


def _subject_before(
    doc: Doc, entities: _Mentions, offset: int, sentence: int, labels: set[str]
) -> str | None:
    """The entity a pronoun at `offset` most likely stands for when it is a subject, not a
    name inside a phrase ("Castro had breakfast with King Juan Carlos. He said …":
    Castro). Only the nearest sentence with an entity of `labels` before the pronoun (its
    own, or one within `_nearest_before`'s reach) is read: its subject nearest the
    pronoun in its own sentence, else the subject of its main verb first. None when
    none of them is a subject."""
    candidates = list(entities.recent(offset, sentence, labels))  # the nearest first
    if not candidates:
        return None
    nearest = candidates[0].sentence  # mentions in text order: the latest sentence
    subjects = [
        (role, e)
        for e in reversed(candidates)
        if e.sentence == nearest and (role := _subject_role(doc, e)) is not None
    ]
    if not subjects:
        return None
    if nearest == sentence:
        return subjects[-1][1].canonical  # "When Castro arrived, he said": the nearest
    return min(subjects, key=lambda found: (found[0], found[1].start))[1].canonical


def _unrecognised_subject(pronoun: Span, sentence: int, entities: _Mentions) -> str | None:
    """The person a pronoun stands for when it opens a clause joined to one whose subject
    is a surname the recogniser missed ("said Rep. Mark Meadows. … *Meadows* insisted
    the matter did not come up, but he told reporters": Mark Meadows); None otherwise."""
    verb = pronoun.root.head
    if pronoun.root.dep_ != "nsubj" or verb.dep_ != "conj":
        return None
    subject = next((t for t in verb.head.lefts if t.dep_ == "nsubj"), None)
    if subject is None or not subject.text[:1].isupper() or entities.covers(subject.idx):
        return None
    return _by_surname(subject, sentence, entities)


def _by_surname(word: Token, sentence: int, entities: _Mentions) -> str | None:
    """The canonical name of the person mentioned last before `word`, within
    `_nearest_before`'s reach, whose name ends in it; None when there is none."""
    return _nearest_before(
        entities, word.idx, sentence, {"PERSON"}, lambda name: name.split()[-1] == word.text
    )


def _subject_role(doc: Doc, entity: Entity) -> int | None:
    """0 when `entity` is the subject of its sentence's main verb ("*Castro* had just
    finished breakfast"), 1 when it is another verb's subject, None when it is no subject.
    A name beside a subject is one ("the president, *Fidel Castro*, said"), as is one
    beside the place of a title ("the governor of East Timor, *Mario Carrascalao*,
    said"); a dateline's names are not ("YEREVAN, Armenia (AP) _ …")."""
    span = doc.char_span(entity.start, entity.end, alignment_mode="expand")
    if span is None or _in_dateline(span.root):
        return None
    token = span.root
    if token.dep_ == "appos":
        token = token.head
        titled = token.dep_ == "pobj" and token.head.lower_ == "of"
        if titled and _singular_role(token.head.head.lower_) in ROLES:
            token = token.head.head  # "the governor of East Timor, Mario Carrascalao"
    if token.dep_ not in ("nsubj", "nsubjpass"):
        return None
    return 0 if token.head.dep_ == "ROOT" else 1


Roles = dict[str, set[str]]


def _roles(doc: Doc, text: str, entities: list[Entity]) -> Roles:
    """The roles the text gives each person ("Defense Secretary Mark Esper", "the mayor,
    Anna Berg"), so that "the governor" is not taken to be the mayor."""
    roles: Roles = {}
    persons = [e for e in entities if e.label == "PERSON"]
    for entity in persons:
        # Title words just before the name, or opening the mention itself ("Mayor Bob Roe");
        # a title ends at the first word that is neither a role nor capitalised: in "the
        # president told Mr. Comey", "president" is someone else.
        # Words of any script, a hyphenated one whole: "President-elect François Hollande".
        before = _WORD.findall(text[max(0, entity.start - 40) : entity.start])
        before += _WORD.findall(entity.text)[:-1]
        title = []
        for word in reversed(before):
            first = word.split("-")[0].lower()
            if len(title) == 3 or not (first in ROLES or word[:1].isupper()):
                break
            title.append(first)
        roles.setdefault(entity.canonical, set()).update(
            ROLE_ABBREVIATIONS.get(w, w) for w in title if w in ROLES
        )
    by_offset = _Mentions(persons)
    for token in doc:
        if token.dep_ != "appos":
            continue
        # A name in apposition takes its head as a role, and a head name its appositive.
        for person in by_offset.at(token.idx):
            roles[person.canonical].add(token.head.lower_)
        for person in by_offset.at(token.head.idx):
            if not person.start <= token.idx < person.end:
                roles[person.canonical].add(token.lower_)
    return roles


# -- reported speech ----------------------------------------------------------------


def _reported(
    doc: Doc,
    text: str,
    sentences: list[Sentence],
    entities: _Mentions,
    quoted: _Spans[tuple[int, int]],
    roles: Roles,
) -> list[Quote]:
    found = []
    for sentence in sentences:
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None:
            continue
        in_sentence: list[tuple[Token, Quote]] = []  # in the order of their verbs
        for token in span:
            if quoted.covers(token.idx):
                continue  # "somebody asks" inside a quotation is the speaker's words
            if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
                quote = _according_to(token, span, sentence, entities, roles)
            elif token.lower_ in SPEECH_VERBS:
                quote = _content_clause(token, sentence, entities, roles)
            else:
                continue
            if quote is not None and not _overlaps(quote, sentence, text, quoted):
                in_sentence.append((token, quote))
        found.extend(_without_citations(in_sentence))
    return found


def _without_citations(quotes: list[tuple[Token, Quote]]) -> list[Quote]:
    """The quotes of one sentence ((verb, quote) in the order of their verbs) without a
    later one that repeats an earlier one's words for another speaker through a verb
    that governs it or that it governs: in "Esper said that X, the AP reported" the
    words are Esper's, the agency only where they were read. "Police said X, and
    firefighters said X" keeps both: neither verb reports the other."""
    kept = []
    for n, (verb, quote) in enumerate(quotes):
        cited = any(
            q.text == quote.text
            and q.speaker_text != quote.speaker_text
            and _reports(verb, earlier)
            for earlier, q in quotes[:n]
        )
        if not cited:
            kept.append(quote)
    return kept


def _reports(one: Token, other: Token) -> bool:
    """Whether one verb's clause is what the other reports (either way round)."""
    embedded = ("ccomp", "parataxis")
    return (one.head == other and one.dep_ in embedded) or (
        other.head == one and other.dep_ in embedded
    )


def _content_clause(
    verb: Token, sentence: Sentence, entities: _Mentions, roles: Roles
) -> Quote | None:
    clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    subject = _subject(verb)
    if subject is None:
        return None
    # "…, the AP reported": the reporting verb hangs off the main clause; not "quotes
    # *what* the executives said", where the saying is what is quoted.
    hung = clause is None
    if hung and not (
        verb.dep_ in ("parataxis", "ccomp")
        and verb.head.i < verb.i
        and verb.left_edge.lower_ not in _WHAT
    ):
        return None
    clause = verb.head if hung else clause
    if clause.i < verb.i and _reports_speech(clause):
        # "Al-Shammari said that X, the AP reported": the words are his, and his report
        # is a quote of its own; the agency is where it was read.
        return None
    if hung:
        words = [t for t in _doc_span(clause) if not verb.left_edge.i <= t.i <= verb.right_edge.i]
    else:
        inner = next((c for c in clause.children if c.dep_ == "ccomp"), None)
        if clause.lower_ in SPEECH_VERBS and inner is not None and inner.i < clause.i:
            # "Esper said that X, the AP reported", parsed as said(reported(X)): X is said.
            clause = inner
        words = [
            t for t in _doc_span(clause) if not (t.i == clause.left_edge.i and t.lower_ == "that")
        ]
    text = _join(words)
    return _reported_quote(text, _phrase(subject), sentence, entities, roles, verb.text)


def _reports_speech(clause: Token) -> bool:
    """Whether `clause` is itself someone's report of speech ("Al-Shammari said that X")."""
    return (
        clause.lower_ in SPEECH_VERBS
        and _subject(clause) is not None
        and any(c.dep_ == "ccomp" for c in clause.children)
    )


def _according_to(
    token: Token, span: Span, sentence: Sentence, entities: _Mentions, roles: Roles
) -> Quote | None:
    to = next(c for c in token.children if c.lower_ == "to")
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    phrase = _phrase(_doc_span(source))
    skip = range(token.left_edge.i, max(token.right_edge.i, source.right_edge.i) + 1)
    text = _join([t for t in span if t.i not in skip])
    return _reported_quote(text, phrase, sentence, entities, roles, "according to")


def _reported_quote(
    text: str, phrase: Span, sentence: Sentence, entities: _Mentions, roles: Roles, cue: str
) -> Quote | None:
    if len(text.split()) < MIN_QUOTE_WORDS:
        return None
    speaker = _resolve(phrase, sentence.index, entities, roles)
    return Quote(text, speaker, phrase.text, sentence.index, "reported", cue)


def _join(tokens: list[Token]) -> str:
    """The words of `tokens` as text, quotation marks left out. Where words were taken
    out between two ("He was most afraid, he said, for ..."), a space keeps the two
    apart, as does one where a mark stood ("dream''and")."""
    text = "".join(
        t.text_with_ws if i + 1 == len(tokens) or tokens[i + 1].i == t.i + 1 else t.text + " "
        for i, t in enumerate(tokens)
    )
    for mark in ('"', "“", "”", "``", "''"):
        text = text.replace(mark, " ")
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return re.sub(r"[,;:]+(?=[.!?]?$)", "", text).strip(" ,;:.")


def _overlaps(quote: Quote, sentence: Sentence, text: str, quoted: _Spans[tuple[int, int]]) -> bool:
    """True when a reported quote repeats (part of) a direct quote of the same sentence."""
    for a, b in quoted.overlapping(sentence.start, sentence.end):
        direct = " ".join(text[a:b].replace('"', " ").split()).strip(" “”,.")
        if direct in quote.text or quote.text in direct:
            return True
    return False

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
SPEAKER_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
ROLE_WORDS = ROLES
# Role nouns that refer back to a named person ("the minister said"). Anonymous
# descriptions ("a witness", "officials", "the police") are not resolved to anyone.
PERSON_ROLES = ROLES
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


def find_quotes(doc: Doc, sentences: list[Sentence], entities: list[Entity]) -> list[Quote]:
    """Direct and reported quotes of one parsed article, in text order."""
    text = doc.text
    roles = _roles(doc, text, entities)
    spans = _direct_spans(text, sentences)
    quoted = [piece for f in spans for piece in f.pieces]
    # A speaker is named outside quotation marks: a name a quote mentions ('"We have to
    # admire Lucio Tan," he said') is no one a pronoun or title stands for.
    outside = [e for e in entities if not any(a <= e.start < b for a, b in quoted)]
    quotes: list[Quote] = []
    previous: tuple[int, str | None] = (-2, None)  # (paragraph, speaker) of the last quote
    for found in spans:
        speaker_text, cue, speaker = _attribution(
            doc, text, found, sentences, outside, roles, quoted
        )
        if (
            speaker is None
            and _whole_paragraph(text, found, sentences)
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


def _direct_spans(text: str, sentences: list[Sentence]) -> list[_Found]:
    paragraphs: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence)
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
                sentence = next(s.index for s in members if s.end > group[0][0])
                found.append(_Found(group, sentence, number))
    return found


# Opening marks and the closing marks each accepts: straight, curly, and the TeX-style
# ``…'' of older wire copy (DUC, TREC).
_PAIRS = {'"': ('"',), _OPEN: (_CLOSE, '"'), "``": ("''", '"')}


def _quoted_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks in text[start:end]."""
    pieces = []
    position = start
    while position < end:
        opening = _next_mark(text, position, end, tuple(_PAIRS))
        if opening is None:
            break
        at, mark = opening
        closing = _next_mark(text, at + len(mark), end, _PAIRS[mark])
        if closing is None:  # unclosed: runs to the end of the paragraph
            pieces.append((at + len(mark), end))
            break
        pieces.append((at + len(mark), closing[0]))
        position = closing[0] + len(closing[1])
    return pieces


def _next_mark(text: str, start: int, end: int, marks: tuple[str, ...]) -> tuple[int, str] | None:
    """(position, mark) of the first of `marks` in text[start:end]."""
    found = [(p, m) for m in marks if (p := text.find(m, start, end)) >= 0]
    return min(found) if found else None


_VERBS = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
_GAP = re.compile(rf"^[\s,\"“”`']*(?:[\w.'’-]+[\s,]+){{1,8}}?(?:{_VERBS})[\s,\"“”`']*$")
_GAP_INVERTED = re.compile(rf"^[\s,\"“”`']*(?:{_VERBS})(?:[\s,]+[\w.'’-]+){{1,8}}[\s,\"“”`']*$")


def _is_attribution_gap(between: str) -> bool:
    if len(between) > 120:  # an attribution is a few words; also keeps the regexes linear
        return False
    return bool(_GAP.match(between) or _GAP_INVERTED.match(between))


def _whole_paragraph(text: str, found: _Found, sentences: list[Sentence]) -> bool:
    members = [s for s in sentences if s.paragraph == found.paragraph]
    return not any(ch.isalpha() for ch in _outside(text, found, members))


def _outside(text: str, found: _Found, sentences: list[Sentence]) -> str:
    """The text of `sentences` (in order) before and after the quote."""
    return text[sentences[0].start : found.start] + text[found.end : sentences[-1].end]


def _attribution(
    doc: Doc,
    text: str,
    found: _Found,
    sentences: list[Sentence],
    entities: list[Entity],
    roles: Roles,
    quoted: list[tuple[int, int]],
) -> tuple[str | None, str | None, str | None]:
    """(speaker as written, cue, resolved speaker) for a direct quote, from its sentence
    and its neighbours (`quoted`: every quoted stretch of the text)."""
    # The quote's own sentences and one on each side, within its paragraph: attribution is
    # never further away, and a paragraph of many quotes stays linear to search.
    last = next((x.index for x in sentences if x.end >= found.end), found.sentence)
    paragraph = [
        x
        for x in sentences
        if x.paragraph == found.paragraph and found.sentence - 1 <= x.index <= last + 1
    ]
    own = [x for x in paragraph if found.sentence <= x.index <= last]
    # A quote inside a sentence of other words ('labelled "Actress in a Leading Role"')
    # takes a neighbour's "said" only when that sentence quotes nothing itself: else the
    # verb is the other quote's ('"I knew I would mess this up," said Kimmel').
    if any(ch.isalpha() for ch in _outside(text, found, own)):
        paragraph = [
            x
            for x in paragraph
            if x in own or not any(x.start <= start < x.end for start, _ in quoted)
        ]
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


def _named_after(text: str, offset: int, entities: list[Entity]) -> Entity | None:
    """An entity that starts at `offset`, possibly after a title ("Mr", "Defense Secretary")."""
    window = text[offset : offset + 40]
    for entity in entities:
        if entity.label in SPEAKER_LABELS and 0 <= entity.start - offset <= 25:
            before = window[: entity.start - offset]
            if all(word[:1].isupper() for word in before.split()):
                return entity
    return None


def _subject(verb: Token) -> Span | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            if child.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                return doc_span(verb.head)  # "a man who says …": the man
            if _in_dateline(child):
                return None
            return doc_span(child)
    if verb.dep_ == "conj":  # "Cosby shook his head and said": Cosby
        return _subject(verb.head)
    if verb.dep_ in ("relcl", "acl"):
        return _subject(verb.head) if verb.head.lower_ in SPEECH_VERBS else None
    return None


def _in_dateline(token: Token) -> bool:
    """True for a token of a paragraph's dateline ("WASHINGTON _", "GOLUBOVAC, Yugoslavia _")."""
    text = token.doc.text
    start = text.rfind("\n", 0, token.idx) + 1
    match = DATELINE.match(text, start)
    return bool(match) and token.idx < match.end()


def doc_span(token: Token) -> Span:
    return token.doc[token.left_edge.i : token.right_edge.i + 1]


def _phrase(span: Span) -> Span:
    """The noun phrase up to its head, without a leading determiner or trailing clause."""
    head = span.root
    start = span.start
    while start < head.i and span.doc[start].lower_ in _DETERMINERS:
        start += 1
    return span.doc[start : head.i + 1]


def _resolve(phrase: Span, sentence: int, entities: list[Entity], roles: Roles) -> str | None:
    """A speaker phrase as a canonical entity name, a description, or None."""
    head = phrase.root
    words = phrase.text.lower().split()
    if len(words) == 1 and words[0] in PERSON_PRONOUNS | GROUP_PRONOUNS:
        labels = {"PERSON"} if words[0] in PERSON_PRONOUNS else {"ORG", "GPE", "NORP"}
        offset = phrase.start_char
        subject = _subject_before(phrase.doc, entities, offset, sentence, labels)
        return subject or _nearest_before(entities, offset, sentence, labels)
    # "the mayor, Anna Berg, said": the name in apposition names the speaker.
    for token in [head, *(c for c in head.children if c.dep_ == "appos")]:
        for entity in entities:
            if entity.label in SPEAKER_LABELS and entity.start <= token.idx < entity.end:
                return entity.canonical
    role = _singular_role(head.lower_)
    if role in PERSON_ROLES and all(not t.text[:1].isupper() for t in phrase):
        # "the minister": the nearest person the text calls a minister, else the nearest
        # person whose role it does not say. "The agency" is no person and stays as it is.
        for compatible in (
            lambda name: role in roles.get(name, ()),
            lambda name: not roles.get(name),
        ):
            named = _nearest_before(entities, phrase.start_char, sentence, {"PERSON"}, compatible)
            if named:
                return named
    return phrase.text


def _singular_role(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in PERSON_ROLES else word


def _nearest_before(
    entities: list[Entity],
    offset: int,
    sentence: int,
    labels: set[str],
    compatible: Callable[[str], bool] = lambda name: True,
) -> str | None:
    candidates = [
        e
        for e in entities
        if e.label in labels
        and e.start < offset
        and sentence - e.sentence <= 3
        and compatible(e.canonical)
    ]
    return candidates[-1].canonical if candidates else None


def _subject_before(
    doc: Doc, entities: list[Entity], offset: int, sentence: int, labels: set[str]
) -> str | None:
    """The entity a pronoun at `offset` most likely stands for when it is a subject, not a
    name inside a phrase ("Castro had breakfast with King Juan Carlos. He said …":
    Castro). Only the nearest sentence with an entity of `labels` before the pronoun (its
    own, or one within `_nearest_before`'s reach) is read: its subject nearest the
    pronoun in its own sentence, else the subject of its main verb first. None when
    none of them is a subject."""
    candidates = [
        e for e in entities if e.label in labels and e.start < offset and sentence - e.sentence <= 3
    ]
    if not candidates:
        return None
    nearest = max(e.sentence for e in candidates)
    subjects = [
        (role, e)
        for e in candidates
        if e.sentence == nearest and (role := _subject_role(doc, e)) is not None
    ]
    if not subjects:
        return None
    if nearest == sentence:
        return subjects[-1][1].canonical  # "When Castro arrived, he said": the nearest
    return min(subjects, key=lambda found: (found[0], found[1].start))[1].canonical


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
        if titled and _singular_role(token.head.head.lower_) in PERSON_ROLES:
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
        # Title words just before the name, or opening the mention itself ("Mayor Bob Roe").
        before = re.findall(r"[A-Za-z]+", text[max(0, entity.start - 40) : entity.start])
        before += [w for w in re.findall(r"[A-Za-z]+", entity.text)[:-1]]
        roles.setdefault(entity.canonical, set()).update(
            ROLE_ABBREVIATIONS.get(w.lower(), w.lower())
            for w in before[-3:]
            if w.lower() in ROLE_WORDS
        )
    for token in doc:
        if token.dep_ != "appos":
            continue
        for person in persons:
            if person.start <= token.idx < person.end:
                roles[person.canonical].add(token.head.lower_)
            elif person.start <= token.head.idx < person.end:
                roles[person.canonical].add(token.lower_)
    return roles


# -- reported speech ----------------------------------------------------------------


def _reported(
    doc: Doc,
    text: str,
    sentences: list[Sentence],
    entities: list[Entity],
    quoted: list[tuple[int, int]],
    roles: Roles,
) -> list[Quote]:
    found = []
    for sentence in sentences:
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None:
            continue
        for token in span:
            if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
                quote = _according_to(token, span, sentence, entities, roles)
            elif token.lower_ in SPEECH_VERBS:
                quote = _content_clause(token, sentence, entities, roles)
            else:
                continue
            if quote is not None and not _overlaps(quote, sentence, text, quoted):
                found.append(quote)
    return found


def _content_clause(
    verb: Token, sentence: Sentence, entities: list[Entity], roles: Roles
) -> Quote | None:
    clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    subject = _subject(verb)
    if clause is None or subject is None:
        # "…, the AP reported": the reporting verb hangs off the main clause.
        if subject is not None and verb.dep_ in ("parataxis", "ccomp") and verb.head.i < verb.i:
            clause = verb.head
            words = [
                t for t in doc_span(clause) if not (verb.left_edge.i <= t.i <= verb.right_edge.i)
            ]
            text = _join(words)
        else:
            return None
    else:
        text = _join(
            [t for t in doc_span(clause) if not (t.i == clause.left_edge.i and t.lower_ == "that")]
        )
    return _reported_quote(text, _phrase(subject), sentence, entities, roles, verb.text)


def _according_to(
    token: Token, span: Span, sentence: Sentence, entities: list[Entity], roles: Roles
) -> Quote | None:
    to = next(c for c in token.children if c.lower_ == "to")
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    phrase = _phrase(doc_span(source))
    skip = range(token.left_edge.i, max(token.right_edge.i, source.right_edge.i) + 1)
    text = _join([t for t in span if t.i not in skip])
    return _reported_quote(text, phrase, sentence, entities, roles, "according to")


def _reported_quote(
    text: str, phrase: Span, sentence: Sentence, entities: list[Entity], roles: Roles, cue: str
) -> Quote | None:
    if len(text.split()) < MIN_QUOTE_WORDS:
        return None
    speaker = _resolve(phrase, sentence.index, entities, roles)
    return Quote(text, speaker, phrase.text, sentence.index, "reported", cue)


def _join(tokens: list[Token]) -> str:
    text = "".join(t.text_with_ws for t in tokens)
    for mark in ('"', "“", "”", "``", "''"):
        text = text.replace(mark, "")
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return re.sub(r"[,;:]+(?=[.!?]?$)", "", text).strip(" ,;:.")


def _overlaps(quote: Quote, sentence: Sentence, text: str, quoted: list[tuple[int, int]]) -> bool:
    """True when a reported quote repeats (part of) a direct quote of the same sentence."""
    for a, b in quoted:
        if a < sentence.end and b > sentence.start:
            direct = " ".join(text[a:b].replace('"', " ").split()).strip(" “”,.")
            if direct in quote.text or quote.text in direct:
                return True
    return False

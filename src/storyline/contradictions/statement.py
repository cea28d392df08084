"""`Statement`, one sentence as the checks see it, and `Finding`, what a check found.

`Statement.of` works out once per sentence what every check needs (its polarity, its
content terms, and for each figure and date the words around it), so that comparing
many pairs re-reads no sentence; the helpers here are the ones it needs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from storyline.contradictions.concepts import GRANTING, PERMISSION, REFUSING
from storyline.contradictions.negation import (
    CLAUSES,
    OBJECT_WORDS,
    REPORTING,
    hedges,
    names_in,
    permission_words,
    says_not,
)
from storyline.language.quantities import QUALIFIERS
from storyline.language.terms import content_terms
from storyline.model import Quantity, Quote, TimeExpression
from storyline.relations import stem, words

_CONTEXT_CHARS = 60
_SPANS = re.compile(
    r"\b(for|within|since|over|during|past|next|last|ago|until|till|through|before|after)\b",
    re.IGNORECASE,
)
_SLOT_WORDS = 2  # content words before a date that say what it dates
_SAYING_REACH = 2  # words from "said" to a date of the saying ("said *on* Oct. 3")
_UNIT_STEMS = frozenset({"percent", "cent"})  # "%" is written out
_QUALIFIER_STEMS = frozenset(
    stem(word) for phrases in QUALIFIERS.values() for word in re.findall(r"[a-z]+", phrases)
)
# Who said it, not what: "officials said 310 were injured" and "officials said 300 were
# evacuated" share no word about the figures.
_SAYERS = frozenset(stem(w) for w in "officials spokesman spokeswoman spokesperson".split())
# A place named with its kind: "the *town of Brenlow*", "the *province of Albay*".
_KIND_OF_PLACE = re.compile(
    r"\b((?i:town|city|village|province|county|state|district|region|island|municipality|"
    r"prefecture))\s+of\s+([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)"
)
# Words that make a figure a total over a region: "62 people throughout Europe".
_TOTAL_WORDS = frozenset(
    "throughout across nationwide worldwide statewide countrywide globally".split()
)
# A date written out has a number or a month's name ("in 2014", "in March"), not only a
# weekday or a relative word ("on Sunday", "yesterday").
_EXPLICIT_DATE = re.compile(
    r"\d|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)
# What happened to those a figure counts, for the figures news most often revises: words
# of one state are one concept ("12 were *killed*", "the *death* toll", "30 *dead*"), and
# figures of different states in one sentence ("12 killed and 30 missing") measure
# different things.
STATES = {
    word: state
    for state, forms in {
        "dead": "dead death deaths die died dies dying kill killed killing kills fatal "
        "fatalities fatality perished",
        "injured": "injured injuries injury injuring wounded wounding hurt",
        "missing": "missing unaccounted",
    }.items()
    for word in forms.split()
}
# Verbs whose "to" gives where a figure changed to: "the toll *rose to* 27".
_CHANGED_TO = frozenset(
    "rose risen rise rises climbed climb climbs increased increase jumped jump grew grown "
    "soared surged mounted swelled swollen fell fallen falls dropped drop decreased "
    "declined".split()
)
_CHANGE_REACH = 4  # words before a figure to its change verb: "rose to at least 27"


@dataclass(slots=True)
class Statement:
    """One sentence with what the comparison needs to know about it."""

    article: str
    sentence: int
    text: str
    source: str | None = None
    published: str | None = None
    quantities: list[Quantity] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    negative: bool = False
    terms: frozenset[str] = frozenset()  # content terms; grant and refusal words as PERMISSION
    topic: frozenset[str] = frozenset()  # the terms that are not names
    granted: frozenset[str] = frozenset()  # what a grant or refusal word is about
    stems: frozenset[str] = frozenset()  # every word of it, stemmed
    contexts: tuple[frozenset[str], ...] = ()  # the words around each of `quantities`
    # The same, stemmed and without who said it, for figures that agree (see `_gist`).
    gists: tuple[frozenset[str], ...] = ()
    places: frozenset[str] = frozenset()  # the places it names, lower-cased
    # The places it names with their kind, lower-cased: ("town", "brenlow").
    kinds_of_places: frozenset[tuple[str, str]] = frozenset()
    # The places named around each of `quantities`: "32 people *in Poland*".
    figure_places: tuple[frozenset[str], ...] = ()
    # What narrows each figure's thing, one phrase of stems per thing listed: "charges of
    # *attempted murder*", "of *crops* and *roads*" (see `Quantity.kinds`); () if nothing.
    kinds: tuple[tuple[str, ...], ...] = ()
    # Whether each figure is a total over a region: "62 people *throughout* Europe".
    totals: tuple[bool, ...] = ()
    # The states each figure's clause names (see `STATES`): "30 others were *missing*".
    states: tuple[frozenset[str], ...] = ()
    # Whether each figure is where a change ended: "the death toll *rose to* 27".
    changes: tuple[bool, ...] = ()
    # Whether each figure is only possible or foreseen: "*could* land him in prison for
    # five years", "*expected to* reach 100".
    possible: tuple[bool, ...] = ()
    # The dates written out that date what it says (see `_event_dates`), and what each
    # dates: the stemmed words before it ("was *born* on").
    dates: tuple[TimeExpression, ...] = ()
    date_slots: tuple[frozenset[str], ...] = ()

    @classmethod
    def of(
        cls,
        article: str,
        sentence: int,
        text: str,
        *,
        source: str | None = None,
        published: str | None = None,
        quantities: list[Quantity] | None = None,
        times: list[TimeExpression] | None = None,
        quotes: list[Quote] | None = None,
        places: Sequence[str] = (),
    ) -> Statement:
        """A statement with its polarity and content terms worked out from `text`;
        `places` are the names of places (countries, cities, regions) it mentions."""
        terms = {
            PERMISSION if t in GRANTING or t in REFUSING else t
            for t in content_terms(text)
            if t not in REPORTING
        }
        # Capitalised words name who and where; what two statements say lies in the rest.
        names = names_in(text)
        dated = _event_dates(times or [], text)
        granted = set()
        for tokens, at in permission_words(text):
            following = " ".join(tokens[at + 1 : at + 1 + OBJECT_WORDS])
            granted |= set(content_terms(following)) - GRANTING - REFUSING - names
        return cls(
            article=article,
            sentence=sentence,
            text=text,
            source=source,
            published=published,
            quantities=quantities or [],
            times=times or [],
            quotes=quotes or [],
            negative=says_not(text),
            terms=frozenset(terms),
            topic=frozenset(terms - names),
            granted=frozenset(granted),
            stems=frozenset(stem(t) for t in words(text)),
            contexts=tuple(_context(q, text) for q in quantities or []),
            gists=tuple(_gist(q, text) for q in quantities or []),
            places=frozenset(p.lower() for p in places),
            kinds_of_places=frozenset(
                (m.group(1).lower(), m.group(2).lower()) for m in _KIND_OF_PLACE.finditer(text)
            ),
            figure_places=tuple(
                frozenset(p.lower() for p in places if p in _window(q, text))
                for q in quantities or []
            ),
            kinds=tuple(
                tuple(" ".join(map(stem, kind.split())) for kind in q.kinds)
                for q in quantities or []
            ),
            totals=tuple(
                bool(_TOTAL_WORDS & set(words(_window(q, text)))) for q in quantities or []
            ),
            states=tuple(_states(q, text) for q in quantities or []),
            changes=tuple(_changed_to(q, text) for q in quantities or []),
            possible=tuple(_foreseen(q, text) for q in quantities or []),
            dates=tuple(t for t, _ in dated),
            date_slots=tuple(slot for _, slot in dated),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """A disagreement between two statements: its kind and what each side says."""

    kind: str
    says_a: str
    says_b: str


def _event_dates(
    times: list[TimeExpression], text: str
) -> list[tuple[TimeExpression, frozenset[str]]]:
    """The dates written out in `text` that date what it says, each with what it dates:
    the last `_SLOT_WORDS` content words before it in its clause that are not
    capitalised ("Lane was *born* in Brooklyn on"), stemmed, empty when there are none.
    A date of the saying ("officials *said* on Oct. 3") dates the report, not the
    news, and is left out. See `_explicit_dates` for which dates are written out."""
    found = []
    for time in _explicit_dates(times):
        at = text.find(time.text)
        # "The plant, *opened* in 1971", "arrested in 2015 and *convicted* in 2017"
        clause = re.split(r"[()]", CLAUSES.split(text[: max(at, 0)])[-1])[-1]
        if REPORTING & set(words(clause)[-_SAYING_REACH:]):
            continue  # "said on Oct. 3", not "expected to be announced just after Oct. 5"
        # Capitalised words, even a sentence's first, likely name who or where, not what.
        lower = list(content_terms(" ".join(w for w in clause.split() if w[:1].islower())))
        found.append((time, frozenset(stem(t) for t in lower[-_SLOT_WORDS:])))
    return found


def _explicit_dates(times: list[TimeExpression]) -> list[TimeExpression]:
    """Dates written out ("March 3", "in 2014"). Relative ones ("on Sunday") are resolved
    against the publication date and may point a week off, and spans ("for 14
    years", "since 1984") and bounds ("until March", "before 2020") say how long or by
    when rather than when, so none of them ever clashes."""
    return [
        t
        for t in times
        if t.start and t.end and _EXPLICIT_DATE.search(t.text) and not _SPANS.search(t.text)
    ]


def _states(quantity: Quantity, text: str) -> frozenset[str]:
    """The states (see `STATES`) that the clause of a figure names: "and 30 others were
    *missing*" is of the missing, "12 people were *killed* when ..." of the dead."""
    at = text.find(quantity.text)
    if at < 0:
        return frozenset()
    start, end = _clause_around(text, at, at + len(quantity.text))
    return frozenset(STATES[w] for w in words(text[start:end]) if w in STATES)


def _foreseen(quantity: Quantity, text: str) -> bool:
    """Whether a figure's clause makes it only possible or foreseen before it (see
    `hedges`): "charges that *could* land him in prison for five years"."""
    at = text.find(quantity.text)
    if at < 0:
        return False
    start, _ = _clause_around(text, at, at)
    tokens = words(text[start:at])
    return any(hedges(tokens, k) for k in range(len(tokens)))


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause that holds `text[start:end]` begins and ends."""
    begins = max((m.end() for m in CLAUSES.finditer(text, 0, start)), default=0)
    ends = next((m.start() for m in CLAUSES.finditer(text, end)), len(text))
    return begins, ends


def _changed_to(quantity: Quantity, text: str) -> bool:
    """Whether a figure is where a change ended: "the death toll *rose to* 27", "has
    *climbed to* at least 27"."""
    at = text.find(quantity.text)
    if at < 0:
        return False
    before = words(text[:at])[-_CHANGE_REACH:]
    return any(w == "to" and k > 0 and before[k - 1] in _CHANGED_TO for k, w in enumerate(before))


def _window(quantity: Quantity, text: str) -> str:
    """The text around a figure, in whole words (all of `text` when the figure is not
    found in it)."""
    at = text.find(quantity.text)
    if at < 0:
        return text
    start, end = (
        max(0, at - _CONTEXT_CHARS),
        min(len(text), at + len(quantity.text) + _CONTEXT_CHARS),
    )
    # A word cut at an edge would be a word of its own: "sou" of "Southern".
    if start > 0 and text[start - 1].isalnum():
        while start < at and text[start].isalnum():
            start += 1
    if end < len(text) and text[end].isalnum():
        while end > at + len(quantity.text) and text[end - 1].isalnum():
            end -= 1
    return text[start:end]


def _context(quantity: Quantity, text: str) -> frozenset[str]:
    """The content words around a figure, less what it counts."""
    measured = {quantity.what, quantity.unit}
    return frozenset(t for t in content_terms(_window(quantity, text)) if t not in measured)


def _gist(quantity: Quantity, text: str) -> frozenset[str]:
    """What is said around a figure, for two figures to be found one fact: the content
    words around it, stemmed, less what it counts, its unit, its own words and who said
    it ("deliberated for three days" and "after three days of deliberations" share
    "deliber"; "officials said 310 were injured" and "officials said 300 were evacuated"
    share nothing). Clashes keep the plain context: a figure conflict needs more."""
    measured = {stem(w) for w in (quantity.what, quantity.unit) if w} | _UNIT_STEMS
    measured |= {stem(w) for w in content_terms(quantity.text)}  # "seven", "thousand"
    measured |= _QUALIFIER_STEMS  # "*nearly* two months"
    found = {stem(t) for t in content_terms(_window(quantity, text)) if t not in REPORTING}
    return frozenset(found - measured - _SAYERS)

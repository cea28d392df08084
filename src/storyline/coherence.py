"""Sentences that still read right out of their article: dangling references
found, and repaired where the article itself says what they refer to.

An extractive summary lifts sentences out of context. "He said the troops
would leave" means nothing when no one was named before; "This was denied"
needs the sentence it follows. `read_alone` looks at one sentence with the
language stage's entities and quotes and says how it can be used:

- as it is;
- repaired: a dateline ("LONDON (AP) _"), a list marker or a leading connective dropped
  ("But the army said …" → "The army said …"), or a pronoun that speaks a
  quote replaced by the speaker the language stage resolved ("he said" →
  "Mark Esper said");
- only right after the sentence before it in its article (`needs_previous`).

Cost: linear in the sentence's length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.ingest.clean import LIST_MARKER
from storyline.language.nlp import without_dateline
from storyline.model import Entity, Quote

#: Openers that join a sentence to the one before without depending on what it said:
#: dropping them leaves a sentence that stands alone.
_DROPPABLE = re.compile(
    r"^(?:(?:and|but|yet|also|however|meanwhile|moreover|furthermore|still|besides|"
    r"nevertheless|nonetheless|in addition|additionally|separately|indeed|in fact|"
    r"at the same time|even so|for (?:his|her|their|its) part)\s*,\s*|(?:and|but|yet)\s+)",
    re.IGNORECASE,
)
#: Openers that point back at what the sentence before said.
_REFERRING_OPENERS = re.compile(
    r"^(?:instead|then|thus|therefore|hence|as a result|in turn|by contrast|in contrast|"
    r"on the other hand|otherwise|likewise|similarly|consequently|accordingly|"
    r"after that|afterwards|later|earlier|that is|in other words|to that end|"
    r"of those|of these|among them|despite this|because of this)\b",
    re.IGNORECASE,
)
_ANAPHORIC_START = frozenset(
    "he she they it its his her their them him this these those that such both".split()
)
#: "This week", "That night": demonstratives of time refer to the report's own time.
_TIME_NOUNS = frozenset(
    "week weekend month year morning afternoon evening night day time season spring "
    "summer autumn fall winter quarter century decade".split()
)
#: "It is unclear whether …": an expletive "it" refers to nothing.
_EXPLETIVE_IT = re.compile(
    r"^it(?:['’]s|\s+(?:is|was|remains|remained|seems|seemed|appears|appeared|has been|"
    r"had been|will be|would be|could be|may be|might be))\s+(?:not\s+)?"
    r"(?:(?:yet|immediately|still|now|also|already|widely|generally)\s+)?"
    r"(?:clear|unclear|likely|unlikely|possible|impossible|expected|believed|thought|"
    r"understood|feared|hoped|estimated|reported|known|unknown|true|important|necessary|"
    r"difficult|hard|easy|time|too early|the first|the second|the latest|the largest|"
    r"the biggest|the worst|the most|the only)\b",
    re.IGNORECASE,
)
#: Nouns that sum up what was said before ("The statement …", "The move …"): as a
#: sentence's subject they point back at the sentence before.
_SHELL_NOUNS = frozenset(
    "statement statements move decision announcement comment comments remark remarks "
    "news development step measure claim claims incident episode situation issue "
    "problem idea proposal request warning threat ruling finding findings conclusion "
    "admission denial reaction response criticism demand offer question possibility "
    "change shift dispute controversy latter former same".split()
)
_PERSON_PRONOUNS = frozenset("he she him her his hers".split())
_WORD = re.compile(r"[A-Za-z]+")  # "It's" reads as "It", "s"


@dataclass(frozen=True, slots=True)
class Reading:
    """How a sentence can be used on its own: its (possibly repaired) text, and
    whether it must follow the sentence before it in its article."""

    text: str
    needs_previous: bool = False
    repaired: bool = False


def read_alone(text: str, entities: Sequence[Entity] = (), quotes: Sequence[Quote] = ()) -> Reading:
    """`text` as it can stand in a summary: repaired where its own annotations allow,
    else marked as needing the sentence before it.

    `entities` and `quotes` are the language stage's findings in this sentence.
    """
    original = text.strip()
    text = _DROPPABLE.sub("", LIST_MARKER.sub("", without_dateline(original)), count=1)
    while text != (shorter := _DROPPABLE.sub("", text, count=1)):
        text = shorter
    repaired = text != original
    if repaired and text:
        text = text[0].upper() + text[1:]
    text, named = _name_speakers(text, quotes)
    repaired = repaired or named
    if _REFERRING_OPENERS.match(text) or _dangling_start(text):
        return Reading(text, needs_previous=True, repaired=repaired)
    if _unnamed_person(text, entities, named):
        return Reading(text, needs_previous=True, repaired=repaired)
    if _inside_a_longer_quotation(text):
        # One sentence of several quoted at once ("… this time.”): read alone, the
        # speaker's words would pass for the summary's own.
        return Reading(text, needs_previous=True, repaired=repaired)
    if any(q.kind == "direct" and not _attributed_here(q, text) for q in quotes):
        # Who speaks is said in another sentence (a quote continued from the paragraph
        # before, or attributed after it).
        return Reading(text, needs_previous=True, repaired=repaired)
    return Reading(text, repaired=repaired)


def _inside_a_longer_quotation(text: str) -> bool:
    """Whether the quotation marks of `text` do not pair up: a quotation opens or closes
    in a sentence before or after it. Curly and TeX-style (``…'') marks are told apart;
    straight ones only by their number."""
    opening = text.count("“") + text.count("``")
    closing = text.count("”") + text.count("''")
    return opening != closing or text.count('"') % 2 == 1


def _attributed_here(quote: Quote, text: str) -> bool:
    said = [w for w in (quote.speaker_text, quote.speaker) if w]
    return any(w in text for w in said)


def _dangling_start(text: str) -> bool:
    """A sentence that opens on, or points with "these"/"this" at, something said before."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return False
    first, second = words[0], (words[1] if len(words) > 1 else "")
    if first == "the" and second in _SHELL_NOUNS:
        return True
    for at, word in enumerate(words):
        following = words[at + 1] if at + 1 < len(words) else ""
        if word in ("these", "this") and following not in _TIME_NOUNS:
            return True
    if first == "it":
        return not _EXPLETIVE_IT.match(text)
    if first in ("this", "these", "that", "those"):
        return second not in _TIME_NOUNS
    return first in _ANAPHORIC_START


def _name_speakers(text: str, quotes: Sequence[Quote]) -> tuple[str, bool]:
    """Replace a pronoun that attributes a quote ("…, he said") with the speaker's name."""
    changed = False
    for quote in quotes:
        spoken = (quote.speaker_text or "").strip()
        if spoken.lower() not in _PERSON_PRONOUNS or not _is_name(quote.speaker):
            continue
        # News attributes after the quote ("…," he said): the last such pronoun is it.
        matches = list(re.finditer(rf"\b{re.escape(spoken)}\b", text))
        if not matches:
            continue
        match = matches[-1]
        name = quote.speaker or ""
        text = text[: match.start()] + name + text[match.end() :]
        changed = True
    return text, changed


def _is_name(speaker: str | None) -> bool:
    """A resolved speaker that names someone (not a pronoun or a bare description)."""
    if not speaker:
        return False
    first = speaker.split()[0]
    return first[:1].isupper() and first.lower() not in _ANAPHORIC_START


def _unnamed_person(text: str, entities: Sequence[Entity], named: bool) -> bool:
    """A personal pronoun in a sentence that names no person itself."""
    if named or any(e.label == "PERSON" for e in entities):
        return False
    return any(w.lower() in _PERSON_PRONOUNS for w in _WORD.findall(text))

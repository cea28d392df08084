"""Named entities, and one canonical name per real entity within an article or a story.

Mentions are grouped by general rules: titles and honorifics dropped ("Defense
Secretary Mark Esper", "Mr Esper" and "Esper" are Mark Esper), acronyms matched
to the names they abbreviate, in the text ("Islamic State group (IS)") or by
their initials, spelling variants folded ("U.S." is "US"), and a short table of
widely used aliases of countries and international bodies (aliases.py).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from storyline.language.aliases import ALIASES
from storyline.model import Annotation, Entity, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc

LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
# Words that open a person's mention without being part of the name: honorifics, which
# say nothing of what a person does, and roles, which do ("the minister" is one).
HONORIFICS = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "fr",
    "former",
    "u.s.",
    "us",
    "vice",
    "state",
    "foreign",
    "defense",
    "defence",
    "chief",
}
ROLES = {
    "president",
    "prime",
    "minister",
    "secretary",
    "general",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "sgt",
    "adm",
    "admiral",
    "senator",
    "sen",
    "rep",
    "representative",
    "governor",
    "gov",
    "mayor",
    "judge",
    "justice",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "sheikh",
    "ayatollah",
    "chancellor",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "commander",
    "deputy",
    "attorney",
    "speaker",
    "leader",
    "officer",
    "director",
    "ceo",
    "chairman",
}
TITLES = HONORIFICS | ROLES
_JOINERS = {"of", "the", "and", "for", "in", "on", "&"}
_NOT_IN_NAMES = {"of", "from", "in", "at"}  # lower-case words that end a person's name
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_LEADING = re.compile(r"^(?:the|so-called|so called)\s+", re.I)
_TRAILING = re.compile(r"\s+(?:group|organization|organisation)$", re.I)


def entity_mentions(doc: Doc, sentences: list[Sentence]) -> list[Entity]:
    """Entity mentions of `doc` with their sentence index; canonical names filled in.

    Cost: linear in the number of mentions.
    """
    starts = [s.start for s in sentences]
    mentions = []
    for ent in doc.ents:
        if ent.label_ not in LABELS:
            continue
        text = _POSSESSIVE.sub("", ent.text.strip(" \t\n([{-–—,;:"))
        if not any(ch.isalpha() for ch in text):
            continue
        sentence = max(0, _index(starts, ent.start_char))
        mentions.append(
            Entity(text, ent.label_, text, sentence, ent.start_char, ent.start_char + len(text))
        )
    canonicalize(mentions, acronyms_defined(doc.text, mentions))
    return mentions


def _index(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def name_key(name: str) -> str:
    """Spelling-insensitive key of a name: "the U.S." and "US" share one."""
    name = _TRAILING.sub("", _LEADING.sub("", name.strip()))
    if re.fullmatch(r"(?:[A-Za-z]\.){2,}[A-Za-z]?\.?", name):
        name = name.replace(".", "")
    return " ".join(name.replace("’", "'").split()).casefold()


def _person_core(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].strip(".,").casefold() in TITLES:
        words.pop(0)
    # "Richard Arcara of Buffalo": the recogniser took the place into the name. A name
    # of one word before it is a name with its place ("Joan of Arc").
    cut = next((i for i, w in enumerate(words) if w in _NOT_IN_NAMES), len(words))
    return " ".join(words[:cut] if cut >= 2 else words)


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.casefold() not in _JOINERS]
    return "".join(w[0] for w in words if w[0].isupper()).casefold()


_ACRONYM_AFTER = re.compile(r"\s?\(([A-Z][A-Za-z.]{1,9})\)")


def acronyms_defined(text: str, mentions: list[Entity]) -> dict[str, str]:
    """Acronyms the text defines: "the Islamic State group (IS)" maps "is" to the name,
    so that later bare uses of "IS" share it."""
    defined = {}
    for mention in mentions:
        match = _ACRONYM_AFTER.match(text, mention.end)
        if match:
            defined[name_key(match.group(1))] = mention.text
    return defined


def canonicalize(mentions: Iterable[Entity], defined: dict[str, str] | None = None) -> None:
    """Give every mention the canonical name of its entity (in place).

    Works the same for one article's mentions or a whole story's; `defined`
    holds acronyms the texts define (see `acronyms_defined`).
    """
    mentions = list(mentions)
    surnames = {
        _person_core(m.text).split()[-1].casefold()
        for m in mentions
        if m.label == "PERSON" and len(_person_core(m.text).split()) >= 2
    }
    for mention in mentions:
        # The recogniser sometimes calls a known person's surname an organisation.
        if mention.label in ("ORG", "GPE") and mention.text.casefold() in surnames:
            mention.label = "PERSON"
    _canonical_persons([m for m in mentions if m.label == "PERSON"])
    _canonical_names([m for m in mentions if m.label != "PERSON"], defined or {})


def _canonical_persons(persons: list[Entity]) -> None:
    cores = Counter(_person_core(m.text) for m in persons)
    full = [c for c in cores if len(c.split()) >= 2]
    by_surname: dict[str, set[str]] = defaultdict(set)
    for name in full:
        by_surname[name.split()[-1].casefold()].add(name)
    for mention in persons:
        core = _person_core(mention.text)
        if len(core.split()) >= 2:
            mention.canonical = core
            continue
        candidates = by_surname.get(core.casefold(), set())
        if len(candidates) == 1:
            mention.canonical = next(iter(candidates))
        else:
            mention.canonical = core


def _canonical_names(mentions: list[Entity], defined: dict[str, str]) -> None:
    # The longest spelling seen for each key names the group.
    groups: dict[str, list[Entity]] = defaultdict(list)
    for mention in mentions:
        groups[_group_key(mention.text, defined)].append(mention)
    longer = [k for k in groups if len(k.split()) >= 2]
    for key in list(groups):
        if " " in key or key not in {_initials(k.title()) for k in longer}:
            continue
        target = next(k for k in longer if _initials(k.title()) == key)
        groups[target].extend(groups.pop(key))
    for key, members in groups.items():
        preferred = ALIASES.get(key, {}).get("name") if key in ALIASES else None
        # The fullest spelling; between equals, not the capitals of a dateline ("LONDON").
        name = preferred or max(
            (m.text for m in members), key=lambda t: (len(t.split()), len(t), not t.isupper())
        )
        for member in members:
            member.canonical = _TRAILING.sub("", _LEADING.sub("", name))


def _group_key(text: str, defined: dict[str, str]) -> str:
    key = name_key(text)
    key = name_key(defined.get(key, text)) if key in defined else key
    for canonical, entry in ALIASES.items():
        if key == canonical or key in entry["aliases"]:
            return canonical
    return key


def unify_entities(annotations: Iterable[Annotation]) -> None:
    """Give the entities of several articles (a story) shared canonical names, in place.

    Each article's own canonical names are pooled and grouped by the same rules,
    so "Al-Shammari" in one report and "Najah al-Shammari" in another become one
    person. Cost: linear in the number of mentions.
    """
    mentions = [e for a in annotations for e in (*a.entities, *a.headline_entities)]
    proxies = [
        Entity(m.canonical, m.label, m.canonical, m.sentence, m.start, m.end) for m in mentions
    ]
    canonicalize(proxies)
    for mention, proxy in zip(mentions, proxies, strict=True):
        mention.canonical = proxy.canonical
        mention.label = proxy.label

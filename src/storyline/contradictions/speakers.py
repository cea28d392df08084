"""Speakers: the same quoted words attributed to different named speakers
(`speaker_clash`), a sign that one report misread who spoke.
"""

from __future__ import annotations

from storyline.contradictions.statement import Finding, Statement
from storyline.language.entities import name_key
from storyline.model import Quote
from storyline.relations import words

_QUOTE_WORDS = 5  # shorter quotes ("no comment") are said by many
_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "this", "that", "who"])


def speaker_clash(a: Statement, b: Statement, min_overlap: float = 0.8) -> Finding | None:
    """The same quoted words (word overlap ≥ `min_overlap`) attributed to different named
    speakers. Reported speech is left out: two people may well say the same thing. So is
    one sentence carried word for word by two articles: it names one speaker, and any
    other comes from a mistake in reading one of them."""
    if words(a.text) == words(b.text):
        return None
    for qa in a.quotes:
        for qb in b.quotes:
            if qa.kind != "direct" or qb.kind != "direct" or not _named(qa) or not _named(qb):
                continue
            ka, kb = name_key(qa.speaker), name_key(qb.speaker)
            if ka == kb or ka in kb or kb in ka or ka.split()[-1:] == kb.split()[-1:]:
                continue
            wa, wb = set(words(qa.text)), set(words(qb.text))
            if min(len(wa), len(wb)) >= _QUOTE_WORDS and len(wa & wb) / len(wa | wb) >= min_overlap:
                return Finding("speaker", f"{qa.speaker} said it", f"{qb.speaker} said it")
    return None


def _named(quote: Quote) -> bool:
    """The quote names its speaker in its own words, by a proper name ("Silveira said"),
    not a pronoun resolved by guesswork nor a group ("Turkish officials")."""
    named = quote.speaker_text or ""
    last = named.split()[-1] if named.split() else ""
    return bool(quote.speaker) and last[:1].isupper() and named.lower() not in _PRONOUNS

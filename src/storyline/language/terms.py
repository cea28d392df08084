"""Content words: what clustering weighs and the comparison rules look for around a
figure or a negation. One tokenizer, so that both read a text alike."""

from __future__ import annotations

import re
from collections import Counter

from storyline.language.nlp import stop_words

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)


def content_terms(text: str) -> Counter[str]:
    """Counts of the content words of `text`: lower-cased, no stop words, no numbers,
    possessive endings dropped. Cost: linear in the text."""
    counts: Counter[str] = Counter()
    stop = stop_words()
    for match in _WORD.finditer(text):
        word = match.group().lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) > 2 and word not in stop:
            counts[word] += 1
    return counts

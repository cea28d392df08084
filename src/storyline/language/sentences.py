"""Sentences of an article, from the parser's boundaries with news-specific repairs."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from storyline.model import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc

_HAS_WORD = re.compile(r"[A-Za-z0-9]")
_CONTINUATION = re.compile(r"^[\"'”’)\]]*\s*[a-z]")


def split_sentences(doc: Doc) -> list[Sentence]:
    """Sentences with their character offsets and paragraph numbers.

    The parser's splits are repaired where news text fools it: a piece with no
    word in it (a stray quote mark or dash) and a piece that starts in lower
    case (a split after an abbreviation or inside a quotation) join the sentence
    before them, unless a paragraph break lies between.
    """
    text = doc.text
    breaks = [m.end() for m in re.finditer(r"\n\s*\n|\n", text)]
    pieces: list[list[int]] = []
    carried: int | None = None  # start of a word-less piece opening a paragraph ("- ")
    for span in doc.sents:
        start, end = span.start_char, span.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        chunk = text[start:end]
        same_paragraph = bool(pieces) and "\n" not in text[pieces[-1][1] : start]
        if carried is not None:
            start, carried = carried, None
        elif same_paragraph and (not _HAS_WORD.search(chunk) or _CONTINUATION.match(chunk)):
            pieces[-1][1] = end
            continue
        if not _HAS_WORD.search(chunk):
            carried = start
            continue
        pieces.append([start, end])
    return [
        Sentence(index, start, end, text[start:end], bisect.bisect_right(breaks, start))
        for index, (start, end) in enumerate(pieces)
    ]

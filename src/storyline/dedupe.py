"""Near-duplicates: wire copies and re-posts of one text, found with MinHash LSH.

Each article's text becomes a set of word shingles; datasketch's MinHash summarises
the set in `NUM_PERM` 32-bit values and its LSH index finds earlier articles whose
estimated Jaccard similarity is at least `threshold`. A match is a *copy* unless it
changes a figure of the text it repeats (a revised toll is news to compare, not a copy
to set aside): it points to its original (the first published, then the first read),
keeps its own source and date, and is neither annotated, embedded nor compared again
downstream. Articles are checked in publication order, so the original is usually the
first text seen; one read later yet published on an earlier day (or dated, where the
original is not) takes the original's place, which becomes its copy: crawls and
archives arrive in any order.

Signatures are plain ``uint32`` arrays, so the store keeps them as raw bytes
and an index rebuilt from them never unpickles anything.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from storyline.dates import day_number, later_day
from storyline.language.quantities import SCALES, SMALL

NUM_PERM = 128
SHINGLE_WORDS = 3
#: Estimated Jaccard similarity of shingle sets from which two texts are one text.
#: 3-word shingles at 0.7 accept a changed word per sentence or a different
#: standfirst and sign-off, and reject a rewrite that keeps a third of the text.
DEFAULT_THRESHOLD = 0.7
#: What counts as a copy: bump it when the rules change, and copies stored by earlier
#: rules are checked again (copies-2: a near-copy that changes a figure is a report).
COPY_RULES = "copies-2"
_SEED = 20_181_022  # any fixed value: signatures must be comparable across runs
_SCHEME = "affine32"
_WORD = re.compile(r"\w+", re.UNICODE)


# Sentences end at their marks or at a blank line; a text wrapped at other line ends is
# one text.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
# A clock time: a re-post's "updated 10:32" or "10.45am" is no new figure.
_CLOCK = re.compile(r"\b\d{1,2}(?::\d{2}(?:\s*[ap]\.?m\b\.?)?|\.\d{2}\s*[ap]\.?m\b\.?)", re.I)
_NUMBER_OR_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
#: Words a sentence must have for its figures to count: a dateline or a time stamp is
#: not a statement.
_STATEMENT_WORDS = 6


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """`article_id` repeats the text of `original_id` (estimated Jaccard `similarity`).
    `displaced`: `article_id` was the original until `original_id`, published before it,
    was checked."""

    article_id: str
    original_id: str
    similarity: float
    displaced: bool = False


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Overlapping `size`-word sequences of the lower-cased words of `text`.

    A text shorter than `size` words is one shingle of all its words, so that
    two identical short texts still match.
    """
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signature(text: str) -> np.ndarray:
    """The MinHash signature of `text`: `NUM_PERM` uint32 values. Cost: linear in its words."""
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)
    minhash.update_batch(shingles(text))
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def changes_a_figure(text: str, other: str) -> bool:
    """Whether two texts that repeat one text differ in a figure: a sentence of `text`
    whose counterpart in `other` (its sentence sharing the most words, at least half
    of them) gives another number in place of one of its own ("almost 1,000 troops"
    against "almost 2,000"; "five" and "5" are one number). A number only one of them
    gives (a date in one dateline) changes nothing, nor does a clock time. Such a text
    revises or disputes the other and must be compared with it, not set aside as its
    copy. Cost: linear in the sentences in both, plus, for each sentence of one that
    the other lacks, one comparison with each that the first lacks."""
    mine, theirs = _sentences(text), _sentences(other)
    only_theirs = [(words, _figures(s)) for s, words in theirs.items() if s not in mine]
    for sentence, words in mine.items():
        if sentence in theirs or len(words) < _STATEMENT_WORDS:
            continue
        best, figures = 0.0, Counter()
        for other_words, other_figures in only_theirs:
            shared = len(words & other_words) / len(words | other_words)
            if shared > best:
                best, figures = shared, other_figures
        own = _figures(sentence)
        if best >= 0.5 and own - figures and figures - own:
            return True
    return False


def _sentences(text: str) -> dict[str, frozenset[str]]:
    """Each sentence of `text`, spaces normalised, with its set of lower-cased words."""
    found = {}
    for piece in _SENTENCE_END.split(text):
        sentence = " ".join(piece.split())
        if sentence:
            found[sentence] = frozenset(_WORD.findall(sentence.lower()))
    return found


def _figures(sentence: str) -> Counter[str]:
    """The numbers of `sentence`, digits without separators and number words as digits
    ("five" is "5"), and the scales they are in ("million")."""
    found: Counter[str] = Counter()
    for token in _NUMBER_OR_WORD.findall(_CLOCK.sub(" ", sentence.lower())):
        if token[0].isdigit():
            found[token.replace(",", "")] += 1
        elif token in SMALL and token != "a":
            found[str(SMALL[token])] += 1
        elif token in SCALES and len(token) > 2:  # not "m" or "bn", which are units too
            found[token] += 1
    return found


class DuplicateFinder:
    """An LSH index over original texts that tells each new article whether it is a copy.

    Use `load` for signatures of originals kept from earlier runs, then `check`
    for each new article in arrival order. Memory: about ``NUM_PERM * 12`` bytes
    per original. Cost per check: one LSH query (constant in the number of
    originals) plus one Jaccard estimate per candidate.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, window_days: int | None = None):
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.window_days = window_days  # a text this much later is no copy of the article
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, MinHash] = {}
        self._published: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def load(self, originals: Iterable[tuple[str, str | None, np.ndarray]]) -> None:
        """Index stored (article id, published, signature) triples of originals."""
        for article_id, published, values in originals:
            self._index(article_id, self._minhash(values), published)

    def check(
        self,
        article_id: str,
        values: np.ndarray,
        published: str | None = None,
        confirm: Callable[[str], bool] | None = None,
    ) -> DuplicateMatch | None:
        """The match of `article_id` (with signature `values`, published on `published`)
        among the originals, or None; in that case the article is indexed as a new
        original. An original it repeats that was published on a later day, or is
        undated while the article is not, is displaced: the article takes its place in
        the index, and the match returned says that the original repeats the article
        (`DuplicateMatch.displaced`). So a revised original is never the copy of what
        repeated it later: it was there first. An original published more than
        `window_days` after the article is no match, as the article, read first, would
        have been none of it. With `confirm`, an original is a match only when
        `confirm(original_id)` says so (see `changes_a_figure`); it is asked about the
        closest first, and only about originals over the threshold."""
        minhash = self._minhash(values)
        day = day_number(published)
        matches = []
        for candidate in self._lsh.query(minhash):
            if candidate == article_id:
                return None  # already indexed: a re-run, not a copy of itself
            if self._beyond_window(day, self._published[candidate]):
                continue
            similarity = float(minhash.jaccard(self._signatures[candidate]))
            if similarity >= self.threshold:
                matches.append(DuplicateMatch(article_id, candidate, round(similarity, 3)))
        matches.sort(key=lambda match: (-match.similarity, match.original_id))
        best = next((m for m in matches if confirm is None or confirm(m.original_id)), None)
        if best is None:
            self._index(article_id, minhash, published)
            return None
        first = self._published[best.original_id]
        if later_day(first, published) or (first is None and published is not None):
            self.forget(best.original_id)
            self._index(article_id, minhash, published)
            return DuplicateMatch(best.original_id, article_id, best.similarity, displaced=True)
        return best

    def _beyond_window(self, day: int | None, published: str | None) -> bool:
        later = day_number(published)
        if self.window_days is None or day is None or later is None:
            return False
        return later - day > self.window_days

    def forget(self, article_id: str) -> None:
        """Take `article_id` out of the index (its text was revised); no-op when absent."""
        if self._signatures.pop(article_id, None) is not None:
            del self._published[article_id]
            self._lsh.remove(article_id)

    def _index(self, article_id: str, minhash: MinHash, published: str | None) -> None:
        if article_id not in self._signatures:
            self._signatures[article_id] = minhash
            self._published[article_id] = published
            self._lsh.insert(article_id, minhash)

    @staticmethod
    def _minhash(values: np.ndarray) -> MinHash:
        if values.shape != (NUM_PERM,):
            raise ValueError(f"a signature has {NUM_PERM} values, got shape {values.shape}")
        return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, hashvalues=values)

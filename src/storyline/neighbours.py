"""Candidate pairs: each sentence's nearest sentences from other articles.

The comparison looks only at these pairs, never at every pair of a story.
Small stories are searched exactly (one matrix product per block of rows,
which is faster than building an index below a few thousand sentences);
larger ones through an HNSW index (usearch), whose cost per sentence grows
with the logarithm of the story's size.
"""

from __future__ import annotations

import numpy as np

EXACT_LIMIT = 4000  # sentences; above this the HNSW index is faster (BENCHMARKS.md)
_BLOCK = 1024


def candidate_pairs(
    vectors: np.ndarray, groups: np.ndarray, k: int, floor: float
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, cosine) with i < j, j among i's `k` nearest rows (or i among j's),
    `groups[i] != groups[j]` (rows of one article are never paired) and cosine ≥ `floor`.

    `vectors` are unit rows. Cost: O(n·k) pairs; search O(n²·dim) below
    EXACT_LIMIT rows, O(n·log n·dim) above.
    """
    n = len(vectors)
    if n < 2:
        return []
    # Extra neighbours make room for those from the same article, dropped below.
    wanted = min(n - 1, k + 4)
    if n <= EXACT_LIMIT:
        keys, scores = _exact(vectors, wanted)
    else:
        keys, scores = _approximate(vectors, wanted)
    found: dict[tuple[int, int], float] = {}
    for i in range(n):
        kept = 0
        for j, score in zip(keys[i], scores[i], strict=True):
            if kept >= k or score < floor:
                break
            j = int(j)
            if j < 0 or j == i or groups[j] == groups[i]:
                continue
            kept += 1
            found[(min(i, j), max(i, j))] = float(score)
    return [(i, j, score) for (i, j), score in sorted(found.items())]


def _exact(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top `k + 1` rows by inner product for every row, best first (self included)."""
    n = len(vectors)
    take = min(n, k + 1)
    keys = np.empty((n, take), dtype=np.int64)
    scores = np.empty((n, take), dtype=np.float32)
    for start in range(0, n, _BLOCK):
        block = vectors[start : start + _BLOCK] @ vectors.T
        top = np.argpartition(-block, take - 1, axis=1)[:, :take]
        top_scores = np.take_along_axis(block, top, axis=1)
        order = np.argsort(-top_scores, axis=1)
        keys[start : start + len(block)] = np.take_along_axis(top, order, axis=1)
        scores[start : start + len(block)] = np.take_along_axis(top_scores, order, axis=1)
    return keys, scores


def _approximate(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top `k + 1` rows from an HNSW index (usearch), best first."""
    from usearch.index import Index

    index = Index(
        ndim=vectors.shape[1],
        metric="ip",
        dtype="f32",
        connectivity=12,
        expansion_add=40,
        expansion_search=max(32, 2 * k),
    )
    index.add(np.arange(len(vectors)), np.ascontiguousarray(vectors, dtype=np.float32))
    matches = index.search(np.ascontiguousarray(vectors, dtype=np.float32), k + 1)
    # usearch reports inner-product distance as 1 - similarity.
    return matches.keys.astype(np.int64), (1.0 - matches.distances).astype(np.float32)

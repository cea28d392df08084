"""Runs the pipeline's stages in order. In process for now; the same stage
functions are what a distributed engine will schedule later."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from storyline.batching import batched
from storyline.ingest import read_inputs
from storyline.ingest.base import DEFAULT_MAX_DOCUMENT_BYTES
from storyline.ingest.fetch import Fetcher
from storyline.language import ANNOTATOR_VERSION, Annotator, Encoder
from storyline.model import Annotation, Article, Note, ReadItem, Skipped
from storyline.report.result_json import result_document, write_json
from storyline.store import ArticleRejected, Store

DEFAULT_BATCH_SIZE = 500
MAX_LISTED_PROBLEMS = 1000


@dataclass(slots=True)
class IngestSummary:
    """What an ingest run read, stored and skipped."""

    read: int = 0
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    skipped: int = 0
    internal_errors: int = 0
    problems: list[Skipped] = field(default_factory=list)  # the first MAX_LISTED_PROBLEMS
    ignored: Counter[str] = field(default_factory=Counter)  # expected non-articles, by reason
    notes: list[Note] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)  # filled when asked for
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "added": self.added,
            "revised": self.revised,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "internal_errors": self.internal_errors,
            "ignored": dict(self.ignored),
            "problems": [{"origin": p.origin, "reason": p.reason} for p in self.problems],
            "notes": [{"origin": n.origin, "message": n.message} for n in self.notes],
            "seconds": round(self.seconds, 3),
        }


def ingest(
    specs: list[str],
    store: Store,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    fetch_links: bool = False,
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    collect_ids: bool = False,
    on_bytes: Callable[[int], None] | None = None,
    on_item: Callable[[ReadItem], None] | None = None,
    fetcher: Fetcher | None = None,
) -> IngestSummary:
    """Read `specs` and store their articles in batches of `batch_size`, one
    transaction each; return what happened.

    Killing the process loses at most the batch in flight, and running the same
    call again stores exactly what is missing. `on_item` sees every item as it
    is read (progress, live problem reports). URLs are fetched with `fetcher`
    (default: a `Fetcher` with its default retries). Memory holds one batch.
    """
    summary = IngestSummary()
    started = time.perf_counter()
    batch: list[Article] = []
    with nullcontext(fetcher) if fetcher else Fetcher() as web:
        for item in read_inputs(
            specs,
            fetcher=web,
            fetch_links=fetch_links,
            max_document_bytes=max_document_bytes,
            on_bytes=on_bytes,
        ):
            _count(item, summary, collect_ids)
            if isinstance(item, Article):
                batch.append(item)
                if len(batch) >= batch_size:
                    _store_batch(summary, store, batch)
            if on_item is not None:
                on_item(item)
    _store_batch(summary, store, batch)
    summary.seconds = time.perf_counter() - started
    return summary


def _store_batch(summary: IngestSummary, store: Store, batch: list[Article]) -> None:
    """Store `batch` in one transaction, count the outcome and empty the batch.

    When the database refuses the batch's data, the articles are stored one by
    one so that only the offending ones are skipped (with the reason).
    """
    if not batch:
        return
    try:
        outcomes = [store.add_articles(batch)]
    except ArticleRejected:
        outcomes = []
        for article in batch:
            try:
                outcomes.append(store.add_articles([article]))
            except ArticleRejected as exc:
                summary.read -= 1
                _count(Skipped(article.origin or article.id, f"not stored: {exc}"), summary, False)
    for result in outcomes:
        summary.added += result.added
        summary.revised += result.revised
        summary.unchanged += result.unchanged
    batch.clear()


def _count(item: ReadItem, summary: IngestSummary, collect_ids: bool) -> None:
    if isinstance(item, Article):
        summary.read += 1
        if collect_ids:
            summary.article_ids.append(item.id)
    elif isinstance(item, Note):
        summary.notes.append(item)
    elif item.expected:
        summary.ignored[item.reason] += 1
    else:
        summary.skipped += 1
        summary.internal_errors += item.internal
        if len(summary.problems) < MAX_LISTED_PROBLEMS:
            summary.problems.append(item)


@dataclass(slots=True)
class LanguageSummary:
    """What the language stage did: new work, and work found already done."""

    articles: int = 0
    annotated: int = 0
    embedded: int = 0
    sentences_embedded: int = 0
    encoder: str | None = None
    annotate_seconds: float = 0.0
    embed_seconds: float = 0.0


def run_language(
    store: Store,
    ids: list[str] | None,
    *,
    workers: int | None = None,
    encoder: Encoder | None = None,
    window: int = 256,
    on_article: Callable[[int], None] | None = None,
) -> LanguageSummary:
    """Annotate and embed the current revisions of `ids` (all articles when None).

    Only what the store lacks is computed: annotations are cached per content
    hash and annotator version, vectors per content hash and encoder. Works in
    windows of `window` articles, so memory does not grow with the store; all
    annotation happens before the encoder starts (its threads must not be
    forked). `on_article` is called with the number of articles done.
    """
    summary = LanguageSummary(encoder=encoder.name if encoder else None)
    ids = list(dict.fromkeys(ids)) if ids is not None else None
    started = time.perf_counter()
    with Annotator(workers) as annotator:
        for chunk in batched(store.iter_articles(ids), window):
            summary.articles += len(chunk)
            done = store.annotated([a.content_hash for a in chunk], ANNOTATOR_VERSION)
            # One annotation per revision, however many ids share its text.
            todo = list({a.content_hash: a for a in chunk if a.content_hash not in done}.values())
            if todo:
                store.put_annotations(annotator.annotate(todo), ANNOTATOR_VERSION)
                summary.annotated += len(todo)
            if on_article:
                on_article(len(chunk))
    summary.annotate_seconds = time.perf_counter() - started
    if encoder is not None:
        started = time.perf_counter()
        key = vectors_key(encoder)
        for chunk in batched(store.iter_articles(ids), window):
            hashes = [a.content_hash for a in chunk]
            present = store.embedded(hashes, key)
            missing = [h for h in dict.fromkeys(hashes) if h not in present]
            if missing:
                annotations = store.get_annotations(missing, ANNOTATOR_VERSION)
                vectors = embed_annotations(annotations, encoder)
                store.put_vectors(list(vectors.items()), key)
                summary.embedded += len(vectors)
                summary.sentences_embedded += sum(m.shape[0] for m in vectors.values())
        summary.embed_seconds = time.perf_counter() - started
    return summary


def vectors_key(encoder: Encoder) -> str:
    """The store key of sentence vectors: rows follow the annotator's sentences, so a new
    annotator version (which may split sentences differently) needs new vectors too."""
    return f"{encoder.name}/annotator-{ANNOTATOR_VERSION}"


def embed_annotations(
    annotations: dict[str, Annotation], encoder: Encoder, batch_size: int = 64
) -> dict[str, np.ndarray]:
    """Sentence vectors for each annotation, encoded in one batched call for all of them."""
    texts = [s.text for a in annotations.values() for s in a.sentences]
    matrix = encoder.encode(texts, batch_size=batch_size) if texts else np.zeros((0, encoder.dim))
    out, row = {}, 0
    for digest, annotation in annotations.items():
        count = len(annotation.sentences)
        out[digest] = matrix[row : row + count].astype(np.float32)
        row += count
    return out


def write_result(store: Store, article_ids: list[str] | None, out: str | Path) -> dict:
    """Write the result JSON for `article_ids` (all current articles when None) to `out`.

    Returns the document. Stories, facts and summaries join it as their stages land.
    """
    ids = list(dict.fromkeys(article_ids)) if article_ids is not None else None
    document = result_document(store.iter_articles(ids))
    write_json(document, out)
    return document

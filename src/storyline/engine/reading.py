"""Reading: `ingest` reads inputs and stores their articles in batches, counting what it
read, stored and skipped in an `IngestSummary`."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from storyline.ingest import read_inputs
from storyline.ingest.base import DEFAULT_MAX_DOCUMENT_BYTES
from storyline.ingest.fetch import Fetcher
from storyline.model import Article, Note, ReadItem, Skipped
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
    notes: list[Note] = field(default_factory=list)  # the first MAX_LISTED_PROBLEMS
    more_notes: int = 0  # notes past those
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
            "more_notes": self.more_notes,
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
    reader: Callable[..., Iterable[ReadItem]] = read_inputs,
) -> IngestSummary:
    """Read `specs` and store their articles in batches of `batch_size`, one
    transaction each; return what happened.

    `reader` reads the specs: `read_inputs` in this process, or
    `distributed.read_on` bound to a Dask client to read on a cluster.

    Killing the process loses at most the batch in flight, and running the same
    call again stores exactly what is missing. `on_item` sees every item as it
    is read (progress, live problem reports). URLs are fetched with `fetcher`
    (default: a `Fetcher` with its default retries). Memory holds one batch.
    """
    summary = IngestSummary()
    started = time.perf_counter()
    batch: list[Article] = []
    with nullcontext(fetcher) if fetcher else Fetcher() as web:
        for item in reader(
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
        for revision in result.revisions:
            # Said out loud: a repeated id is an update or a mistake, and only the user knows.
            _count(
                Note(
                    revision.origin,
                    f"id {revision.article_id!r} already had other text (from an earlier line "
                    f"or run): this text is stored as its revision {revision.number}, the "
                    f"earlier one kept as revision {revision.number - 1}",
                ),
                summary,
                False,
            )
    batch.clear()


def _count(item: ReadItem, summary: IngestSummary, collect_ids: bool) -> None:
    if isinstance(item, Article):
        summary.read += 1
        if collect_ids:
            summary.article_ids.append(item.id)
    elif isinstance(item, Note):
        if len(summary.notes) < MAX_LISTED_PROBLEMS:
            summary.notes.append(item)
        else:
            summary.more_notes += 1
    elif item.expected:
        summary.ignored[item.reason] += 1
    else:
        summary.skipped += 1
        summary.internal_errors += item.internal
        if len(summary.problems) < MAX_LISTED_PROBLEMS:
            summary.problems.append(item)

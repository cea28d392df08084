"""Reading and the language stage on a Dask cluster (`analyze --workers N` or
`--scheduler ADDRESS`).

Reading (`read_on`): each local input file is a task, and a large plain JSONL
file is cut at line ends into parts of `PART_BYTES`; a worker reads and cleans
its part and sends the articles back, which the driver stores in input order.
Standard input, URLs and files over `WHOLE_FILE_BYTES` that cannot be cut are
read on the driver. Workers open the files by absolute path, so a remote cluster
must see them at the same paths.

The language stage (`run_language_on`): the driver reads articles from the
store in windows, sends those whose annotation or vectors are missing to the
workers, and stores what comes back; clustering, comparison and summaries stay
on the driver. Each worker process loads the spaCy pipeline and the encoder once
(the first task it runs) and keeps them.

At most two tasks per worker are in flight, so the driver's memory does not grow
with the corpus. Reading, annotation and encoding are the same functions as in
process, so the results are the same.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.batching import batched
from storyline.ingest import Input, expand_inputs, read_entry, read_input, split_input
from storyline.ingest.base import DEFAULT_MAX_DOCUMENT_BYTES
from storyline.ingest.fetch import Fetcher
from storyline.language import ANNOTATOR_VERSION, annotate_batch, embed_annotations, load_encoder
from storyline.language.encoders import Encoder
from storyline.language.nlp import load_nlp
from storyline.model import Annotation, Article, ReadItem, Skipped

if TYPE_CHECKING:
    from dask.distributed import Client

    from storyline.engine import LanguageSummary
    from storyline.store import Store

#: How long to try reaching a scheduler before saying it cannot be reached.
CONNECT_SECONDS = 10
#: A plain JSONL file larger than this is read in parts of about this size.
PART_BYTES = 8 * 1024 * 1024
#: Other files up to this size are read whole on a worker; larger ones on the driver.
WHOLE_FILE_BYTES = 64 * 1024 * 1024


class DaskUnavailable(Exception):
    """dask.distributed is not installed; the message says what to install."""


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a local cluster of `workers`
    single-threaded worker processes (closed on exit)."""
    try:
        from dask.distributed import Client
    except ImportError as exc:
        raise DaskUnavailable(
            "running on a cluster needs dask.distributed: pip install 'dask[distributed]'"
        ) from exc
    # dask.distributed logs its every step at INFO; while storyline drives it, only
    # its errors concern the user.
    chatty = logging.getLogger("distributed")
    level = chatty.level
    chatty.setLevel(logging.ERROR)
    try:
        if scheduler:
            with Client(scheduler, timeout=CONNECT_SECONDS) as client:
                yield client
        else:
            with _local_client(workers) as client:
                yield client
    finally:
        chatty.setLevel(level)


@contextmanager
def _local_client(workers: int | None):
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,  # its start and stop are not the user's concern
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def read_part(source: Input, max_document_bytes: int) -> list[ReadItem]:
    """Runs on a worker: every item of one input (a file or a part of one), cleaned."""
    return list(read_input(source, max_document_bytes=max_document_bytes))


def read_on(
    client: Any,
    specs: list[str],
    *,
    fetcher: Fetcher | None = None,
    fetch_links: bool = False,
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    on_bytes: Callable[[int], None] | None = None,
    part_bytes: int = PART_BYTES,
) -> Iterator[ReadItem]:
    """`ingest.read_inputs` with the reading done on the cluster behind `client`:
    the same items in the same order. Inputs that are not local files, and with
    `fetch_links` every input (the fetching stays on the driver), are read here."""
    ahead = _ahead(client)
    waiting: deque[tuple[Any, Input]] = deque()

    def oldest() -> list[ReadItem]:
        future, part = waiting.popleft()
        try:
            items = future.result()
        except Exception as exc:  # a lost worker or a reader crash: this part alone fails
            where = f"{part.origin}:{part.first_line}" if part.jsonl else part.origin
            failure = f"reading on a worker failed: {type(exc).__name__}: {exc}"
            items = [Skipped(where, failure, internal=True)]
        if on_bytes:
            on_bytes(part.size or 0)
        return items

    for source in expand_inputs(specs, fetcher):
        if isinstance(source, Skipped) or source.local_file is None or fetch_links:
            parts = []
        else:
            parts = list(split_input(source, part_bytes))
            if parts[0] is source and (source.size or 0) > WHOLE_FILE_BYTES:
                parts = []  # cannot be cut, and a worker's list of its articles would be large
        if not parts:
            while waiting:  # keep the input order
                yield from oldest()
            yield from read_entry(
                source,
                fetcher=fetcher,
                fetch_links=fetch_links,
                max_document_bytes=max_document_bytes,
                on_bytes=on_bytes,
            )
            continue
        for part in parts:
            future = client.submit(read_part, part, max_document_bytes, pure=False)
            waiting.append((future, part))
            while len(waiting) >= ahead:
                yield from oldest()
    while waiting:
        yield from oldest()


def _ahead(client: Any) -> int:
    """Tasks to keep in flight: two per worker, so that none waits for the driver."""
    return 2 * max(1, len(client.scheduler_info().get("workers", {})))


@lru_cache(maxsize=1)
def _worker_nlp():
    return load_nlp()


@lru_cache(maxsize=2)
def _worker_encoder(spec: str) -> Encoder:
    # One thread: a worker is one core's worth of work; the cluster adds the rest.
    return load_encoder(spec, threads=1)


def process_articles(
    articles: list[Article], encoder: str | None
) -> tuple[list[Annotation], dict[str, np.ndarray], str | None]:
    """Runs on a worker: the articles' annotations and, with `encoder` (a spec such
    as ``auto`` or ``onnx``), their sentence vectors by content hash, and the
    encoder's name."""
    annotations = annotate_batch(_worker_nlp(), articles)
    if encoder is None:
        return annotations, {}, None
    loaded = _worker_encoder(encoder)
    vectors = embed_annotations({a.content_hash: a for a in annotations}, loaded)
    return annotations, vectors, loaded.name


def run_language_on(
    client: Client,
    store: Store,
    ids: list[str] | None,
    *,
    encoder: str | None = "auto",
    window: int = 32,
    on_article: Callable[[int], None] | None = None,
) -> LanguageSummary:
    """`engine.run_language` with the work on the cluster behind `client`: annotate and
    embed what the store lacks for `ids` (all current articles when None). Returns
    the same `LanguageSummary`."""
    from dask.distributed import as_completed

    from storyline.engine import LanguageSummary, vectors_key

    # The encoder's name keys its vectors; loading it here also says early when it is missing.
    name = load_encoder(encoder).name if encoder is not None else None
    key = vectors_key(name) if name else None
    summary = LanguageSummary(encoder=name)
    started = time.perf_counter()
    ahead = _ahead(client)
    pending = as_completed()
    sizes: dict[str, int] = {}

    def collect(future) -> None:
        annotations, vectors, _ = future.result()
        have = store.annotated([a.content_hash for a in annotations], ANNOTATOR_VERSION)
        fresh = [a for a in annotations if a.content_hash not in have]
        if fresh:
            store.put_annotations(fresh, ANNOTATOR_VERSION)
            summary.annotated += len(fresh)
        if key is not None:
            present = store.embedded(list(vectors), key)
            missing = [(h, m) for h, m in vectors.items() if h not in present]
            if missing:
                store.put_vectors(missing, key)
                summary.embedded += len(missing)
                summary.sentences_embedded += sum(m.shape[0] for _, m in missing)
        if on_article:
            on_article(sizes.pop(future.key))

    ids = list(dict.fromkeys(ids)) if ids is not None else None
    for chunk in batched(store.iter_articles(ids), window):
        summary.articles += len(chunk)
        hashes = [a.content_hash for a in chunk]
        done = store.annotated(hashes, ANNOTATOR_VERSION)
        embedded = store.embedded(hashes, key) if key else set()
        todo = list(
            {
                a.content_hash: a
                for a in chunk
                if a.content_hash not in done or (key and a.content_hash not in embedded)
            }.values()
        )
        if not todo:
            if on_article:
                on_article(len(chunk))
            continue
        future = client.submit(process_articles, todo, encoder, pure=False)
        sizes[future.key] = len(chunk)
        pending.add(future)
        while pending.count() >= ahead:
            collect(next(pending))
    for future in pending:
        collect(future)
    summary.seconds = time.perf_counter() - started
    return summary

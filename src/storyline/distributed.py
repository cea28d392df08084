"""Reading and the language stage on a Dask cluster (`analyze --workers N` or
`--scheduler ADDRESS`).

Reading (`read_on`): each local input file is a task, and a large plain JSONL
file is cut at line ends into parts of `PART_BYTES`; a worker reads and cleans
its part and sends the articles back, which the driver stores in input order.
Standard input, URLs and files over `WHOLE_FILE_BYTES` that cannot be cut are
read on the driver. Workers open the files by absolute path, so a remote cluster
must see them at the same paths.

The language stage: `engine.run_language` with a `DaskAnnotator`. The driver
reads articles from the store in windows, as in process, and sends those whose
annotation is missing to the workers in tasks of a few articles; clustering,
comparison and summaries stay on the driver. Each worker process loads the spaCy
pipeline and the encoder once (the first task it runs) and keeps them.

Reading holds at most two tasks per worker in flight, the language stage two
windows, so the driver's memory does not grow with the corpus. Reading,
annotation and encoding are the same functions as in process, so the results
are the same.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.batching import batched
from storyline.ingest import Input, expand_inputs, read_entry, read_input, split_input
from storyline.ingest.base import DEFAULT_MAX_DOCUMENT_BYTES
from storyline.ingest.fetch import Fetcher
from storyline.language import (
    ANNOTATE_BATCH,
    EncoderUnavailable,
    annotate_and_embed,
    load_encoder,
)
from storyline.language.encoders import ENCODERS, Encoder
from storyline.language.nlp import load_nlp
from storyline.model import Annotation, Article, ReadItem, Skipped

if TYPE_CHECKING:
    from dask.distributed import Client


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


def annotate_on_worker(
    articles: list[Article], encoder: str | None, name: str | None
) -> list[tuple[Annotation, np.ndarray | None]]:
    """Runs on a worker: `language.annotate_and_embed` with the worker's own model and,
    given `encoder` (a spec such as ``auto``), its encoder, which must be the driver's
    (`name`): vectors of two encoders in one store would not compare."""
    loaded = _worker_encoder(encoder) if encoder is not None else None
    if loaded is not None and loaded.name != name:
        raise EncoderUnavailable(
            f"this worker's encoder is {loaded.name}, the driver's {name}: install the same "
            "encoder package on every machine of the cluster"
        )
    return annotate_and_embed(_worker_nlp(), loaded, articles)


def _kind_of(encoder: Encoder) -> str:
    """The name `load_encoder` takes to make an encoder of `encoder`'s kind."""
    return next((kind for kind, made in ENCODERS.items() if isinstance(encoder, made)), "auto")


class DaskAnnotator:
    """`language.Annotator`'s interface with the work on the cluster behind `client`,
    for `engine.run_language`: each batch of `batch_size` articles is a task.

    encoder: the encoder the driver loaded (None: annotate only); each worker loads
        one of the same kind, and refuses the work if its name differs.
    `window` is how many articles `run_language` should read at a time to keep every
    worker busy: two batches per worker, at least 256.
    """

    def __init__(self, client: Any, encoder: Encoder | None, *, batch_size: int = ANNOTATE_BATCH):
        self.client = client
        # The kind, not "auto": a worker with other packages must not pick another model.
        self.spec = _kind_of(encoder) if encoder is not None else None
        self.name = encoder.name if encoder is not None else None
        self.batch_size = batch_size
        self.window = max(256, batch_size * _ahead(client))

    def __enter__(self) -> DaskAnnotator:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(
        self, articles: Iterable[Article]
    ) -> Callable[[], list[tuple[Annotation, np.ndarray | None]]]:
        """Start the articles' tasks; the returned function waits for their results, in
        order (see `language.Annotator.submit`)."""
        futures = [
            self.client.submit(annotate_on_worker, batch, self.spec, self.name, pure=False)
            for batch in batched(articles, self.batch_size)
        ]
        return lambda: [pair for future in futures for pair in future.result()]

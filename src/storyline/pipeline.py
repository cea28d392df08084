"""The pipeline's order, in one place: `analyze` runs the stages of a `Pipeline`.

Each stage is one method of `Pipeline`, running one `storyline.engine` function;
`analyze` says which follows which and what each hands the next. A front end that
shows progress, reports errors in its own terms or runs a stage elsewhere subclasses
`Pipeline` and overrides that stage, and the order stays here: the command line
draws a progress bar per stage and can read and annotate on Dask, the web app
hears each stage's name as it starts.
"""

from __future__ import annotations

from collections.abc import Callable

from storyline import engine
from storyline.engine import (
    CompareSummary,
    DedupeSummary,
    IngestSummary,
    LanguageSummary,
    StorySummary,
    SummariesSummary,
)
from storyline.ingest.fetch import Fetcher
from storyline.store import Store
from storyline.summarize import SummaryParams

#: The names `analyze` gives `on_stage`, in order ("done" last).
STAGES = (
    "reading",
    "finding copies",
    "annotating and embedding",
    "placing in stories",
    "comparing sources",
    "summarizing",
    "done",
)


class Pipeline:
    """The stages `analyze` runs, in this process with storyline's defaults.

    encoder: the sentence encoder's name ("auto": the best one installed; "none":
        no vectors, so no relation classifier).
    workers: annotation processes (None: one per core).
    params: how summaries are made.
    fetcher: what fetches URLs (None: a `Fetcher` of its own for each read).
    """

    def __init__(
        self,
        *,
        encoder: str = "auto",
        workers: int | None = None,
        params: SummaryParams | None = None,
        fetcher: Fetcher | None = None,
    ):
        self.encoder = encoder
        self.workers = workers
        self.params = params or SummaryParams()
        self.fetcher = fetcher

    def read(self, store: Store, specs: list[str]) -> IngestSummary:
        """Read and clean `specs` (files, folders, URLs) into the store."""
        return engine.ingest(specs, store, collect_ids=True, fetcher=self.fetcher)

    def find_copies(self, store: Store, ids: list[str] | None) -> DedupeSummary:
        """Mark which of `ids` (every article when None) copy an earlier text."""
        return engine.run_dedupe(store, ids)

    def annotate(self, store: Store, ids: list[str]) -> LanguageSummary:
        """Annotate and embed `ids`, the originals. Raises the language stage's errors
        (`ModelUnavailable`, `EncoderUnavailable`) when a model is missing."""
        from storyline.language import load_encoder

        loaded = None if self.encoder == "none" else load_encoder(self.encoder)
        return engine.run_language(store, ids, workers=self.workers, encoder=loaded)

    def place(self, store: Store, ids: list[str] | None, encoder: str | None) -> StorySummary:
        """Place `ids` in stories, extending the stored ones."""
        return engine.run_stories(store, ids, encoder=encoder)

    def compare(
        self, store: Store, ids: list[str] | None, changed: list[str], encoder: str | None
    ) -> CompareSummary:
        """Compare the sources of the stories holding `ids` and of the `changed` ones."""
        return engine.run_compare(store, ids, also=changed, encoder=encoder)

    def summarize(
        self, store: Store, ids: list[str] | None, changed: list[str], encoder: str | None
    ) -> SummariesSummary:
        """Summarize the stories holding `ids` and the `changed` ones."""
        return engine.run_summaries(store, ids, also=changed, encoder=encoder, params=self.params)


def analyze(
    store: Store,
    specs: list[str],
    pipeline: Pipeline | None = None,
    *,
    on_stage: Callable[[str], None] | None = None,
) -> IngestSummary | None:
    """The whole pipeline over `specs`: read, find copies, annotate and embed, place in
    stories, compare and summarize; with no `specs`, over every article in the store.
    `on_stage` hears each stage's name (`STAGES`) as it starts.

    Returns what reading found (its `article_ids` are the articles read), None when
    nothing was to be read; when nothing could be read, the later stages do not run.
    """
    pipeline = pipeline or Pipeline()

    def stage(name: str) -> None:
        if on_stage:
            on_stage(name)

    read, ids = None, None
    if specs:
        stage("reading")
        read = pipeline.read(store, specs)
        if read.read == 0:
            return read
        ids = read.article_ids
    stage("finding copies")
    followers = pipeline.find_copies(store, ids).followers
    # Copies checked again (their original revised, or the rules changed) are taken by
    # the later stages too, as are those a run cut short left unplaced.
    if ids is not None:
        followers = [*followers, *store.misplaced_members()]
    work = list(dict.fromkeys(ids + followers)) if ids is not None else None
    stage("annotating and embedding")
    encoder = pipeline.annotate(store, engine.without_copies(store, work)).encoder
    stage("placing in stories")
    changed = pipeline.place(store, work, encoder).changed
    # The stories this run touched may hold members placed before an upgrade of the
    # annotator: read again now, or the comparison would leave them out.
    if work is not None and (unread := engine.unread_originals(store, work, changed, encoder)):
        stage("annotating and embedding")
        pipeline.annotate(store, unread)
    stage("comparing sources")
    pipeline.compare(store, work, changed, encoder)
    stage("summarizing")
    pipeline.summarize(store, work, changed, encoder)
    stage("done")
    return read

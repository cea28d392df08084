"""The commands that run the pipeline: `annotate` (the language stage alone) and
`analyze` (every stage, then the result JSON and the report)."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from storyline import engine, pipeline
from storyline.cli.application import app
from storyline.cli.output import (
    EXIT_NOTHING,
    EXIT_STORE,
    BatchOption,
    DbOption,
    EncoderOption,
    FetchOption,
    JsonOption,
    MaxDocOption,
    OutOption,
    QuietOption,
    ReportOption,
    VerboseOption,
    WordsOption,
    WorkersOption,
    err,
    out,
    plain,
)
from storyline.cli.reading import _print_summary, _run_ingest
from storyline.cli.stages import (
    _cluster,
    _cluster_name,
    _run_compare,
    _run_dedupe,
    _run_language,
    _run_language_on_dask,
    _run_stories,
    _run_summaries,
    _write_report,
)
from storyline.cli.stores import _open_store
from storyline.ingest import read_inputs
from storyline.report.words import counted
from storyline.store import DEFAULT_DB, Store
from storyline.summarize import DEFAULT_WORDS, SummaryParams


@app.command()
def annotate(
    db: DbOption = DEFAULT_DB,
    workers: WorkersOption = None,
    encoder: EncoderOption = "auto",
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Run the language stage over the store: sentences, entities, quotes, quantities,
    times and sentence vectors. Only what is missing is computed."""
    with _open_store(db, existing=True) as store:
        summary = _run_language(
            store, engine.without_copies(store, None), workers, encoder, quiet or as_json
        )
    if as_json:
        out.print_json(data=asdict(summary))


@app.command()
def analyze(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders, URLs or -; none: everything in the store."),
    ] = None,
    db: DbOption = DEFAULT_DB,
    out_path: OutOption = Path("result.json"),
    fetch: FetchOption = False,
    batch_size: BatchOption = engine.DEFAULT_BATCH_SIZE,
    max_doc_mb: MaxDocOption = 10.0,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=4096,
            help="Run reading and the language stage on a local Dask cluster of this many "
            "worker processes (default: in this process, on every core).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Run reading and the language stage on the Dask cluster at this address "
            "(tcp://HOST:PORT); workers must see the input files at the same paths."
        ),
    ] = None,
    encoder: EncoderOption = "auto",
    words: WordsOption = DEFAULT_WORDS,
    report_path: ReportOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Run the pipeline and write the result JSON: read, find copies, annotate, embed,
    cluster into stories (extending the stories already in the store), compare
    their sources and summarize them."""
    if report_path is not None and report_path.resolve() == out_path.resolve():
        raise typer.BadParameter(
            "the report would overwrite the result JSON", param_hint="--report"
        )
    shown = _ShownPipeline(
        db,
        encoder=encoder,
        params=SummaryParams(words=words),
        quiet=quiet,
        verbose=verbose,
        fetch=fetch,
        batch_size=batch_size,
        max_doc_mb=max_doc_mb,
    )
    _analyze(inputs or [], out_path, shown, workers, scheduler, report_path)


class _ShownPipeline(pipeline.Pipeline):
    """`analyze`'s stages with a progress bar and a line of results each, errors as exit
    codes, and reading and annotation on Dask when there is a `client`."""

    def __init__(
        self,
        db: str,
        *,
        encoder: str = "auto",
        params: SummaryParams | None = None,
        quiet: bool = False,
        verbose: bool = False,
        fetch: bool = False,
        batch_size: int = engine.DEFAULT_BATCH_SIZE,
        max_doc_mb: float = 10.0,
    ):
        super().__init__(encoder=encoder, params=params)
        self.db, self.quiet, self.verbose = db, quiet, verbose
        self.fetch, self.batch_size, self.max_doc_mb = fetch, batch_size, max_doc_mb
        # The Dask cluster, when `_analyze` runs on one.
        self.client, self.where = None, "this process"

    def read(self, store: Store, specs: list[str]) -> engine.IngestSummary:
        reader = read_inputs
        if self.client is not None:
            from storyline.distributed import read_on

            reader = partial(read_on, self.client)
        summary = _run_ingest(
            specs,
            store,
            self.fetch,
            self.batch_size,
            self.max_doc_mb,
            self.quiet,
            self.verbose,
            collect_ids=True,
            reader=reader,
        )
        if summary.read == 0:
            err.print(plain("error: no article could be read from the input", "red"))
            raise typer.Exit(EXIT_NOTHING)
        if not self.quiet:
            _print_summary(summary, self.db)
        return summary

    def find_copies(self, store: Store, ids: list[str] | None) -> engine.DedupeSummary:
        return _run_dedupe(store, ids, self.quiet)

    def annotate(self, store: Store, ids: list[str]) -> engine.LanguageSummary:
        if self.client is None:
            return _run_language(store, ids, None, self.encoder, self.quiet)
        return _run_language_on_dask(store, ids, self.client, self.where, self.encoder, self.quiet)

    def place(
        self, store: Store, ids: list[str] | None, encoder: str | None
    ) -> engine.StorySummary:
        return _run_stories(store, ids, encoder, self.quiet)

    def compare(
        self, store: Store, ids: list[str] | None, changed: list[str], encoder: str | None
    ) -> engine.CompareSummary:
        chosen = self.encoder != "auto"
        return _run_compare(store, ids, changed, encoder, self.quiet, chosen=chosen)

    def summarize(
        self, store: Store, ids: list[str] | None, changed: list[str], encoder: str | None
    ) -> engine.SummariesSummary:
        return _run_summaries(store, ids, changed, encoder, self.params.words, self.quiet)


def _analyze(
    inputs: list[str],
    out_path: Path,
    shown: _ShownPipeline,
    workers: int | None = None,
    scheduler: str | None = None,
    report_path: Path | None = None,
) -> dict:
    """Run `shown` over `inputs` (on Dask with `workers` or a `scheduler`) and write the
    result JSON to `out_path`, and the report to `report_path` when given."""
    quiet = shown.quiet
    # With no inputs there is only the store to analyze: a mistyped --db is an error.
    with (
        _open_store(shown.db, existing=not inputs) as store,
        _cluster(scheduler, workers) as client,
    ):
        shown.client, shown.where = client, _cluster_name(scheduler, workers)
        read = pipeline.analyze(store, inputs, shown)
        ids = read.article_ids if read is not None else None
        try:
            document = engine.write_result(store, ids, out_path)
        except OSError as exc:
            err.print(plain(f"error: cannot write {out_path}: {exc.strerror or exc}", "red"))
            raise typer.Exit(EXIT_STORE) from exc
        if report_path is not None:
            _write_report(store, ids, report_path, quiet)
    if not quiet:
        err.print(
            plain(
                f"Result: {out_path} ({counted(len(document['articles']), 'article')}, "
                f"{counted(len(document['stories']), 'story', 'stories')})"
            )
        )
    return document

"""`ingest`: reading news into the store, and the reading step `analyze` and
`summarize` run too, with its problems, notes and summary line."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import typer
from rich.text import Text

from storyline import engine
from storyline.cli.application import app
from storyline.cli.output import (
    EXIT_NOTHING,
    LISTED_PROBLEMS,
    BatchOption,
    DbOption,
    FetchOption,
    InputsArgument,
    JsonOption,
    MaxDocOption,
    QuietOption,
    VerboseOption,
    err,
    out,
    plain,
    progress,
)
from storyline.cli.stores import _open_store
from storyline.ingest import read_inputs
from storyline.ingest.inputs import estimate_size
from storyline.model import ReadItem, Skipped
from storyline.report.words import counted
from storyline.store import DEFAULT_DB, Store, shown_store


@app.command()
def ingest(
    inputs: InputsArgument,
    db: DbOption = DEFAULT_DB,
    fetch: FetchOption = False,
    batch_size: BatchOption = engine.DEFAULT_BATCH_SIZE,
    max_doc_mb: MaxDocOption = 10.0,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Read news files, folders, feeds or pages into the store.

    Formats are detected from content: Article JSONL, plain text or Markdown,
    HTML, RSS/Atom, WARC(.gz), TREC/SGML; any of them gzipped. Re-running is
    safe: what is already stored is recognised by content and kept once.
    """
    with _open_store(db) as store:
        summary = _run_ingest(
            inputs, store, fetch, batch_size, max_doc_mb, quiet or as_json, verbose
        )
        if as_json:
            out.print_json(data=summary.to_dict())
        elif not quiet:
            _print_summary(summary, db)
        if summary.read == 0:
            err.print(Text("error: no article could be read from the input", style="red"))
            raise typer.Exit(EXIT_NOTHING)


def _run_ingest(
    inputs: list[str],
    store: Store,
    fetch: bool,
    batch_size: int,
    max_doc_mb: float,
    quiet: bool,
    verbose: bool,
    collect_ids: bool = False,
    reader: Callable[..., Iterable[ReadItem]] = read_inputs,
) -> engine.IngestSummary:
    listed = 0

    def report(item: ReadItem) -> None:
        nonlocal listed
        if isinstance(item, Skipped) and not item.expected and not quiet:
            listed += 1
            if verbose or listed <= LISTED_PROBLEMS:
                suffix = " (a storyline bug: please report it)" if item.internal else ""
                err.print(plain(f"skipped {item}{suffix}", "yellow"))

    options = {
        "batch_size": batch_size,
        "fetch_links": fetch,
        "max_document_bytes": int(max_doc_mb * 1024 * 1024),
        "collect_ids": collect_ids,
        "reader": reader,
    }
    with progress(quiet, estimate_size(inputs)) as (on_bytes, on_item):

        def on_each(item: ReadItem) -> None:
            on_item(item)
            report(item)

        summary = engine.ingest(inputs, store, on_bytes=on_bytes, on_item=on_each, **options)
    if listed > LISTED_PROBLEMS and not verbose:
        more = counted(listed - LISTED_PROBLEMS, "more problem")
        err.print(f"… and {more} (--verbose lists them all)")
    if not quiet:
        shown = summary.notes if verbose else summary.notes[:LISTED_PROBLEMS]
        for note in shown:
            err.print(plain(f"note {note}", "cyan"))
        if unshown := len(summary.notes) - len(shown) + summary.more_notes:
            hint = "" if verbose else f" (--verbose lists the first {engine.MAX_LISTED_PROBLEMS:,})"
            err.print(f"… and {counted(unshown, 'more note')}{hint}")
    return summary


def _print_summary(summary: engine.IngestSummary, db: str) -> None:
    rate = summary.read / summary.seconds if summary.seconds else 0.0
    line = Text()
    line.append(f"Read {counted(summary.read, 'article')}", style="bold")
    line.append(
        f" in {summary.seconds:.1f} s ({rate:,.0f}/s): {summary.added:,} new, "
        f"{summary.revised:,} revised, {summary.unchanged:,} already stored"
    )
    if summary.skipped:
        line.append(f"; skipped {counted(summary.skipped, 'bad item')}", style="yellow")
    if summary.internal_errors:
        line.append(f" ({counted(summary.internal_errors, 'internal error')})", style="red")
    if summary.ignored:
        kinds = ", ".join(f"{n:,} {reason}" for reason, n in summary.ignored.most_common(5))
        ignored = sum(summary.ignored.values())
        records = counted(
            ignored,
            "record that is not an English news article",
            "records that are not English news articles",
        )
        line.append(f"; ignored {records} ({kinds})")
    line.append(f". Store: {shown_store(db)}")
    err.print(line)

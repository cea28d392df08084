"""`summarize`: one cited summary per group of articles sharing a field's value,
written as JSON lines."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

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
from storyline.ingest import read_inputs
from storyline.model import Article, ReadItem
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
        apart = _IdsApartByGroup(group_by)
        read = _run_ingest(
            inputs, store, False, engine.DEFAULT_BATCH_SIZE, 10.0, quiet, False, True, apart
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
        _write_summaries(
            store, groups, language.encoder, words, handle, out_path, quiet, apart.given
        )


def _groups(store: Store, ids: list[str], field: str) -> tuple[dict[str, list[str]], int]:
    """({value: article ids} in first-seen order, articles without the field)."""
    groups: dict[str, list[str]] = {}
    missing = 0
    for article in store.iter_articles(list(dict.fromkeys(ids))):
        key = _group_of(article, field)
        if key is None:
            missing += 1
            continue
        groups.setdefault(key, []).append(article.id)
    return groups, missing


_ARTICLE_FIELDS = ("id", "source", "title", "published", "url", "author")


def _group_of(article: Article, field: str) -> str | None:
    """The article's value of `field` as a group's name, or None when it has none."""
    value = getattr(article, field) if field in _ARTICLE_FIELDS else article.metadata.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class _IdsApartByGroup:
    """A reader (`read_inputs` as `engine.ingest` calls it) that gives an article whose id
    an article of another group already has an id of its own, ``ID~N`` (N: its group's
    number in order of appearance), so that groups numbering their articles alike ("0",
    "1", …) do not make revisions of one another's articles. `given` maps such ids back
    to the input's, for the output. An id repeated within one group is still that
    article's revision."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.given: dict[str, str] = {}
        self._first_group: dict[str, str | None] = {}
        self._numbers: dict[str | None, int] = {}

    def __call__(self, specs: list[str], **options: Any) -> Iterator[ReadItem]:
        for item in read_inputs(specs, **options):
            if isinstance(item, Article):
                group = _group_of(item, self.field)
                number = self._numbers.setdefault(group, len(self._numbers) + 1)
                if self._first_group.setdefault(item.id, group) != group:
                    own = f"{item.id}~{number}"
                    self.given[own] = item.id
                    item = item.with_changes(id=own)
            yield item


def _write_summaries(
    store: Store,
    groups: dict[str, list[str]],
    encoder: str | None,
    words: int,
    handle: TextIO,
    out_path: Path | None,
    quiet: bool,
    given: dict[str, str],
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
                        "article": given.get(s.citations[0].article, s.citations[0].article),
                        "sentence": s.citations[0].sentence,
                        "citations": [
                            {"article": given.get(m.article, m.article), "sentence": m.sentence}
                            for m in s.citations
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

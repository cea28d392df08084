"""`demo`: the whole pipeline on the bundled example, with what it found printed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from storyline.cli.analyze import _analyze, _ShownPipeline
from storyline.cli.application import app
from storyline.cli.output import out, plain
from storyline.cli.printing import _print_annotation, _print_comparison, _print_story_summary
from storyline.cli.stages import _write_report
from storyline.cli.stores import _open_store
from storyline.language import ANNOTATOR_VERSION
from storyline.report.words import counted


@app.command()
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where the demo's store and result go.")
    ] = Path("storyline-demo"),
) -> None:
    """Run the whole pipeline on the bundled example: two reports of one story."""
    example = resources.files("storyline") / "example" / "seeds.jsonl"
    with resources.as_file(example) as path:
        shown = _ShownPipeline(str(directory / "storyline.db"))
        document = _analyze([str(path)], directory / "result.json", shown)
    table = Table(title="The bundled example", header_style="bold")
    for name in ("published", "source", "title"):
        table.add_column(name, overflow="fold")
    for article in document["articles"]:
        table.add_row(
            *map(plain, (article["published"], article["source"], article["title"])),
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
            plain(
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

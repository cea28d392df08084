"""`report`: every story in the store as one HTML or Markdown file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.application import app
from storyline.cli.output import EXIT_NOTHING, DbOption, QuietOption, err, plain
from storyline.cli.stages import _write_report
from storyline.cli.stores import _open_store
from storyline.store import DEFAULT_DB, shown_store


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
            err.print(
                plain(
                    f"error: no stories in {shown_store(db)}: run `storyline analyze` first", "red"
                )
            )
            raise typer.Exit(EXIT_NOTHING)
        _write_report(store, None, out_path, quiet, title)

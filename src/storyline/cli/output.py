"""What every command shares: the consoles (results to `out`, everything else to
`err`), exit codes, the option types, untrusted text as plain Rich `Text`, and
progress bars."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from storyline.language.encoders import ENCODERS
from storyline.model import ReadItem, Skipped
from storyline.report.result_json import atomic_output
from storyline.report.words import counted
from storyline.untrusted import displayable

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_STORE, EXIT_MODEL = 0, 1, 2, 3, 4
EXIT_CODES = (
    "Exit codes: 0 success; 1 nothing usable was read, or the id was not found; "
    "2 bad usage; 3 the store or an output file could not be used; 4 a model package "
    "is missing (the message names it)."
)
LISTED_PROBLEMS = 20
#: The most a count option takes: beyond any store, within what a database's integers hold.
MOST = 1_000_000_000


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
    float,
    typer.Option(
        "--max-doc-mb", min=0.001, max=1_000_000, help="Skip single documents larger than this."
    ),
]
BatchOption = Annotated[
    int, typer.Option("--batch-size", min=1, max=MOST, help="Articles per store transaction.")
]
InputsArgument = Annotated[
    list[str],
    typer.Argument(help="Files, folders, feed or page URLs, or - for standard input."),
]


def plain(value: object, style: str = "") -> Text:
    """Untrusted text for the terminal: never markup, never escape sequences."""
    return Text(displayable(value), style=style)


def heading(value: object) -> Text:
    """A panel's title from untrusted text, cut with an ellipsis where the panel ends."""
    return Text(displayable(value), style="bold", overflow="ellipsis")


@contextmanager
def progress(quiet: bool, total: int | None, description: str = "Reading", unit: str = "bytes"):
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
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(description, total=total, articles=counted(0, "article"))
        count = 0

        def on_item(item: ReadItem) -> None:
            nonlocal count
            if not isinstance(item, Skipped):
                count += 1
                bar.update(task, articles=counted(count, "article"))

        yield (lambda n: bar.advance(task, n)), on_item


OutOption = Annotated[Path, typer.Option("--out", "-o", help="Where to write the result JSON.")]


WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers", min=1, max=4096, help="Processes for the language stage (default: all cores)."
    ),
]
_ENCODERS = ("auto", *ENCODERS)


def _one_of(value: str, choices: Sequence[str]) -> str:
    """`value` when it is one of `choices`, else a usage error (exit 2) naming them."""
    if value not in choices:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
    return value


EncoderOption = Annotated[
    str,
    typer.Option(
        "--encoder",
        callback=lambda name: _one_of(name, [*_ENCODERS, "none"]),
        help="Sentence encoder: auto (ONNX, else PyTorch, else lexical), onnx, torch, lexical, "
        "or none.",
    ),
]
#: `relate`'s classifier reads sentence vectors: "none" is no choice there.
ClassifierEncoderOption = Annotated[
    str,
    typer.Option(
        "--encoder",
        callback=lambda name: _one_of(name, _ENCODERS),
        help="Sentence encoder: auto (ONNX, else PyTorch, else lexical), onnx, torch or "
        "lexical; the classifier's model must have been trained on its vectors.",
    ),
]
ReportOption = Annotated[
    Path | None,
    typer.Option("--report", help="Also write the report: HTML, or Markdown for a .md name."),
]
WordsOption = Annotated[
    int, typer.Option("--words", min=10, max=2000, help="Word budget of each story's summary.")
]


@contextmanager
def output_lines(path: Path | None) -> Iterator[TextIO]:
    """Where a command writes its lines: `path`, written as `atomic_output` writes (a
    run that fails leaves what was there, so `--out` may name an input), or standard
    output for None or "-". A path whose folder cannot be written fails (exit 3) before
    any work is done."""
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    with ExitStack() as stack:
        try:
            handle = stack.enter_context(atomic_output(path))
        except OSError as exc:
            err.print(plain(f"error: cannot write {path}: {exc.strerror or exc}", "red"))
            raise typer.Exit(EXIT_STORE) from exc
        yield handle

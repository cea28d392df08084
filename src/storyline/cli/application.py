"""The Typer app: its name, help and epilog, `--version`, and the logging set-up every
command runs with."""

from __future__ import annotations

import inspect
import logging
from typing import Annotated

import typer

from storyline import __version__
from storyline.cli.output import EXIT_CODES, out

app = typer.Typer(
    name="storyline",
    help="Turn news from many outlets into stories: who reports what, where sources agree, "
    "differ and revise.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


def list_commands_unwrapped(typer_app: typer.Typer) -> None:
    """Give each command registered so far a one-line `short_help` from its docstring's
    first paragraph: Rich's help keeps a docstring's line breaks, which cut the command
    list's lines mid-sentence, while each command's own help reflows them."""
    for command in typer_app.registered_commands:
        doc = command.callback.__doc__ if command.callback else None
        if command.short_help is None and doc:
            command.short_help = " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())

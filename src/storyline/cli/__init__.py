"""The ``storyline`` command line (Typer + Rich).

Results go to standard output (a table, or JSON with ``--json``); progress,
problems and summaries go to standard error, so output stays pipeable.
Article text is untrusted: it is only ever printed as plain Rich `Text`, never
interpreted as markup.

The package: `application` makes the Typer `app`; each command module adds its
commands to it when imported, so the imports below keep the order `storyline --help`
lists them in. `output` holds what every command shares, `stores` opens the store,
`stages` runs the pipeline's stages and `printing` prints stories and annotations.
"""

# isort: off
from storyline.cli.application import app, list_commands_unwrapped
from storyline.cli import (  # noqa: F401 (imported for the commands they add to `app`)
    reading,  # ingest
    browse,  # articles, stories, show
    analyze,  # annotate, analyze
    summarize,
    report,
    serve,
    relate,
    demo,
)
# isort: on

list_commands_unwrapped(app)

__all__ = ["app"]

"""Opening the store for a command: its failures as a clear message and exit code 3,
and a store file a command made for nothing removed again."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import typer

from storyline.cli.output import EXIT_NOTHING, EXIT_STORE, err, plain
from storyline.store import Store, StoreError, shown_store, sqlite_file, store_exists


@contextmanager
def _open_store(db: str, *, existing: bool = False):
    """The store, with its failures turned into a clear message and exit code 3.

    `existing`: for commands that only read, a store file that is not there is an
    error (a mistyped --db), not a new empty store. A SQLite store this opening made
    is removed again when the command stops with nothing read (a mistyped input)."""
    if existing and not store_exists(db):
        err.print(
            plain(
                f"error: no store at {shown_store(db)}: pass --db, or run storyline analyze first",
                "red",
            )
        )
        raise typer.Exit(EXIT_STORE)
    made = None if store_exists(db) else sqlite_file(db)
    try:
        store = Store(db)
    except StoreError as exc:
        err.print(plain(f"error: {exc}", "red"))
        raise typer.Exit(EXIT_STORE) from exc
    try:
        with store:
            try:
                yield store
            except StoreError as exc:
                err.print(plain(f"error: {exc}", "red"))
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

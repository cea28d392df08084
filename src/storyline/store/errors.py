"""What the store's modules share: its errors, and chunking under SQLite's parameter limit
(ID lists for ``IN (...)`` queries and deletes by content hash)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import SQLAlchemyError as _SQLAlchemyError

ID_CHUNK = 400  # stays under SQLite's bound-parameter limit on old builds


class StoreError(Exception):
    """The store cannot be opened or used; the message says what to do."""


class ArticleRejected(StoreError):
    """The database refused the data of a batch (not the database itself failing)."""


def reason(exc: BaseException) -> str:
    """The database's own words for `exc` where it has them."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return str(exc.orig)
    return str(exc)


def chunks(items: Sequence[str]) -> Iterator[list[str]]:
    """`items` in lists of at most `ID_CHUNK`, for ``IN (...)`` queries."""
    items = list(items)
    for start in range(0, len(items), ID_CHUNK):
        yield items[start : start + ID_CHUNK]


def delete_by_hash(conn: Any, table: Any, hashes: Sequence[str], condition: Any) -> None:
    """Delete `table`'s rows of `hashes` (its `content_hash` column) that meet `condition`."""
    for chunk in chunks(hashes):
        conn.execute(table.delete().where(condition, table.c.content_hash.in_(chunk)))


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn a database failure inside the block into a `StoreError`."""
    try:
        yield
    except _SQLAlchemyError as exc:
        raise StoreError(f"the store failed: {reason(exc)}") from exc

"""Helpers several stages share: the articles a stage takes when given none, and how far
back in the store it looks for what new articles may continue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from storyline.dates import day_number
from storyline.store import Store


def _unique(store: Store, ids: list[str] | None) -> list[str]:
    """`ids` without repeats, or every current article's id when None."""
    if ids is not None:
        return list(dict.fromkeys(ids))
    return [a.id for a in store.iter_articles()]


def _since(published: Iterable[str | None], days: int) -> str | None:
    """The ISO date `days` before the earliest of `published`, or None when any is undated
    (an undated article may continue anything)."""
    earliest = None
    for value in published:
        day = day_number(value)
        if day is None:
            return None
        earliest = day if earliest is None else min(earliest, day)
    if earliest is None:
        return None
    return date.fromordinal(max(earliest - days, 1)).isoformat()

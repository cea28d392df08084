"""The data model shared by every stage of the pipeline.

Stages exchange these plain dataclasses and nothing else: a reader yields
`Article` and `Skipped` items, the store keeps articles, and later stages add
their own records beside them. Keeping the model free of behaviour that needs
other stages is what lets data flow one way through the pipeline.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(slots=True)
class Article:
    """One news article, as read from any input and then cleaned.

    `id` identifies the article across revisions: reading the same id again
    with changed text makes a new revision in the store, never an overwrite.
    `published` is ISO 8601 (a date, or a date and time) or None.
    `origin` says where it was read from (``path:line``, ``url``, ``path#record``)
    so that problems can be traced back to the input.
    """

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    published: str | None = None
    url: str | None = None
    author: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    origin: str | None = None

    @property
    def content_hash(self) -> str:
        """SHA-256 over everything a reader sees: title, text and the descriptive fields.

        `metadata` and `origin` are left out: where an article was read from does
        not change what it says.
        """
        digest = hashlib.sha256()
        for value in (self.title, self.source, self.published, self.url, self.author, self.text):
            digest.update((value or "").encode("utf-8"))
            digest.update(b"\x1f")
        return digest.hexdigest()

    def with_changes(self, **changes: Any) -> Article:
        """A copy with some fields replaced (articles are treated as values)."""
        return replace(self, **changes)

    def summary_dict(self) -> dict[str, Any]:
        """The article's entry in the result JSON (text left out)."""
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "published": self.published,
            "url": self.url,
            "duplicate_of": self.metadata.get("duplicate_of"),
        }


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input item that did not become an article, and why.

    `expected` marks items the format itself says are not articles (a WARC
    request record, an image response): they are counted but are not problems.
    `internal` marks an unexpected exception inside a reader, which is a bug in
    storyline rather than in the input; the batch still goes on.
    """

    origin: str
    reason: str
    expected: bool = False
    internal: bool = False

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Note:
    """Something a reader wants the user to know about an article it did produce.

    Example: a feed item whose linked page could not be fetched, so the feed's
    own summary was kept instead.
    """

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


ReadItem = Article | Skipped | Note

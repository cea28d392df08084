"""What every reader gets: the input's context and a bounded way to read it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from storyline.ingest.fetch import Fetcher

DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class DocumentTooLarge(Exception):
    """A single document is bigger than the configured limit."""


@dataclass(frozen=True, slots=True)
class ReadContext:
    """Where the bytes a reader gets came from.

    `origin` names the input in messages (a path, URL or ``<stdin>``); `id_base`
    is the id a single-document input's article gets when the document names
    none (its path relative to the folder given, without extension); `url`,
    `content_type` and `charset` come from HTTP when the input was fetched.
    `fetcher` is set when feed items' linked pages should be fetched. `first_line`
    is the line number of the stream's first line (above 1 for a part of a file).
    """

    origin: str
    id_base: str | None = None
    url: str | None = None
    content_type: str | None = None
    charset: str | None = None
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    fetcher: Fetcher | None = None
    first_line: int = 1


def read_document(stream: BinaryIO, ctx: ReadContext) -> bytes:
    """All of `stream`, or DocumentTooLarge when it exceeds the context's limit.

    Never reads more than the limit plus one byte, so a 50 MB file costs no more
    than the limit in memory.
    """
    data = stream.read(ctx.max_document_bytes + 1)
    if len(data) > ctx.max_document_bytes:
        raise DocumentTooLarge(
            f"document larger than {ctx.max_document_bytes / 1e6:.0f} MB "
            "(raise the limit with --max-doc-mb)"
        )
    return data


def content_id(text: str) -> str:
    """An id for a document that names none: 16 hex digits of its text's SHA-1."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]

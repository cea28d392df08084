"""WARC and WARC.gz archives (Common Crawl News): HTML responses become articles.

Request, metadata and non-HTML records are skipped and counted as expected;
an archive cut short keeps every record read before the cut.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storyline.ingest.base import ReadContext
from storyline.ingest.html import extract_html
from storyline.model import ReadItem, Skipped

_HTML_TYPES = {"text/html", "application/xhtml+xml"}


def read_warc(stream: BinaryIO, ctx: ReadContext) -> Iterator[ReadItem]:
    """One article per HTML response (or resource) record."""
    number = 0
    try:
        for number, record in enumerate(ArchiveIterator(stream, arc2warc=True), 1):
            yield _record_item(record, f"{ctx.origin}#record{number}", ctx)
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        yield Skipped(
            f"{ctx.origin}#record{number + 1}",
            f"archive truncated or corrupt after record {number} ({exc})",
        )


def _record_item(record, origin: str, ctx: ReadContext) -> ReadItem:
    kind = record.rec_type
    if kind not in ("response", "resource"):
        return Skipped(origin, f"{kind} record", expected=True)
    uri = record.rec_headers.get_header("WARC-Target-URI")
    content_type = record.rec_headers.get_header("Content-Type") or ""
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if status and status != "200":
            return Skipped(origin, f"HTTP {status} response", expected=True)
        content_type = record.http_headers.get_header("Content-Type") or content_type
    mime = content_type.split(";")[0].strip().lower()
    if mime not in _HTML_TYPES:
        return Skipped(origin, f"{mime or 'untyped'} {kind}", expected=True)
    data = record.content_stream().read(ctx.max_document_bytes + 1)
    if len(data) > ctx.max_document_bytes:
        return Skipped(origin, f"page larger than {ctx.max_document_bytes / 1e6:.0f} MB")
    if getattr(record.raw_stream, "limit", 0):
        return Skipped(origin, "record cut short: the archive ends inside it")
    charset = content_type.partition("charset=")[2].strip("\"' ") or None
    return extract_html(
        data, origin, url=uri, charset=charset, published=record.rec_headers.get_header("WARC-Date")
    )

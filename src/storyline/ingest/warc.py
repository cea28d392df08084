"""WARC and WARC.gz archives (Common Crawl News): HTML responses become articles.

Request, metadata and non-HTML records are skipped and counted as expected;
an archive cut short keeps every record read before the cut.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import redirect_stderr
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from storyline.ingest.base import ReadContext
from storyline.ingest.html import extract_html
from storyline.model import Article, ReadItem, Skipped

_HTML_TYPES = {"text/html", "application/xhtml+xml"}


def read_warc(stream: BinaryIO, ctx: ReadContext) -> Iterator[ReadItem]:
    """One article per HTML response (or resource) record."""
    records = ArchiveIterator(stream, arc2warc=True)
    number = 0
    while True:
        try:
            # warcio prints its warnings about malformed records straight to stderr.
            with redirect_stderr(io.StringIO()):
                record = next(records, None)
        except Exception as exc:  # warcio raises many kinds of error on malformed archives
            yield Skipped(
                f"{ctx.origin}#record{number + 1}",
                f"archive corrupt after record {number} ({type(exc).__name__}: {exc})",
            )
            return
        if record is None:
            return
        number += 1
        yield _record_item(record, f"{ctx.origin}#record{number}", ctx)


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
    try:
        data = record.content_stream().read(ctx.max_document_bytes + 1)
    except Exception as exc:  # bad chunking or content encoding in the recorded response
        return Skipped(origin, f"unreadable record body ({type(exc).__name__}: {exc})")
    if len(data) > ctx.max_document_bytes:
        return Skipped(origin, f"page larger than {ctx.max_document_bytes / 1e6:.0f} MB")
    if getattr(record.raw_stream, "limit", 0):
        return Skipped(origin, "record cut short: the archive ends inside it")
    charset = content_type.partition("charset=")[2].strip("\"' ") or None
    item = extract_html(data, origin, url=uri, charset=charset)
    crawled = record.rec_headers.get_header("WARC-Date")
    if isinstance(item, Article) and crawled:
        # When the page was captured, not when it was published: metadata only.
        item.metadata["crawled"] = crawled
    return item

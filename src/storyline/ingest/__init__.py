"""Readers for every news input format, and the cleaning every article gets.

`read_inputs` is the stage's one entry point: give it what a user named and it
yields cleaned `Article`s, `Skipped` items (each with a one-line reason naming
the file and line or record) and `Note`s. A bad file, line or record never
stops the others.
"""

from __future__ import annotations

import codecs
import io
import traceback
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from storyline.dates import normalize_date, readable_years
from storyline.ingest.base import DEFAULT_MAX_DOCUMENT_BYTES, DocumentTooLarge, ReadContext
from storyline.ingest.clean import clean_article, looks_english
from storyline.ingest.detect import GZIP_MAGIC, UTF16_BOMS, Format, sniff
from storyline.ingest.feeds import read_feed
from storyline.ingest.fetch import Fetcher
from storyline.ingest.html import read_html
from storyline.ingest.inputs import FileRange, Input, expand_inputs, line_parts
from storyline.ingest.jsonl import read_jsonl
from storyline.ingest.streams import CountingStream, GunzipStream
from storyline.ingest.text import read_text
from storyline.ingest.trec import read_trec
from storyline.ingest.warc import read_warc
from storyline.model import Article, Note, ReadItem, Skipped

__all__ = [
    "FileRange",
    "Format",
    "Input",
    "expand_inputs",
    "read_bytes",
    "read_entry",
    "read_input",
    "read_inputs",
    "split_input",
]

Reader = Callable[[BinaryIO, ReadContext], Iterator[ReadItem]]
READERS: dict[Format, Reader] = {
    Format.JSONL: read_jsonl,
    Format.HTML: read_html,
    Format.FEED: read_feed,
    Format.WARC: read_warc,
    Format.TREC: read_trec,
    Format.TEXT: read_text,
}
_HEAD_BYTES = 64 * 1024


def read_inputs(
    specs: list[str],
    *,
    fetcher: Fetcher | None = None,
    fetch_links: bool = False,
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[ReadItem]:
    """Everything readable in `specs` (paths, folders, URLs, ``-``), cleaned.

    With `fetch_links`, feed items' linked pages are fetched and extracted.
    `on_bytes` is called with the number of input bytes consumed as reading goes
    on (for progress bars). Streams: memory stays bounded by the largest single
    document, not by the size of the input.
    """
    for entry in expand_inputs(specs, fetcher):
        yield from read_entry(
            entry,
            fetcher=fetcher,
            fetch_links=fetch_links,
            max_document_bytes=max_document_bytes,
            on_bytes=on_bytes,
        )


def read_entry(
    entry: Input | Skipped,
    *,
    fetcher: Fetcher | None = None,
    fetch_links: bool = False,
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[ReadItem]:
    """The items of one entry of `expand_inputs` (a Skipped one passes through); the
    options are `read_inputs`'s."""
    if isinstance(entry, Skipped):
        yield entry
        return
    yield from read_input(
        entry,
        fetcher=fetcher if fetch_links else None,
        max_document_bytes=max_document_bytes,
        on_bytes=on_bytes,
    )


def read_bytes(data: bytes, origin: str = "<bytes>", **options: object) -> list[ReadItem]:
    """Read an in-memory document (any format): what `read_input` yields, as a list."""
    return list(read_input(Input(origin, lambda: io.BytesIO(data), size=len(data)), **options))


def read_input(
    source: Input,
    *,
    fetcher: Fetcher | None = None,
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[ReadItem]:
    """Detect `source`'s format and read it; see `read_inputs`."""
    ctx = ReadContext(
        source.origin,
        id_base=source.id_base,
        url=source.url,
        content_type=source.content_type,
        charset=source.charset,
        max_document_bytes=max_document_bytes,
        fetcher=fetcher,
        first_line=source.first_line,
    )
    try:
        raw = source.open()
    except OSError as exc:
        yield Skipped(source.origin, f"cannot open: {exc.strerror or exc}")
        return
    with raw:
        stream = io.BufferedReader(CountingStream(raw, on_bytes), buffer_size=_HEAD_BYTES)
        try:
            if source.jsonl:  # a part of a file already known to be JSONL
                yield from _cleaned_items(read_jsonl(stream, ctx))
            else:
                yield from _read_stream(stream, ctx)
        except DocumentTooLarge as exc:
            yield Skipped(ctx.origin, str(exc))
        except OSError as exc:
            yield Skipped(ctx.origin, f"read error: {exc}")
        except Exception as exc:  # a reader bug must not take the rest of the batch down
            where = traceback.extract_tb(exc.__traceback__)[-1]
            yield Skipped(
                ctx.origin,
                f"internal error in reader: {type(exc).__name__}: {exc} "
                f"(at {Path(where.filename).name}:{where.lineno})",
                internal=True,
            )


def _read_stream(stream: io.BufferedReader, ctx: ReadContext) -> Iterator[ReadItem]:
    head = stream.peek(_HEAD_BYTES)[:_HEAD_BYTES]
    compressed = head.startswith(GZIP_MAGIC)
    if compressed:
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, _HEAD_BYTES)
        except zlib.error as exc:
            yield Skipped(ctx.origin, f"corrupt gzip data ({exc})")
            return
    fmt = sniff(head, ctx.origin.removesuffix(".gz"))
    gunzip = None
    if compressed:
        gunzip = GunzipStream(stream)
        stream = io.BufferedReader(gunzip, buffer_size=_HEAD_BYTES)
    if fmt is Format.EMPTY:
        yield Skipped(ctx.origin, "empty file")
        return
    if fmt is Format.BINARY:
        yield Skipped(ctx.origin, "binary file, not a news format storyline reads")
        return
    if fmt is Format.JSONL and head.startswith(UTF16_BOMS):
        # Lines end in "\n\0" (or "\0\n"): the reader splits UTF-8 bytes, so it gets them.
        stream = codecs.EncodedFile(stream, data_encoding="utf-8", file_encoding="utf-16")
    yield from _cleaned_items(READERS[fmt](stream, ctx))
    if gunzip is not None and gunzip.damage:
        yield Skipped(ctx.origin, f"{gunzip.damage}; the items before the damage were kept")


def _cleaned_items(items: Iterator[ReadItem]) -> Iterator[ReadItem]:
    for item in items:
        if not isinstance(item, Article):
            yield item
            continue
        cleaned = _cleaned(item)
        yield cleaned
        given = item.published
        if isinstance(cleaned, Article) and given and not normalize_date(given):
            yield Note(
                item.origin or item.id,
                f"publication date {given[:40]!r} is not a date from {readable_years()}: ignored",
            )


def split_input(source: Input, part_bytes: int) -> Iterator[Input]:
    """`source` as parts that can be read independently (in other processes): a plain
    JSONL file larger than `part_bytes` in line-aligned parts that keep their line
    numbers, anything else whole. Cost: a look at the file's head and, when it is
    cut, one read through it counting newlines."""
    where = source.local_file
    if where is not None and where.end is None and (source.size or 0) > part_bytes:
        try:
            with where() as raw:
                head = raw.read(_HEAD_BYTES)
        except OSError:
            head = b""  # read_input reports it
        plain = not head.startswith((GZIP_MAGIC, *UTF16_BOMS))  # cut only where bytes say
        if plain and sniff(head, source.origin) is Format.JSONL:
            try:
                parts = line_parts(source, part_bytes)
            except OSError:
                parts = [source]  # reading it whole reports the problem
            yield from parts
            return
    yield source


def _cleaned(article: Article) -> ReadItem:
    cleaned = clean_article(article)
    if not cleaned.text.strip():
        return Skipped(article.origin or article.id, "no article text left after cleaning")
    if not looks_english(cleaned.text):
        # The language stage reads English only: other languages would give it nonsense.
        return Skipped(article.origin or article.id, "not English", expected=True)
    return cleaned

"""RSS 2.0, RSS 1.0 and Atom feeds: each item an article.

The item's full content is used where the feed has it, else its summary; with
a fetcher in the context (``--fetch``) each item's linked page is retrieved and
extracted instead, falling back to the feed's text when that fails.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import feedparser

from storyline.ingest.base import ReadContext, content_id, read_document
from storyline.ingest.decode import decode_bytes
from storyline.ingest.fetch import FetchError
from storyline.ingest.html import extract_html, fragment_text
from storyline.ingest.urls import is_web_url, source_from_url, url_id
from storyline.model import Article, Note, ReadItem, Skipped

# Entity declarations are how billion-laughs and external-entity attacks start;
# news feeds never need them, so a feed that contains one anywhere (a comment can
# hide where the prolog ends) is refused outright, before any parser sees it.
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def read_feed(stream: BinaryIO, ctx: ReadContext) -> Iterator[ReadItem]:
    """One article per feed item; malformed feeds keep every item that parsed."""
    data = read_document(stream, ctx)
    if _ENTITY_DECLARATION.search(data):
        yield Skipped(
            ctx.origin, "XML entity declarations are refused (possible entity-expansion attack)"
        )
        return
    parsed = _parse(data, ctx)
    if parsed is None:
        yield Skipped(ctx.origin, "unparseable feed")
        return
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        yield Skipped(ctx.origin, f"malformed feed: {problem}" if problem else "feed has no items")
        return
    feed_link = parsed.feed.get("link") if isinstance(parsed.feed.get("link"), str) else None
    feed_source = source_from_url(feed_link or ctx.url) or parsed.feed.get("title")
    for number, entry in enumerate(parsed.entries, 1):
        yield from _entry_items(entry, f"{ctx.origin}#item{number}", feed_source, ctx)


def _parse(data: bytes, ctx: ReadContext) -> Any:
    """feedparser's result, or None when it cannot parse the bytes at all.

    feedparser is always handed a file object: given a string it would treat
    one that looks like a URL or path as something to fetch or open. It trusts
    the XML declaration's encoding and raises when that is garbled, so the text
    is then decoded here and parsed again without the declaration.
    """
    options = {
        "sanitize_html": False,
        "resolve_relative_uris": False,
        "response_headers": {"content-location": ctx.url or ""},
    }
    try:
        return feedparser.parse(io.BytesIO(data), **options)
    except Exception:  # feedparser raises arbitrary errors on garbled declarations
        text = _XML_DECLARATION.sub("", decode_bytes(data, ctx.charset), count=1)
        try:
            return feedparser.parse(io.BytesIO(text.encode("utf-8")), **options)
        except Exception:
            return None


def _entry_items(
    entry: Any, origin: str, feed_source: str | None, ctx: ReadContext
) -> Iterator[ReadItem]:
    link = entry.get("link") if is_web_url(str(entry.get("link") or "")) else None
    published = entry.get("published") or entry.get("updated") or entry.get("created")
    title = fragment_text(entry.get("title") or "") or None
    if ctx.fetcher is not None and link:
        try:
            page = ctx.fetcher.fetch(link)
        except FetchError as exc:
            yield Note(origin, f"{exc}; kept the feed's own text")
        else:
            item = extract_html(
                page.content, origin, url=page.url, charset=page.charset, published=published
            )
            if isinstance(item, Article):
                yield item.with_changes(
                    title=item.title or title, author=item.author or entry.get("author")
                )
                return
            yield Note(origin, f"{link}: {item.reason}; kept the feed's own text")
    contents = entry.get("content") or []
    html = contents[0].get("value") if contents else entry.get("summary")
    text = fragment_text(html or "")
    if not text.strip():
        yield Skipped(origin, "feed item has neither content nor summary")
        return
    guid = entry.get("id")
    yield Article(
        id=url_id(link) if link else (str(guid) if guid else content_id(text)),
        text=text,
        title=title,
        source=source_from_url(link) or feed_source,
        published=published,
        url=link,
        author=entry.get("author"),
        metadata={"feed_item_id": guid} if guid else {},
        origin=origin,
    )

"""HTML pages: the article text without navigation, comments, ads or banners.

trafilatura does the extraction; this module maps its result onto `Article`
and decides when a page holds no article at all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree

from storyline.ingest.base import ReadContext, content_id, read_document
from storyline.ingest.decode import decode_bytes
from storyline.ingest.urls import is_web_url, source_from_url, url_id
from storyline.model import Article, ReadItem, Skipped

# trafilatura logs every page it finds too short; storyline reports that itself.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

MIN_ARTICLE_WORDS = 15
_BLOCK_END = re.compile(
    r"<\s*(?:br\s*/?|/\s*(?:p|div|li|h[1-6]|blockquote|tr|section|article|pre|ul|ol|table))\s*>",
    re.I,
)


def read_html(stream: BinaryIO, ctx: ReadContext) -> Iterator[ReadItem]:
    """The page's article, or a Skipped saying the page has none."""
    yield extract_html(
        read_document(stream, ctx),
        ctx.origin,
        url=ctx.url,
        charset=ctx.charset,
        id_base=ctx.id_base,
    )


def extract_html(
    data: bytes | str,
    origin: str,
    *,
    url: str | None = None,
    charset: str | None = None,
    id_base: str | None = None,
    published: str | None = None,
) -> ReadItem:
    """Extract the article from one HTML page.

    The id is derived from the canonical URL when the page has one (so the same
    page from a feed, an archive or a file is one article), else from `url`,
    else `id_base`. `published` is used when the page carries no date. Cost:
    trafilatura's extraction, roughly 5 to 30 ms for a news page.
    """
    html = decode_bytes(data, charset) if isinstance(data, bytes) else data
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            # No guessing from footers ("Copyright 2019" is not a publication date).
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError, etree.LxmlError) as exc:
        return Skipped(origin, f"unparseable HTML ({exc})")
    text = (doc.text or "") if doc is not None else ""
    if len(text.split()) < MIN_ARTICLE_WORDS:
        return Skipped(origin, "no article text found in the page")
    canonical = _trusted_canonical(doc.url, url) or url
    article_id = url_id(canonical) if canonical else id_base
    if article_id is None:
        article_id = content_id(text)
    metadata = {
        k: v for k, v in (("sitename", doc.sitename), ("description", doc.description)) if v
    }
    return Article(
        id=article_id,
        text=text,
        title=doc.title,
        source=source_from_url(canonical) or doc.sitename,
        published=doc.date or published,
        url=canonical,
        author=doc.author,
        metadata=metadata,
        origin=origin,
    )


def _trusted_canonical(canonical: str | None, page_url: str | None) -> str | None:
    """The page's canonical link if it can name this article: a web URL with a
    path (sites that point every page at their homepage exist), on the same site
    as the page when the page's own URL is known."""
    if not canonical or not is_web_url(canonical):
        return None
    if urlsplit(canonical).path.strip("/") == "":
        return None
    if page_url and source_from_url(canonical) != source_from_url(page_url):
        return None
    return canonical


def fragment_text(html: str) -> str:
    """Plain text of an HTML fragment (a feed item's content), paragraphs kept."""
    if "<" not in html:
        return html
    try:
        root = lxml.html.fragment_fromstring(_BLOCK_END.sub("\n\n", html), create_parent="div")
    except (etree.LxmlError, ValueError):
        return re.sub(r"<[^>]*>", " ", html)
    for bad in root.xpath(".//script|.//style|.//noscript"):
        bad.drop_tree()
    return root.text_content()

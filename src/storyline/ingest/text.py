"""Plain text and Markdown files: one article each.

Front matter (``---`` / ``key: value`` / ``---``) and a leading ``# Heading``
give metadata; Markdown markup is reduced to its text. Headline, byline and
date lines are found later by cleaning, the same way for every format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from storyline.ingest.base import ReadContext, content_id, read_document
from storyline.ingest.decode import decode_bytes
from storyline.model import Article, ReadItem

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_FRONT_FIELD = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_ATX_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_KNOWN = {"id", "title", "source", "published", "date", "url", "author"}


def read_text(stream: BinaryIO, ctx: ReadContext) -> Iterator[ReadItem]:
    """The file as one article; its id is the front matter's, the path's or a content hash."""
    text = decode_bytes(read_document(stream, ctx), ctx.charset)
    meta, body = _front_matter(text)
    title = meta.pop("title", None)
    heading = _ATX_HEADING.search(body)
    if title is None and heading and not body[: heading.start()].strip():
        title = heading.group(1)
        body = body[heading.end() :]
    body = _strip_markdown(body)
    yield Article(
        id=meta.pop("id", None) or ctx.id_base or content_id(body),
        text=body,
        title=title,
        source=meta.pop("source", None),
        published=meta.pop("published", None) or meta.pop("date", None),
        url=meta.pop("url", None) or ctx.url,
        author=meta.pop("author", None),
        metadata=meta,
        origin=ctx.origin,
    )


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    text = text.lstrip("\ufeff")
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        return {}, text
    meta = {}
    for line in match.group(1).splitlines():
        field = _FRONT_FIELD.match(line)
        if field and field.group(2):
            meta[field.group(1).lower()] = field.group(2).strip("\"'")
    if not meta.keys() & _KNOWN:  # a horizontal rule, not front matter
        return {}, text
    return meta, text.replace("\r\n", "\n")[match.end() :]


def _strip_markdown(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _ATX_HEADING.sub(r"\1", text)
    return _EMPHASIS.sub(r"\2", text)

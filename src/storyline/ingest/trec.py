"""TREC/SGML files as used by DUC and TREC news corpora: several <DOC> records each.

A record has DOCNO and TEXT, usually HEADLINE and DATE_TIME (or DATE), and
sometimes SOURCE; other tags are kept as metadata. The source and date fall
back on the DOCNO convention (``APW19981001.0299``: agency, then yyyymmdd).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import BinaryIO

from storyline.ingest.base import ReadContext
from storyline.ingest.decode import decode_bytes
from storyline.model import Article, ReadItem, Skipped

_FIELD = re.compile(r"<([A-Z][A-Z0-9_]*)(?:\s[^>]*)?>(.*?)</\1\s*>", re.S | re.I)
_DOC_WRAPPER = re.compile(r"^\s*<DOC\b[^>]*>|</DOC>\s*$", re.I)
_PARAGRAPH_TAG = re.compile(r"</?P\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]{0,200}>")
# SGML entities used by TREC/DUC that HTML does not define (&QL; &UR; &LR; …).
_SGML_ENTITY = re.compile(r"&[A-Za-z]{2,8};")
_DOCNO_CONVENTION = re.compile(r"^([A-Z]{2,6})_?(?:ENG_)?((?:19|20)\d{6})")
_TEXT_FIELDS = ("TEXT", "BODY")
_TITLE_FIELDS = ("HEADLINE", "HL", "TITLE", "HEAD")
_DATE_FIELDS = ("DATE_TIME", "DATE", "DATELINE")


def read_trec(stream: BinaryIO, ctx: ReadContext) -> Iterator[ReadItem]:
    """One article per <DOC> record; streams record by record."""
    buffer: list[bytes] = []
    size = 0
    number = 0
    inside = False
    for line in stream:
        stripped = line.strip().upper()
        if stripped.startswith(b"<DOC>") or stripped.startswith(b"<DOC "):
            if inside:
                yield Skipped(f"{ctx.origin}#doc{number}", "record has no closing </DOC>")
            inside, buffer, size = True, [line], len(line)
            number += 1
            continue
        if not inside:
            continue
        buffer.append(line)
        size += len(line)
        if size > ctx.max_document_bytes:
            yield Skipped(f"{ctx.origin}#doc{number}", "record larger than the document limit")
            inside, buffer, size = False, [], 0
        elif stripped.endswith(b"</DOC>"):
            yield _record(decode_bytes(b"".join(buffer), ctx.charset), f"{ctx.origin}#doc{number}")
            inside, buffer, size = False, [], 0
    if inside:
        yield Skipped(f"{ctx.origin}#doc{number}", "file ends inside a record (no </DOC>)")


def _record(sgml: str, origin: str) -> ReadItem:
    fields: dict[str, str] = {}
    for match in _FIELD.finditer(_DOC_WRAPPER.sub("", sgml)):
        fields.setdefault(match.group(1).upper(), match.group(2))
    docno = _plain(fields.pop("DOCNO", ""))
    if not docno:
        return Skipped(origin, "record has no DOCNO")
    body = next((fields.pop(name) for name in _TEXT_FIELDS if name in fields), None)
    if body is None or not body.strip():
        return Skipped(f"{origin} ({docno})", "record has no TEXT")
    title = next((_plain(fields.pop(name)) for name in _TITLE_FIELDS if name in fields), None)
    date = next((_plain(fields.pop(name)) for name in _DATE_FIELDS if name in fields), None)
    source = _plain(fields.pop("SOURCE", "")) or None
    convention = _DOCNO_CONVENTION.match(docno)
    if convention:
        source = source or convention.group(1)
        date = date or convention.group(2)
    text = _PARAGRAPH_TAG.sub("\n\n", body)
    return Article(
        id=docno,
        text=_unescape(_ANY_TAG.sub(" ", text)),
        title=title or None,
        source=source,
        published=date,
        metadata={k.lower(): _plain(v) for k, v in fields.items() if _plain(v)},
        origin=f"{origin} ({docno})",
    )


def _unescape(text: str) -> str:
    return _SGML_ENTITY.sub(" ", html.unescape(text.replace("&AMP;", "&")))


def _plain(value: str) -> str:
    return " ".join(_unescape(_ANY_TAG.sub(" ", value)).split())

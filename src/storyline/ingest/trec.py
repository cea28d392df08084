"""TREC/SGML files as used by DUC and TREC news corpora: several <DOC> records each.

A record has DOCNO and TEXT, usually HEADLINE and DATE_TIME (or DATE), and
sometimes SOURCE; other tags are kept as metadata. The source and date fall
back on the DOCNO convention (``APW19981001.0299``: agency, then yyyymmdd).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from storyline.ingest.base import ReadContext
from storyline.ingest.clean import decode_entities
from storyline.ingest.decode import decode_bytes
from storyline.model import Article, ReadItem, Skipped

_FIELD = re.compile(r"<([A-Z][A-Z0-9_]*)(?:\s[^>]*)?>(.*?)</\1\s*>", re.S | re.I)
_DOC_WRAPPER = re.compile(r"^\s*<DOC\b[^>]*>|</DOC\s*>\s*$", re.I)
_ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*["']([^"']*)["']""")
_DOC_START = re.compile(rb"<DOC(?:\s[^<>]{0,500})?>", re.I)
_DOC_END = re.compile(rb"</DOC\s*>", re.I)
_TAG_MAX = 512
_CHUNK = 64 * 1024
_PARAGRAPH_TAG = re.compile(r"</?P\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]{0,200})?/?>")
_DOCNO_CONVENTION = re.compile(r"^([A-Z]{2,6})_?(?:ENG_)?((?:19|20)\d{6})")
_TEXT_FIELDS = ("TEXT", "BODY")
_TITLE_FIELDS = ("HEADLINE", "HL", "TITLE", "HEAD")
_DATE_FIELDS = ("DATE_TIME", "DATE", "DATELINE")


def read_trec(stream: BinaryIO, ctx: ReadContext) -> Iterator[ReadItem]:
    """One article per <DOC> record.

    Scans fixed-size chunks for record boundaries, so memory stays bounded by
    the document limit even when a file has no line breaks at all.
    """
    pending = b""
    number = 0
    skipping = False  # inside a record too large to keep
    for chunk in iter(lambda: stream.read(_CHUNK), b""):
        pending += chunk
        while True:
            if skipping:
                end = _DOC_END.search(pending)
                if end is None:
                    pending = pending[-_TAG_MAX:]
                    break
                skipping, pending = False, pending[end.end() :]
            start = _DOC_START.search(pending)
            if start is None:
                pending = pending[-_TAG_MAX:]  # may hold the beginning of a start tag
                break
            end = _DOC_END.search(pending, start.end())
            following = _DOC_START.search(pending, start.end())
            if following and (end is None or following.start() < end.start()):
                number += 1
                yield Skipped(f"{ctx.origin}#doc{number}", "record has no closing </DOC>")
                pending = pending[following.start() :]
                continue
            if end is None:
                if len(pending) - start.start() > ctx.max_document_bytes:
                    number += 1
                    too_large = "record larger than the document limit"
                    yield Skipped(f"{ctx.origin}#doc{number}", too_large)
                    skipping, pending = True, pending[-_TAG_MAX:]
                else:
                    pending = pending[start.start() :]
                break
            number += 1
            record = decode_bytes(pending[start.start() : end.end()], ctx.charset)
            yield _record(record, f"{ctx.origin}#doc{number}")
            pending = pending[end.end() :]
    if not skipping and _DOC_START.search(pending):
        yield Skipped(f"{ctx.origin}#doc{number + 1}", "file ends inside a record (no </DOC>)")


def _record(sgml: str, origin: str) -> ReadItem:
    fields: dict[str, str] = {}
    opening = _DOC_WRAPPER.match(sgml)
    attributes = dict(_ATTRIBUTE.findall(opening.group(0))) if opening else {}
    for match in _FIELD.finditer(_DOC_WRAPPER.sub("", sgml)):
        fields.setdefault(match.group(1).upper(), match.group(2))
    # TREC has <DOCNO>; newer LDC corpora (AQUAINT-2, Gigaword) put it in <DOC id="…">.
    docno = _plain(fields.pop("DOCNO", "")) or attributes.pop("id", "").strip()
    fields.update({f"doc_{k}": v for k, v in attributes.items()})
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
        text=decode_entities(_ANY_TAG.sub(" ", text), sgml=True),
        title=title or None,
        source=source,
        published=date,
        metadata={k.lower(): _plain(v) for k, v in fields.items() if _plain(v)},
        origin=f"{origin} ({docno})",
    )


def _plain(value: str) -> str:
    return " ".join(decode_entities(_ANY_TAG.sub(" ", value), sgml=True).split())

"""Which reader a file needs, decided from its first bytes (the extension only breaks ties)."""

from __future__ import annotations

import re
from enum import StrEnum


class Format(StrEnum):
    JSONL = "jsonl"
    HTML = "html"
    FEED = "feed"
    WARC = "warc"
    TREC = "trec"
    TEXT = "text"
    BINARY = "binary"
    EMPTY = "empty"


GZIP_MAGIC = b"\x1f\x8b"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 text, little- or big-endian
_BINARY_SHARE = 0.01  # NUL bytes in a file's first 8 KB beyond which it is binary
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"PK\x03\x04",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"\x7fELF",
    b"RIFF",
    b"ID3",
    b"OggS",
    b"\x00\x00\x00",
)
_BOMS = (b"\xef\xbb\xbf",)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.I)
_HTML_MARKERS = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>", re.I
)
_TREC_DOC = re.compile(rb"^\s*<DOC[\s>]", re.I)
_LEADING_MARKUP = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*|<!--.*?-->\s*|<\?[^>]*\?>\s*)*", re.S)
_TEXT_CONTROL = set(b"\t\n\r\f\b\x1b")


def sniff(head: bytes, name: str = "") -> Format:
    """The format of a file whose first bytes (up to 64 KB) are `head`.

    Content decides; the name's extension is consulted only for text that could
    be either JSONL or prose. Gzip is unwrapped by the caller before sniffing.
    """
    if head.startswith(UTF16_BOMS):  # UTF-16: sniff the text, not its bytes
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
    if not head.strip():
        return Format.EMPTY
    if head.startswith(b"WARC/") or head.startswith(b"filedesc://"):
        return Format.WARC
    if _looks_binary(head):
        return Format.BINARY
    body = _LEADING_MARKUP.sub(b"", head[:4096], count=1)
    if body.lstrip().startswith(b"{") or (
        body.lstrip().startswith(b"[") and name.lower().endswith((".json", ".jsonl"))
    ):
        return Format.JSONL
    if _TREC_DOC.match(body):
        return Format.TREC
    if _FEED_ROOT.match(body.lstrip()) or (
        head.lstrip().startswith(b"<?xml") and _FEED_ROOT.search(head[:4096])
    ):
        return Format.FEED
    if _HTML_MARKERS.search(head[:8192]):
        return Format.HTML
    return Format.TEXT


def _looks_binary(head: bytes) -> bool:
    if head.startswith(UTF16_BOMS):  # UTF-16 with a byte-order mark
        return False
    if head.startswith(_BINARY_MAGIC):
        return True
    sample = head[:8192]
    # A stray NUL in a text file (a bad line of a JSONL export) is that line's problem:
    # binary formats are full of them.
    if sample.count(b"\x00") > _BINARY_SHARE * len(sample):
        return True
    control = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROL)
    return control > 0.05 * len(sample)

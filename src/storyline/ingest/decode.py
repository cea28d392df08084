"""Bytes to text: UTF-8 first, then the declared charset, then a careful guess.

News archives are full of legacy encodings. Windows-1252 is preferred over
Latin-1 for single-byte Western text because it is a superset for everything
printable, and it turns the 0x93/0x94 bytes of Word documents into curly quotes
instead of invisible control characters.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Encodings whose printable repertoire Windows-1252 covers (or nearly so): when a
# detector proposes one of these for non-UTF-8 bytes, cp1252 is the better bet.
_WESTERN = {"ascii", "latin_1", "iso8859_1", "iso8859_15", "cp1252", "mac_roman", "cp850"}
_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)
_XML_ENCODING_RE = re.compile(
    rb"""<\?xml[^>]{0,200}encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""", re.I
)
_SAMPLE = 64 * 1024


def canonical_encoding(name: str | None) -> str | None:
    """Python's codec name for a charset label, or None when Python has no such codec."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'").lower()).name
    except LookupError:
        return None


def declared_encoding(head: bytes) -> str | None:
    """The charset a document declares in its first bytes (XML declaration or HTML meta)."""
    match = _XML_ENCODING_RE.search(head[:1024]) or _CHARSET_RE.search(head[:_SAMPLE])
    return canonical_encoding(match.group(1).decode("ascii")) if match else None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode `data` to text; never raises.

    Order: a UTF-16 byte-order mark; strict UTF-8; the `declared` charset (HTTP
    header or the document's own declaration) if it decodes cleanly; mostly-UTF-8
    text with a few broken bytes as UTF-8 with replacement characters; otherwise
    the detector's guess, with Windows-1252 standing in for Western single-byte
    guesses. A UTF-8 byte-order mark is dropped and the same order applies to the
    rest: editors put it before Latin-1 text too, which must not turn into
    replacement characters. Cost: one pass over `data`, plus detection on a 64 KB
    sample when the text is not UTF-8.
    """
    for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            return data.decode("utf-16", errors="replace").lstrip("\ufeff")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = canonical_encoding(declared) or declared_encoding(data)
    if declared and declared != "utf-8":
        if declared in _WESTERN:
            declared = "cp1252"
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    return data.decode(_guess_single_byte(data), errors="replace")


def _mostly_utf8(data: bytes) -> bool:
    """True when valid multi-byte UTF-8 sequences outnumber the broken bytes."""
    text = data[:_SAMPLE].decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return multibyte > broken


def _western_looking(text: str) -> bool:
    """True when accented letters are a sprinkle among ASCII ones, as in French,
    German or Spanish; Cyrillic or Greek bytes read as cp1252 are nearly all accents."""
    letters = [ch for ch in text if ch.isalpha()]
    accented = sum(1 for ch in letters if ord(ch) > 0x7F)
    return bool(letters) and accented <= 0.3 * len(letters)


def _guess_single_byte(data: bytes) -> str:
    sample = data[:_SAMPLE]
    if _western_looking(sample.decode("cp1252", errors="replace")):
        return "cp1252"
    best = from_bytes(sample).best()
    encoding = canonical_encoding(best.encoding) if best else None
    if encoding is None or encoding in _WESTERN or encoding.startswith("utf"):
        return "cp1252"
    return encoding

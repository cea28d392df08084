"""The Article JSONL contract: one JSON object a line, `id` and `text` required."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from typing import Any, BinaryIO

from storyline.ingest.base import ReadContext
from storyline.ingest.decode import decode_bytes
from storyline.model import Article, ReadItem, Skipped

_FIELDS = ("source", "title", "published", "url", "author")
MAX_ID_CHARS = 1000  # ids are keys and parts of links: longer ones are not ids


def read_jsonl(stream: BinaryIO, ctx: ReadContext) -> Iterator[ReadItem]:
    """One article per valid line; a Skipped naming the line for every bad one.

    Streams: memory is bounded by the longest line, and lines longer than the
    document limit are skipped without being held in memory.
    """
    limit = ctx.max_document_bytes
    lineno = ctx.first_line - 1
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        lineno += 1
        origin = f"{ctx.origin}:{lineno}"
        if len(raw) > limit and not raw.endswith(b"\n"):
            _discard_rest_of_line(stream, limit)
            yield Skipped(origin, f"line longer than {limit / 1e6:.0f} MB")
            continue
        if not raw.strip():
            continue
        yield _parse_line(raw, origin)


def _discard_rest_of_line(stream: BinaryIO, chunk: int) -> None:
    while True:
        rest = stream.readline(chunk)
        if not rest or rest.endswith(b"\n"):
            return


class NotJSON(ValueError):
    """A line that is not strict JSON; the message says why, for a person to act on."""


def parse_json(text: str) -> Any:
    """`text` parsed as strict JSON. NaN and Infinity, which Python accepts but JSON
    and most readers of storyline's output do not, are refused, as are integers
    longer than Python converts (4,300 digits). Raises NotJSON."""
    line = text.rstrip("\r\n")
    try:
        return json.loads(line, parse_constant=_refuse_constant)
    except NotJSON:
        raise
    except json.JSONDecodeError as exc:
        reason = exc.msg.removesuffix(" at")  # "Invalid control character at"
        if exc.pos >= len(line.rstrip()):
            expected = reason[:1].lower() + reason[1:]
            raise NotJSON(f"the line ends before its JSON does, {expected}") from None
        raise NotJSON(f"{reason} at column {exc.colno}") from None
    except RecursionError:
        raise NotJSON("nested too deeply") from None
    except ValueError:  # Python's cap on the digits of an integer it converts
        raise NotJSON("a number too long") from None


def _bad_id(article_id: str) -> str | None:
    """Why an id cannot name an article, or None. Ids are shown, linked and compared as
    given: a blank one names nothing, and invisible characters would make two different
    ids look alike (or one id turn into another when cleaned for display)."""
    if not article_id.strip():
        return 'missing "id" (a string is required)'
    if len(article_id) > MAX_ID_CHARS:
        return f'"id" longer than {MAX_ID_CHARS:,} characters'
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in article_id):
        return '"id" holds control or invisible characters'
    return None


def _refuse_constant(name: str) -> Any:
    raise NotJSON(f"{name} is not a JSON value")


def _parse_line(raw: bytes, origin: str) -> ReadItem:
    try:
        obj = parse_json(decode_bytes(raw))
    except NotJSON as exc:
        return Skipped(origin, f"not JSON ({exc})")
    if not isinstance(obj, dict):
        return Skipped(origin, f"expected a JSON object, got {_json_kind(obj)}")
    text = obj.get("text")
    if not isinstance(text, str):
        return Skipped(origin, 'missing "text" (a string is required)')
    article_id = obj.get("id")
    if isinstance(article_id, bool) or not isinstance(article_id, str | int):
        return Skipped(origin, 'missing "id" (a string is required)')
    if isinstance(article_id, str) and (problem := _bad_id(article_id)):
        return Skipped(origin, problem)
    fields: dict[str, Any] = {}
    for name in _FIELDS:
        value = obj.get(name)
        if value is not None and not isinstance(value, str | int | float):
            return Skipped(origin, f'"{name}" must be a string or null')
        fields[name] = None if value is None else str(value)
    metadata = {k: v for k, v in obj.items() if k not in (*_FIELDS, "id", "text")}
    return Article(id=str(article_id), text=text, metadata=metadata, origin=origin, **fields)


def _json_kind(value: Any) -> str:
    """What a parsed JSON value was written as: "an array", "a string", "null"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    kinds = {list: "an array", str: "a string", int: "a number", float: "a number"}
    return kinds.get(type(value), type(value).__name__)

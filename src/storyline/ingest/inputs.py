"""Turning what a user names (paths, folders, URLs, ``-``) into readable inputs."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from storyline.ingest.fetch import Fetcher, FetchError
from storyline.ingest.streams import CountingStream
from storyline.ingest.urls import is_web_url
from storyline.model import Skipped

_DOCUMENT_SUFFIXES = {
    ".txt",
    ".text",
    ".md",
    ".markdown",
    ".html",
    ".htm",
    ".xhtml",
    ".xml",
    ".sgml",
    ".sgm",
    ".gz",
    ".json",
    ".jsonl",
    ".rss",
    ".atom",
    ".warc",
}


@dataclass(frozen=True, slots=True)
class Input:
    """One thing to read: a file, standard input, or a fetched URL's body."""

    origin: str
    open: Callable[[], BinaryIO]
    size: int | None = None
    id_base: str | None = None
    url: str | None = None
    content_type: str | None = None
    charset: str | None = None


def expand_inputs(specs: list[str], fetcher: Fetcher | None = None) -> Iterator[Input | Skipped]:
    """Inputs for paths, folders (walked recursively, hidden entries skipped), URLs and ``-``.

    A path that does not exist, or a URL that cannot be fetched, gives a Skipped
    naming it; the other inputs go on. URLs are fetched lazily, one at a time.
    """
    for spec in specs:
        if spec == "-":
            yield Input("<stdin>", lambda: CountingStream(sys.stdin.buffer, close_raw=False))
        elif is_web_url(spec):
            yield _url_input(spec, fetcher)
        else:
            path = Path(spec)
            if path.is_dir():
                yield from _walk(path)
            elif path.is_file():
                yield _file_input(path, path.parent)
            elif path.exists():
                yield Skipped(spec, "not a regular file or folder")
            else:
                yield Skipped(spec, "no such file or folder")


def estimate_size(specs: list[str]) -> int | None:
    """Bytes in the files `specs` name (folders walked), or None when any input has
    no size known in advance (standard input, a URL). Costs one stat per file."""
    total = 0
    for spec in specs:
        if spec == "-" or is_web_url(spec):
            return None
        path = Path(spec)
        if path.is_dir():
            total += sum(found.size or 0 for found in _walk(path))
        elif path.is_file():
            total += _size(path) or 0
    return total


def _walk(root: Path) -> Iterator[Input]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield _file_input(Path(folder) / name, root)


def _file_input(path: Path, root: Path) -> Input:
    return Input(
        str(path),
        lambda: path.open("rb"),
        size=_size(path),
        id_base=_id_base(path.relative_to(root)),
    )


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _id_base(relative: Path) -> str:
    """``news/2019/story.html.gz`` -> ``news/2019/story``."""
    name = relative.name
    while Path(name).suffix.lower() in _DOCUMENT_SUFFIXES:
        name = Path(name).stem
    return (relative.parent / name).as_posix() if str(relative.parent) != "." else name


def _url_input(url: str, fetcher: Fetcher | None) -> Input | Skipped:
    try:
        if fetcher is None:
            with Fetcher() as own:
                page = own.fetch(url)
        else:
            page = fetcher.fetch(url)
    except FetchError as exc:
        return Skipped(url, str(exc).removeprefix(f"{url}: "))
    content = page.content
    return Input(
        url,
        lambda: io.BytesIO(content),
        size=len(content),
        url=page.url,
        content_type=page.content_type,
        charset=page.charset,
    )

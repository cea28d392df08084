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
from storyline.ingest.urls import is_web_url, web_url_problem
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
    """One thing to read: a file (or a line-aligned part of one), standard input, or a
    fetched URL's body.

    `first_line` numbers the input's first line in messages (above 1 for a part);
    `jsonl` says the bytes are JSON lines without sniffing (a part of a JSONL file
    may start with a line that looks like anything).
    """

    origin: str
    open: Callable[[], BinaryIO]
    size: int | None = None
    id_base: str | None = None
    url: str | None = None
    content_type: str | None = None
    charset: str | None = None
    first_line: int = 1
    jsonl: bool = False

    @property
    def local_file(self) -> FileRange | None:
        """How to open the input in another process, when it is a local file."""
        return self.open if isinstance(self.open, FileRange) else None


@dataclass(frozen=True, slots=True)
class FileRange:
    """Opens bytes [start, end) of a local file (`end` None: to its end). A plain value,
    unlike a lambda, so an `Input` holding it can be sent to another process."""

    path: str
    start: int = 0
    end: int | None = None

    def __call__(self) -> BinaryIO:
        handle = open(self.path, "rb")  # noqa: SIM115 - the caller closes the stream
        if self.start:
            handle.seek(self.start)
        if self.end is None:
            return handle
        return io.BufferedReader(_Limited(handle, self.end - self.start))


class _Limited(io.RawIOBase):
    """At most `remaining` bytes of `raw`, then end of stream."""

    def __init__(self, raw: BinaryIO, remaining: int):
        self._raw, self._remaining = raw, remaining

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(min(len(buffer), self._remaining))
        buffer[: len(data)] = data
        self._remaining -= len(data)
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def line_parts(source: Input, part_bytes: int) -> list[Input]:
    """`source`, a whole local file (`source.local_file`), cut at line ends into parts
    of about `part_bytes` each, every part numbered from its first line. The last
    part runs to the end of the file, whatever it has grown to. The caller says the
    file holds lines (JSONL): gzip and other formats cannot be cut. Cost: one read
    through the file counting newlines, in 1 MB blocks (a line of any length costs
    no more memory). Raises OSError when the file cannot be read."""
    where = source.local_file
    if where is None or where.end is not None:
        raise ValueError(f"line_parts cuts whole local files, not {source.origin}")
    parts: list[Input] = []
    start, line = 0, 1
    with open(where.path, "rb") as handle:
        while True:
            cut = _end_of_line(handle, start + part_bytes)
            if cut is None:
                end, size = None, max(0, (source.size or 0) - start)
            else:
                end, size = cut, cut - start
            parts.append(
                Input(
                    source.origin,
                    FileRange(where.path, start, end),
                    size=size,
                    id_base=source.id_base,
                    first_line=line,
                    jsonl=True,
                )
            )
            if cut is None:
                return parts
            handle.seek(start)
            start, line = cut, line + _count_newlines(handle, cut - start)


def _end_of_line(handle: BinaryIO, position: int) -> int | None:
    """The offset just after the first newline at or after `position`; None when the
    file ends first."""
    handle.seek(position)
    while True:
        block = handle.read(1 << 20)
        if not block:
            return None
        found = block.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(block)


def _count_newlines(handle: BinaryIO, size: int) -> int:
    count = 0
    while size > 0:
        block = handle.read(min(size, 1 << 20))
        if not block:
            break
        count += block.count(b"\n")
        size -= len(block)
    return count


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
            elif path.is_fifo() or path.is_char_device():
                # Named as an input, a pipe is read as a stream: `ingest <(zcat news.gz)`.
                yield Input(spec, lambda path=path: CountingStream(path.open("rb")))
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
            total += sum(f.size or 0 for f in _walk(path) if isinstance(f, Input))
        elif path.is_file():
            total += _size(path) or 0
        elif path.exists():
            return None  # a pipe: its size is known once it is read
    return total


def _walk(root: Path) -> Iterator[Input | Skipped]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if name.startswith("."):
                continue
            if path.exists() and not path.is_file():
                # A pipe or a device found in a folder could block the reading forever.
                yield Skipped(str(path), "not a regular file")
            else:  # a broken link too: reading it says so
                yield _file_input(path, root)


def _file_input(path: Path, root: Path) -> Input:
    return Input(
        str(path),
        FileRange(os.path.abspath(path)),  # workers of a cluster may have another cwd
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
    if problem := web_url_problem(url):
        return Skipped(url, problem)
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

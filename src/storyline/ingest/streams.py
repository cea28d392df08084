"""Byte streams the readers sit on: counting for progress, and forgiving gunzip."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from typing import BinaryIO

_CHUNK = 64 * 1024


class CountingStream(io.RawIOBase):
    """Passes reads through, reporting the number of bytes consumed to `on_bytes`.

    With `close_raw=False` closing it leaves the underlying stream open (stdin).
    """

    def __init__(
        self,
        raw: BinaryIO,
        on_bytes: Callable[[int], None] | None = None,
        *,
        close_raw: bool = True,
    ):
        self._raw = raw
        self._on_bytes = on_bytes
        self._close_raw = close_raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        if self._on_bytes and data:
            self._on_bytes(len(data))
        return len(data)

    def close(self) -> None:
        if self._close_raw:
            self._raw.close()
        super().close()


class GunzipStream(io.RawIOBase):
    """Decompresses gzip (several members too); at a truncation or corrupt data
    it ends the stream early and records what went wrong in `damage`.

    Raising instead (as GzipFile does) would make a buffered reader drop the
    intact data it had already collected, losing good records before the damage.
    """

    def __init__(self, compressed: BinaryIO):
        self._compressed = compressed
        self._inflater = zlib.decompressobj(wbits=31)
        self._in_member = False
        self._next_member = b""
        self._pending = b""
        self._finished = False
        self.damage: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending and not self._finished:
            try:
                self._inflate_more(max(len(buffer), _CHUNK))
            except zlib.error as exc:
                self._finished, self.damage = True, f"corrupt compressed data ({exc})"
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _inflate_more(self, limit: int) -> None:
        data = self._inflater.unconsumed_tail or self._next_member or self._compressed.read(_CHUNK)
        self._next_member = b""
        if not data:
            self._finished = True
            if self._in_member:
                self.damage = "compressed data ends before its end-of-stream marker"
            return
        if not self._in_member and not data.strip(b"\x00"):
            return  # zero padding after the last member
        self._in_member = True
        self._pending = self._inflater.decompress(data, limit)
        if self._inflater.eof:
            self._next_member = self._inflater.unused_data
            self._inflater = zlib.decompressobj(wbits=31)
            self._in_member = False

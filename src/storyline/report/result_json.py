"""The result JSON of ``storyline analyze`` (contract in DESIGN.md)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from storyline import __version__
from storyline.model import Article


def result_document(articles: Iterable[Article], stories: Iterable[dict[str, Any]] = ()) -> dict:
    """The result as plain data: ``{"version", "articles", "stories"}``."""
    return {
        "version": __version__,
        "articles": [article.summary_dict() for article in articles],
        "stories": list(stories),
    }


def write_json(document: dict, path: str | Path) -> Path:
    """Write `document` to `path` atomically (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path

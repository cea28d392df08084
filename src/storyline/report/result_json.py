"""The result JSON of ``storyline analyze`` (contract in DESIGN.md)."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from storyline import __version__
from storyline.model import Annotation, Article, Comparison, Story, Summary
from storyline.summarize import story_entities_and_quotes
from storyline.timeline import story_timeline


def result_document(
    articles: Iterable[Article],
    stories: Iterable[Story] = (),
    duplicates: dict[str, str] | None = None,
    annotations: dict[str, Annotation] | None = None,
    comparisons: dict[str, Comparison] | None = None,
    summaries: dict[str, Summary] | None = None,
) -> dict:
    """The result as plain data: ``{"version", "articles", "stories"}``.

    `duplicates` maps a copy's id to its original's; `annotations` (by article id)
    give each story its entities and quotes; `comparisons` (by story id) its facts
    and conflicts; `summaries` (by story id) its cited summary.
    """
    duplicates = duplicates or {}
    annotations = annotations or {}
    comparisons = comparisons or {}
    summaries = summaries or {}
    articles = list(articles)
    by_id = {a.id: a for a in articles}
    entries = []
    for article in articles:
        entry = article.summary_dict()
        entry["duplicate_of"] = duplicates.get(article.id)
        entries.append(entry)
    return {
        "version": __version__,
        "articles": entries,
        "stories": [
            story_document(
                story,
                annotations,
                comparisons.get(story.id),
                summaries.get(story.id),
                [by_id[a] for a in story.articles if a in by_id],
            )
            for story in stories
        ],
    }


def story_document(
    story: Story,
    annotations: dict[str, Annotation],
    comparison: Comparison | None = None,
    summary: Summary | None = None,
    members: list[Article] | None = None,
) -> dict[str, Any]:
    """One story's entry in the result JSON. Parts whose stages have not run yet
    (facts and conflicts without a comparison, the summary without one) are empty
    lists; the timeline needs the story's `members`."""
    entities, quotes = story_entities_and_quotes(
        [annotations[a] for a in story.articles if a in annotations]
    )
    return {
        "id": story.id,
        "title": story.title,
        "articles": story.articles,
        "sources": story.sources,
        "start": story.start,
        "end": story.end,
        "summary": [s.to_dict() for s in summary.sentences] if summary else [],
        "facts": [f.to_dict() for f in comparison.facts] if comparison else [],
        "conflicts": [c.to_dict() for c in comparison.conflicts] if comparison else [],
        "timeline": [
            e.to_dict()
            for e in story_timeline(members or [], summary, comparison, story.duplicates)
        ],
        "entities": entities,
        "quotes": quotes,
    }


def write_json(document: dict, path: str | Path) -> Path:
    """Write `document` to `path` as indented JSON, atomically."""
    return write_atomic(json.dumps(document, ensure_ascii=False, indent=2) + "\n", path)


def write_atomic(text: str, path: str | Path) -> Path:
    """Write `text` to `path` as `atomic_output` does. Returns the path written."""
    with atomic_output(path) as handle:
        handle.write(text)
    return Path(path)


@contextmanager
def atomic_output(path: str | Path) -> Iterator[TextIO]:
    """A text file to write that replaces `path` only once it is complete: a reader
    never sees half a file, and a run that fails leaves what was there. The folder is
    made; a symbolic link is written through, to the file it names; an existing file
    keeps its permissions (a new one is readable by all: results are for reading).
    What is no regular file, a pipe or /dev/stdout, is written to as it is, appended
    to (a shell's ``>> log`` behind /dev/stdout keeps its lines), since nothing can be
    renamed over it."""
    given = Path(path)
    if (given.exists() and not given.is_file()) or given.parts[1:2] in (("dev",), ("proc",)):
        with given.open("a", encoding="utf-8") as stream:
            yield stream
        return
    target = given.resolve() if given.is_symlink() else given
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.chmod(tmp, mode)  # mkstemp makes it private
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""A story's timeline: what was first reported when.

Built from what the earlier stages decided matters, so the timeline and the
summary never disagree: each summary sentence's fact sits on the day it was
first reported, in that first report's own words (an entry's text is always a
sentence of the article it cites), each revision on the day of the revising
report, and a day the summary says nothing about shows its first report's
headline (or first sentence). Copies (a wire story re-posted) add no entry:
they report nothing their original did not. Cost: linear in the story's
articles; nothing is read or stored.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from storyline.dates import moment
from storyline.model import Article, Comparison, Summary, TimelineEntry


def story_timeline(
    articles: Sequence[Article],
    summary: Summary | None = None,
    comparison: Comparison | None = None,
    copies: Container[str] = (),
) -> list[TimelineEntry]:
    """The story's developments in order of first report. `articles` are its members;
    `copies` the ids of those that copy another (a story's `duplicates`): they add no
    entry of their own."""
    order = {a.id: n for n, a in enumerate(articles)}
    entries: dict[tuple[str, int], TimelineEntry] = {}
    for sentence in summary.sentences if summary else ():
        cited = [m for m in sentence.citations if m.article not in copies]
        if not cited:
            continue
        first = min(cited, key=lambda m: (moment(m.published), order.get(m.article, 0)))
        kind = "revision" if sentence.revises else "development"
        # The first report's own sentence, not the summary's: the summary may word the
        # fact as a later report did (a revised figure), which the cited article never said.
        entries[(first.article, first.sentence)] = TimelineEntry(
            first.published, first.text, first.article, kind
        )
    for conflict in comparison.conflicts if comparison else ():
        later = conflict.b
        key = (later.article, later.sentence)
        if conflict.revision and key not in entries and later.article not in copies:
            entries[key] = TimelineEntry(later.published, later.text, later.article, "revision")
    told = {(e.time or "")[:10] for e in entries.values()}
    originals = [a for a in articles if a.id not in copies]
    for article in sorted(originals, key=lambda a: (moment(a.published), order[a.id])):
        day = (article.published or "")[:10]
        if day and day not in told:
            told.add(day)
            text = article.title or _first_sentence(article.text)
            entries[(article.id, -1)] = TimelineEntry(article.published, text, article.id, "report")
    return sorted(entries.values(), key=lambda e: (moment(e.time), order.get(e.article, 0), e.kind))


def _first_sentence(text: str, limit: int = 200) -> str:
    head = text.strip().split("\n", 1)[0]
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"

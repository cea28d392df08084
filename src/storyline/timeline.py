"""A story's timeline: what was first reported when.

Built from what the earlier stages decided matters, so the timeline and the
summary never disagree: each summary sentence sits on the day its fact was
first reported, each revision on the day of the revising report, and a day
the summary says nothing about shows its first report's headline (or first
sentence). Cost: linear in the story's articles; nothing is read or stored.
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.model import Article, Comparison, Summary, TimelineEntry


def story_timeline(
    articles: Sequence[Article],
    summary: Summary | None = None,
    comparison: Comparison | None = None,
) -> list[TimelineEntry]:
    """The story's developments in order of first report. `articles` are its members
    (copies may be among them; they add no entry of their own)."""
    order = {a.id: n for n, a in enumerate(articles)}
    entries: dict[tuple[str, int], TimelineEntry] = {}
    for sentence in summary.sentences if summary else ():
        first = min(sentence.citations, key=lambda m: (m.published or "", order.get(m.article, 0)))
        kind = "revision" if sentence.revises else "development"
        entries[(first.article, first.sentence)] = TimelineEntry(
            first.published, sentence.text, first.article, kind
        )
    for conflict in comparison.conflicts if comparison else ():
        later = conflict.b
        key = (later.article, later.sentence)
        if conflict.revision and key not in entries:
            entries[key] = TimelineEntry(later.published, later.text, later.article, "revision")
    told = {(e.time or "")[:10] for e in entries.values()}
    for article in sorted(articles, key=lambda a: (a.published or "", order[a.id])):
        day = (article.published or "")[:10]
        if day and day not in told:
            told.add(day)
            text = article.title or _first_sentence(article.text)
            entries[(article.id, -1)] = TimelineEntry(article.published, text, article.id, "report")
    return sorted(entries.values(), key=lambda e: (e.time or "", order.get(e.article, 0), e.kind))


def _first_sentence(text: str, limit: int = 200) -> str:
    head = text.strip().split("\n", 1)[0]
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"

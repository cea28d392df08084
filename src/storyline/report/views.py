"""What a story page shows, gathered once from the store for every renderer
(HTML report, Markdown, the web app's pages)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from storyline.dates import span
from storyline.language import ANNOTATOR_VERSION
from storyline.model import Annotation, Article, Comparison, Fact, Story, Summary, TimelineEntry
from storyline.report.result_json import story_document
from storyline.report.words import counted
from storyline.store import Store
from storyline.summarize import SummaryParams, story_entities_and_quotes
from storyline.timeline import story_timeline

#: Facts shown in the source × fact matrix: every shared or disputed fact first,
#: then single-source ones up to this many rows.
MATRIX_ROWS = 30

#: How articles without a source are shown (a row and a matrix column): they are
#: not a source, so no count of sources includes them.
NO_SOURCE = "no source given"


@dataclass(slots=True)
class SourceRow:
    source: str
    articles: int
    first: str | None
    last: str | None


@dataclass(slots=True)
class MatrixRow:
    """One fact and, for each source of the matrix, what that source does with it:
    ``shared`` (reports it with others), ``only`` (alone), ``disputed`` (its
    mention is in a conflict or revision), or "" (does not report it)."""

    fact: Fact
    cells: list[str]


@dataclass(slots=True)
class StoryView:
    story: Story
    articles: list[Article]
    summary: Summary | None
    comparison: Comparison | None
    timeline: list[TimelineEntry]
    entities: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    sources: list[SourceRow]  # the story's sources, as the result JSON counts them
    matrix_sources: list[str]
    matrix: list[MatrixRow]
    coverage: list[tuple[str, int]]  # (day, articles published that day)
    annotations: dict[str, Annotation] = field(default_factory=dict)  # by article id
    unsourced: SourceRow | None = None  # the articles that name no source, if any

    @property
    def sources_named(self) -> str:
        """The sources as a count in words: "3 sources", "3 sources and 2 articles that
        name none", "no source named"."""
        if not self.sources:
            return "no source named"
        named = counted(len(self.sources), "source")
        if self.unsourced is None:
            return named
        unnamed = counted(self.unsourced.articles, "article that names", "articles that name")
        return f"{named} and {unnamed} none"

    @property
    def conflicts(self) -> int:
        return sum(not c.revision for c in self.comparison.conflicts) if self.comparison else 0

    @property
    def revisions(self) -> int:
        return sum(c.revision for c in self.comparison.conflicts) if self.comparison else 0


def story_views(
    store: Store, stories: Iterable[Story], *, with_texts: bool = False
) -> Iterator[StoryView]:
    """A view of each story, read from the store one story at a time."""
    for story in stories:
        yield story_view(store, story, with_texts=with_texts)


def story_view(store: Store, story: Story, *, with_texts: bool = False) -> StoryView:
    """Everything a story page shows. Cost: reads the story's articles, comparison and
    summary (three queries); its annotations too `with_texts` (the articles sentence by
    sentence) or when the story has no summary yet (names and quotes come from there)."""
    articles = list(store.iter_articles(story.articles))
    comparison = store.get_comparisons([story.id]).get(story.id)
    summary = store.get_summaries([story.id]).get(story.id)
    annotations: dict[str, Annotation] = {}
    if with_texts or summary is None:
        hashes = {a.id: a.content_hash for a in articles if a.id not in story.duplicates}
        stored = store.get_annotations(list(hashes.values()), ANNOTATOR_VERSION)
        # Articles of identical text share one annotation: credit each with its own copy.
        annotations = {
            i: replace(stored[h], article_id=i) for i, h in hashes.items() if h in stored
        }
    if summary:
        entities, quotes = summary.entities, summary.quotes
    else:
        entities, quotes = story_entities_and_quotes(annotations.values(), direct_only=True)
        entities = entities[: SummaryParams().entities]
    sources = _sources(a for a in articles if a.source)
    unsourced = _sources(a for a in articles if not a.source)
    matrix_sources = [row.source for row in sources + unsourced]
    return StoryView(
        story=story,
        articles=articles,
        summary=summary,
        comparison=comparison,
        timeline=story_timeline(articles, summary, comparison, story.duplicates),
        entities=entities,
        quotes=quotes,
        sources=sources,
        matrix_sources=matrix_sources,
        matrix=_matrix(comparison, articles, matrix_sources),
        coverage=coverage(a.published for a in articles),
        annotations=annotations,
        unsourced=unsourced[0] if unsourced else None,
    )


def stored_story_document(
    store: Store, story: Story, *, articles_in_full: bool = False
) -> dict[str, Any]:
    """`story`'s entry of the result JSON, built from what the store holds (the web API's
    document, and `show --json`); `articles_in_full` lists each article's metadata and
    `duplicate_of` where the result JSON lists ids. Cost: `story_view` with the texts."""
    view = story_view(store, story, with_texts=True)
    document = story_document(
        view.story, view.annotations, view.comparison, view.summary, view.articles
    )
    if articles_in_full:
        document["articles"] = [
            a.summary_dict() | {"duplicate_of": story.duplicates.get(a.id)} for a in view.articles
        ]
    return document


def coverage(published: Iterable[str | None]) -> list[tuple[str, int]]:
    """Articles per day, in day order (undated ones left out)."""
    days = Counter(p[:10] for p in published if p)
    return sorted(days.items())


def _sources(articles: Iterable[Article]) -> list[SourceRow]:
    """A row per source (articles without one share the `NO_SOURCE` row), most articles first."""
    rows: dict[str, SourceRow] = {}
    for article in articles:
        name = article.source or NO_SOURCE
        row = rows.setdefault(name, SourceRow(name, 0, None, None))
        row.articles += 1
        if article.published:
            row.first = span([row.first, article.published])[0]
            row.last = span([row.last, article.published])[1]
    return sorted(rows.values(), key=lambda r: (-r.articles, r.source))


def _matrix(
    comparison: Comparison | None, articles: list[Article], sources: list[str]
) -> list[MatrixRow]:
    if comparison is None:
        return []
    source_of = {a.id: a.source or NO_SOURCE for a in articles}
    disputed = {(m.article, m.sentence) for c in comparison.conflicts for m in (c.a, c.b)}
    shared = [f for f in comparison.facts if f.status != "single"]
    single = [f for f in comparison.facts if f.status == "single"]
    rows = []
    for fact in [*shared, *single][: max(MATRIX_ROWS, len(shared))]:
        cells = {}
        for mention in fact.mentions:
            source = source_of.get(mention.article, mention.source or NO_SOURCE)
            if (mention.article, mention.sentence) in disputed:
                cells[source] = "disputed"
            elif source not in cells:
                cells[source] = "shared" if len(fact.sources) > 1 else "only"
        rows.append(MatrixRow(fact, [cells.get(s, "") for s in sources]))
    return rows

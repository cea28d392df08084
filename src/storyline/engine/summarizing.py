"""Summarizing: `run_summaries` summarizes each changed story on the articles
`summarized_articles` reads; `summarize_groups` summarizes given groups of articles as
stories (`group_story`) without storing anything."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from storyline.compare import compare_story
from storyline.dates import span
from storyline.engine.comparing import compared_articles, relation_model
from storyline.engine.material import _changed, _originals, _stories_of, _story_material
from storyline.model import Article, Story, Summary
from storyline.store import Store
from storyline.summarize import (
    SUMMARIZE_VERSION,
    SummaryArticle,
    SummaryParams,
    summarize_story,
)


def summarized_articles(
    store: Store, story: Story, encoder: str | None, originals: list[Article] | None = None
) -> list[SummaryArticle]:
    """The story's originals as the summarizer reads them: annotations, and sentence
    vectors from `encoder` where there are any. Unannotated articles are left out."""
    return [
        SummaryArticle(article.id, article.source, article.published, annotation, matrix)
        for article, annotation, matrix in _story_material(store, story, encoder, originals)
    ]


@dataclass(slots=True)
class SummariesSummary:
    """What the summary stage did: stories summarized (and found unchanged), sentences."""

    stories: int = 0
    unchanged: int = 0
    sentences: int = 0
    seconds: float = 0.0


def run_summaries(
    store: Store,
    ids: list[str] | None,
    *,
    also: Sequence[str] = (),
    encoder: str | None = None,
    params: SummaryParams | None = None,
    on_story: Callable[[int], None] | None = None,
) -> SummariesSummary:
    """Summarize every story holding `ids` (all stories when None) and those `also`
    names, as `run_compare` takes them, with its comparison when the store has one.

    A story is summarized again only when its members, its comparison or the
    settings changed. Memory: one story at a time.
    """
    params = params or SummaryParams()
    summary = SummariesSummary()
    started = time.perf_counter()
    stories = _stories_of(store, ids, also)
    story_ids = [s.id for s in stories]
    done = store.summary_keys(story_ids)
    compared = store.comparison_keys(story_ids)

    def method(story: Story) -> str:
        return f"{SUMMARIZE_VERSION}|{encoder}|{params!r}|{compared.get(story.id)}"

    for story, originals, key in _changed(store, stories, done, method, on_story):
        comparison = store.get_comparisons([story.id]).get(story.id)
        articles = summarized_articles(store, story, encoder, originals)
        made = summarize_story(story.id, articles, comparison, params)
        store.put_summaries([(key, made)])
        summary.stories += 1
        summary.sentences += len(made.sentences)
    summary.unchanged = len(stories) - summary.stories
    summary.seconds = time.perf_counter() - started
    return summary


def group_story(
    name: str, ids: list[str], links: dict[str, str], dates: dict[str, str | None]
) -> Story:
    """A given group of articles as a story: copies are those whose original is in the
    group too (`links`: copy -> original), and the dates span `dates` of its members."""
    members = list(dict.fromkeys(ids))
    inside = set(members)
    start, end = span(dates.get(i) for i in members)
    return Story(
        id=name,
        title=name,
        articles=members,
        sources=[],
        start=start,
        end=end,
        duplicates={c: o for c, o in links.items() if c in inside and o in inside},
    )


def summarize_groups(
    store: Store,
    groups: dict[str, list[str]],
    *,
    encoder: str | None = None,
    params: SummaryParams | None = None,
) -> Iterator[tuple[str, Summary]]:
    """(group, summary) for each group of article ids, given clusters that are not
    clustered again: each group is treated as one story, its copies found among
    its own members, its sources compared (with `encoder`'s vectors, when there
    are any) and summarized. Articles must be annotated already; nothing is
    stored. Yields as it goes; memory holds one group."""
    every = [i for ids in groups.values() for i in ids]
    links = store.duplicate_links(every)
    dates = store.published_dates(every)
    model = relation_model(encoder) if encoder else None
    for name, ids in groups.items():
        story = group_story(name, ids, links, dates)
        originals = list(store.iter_articles(_originals(story)))
        comparison = None
        if encoder is not None:
            compared = compared_articles(store, story, encoder, originals)
            comparison = compare_story(name, compared, model)
        articles = summarized_articles(store, story, encoder, originals)
        yield name, summarize_story(name, articles, comparison, params)

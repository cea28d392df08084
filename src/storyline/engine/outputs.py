"""The outputs: `write_result` writes the result JSON, `write_report` the Markdown or HTML
report."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from storyline.engine.common import _unique
from storyline.language import ANNOTATOR_VERSION
from storyline.model import Story
from storyline.report.result_json import result_document, write_atomic, write_json
from storyline.store import Store


def write_result(store: Store, article_ids: list[str] | None, out: str | Path) -> dict:
    """Write the result JSON for `article_ids` (all current articles when None) to `out`.

    The stories holding those articles come whole (articles from earlier runs
    included), with their summaries, entities, quotes, facts and conflicts.
    Returns the document.
    """
    ids = _unique(store, article_ids)
    stories = store.stories_of(ids)
    everything = list(dict.fromkeys([*ids, *(a for s in stories for a in s.articles)]))
    articles = list(store.iter_articles(everything))
    links = store.duplicate_links(everything)
    hashes = {a.id: a.content_hash for a in articles}
    annotations = store.get_annotations(list(hashes.values()), ANNOTATOR_VERSION)
    # Identical revisions share one annotation: credit each article with its own copy.
    by_article = {
        i: replace(annotations[h], article_id=i)
        for i, h in hashes.items()
        if h in annotations and i not in links
    }
    story_ids = [s.id for s in stories]
    document = result_document(
        articles,
        stories,
        links,
        by_article,
        store.get_comparisons(story_ids),
        store.get_summaries(story_ids),
    )
    write_json(document, out)
    return document


def write_report(
    store: Store, article_ids: list[str] | None, out: str | Path, *, title: str | None = None
) -> int:
    """Write the report of the stories holding `article_ids` (every story when None) to
    `out`: Markdown when it ends in .md, else one self-contained HTML file. Returns
    the number of stories. Memory: every story's view at once (the report is one page)."""
    from storyline.report.html import render_report
    from storyline.report.markdown import render_markdown
    from storyline.report.views import story_views

    if article_ids is None:
        stories = _all_stories(store)
    else:
        stories = store.stories_of(_unique(store, article_ids))
    views = list(story_views(store, stories, with_texts=True))
    heading = title or "storyline report"
    if str(out).lower().endswith((".md", ".markdown")):
        text = render_markdown(views, title=heading)
    else:
        text = render_report(views, title=heading, corpus_coverage=store.articles_per_day())
    write_atomic(text, out)
    return len(views)


def _all_stories(store: Store) -> list[Story]:
    ids: list[str] = []
    while page := store.list_stories(limit=1000, offset=len(ids)):
        ids.extend(row["id"] for row in page)
    return store.stories_of_ids(ids)

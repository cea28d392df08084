"""Comparing sources: `run_compare` compares each changed story's sources, with the
relation classifier `relation_model` gives, on the articles `compared_articles` reads."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from storyline.compare import (
    COMPARE_VERSION,
    CompareParams,
    StoryArticle,
    compare_story,
    statements,
)
from storyline.engine.material import _changed, _stories_of, _story_material
from storyline.language import ANNOTATOR_VERSION
from storyline.model import Article, Story
from storyline.relations import ModelMismatch, RelationModel
from storyline.store import Store


@dataclass(slots=True)
class CompareSummary:
    """What the comparison stage did: stories compared (and found unchanged), findings."""

    stories: int = 0
    unchanged: int = 0
    facts: int = 0
    consensus: int = 0
    conflicts: int = 0
    revisions: int = 0
    classifier: bool = True
    seconds: float = 0.0


def run_compare(
    store: Store,
    ids: list[str] | None,
    *,
    also: Sequence[str] = (),
    encoder: str | None = None,
    params: CompareParams | None = None,
    on_story: Callable[[int], None] | None = None,
) -> CompareSummary:
    """Compare the sources of every story holding `ids` (all stories when None), and
    of the stories `also` names (those that lost articles: `StorySummary.changed`).

    A story is compared again only when its members changed since the last time
    (or the comparison itself did). `encoder` names the encoder whose sentence
    vectors the store holds; the relation classifier joins in when they are the
    vectors it was trained on, else only structured checks and cosines decide.
    Memory: one story at a time.
    """
    summary = CompareSummary()
    started = time.perf_counter()
    model = relation_model(encoder)
    summary.classifier = model is not None
    stories = _stories_of(store, ids, also)
    done = store.comparison_keys([s.id for s in stories])
    method = f"{COMPARE_VERSION}|{ANNOTATOR_VERSION}|{encoder}|{model is not None}"
    for story, originals, key in _changed(store, stories, done, lambda _: method, on_story):
        articles = compared_articles(store, story, encoder, originals)
        comparison = compare_story(story.id, articles, model, params)
        store.put_comparisons([(key, comparison)])
        summary.stories += 1
        summary.facts += len(comparison.facts)
        summary.consensus += sum(f.status == "consensus" for f in comparison.facts)
        summary.conflicts += sum(not c.revision for c in comparison.conflicts)
        summary.revisions += sum(c.revision for c in comparison.conflicts)
    summary.unchanged = len(stories) - summary.stories
    summary.seconds = time.perf_counter() - started
    return summary


def relation_model(encoder: str | None) -> RelationModel | None:
    """The shipped relation classifier when `encoder` (by name) made the vectors it
    was trained on, else None (the comparison then runs without it)."""
    model = RelationModel.load()
    try:
        model.check_encoder(encoder or "")
    except ModelMismatch:
        return None
    return model


def compared_articles(
    store: Store, story: Story, encoder: str | None, originals: list[Article] | None = None
) -> list[StoryArticle]:
    """The story's originals (copies left out) as the comparison reads them: statements
    from their annotations, and their sentence vectors from `encoder` (by name).
    Articles not yet annotated or embedded are left out. `originals`, when the
    caller has read them already, saves reading them again."""
    return [
        StoryArticle(
            article_id=article.id,
            source=article.source,
            published=article.published,
            statements=statements(article, annotation),
            vectors=matrix,
        )
        for article, annotation, matrix in _story_material(store, story, encoder, originals)
        if matrix is not None
    ]

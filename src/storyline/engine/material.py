"""What the comparison and summary stages read of a story, and whether its stored output is
still current: the stories a run takes, their originals with annotations and vectors, and
the key of the members a comparison or summary was made from."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from storyline.engine.common import _unique
from storyline.engine.language import vectors_key
from storyline.language import ANNOTATOR_VERSION
from storyline.model import Annotation, Article, Story
from storyline.store import Store


def _stories_of(store: Store, ids: list[str] | None, also: Sequence[str]) -> list[Story]:
    """The stories holding `ids` (every story when None), then those of `also` not among
    them that still exist."""
    stories = store.stories_of(_unique(store, ids))
    if ids is None:
        return stories
    more = sorted(set(also) - {s.id for s in stories})
    return stories + store.stories_of_ids(more) if more else stories


def unread_originals(
    store: Store, ids: list[str], also: Sequence[str], encoder: str | None
) -> list[str]:
    """The originals of the stories holding `ids`, and of those `also` names, that lack
    this annotator's annotations or `encoder`'s vectors: members placed before a
    storyline upgrade changed them, which the comparison would otherwise leave out.
    Cost: the stories' member lists and one look-up per member's revision."""
    originals = list(
        dict.fromkeys(i for story in _stories_of(store, ids, also) for i in _originals(story))
    )
    hashes = {a.id: a.content_hash for a in store.iter_articles(originals)}
    read = store.annotated(list(hashes.values()), ANNOTATOR_VERSION)
    if encoder:
        read &= store.embedded(list(hashes.values()), vectors_key(encoder))
    return [i for i, digest in hashes.items() if digest not in read]


def _changed(
    store: Store,
    stories: list[Story],
    done: dict[str, str],
    method: Callable[[Story], str],
    on_story: Callable[[int], None] | None,
) -> Iterator[tuple[Story, list[Article], str]]:
    """(story, its originals, its new key) for each of `stories` whose stored output
    (keys in `done`) was made from other members or by another `method`; the rest are
    skipped. `on_story` hears of every story once it is dealt with."""
    for story in stories:
        originals = list(store.iter_articles(_originals(story)))
        key = _members_key(originals, method(story))
        if done.get(story.id) != key:
            yield story, originals, key
        if on_story:
            on_story(1)


def _story_material(
    store: Store, story: Story, encoder: str | None, originals: list[Article] | None
) -> list[tuple[Article, Annotation, np.ndarray | None]]:
    """(article, annotation, sentence vectors or None) of the story's annotated originals,
    in the story's order. Cost: two store reads."""
    articles = originals if originals is not None else list(store.iter_articles(_originals(story)))
    hashes = [a.content_hash for a in articles]
    annotations = store.get_annotations(hashes, ANNOTATOR_VERSION)
    vectors = store.get_vectors(hashes, vectors_key(encoder)) if encoder else {}
    out = []
    for article in articles:
        annotation = annotations.get(article.content_hash)
        if annotation is None:
            continue
        matrix = vectors.get(article.content_hash)
        if matrix is not None and len(matrix) != len(annotation.sentences):
            matrix = None
        out.append((article, annotation, matrix))
    return out


def _originals(story: Story) -> list[str]:
    return [i for i in story.articles if i not in story.duplicates]


def _members_key(originals: list[Article], method: str) -> str:
    """What a stored comparison or summary was made from: the `method` (its version,
    vectors and settings) and each original's revision (its content hash covers
    text, source and date). Cheap: no annotation is read to compute it."""
    digest = hashlib.blake2b(method.encode(), digest_size=16)
    for article_id, content_hash in sorted((a.id, a.content_hash) for a in originals):
        digest.update(f"\x1f{article_id}\x1e{content_hash}".encode())
    return digest.hexdigest()

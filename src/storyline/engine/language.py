"""The language stage: `run_language` annotates and embeds what the store lacks;
`vectors_key` names where an encoder's sentence vectors are stored, and
`without_copies` the articles the stage should work on."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from storyline.batching import batched
from storyline.engine.common import _unique
from storyline.language import ANNOTATOR_VERSION, AnnotationWorkers, Encoder, embed_annotations
from storyline.store import Store


@dataclass(slots=True)
class LanguageSummary:
    """What the language stage did: new work, and work found already done."""

    articles: int = 0
    annotated: int = 0
    embedded: int = 0
    sentences_embedded: int = 0
    encoder: str | None = None
    seconds: float = 0.0


def run_language(
    store: Store,
    ids: list[str] | None,
    *,
    workers: int | None = None,
    encoder: Encoder | None = None,
    annotator: AnnotationWorkers | None = None,
    window: int = 256,
    on_article: Callable[[int], None] | None = None,
) -> LanguageSummary:
    """Annotate and embed the current revisions of `ids` (all articles when None).

    Only what the store lacks is computed: annotations are cached per content
    hash and annotator version, vectors per content hash and encoder. Works in
    windows of `window` articles, so memory does not grow with the store. An
    article that needs annotating is embedded by the same worker; one annotated
    before but lacking this encoder's vectors is embedded here from its stored
    annotation. `on_article` is called with the number of articles done.

    The work goes to `annotator`, a context manager with `language.Annotator`'s
    `submit` (`distributed.DaskAnnotator` puts it on a cluster); by default an
    `Annotator` of `workers` processes embedding with `encoder`.
    """
    summary = LanguageSummary(encoder=encoder.name if encoder else None)
    key = vectors_key(encoder.name) if encoder else None
    ids = list(dict.fromkeys(ids)) if ids is not None else None
    started = time.perf_counter()
    in_flight: set[str] = set()  # hashes a submitted, not yet stored window works on

    def finish(count: int, collect: Callable[[], list], embedded: set[str], later: list[str]):
        results = collect()
        vectors: dict[str, np.ndarray] = {}
        if results:
            store.put_annotations([a for a, _ in results], ANNOTATOR_VERSION)
            summary.annotated += len(results)
            vectors = {
                a.content_hash: m
                for a, m in results
                if m is not None and a.content_hash not in embedded
            }
            in_flight.difference_update(a.content_hash for a, _ in results)
        if later:
            annotations = store.get_annotations(later, ANNOTATOR_VERSION)
            vectors.update(embed_annotations(annotations, encoder))
            in_flight.difference_update(later)
        if vectors:
            store.put_vectors(list(vectors.items()), key)
            summary.embedded += len(vectors)
            summary.sentences_embedded += sum(m.shape[0] for m in vectors.values())
        if on_article:
            on_article(count)

    if annotator is None:
        from storyline.language.annotate import Annotator  # loads spaCy: only when parsing

        annotator = Annotator(workers, encoder=encoder)
    with annotator:
        waiting = None
        for chunk in batched(store.iter_articles(ids), window):
            summary.articles += len(chunk)
            # One annotation and one set of vectors per revision, however many ids share
            # its text, and none for a revision an earlier window is still working on.
            hashes = [h for h in dict.fromkeys(a.content_hash for a in chunk) if h not in in_flight]
            done = store.annotated(hashes, ANNOTATOR_VERSION)
            embedded = store.embedded(hashes, key) if key else set()
            fresh = set(hashes) - done
            todo = list({a.content_hash: a for a in chunk if a.content_hash in fresh}.values())
            later = [h for h in hashes if h in done and h not in embedded] if key else []
            in_flight.update(fresh, later)
            # This window starts before the previous one is stored: the workers never wait.
            # (Nothing to annotate must not load spaCy or start the workers.)
            step = (len(chunk), annotator.submit(todo) if todo else list, embedded, later)
            if waiting:
                finish(*waiting)
            waiting = step
        if waiting:
            finish(*waiting)
    summary.seconds = time.perf_counter() - started
    return summary


#: Bump when what is embedded of each sentence changes: stored vectors are then redone.
EMBEDDED_TEXT_VERSION = "2"  # 2: datelines left out


def vectors_key(encoder_name: str) -> str:
    """The store key of an encoder's sentence vectors: rows follow the annotator's
    sentences, so a new annotator version (which may split sentences differently)
    needs new vectors too, as does a change in what of each sentence is embedded."""
    return f"{encoder_name}/annotator-{ANNOTATOR_VERSION}/text-{EMBEDDED_TEXT_VERSION}"


def without_copies(store: Store, ids: list[str] | None) -> list[str]:
    """`ids` (every current article when None) less the known near-duplicate copies:
    what the language stage should work on."""
    ids = _unique(store, ids)
    links = store.duplicate_links(ids)
    return [i for i in ids if i not in links]

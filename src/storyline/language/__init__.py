"""The language stage: sentences, entities, quotes, quantities, times, and embeddings.

`Annotator` turns articles into `Annotation`s (spaCy's parser and entity
recogniser plus storyline's rules), spreading the work over worker processes;
`load_encoder` gives the sentence encoder. Both run offline from installed
packages and say which package to install when one is missing.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from storyline.batching import batched
from storyline.language.encoders import Encoder, EncoderUnavailable, load_encoder
from storyline.language.entities import entity_mentions
from storyline.language.nlp import ModelUnavailable, load_nlp, without_dateline
from storyline.language.quantities import find_quantities
from storyline.language.quotes import find_quotes
from storyline.language.sentences import split_sentences
from storyline.language.timex import find_times
from storyline.model import Annotation, Article

__all__ = [
    "ANNOTATOR_VERSION",
    "Annotator",
    "Encoder",
    "EncoderUnavailable",
    "ModelUnavailable",
    "annotate_batch",
    "annotate_doc",
    "load_encoder",
    "without_dateline",
]

#: Bump when the rules change: cached annotations of an older version are redone.
ANNOTATOR_VERSION = "2"


def annotate_doc(doc: Doc, article: Article, headline: Doc | None = None) -> Annotation:
    """Everything the rules find in one parsed article."""
    sentences = split_sentences(doc)
    entities = entity_mentions(doc, sentences)
    headline_entities = entity_mentions(headline, split_sentences(headline)) if headline else []
    return Annotation(
        article_id=article.id,
        content_hash=article.content_hash,
        sentences=sentences,
        entities=entities,
        quotes=find_quotes(doc, sentences, entities),
        quantities=find_quantities(doc, sentences),
        times=find_times(sentences, article.published),
        headline_entities=headline_entities,
    )


class Annotator:
    """Annotates articles with `workers` processes (default: every core).

    Use as a context manager: the model loads and the worker pool starts at the
    first `annotate` (forked from this process, which loads the model once), and
    the pool stops on exit. `annotate` returns
    annotations in the order of the articles given. With one worker everything
    runs in this process. Cost: dominated by spaCy's parser and entity
    recogniser, roughly 4 to 6 news articles per second per core.
    """

    def __init__(self, workers: int | None = None, batch_size: int = 8):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.batch_size = batch_size
        self._nlp: Language | None = None
        self._pool = None

    def __enter__(self) -> Annotator:
        return self

    def _start(self) -> Language:
        """Load the model, and fork the workers, on first use (nothing to do costs nothing)."""
        global _WORKER_NLP
        if self._nlp is None:
            self._nlp = load_nlp()
            if self.workers > 1 and "fork" in multiprocessing.get_all_start_methods():
                # Forked workers inherit the loaded model and need no importable __main__.
                # Fork before anything in this process starts threads (encoders do).
                _WORKER_NLP = self._nlp
                self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        return self._nlp

    def __exit__(self, *exc: object) -> None:
        global _WORKER_NLP
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
        # Let the model go: the stages after this one (embedding) need the memory.
        self._nlp = None
        _WORKER_NLP = None

    def annotate(self, articles: Iterable[Article]) -> list[Annotation]:
        nlp = self._start()
        batches = list(batched(articles, self.batch_size))
        if self._pool is None:
            return [a for batch in batches for a in annotate_batch(nlp, batch)]
        return [a for done in self._pool.imap(_worker_batch, batches) for a in done]


def annotate_batch(nlp: Language, batch: list[Article]) -> list[Annotation]:
    docs = nlp.pipe([a.text for a in batch])
    headlines = nlp.pipe([a.title or "" for a in batch])
    return [
        annotate_doc(doc, article, headline if article.title else None)
        for article, doc, headline in zip(batch, docs, headlines, strict=True)
    ]


# The model forked workers inherit from the process that started them.
_WORKER_NLP: Language | None = None


def _worker_batch(batch: list[Article]) -> list[Annotation]:
    assert _WORKER_NLP is not None
    return annotate_batch(_WORKER_NLP, batch)

"""Parsing articles with spaCy and storyline's rules, in worker processes.

Imported on first use through `storyline.language` (see there): this is the module
that loads spaCy.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from storyline.batching import batched
from storyline.language import ANNOTATE_BATCH
from storyline.language.encoders import Encoder, embed_annotations
from storyline.language.entities import entity_mentions
from storyline.language.nlp import load_nlp
from storyline.language.quantities import find_quantities
from storyline.language.quotes import find_quotes
from storyline.language.sentences import split_sentences
from storyline.language.timex import find_times
from storyline.model import Annotation, Article


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
    """Annotates articles, and embeds their sentences when given an `encoder`,
    with `workers` processes (default: every core).

    Use as a context manager: the model loads at the first call and the worker
    pool starts at the first call with more than one batch, or at the first call
    when there is an encoder (forked from this process, which loads the spaCy
    model once); the pool stops on exit. Each
    worker embeds the sentences it annotated with its own single-threaded copy of
    `encoder` (a new instance of the same class),
    which on two cores beat one two-threaded encoder by about a tenth. Results
    come in the order of the articles given. With one worker everything runs in
    this process. Cost: spaCy's parser and entity recogniser, roughly 8 news
    articles per second per core, plus the encoder, about 200 sentences per
    second per core.
    """

    def __init__(
        self,
        workers: int | None = None,
        batch_size: int = ANNOTATE_BATCH,
        encoder: Encoder | None = None,
    ):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.batch_size = batch_size
        self.encoder = encoder
        self._nlp: Language | None = None
        self._pool = None

    def __enter__(self) -> Annotator:
        return self

    def _start(self, batches: int) -> Language:
        """Load the model on first use, and fork the workers the first time there is
        more than one batch to share (nothing to do costs nothing, and a few
        sentences are parsed here sooner than a pool starts). With an encoder they are
        forked at once: a process whose encoder has run has threads, which a fork
        should not copy mid-work."""
        global _WORKER_NLP, _WORKER_ENCODER_TYPE
        if self._nlp is None:
            self._nlp = load_nlp()
        if (
            self._pool is None
            and (batches > 1 or self.encoder is not None)
            and self.workers > 1
            and "fork" in multiprocessing.get_all_start_methods()
        ):
            # Forked workers inherit the loaded model and need no importable __main__.
            # They must not use this process's encoder (its thread pool is not
            # forked), so each builds its own.
            _WORKER_NLP = self._nlp
            _WORKER_ENCODER_TYPE = type(self.encoder) if self.encoder else None
            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        return self._nlp

    def __exit__(self, *exc: object) -> None:
        global _WORKER_NLP, _WORKER_ENCODER_TYPE
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
        # Let the model go: the stages after this one need the memory.
        self._nlp = None
        _WORKER_NLP = None
        _WORKER_ENCODER_TYPE = None

    def annotate(self, articles: Iterable[Article]) -> list[Annotation]:
        """The articles' annotations, without vectors."""
        return [annotation for annotation, _ in self._submit(articles, embed=False)()]

    def submit(
        self, articles: Iterable[Article]
    ) -> Callable[[], list[tuple[Annotation, np.ndarray | None]]]:
        """Start annotating (and, with an encoder, embedding) `articles`; the returned
        function waits for and gives each article's annotation with its sentence
        vectors (None without an encoder), in order. Submitting the next articles
        before collecting these keeps the workers busy while the caller stores them;
        in a single process the work is done here, before returning."""
        return self._submit(articles, embed=self.encoder is not None)

    def _submit(
        self, articles: Iterable[Article], embed: bool
    ) -> Callable[[], list[tuple[Annotation, np.ndarray | None]]]:
        batches = list(batched(articles, self.batch_size))
        nlp = self._start(len(batches))
        if self._pool is None:
            encoder = self.encoder if embed else None
            done = [pair for batch in batches for pair in annotate_and_embed(nlp, encoder, batch)]
            return lambda: done
        pool = self._pool
        handles = [pool.apply_async(_worker_batch, ((batch, embed),)) for batch in batches]
        return lambda: [pair for handle in handles for pair in handle.get()]


def annotate_batch(nlp: Language, batch: list[Article]) -> list[Annotation]:
    """The annotation of each article of `batch`, in order: text and headline parsed by
    `nlp` in one call each, then read by storyline's rules. Cost: spaCy's parse (about
    15 articles a second a core), the rules a few per cent of it."""
    docs = parse(nlp, [a.text for a in batch])
    headlines = parse(nlp, [a.title or "" for a in batch])
    return [
        annotate_doc(doc, article, headline if article.title else None)
        for article, doc, headline in zip(batch, docs, headlines, strict=True)
    ]


# spaCy's parser and entity recogniser need about 1 GB of memory per 100,000 characters
# of one text (`nlp.max_length` refuses texts over 1,000,000): longer texts are parsed in
# pieces of at most this many characters and joined into one Doc again.
PIECE_CHARS = 100_000
_CUTS = ("\n\n", "\n", ". ", " ")  # where a piece may end, best first


def parse(nlp: Language, texts: list[str]) -> list[Doc]:
    """`texts` parsed, in order; one longer than `PIECE_CHARS` in pieces cut at paragraph
    breaks (else lines, sentences, spaces), so that no text is too long for spaCy and
    every character offset is still the whole text's. Cost: spaCy's, linear in the text."""
    short = [i for i, text in enumerate(texts) if len(text) <= PIECE_CHARS]
    docs = dict(zip(short, nlp.pipe([texts[i] for i in short]), strict=True))
    for i, text in enumerate(texts):
        if i not in docs:
            docs[i] = Doc.from_docs(list(nlp.pipe(_pieces(text))), ensure_whitespace=False)
    return [docs[i] for i in range(len(texts))]


def _pieces(text: str) -> list[str]:
    """`text` cut into pieces of at most `PIECE_CHARS` that join back into it exactly."""
    pieces = []
    start = 0
    while len(text) - start > PIECE_CHARS:
        end = start + PIECE_CHARS
        for cut in _CUTS:
            at = text.rfind(cut, start + 1, end)
            if at > start:
                end = at + len(cut)
                break
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def annotate_and_embed(
    nlp: Language, encoder: Encoder | None, batch: list[Article]
) -> list[tuple[Annotation, np.ndarray | None]]:
    """Each article's annotation with its sentence vectors (None without `encoder`), in
    order: what one worker does with one batch, in a process pool or on Dask."""
    annotations = annotate_batch(nlp, batch)
    if encoder is None:
        return [(a, None) for a in annotations]
    vectors = embed_annotations(dict(enumerate(annotations)), encoder)
    return [(a, vectors[i]) for i, a in enumerate(annotations)]


# What forked workers inherit from the process that started them: the spaCy
# model, and the class of the encoder each builds for itself on first use.
_WORKER_NLP: Language | None = None
_WORKER_ENCODER_TYPE: type | None = None
_WORKER_ENCODER: Encoder | None = None


def _worker_batch(task: tuple[list[Article], bool]) -> list[tuple[Annotation, np.ndarray | None]]:
    global _WORKER_ENCODER
    batch, embed = task
    assert _WORKER_NLP is not None
    if embed and _WORKER_ENCODER is None:
        assert _WORKER_ENCODER_TYPE is not None
        # One thread: the pool already keeps every core busy.
        _WORKER_ENCODER = _WORKER_ENCODER_TYPE(threads=1)
    return annotate_and_embed(_WORKER_NLP, _WORKER_ENCODER if embed else None, batch)

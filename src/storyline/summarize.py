"""Cited extractive summaries of a story within a word budget.

The method is concept coverage (after Gillick and Favre's bigram model, the
strongest classic method on the DUC benchmarks), weighted for news:

1. Candidates are the sentences of the story's originals (a wire copy adds no
   text) of `min_words` to `max_words` words that end like a sentence, read
   through `storyline.coherence`: dangling openers dropped, "he said" named
   where the language stage resolved the speaker, and sentences that lean on
   the one before usable only right after it.
2. Concepts are stemmed word pairs (not both stop words). A concept's weight
   sums, over the articles that use it, how early each first uses it
   (1 / (1 + position / `position_decay`)): what many sources say, and say
   first, matters most. In stories of five or more articles a concept must
   appear in several of them.
3. Sentences are picked greedily by the weight of the concepts they add per
   square root of their length, skipping near-repeats of a chosen sentence and
   whatever no longer fits the budget. Facts from the comparison steer the
   choice: a sentence stating a consensus fact counts `fact_boost` more, the
   latest state of a revised fact `revision_boost` more; a report that a
   later one revised is left out, and the sentence that revises it says so in
   a note.
4. Each chosen sentence cites its own sentence and the other articles'
   sentences that state the same fact, and goes where its fact was first
   reported: in chronological order, then source order.

Cost: linear in the story's words, plus the greedy choice (sentences × chosen,
with lazy re-evaluation): about 0.02 s for a 10-article story, and 0.04 s more
for its comparison (BENCHMARKS.md, "Summaries").
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from storyline.coherence import read_alone
from storyline.dates import moment, readable_date
from storyline.ingest.clean import mentions_furniture
from storyline.language.entities import unify_entities
from storyline.language.nlp import stop_words
from storyline.model import Annotation, Comparison, Fact, Mention, Summary, SummarySentence
from storyline.relations import stem

#: Part of every stored summary's key: bump it when the method changes.
SUMMARIZE_VERSION = "summarize-6"
DEFAULT_WORDS = 100

_TOKEN = re.compile(r"[a-z0-9]+")
_LINK = re.compile(r"https?://|www\.|pic\.twitter\.com/", re.IGNORECASE)  # reads badly in a summary
_ENDS_LIKE_A_SENTENCE = re.compile(r"(?<!\.\.)[.!?][\"'”’)\]]*$")


@dataclass(frozen=True, slots=True)
class SummaryParams:
    """How summaries are made. Chosen on DUC 2003 and Multi-News together
    (BENCHMARKS.md, "Summaries"); `words` is the budget."""

    words: int = DEFAULT_WORDS
    min_words: int = 8  # shorter: captions, datelines, fragments
    max_words: int = 60  # longer: run-on lists, failed splits
    position_decay: float = 10.0  # a concept first used in sentence n weighs 1 / (1 + n / decay)
    min_share: float = 0.3  # share of the articles a concept must appear in...
    max_min_articles: int = 3  # ...but never more articles than this
    length_power: float = 0.5  # gain per words ** length_power
    repeat_overlap: float = 0.6  # shared stemmed content words (of the shorter) that make a repeat
    repeat_cosine: float = 0.85  # sentence vectors this close make a repeat
    fact_boost: float = 0.25  # extra weight of a sentence stating a consensus fact
    revision_boost: float = 1.0  # extra weight of the latest state of a revised fact
    cite_cosine: float = 0.7  # another article's mention of the fact is cited when this close
    entities: int = 40  # the most mentioned names kept with the summary


@dataclass(slots=True)
class SummaryArticle:
    """One original of the story as the summarizer reads it: its annotation (sentences,
    entities, quotes) and, when the language stage embedded it, one vector per sentence."""

    article_id: str
    source: str | None
    published: str | None
    annotation: Annotation
    vectors: np.ndarray | None = None


@dataclass(slots=True)
class _Candidate:
    article: int  # position in the story's articles
    sentence: int
    original: str  # the sentence as the article has it
    text: str  # as the summary gives it (repaired)
    words: int
    concepts: frozenset[tuple[str, str]]
    terms: frozenset[str]
    needs_previous: bool
    fact: Fact | None = None  # the comparison's fact this sentence states, if it has others
    boost: float = 0.0
    revises: list[Mention] = field(default_factory=list)
    note: str | None = None  # says what it revises; counts towards the budget

    @property
    def cost(self) -> int:
        """The words it takes from the budget, its note's included."""
        return self.words + (len(self.note.split()) if self.note else 0)


def summarize_story(
    story_id: str,
    articles: Sequence[SummaryArticle],
    comparison: Comparison | None = None,
    params: SummaryParams | None = None,
) -> Summary:
    """A cited summary of one story's `articles` (originals only, in source order).

    With the story's `comparison`, consensus facts and the latest state of
    revised facts are preferred and every source of a chosen fact is cited.
    Returns a `Summary` of at most `params.words` words (notes included), with
    whole sentences only.
    """
    params = params or SummaryParams()
    roles = _FactRoles.of(comparison)
    candidates: list[_Candidate] = []
    first_use: dict[tuple[str, str], dict[int, int]] = {}
    for number, article in enumerate(articles):
        for candidate in _article_candidates(number, article, params, first_use):
            key = (article.article_id, candidate.sentence)
            if key in roles.superseded:
                continue
            candidate.revises = roles.revising.get(key, [])
            candidate.note = _revision_note(candidate.revises)
            candidate.fact = roles.fact_of.get(key)
            if candidate.revises:
                candidate.boost = params.revision_boost
            elif key in roles.consensus:
                candidate.boost = params.fact_boost
            candidates.append(candidate)
    weights = _concept_weights(first_use, len(articles), params)
    chosen = _choose(candidates, weights, articles, params)
    sentences = [
        SummarySentence(
            text=c.text,
            citations=_citations(c, articles, params),
            revises=c.revises,
            note=c.note,
        )
        for c in chosen
    ]
    # Each sentence goes where its fact was first reported: by date, then source order.
    order = {a.article_id: n for n, a in enumerate(articles)}
    sentences.sort(
        key=lambda s: min((moment(m.published), order[m.article], m.sentence) for m in s.citations)
    )
    entities, quotes = story_entities_and_quotes([a.annotation for a in articles], direct_only=True)
    return Summary(
        story_id=story_id,
        words=params.words,
        sentences=sentences,
        entities=entities[: params.entities],
        quotes=quotes,
    )


@dataclass(slots=True)
class _FactRoles:
    """What the comparison says about each mention (keyed by article and sentence)."""

    superseded: set[tuple[str, int]] = field(default_factory=set)  # revised by a later report
    revising: dict[tuple[str, int], list[Mention]] = field(default_factory=dict)  # -> revised
    consensus: set[tuple[str, int]] = field(default_factory=set)
    fact_of: dict[tuple[str, int], Fact] = field(default_factory=dict)  # facts of 2+ mentions

    @classmethod
    def of(cls, comparison: Comparison | None) -> _FactRoles:
        roles = cls()
        if comparison is None:
            return roles
        for fact in comparison.facts:
            for mention in fact.mentions if len(fact.mentions) > 1 else ():
                key = (mention.article, mention.sentence)
                roles.fact_of.setdefault(key, fact)
                if fact.status == "consensus":
                    roles.consensus.add(key)
        for conflict in comparison.conflicts:
            if conflict.revision:
                roles.superseded.add((conflict.a.article, conflict.a.sentence))
                revised = roles.revising.setdefault((conflict.b.article, conflict.b.sentence), [])
                if conflict.a not in revised:
                    revised.append(conflict.a)
        # A report that is itself the latest state of something stays in.
        roles.superseded -= set(roles.revising)
        return roles


def _article_candidates(
    number: int,
    article: SummaryArticle,
    params: SummaryParams,
    first_use: dict[tuple[str, str], dict[int, int]],
) -> list[_Candidate]:
    """The article's usable sentences; records where the article first uses each concept."""
    annotation = article.annotation
    entities: dict[int, list] = {}
    quotes: dict[int, list] = {}
    for entity in annotation.entities:
        entities.setdefault(entity.sentence, []).append(entity)
    for quote in annotation.quotes:
        quotes.setdefault(quote.sentence, []).append(quote)
    out = []
    for position, sentence in enumerate(annotation.sentences):
        concepts = sentence_concepts(sentence.text)
        for concept in concepts:
            first_use.setdefault(concept, {}).setdefault(number, position)
        text = sentence.text.strip()
        if not usable(text, params):
            continue
        reading = read_alone(text, entities.get(sentence.index, ()), quotes.get(sentence.index, ()))
        out.append(
            _Candidate(
                article=number,
                sentence=sentence.index,
                original=sentence.text,
                text=reading.text,
                words=len(reading.text.split()),
                concepts=concepts,
                terms=frozenset(stems(reading.text)),
                needs_previous=reading.needs_previous,
            )
        )
    return out


def usable(text: str, params: SummaryParams) -> bool:
    """Whether `text` can be a summary sentence at all: `min_words` to `max_words` words,
    ending like a finished statement (not a question, not cut off with "…"), and
    not page furniture (links, newsletter sign-ups)."""
    if not params.min_words <= len(text.split()) <= params.max_words:
        return False
    if not _ENDS_LIKE_A_SENTENCE.search(text) or text.endswith(("?", "…")):
        return False
    return not mentions_furniture(text) and _LINK.search(text) is None


def sentence_concepts(text: str) -> frozenset[tuple[str, str]]:
    """The stemmed word pairs of `text` that are not both stop words."""
    words = [stem(t) for t in _TOKEN.findall(text.lower())]
    stop = stop_words()
    return frozenset((a, b) for a, b in itertools.pairwise(words) if not (a in stop and b in stop))


def stems(text: str) -> list[str]:
    """The stemmed words of `text` that are not stop words, in order."""
    return [stem(t) for t in _TOKEN.findall(text.lower()) if t not in stop_words()]


def _concept_weights(
    first_use: dict[tuple[str, str], dict[int, int]], articles: int, params: SummaryParams
) -> dict[tuple[str, str], float]:
    least = min(params.max_min_articles, max(1, round(params.min_share * articles)))
    return {
        concept: sum(1.0 / (1.0 + p / params.position_decay) for p in positions.values())
        for concept, positions in first_use.items()
        if len(positions) >= least
    }


def _choose(
    candidates: list[_Candidate],
    weights: dict[tuple[str, str], float],
    articles: Sequence[SummaryArticle],
    params: SummaryParams,
) -> list[_Candidate]:
    """Greedy budgeted coverage with lazy re-evaluation: a candidate's gain can only
    fall as concepts get covered, so a stale score is an upper bound."""
    covered: set[tuple[str, str]] = set()
    chosen: list[_Candidate] = []
    picked: set[tuple[int, int]] = set()
    waiting: dict[tuple[int, int], list[int]] = {}  # sentence wanted before -> candidates
    used = 0

    def score(index: int) -> float:
        c = candidates[index]
        gain = sum(weights.get(x, 0.0) for x in c.concepts if x not in covered)
        return gain * (1.0 + c.boost) / c.words**params.length_power

    heap = [(-score(i), i) for i in range(len(candidates))]
    heapq.heapify(heap)
    while heap:
        stale, index = heapq.heappop(heap)
        c = candidates[index]
        if used + c.cost > params.words:
            continue
        fresh = score(index)
        if fresh <= 0:
            continue
        if heap and fresh < -heap[0][0] and fresh < -stale:
            heapq.heappush(heap, (-fresh, index))
            continue
        if c.needs_previous and (c.article, c.sentence - 1) not in picked:
            waiting.setdefault((c.article, c.sentence - 1), []).append(index)
            continue
        if any(_repeats(c, other, articles, params) for other in chosen):
            continue
        chosen.append(c)
        picked.add((c.article, c.sentence))
        covered |= c.concepts
        used += c.cost
        for follower in waiting.pop((c.article, c.sentence), []):
            heapq.heappush(heap, (-score(follower), follower))
    return chosen


def _repeats(
    a: _Candidate, b: _Candidate, articles: Sequence[SummaryArticle], params: SummaryParams
) -> bool:
    """Whether `a` says again what `b` says: the same fact, shared words, or close vectors."""
    if a.fact is not None and b.fact is not None and a.fact.id == b.fact.id:
        return True
    smaller = min(len(a.terms), len(b.terms))
    if smaller and len(a.terms & b.terms) / smaller >= params.repeat_overlap:
        return True
    va = _vector(articles[a.article], a.sentence)
    vb = _vector(articles[b.article], b.sentence)
    return va is not None and vb is not None and float(va @ vb) >= params.repeat_cosine


def _vector(article: SummaryArticle, sentence: int) -> np.ndarray | None:
    vectors = article.vectors
    if vectors is None or sentence >= len(vectors):
        return None
    return vectors[sentence]


def _citations(
    chosen: _Candidate, articles: Sequence[SummaryArticle], params: SummaryParams
) -> list[Mention]:
    """The chosen sentence, then the closest mention of its fact in each other article."""
    article = articles[chosen.article]
    own = Mention(
        article.article_id, chosen.sentence, chosen.original, article.source, article.published
    )
    fact = chosen.fact
    if fact is None or fact.status not in ("consensus", "updated"):
        return [own]
    revised = {(m.article, m.sentence) for m in chosen.revises}
    by_id = {a.article_id: a for a in articles}
    mine = _vector(article, chosen.sentence)
    best: dict[str, tuple[float, Mention]] = {}
    for mention in fact.mentions:
        if mention.article == own.article or (mention.article, mention.sentence) in revised:
            continue
        other = by_id.get(mention.article)
        theirs = _vector(other, mention.sentence) if other is not None else None
        closeness = float(mine @ theirs) if mine is not None and theirs is not None else 1.0
        if closeness < params.cite_cosine:
            continue
        if mention.article not in best or closeness > best[mention.article][0]:
            best[mention.article] = (closeness, mention)
    return [own, *(m for _, m in best.values())]


def _revision_note(revises: list[Mention]) -> str | None:
    """'[Update: this revises the earlier report (22 Oct 2019, forces.net).]' for a
    revising sentence, or None for one that revises nothing."""
    if not revises:
        return None
    reports = sorted(
        {(moment(m.published), m.published, m.source or f"article {m.article}") for m in revises}
    )
    told = "; ".join(f"{readable_date(published)}, {who}" for _, published, who in reports)
    plural = "reports" if len(reports) > 1 else "report"
    return f"[Update: this revises the earlier {plural} ({told}).]"


def story_entities_and_quotes(
    annotations: Iterable[Annotation], direct_only: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Who the story names and who said what in it, under one set of names unified
    across its articles (see `_with_story_names`; the annotations given are not
    changed).

    Entities: {name, type, count, articles} by canonical name, the most frequent type,
    most mentioned first. Quotes: {speaker, text, article, sentence} in article order
    (direct quotes only with `direct_only`), each speaker under the name the entities
    list. Cost: linear in the mentions and quotes.
    """
    named = _with_story_names(annotations)
    found: dict[str, dict[str, Any]] = {}
    for annotation in named:
        for entity in annotation.entities:
            entry = found.setdefault(
                entity.canonical, {"types": Counter(), "count": 0, "articles": []}
            )
            entry["types"][entity.label] += 1
            entry["count"] += 1
            if annotation.article_id not in entry["articles"]:
                entry["articles"].append(annotation.article_id)
    ranked = sorted(found.items(), key=lambda item: (-item[1]["count"], item[0]))
    entities = [
        {
            "name": name,
            "type": entry["types"].most_common(1)[0][0],
            "count": entry["count"],
            "articles": entry["articles"],
        }
        for name, entry in ranked
    ]
    quotes = [
        {"speaker": q.speaker, "text": q.text, "article": a.article_id, "sentence": q.sentence}
        for a in named
        for q in a.quotes
        if q.kind == "direct" or not direct_only
    ]
    return entities, quotes


def _with_story_names(annotations: Iterable[Annotation]) -> list[Annotation]:
    """Copies of `annotations` whose entities and quote speakers carry names unified
    across the story ("Al-Shammari" in one report is "Najah al-Shammari" of another).

    A speaker is an article's canonical name of an entity, or a description ("a
    spokesman"); a name takes the story's name its entities of that name got, a
    description stays as written."""
    pooled = [
        Annotation(
            a.article_id,
            a.content_hash,
            entities=[replace(e) for e in a.entities],
            headline_entities=[replace(e) for e in a.headline_entities],
            quotes=list(a.quotes),
        )
        for a in annotations
    ]
    before = [[e.canonical for e in a.entities] for a in pooled]
    unify_entities(pooled)
    for annotation, names in zip(pooled, before, strict=True):
        renamed = Counter(
            (old, e.canonical) for old, e in zip(names, annotation.entities, strict=True)
        )
        story_name: dict[str, str] = {}
        for (old, new), _ in renamed.most_common():
            story_name.setdefault(old, new)
        annotation.quotes = [
            replace(q, speaker=story_name[q.speaker]) if q.speaker in story_name else q
            for q in annotation.quotes
        ]
    return pooled

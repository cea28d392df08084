"""Online story clustering: each article joins the story it continues or opens a new one.

An article is profiled once (`profile`): its sentence embeddings averaged into one
unit vector, its content words weighted by TF-IDF, and its entities. A story keeps
the running sums of its members' profiles, so comparing an article with a story
costs the same whether the story has two articles or two thousand.

`StoryClusterer` takes articles in arrival order (publication order works best).
For each one it finds *candidate* stories through an inverted index on the
article's strongest terms and entities (never by scanning every story) and scores
each candidate by *average link*, the article's mean similarity to the story's
members, which the running sums give (x · S / n for unit vectors x and their sum S;
exact for the vectors, nearly so for terms and entities, whose sums keep only the
strongest `story_terms`)::

    link = w_emb * mean cos(vector, members' vectors)
         + w_terms * mean cos(tf-idf terms, members' terms)
         + w_entities * mean cos(entities, members' entities)

(divided by the weights of the evidence present: without an encoder, the
embedding term drops out rather than capping the score).

The article joins the best candidate whose link reaches `threshold` *and*
`join_cohesion` times the story's cohesion, the mean similarity between its own
members ((|S|² - n) / (n (n - 1)), again from the sums): a tight story takes only
articles about as close as its members are to each other, so a story does not
drift into its neighbours one loosely related article at a time. Otherwise the
article opens a story. Stories go cold: one whose reports all lie more than
`cold_days` from the article's date is not a candidate (undated articles and
stories never go cold).

`merge` then joins stories that turned out to be one, best pair first, to a
fixpoint: two stories of two articles or more merge when the average link
between them reaches `merge_threshold` and `merge_cohesion` times the looser
one's cohesion. The gate is what keeps neighbouring events apart (a government's
fall and the crisis before it; an election and the loan that followed): their
stories are each tight, and looser with each other. Two lone articles merge only
at `threshold`, as if the later had joined the earlier.

A lone article whose link to a story reaches `merge_threshold` but not the join
test is *attached* to it (`StoryProfile.attached_to`): it is shown in that story,
yet keeps its own profile, which stays a candidate. When its own story arrives
later, the newcomer joins it there, and the pair leaves the story it was attached
to; until then, a run that changes a story near it re-attaches it to the best story
of the moment. Lone and larger stories are looked up apart, so that many lone
articles never crowd their story out of the candidates. Merging
it into the story instead would fix that choice for good, made before the article's
own story had a chance to arrive: that is what made stories depend on where one run
ended and the next began. `label` gives the story an article is shown in.

An article revised after it was placed is placed again (`revise`): its earlier
revision leaves its story's sums, and the new one stays only while it still links
to the rest of that story; an article that turned out to be a copy leaves its
story (`retract`).

Document frequencies are counted as articles arrive, so the clusterer needs no
training corpus; the whole state can be saved (`StoryProfile`, `document_frequency`)
and loaded again, which is how a later run extends the stories of an earlier one.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.dates import day_number
from storyline.language.terms import content_terms
from storyline.model import Annotation, StoryProfile

_ENTITY_KEY = "\x1fE:"  # entity keys share the term tables; no word starts with \x1f


@dataclass(frozen=True, slots=True)
class ClusterParams:
    """How the clusterer decides; the defaults are measured in BENCHMARKS.md.

    threshold: the average link from which an article joins a story.
    join_cohesion: and the share of the story's cohesion its link must reach.
    merge_threshold: the average link from which two stories become one, or a lone
        article is attached to a story.
    merge_cohesion: and the share of the looser story's cohesion it must reach.
    weights: (embedding, terms, entities) weights of the link; they sum to 1.
    cold_days: a story with no report within this many days of an article is
        not a candidate for it.
    candidates: how many stories (those sharing the most index keys) are scored.
    posting_limit: stories kept per index key (the most recent ones).
    index_terms / index_entities: an article's keys in the index.
    article_terms: the strongest terms kept of an article's profile.
    story_terms: the strongest terms (and entities) kept of a story's profile.
    """

    threshold: float = 0.32
    join_cohesion: float = 0.9
    merge_threshold: float = 0.2
    merge_cohesion: float = 0.85
    weights: tuple[float, float, float] = (0.3, 0.5, 0.2)
    cold_days: int = 30
    candidates: int = 20
    posting_limit: int = 30
    index_terms: int = 10
    index_entities: int = 5
    article_terms: int = 60
    story_terms: int = 200

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1 or not 0 < self.merge_threshold <= 1:
            raise ValueError("threshold and merge_threshold must lie in (0, 1]")
        if min(self.weights) < 0 or not math.isclose(sum(self.weights), 1.0):
            raise ValueError(f"weights must be non-negative and sum to 1, got {self.weights}")
        if not 0 <= self.join_cohesion <= 1 or not 0 <= self.merge_cohesion <= 1:
            raise ValueError("join_cohesion and merge_cohesion must lie in [0, 1]")
        if self.cold_days < 1 or self.candidates < 1 or self.posting_limit < 1:
            raise ValueError("cold_days, candidates and posting_limit must be at least 1")


@dataclass(slots=True)
class ArticleProfile:
    """What clustering needs of one article; `terms` and `entities` are raw counts."""

    article_id: str
    day: int | None  # proleptic ordinal of the publication date
    vector: np.ndarray | None  # unit vector, or None without sentence vectors
    terms: Counter[str]
    entities: Counter[str]
    title: str | None = None


def story_id_for(article_id: str, revision: str | None = None) -> str:
    """A story's id, derived from the article that opened it (stable across runs), and
    from its `revision` (content hash) when an earlier revision was placed before: the
    story that one opened may still be stored."""
    key = article_id if revision is None else f"{article_id}\x1f{revision}"
    return "story-" + hashlib.blake2b(key.encode(), digest_size=6).hexdigest()


def profile(
    article_id: str,
    text: str,
    *,
    title: str | None = None,
    published: str | None = None,
    annotation: Annotation | None = None,
    vectors: np.ndarray | None = None,
) -> ArticleProfile:
    """The clustering profile of one article from its text, annotation and sentence vectors.

    The headline counts twice among the terms: it names the story. Cost: linear in
    the text plus one mean over the sentence vectors.
    """
    terms = content_terms(text)
    if title:
        terms.update({t: 2 * n for t, n in content_terms(title).items()})
    entities = Counter(e.canonical for e in annotation.entities) if annotation else Counter()
    vector = None
    if vectors is not None and len(vectors):
        mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        vector = mean / norm if norm > 0 else None
    return ArticleProfile(article_id, day_number(published), vector, terms, entities, title)


class StoryClusterer:
    """Online clustering of article profiles into stories (see the module's docstring).

    Cost per `add`: one TF-IDF weighting of the article's terms, an index look-up
    of `index_terms + index_entities` keys (each reading at most `posting_limit`
    stories) and `candidates` scores: bounded however many stories exist.
    Memory: one `StoryProfile` per loaded story plus the document frequencies.
    """

    def __init__(
        self,
        params: ClusterParams | None = None,
        *,
        documents: int = 0,
        document_frequency: dict[str, int] | None = None,
    ):
        self.params = params or ClusterParams()
        self.documents = documents
        self.document_frequency: Counter[str] = Counter(document_frequency or {})
        self.stories: dict[str, StoryProfile] = {}
        self.touched: set[str] = set()  # stories changed since they were loaded
        self.merged: dict[str, str] = {}  # merged story id -> the story it joined
        self.relabelled: dict[str, str] = {}  # lone story -> the story it is now shown in
        self.emptied: set[str] = set()  # stories whose every member left (see `retract`)
        # story -> the lone stories attached to it; built when a story shrinks to one
        # article, dropped whenever attachments or merges may change it
        self._attached: dict[str, set[str]] | None = None
        self._postings: dict[str, list[str]] = {}
        self._norms: dict[str, tuple[float, float, float]] = {}
        self._changed: set[str] = set()

    # -- state ---------------------------------------------------------------------

    def load(self, states: Iterable[StoryProfile]) -> None:
        """Take stories saved by an earlier run (they are not marked touched).

        They are indexed oldest first, so that each posting's recent end, the part
        that is read, holds the stories that last had news.
        """
        self._attached = None
        for state in sorted(states, key=lambda s: (s.last_day or 0, s.story_id)):
            self.stories[state.story_id] = state
            self._index(state.story_id, self._keys(state))

    def changed_frequencies(self) -> dict[str, int]:
        """Document frequencies that `add` changed since the clusterer was made (to save)."""
        return {k: self.document_frequency[k] for k in self._changed}

    def resolve(self, story_id: str) -> str:
        """The story that `story_id` became after merges (itself when never merged)."""
        while story_id in self.merged:
            story_id = self.merged[story_id]
        return story_id

    def label(self, story_id: str) -> str:
        """The story that `story_id`'s articles are shown in: the story it became after
        merges, or the story that one is attached to (see the module's docstring)."""
        story_id = self.resolve(story_id)
        state = self.stories.get(story_id)
        if state is None or state.attached_to is None:
            return story_id
        return self.resolve(state.attached_to)

    # -- clustering ------------------------------------------------------------------

    def add(self, article: ArticleProfile, *, opens: str | None = None) -> str:
        """Place `article` in a story and return the story's id. A story it opens takes
        the id `opens`, by default `story_id_for` its id; an article placed once before
        (revised) needs one of its revision (see `story_id_for`). An `opens` in `emptied`
        is taken up again: a copy whose original left its story carries the story on."""
        self._count(article, 1)
        return self._place(article, *self._weighted(article), opens)

    def revise(
        self, old: ArticleProfile, new: ArticleProfile, story_id: str, *, opens: str | None = None
    ) -> str:
        """Replace an article's earlier revision `old`, whose profile is in the sums of
        story `story_id`, by its revision `new`; return the story `new` is in.

        The article stays while `new` still links to the rest of its story at
        `merge_threshold`, the bar of attaching (a correction or an added paragraph
        does not move it); otherwise it is placed as `add` places a new article
        (`opens` as there). An article alone in its story stays there, and `merge`
        weighs that story again. Cost: about two `add`s.
        """
        state = self.stories[story_id]
        self._take_out(old, state)
        self._count(new, 1)
        terms, entities, keys = self._weighted(new)
        if state.size == 0 or (
            self._link(new.vector, terms, entities, state) >= self.params.merge_threshold
        ):
            self._absorb(state, 1, new.day, new.day, new.vector, terms, entities)
            self._index(story_id, keys)
            return story_id
        return self._place(new, terms, entities, keys, opens)

    def retract(self, article: ArticleProfile, story_id: str) -> None:
        """Take `article`, a member whose profile is in story `story_id`'s sums, out of
        the story (it turned out to be a copy); a story left empty is dropped and its
        id put in `emptied`. Cost: linear in the article's profile."""
        state = self.stories[story_id]
        self._take_out(article, state)
        if state.size == 0:
            del self.stories[story_id]
            self.touched.discard(story_id)
            self.emptied.add(story_id)

    def _take_out(self, article: ArticleProfile, state: StoryProfile) -> None:
        """Subtract `article` from `state`'s sums and from the document frequencies.

        Its terms are weighed with today's frequencies, so the sums lose about what it
        brought; evidence it lacks (no stored vectors or names for it) is taken out as
        an average member's share."""
        self._count(article, -1)
        terms, entities, _ = self._weighted(article)
        share = 1.0 / state.size
        state.size -= 1
        if state.size == 0:
            state.vector_sum, state.terms, state.entities = None, {}, {}
            state.first_day = state.last_day = None
        else:
            if state.vector_sum is not None:
                vector = article.vector
                if vector is None or vector.shape != state.vector_sum.shape:
                    vector = state.vector_sum * share
                state.vector_sum = state.vector_sum - vector
            state.terms = _subtract(state.terms, terms, share)
            state.entities = _subtract(state.entities, entities, share)
        if state.size == 1:  # lone now: what was attached to it looks for another story
            self.touched.update(self._lone_attached(state.story_id))
        self._norms.pop(state.story_id, None)
        self.touched.add(state.story_id)

    def _lone_attached(self, story_id: str) -> set[str]:
        """The loaded lone stories attached to `story_id`. The first call after a change
        of attachments reads every loaded story once."""
        if self._attached is None:
            self._attached = {}
            for lone_id, state in self.stories.items():
                if state.attached_to is not None:
                    target = self.resolve(state.attached_to)
                    self._attached.setdefault(target, set()).add(lone_id)
        return self._attached.get(story_id, set())

    def _count(self, article: ArticleProfile, sign: int) -> None:
        """Count `article` into the document frequencies (`sign` 1) or out of them (-1)."""
        keys = [*article.terms, *(_ENTITY_KEY + e for e in article.entities)]
        self.documents = max(self.documents + sign, 0)
        if sign > 0:
            self.document_frequency.update(keys)
        else:  # an earlier revision counted with other names can take a key below zero
            for key in keys:
                self.document_frequency[key] = max(self.document_frequency[key] - 1, 0)
        self._changed.update(keys)

    def _weighted(
        self, article: ArticleProfile
    ) -> tuple[dict[str, float], dict[str, float], list[str]]:
        """The article's weighted terms and entities, and its keys in the index."""
        p = self.params
        entity_counts = {_ENTITY_KEY + e: n for e, n in article.entities.items()}
        terms = self._weigh(article.terms, p.article_terms)
        entities = self._weigh(entity_counts, p.article_terms)
        keys = _strongest(terms, p.index_terms) + _strongest(entities, p.index_entities)
        return terms, entities, keys

    def _place(
        self,
        article: ArticleProfile,
        terms: dict[str, float],
        entities: dict[str, float],
        keys: list[str],
        opens: str | None = None,
    ) -> str:
        """Join the best candidate story that takes the article, or open a new one."""
        p = self.params
        best_id, best_score = None, -1.0
        for story_id in self._candidates(keys, article.day):
            story = self.stories[story_id]
            score = self._link(article.vector, terms, entities, story)
            if score > best_score and score >= p.join_cohesion * self._cohesion(story):
                best_id, best_score = story_id, score
        if best_id is None or best_score < p.threshold:
            best_id = opens or story_id_for(article.article_id)
            if opens is not None and opens in self.emptied:
                self.emptied.discard(opens)  # the story goes on, under the id it had
            else:
                # A re-used id: the article opened a story before (maybe one emptied in
                # this run).
                while best_id in self.stories or best_id in self.emptied:
                    best_id = story_id_for(best_id)
            self.stories[best_id] = StoryProfile(best_id)
        state = self.stories[best_id]
        self._absorb(state, 1, article.day, article.day, article.vector, terms, entities)
        self._index(best_id, keys)
        return best_id

    def merge(self) -> dict[str, str]:
        """Join stories that turn out to be one, best pair first, until no pair of a
        touched story and its candidates qualifies; then attach lone articles (see the
        module's docstring).

        Returns {merged id: surviving id} for this call (the larger, then older,
        story survives); `relabelled` gathers the lone stories whose attachment
        changed. Cost: `candidates` links per touched story, and again per merge for
        the story that grew; attaching adds up to `candidates` + 1 look-ups and
        (`candidates` + 1) × `candidates` links per touched story (see `_attach`).
        """
        p = self.params
        merged: dict[str, str] = {}
        grown: Counter[str] = Counter()  # merges a story took: older heap entries are stale
        heap: list[tuple[float, str, str, int, int]] = []

        def push(story_id: str) -> None:
            state = self.stories[story_id]
            # A lone article is attached to a larger story, not merged: merges pair like
            # with like.
            lone = state.size == 1
            keys = self._keys(state)
            for other_id in self._candidates(keys, state.first_day, state.last_day, lone=lone):
                if other_id == story_id:
                    continue
                other = self.stories[other_id]
                link = self._story_link(state, other)
                if state.size == 1:
                    if link < p.threshold:
                        continue
                elif link < max(
                    p.merge_threshold,
                    p.merge_cohesion * min(self._cohesion(state), self._cohesion(other)),
                ):
                    continue
                entry = (-link, story_id, other_id, grown[story_id], grown[other_id])
                heapq.heappush(heap, entry)

        # Ids in order: a set's order changes from run to run (hash seeds), and the
        # order of merges must not.
        for story_id in sorted(self.touched):
            if story_id in self.stories:
                push(story_id)
        while heap:
            _, a, b, seen_a, seen_b = heapq.heappop(heap)
            if a not in self.stories or b not in self.stories:
                continue
            if grown[a] != seen_a or grown[b] != seen_b:
                continue  # either story changed since this pair was scored
            keep, drop = sorted((a, b), key=self._seniority)
            gone = self.stories.pop(drop)
            self._absorb(
                self.stories[keep],
                gone.size,
                gone.first_day,
                gone.last_day,
                gone.vector_sum,
                gone.terms,
                gone.entities,
            )
            self.touched.discard(drop)
            self._norms.pop(drop, None)
            merged[drop] = keep
            self.merged[drop] = keep
            grown[keep] += 1
            self._index(keep, self._keys(self.stories[keep]))
            push(keep)
        self._attach()
        self._attached = None  # merges and attachments changed it
        return {drop: self.resolve(keep) for drop, keep in merged.items()}

    def _attach(self) -> None:
        """Attach each lone story that this run may have changed to its best story of
        two articles or more (link at least `merge_threshold`), or to none; a story
        that has grown is detached. Reconsidered: touched stories and the lone stories
        among the candidates of touched ones. Cost per touched story: one look-up of
        lone candidates, then for it and each of them (at most `candidates`) one
        look-up and up to `candidates` links."""
        p = self.params
        reconsider: set[str] = set()
        for story_id in self.touched:
            state = self.stories.get(story_id)
            if state is None:
                continue
            reconsider.add(story_id)
            if state.size > 1:
                keys = self._keys(state)
                reconsider.update(
                    self._candidates(keys, state.first_day, state.last_day, lone=True)
                )
        for story_id in sorted(reconsider):
            state = self.stories.get(story_id)
            if state is None:
                continue
            before = self.resolve(state.attached_to) if state.attached_to is not None else None
            unloaded = before not in self.stories and before not in self.emptied
            if state.size == 1 and before is not None and unloaded:
                continue  # its story was not loaded (gone cold): nothing to weigh it against
            best_id = None
            if state.size == 1:
                best_link = p.merge_threshold
                for other_id in self._candidates(
                    self._keys(state), state.first_day, state.last_day, lone=False
                ):
                    other = self.stories[other_id]
                    link = self._story_link(state, other)
                    if link >= best_link:
                        best_id, best_link = other_id, link
            if best_id == before:
                if state.attached_to != best_id:  # the story it was attached to merged
                    state.attached_to = best_id
                    self.touched.add(story_id)
                continue
            state.attached_to = best_id
            self.touched.add(story_id)
            self.relabelled[story_id] = best_id or story_id

    def _keys(self, state: StoryProfile) -> list[str]:
        """A story's keys in the index, as an article's are."""
        p = self.params
        return _strongest(state.terms, p.index_terms) + _strongest(state.entities, p.index_entities)

    # -- internals ---------------------------------------------------------------------

    def _seniority(self, story_id: str) -> tuple[int, int, str]:
        state = self.stories[story_id]
        first = state.first_day if state.first_day is not None else 10**9
        return (-state.size, first, story_id)

    def _weigh(self, counts: dict[str, int], keep: int) -> dict[str, float]:
        """Sublinear TF times smoothed IDF, the `keep` strongest, as a unit vector."""
        n = self.documents
        df = self.document_frequency
        weights = {
            t: (1.0 + math.log(c)) * (math.log((n + 1) / (df[t] + 1)) + 1.0)
            for t, c in counts.items()
        }
        if len(weights) > keep:
            weights = dict(Counter(weights).most_common(keep))
        return _unit(weights)

    def _candidates(
        self,
        keys: Sequence[str],
        first: int | None,
        last: int | None = None,
        *,
        lone: bool | None = None,
    ):
        """Up to `candidates` warm stories sharing the most of `keys`; with `lone`, only
        stories of one article (True) or of more (False), so that neither kind crowds
        the other out."""
        last = first if last is None else last
        limit = self.params.posting_limit
        hits: Counter[str] = Counter()
        for key in keys:
            for story_id in self._postings.get(key, ())[-limit:]:
                hits[self.resolve(story_id)] += 1
        cold = self.params.cold_days
        found = 0
        for story_id, _ in hits.most_common():
            state = self.stories.get(story_id)
            if state is None or (lone is not None and (state.size == 1) != lone):
                continue
            if first is not None and state.first_day is not None:
                gap = max(state.first_day - last, first - state.last_day, 0)
                if gap > cold:
                    continue
            yield story_id
            found += 1
            if found >= self.params.candidates:
                return

    def _link(
        self,
        vector: np.ndarray | None,
        terms: dict[str, float],
        entities: dict[str, float],
        story: StoryProfile,
    ) -> float:
        """The article's average link to the story's members (unit vectors against sums)."""
        n = story.size
        has_vector = (
            vector is not None
            and story.vector_sum is not None
            and vector.shape == story.vector_sum.shape
        )
        return self._mix(
            float(vector @ story.vector_sum) / n if has_vector else None,
            _dot(terms, story.terms) / n,
            _dot(entities, story.entities) / n if entities or story.entities else None,
        )

    def _story_link(self, a: StoryProfile, b: StoryProfile) -> float:
        """The average link between the members of two stories, from their sums."""
        pairs = a.size * b.size
        has_vector = (
            a.vector_sum is not None
            and b.vector_sum is not None
            and a.vector_sum.shape == b.vector_sum.shape
        )
        small, large = sorted((a.terms, b.terms), key=len)
        few, many = sorted((a.entities, b.entities), key=len)
        return self._mix(
            float(a.vector_sum @ b.vector_sum) / pairs if has_vector else None,
            _dot(small, large) / pairs,
            _dot(few, many) / pairs if few or many else None,
        )

    def _cohesion(self, story: StoryProfile) -> float:
        """The mean similarity between a story's own members, from its sums' norms
        (0 for a story of one article: anything may join it)."""
        n = story.size
        if n < 2:
            return 0.0
        vec_norm, terms_norm, ents_norm = self._story_norms(story)
        pairs = n * (n - 1)
        return self._mix(
            (vec_norm * vec_norm - n) / pairs if vec_norm > 0 else None,
            (terms_norm * terms_norm - n) / pairs,
            (ents_norm * ents_norm - n) / pairs if ents_norm > 0 else None,
        )

    def _mix(self, vector: float | None, terms: float, entities: float | None) -> float:
        """The weighted mean of the evidence present. Evidence that is missing (no
        encoder ran; no names on either side) is left out and the other weights
        rescaled, so that the thresholds mean the same thing."""
        w_vec, w_terms, w_ents = self.params.weights
        score, weight = w_terms * terms, w_terms
        if vector is not None:
            score, weight = score + w_vec * vector, weight + w_vec
        if entities is not None:
            score, weight = score + w_ents * entities, weight + w_ents
        return score / weight if weight > 0 else 0.0

    def _story_norms(self, story: StoryProfile) -> tuple[float, float, float]:
        norms = self._norms.get(story.story_id)
        if norms is None:
            vec = story.vector_sum
            norms = (
                float(np.linalg.norm(vec)) if vec is not None else 0.0,
                math.sqrt(sum(x * x for x in story.terms.values())),
                math.sqrt(sum(x * x for x in story.entities.values())),
            )
            self._norms[story.story_id] = norms
        return norms

    def _absorb(
        self,
        state: StoryProfile,
        size: int,
        first: int | None,
        last: int | None,
        vector: np.ndarray | None,
        terms: dict[str, float],
        entities: dict[str, float],
    ) -> None:
        state.size += size
        if first is not None:
            state.first_day = first if state.first_day is None else min(state.first_day, first)
        if last is not None:
            state.last_day = last if state.last_day is None else max(state.last_day, last)
        if vector is not None:
            if state.vector_sum is not None and state.vector_sum.shape != vector.shape:
                state.vector_sum = None  # another encoder's space: start again from this one
            if state.vector_sum is None:
                state.vector_sum = np.zeros_like(vector, dtype=np.float32)
            state.vector_sum += vector
        state.terms = _add_pruned(state.terms, terms, self.params.story_terms)
        state.entities = _add_pruned(state.entities, entities, self.params.story_terms)
        self._norms.pop(state.story_id, None)
        self.touched.add(state.story_id)

    def _index(self, story_id: str, keys: Iterable[str]) -> None:
        limit = self.params.posting_limit
        for key in keys:
            posting = self._postings.setdefault(key, [])
            if story_id in posting[-limit:]:
                continue
            posting.append(story_id)
            if len(posting) > 2 * limit:  # keep memory bounded: only the recent end is read
                del posting[:-limit]


def story_title(titles: Iterable[str], state: StoryProfile) -> str | None:
    """The headline among `titles` that best names the story (highest mean weight of its
    words in the story's terms), or None when there is no headline."""
    best, best_score = None, -1.0
    for title in titles:
        words = content_terms(title)
        if not words:
            continue
        score = sum(state.terms.get(w, 0.0) for w in words) / math.sqrt(sum(words.values()))
        if score > best_score:
            best, best_score = title, score
    return best


def story_label(state: StoryProfile, size: int = 3) -> str:
    """A label for a story without headlines: its strongest entities, else its terms."""
    names = [k[len(_ENTITY_KEY) :] for k in _strongest(state.entities, size)]
    if not names:
        names = _strongest(state.terms, size)
    return ", ".join(names) if names else "(untitled story)"


def _strongest(weights: dict[str, float], count: int) -> list[str]:
    if len(weights) <= count:
        return sorted(weights, key=weights.__getitem__, reverse=True)
    return [k for k, _ in Counter(weights).most_common(count)]


def _unit(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(x * x for x in weights.values()))
    return {k: x / norm for k, x in weights.items()} if norm > 0 else {}


def _dot(small: dict[str, float], large: dict[str, float]) -> float:
    return sum(x * large.get(k, 0.0) for k, x in small.items())


def _subtract(total: dict[str, float], part: dict[str, float], share: float) -> dict[str, float]:
    """`total` less `part`, where `part` holds its keys; keys `part` lacks lose `share` of
    their value when `part` is empty (a member whose evidence of this kind is unknown).
    What falls to zero or below is dropped."""
    if not part:
        return {k: x * (1.0 - share) for k, x in total.items()}
    left = {k: x - part.get(k, 0.0) for k, x in total.items()}
    return {k: x for k, x in left.items() if x > 1e-9}


def _add_pruned(total: dict[str, float], extra: dict[str, float], keep: int) -> dict[str, float]:
    for key, value in extra.items():
        total[key] = total.get(key, 0.0) + value
    if len(total) > 2 * keep:  # prune in bulk, not on every article
        total = dict(Counter(total).most_common(keep))
    return total

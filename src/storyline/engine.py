"""The pipeline's stages, one function each, run in this process; `storyline.pipeline`
runs them in order, and `storyline.distributed` runs reading and the language stage on
a Dask cluster with the same stage functions."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from storyline.batching import batched
from storyline.compare import (
    COMPARE_VERSION,
    CompareParams,
    StoryArticle,
    compare_story,
    statements,
)
from storyline.dedupe import DEFAULT_THRESHOLD, DuplicateFinder, signature
from storyline.ingest import read_inputs
from storyline.ingest.base import DEFAULT_MAX_DOCUMENT_BYTES
from storyline.ingest.dates import day_number
from storyline.ingest.fetch import Fetcher
from storyline.language import ANNOTATOR_VERSION, AnnotationWorkers, Encoder, embed_annotations
from storyline.model import Annotation, Article, Note, ReadItem, Skipped, Story, Summary
from storyline.relations import ModelMismatch, RelationModel
from storyline.report.result_json import result_document, write_atomic, write_json
from storyline.store import ArticleRejected, Store
from storyline.stories import (
    ArticleProfile,
    ClusterParams,
    StoryClusterer,
    profile,
    story_id_for,
    story_label,
    story_title,
)
from storyline.summarize import (
    SUMMARIZE_VERSION,
    SummaryArticle,
    SummaryParams,
    summarize_story,
)

DEFAULT_BATCH_SIZE = 500
MAX_LISTED_PROBLEMS = 1000
#: How far back a new article's original may lie: wire copies and re-posts follow within days.
DEDUPE_WINDOW_DAYS = 30


@dataclass(slots=True)
class IngestSummary:
    """What an ingest run read, stored and skipped."""

    read: int = 0
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    skipped: int = 0
    internal_errors: int = 0
    problems: list[Skipped] = field(default_factory=list)  # the first MAX_LISTED_PROBLEMS
    ignored: Counter[str] = field(default_factory=Counter)  # expected non-articles, by reason
    notes: list[Note] = field(default_factory=list)  # the first MAX_LISTED_PROBLEMS
    more_notes: int = 0  # notes past those
    article_ids: list[str] = field(default_factory=list)  # filled when asked for
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "added": self.added,
            "revised": self.revised,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "internal_errors": self.internal_errors,
            "ignored": dict(self.ignored),
            "problems": [{"origin": p.origin, "reason": p.reason} for p in self.problems],
            "notes": [{"origin": n.origin, "message": n.message} for n in self.notes],
            "more_notes": self.more_notes,
            "seconds": round(self.seconds, 3),
        }


def ingest(
    specs: list[str],
    store: Store,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    fetch_links: bool = False,
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    collect_ids: bool = False,
    on_bytes: Callable[[int], None] | None = None,
    on_item: Callable[[ReadItem], None] | None = None,
    fetcher: Fetcher | None = None,
    reader: Callable[..., Iterable[ReadItem]] = read_inputs,
) -> IngestSummary:
    """Read `specs` and store their articles in batches of `batch_size`, one
    transaction each; return what happened.

    `reader` reads the specs: `read_inputs` in this process, or
    `distributed.read_on` bound to a Dask client to read on a cluster.

    Killing the process loses at most the batch in flight, and running the same
    call again stores exactly what is missing. `on_item` sees every item as it
    is read (progress, live problem reports). URLs are fetched with `fetcher`
    (default: a `Fetcher` with its default retries). Memory holds one batch.
    """
    summary = IngestSummary()
    started = time.perf_counter()
    batch: list[Article] = []
    with nullcontext(fetcher) if fetcher else Fetcher() as web:
        for item in reader(
            specs,
            fetcher=web,
            fetch_links=fetch_links,
            max_document_bytes=max_document_bytes,
            on_bytes=on_bytes,
        ):
            _count(item, summary, collect_ids)
            if isinstance(item, Article):
                batch.append(item)
                if len(batch) >= batch_size:
                    _store_batch(summary, store, batch)
            if on_item is not None:
                on_item(item)
    _store_batch(summary, store, batch)
    summary.seconds = time.perf_counter() - started
    return summary


def _store_batch(summary: IngestSummary, store: Store, batch: list[Article]) -> None:
    """Store `batch` in one transaction, count the outcome and empty the batch.

    When the database refuses the batch's data, the articles are stored one by
    one so that only the offending ones are skipped (with the reason).
    """
    if not batch:
        return
    try:
        outcomes = [store.add_articles(batch)]
    except ArticleRejected:
        outcomes = []
        for article in batch:
            try:
                outcomes.append(store.add_articles([article]))
            except ArticleRejected as exc:
                summary.read -= 1
                _count(Skipped(article.origin or article.id, f"not stored: {exc}"), summary, False)
    for result in outcomes:
        summary.added += result.added
        summary.revised += result.revised
        summary.unchanged += result.unchanged
        for revision in result.revisions:
            # Said out loud: a repeated id is an update or a mistake, and only the user knows.
            _count(
                Note(
                    revision.origin,
                    f"id {revision.article_id!r} already had other text (from an earlier line "
                    f"or run): this text is stored as its revision {revision.number}, the "
                    f"earlier one kept as revision {revision.number - 1}",
                ),
                summary,
                False,
            )
    batch.clear()


def _count(item: ReadItem, summary: IngestSummary, collect_ids: bool) -> None:
    if isinstance(item, Article):
        summary.read += 1
        if collect_ids:
            summary.article_ids.append(item.id)
    elif isinstance(item, Note):
        if len(summary.notes) < MAX_LISTED_PROBLEMS:
            summary.notes.append(item)
        else:
            summary.more_notes += 1
    elif item.expected:
        summary.ignored[item.reason] += 1
    else:
        summary.skipped += 1
        summary.internal_errors += item.internal
        if len(summary.problems) < MAX_LISTED_PROBLEMS:
            summary.problems.append(item)


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


@dataclass(slots=True)
class DedupeSummary:
    """What the near-duplicate stage checked and found. `followers` are the articles it
    checked beyond those asked for (copies of revised articles): the later stages must
    take them too."""

    checked: int = 0
    copies: int = 0
    seconds: float = 0.0
    followers: list[str] = field(default_factory=list)


def run_dedupe(
    store: Store,
    ids: list[str] | None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window_days: int = DEDUPE_WINDOW_DAYS,
    window: int = 500,
    on_article: Callable[[int], None] | None = None,
) -> DedupeSummary:
    """Find which of `ids` (all current articles when None) repeat an earlier text.

    Articles are checked in publication order (ties in the order given, which is
    the reading order) against originals published up
    to `window_days` before the earliest of them (every original when some
    article is undated); copies are recorded with their original, originals
    with their signature. Articles checked before are skipped, so a re-run
    does nothing. An article revised since it was checked is checked again, without
    its earlier text; so are its copies, which repeat its earlier text, even when they
    are not among `ids` (`followers`). An original that a text published up to
    `window_days` earlier repeats becomes that text's copy (`DuplicateFinder.check`),
    and a follower too. Cost: linear in the articles' words, plus loading the
    signatures in the window.
    """
    summary = DedupeSummary()
    started = time.perf_counter()
    dates = store.published_dates(_unique(store, ids))
    status = store.dedupe_status(list(dates))
    revised = [i for i, current in status.items() if not current]
    # Their copies repeat their earlier text: marked to be checked again, and found by
    # the mark, which a run cut short leaves in place for the next.
    store.unsettle_copies(revised)
    unsettled = set(store.unsettled_copies())
    summary.followers = sorted(unsettled - set(dates))
    dates |= store.published_dates(summary.followers)
    # Dated articles first: an undated one cannot show it was published first.
    todo = sorted(
        (i for i in dates if not status.get(i) or i in unsettled),
        key=lambda i: (dates[i] is None, dates[i] or ""),
    )
    if todo:
        finder = DuplicateFinder(threshold, window_days)
        finder.load(store.iter_signatures(_since([dates[i] for i in todo], window_days)))
        for article_id in revised:  # its earlier text must not match it
            finder.forget(article_id)
        displaced: list[str] = []
        for chunk in batched(store.iter_articles(todo), window):
            originals, copies = [], []
            for article in chunk:
                values = signature(article.text)
                digest = article.content_hash
                match = finder.check(article.id, values, article.published)
                if match is None:
                    originals.append((article.id, digest, article.published, values))
                elif match.displaced:  # published before the original it repeats
                    # It may have been read in this window, not yet stored.
                    hash_of = next((o[1] for o in originals if o[0] == match.article_id), None)
                    originals = [o for o in originals if o[0] != match.article_id]
                    if hash_of is None:
                        hash_of = store.get_article(match.article_id).content_hash
                    originals.append((article.id, digest, article.published, values))
                    copies.append((match.article_id, hash_of, article.id, match.similarity))
                    displaced.append(match.article_id)
                else:
                    copies.append((article.id, digest, match.original_id, match.similarity))
            store.put_dedupe(originals, copies)
            summary.checked += len(chunk)
            summary.copies += len(copies)
            if on_article:
                on_article(len(chunk))
        # A displaced original left its place in a story: the later stages take it.
        summary.followers = sorted(set(summary.followers) | (set(displaced) - set(dates)))
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass(slots=True)
class StorySummary:
    """What the story stage placed: articles, new and extended stories, merges."""

    articles: int = 0
    copies: int = 0
    revised: int = 0  # articles placed before whose new revision was placed again
    new_stories: int = 0
    extended_stories: int = 0
    merged: int = 0
    unplaced: int = 0  # copies whose original has no story (it was never analysed)
    # Every story whose articles changed, including those that only lost some (to a
    # merge, a revision, a lone article's own story): they are compared again.
    changed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run_stories(
    store: Store,
    ids: list[str] | None,
    *,
    encoder: str | None = None,
    params: ClusterParams | None = None,
    window: int = 256,
    on_article: Callable[[int], None] | None = None,
) -> StorySummary:
    """Place `ids` (all current articles when None) in stories, extending stored ones.

    Originals are profiled from their annotations and (with `encoder`, an
    encoder's name) the sentence vectors of the language stage, and clustered in publication
    order; copies join their original's story. Stories that could still
    continue (within `cold_days` of the new articles) are loaded from the
    store, the rest stay on disk. Articles already in a story stay there unless
    they were revised since (or found to be a copy, or no longer one): a revision
    is placed again (`StoryClusterer.revise`), a new copy leaves for its original's
    story, and every copy in a revised article's story goes where its original (as
    `run_dedupe` checked it again) is. The listing of every story
    touched (sources, first and last report) is recomputed: a new revision may have
    changed its source or date.
    Memory: the loaded stories' profiles and one window of articles.
    """
    params = params or ClusterParams()
    summary = StorySummary()
    started = time.perf_counter()
    dates = store.published_dates(_unique(store, ids))
    placed = store.story_of(list(dates))
    stale = store.stale_members(list(placed))
    around: set[str] = set()
    if stale:
        # The copies of a revised article were checked again with it (`run_dedupe`):
        # they may be originals now, or copies of another, in the stories it is in.
        shown = list({placed[i] for i in stale})
        around = {a for s in store.stories_of_ids(shown) for a in s.articles}
        more = sorted(around - set(dates))  # in a fixed order: ties of date keep it
        dates |= store.published_dates(more)
        placed |= store.story_of(more)
        stale |= store.stale_members(more)
    revisited = set(placed.values())
    todo = sorted((i for i in dates if i not in placed or i in stale), key=lambda i: dates[i] or "")
    if not todo:
        store.relist_stories(revisited)
        summary.seconds = time.perf_counter() - started
        return summary
    # Copies go with their original, however it moves in this run.
    links = store.duplicate_links(todo) | store.duplicate_links(list(around))
    # Members whose earlier profile is in a story's sums, and the story holding it.
    earlier = {i: h for i, h in stale.items() if h is not None}
    held = store.story_homes(list(earlier))
    # The story each article may carry on, should the run leave it with no report: a
    # former copy's (its original's), and an original's whose report turned out to
    # repeat it (published later, or undated).
    carries_on = store.story_homes([i for i, h in stale.items() if h is None])
    for member in earlier:
        if member in links and member in held:
            carries_on.setdefault(links[member], held[member])
    documents, frequencies = store.term_frequencies()
    clusterer = StoryClusterer(params, documents=documents, document_frequency=frequencies)
    since = _since((dates[i] for i in todo), params.cold_days)
    clusterer.load(store.iter_story_profiles(day_number(since) if since else None))
    cold = sorted(set(held.values()) - set(clusterer.stories))
    if cold:
        found = store.iter_story_profiles(story_ids=cold)
        clusterer.load(p for p in found if p.story_id not in clusterer.stories)
    stored = set(clusterer.stories)
    listed_before = {s for s, state in clusterer.stories.items() if state.attached_to is None}
    previous = {
        a.id: made for a, made in article_profiles(store, store.articles_by_hash(earlier), encoder)
    }
    originals = [i for i in todo if i not in links]
    original_stories = store.story_of(list(set(links.values())))  # as stored
    with_story = set(originals) | set(original_stories)
    for article_id in sorted(earlier):
        # A member that turned out to be a copy leaves its story, once its original has one.
        home = clusterer.resolve(held.get(article_id, ""))
        copied = links.get(article_id) in with_story
        if copied and article_id in previous and home in clusterer.stories:
            clusterer.retract(previous[article_id], home)
    revisions = store.copy_revisions(list(links))
    members: dict[str, str] = {}
    titles: dict[str, list[str]] = {}
    for chunk in batched(store.iter_articles(originals), window):
        for article, made in article_profiles(store, chunk, encoder):
            home = clusterer.resolve(held.get(article.id, ""))
            # Placed before, it may have opened a story that is stored but not loaded.
            opens = story_id_for(article.id, article.content_hash) if article.id in stale else None
            if clusterer.resolve(carries_on.get(article.id, "")) in clusterer.emptied:
                opens = clusterer.resolve(carries_on[article.id])
            if article.id in previous and home in clusterer.stories:
                story_id = clusterer.revise(previous[article.id], made, home, opens=opens)
                summary.revised += 1
            else:
                story_id = clusterer.add(made, opens=opens)
            members[article.id] = story_id
            revisions[article.id] = article.content_hash
            if article.title:
                titles.setdefault(story_id, []).append(article.title)
        summary.articles += len(chunk)
        if on_article:
            on_article(len(chunk))
    merged = clusterer.merge()
    homes = {a: clusterer.resolve(s) for a, s in members.items()}
    members = {a: clusterer.label(s) for a, s in homes.items()}
    homes.update(store.story_homes([o for o in links.values() if o not in members]))
    for copy_id, original_id in links.items():
        story_id = members.get(original_id) or original_stories.get(original_id)
        if story_id is None:
            summary.unplaced += 1
            continue
        # A copy goes wherever its original goes, now and when its story is relabelled.
        home = clusterer.resolve(homes[original_id])
        shown = home if home in clusterer.stories else story_id  # else not loaded: as stored
        members[copy_id] = clusterer.label(shown)
        homes[copy_id] = home
        summary.copies += 1
    homes = {a: h for a, h in homes.items() if a in members and h != members[a]}
    # A story all of whose articles left leads on to where most of them went.
    went: dict[str, Counter[str]] = {}
    for article_id, home in held.items():
        gone = clusterer.resolve(home)
        if gone in clusterer.emptied and article_id in members:
            went.setdefault(gone, Counter())[members[article_id]] += 1
    emptied_into = {gone: max(sorted(to), key=to.__getitem__) for gone, to in went.items()}
    # A story an article left is titled again, if loaded: the headline may have been its.
    left = {placed[a] for a, shown in members.items() if placed.get(a, shown) != shown}
    clusterer.touched.update(s for s in left if s in clusterer.stories)
    touched = [clusterer.stories[s] for s in sorted(clusterer.touched) if s in clusterer.stories]
    headlines: dict[str, str] = {}
    for state in touched:
        # Headlines of this run's members, of stored members, and of stored stories merged
        # in; an article this run placed again counts where it is now.
        sid = state.story_id
        candidates = [t for s, ts in titles.items() if clusterer.resolve(s) == sid for t in ts]
        for part in [sid, *(drop for drop, keep in merged.items() if keep == sid)]:
            if part in stored:
                stored_titles = store.member_titles(part)
                candidates += [t for a, t in stored_titles.items() if a not in members]
        headlines[sid] = story_title(candidates, state) or story_label(state)
    # Stories that only gained copies are not touched by the clusterer, yet their
    # listings (count, sources, dates) change too.
    changed = store.save_stories(
        touched,
        headlines,
        members,
        merged,
        clusterer.documents,
        clusterer.changed_frequencies(),
        relisted=set(members.values()) | {clusterer.label(s) for s in revisited},
        placed={a: (revisions[a], a not in links) for a in members},
        homes=homes,
        relabelled=clusterer.relabelled,
        emptied=clusterer.emptied,
        emptied_into=emptied_into,
    )
    listed = [s for s in touched if s.attached_to is None]
    summary.new_stories = sum(1 for s in listed if s.story_id not in listed_before)
    summary.extended_stories = len(listed) - summary.new_stories
    summary.merged = len(merged)
    summary.changed = sorted(changed)
    summary.seconds = time.perf_counter() - started
    return summary


def article_profiles(
    store: Store, articles: list[Article], encoder: str | None
) -> list[tuple[Article, ArticleProfile]]:
    """Each article with its clustering profile, from its stored annotation and (with
    `encoder`, an encoder's name) sentence vectors. Cost: two store reads per call."""
    hashes = [a.content_hash for a in articles]
    annotations = store.get_annotations(hashes, ANNOTATOR_VERSION)
    vectors = store.get_vectors(hashes, vectors_key(encoder)) if encoder else {}
    return [
        (
            article,
            profile(
                article.id,
                article.text,
                title=article.title,
                published=article.published,
                annotation=annotations.get(article.content_hash),
                vectors=vectors.get(article.content_hash),
            ),
        )
        for article in articles
    ]


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
    method = f"{COMPARE_VERSION}|{encoder}|{model is not None}"
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


def summarized_articles(
    store: Store, story: Story, encoder: str | None, originals: list[Article] | None = None
) -> list[SummaryArticle]:
    """The story's originals as the summarizer reads them: annotations, and sentence
    vectors from `encoder` where there are any. Unannotated articles are left out."""
    return [
        SummaryArticle(article.id, article.source, article.published, annotation, matrix)
        for article, annotation, matrix in _story_material(store, story, encoder, originals)
    ]


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
    published = [d for i in members if (d := dates.get(i))]
    return Story(
        id=name,
        title=name,
        articles=members,
        sources=[],
        start=min(published, default=None),
        end=max(published, default=None),
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


def _stories_of(store: Store, ids: list[str] | None, also: Sequence[str]) -> list[Story]:
    """The stories holding `ids` (every story when None), then those of `also` not among
    them that still exist."""
    stories = store.stories_of(_unique(store, ids))
    if ids is None:
        return stories
    more = sorted(set(also) - {s.id for s in stories})
    return stories + store.stories_of_ids(more) if more else stories


def _all_stories(store: Store) -> list[Story]:
    ids: list[str] = []
    while page := store.list_stories(limit=1000, offset=len(ids)):
        ids.extend(row["id"] for row in page)
    return store.stories_of_ids(ids)


def _unique(store: Store, ids: list[str] | None) -> list[str]:
    """`ids` without repeats, or every current article's id when None."""
    if ids is not None:
        return list(dict.fromkeys(ids))
    return [a.id for a in store.iter_articles()]


def _since(published: Iterable[str | None], days: int) -> str | None:
    """The ISO date `days` before the earliest of `published`, or None when any is undated
    (an undated article may continue anything)."""
    earliest = None
    for value in published:
        day = day_number(value)
        if day is None:
            return None
        earliest = day if earliest is None else min(earliest, day)
    if earliest is None:
        return None
    return date.fromordinal(max(earliest - days, 1)).isoformat()

"""Placing in stories: `run_stories` clusters articles into stories, extending the stored
ones, from the profiles `article_profiles` makes of them."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from storyline.batching import batched
from storyline.dates import day_number, moment
from storyline.engine.common import _since, _unique
from storyline.engine.language import vectors_key
from storyline.language import ANNOTATOR_VERSION
from storyline.model import Article
from storyline.store import Store
from storyline.stories import (
    ArticleProfile,
    ClusterParams,
    StoryClusterer,
    profile,
    story_id_for,
    story_label,
    story_title,
)


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
    todo = sorted(
        (i for i in dates if i not in placed or i in stale), key=lambda i: moment(dates[i])
    )
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

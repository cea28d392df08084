"""Finding copies: `run_dedupe` records which articles repeat an earlier text, and
which text each repeats."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from storyline.batching import batched
from storyline.dates import moment
from storyline.dedupe import (
    COPY_RULES,
    DEFAULT_THRESHOLD,
    DuplicateFinder,
    changes_a_figure,
    signature,
)
from storyline.engine.common import _since, _unique
from storyline.store import Store

#: How far back a new article's original may lie: wire copies and re-posts follow within days.
DEDUPE_WINDOW_DAYS = 30


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
    are not among `ids` (`followers`), and so is every copy stored by other rules
    than `COPY_RULES`. An original that a text published up to
    `window_days` earlier repeats becomes that text's copy (`DuplicateFinder.check`),
    and a follower too. Cost: linear in the articles' words, plus loading the
    signatures in the window.
    """
    summary = DedupeSummary()
    started = time.perf_counter()
    if store.copy_rules() != COPY_RULES:
        # Copies found by other rules are checked again by these. Originals are not:
        # so far each change of the rules has only turned copies into reports.
        store.recheck_copies(COPY_RULES)
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
        key=lambda i: (dates[i] is None, moment(dates[i])),
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
                match = finder.check(
                    article.id,
                    values,
                    article.published,
                    lambda original, text=article.text: (
                        not changes_a_figure(text, store.get_article(original).article.text)
                    ),
                )
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

"""Variants of what the online clusterer is given, scored on the gold stories.

`story_signals.py` ranks representations by clustering them in batch with a threshold
read off the answers; this script asks whether the better ones help the clusterer
itself, online, with its own thresholds. Each row changes one thing and keeps the
defaults otherwise (one run over the set in publication order, then the merge; copies
join their original, as in `stories.py`):

- word pairs: adjacent content-word pairs added to an article's terms (the best batch
  representation); also with the grid of weights and thresholds that is best on the
  lower of the two sets;
- lead counted twice: the content words of the first 800 characters counted again
  (the lead names the event, later paragraphs give background neighbours share);
- warm document frequencies: the clusterer starts from the frequencies of the whole
  set (what a store that has read much news would know; an oracle here) or of the other
  set, instead of counting from nothing.

Usage: python benchmarks/story_variants.py --cache /tmp/s8/cache
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

from stories import SETS, bcubed, data_options, prepare, profiles_of

_TOKEN = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)


def word_pairs(text: str, stop: frozenset[str]) -> Counter[str]:
    """Adjacent pairs of content words (no stop word or short word between them)."""
    words = [w.lower() for w in _TOKEN.findall(text)]
    kept = [w if len(w) > 2 and w not in stop else None for w in words]
    return Counter(f"{a} {b}" for a, b in itertools.pairwise(kept) if a and b)


def cluster(profiles, copies, gold, params=None, warm=()) -> tuple[float, float, float]:
    """BCubed (P, R, F1) of one online run over `profiles`, the document frequencies
    first counted over `warm`."""
    from storyline.stories import StoryClusterer

    earlier = StoryClusterer()  # counts the frequencies as earlier runs would have
    for item in warm:
        earlier.add(item)
    clusterer = StoryClusterer(
        params, documents=earlier.documents, document_frequency=earlier.document_frequency
    )
    placed = {item.article_id: clusterer.add(item) for item in profiles}
    clusterer.merge()
    found = {a: clusterer.label(clusterer.resolve(s)) for a, s in placed.items()}
    for copy, original in copies.items():
        if original in found:
            found[copy] = found[original]
    return bcubed(found, gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_options(parser)
    args = parser.parse_args()

    from storyline.language import load_encoder
    from storyline.language.nlp import stop_words
    from storyline.language.terms import content_terms
    from storyline.stories import ClusterParams

    encoder = load_encoder("auto").name
    stop = stop_words()
    sets = {}
    with tempfile.TemporaryDirectory(prefix="storyline-variants-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        for name in SETS:
            store, gold = prepare(name, args.data, cache, args.workers)
            with store:
                profiles = profiles_of(store, encoder)
                texts = {a.id: a for a in store.iter_articles([p.article_id for p in profiles])}
                copies = store.duplicate_links([a.id for a in store.iter_articles()])
            sets[name] = (profiles, texts, copies, gold)

    def with_terms(name, extra) -> list:
        profiles, texts, _, _ = sets[name]
        return [replace(p, terms=p.terms + extra(texts[p.article_id])) for p in profiles]

    rows: list[tuple[str, str, tuple[float, float, float]]] = []
    defaults = ClusterParams()
    paired = {
        name: with_terms(name, lambda a: word_pairs(f"{a.title or ''}\n{a.text}", stop))
        for name in SETS
    }
    for name in SETS:
        profiles, texts, copies, gold = sets[name]
        other = sets[next(s for s in SETS if s != name)][0]
        pairs = paired[name]
        lead = with_terms(name, lambda a: content_terms(a.text[:800]))
        rows += [
            (name, "storyline's defaults", cluster(profiles, copies, gold)),
            (name, "word pairs", cluster(pairs, copies, gold)),
            (name, "lead (first 800 characters) counted twice", cluster(lead, copies, gold)),
            (
                name,
                "warm document frequencies (whole set, an oracle)",
                cluster(profiles, copies, gold, warm=profiles),
            ),
            (
                name,
                "warm document frequencies (the other set)",
                cluster(profiles, copies, gold, warm=other),
            ),
        ]
    grid = [
        replace(defaults, weights=w, threshold=t, merge_threshold=m)
        for w in ((0.3, 0.5, 0.2), (0.2, 0.6, 0.2), (0.25, 0.6, 0.15))
        for t in (0.2, 0.24, 0.28, 0.32)
        for m in (0.12, 0.15, 0.2)
    ]
    scored = []
    for params in grid:
        found = {}
        for name in SETS:
            _, _, copies, gold = sets[name]
            found[name] = cluster(paired[name], copies, gold, params)
        scored.append((min(f[2] for f in found.values()), params, found))
    _, best, found = max(scored, key=lambda s: s[0])
    weights = "/".join(f"{w:g}" for w in best.weights)
    label = (
        f"word pairs, best of {len(grid)} weights and thresholds ({weights},"
        f" join {best.threshold:g}, merge {best.merge_threshold:g})"
    )
    rows += [(name, label, found[name]) for name in SETS]
    print("| set | variant | BCubed P | BCubed R | BCubed F1 |")
    print("|---|---|---:|---:|---:|")
    for name in SETS:
        for set_name, variant, (p, r, f) in rows:
            if set_name == name:
                print(f"| {name} | {variant} | {p:.3f} | {r:.3f} | {f:.3f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

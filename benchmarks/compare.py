"""Comparison speed: facts and conflicts of stories of 10 to 200 articles.

    python benchmarks/compare.py [--data ../shared/data] [--cache DIR] [--workers 2]

duc2003 is ingested, checked for copies, annotated and embedded (as in
benchmarks/stories.py, whose cached store --cache reuses). Stories of N
articles are the first N articles of its gold stories taken in order, so a
50-article story holds five real news events (copies left out, as the
comparison leaves them out). For each size: seconds to load
the story from the store (annotations and vectors), seconds to compare it
(candidate pairs, classifier, checks, facts), statements, candidate pairs,
and what was found. Each size is timed three times; the best run is shown.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from stories import REPO, prepare
from storyline import engine
from storyline.compare import CompareParams, compare_story
from storyline.language import load_encoder
from storyline.model import Story
from storyline.neighbours import candidate_pairs
from storyline.relations import RelationModel

SIZES = (10, 25, 50, 100, 200)


def gold_order(data: Path) -> list[str]:
    """duc2003's article ids, story by story."""
    ids = []
    for line in (data / "duc2003" / "stories.jsonl").open(encoding="utf-8"):
        ids.extend(json.loads(line)["articles"])
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        store, _ = prepare("duc2003", args.data, cache, args.workers)
        encoder = load_encoder("auto").name
        model = RelationModel.load()
        params = CompareParams()
        order = gold_order(args.data)
        copies = store.duplicate_links(order)
        originals = [i for i in order if i not in copies]  # copies are never compared
        print(
            "| articles | statements | candidate pairs | load s | compare s | facts | "
            "consensus | conflicts | revisions |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for size in SIZES:
            ids = originals[:size]
            story = Story("story-bench", "bench", ids, [], None, None, store.duplicate_links(ids))
            best_load = best_compare = float("inf")
            for _ in range(3):
                started = time.perf_counter()
                articles = engine.compared_articles(store, story, encoder)
                loaded = time.perf_counter()
                comparison = compare_story(story.id, articles, model, params)
                best_load = min(best_load, loaded - started)
                best_compare = min(best_compare, time.perf_counter() - loaded)
            statements = [s for a in articles for s in a.statements]
            kept = [len(s.text.split()) >= params.min_words for s in statements]
            rows = np.vstack([a.vectors for a in articles])[kept]
            groups = np.array([n for n, a in enumerate(articles) for _ in a.statements])[kept]
            pairs = candidate_pairs(rows, groups, params.neighbours, params.floor)
            facts = comparison.facts
            print(
                f"| {len(articles)} | {int(np.sum(kept)):,} | {len(pairs):,} | {best_load:.2f} | "
                f"{best_compare:.2f} | {len(facts):,} | "
                f"{sum(f.status == 'consensus' for f in facts)} | "
                f"{sum(not c.revision for c in comparison.conflicts)} | "
                f"{sum(c.revision for c in comparison.conflicts)} |"
            )


if __name__ == "__main__":
    main()

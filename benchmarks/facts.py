"""The facts the comparison finds in each gold story: their shape, and a sample to read.

    python benchmarks/facts.py [--set duc2003] [--data ../shared/data] [--cache DIR]
                               [--sample 40] [--seed 5]

No data set here says which sentences state the same thing, so the precision of facts
is read: each gold story of the set is compared (its articles as one story, copies left
out, as `storyline analyze` would), and the script prints how many facts that are not
single it found (consensus, conflict or updated), how large they are, and how close
their mentions are (the lowest cosine between two mentions of a fact: a fact whose
mentions are far apart was likely chained from links that each hold), then a fixed
random sample of those facts with up to four mentions each, to be judged by reading.
The set is prepared as in benchmarks/stories.py (whose cached store --cache reuses).
"""

from __future__ import annotations

import argparse
import itertools
import random

import numpy as np

from stories import compared_gold_stories, prepared_set, set_options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    set_options(parser)
    parser.add_argument("--sample", type=int, default=40, help="facts to print for reading")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    found = []  # (story, fact, lowest cosine between two of its mentions)
    with prepared_set(args) as store:
        for story_id, articles, comparison in compared_gold_stories(store, args):
            vector = {
                (a.article_id, s.sentence): v
                for a in articles
                for s, v in zip(a.statements, a.vectors, strict=True)
            }
            for fact in comparison.facts:
                if fact.status == "single":
                    continue  # one source: nothing is agreed or disputed
                vectors = [vector[(m.article, m.sentence)] for m in fact.mentions]
                lowest = min(float(a @ b) for a, b in itertools.combinations(vectors, 2))
                found.append((story_id, fact, lowest))
    if not found:
        raise SystemExit(f"no facts of two or more mentions in the gold stories of {args.set}")
    sizes = np.array([len(fact.mentions) for _, fact, _ in found])
    lowest = np.array([low for *_, low in found])
    print(f"### Facts that are not single in the gold stories of {args.set}\n")
    print(
        "| facts | consensus | mentions, mean | mentions, most | over 5 mentions | "
        "lowest mention cosine < 0.5 |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    consensus = sum(fact.status == "consensus" for _, fact, _ in found)
    print(
        f"| {len(found)} | {consensus} | {sizes.mean():.1f} | {sizes.max()} | "
        f"{int((sizes > 5).sum())} | {int((lowest < 0.5).sum())} |"
    )
    rng = random.Random(args.seed)
    for story_id, fact, low in rng.sample(found, min(args.sample, len(found))):
        print(
            f"\n== {story_id}: {fact.status}, {len(fact.mentions)} mentions, "
            f"lowest cosine {low:.2f}"
        )
        for mention in fact.mentions[:4]:
            print(f"   - {mention.text}")


if __name__ == "__main__":
    main()

"""What the comparison reports as conflicts in each gold story, for a person to read.

    python benchmarks/conflicts.py [--set duc2003] [--data ../shared/data] [--cache DIR]
                                   [--workers 2] [--list]

No data set here says which pairs of statements truly disagree, so precision is read,
not computed: each gold story of the set (its articles as one story, copies left out,
as `storyline analyze` would compare them) is compared, and the script prints how many
conflicts and revisions of each kind it found in all. With --list it (and the story)
also prints both statements and the explanation of every one, to be judged by reading.
The set is prepared as in benchmarks/stories.py (whose cached store --cache reuses).
"""

from __future__ import annotations

import argparse
from collections import Counter

from stories import compared_gold_stories, prepared_set, set_options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    set_options(parser)
    parser.add_argument("--list", action="store_true", help="print every conflict in full")
    args = parser.parse_args()
    kinds: Counter[tuple[str, bool]] = Counter()
    stories = 0
    with prepared_set(args) as store:
        for story_id, _, comparison in compared_gold_stories(store, args):
            stories += 1
            kinds.update((c.kind, c.revision) for c in comparison.conflicts)
            if args.list:
                for conflict in comparison.conflicts:
                    what = "revision" if conflict.revision else "conflict"
                    print(f"== {story_id}: {conflict.kind} {what}")
                    print(f"   A: {conflict.a.text}")
                    print(f"   B: {conflict.b.text}")
                    print(f"   {conflict.explanation}\n")
    print(f"\n### Conflicts found in the gold stories of {args.set} ({stories} stories)\n")
    print("| kind | conflicts | revisions |")
    print("|---|---:|---:|")
    for kind in sorted({k for k, _ in kinds}):
        print(f"| {kind} | {kinds[(kind, False)]} | {kinds[(kind, True)]} |")
    revisions = sum(n for (_, revision), n in kinds.items() if revision)
    print(f"| all | {sum(kinds.values()) - revisions} | {revisions} |")


if __name__ == "__main__":
    main()

"""Web app speed: a 200-article story page, and the story list over 10,000 stories.

    python benchmarks/web.py [--data ../shared/data] [--cache DIR] [--workers 2]

The stores are made by a child process (which loads the language models), so the
timed process holds what a server holds.

1. duc2003 is prepared as in benchmarks/stories.py (cached with --cache). A copy
   of its store gets one story of 200 original articles (the first 200 of its
   gold stories in order), which is compared and summarized; then its page
   (`/stories/{id}`), its API document and the report of it are timed.
2. A store with 10,000 stories (listing rows and conflict counts, as the list
   reads them) is timed for the list's first page, a deep page, the conflicts
   sort and the source filter, pages and API alike.

Each request is made through FastAPI's TestClient (routing, store reads,
templates; no network); the median of 20 runs is shown, with the 90th percentile and the slowest.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stories import REPO, prepare

RUNS = 20
STORY_ID = "story-bench-200"


def timed(call) -> tuple[float, float, float]:
    """(median, 90th percentile, max) milliseconds of `call` over RUNS runs, after a warm-up."""
    call()
    spent = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        spent.append(1000 * (time.perf_counter() - started))
    return statistics.median(spent), statistics.quantiles(spent, n=10)[-1], max(spent)


def big_story(store, data: Path, size: int = 200) -> str:
    """Make one story of the first `size` original duc2003 articles; returns its id."""
    from storyline import engine
    from storyline.language import load_encoder
    from storyline.model import StoryProfile

    ids = []
    for line in (data / "duc2003" / "stories.jsonl").open(encoding="utf-8"):
        ids.extend(json.loads(line)["articles"])
    copies = store.duplicate_links(ids)
    members = [i for i in ids if i not in copies][:size]
    story_id = STORY_ID
    profile = StoryProfile(story_id, size=len(members))
    store.save_stories(
        [profile],
        {story_id: "200 articles of DUC 2003"},
        dict.fromkeys(members, story_id),
        {},
        0,
        {},
        placed={a.id: (a.content_hash, True) for a in store.iter_articles(members)},
    )
    encoder = load_encoder("auto").name
    engine.run_compare(store, members, encoder=encoder)
    engine.run_summaries(store, members, encoder=encoder)
    return story_id


def many_stories(store, count: int = 10_000) -> None:
    """`count` listed stories with sources, dates and conflict counts."""
    from storyline.store.schema import stories, story_counts

    rows, counts = [], []
    for n in range(count):
        day = f"2019-{1 + n % 12:02d}-{1 + n % 28:02d}"
        rows.append(
            {
                "story_id": f"story-{n:06d}",
                "title": f"Story number {n} about the harbour strike and the port talks",
                "articles": 1 + n % 37,
                "sources": json.dumps([f"source-{n % 50}", f"source-{(n + 7) % 50}"]),
                "first_published": day,
                "last_published": day,
                "first_day": None,
                "last_day": None,
                "profile": "{}",
                "dim": 0,
                "vector": None,
                "updated_at": "2026-11-23T00:00:00+00:00",
            }
        )
        counts.append({"story_id": f"story-{n:06d}", "conflicts": n % 5, "revisions": n % 3})
    with store.engine.begin() as conn:
        conn.execute(stories.insert(), rows)
        conn.execute(story_counts.insert(), counts)


def setup(data: Path, cache: Path, target: Path, workers: int) -> None:
    """Make story.db (duc2003 with the 200-article story) and list.db in `target`."""
    from storyline.store import Store

    cache.mkdir(parents=True, exist_ok=True)
    prepared, _ = prepare("duc2003", data, cache, workers)
    prepared.close()
    shutil.copy(cache / "duc2003.db", target / "story.db")
    with Store(target / "story.db") as store:
        big_story(store, data)
    print("  200-article story compared and summarized", file=sys.stderr)
    with Store(target / "list.db") as store:
        many_stories(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--setup", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup is not None:
        setup(args.data, args.cache or args.setup, args.setup, args.workers)
        return
    from fastapi.testclient import TestClient

    from storyline import engine
    from storyline.store import Store
    from storyline.web import create_app

    rows = []
    with tempfile.TemporaryDirectory(prefix="storyline-web-") as tmp:
        tmp = Path(tmp)
        # The stores are made in a child process, which loads the language models:
        # the timed process holds what a server holds, not the models' heap.
        command = [sys.executable, __file__, "--data", str(args.data), "--setup", str(tmp)]
        if args.cache:
            command += ["--cache", str(args.cache)]
        subprocess.run([*command, "--workers", str(args.workers)], check=True)
        story_id = STORY_ID
        client = TestClient(create_app(str(tmp / "story.db")))
        gc.collect()
        gc.freeze()  # as `storyline serve` does once started
        assert client.get(f"/stories/{story_id}").status_code == 200
        rows.append(
            ("story page, 200 articles", *timed(lambda: client.get(f"/stories/{story_id}")))
        )
        rows.append(
            ("API story, 200 articles", *timed(lambda: client.get(f"/api/stories/{story_id}")))
        )
        with Store(tmp / "story.db") as store:
            started = time.perf_counter()
            engine.write_report(store, None, tmp / "report.html")
            once = 1000 * (time.perf_counter() - started)
            rows.append(("HTML report of it (once)", once, None, None))

        client = TestClient(create_app(str(tmp / "list.db")))
        gc.collect()
        gc.freeze()
        for label, url in (
            ("story list, 10,000 stories, page 1", "/"),
            ("story list, page 150 of 200", "/?page=150"),
            ("story list, sorted by conflicts", "/?sort=conflicts"),
            ("story list, most recent", "/?sort=recent"),
            ("API story list, page 150", "/api/stories?page=150"),
        ):
            assert client.get(url).status_code == 200
            rows.append((label, *timed(lambda url=url: client.get(url))))

    date = time.strftime("%Y-%m-%d")
    print(f"\n### Web app speed ({date})\n")
    print("| request | median ms | 90th percentile ms | slowest ms |")
    print("|---|---:|---:|---:|")
    for label, median, p90, slowest in rows:
        extra = f"{p90:.0f} | {slowest:.0f}" if slowest is not None else "– | –"
        print(f"| {label} | {median:.0f} | {extra} |")


if __name__ == "__main__":
    main()

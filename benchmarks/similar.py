"""Similar-articles search: arrays (SQLite) against pgvector's HNSW index.

    python benchmarks/similar.py [--sizes 10000 40000]

For each size, a store gets that many articles with random sentence vectors
(384 dimensions, 8 sentences each, so each article's mean is its own point), in
batches of 1,000 as the language stage writes them; then `similar_articles`
(5 results) is timed for 20 articles: the median, 90th percentile and slowest
milliseconds. Backends: SQLite (a paged exact scan) and PostgreSQL with pgvector
from the pgserver wheel (one HNSW index query). Also: how many of pgvector's 5
results are the exact scan's (the index is approximate).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

BATCH = 1_000
RUNS = 20


def fill(store, size: int, seed: int = 0) -> float:
    """Seconds to store `size` articles and their vectors."""
    from storyline.model import Article

    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    for start in range(0, size, BATCH):
        batch = [
            Article(id=f"a{i}", text=f"Article {i} of the benchmark.")
            for i in range(start, min(size, start + BATCH))
        ]
        store.add_articles(batch)
        store.put_vectors(
            [
                (a.content_hash, rng.standard_normal((8, 384)).astype(np.float32))
                for a in store.iter_articles([b.id for b in batch])
            ],
            "bench",
        )
    return time.perf_counter() - started


def timed_queries(store, size: int) -> tuple[list[float], list[list[str]]]:
    picks = np.random.default_rng(1).choice(size, RUNS + 1, replace=False)
    store.similar_articles(f"a{picks[0]}")  # warm-up
    times, results = [], []
    for pick in picks[1:]:
        started = time.perf_counter()
        found = store.similar_articles(f"a{pick}", limit=5)
        times.append(1000 * (time.perf_counter() - started))
        results.append([i for i, _ in found])
    return times, results


def pgvector_store(root: Path):
    import pgserver
    from sqlalchemy import create_engine, make_url, text

    from storyline.store import Store

    server = pgserver.get_server(root / "pg", cleanup_mode="stop")
    url = make_url(server.get_uri()).set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS similar_bench WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE similar_bench"))
    admin.dispose()
    return server, Store(url.set(database="similar_bench").render_as_string(False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 40_000])
    args = parser.parse_args()
    from storyline.store import Store

    rows = []
    with tempfile.TemporaryDirectory(prefix="storyline-similar-") as tmp:
        root = Path(tmp)
        for size in args.sizes:
            with Store(root / f"s{size}.db") as store:
                seconds = fill(store, size)
                times, exact = timed_queries(store, size)
                rows.append(("SQLite, arrays (exact scan)", size, seconds, times, None))
            server, store = pgvector_store(root)
            with store:
                assert store.uses_pgvector, "the pgserver PostgreSQL should have pgvector"
                seconds = fill(store, size)
                times, found = timed_queries(store, size)
                recall = statistics.mean(
                    len(set(a) & set(b)) / len(a) for a, b in zip(exact, found, strict=True)
                )
                rows.append(("PostgreSQL, pgvector (HNSW)", size, seconds, times, recall))
            server.cleanup()
    date = time.strftime("%Y-%m-%d")
    print(f"\n### Similar articles ({date})\n")
    print("| backend | articles | write s per 1,000 | median ms | p90 ms | slowest ms | recall@5 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, size, seconds, times, recall in rows:
        p90 = statistics.quantiles(times, n=10)[-1]
        shown = f"{recall:.2f}" if recall is not None else "exact"
        print(
            f"| {name} | {size:,} | {1000 * seconds / size:.2f} | {statistics.median(times):.1f} "
            f"| {p90:.1f} | {max(times):.1f} | {shown} |"
        )


if __name__ == "__main__":
    main()

"""Story clustering quality and speed on duc2003 and multinews-val, beside peers.

    python benchmarks/stories.py [--data ../shared/data] [--cache DIR] [--workers 2]

Each set's articles are ingested as one stream into a store, checked for copies,
annotated and embedded (the language stage; cached in --cache when given), then:
1. clustered by storyline's stage (`engine.run_stories`), and by peers on the same
   sentence embeddings (each article's mean sentence vector, as storyline uses):
   agglomerative clustering (average linkage, cosine) and HDBSCAN, plus
   agglomerative clustering on TF-IDF vectors. Agglomerative thresholds are
   *tuned*: the one threshold that maximises the lower of the two sets' BCubed
   F1 is reported, which favours the peers (storyline uses its defaults).
   Each result is scored against the set's stories.jsonl: BCubed precision,
   recall and F1, and pairwise F1. An article the reader skipped counts as a
   story of its own.
2. batch boundaries: the same clusterer fed the same profiles in memory as one stream
   and in runs of 256 and 64 articles with a merge after each (as successive
   `storyline analyze` runs do); the stories should not depend on where runs end.
3. clustering speed, embeddings excluded: the clusterer alone over in-memory
   profiles of multinews-val grown 1x, 4x and 16x (repeated with shifted ids
   and dates), with articles/s and peak traced memory.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SETS = ("duc2003", "multinews-val")


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 of `predicted` labels against `gold` (by item)."""
    predicted = {i: predicted.get(i, f"alone:{i}") for i in gold}
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for item, label in predicted.items():
        by_pred[label].add(item)
    for item, label in gold.items():
        by_gold[label].add(item)
    precision = recall = 0.0
    for item in gold:
        mine, theirs = by_pred[predicted[item]], by_gold[gold[item]]
        shared = len(mine & theirs)
        precision += shared / len(mine)
        recall += shared / len(theirs)
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, _f1(precision, recall)


def pairwise_f1(predicted: dict[str, str], gold: dict[str, str]) -> float:
    """F1 over item pairs placed together (each pair counted once)."""
    predicted = {i: predicted.get(i, f"alone:{i}") for i in gold}

    def pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
        groups = defaultdict(list)
        for item, label in labels.items():
            groups[label].append(item)
        return {(a, b) for items in groups.values() for a in items for b in items if a < b}

    mine, theirs = pairs(predicted), pairs(gold)
    shared = len(mine & theirs)
    if not shared:
        return 0.0
    return _f1(shared / len(mine), shared / len(theirs))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def set_options(parser: argparse.ArgumentParser) -> None:
    """The options of a benchmark over one prepared set: --set, --data, --cache, --workers."""
    parser.add_argument("--set", choices=SETS, default="duc2003")
    data_options(parser)


def data_options(parser: argparse.ArgumentParser) -> None:
    """Where the sets are and where their prepared stores are kept: --data, --cache,
    --workers (of the language stage)."""
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=None, help="keep the prepared stores here")
    parser.add_argument("--workers", type=int, default=2)


@contextmanager
def prepared_set(args: argparse.Namespace) -> Iterator:
    """The open store of `args.set` (see `set_options`), prepared in --cache, or in a
    temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="storyline-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        store, _ = prepare(args.set, args.data, cache, args.workers)
        with store:
            yield store


def compared_gold_stories(store, args: argparse.Namespace) -> Iterator[tuple]:
    """(story id, its articles as compared, their comparison) for each gold story of
    `args.set`, compared as `storyline analyze` would: copies left out, the shipped
    relation classifier and default settings."""
    from storyline import engine
    from storyline.compare import CompareParams, compare_story
    from storyline.language import load_encoder
    from storyline.model import Story
    from storyline.relations import RelationModel

    encoder = load_encoder("auto").name
    model, params = RelationModel.load(), CompareParams()
    with (args.data / args.set / "stories.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            gold = json.loads(line)
            ids = gold["articles"]
            story = Story(gold["story"], "", ids, [], None, None, store.duplicate_links(ids))
            articles = engine.compared_articles(store, story, encoder)
            yield story.id, articles, compare_story(story.id, articles, model, params)


def prepare(name: str, data: Path, cache: Path, workers: int):
    """The set's store with copies found and the language stage done (reused if cached)."""
    from storyline import engine
    from storyline.language import load_encoder
    from storyline.store import Store

    store = Store(cache / f"{name}.db")
    source = data / name / "articles.jsonl"
    started = time.perf_counter()
    if store.count_articles() == 0:
        summary = engine.ingest([str(source)], store, collect_ids=True)
        engine.run_dedupe(store, summary.article_ids)
    # Only what is missing is computed: nothing for a cached store, unless the
    # annotator or the embedded text changed since it was prepared.
    done = engine.run_language(
        store, engine.without_copies(store, None), workers=workers, encoder=load_encoder("auto")
    )
    if done.annotated or done.embedded:
        print(f"  {name}: prepared in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    gold = {}
    for line in (data / name / "stories.jsonl").open(encoding="utf-8"):
        story = json.loads(line)
        gold.update({article: story["story"] for article in story["articles"]})
    return store, gold


def profiles_of(store, encoder_name: str):
    """Clustering profiles of the store's originals in publication order."""
    from storyline import engine

    originals = engine.without_copies(store, None)
    articles = sorted(store.iter_articles(originals), key=lambda a: (a.published or "", a.id))
    return [made for _, made in engine.article_profiles(store, articles, encoder_name)]


def storyline_run(store, encoder_name: str) -> tuple[dict[str, str], float, float]:
    """storyline's stage from no stories (store reads and writes included): labels,
    seconds, peak traced MB."""
    from storyline import engine

    def run() -> float:
        # From no stories, keeping the language stage. The clusterer's document count must
        # go too: IDF from a stale count and fresh frequencies skews every weight.
        store.clear_stories()
        started = time.perf_counter()
        engine.run_stories(store, None, encoder=encoder_name)
        return time.perf_counter() - started

    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    seconds = run()  # timed untraced: tracemalloc slows Python down
    articles = [a.id for a in store.iter_articles()]
    return store.story_of(articles), seconds, peak


def peers(profiles, copies: dict[str, str]):
    """Peer labellings (name -> threshold -> labels) on the same vectors."""
    from sklearn.cluster import HDBSCAN, AgglomerativeClustering
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer

    usable = [p for p in profiles if p.vector is not None]
    ids = [p.article_id for p in usable]
    vectors = np.stack([p.vector for p in usable])
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(
        DictVectorizer().fit_transform([dict(p.terms) for p in usable])
    )
    out: dict[str, dict[object, dict[str, str]]] = defaultdict(dict)

    def labelled(labels, timing) -> tuple[dict[str, str], float]:
        found = {i: str(label) for i, label in zip(ids, labels, strict=True)}
        for copy, original in copies.items():  # copies go with their original, as in storyline
            if original in found:
                found[copy] = found[original]
        return found, timing

    for threshold in np.round(np.arange(0.2, 0.96, 0.05), 2):
        for name, matrix in (
            ("agglomerative (embeddings)", vectors),
            ("agglomerative (TF-IDF)", tfidf),
        ):
            started = time.perf_counter()
            model = AgglomerativeClustering(
                n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
            )
            dense = matrix.toarray() if hasattr(matrix, "toarray") else matrix
            labels = model.fit_predict(dense)
            out[name][float(threshold)] = labelled(labels, time.perf_counter() - started)
    started = time.perf_counter()
    labels = HDBSCAN(min_cluster_size=2, metric="cosine", copy=True).fit_predict(vectors)
    # HDBSCAN's noise (-1) is not one story: each noise article is a story of its own.
    labels = [f"noise-{i}" if label == -1 else label for i, label in enumerate(labels)]
    out["HDBSCAN (embeddings)"][None] = labelled(labels, time.perf_counter() - started)
    return out


def clustered(profiles, size: int | None = None):
    """The clusterer fed `profiles` in runs of `size` (None: one run) with a merge after
    each run, as successive `storyline analyze` runs do: each run starts a new clusterer
    from the stories and term counts the last one left. Returns the last clusterer and
    the story that holds each article (see `StoryClusterer.label` for where it shows)."""
    from storyline.stories import StoryClusterer

    clusterer = StoryClusterer()
    placed: dict[str, str] = {}
    step = size or max(len(profiles), 1)
    for start in range(0, len(profiles), step):
        if start:
            saved = clusterer
            clusterer = StoryClusterer(
                documents=saved.documents, document_frequency=saved.document_frequency
            )
            clusterer.load(saved.stories.values())
        for item in profiles[start : start + step]:
            placed[item.article_id] = clusterer.add(item)
        clusterer.merge()
        placed = {article: clusterer.resolve(story) for article, story in placed.items()}
    return clusterer, placed


def in_runs(profiles, copies: dict[str, str], size: int | None) -> dict[str, str]:
    """Story labels from `clustered`; copies join their original's story."""
    clusterer, placed = clustered(profiles, size)
    found = {article: clusterer.label(story) for article, story in placed.items()}
    for copy, original in copies.items():
        if original in found:
            found[copy] = found[original]
    return found


def scaling(profiles, factors=(1, 4, 16)) -> list[tuple[int, int, float, float, int]]:
    """(factor, articles, seconds (best of three), peak MB, stories) of the clusterer alone,
    profiles in memory."""
    from dataclasses import replace

    rows = []
    base_day = 737_000  # any day: multinews-val is undated, so every replica gets dates
    for factor in factors:
        stream = [
            replace(p, article_id=f"{p.article_id}-r{r}", day=base_day + 45 * r + i % 30)
            for r in range(factor)
            for i, p in enumerate(profiles)
        ]
        stream.sort(key=lambda p: p.day)
        seconds = math.inf
        for _ in range(3):  # best of three: the machine is shared
            started = time.perf_counter()  # timed untraced: tracemalloc slows Python down
            clusterer, _ = clustered(stream)
            seconds = min(seconds, time.perf_counter() - started)
        tracemalloc.start()
        clustered(stream)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        rows.append((factor, len(stream), seconds, peak, len(clusterer.stories)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_options(parser)
    args = parser.parse_args()
    for name in SETS:
        if not (args.data / name / "articles.jsonl").exists():
            sys.exit(f"missing {args.data / name}: pass --data pointing at the shared data folder")

    from storyline.language import load_encoder

    encoder_name = load_encoder("auto").name
    with tempfile.TemporaryDirectory(prefix="storyline-stories-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        results: dict[str, list[tuple[str, tuple, float, float | None]]] = {}
        tuned: dict[str, dict[object, dict[str, tuple]]] = defaultdict(lambda: defaultdict(dict))
        multinews_profiles = None
        boundaries: dict[str, list[tuple[str, tuple]]] = {}
        for name in SETS:
            store, gold = prepare(name, args.data, cache, args.workers)
            with store:
                labels, seconds, peak = storyline_run(store, encoder_name)
                rows = [("storyline (online)", _scores(labels, gold), seconds, peak)]
                profiles = profiles_of(store, encoder_name)
                copies = store.duplicate_links([a.id for a in store.iter_articles()])
            for peer, by_threshold in peers(profiles, copies).items():
                for threshold, (found, timing) in by_threshold.items():
                    tuned[peer][threshold][name] = (_scores(found, gold), timing)
            results[name] = rows
            boundaries[name] = [
                (
                    f"{size} articles" if size else "one run",
                    _scores(in_runs(profiles, copies, size), gold),
                )
                for size in (None, 256, 64)
            ]
            if name == "multinews-val":
                multinews_profiles = profiles
        for peer, by_threshold in tuned.items():
            best = max(by_threshold, key=lambda t: min(s[0][2] for s in by_threshold[t].values()))
            label = peer if best is None else f"{peer}, tuned distance {best:.2f}"
            for name in SETS:
                scores, timing = by_threshold[best][name]
                results[name].append((label, scores, timing, None))

    date = time.strftime("%Y-%m-%d")
    print(f"\n### Story clustering quality ({date})\n")
    print("| set | method | BCubed P | BCubed R | BCubed F1 | pairwise F1 | seconds | peak MB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name in SETS:
        for method, (p, r, f, pf), seconds, peak in results[name]:
            memory = f"{peak:.1f}" if peak is not None else "–"
            print(
                f"| {name} | {method} | {p:.3f} | {r:.3f} | {f:.3f} | {pf:.3f} "
                f"| {seconds:.2f} | {memory} |"
            )
    print(f"\n### Batch boundaries ({date})\n")
    print("| set | runs of | BCubed P | BCubed R | BCubed F1 |")
    print("|---|---|---:|---:|---:|")
    for name in SETS:
        for runs, (p, r, f, _) in boundaries[name]:
            print(f"| {name} | {runs} | {p:.3f} | {r:.3f} | {f:.3f} |")
    print(f"\n### Clustering speed, embeddings excluded ({date})\n")
    print("| size | articles | seconds | articles/s | peak MB | stories |")
    print("|---|---:|---:|---:|---:|---:|")
    for factor, count, seconds, peak, stories in scaling(multinews_profiles):
        print(
            f"| {factor}x multinews-val | {count:,} | {seconds:.2f} | {count / seconds:,.0f} "
            f"| {peak:.1f} | {stories:,} |"
        )


def _scores(labels: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float, float]:
    return (*bcubed(labels, gold), pairwise_f1(labels, gold))


if __name__ == "__main__":
    main()

"""Language stage speed and memory on multinews-val, and the two MiniLM encoders compared.

    python benchmarks/language.py [--data ../shared/data] [--workers 2] [--limit N]

Prints Markdown tables for BENCHMARKS.md:
1. annotation (sentences, entities, quotes, quantities, times) in articles/s and
   sentences/s, beside spaCy alone with the same components and processes (the
   floor no orchestration can beat);
2. embeddings through the stage (read annotations, encode, store) beside the
   encoder's raw throughput on the same sentences, for the ONNX and PyTorch
   MiniLM, and their agreement (cosine of the two vectors of each sentence, and
   how often a sentence's nearest neighbour is the same);
3. peak memory (max RSS) of the main process and of the largest worker.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument(
        "--memory-only", action="store_true", help="only the peak-memory run of `storyline analyze`"
    )
    parser.add_argument("--child", nargs=2, metavar=("INPUT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_analyze(*args.child, args.workers)
        return
    source = args.data / "multinews-val" / "articles.jsonl"
    if not source.exists():
        sys.exit(f"missing {source}: pass --data pointing at the shared data folder")
    # First, while this process is small: a child's peak RSS counts what it was forked from.
    _memory(source, args.workers)
    if args.memory_only:
        return

    from storyline import engine
    from storyline.language import ANNOTATOR_VERSION, load_encoder
    from storyline.store import Store

    with (
        tempfile.TemporaryDirectory(prefix="storyline-lang-") as tmp,
        Store(Path(tmp) / "bench.db") as store,
    ):
        engine.ingest([str(source)], store)
        articles = list(store.iter_articles())[: args.limit]
        ids = [a.id for a in articles]
        floor = _spacy_floor([a.text for a in articles], args.workers)

        started = time.perf_counter()
        summary = engine.run_language(store, ids, workers=args.workers, encoder=None)
        seconds = time.perf_counter() - started
        annotations = store.get_annotations([a.content_hash for a in articles], ANNOTATOR_VERSION)
        sentences = [s.text for a in annotations.values() for s in a.sentences]
        print(
            f"multinews-val: {len(articles)} articles, {len(sentences):,} sentences, "
            f"{args.workers} workers\n"
        )
        print("| step | articles/s | sentences/s | seconds |")
        print("|---|---:|---:|---:|")
        _row("spaCy alone (tok2vec, parser, ner)", len(articles), len(sentences), floor)
        _row(
            "annotation (spaCy + storyline rules + store)",
            summary.annotated,
            len(sentences),
            seconds,
        )

        print("\n| encoder | raw sentences/s | stage sentences/s | stage / raw |")
        print("|---|---:|---:|---:|")
        vectors = {}
        for name in ("onnx", "torch"):
            try:
                encoder = load_encoder(name)
            except Exception as exc:  # report and go on: the other encoder still measures
                print(f"| {name} | not installed: {exc} | | |")
                continue
            encoder.encode(sentences[:64])  # warm up
            started = time.perf_counter()
            vectors[name] = encoder.encode(sentences)
            raw = len(sentences) / (time.perf_counter() - started)
            stage = engine.run_language(store, ids, workers=1, encoder=encoder)
            # Everything is annotated by now: the stage's time is embedding.
            staged = stage.sentences_embedded / stage.seconds
            print(f"| {encoder.name} | {raw:,.0f} | {staged:,.0f} | {staged / raw:.0%} |")

    if len(vectors) == 2:
        a, b = vectors["onnx"], vectors["torch"]
        cosine = (a * b).sum(axis=1)
        sample = slice(0, min(3000, len(a)))
        near_a = _nearest(a[sample])
        near_b = _nearest(b[sample])
        print(
            f"\nONNX vs PyTorch: mean cosine {cosine.mean():.4f} (min {cosine.min():.4f}); "
            f"same nearest neighbour for {np.mean(near_a == near_b):.1%} of "
            f"{len(near_a):,} sentences"
        )


def _memory(source: Path, workers: int) -> None:
    """Peak memory of a real run: ingest, annotate and embed (default encoder) in a fresh
    process, as `storyline analyze` does; this benchmark's own process holds far more."""
    import subprocess

    with tempfile.TemporaryDirectory(prefix="storyline-mem-") as tmp:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--workers",
                str(workers),
                "--child",
                str(source),
                str(Path(tmp) / "mem.db"),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    print(done.stdout.strip().splitlines()[-1])


def _child_analyze(source: str, db: str, workers: int) -> None:
    from storyline import engine
    from storyline.language import load_encoder
    from storyline.store import Store

    with Store(db) as store:
        ids = engine.ingest([source], store, collect_ids=True).article_ids
        summary = engine.run_language(store, ids, workers=workers, encoder=load_encoder())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    largest_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"Peak memory of ingest + annotate + embed ({summary.encoder}, {workers} workers): "
        f"main process {own:,.0f} MB, largest worker {largest_worker:,.0f} MB"
    )


def _row(name: str, articles: int, sentences: int, seconds: float) -> None:
    print(f"| {name} | {articles / seconds:.1f} | {sentences / seconds:,.0f} | {seconds:.1f} |")


def _spacy_floor(texts: list[str], workers: int) -> float:
    """Seconds spaCy alone takes over the texts with storyline's components and processes."""
    import multiprocessing

    from storyline.language.nlp import load_nlp

    global _NLP
    _NLP = load_nlp()  # loaded before timing; forked workers inherit it
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        chunks = [texts[i::workers] for i in range(workers)]
        pool.map(_parse_all, chunks)
    return time.perf_counter() - started


_NLP = None


def _parse_all(texts: list[str]) -> int:
    return sum(len(doc) for doc in _NLP.pipe(texts, batch_size=8))


def _nearest(vectors: np.ndarray) -> np.ndarray:
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1.0)
    return similarity.argmax(axis=1)


if __name__ == "__main__":
    main()

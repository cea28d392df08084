"""End-to-end throughput: multinews-val grown 1x, 4x, 16x, in process and on Dask.

    python benchmarks/throughput.py [--data ../shared/data] [--scales 1 4 16] [--dask 2]

For each scale, the set's JSONL is repeated with new ids and dates shifted by 45
days per copy, then `storyline analyze` runs on it in a fresh process into an
empty SQLite store (every stage: reading, copies, language, stories, comparison,
summaries, the result JSON), timed from the outside with the child's peak
resident memory. With --dask N the same runs again with `--workers N` (a local
Dask cluster). Beside them, "models alone": spaCy's pipeline and the sentence
encoder over the same articles' text in one process (the floor no orchestration
beats), measured once at 1x and scaled.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest import scaled_jsonl

REPO = Path(__file__).resolve().parent.parent


def analyze(path: Path, workdir: Path, extra: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS MB) of `storyline analyze` over `path` in a child process."""
    command = [
        str(Path(sys.executable).parent / "storyline"),
        "analyze",
        str(path),
        "--db",
        str(workdir / "store.db"),
        "--out",
        str(workdir / "result.json"),
        "-q",
        *extra,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far: fresh processes in growing order.
    return seconds, max(peak, before) / 1024


def models_alone(path: Path) -> tuple[float, int, int, float]:
    """(seconds, articles, sentences, encoder seconds) of spaCy's pipeline and then the
    encoder over `path`; the last is the encoder's raw time on those sentences."""
    from storyline.ingest import read_inputs
    from storyline.language import ANNOTATE_BATCH, load_encoder
    from storyline.language.nlp import load_nlp
    from storyline.language.sentences import split_sentences
    from storyline.model import Article

    articles = [a for a in read_inputs([str(path)]) if isinstance(a, Article)]
    nlp = load_nlp()
    started = time.perf_counter()
    sentences = []
    for doc in nlp.pipe([a.text for a in articles], n_process=2, batch_size=ANNOTATE_BATCH):
        sentences.extend(s.text for s in split_sentences(doc))
    encoder = load_encoder("auto")
    encoding = time.perf_counter()
    encoder.encode(sentences)
    done = time.perf_counter()
    return done - started, len(articles), len(sentences), done - encoding


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--dask", type=int, default=0, help="also run on N local Dask workers")
    args = parser.parse_args()
    source = args.data / "multinews-val" / "articles.jsonl"
    rows = []
    with tempfile.TemporaryDirectory(prefix="storyline-throughput-") as tmp:
        tmp = Path(tmp)
        floor, floor_articles, floor_sentences, encoding = models_alone(source)
        print(f"  models alone: {floor:.0f} s for {floor_articles} articles", file=sys.stderr)
        for factor in args.scales:
            path = tmp / f"x{factor}.jsonl"
            scaled_jsonl(source, factor, path, days=45)
            count = sum(1 for _ in path.open(encoding="utf-8"))
            runs = [("in process", [])]
            if args.dask:
                runs.append((f"Dask, {args.dask} workers", ["--workers", str(args.dask)]))
            for label, extra in runs:
                workdir = tmp / f"{factor}-{len(rows)}"
                workdir.mkdir()
                seconds, peak = analyze(path, workdir, extra)
                rows.append((factor, label, count, seconds, peak, floor * factor))
                print(f"  {factor}x {label}: {seconds:.0f} s", file=sys.stderr)
    print(f"\n### End-to-end throughput ({time.strftime('%Y-%m-%d')})\n")
    print(
        f"Models alone at 1x: {floor:.0f} s for {floor_articles} articles and "
        f"{floor_sentences:,} sentences ({floor_articles / floor:.1f} articles/s); the encoder "
        f"alone on those sentences: {encoding:.0f} s ({floor_sentences / encoding:,.0f} "
        "sentences/s, loaded beforehand).\n"
    )
    print("| size | engine | articles | seconds | articles/s | peak RSS MB | vs models alone |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for factor, label, count, seconds, peak, models in rows:
        print(
            f"| {factor}x | {label} | {count:,} | {seconds:.0f} | {count / seconds:.2f} "
            f"| {peak:,.0f} | {seconds / models:.2f}x |"
        )


if __name__ == "__main__":
    main()

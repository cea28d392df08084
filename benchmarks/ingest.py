"""Ingest speed and memory: JSONL, HTML and WARC, and JSONL as the input grows.

    python benchmarks/ingest.py [--data ../shared/data] [--scales 1 4 16]

Each case runs in a fresh process so that its peak memory (max RSS) is its
own. Inputs are built from ../shared/data/multinews-val in a temporary folder:
the JSONL repeated N times with new ids and shifted dates; the HTML pages wrap
each article in navigation, ads and comments; the WARC holds those pages. The
table is printed in Markdown for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # for tests.builders, shared with the tests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--child", nargs=3, metavar=("MODE", "INPUT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(*args.child)))
        return
    source = args.data / "multinews-val" / "articles.jsonl"
    if not source.exists():
        sys.exit(f"missing {source}: pass --data pointing at the shared data folder")
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        work = Path(tmp)
        rows = []
        for scale in args.scales:
            path = scaled_jsonl(source, scale, work / f"x{scale}.jsonl")
            rows.append(
                (f"JSONL multinews-val x{scale}", _size_mb(path), _run("store", path, work))
            )
        first = work / f"x{args.scales[0]}.jsonl"
        rows.append(
            (
                f"JSONL x{args.scales[0]}, read + clean only",
                _size_mb(first),
                _run("read", first, work),
            )
        )
        pages = _html_folder(source, work / "html")
        rows.append(("HTML pages (multinews-val)", _size_mb(pages), _run("store", pages, work)))
        archive = _warc(pages, work / "pages.warc.gz")
        rows.append(("WARC.gz of those pages", _size_mb(archive), _run("store", archive, work)))
    _print_table(rows)


def _run(mode: str, path: Path, work: Path) -> dict:
    db = work / f"bench-{time.monotonic_ns()}.db"
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measure(mode: str, path: str, db: str) -> dict:
    from storyline import engine
    from storyline.ingest import read_inputs
    from storyline.model import Article
    from storyline.store import Store

    started = time.perf_counter()
    if mode == "read":
        articles = sum(isinstance(item, Article) for item in read_inputs([path]))
    else:
        with Store(db) as store:
            articles = engine.ingest([path], store).read
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"articles": articles, "seconds": seconds, "peak_mb": peak_mb}


def scaled_jsonl(source: Path, scale: int, out: Path, days: int = 30) -> Path:
    """`source` repeated `scale` times with new ids, dates `days` later per copy."""
    lines = source.read_text(encoding="utf-8").splitlines()
    with out.open("w", encoding="utf-8") as handle:
        for copy in range(scale):
            for line in lines:
                row = json.loads(line)
                row["id"] = f"{row['id']}-{copy}"
                if row.get("published"):
                    shifted = date.fromisoformat(row["published"][:10]) + timedelta(days * copy)
                    row["published"] = shifted.isoformat()
                handle.write(json.dumps(row) + "\n")
    return out


def _html_folder(source: Path, folder: Path) -> Path:
    from tests.builders import news_page

    folder.mkdir()
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        paragraphs = [p for p in row["text"].split("\n\n") if p.strip()]
        title = row.get("title") or " ".join(paragraphs[0].split()[:10])
        url = f"https://www.outlet{number % 25}.example/news/{row['id']}"
        page = news_page(title, paragraphs, url=url)
        (folder / f"{row['id']}.html").write_text(page, encoding="utf-8")
    return folder


def _warc(pages: Path, out: Path) -> Path:
    from tests.builders import warc_bytes

    documents = []
    for page in sorted(pages.iterdir()):
        documents.append((f"https://www.outlet.example/news/{page.stem}", page.read_text()))
    out.write_bytes(warc_bytes(documents, gzip=True))
    return out


def _size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir()) / 1e6
    return os.path.getsize(path) / 1e6


def _print_table(rows: list[tuple[str, float, dict]]) -> None:
    print("| input | size MB | articles | seconds | articles/s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, size_mb, result in rows:
        rate = result["articles"] / result["seconds"]
        print(
            f"| {name} | {size_mb:.1f} | {result['articles']:,} | "
            f"{result['seconds']:.2f} | {rate:,.0f} | {result['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()

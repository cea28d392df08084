"""Revised articles placed again: developing stories on duc2003 and multinews-val.

    python benchmarks/revisions.py [--data ../shared/data] [--cache DIR] [--workers 2]

Each article is first read as a breaking-news stub (its first third, cut after a
sentence) and analysed: copies, language, stories. A later run reads every article again
in full, as its outlet's revision, and analyses it the same way. The stories are scored
against the set's stories.jsonl (BCubed and pairwise F1, as in benchmarks/stories.py):
- after the stubs;
- after the revisions, placed again (storyline);
- after the revisions with every article kept where its stub was placed and no copy
  checked again (what storyline did before revisions were placed again);
- the full texts clustered from no stories, for reference.
The stubs' language stage is cached in --cache; the full texts' annotations and vectors
come from the store benchmarks/stories.py prepares there.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from unittest import mock

from stories import SETS, _scores, data_options, prepare, storyline_run


def stub(text: str) -> str:
    """The first third of `text`, cut after its last full sentence there (or at the third
    when no sentence ends before it)."""
    third = len(text) // 3
    end = max(text.rfind(". ", 0, third), text.rfind(".\n", 0, third))
    return text[: end + 1] if end > 0 else text[:third]


def stub_store(name: str, data: Path, cache: Path, workers: int) -> Path:
    """A store of the set's stubs with copies found and the language stage done (reused
    if cached); no stories."""
    from storyline import engine
    from storyline.ingest import read_inputs
    from storyline.language import load_encoder
    from storyline.model import Article
    from storyline.store import Store

    path = cache / f"{name}-stubs.db"
    with Store(path) as store:
        if store.count_articles() == 0:
            full = [a for a in read_inputs([str(data / name / "articles.jsonl")])]
            stubs = [a.with_changes(text=stub(a.text)) for a in full if isinstance(a, Article)]
            store.add_articles(stubs)
            engine.run_dedupe(store, [a.id for a in stubs])
        engine.run_language(
            store, engine.without_copies(store, None), workers=workers, encoder=load_encoder("auto")
        )
    return path


def revise(store, full_store, data: Path, name: str, encoder_name: str) -> float:
    """Read the set again in full into `store` (its language stage copied from
    `full_store`) and run copies and stories as `analyze` does; returns the stories
    stage's seconds."""
    from storyline import engine
    from storyline.language import ANNOTATOR_VERSION

    read = engine.ingest([str(data / name / "articles.jsonl")], store, collect_ids=True)
    engine.run_dedupe(store, read.article_ids)
    hashes = [a.content_hash for a in store.iter_articles(engine.without_copies(store, None))]
    key = engine.vectors_key(encoder_name)
    annotations = full_store.get_annotations(hashes, ANNOTATOR_VERSION)
    store.put_annotations(list(annotations.values()), ANNOTATOR_VERSION)
    store.put_vectors(list(full_store.get_vectors(hashes, key).items()), key)
    started = time.perf_counter()
    engine.run_stories(store, read.article_ids, encoder=encoder_name)
    return time.perf_counter() - started


@contextmanager
def as_before():
    """Revisions neither checked for copies again nor placed again (the code before)."""
    from storyline.store import Store

    status = Store.dedupe_status

    def checked_once(self, ids):  # any revision checked counts as checked
        return dict.fromkeys(status(self, ids), True)

    with (
        mock.patch.object(Store, "stale_members", lambda self, ids: {}),
        mock.patch.object(Store, "dedupe_status", checked_once),
    ):
        yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_options(parser)
    args = parser.parse_args()
    from storyline import engine
    from storyline.language import load_encoder
    from storyline.store import Store

    encoder_name = load_encoder("auto").name
    rows = []
    with tempfile.TemporaryDirectory(prefix="storyline-revisions-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        for name in SETS:
            full_store, gold = prepare(name, args.data, cache, args.workers)
            with full_store:
                labels, _, _ = storyline_run(full_store, encoder_name)
                reference = _scores(labels, gold)
                stubs = stub_store(name, args.data, cache, args.workers)
                for method in ("placed again", "kept in place"):
                    path = Path(tmp) / f"{name}-{method.replace(' ', '-')}.db"
                    shutil.copyfile(stubs, path)
                    with Store(path) as store:
                        engine.run_stories(store, None, encoder=encoder_name)
                        ids = [a.id for a in store.iter_articles()]
                        before = _scores(store.story_of(ids), gold)
                        context = as_before() if method == "kept in place" else nullcontext()
                        with context:
                            seconds = revise(store, full_store, args.data, name, encoder_name)
                        after = _scores(store.story_of(ids), gold)
                    rows.append((name, method, before, after, seconds))
            rows.append((name, "full texts from no stories", None, reference, None))

    date = time.strftime("%Y-%m-%d")
    print(f"\n### Revised articles placed again ({date})\n")
    print("| set | revisions | stubs BCubed F1 | after BCubed P | R | F1 | pairwise F1 | seconds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, method, before, (p, r, f, pf), seconds in rows:
        first = f"{before[2]:.3f}" if before else "–"
        timing = f"{seconds:.2f}" if seconds is not None else "–"
        print(
            f"| {name} | {method} | {first} | {p:.3f} | {r:.3f} | {f:.3f} | {pf:.3f} | {timing} |"
        )


if __name__ == "__main__":
    main()

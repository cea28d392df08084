"""Which evidence tells stories apart: a diagnostic for story clustering.

    python benchmarks/story_signals.py [--data ../shared/data] [--cache DIR]

For duc2003 and multinews-val (prepared as benchmarks/stories.py does, sharing its
--cache), each article representation is scored on the gold stories, copies left
out:

- pairwise ROC AUC and average precision of the cosine similarity for "same story";
- nearest neighbour: how often an article's most similar other article is in its
  story (articles whose story has no other article are skipped);
- batch average-link clustering at the one distance threshold that maximises the
  lower of the two sets' BCubed F1 (tuned on the answers: an upper bound for a
  clusterer on that representation, not a method).

It separates what the representation allows from what the online clusterer makes
of it, so that work on the clusterer starts from the evidence that carries the
signal. Cost: a few seconds per representation and set.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stories as bench  # the benchmark next door prepares the sets

THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.025), 3)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def similarities(profiles, texts: list[str]) -> dict[str, np.ndarray]:
    """Cosine similarity matrices of each representation, rows in `profiles` order."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
    from spacy.lang.en.stop_words import STOP_WORDS

    def tfidf(counts: list[dict]) -> np.ndarray:
        matrix = TfidfTransformer(sublinear_tf=True).fit_transform(
            DictVectorizer().fit_transform(counts)
        )
        return (matrix @ matrix.T).toarray()

    vectors = _unit_rows(np.stack([p.vector for p in profiles]))
    centred = _unit_rows(vectors - vectors.mean(axis=0))
    out = {
        "sentence vectors (mean)": vectors @ vectors.T,
        "sentence vectors, centred": centred @ centred.T,
        "TF-IDF of words (storyline's terms)": tfidf([dict(p.terms) for p in profiles]),
        "TF-IDF of entities": tfidf([dict(p.entities) or {"": 1} for p in profiles]),
    }
    from storyline.stories import ClusterParams

    w_vec, w_terms, w_ents = ClusterParams().weights
    out["storyline's mixture, batch IDF"] = (
        w_vec * out["sentence vectors (mean)"]
        + w_terms * out["TF-IDF of words (storyline's terms)"]
        + w_ents * out["TF-IDF of entities"]
    )
    pairs = TfidfVectorizer(
        sublinear_tf=True,
        stop_words=sorted(STOP_WORDS | {"ll", "ve"}),  # spaCy lists "'ll"; the pattern reads "ll"
        token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b",
        ngram_range=(1, 2),
        min_df=2,
    )
    with_pairs = pairs.fit_transform(texts)
    out["TF-IDF of words + word pairs, min_df 2"] = (with_pairs @ with_pairs.T).toarray()
    entity_tokens = [
        text + " " + " ".join(e.replace(" ", "_") for e in p.entities.elements())
        for text, p in zip(texts, profiles, strict=True)
    ]
    with_entities = pairs.fit_transform(entity_tokens)
    out["... + entity tokens"] = (with_entities @ with_entities.T).toarray()
    return out


def separation(similarity: np.ndarray, stories: np.ndarray) -> tuple[float, float, float]:
    """(pairwise ROC AUC, average precision, nearest-neighbour accuracy)."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    same = stories[:, None] == stories[None, :]
    upper = np.triu_indices(len(stories), 1)
    truth, scores = same[upper], similarity[upper]
    others = similarity.copy()
    np.fill_diagonal(others, -np.inf)
    nearest = others.argmax(axis=1)
    has_partner = same.sum(axis=1) > 1
    right = (stories[nearest] == stories)[has_partner].mean()
    return roc_auc_score(truth, scores), average_precision_score(truth, scores), float(right)


def average_link(similarity: np.ndarray, ids: list[str], copies, gold) -> dict[float, float]:
    """BCubed F1 of average-link clustering at each distance threshold."""
    from sklearn.cluster import AgglomerativeClustering

    distance = 1.0 - np.clip(similarity, -1.0, 1.0)
    scores = {}
    for threshold in THRESHOLDS:
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
        ).fit_predict(distance)
        found = {i: str(label) for i, label in zip(ids, labels, strict=True)}
        for copy, original in copies.items():
            if original in found:
                found[copy] = found[original]
        scores[float(threshold)] = bench.bcubed(found, gold)[2]
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=bench.REPO.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=None, help="the stores stories.py keeps")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from storyline import engine
    from storyline.language import load_encoder

    encoder_name = load_encoder("auto").name
    table: dict[str, dict[str, tuple]] = {}
    with tempfile.TemporaryDirectory(prefix="storyline-signals-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        for name in bench.SETS:
            store, gold = bench.prepare(name, args.data, cache, args.workers)
            with store:
                profiles = bench.profiles_of(store, encoder_name)
                profiles = [p for p in profiles if p.vector is not None]
                articles = {
                    a.id: a for a in store.iter_articles(engine.without_copies(store, None))
                }
                copies = store.duplicate_links([a.id for a in store.iter_articles()])
            if len(profiles) < 2:
                sys.exit(
                    f"{name}: under two articles have sentence vectors; is an encoder installed?"
                )
            texts = [
                f"{articles[p.article_id].title or ''}\n{articles[p.article_id].text}"
                for p in profiles
            ]
            ids = [p.article_id for p in profiles]
            stories = np.array([gold.get(i, f"alone:{i}") for i in ids])
            for method, similarity in similarities(profiles, texts).items():
                table.setdefault(method, {})[name] = (
                    *separation(similarity, stories),
                    average_link(similarity, ids, copies, gold),
                )

    print(
        "\n| representation | set | pairwise AUC | average precision | nearest neighbour "
        "right | average-link BCubed F1 (tuned distance) |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for method, by_set in table.items():
        best = max(THRESHOLDS, key=lambda t: min(by_set[s][3][float(t)] for s in bench.SETS))
        for name in bench.SETS:
            auc, ap, right, f1 = by_set[name]
            print(
                f"| {method} | {name} | {auc:.3f} | {ap:.3f} | {right:.1%} "
                f"| {f1[float(best)]:.3f} ({best:.3f}) |"
            )


if __name__ == "__main__":
    main()

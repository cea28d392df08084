"""Summary quality and speed on duc2003 and multinews-val, beside classic peers.

    python benchmarks/summaries.py [--data ../shared/data] [--cache DIR] [--workers 2] [--sweep]

Each set is ingested, checked for copies, annotated and embedded (as in
benchmarks/stories.py, whose cached stores --cache reuses). Each gold story is
then summarized as a given cluster (its copies left out, as `storyline
summarize` does), by storyline (comparison, then summary) and by peers run here
on the same sentences:

- Lead (latest article): the leading sentences of the most recent article, the
  DUC baseline; Lead (round robin): first sentences of every article, then
  second sentences, and so on.
- LexRank and TextRank: sumy's implementations (sumy's stemmer and stop words).
- Centroid: Radev et al. (2004), faithful but compact: words whose mean TF-IDF
  over the cluster's articles is among the 100 highest (IDF over the whole
  set's articles) form the centroid; a sentence scores its centroid words'
  values plus MEAD's position score; a sentence too like a chosen one (cosine
  over words above 0.7) is skipped.

Every system picks from the same usable sentences (`summarize.usable`: 8 to 60
words, finished statements, no page furniture) and fills the budget with whole
sentences, skipping those that no longer fit. Budgets: 100 words on DUC 2003
(ROUGE recall, averaged over the four references, as in the DUC literature);
250 words on Multi-News (ROUGE F1). ROUGE is the rouge-score package with its
Porter stemmer. Seconds per cluster are the systems' own work (for storyline:
comparison plus summary), the store reads and the language stage excluded.
--sweep scores storyline again with each setting moved to about half and double
its default, one at a time, to show how much the defaults matter.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from stories import REPO, prepare

SETS = {"duc2003": (100, "recall"), "multinews-val": (250, "F1")}
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")


@dataclass
class Cluster:
    name: str
    references: list[str]
    articles: list  # SummaryArticle, oldest first
    compared: list  # StoryArticle


def clusters(store, data: Path, name: str, encoder: str) -> list[Cluster]:
    """The set's gold stories with their originals as the summarizer and comparison read them."""
    from storyline import engine

    out = []
    lines = (data / name / "stories.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        gold = json.loads(line)
        ids = gold["articles"]
        story = engine.group_story(
            gold["story"], ids, store.duplicate_links(ids), store.published_dates(ids)
        )
        originals = sorted(
            store.iter_articles([i for i in story.articles if i not in story.duplicates]),
            key=lambda a: (a.published or "", a.id),
        )
        out.append(
            Cluster(
                gold["story"],
                gold["references"],
                engine.summarized_articles(store, story, encoder, originals),
                engine.compared_articles(store, story, encoder, originals),
            )
        )
    return out


# -- peers -----------------------------------------------------------------------------------


def pool(cluster: Cluster, params) -> list[tuple[int, int, str]]:
    """(article number, position in article, text) of every usable sentence."""
    from storyline.summarize import usable

    return [
        (number, position, s.text.strip())
        for number, article in enumerate(cluster.articles)
        for position, s in enumerate(article.annotation.sentences)
        if usable(s.text.strip(), params)
    ]


def fill(ranked: list[tuple[int, int, str]], budget: int) -> str:
    """Whole sentences in rank order while they fit, then in article order."""
    chosen, used = [], 0
    for item in ranked:
        words = len(item[2].split())
        if used + words <= budget:
            chosen.append(item)
            used += words
    return " ".join(text for _, _, text in sorted(chosen))


def lead_latest(cluster: Cluster, params, budget: int) -> str:
    sentences = pool(cluster, params)
    latest = max((n for n, _, _ in sentences), default=0)
    return fill([s for s in sentences if s[0] == latest], budget)


def lead_round_robin(cluster: Cluster, params, budget: int) -> str:
    return fill(sorted(pool(cluster, params), key=lambda s: (s[1], s[0])), budget)


class _Words:
    """sumy's tokenizer interface over sentences storyline has already split."""

    language = "english"

    def to_words(self, text: str) -> list[str]:
        return _WORD.findall(text)

    def to_sentences(self, text: str) -> list[str]:
        return [text]


def sumy_peer(summarizer_class) -> Callable:
    def run(cluster: Cluster, params, budget: int) -> str:
        from sumy.models.dom import ObjectDocumentModel, Paragraph
        from sumy.models.dom import Sentence as SumySentence
        from sumy.nlp.stemmers import Stemmer
        from sumy.utils import get_stop_words

        sentences = pool(cluster, params)
        if not sentences:
            return ""
        words = _Words()
        objects = [SumySentence(text, words) for _, _, text in sentences]
        document = ObjectDocumentModel([Paragraph(objects)])
        summarizer = summarizer_class(Stemmer("english"))
        summarizer.stop_words = get_stop_words("english")
        item_of = {id(o): s for o, s in zip(objects, sentences, strict=True)}
        ranked: list = []

        def take_all(infos):  # sumy hands over its sentences best first
            ranked.extend(item_of[id(info.sentence)] for info in infos)
            return infos

        summarizer(document, take_all)
        return fill(ranked, budget)

    return run


def centroid_peer(idf: dict[str, float], size: int = 100, redundancy: float = 0.7) -> Callable:
    def run(cluster: Cluster, params, budget: int) -> str:
        sentences = pool(cluster, params)
        if not sentences:
            return ""
        per_article = [
            Counter(_stems(" ".join(s.text for s in a.annotation.sentences)))
            for a in cluster.articles
        ]
        totals: Counter = Counter()
        for counts in per_article:
            for word, n in counts.items():
                totals[word] += n * idf.get(word, 0.0)
        centroid = dict(
            (word, value / len(per_article)) for word, value in totals.most_common(size)
        )
        c_max = max(
            (sum(centroid.get(w, 0.0) for w in set(_stems(t))) for _, _, t in sentences),
            default=0.0,
        )
        lengths = {n: len(a.annotation.sentences) for n, a in enumerate(cluster.articles)}
        scored = []
        for item in sentences:
            number, position, text = item
            value = sum(centroid.get(w, 0.0) for w in set(_stems(text)))
            value += c_max * (lengths[number] - position) / lengths[number]
            scored.append((value, item))
        scored.sort(key=lambda x: -x[0])
        chosen: list = []
        used = 0
        for _, item in scored:
            words = len(item[2].split())
            if used + words > budget:
                continue
            if any(_cosine(item[2], other[2]) > redundancy for other in chosen):
                continue
            chosen.append(item)
            used += words
        return " ".join(text for _, _, text in sorted(chosen))

    return run


def _stems(text: str) -> list[str]:
    from storyline.summarize import stems

    return stems(text)


def _cosine(a: str, b: str) -> float:
    ca, cb = Counter(_stems(a)), Counter(_stems(b))
    dot = sum(n * cb[w] for w, n in ca.items())
    norm = math.sqrt(sum(n * n for n in ca.values()) * sum(n * n for n in cb.values()))
    return dot / norm if norm else 0.0


def set_idf(store) -> dict[str, float]:
    """IDF of stemmed words over every article of the set (the centroid's background)."""
    documents = 0
    frequency: Counter = Counter()
    for article in store.iter_articles():
        documents += 1
        frequency.update(set(_stems(article.text)))
    return {w: math.log(documents / n) for w, n in frequency.items()}


# -- scoring ------------------------------------------------------------------------------


def rouge(text: str, references: list[str], measure: str, scorer) -> tuple[float, float]:
    """ROUGE-1 and ROUGE-2 (recall or F1) averaged over the references, in percent."""
    one = two = 0.0
    for reference in references:
        scores = scorer.score(reference, text)
        pick = (lambda s: s.recall) if measure == "recall" else (lambda s: s.fmeasure)
        one += pick(scores["rouge1"])
        two += pick(scores["rouge2"])
    return 100 * one / len(references), 100 * two / len(references)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=None, help="keep the prepared stores here")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--sweep", action="store_true", help="also score storyline with each setting moved"
    )
    args = parser.parse_args()
    try:
        from rouge_score import rouge_scorer
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
    except ImportError as exc:
        sys.exit(f"{exc.name} is missing: pip install -e '.[dev]' (rouge-score and sumy)")
    from storyline.compare import compare_story
    from storyline.engine import relation_model
    from storyline.language import load_encoder
    from storyline.summarize import SummaryParams, summarize_story

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    encoder = load_encoder("auto").name
    model = relation_model(encoder)
    rows, speed, swept = [], [], {}
    with tempfile.TemporaryDirectory(prefix="storyline-summaries-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        for name, (budget, measure) in SETS.items():
            store, _ = prepare(name, args.data, cache, args.workers)
            params = replace(SummaryParams(), words=budget)
            with store:
                found = clusters(store, args.data, name, encoder)
                idf = set_idf(store)

            def storyline_run(cluster: Cluster, params, _budget: int, facts: bool = True) -> str:
                comparison = compare_story(cluster.name, cluster.compared, model) if facts else None
                return summarize_story(cluster.name, cluster.articles, comparison, params).text

            systems: dict[str, Callable] = {
                "storyline": storyline_run,
                "storyline, no comparison": lambda c, p, b: storyline_run(c, p, b, facts=False),
                "Lead (latest article)": lead_latest,
                "Lead (round robin)": lead_round_robin,
                "LexRank (sumy)": sumy_peer(LexRankSummarizer),
                "TextRank (sumy)": sumy_peer(TextRankSummarizer),
                "Centroid (Radev et al.)": centroid_peer(idf),
            }
            for system, run in systems.items():
                scores, seconds = [], []
                for cluster in found:
                    started = time.perf_counter()
                    text = run(cluster, params, budget)
                    seconds.append(time.perf_counter() - started)
                    if len(text.split()) > budget:
                        sys.exit(f"{system} went over the budget on {cluster.name}")
                    scores.append(rouge(text, cluster.references, measure, scorer))
                mean = np.mean(scores, axis=0)
                rows.append((name, budget, measure, system, mean[0], mean[1], np.mean(seconds)))
                if system == "storyline":
                    articles = np.array([len(c.articles) for c in found])
                    speed.append((name, len(found), articles.mean(), np.array(seconds), articles))
            if args.sweep:
                comparisons = {c.name: compare_story(c.name, c.compared, model) for c in found}
                for setting, value in SWEEP:
                    moved = replace(params, **{setting: value})
                    scores = [
                        rouge(
                            summarize_story(c.name, c.articles, comparisons[c.name], moved).text,
                            c.references,
                            measure,
                            scorer,
                        )
                        for c in found
                    ]
                    swept[(setting, value, name)] = np.mean(scores, axis=0)
            print(f"  {name}: done", file=sys.stderr)

    date = time.strftime("%Y-%m-%d")
    print(f"\n### Summary quality ({date})\n")
    print("| set | budget | measure | system | ROUGE-1 | ROUGE-2 | s/cluster |")
    print("|---|---:|---|---|---:|---:|---:|")
    for name, budget, measure, system, one, two, seconds in rows:
        print(
            f"| {name} | {budget} | {measure} | {system} | {one:.2f} | {two:.2f} | {seconds:.3f} |"
        )
    print(f"\n### Summary speed, language stage excluded ({date})\n")
    print("| set | clusters | articles/cluster | mean s | max s | s per 10 articles |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, count, mean_articles, seconds, articles in speed:
        per_ten = 10 * seconds.sum() / articles.sum()
        print(
            f"| {name} | {count} | {mean_articles:.1f} | {seconds.mean():.3f} "
            f"| {seconds.max():.3f} | {per_ten:.3f} |"
        )
    if swept:
        defaults = SummaryParams()
        print(f"\n### Summary settings moved one at a time ({date})\n")
        print(
            "| setting | default | value | duc2003 R-1 | duc2003 R-2 | multinews-val R-1 "
            "| multinews-val R-2 |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for setting, value in SWEEP:
            duc, news = swept[(setting, value, "duc2003")], swept[(setting, value, "multinews-val")]
            print(
                f"| {setting} | {getattr(defaults, setting)} | {value} | {duc[0]:.2f} "
                f"| {duc[1]:.2f} | {news[0]:.2f} | {news[1]:.2f} |"
            )


#: Each setting at about half and about double its default (or off, for the boosts).
SWEEP = [
    ("position_decay", 5.0),
    ("position_decay", 20.0),
    ("min_share", 0.15),
    ("min_share", 0.6),
    ("max_min_articles", 2),
    ("max_min_articles", 5),
    ("length_power", 0.25),
    ("length_power", 1.0),
    ("repeat_overlap", 0.45),
    ("repeat_overlap", 0.8),
    ("fact_boost", 0.0),
    ("fact_boost", 0.5),
    ("revision_boost", 0.0),
    ("revision_boost", 2.0),
]


if __name__ == "__main__":
    main()

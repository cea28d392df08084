"""How many conflicts planted in real news sentences the comparison finds (recall).

    python benchmarks/planted.py [--set duc2003] [--data ../shared/data] [--cache DIR]
                                 [--per-kind 200] [--kinds quantity,polarity,...] [--list]

Precision is read in the gold stories (benchmarks/conflicts.py); this measures the
other side on the same text. Sentences of the set are sampled (fixed seed), and each
is changed in one way that makes it disagree with the original:

- figure: an exact or approximate count of a named thing, sum or share is tripled
  ("32 people" -> "96 people"); figures with open bounds ("at least 62") are left
  alone, since "at least 62" and "at least 186" agree, and so are bare numbers, which
  measure nothing named ("Channel 4", "68 of 132 photos" captions aside);
- negation: "not" goes after the sentence's first auxiliary ("was carrying" -> "was
  not carrying"), in sentences that deny nothing yet;
- duration: an exact or approximate duration is tripled ("three weeks" -> "9 weeks");
- date: a date written out is moved three years ("in 1994" -> "in 1991", "Oct. 12,
  1998" -> "Oct. 12, 1995") or, without a year, three days ("March 3" -> "March 6").

The original and the changed sentence become two one-sentence articles from two
outlets on the same day, annotated, embedded and compared as `storyline analyze`
would (`compare_story` with the shipped classifier); a plant counts as found when a
conflict of its kind comes out, and "any" counts a conflict of any kind. With --list
the missed sentences are printed, to be read. The set is prepared as in
benchmarks/stories.py (whose cached store --cache reuses).
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterator

from stories import prepared_set, set_options
from storyline import engine
from storyline.compare import CompareParams, StoryArticle, compare_story, statements
from storyline.contradictions import says_not
from storyline.language import annotate_doc, load_encoder
from storyline.language.nlp import load_nlp
from storyline.model import Article
from storyline.relations import RelationModel

SEED = 13
_AUXILIARY = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|should)\b (?!not)")
_NUMBER_WORDS = {
    w: n for n, w in enumerate("zero one two three four five six seven eight nine ten".split())
}
_FIGURE_KINDS = {"count", "money", "percent"}
_CLOSED = {None, "about"}  # qualifiers whose tripled figure cannot agree with the original
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SPAN = re.compile(r"\d\s*(?:-|–|to|and)\s*\d|\b(?:between|from|since|until|through)\b", re.I)
_MONTH_DAY = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? (\d{1,2})\b"
)


def planted(texts: list[tuple[str, list, list]]) -> Iterator[tuple[str, str, str]]:
    """(kind, original, changed) for every sentence that can take a plant, in order:
    each sentence as (text, its quantities, its time expressions)."""
    for text, quantities, times in texts:
        for quantity in quantities:
            if quantity.kind not in _FIGURE_KINDS or quantity.qualifier not in _CLOSED:
                continue
            if quantity.what is None and quantity.unit is None:
                continue  # a bare number ("Channel 4", "no one") measures nothing named
            figure = _tripled(quantity.text)
            if figure is not None and text.count(quantity.text) == 1:
                yield "quantity", text, text.replace(quantity.text, figure)
                break
        match = _AUXILIARY.search(text)
        if match and not says_not(text):
            yield "polarity", text, text[: match.end(1)] + " not" + text[match.end(1) :]
        for quantity in quantities:
            if quantity.kind != "duration" or quantity.qualifier not in _CLOSED:
                continue
            number, _, unit = quantity.text.partition(" ")
            figure = _tripled(number)
            if figure is not None and unit and text.count(quantity.text) == 1:
                yield "duration", text, text.replace(quantity.text, f"{figure} {unit}")
                break
        for time in times:
            moved = _moved(time.text)
            if moved is not None and text.count(time.text) == 1:
                yield "date", text, text.replace(time.text, moved)
                break


def _moved(date: str) -> str | None:
    """A date written out, moved three years back ("in 1994" -> "in 1991"), or three
    days on when it names a month's day but no year ("March 3" -> "March 6"); None for
    anything else (relative dates, spans, weekdays)."""
    if _SPAN.search(date):
        return None
    years = _YEAR.findall(date)
    if len(years) == 1:
        return _YEAR.sub(lambda m: str(int(m.group()) - 3), date)
    day = _MONTH_DAY.search(date)
    if not years and day and int(day.group(2)) <= 25:
        return date[: day.start(2)] + str(int(day.group(2)) + 3) + date[day.end(2) :]
    return None


def _tripled(figure: str) -> str | None:
    """A figure as written, three times larger ("1,200" -> "3,600", "five" -> "15")."""
    if figure.lower() in _NUMBER_WORDS:
        return str(3 * _NUMBER_WORDS[figure.lower()])
    if re.fullmatch(r"\d{1,3}(,\d{3})*|\d+", figure):
        return f"{3 * int(figure.replace(',', '')):,}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    set_options(parser)
    parser.add_argument("--per-kind", type=int, default=200)
    parser.add_argument("--list", action="store_true", help="print the plants not found")
    parser.add_argument(
        "--kinds", default="quantity,polarity,duration,date", help="plants to make, by kind"
    )
    args = parser.parse_args()
    with prepared_set(args) as store:
        originals = engine.without_copies(store, None)
        articles = list(store.iter_articles(originals))
        annotations = store.get_annotations(
            [a.content_hash for a in articles], engine.ANNOTATOR_VERSION
        )
    sentences = []
    for article in articles:
        annotation = annotations.get(article.content_hash)
        if annotation is None:
            continue
        for sentence in annotation.sentences:
            found = [q for q in annotation.quantities if q.sentence == sentence.index]
            times = [t for t in annotation.times if t.sentence == sentence.index]
            if 8 <= len(sentence.text.split()) <= 60:
                sentences.append((sentence.text, found, times))
    rng = random.Random(SEED)
    rng.shuffle(sentences)
    plants: dict[str, list[tuple[str, str]]] = {
        "quantity": [],
        "polarity": [],
        "duration": [],
        "date": [],
    }
    wanted = set(args.kinds.split(","))
    if unknown := wanted - set(plants):
        parser.error(f"unknown plant kinds: {', '.join(sorted(unknown))}")
    plants = {kind: found for kind, found in plants.items() if kind in wanted}
    for kind, original, changed in planted(sentences):
        if kind in plants and len(plants[kind]) < args.per_kind:
            plants[kind].append((original, changed))
    nlp, encoder = load_nlp(), load_encoder("auto")
    model, params = RelationModel.load(), CompareParams()

    def one(text: str, number: int) -> StoryArticle:
        article = Article(f"p{number}", text, source=f"Outlet {number}", published="2020-05-04")
        made = statements(article, annotate_doc(nlp(text), article))
        return StoryArticle(
            article.id,
            article.source,
            article.published,
            made,
            encoder.encode([s.text for s in made]),
        )

    print(f"### Conflicts planted in {args.set} sentences (seed {SEED})\n")
    print("| plant | sentences | found as planted | found as any conflict |")
    print("|---|---:|---:|---:|")
    missed = []
    for kind, pairs in plants.items():
        right = anything = 0
        for original, changed in pairs:
            found = compare_story("planted", [one(original, 1), one(changed, 2)], model, params)
            kinds = {c.kind for c in found.conflicts}
            right += kind in kinds
            anything += bool(kinds)
            if kind not in kinds:
                missed.append((kind, original, changed, sorted(kinds)))
        total = len(pairs)
        if not total:
            print(f"| {kind} | 0 | – | – |")
            continue
        shares = f"{right} ({right / total:.0%}) | {anything} ({anything / total:.0%})"
        print(f"| {kind} | {total} | {shares} |")
    if args.list:
        for kind, original, changed, kinds in missed:
            print(f"\n== missed {kind} (found: {', '.join(kinds) or 'nothing'})")
            print(f"   A: {original}\n   B: {changed}")


if __name__ == "__main__":
    main()

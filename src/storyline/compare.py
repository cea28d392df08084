"""Compare the sources of one story: facts, consensus, single-source claims,
conflicts and revisions.

1. Every sentence of the story's articles (copies left out: a wire text counts
   once) is a statement. Each is paired with its nearest statements from other
   articles (`storyline.neighbours`), never with all of them.
2. Each candidate pair is judged: the same claim (paraphrase or entailment by
   the relation classifier), a clash (different figures for one measured
   thing, opposite polarity, different dates, the same words from different
   speakers, or contradiction by the classifier), or a shared figure ("around
   5,000 troops" / "more than 5,000 troops").
3. Claims and clashes join sentences into facts; shared figures join them into
   facts of their own, one for each figure, so a sentence that gives a figure
   and also makes a claim (the 1,000 troops who may stay four weeks) can be in
   both. Two sentences that give different figures for one kind of thing are
   never one claim, and the figures of a claim's sentences that were never
   paired are compared too: a fact whose sources disagree is no consensus.
4. A fact's status: ``conflict`` or ``updated`` when its mentions clash (a
   later report revising an earlier one is an update), else ``consensus`` with
   two or more sources, else ``single``.

Cost: statements × `neighbours` pairs through the classifier and the checks;
about 0.3 s for a 50-article story beyond loading it (BENCHMARKS.md).
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from storyline.contradictions import (
    Finding,
    Statement,
    about_permission,
    agreeing_figures,
    another_moment,
    date_clash,
    figures_differ,
    polarity_clash,
    quantity_clash,
    repeats,
    speaker_clash,
)
from storyline.dates import later_day, moment, readable_date
from storyline.ingest.clean import mentions_furniture
from storyline.model import Annotation, Article, Comparison, Conflict, Fact, Mention
from storyline.neighbours import candidate_pairs
from storyline.relations import (
    LABELS,
    Relation,
    RelationModel,
    pair_features,
    pair_vectors,
    relations,
    swap_pairs,
)

if TYPE_CHECKING:
    from storyline.language import Encoder

ENTAILMENT, CONTRADICTION = LABELS.index("entailment"), LABELS.index("contradiction")
#: Part of every stored comparison's key: bump it when the method changes, and
#: stories are compared again.
COMPARE_VERSION = "compare-28"
_PLACES = frozenset({"GPE", "LOC"})  # entity labels of countries, cities, regions


@dataclass(frozen=True, slots=True)
class CompareParams:
    """Thresholds of the comparison; cosines are between MiniLM sentence vectors.

    Chosen on the seeds, DUC 2003 and Multi-News stories by reading the pairs
    each threshold lets through (BENCHMARKS.md, "Comparison").
    """

    neighbours: int = 8  # candidate statements per statement
    floor: float = 0.45  # cosine below which a pair is not considered at all
    paraphrase: float = 0.78  # cosine at which two statements make one claim
    entailed: float = 0.7  # lower cosine that still makes one claim when the classifier
    entailment: float = 0.35  # finds entailment at least this likely (either direction)
    contradiction: float = 0.7  # classifier contradiction probability for a conflict
    contradiction_cosine: float = 0.6  # ...between statements at least this close
    polarity_cosine: float = 0.7  # negation clash between statements this close,
    polarity_contradiction: float = 0.3  # which the classifier finds at least this contrary,
    polarity_shared: int = 2  # sharing this many content terms other than names
    permission_shared: int = 1  # grant against refusal of one thing: other shared terms
    figures_clash_cosine: float = 0.7  # different figures clash only in statements this close
    dates_cosine: float = 0.8  # dates compared only between near-paraphrases
    min_words: int = 5  # shorter sentences (captions, sign-offs) are not statements
    figure_bucket: int = 200  # figures compared per kind of measured thing


@dataclass(slots=True)
class StoryArticle:
    """One article of a story, as the comparison needs it: its statements in
    sentence order and their unit vectors (one row per statement)."""

    article_id: str
    source: str | None
    published: str | None
    statements: list[Statement]
    vectors: np.ndarray


@dataclass(slots=True)
class _Links:
    claims: list[tuple[int, int, float]] = field(default_factory=list)  # with their cosine
    figures: list[tuple[int, int, float]] = field(default_factory=list)
    # The figures each of `figures` shares: (figure of i, figure of j) pairs.
    shared: list[list[tuple[int, int]]] = field(default_factory=list)
    clashes: list[tuple[int, int, Finding, float]] = field(default_factory=list)


def statements(article: Article, annotation: Annotation) -> list[Statement]:
    """The article's sentences as statements, each with its own quantities, times and quotes."""
    by_sentence: dict[str, dict[int, list]] = {"quantities": {}, "times": {}, "quotes": {}}
    for name, found in by_sentence.items():
        for item in getattr(annotation, name):
            found.setdefault(item.sentence, []).append(item)
    places: dict[int, list[str]] = {}
    for entity in annotation.entities:
        if entity.label in _PLACES:
            places.setdefault(entity.sentence, []).append(entity.text)
    return [
        Statement.of(
            article.id,
            sentence.index,
            sentence.text,
            source=article.source,
            published=article.published,
            quantities=by_sentence["quantities"].get(sentence.index),
            times=by_sentence["times"].get(sentence.index),
            quotes=by_sentence["quotes"].get(sentence.index),
            places=places.get(sentence.index, ()),
        )
        for sentence in annotation.sentences
    ]


def relate_pairs(
    a: Sequence[str],
    b: Sequence[str],
    encoder: Encoder,
    model: RelationModel,
    annotations: Mapping[str, Annotation] | None = None,
    params: CompareParams | None = None,
) -> list[tuple[Relation, Finding | None]]:
    """The relation classifier's verdict on each pair (a[i], b[i]) and, given the
    statements' `annotations` (by text), the disagreement the comparison's checks find
    between them, as a story's comparison would judge two of its sentences: different
    figures for one thing, dates, polarity, speakers. None where there is none.

    Raises ModelMismatch when `encoder` is not the model's. Cost: `relations.classify`'s,
    plus microseconds a pair for the checks.
    """
    model.check_encoder(encoder.name)
    if not a:
        return []
    params = params or CompareParams()
    va, vb = pair_vectors(a, b, encoder)
    features = pair_features(a, b, va, vb)
    forward = model.predict_proba(features)
    found = relations(forward)
    if annotations is None:
        return [(relation, None) for relation in found]
    backward = model.predict_proba(swap_pairs(features))
    made = {text: whole_statement(text, annotations[text]) for text in {*a, *b}}
    cosines = (va * vb).sum(axis=1)
    return [
        (
            relation,
            clash(made[x], made[y], float(cosine), max(f[CONTRADICTION], r[CONTRADICTION]), params),
        )
        for relation, x, y, cosine, f, r in zip(
            found, a, b, cosines, forward, backward, strict=True
        )
    ]


def whole_statement(text: str, annotation: Annotation) -> Statement:
    """One statement of all of `text`, however many sentences the language stage found."""
    return Statement.of(
        annotation.article_id,
        0,
        text,
        quantities=annotation.quantities,
        times=annotation.times,
        quotes=annotation.quotes,
        places=[e.text for e in annotation.entities if e.label in _PLACES],
    )


def compare_story(
    story_id: str,
    articles: Sequence[StoryArticle],
    model: RelationModel | None,
    params: CompareParams | None = None,
) -> Comparison:
    """Facts and conflicts of one story. Articles are treated as independent
    sources unless they share a `source`; pass originals only (not copies).
    Without a `model`, only cosines and the structured checks decide."""
    params = params or CompareParams()
    statements, rows = [], []
    for number, article in enumerate(articles):
        for statement, vector in zip(article.statements, article.vectors, strict=True):
            # Captions and sign-offs are too short to state a fact; a newsletter sign-up
            # left in a paragraph states none, however many sites carry it.
            words = len(statement.text.split())
            if words >= params.min_words and not mentions_furniture(statement.text):
                statements.append(statement)
                rows.append((number, vector))
    if not statements:
        return Comparison(story_id)
    groups = np.array([number for number, _ in rows])
    vectors = np.stack([vector for _, vector in rows]).astype(np.float32)
    pairs = candidate_pairs(vectors, groups, params.neighbours, params.floor)
    links = _judge(statements, vectors, pairs, model, params)
    for i, j, cosine, shared in _shared_figures(statements, vectors, groups, links, params):
        links.figures.append((i, j, cosine))
        links.shared.append(shared)
    units = _independent_units(statements)
    facts, conflicts = _facts(story_id, statements, vectors, groups, links, units, params)
    return Comparison(story_id, facts, conflicts)


def _judge(
    statements: list[Statement],
    vectors: np.ndarray,
    pairs: list[tuple[int, int, float]],
    model: RelationModel | None,
    params: CompareParams,
) -> _Links:
    links = _Links()
    if not pairs:
        return links
    left = [i for i, _, _ in pairs]
    right = [j for _, j, _ in pairs]
    if model is None:
        forward = backward = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    else:
        a_texts = [statements[i].text for i in left]
        b_texts = [statements[j].text for j in right]
        features = pair_features(a_texts, b_texts, vectors[left], vectors[right])
        forward = model.predict_proba(features)
        backward = model.predict_proba(swap_pairs(features))
    # Two reports that both carry both sides of a tension within one text (a wire story
    # and its edited re-post) do not disagree.
    said = _said(statements)
    for (i, j, cosine), ahead, back in zip(pairs, forward, backward, strict=True):
        a, b = statements[i], statements[j]
        finding = clash(a, b, cosine, max(ahead[CONTRADICTION], back[CONTRADICTION]), params)
        if finding is not None:
            if not (a.text in said[b.article] and b.text in said[a.article]):
                links.clashes.append((i, j, finding, cosine))
            continue
        entailed = max(ahead[ENTAILMENT], back[ENTAILMENT]) >= params.entailment
        if cosine >= params.paraphrase or (cosine >= params.entailed and entailed):
            # Different figures for one kind of thing are two facts, even when they are
            # of two moments, places or kinds and so no conflict.
            if figures_differ(a, b):
                continue
            links.claims.append((i, j, cosine))
    return links


def _shared_figures(
    statements: list[Statement],
    vectors: np.ndarray,
    groups: np.ndarray,
    links: _Links,
    params: CompareParams,
) -> list[tuple[int, int, float, list[tuple[int, int]]]]:
    """Pairs of statements from different articles that give the same figure for one
    measured thing, however different the rest of their sentences, with their cosine
    and the figures they share (see `agreeing_figures`). Figures are bucketed by what
    they count, and each bucket keeps its first `figure_bucket` figures, so the cost
    stays linear in the story's size."""
    judged = {(i, j) for i, j, _ in links.claims} | {(i, j) for i, j, _, _ in links.clashes}
    buckets: dict[tuple, list[int]] = {}
    for index, statement in enumerate(statements):
        for quantity in statement.quantities:
            key = (
                quantity.kind,
                None if quantity.kind == "duration" else quantity.unit,
                None if quantity.kind == "duration" else quantity.what,
            )
            bucket = buckets.setdefault(key, [])
            if len(bucket) < params.figure_bucket and index not in bucket:
                bucket.append(index)
    found: dict[tuple[int, int], list[tuple[int, int]]] = {}
    tried = set()
    for bucket in buckets.values():
        for x, i in enumerate(bucket):
            for j in bucket[x + 1 :]:
                pair = (min(i, j), max(i, j))
                if groups[i] == groups[j] or pair in judged or pair in tried:
                    continue
                tried.add(pair)
                if shared := agreeing_figures(statements[pair[0]], statements[pair[1]]):
                    found[pair] = shared
    return [(i, j, float(vectors[i] @ vectors[j]), found[i, j]) for i, j in sorted(found)]


def clash(
    a: Statement,
    b: Statement,
    cosine: float,
    contradiction: float,
    params: CompareParams | None = None,
) -> Finding | None:
    """The first disagreement the comparison's checks find between two statements whose
    vectors have `cosine`, most specific first (dates, figures, speakers, polarity, then
    the classifier's `contradiction` probability); None when they find none."""
    params = params or CompareParams()
    # Statements dated apart, or one dated far from the other's report, likely speak of
    # different moments: their figures, polarity or claims may differ without conflict,
    # but their dates may clash and their quotes still belong to one speaker.
    if cosine >= params.dates_cosine:
        found = date_clash(a, b)
        if found:
            return found
    apart = another_moment(a, b)
    if cosine >= params.figures_clash_cosine and not apart:
        found = quantity_clash(a, b)
        if found:
            return found
    found = speaker_clash(a, b)
    if found or apart:
        return found
    # Grant against refusal of one thing is specific enough to trust at any candidate
    # cosine; a bare negation needs close statements the classifier also finds at odds.
    if about_permission(a, b):
        found = polarity_clash(a, b, params.permission_shared)
    elif cosine >= params.polarity_cosine and contradiction >= params.polarity_contradiction:
        found = polarity_clash(a, b, params.polarity_shared)
    if found:
        return found
    if (
        cosine >= params.contradiction_cosine
        and contradiction >= params.contradiction
        and not repeats(a, b)
    ):
        return Finding(
            "contradiction",
            "says one thing",
            f"says the opposite (the relation classifier: {contradiction:.0%} contradiction)",
        )
    return None


def _facts(
    story_id: str,
    statements: list[Statement],
    vectors: np.ndarray,
    articles: np.ndarray,
    links: _Links,
    units: dict[str, str],
    params: CompareParams,
) -> tuple[list[Fact], list[Conflict]]:
    """Facts and conflicts from the links; `articles`: each statement's article number;
    `units`: each article's unit of independence (see `_independent_units`)."""
    clashes = [(i, j, cosine) for i, j, _, cosine in links.clashes]
    linked: dict[int, set[int]] = {}  # each statement's linked statements, by any link
    for i, j, _ in [*links.claims, *clashes, *links.figures]:
        linked.setdefault(i, set()).add(j)
        linked.setdefault(j, set()).add(i)
    # The two sides of a disagreement are always one fact. A sentence may state a claim
    # and a figure that other sentences share apart ("the 1,000 troops leaving Syria will
    # be allowed to stay four weeks"): figure facts are grouped on their own.
    claims = _groups([*links.claims, *clashes], linked, {(i, j) for i, j, _ in clashes})
    links.clashes.extend(_unjudged_clashes(claims, statements, vectors, articles, linked, params))
    # A group of shared figures whose sentences all state claims with others already
    # adds nothing but a second, overlapping fact.
    claimed = {node for group in claims if len(group) > 1 for node in group}
    figures = [g for g in _figure_groups(links) if not g <= claimed]
    group_of = {node: group for group in claims for node in group}
    # Each statement of one side meets its closest counterpart from each other
    # article once; its other clashes with that article are in the fact's mentions.
    strongest: dict[tuple, tuple[int, int, Finding, float]] = {}
    for i, j, finding, cosine in links.clashes:
        group = group_of[i]
        first, second = sorted((i, j), key=lambda x: (moment(statements[x].published), x))
        key = (group, first, statements[second].article)
        if key not in strongest or cosine > strongest[key][3]:
            strongest[key] = (i, j, finding, cosine)
    clashes_of: dict[frozenset[int], list[tuple[int, int, Finding]]] = {}
    for (group, *_), (i, j, finding, _) in strongest.items():
        clashes_of.setdefault(group, []).append((i, j, finding))
    facts: list[Fact] = []
    conflicts: list[Conflict] = []
    in_a_fact: set[int] = set()
    shown: set[str] = set()  # texts facts already read as (figure facts overlap claims)
    for group in [*claims, *figures]:
        if len(group) < 2:
            continue
        in_a_fact |= group
        fact = _fact(story_id, statements, group, vectors, units, shown)
        clashes = clashes_of.get(group, [])
        if clashes:
            found = [_conflict(statements[i], statements[j], f, fact.id) for i, j, f in clashes]
            fact.status = "updated" if all(c.revision for c in found) else "conflict"
            if fact.status == "updated":
                # The latest state wins: the fact reads as its latest mention says.
                fact.text = fact.mentions[-1].text
            conflicts.extend(found)
        shown.add(fact.text)
        facts.append(fact)
    for index in range(len(statements)):
        if index not in in_a_fact:
            facts.append(_fact(story_id, statements, frozenset([index]), vectors, units))
    order = {"conflict": 0, "updated": 1, "consensus": 2, "single": 3}
    facts.sort(key=lambda f: (order[f.status], -len(f.sources), moment(f.mentions[0].published)))
    return facts, conflicts


def _figure_groups(links: _Links) -> list[frozenset[int]]:
    """The statements that give one figure, grouped by their figures rather than by
    sentence (as `_groups` groups, closest links first): a sentence of two figures
    that other sentences share apart ("27 killed, with 45 people still missing") is in
    a fact for each."""
    nodes: dict[tuple[int, int], int] = {}  # (statement, its figure) -> node
    edges = []
    for (i, j, cosine), shared in zip(links.figures, links.shared, strict=True):
        for k, m in shared:
            x, y = nodes.setdefault((i, k), len(nodes)), nodes.setdefault((j, m), len(nodes))
            edges.append((x, y, cosine))
    linked: dict[int, set[int]] = {}
    for x, y, _ in edges:
        linked.setdefault(x, set()).add(y)
        linked.setdefault(y, set()).add(x)
    statement = {node: i for (i, _), node in nodes.items()}
    groups = (frozenset(statement[n] for n in group) for group in _groups(edges, linked, set()))
    return list(dict.fromkeys(groups))


def _unjudged_clashes(
    claims: list[frozenset[int]],
    statements: list[Statement],
    vectors: np.ndarray,
    articles: np.ndarray,
    linked: dict[int, set[int]],
    params: CompareParams,
) -> list[tuple[int, int, Finding, float]]:
    """Figure clashes between statements that one claim joined without their being
    compared (A says what B says, B what C says; neither of A and C is among the
    other's nearest), judged as `_clash` judges figures: a fact whose sources disagree
    on a figure is no consensus. Cost: the pairs within each claim, which are small."""
    found = []
    for group in claims:
        members = sorted(group)
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if articles[i] == articles[j] or j in linked.get(i, ()):
                    continue
                cosine = float(vectors[i] @ vectors[j])
                a, b = statements[i], statements[j]
                if cosine < params.figures_clash_cosine or another_moment(a, b):
                    continue
                if finding := quantity_clash(a, b):
                    found.append((i, j, finding, cosine))
    return found


def _fact(
    story_id: str,
    statements: list[Statement],
    group: frozenset[int],
    vectors: np.ndarray,
    units: dict[str, str],
    shown: set[str] | None = None,
) -> Fact:
    """A fact of the statements in `group`, mentions in publication order. It reads as
    its most central mention (the closest to all others; then the shortest): a figure
    shared by sentences that say much else reads as the one that says least else. A
    text another fact already reads as (`shown`) is passed over when there is another.
    It is consensus when its mentions come from two or more `units` of independence."""
    members = sorted(group, key=lambda i: (moment(statements[i].published), i))
    mentions = [_mention(statements[i]) for i in members]
    rows = vectors[members]
    closeness = rows @ rows.sum(axis=0)  # each mention's summed cosine to all of them
    ranked = sorted(
        range(len(members)),
        key=lambda k: (-round(float(closeness[k]), 4), len(mentions[k].text), k),
    )
    central = next((k for k in ranked if mentions[k].text not in (shown or ())), ranked[0])
    sources = list(dict.fromkeys(m.source or m.article for m in mentions))
    key = "|".join(sorted(f"{m.article}#{m.sentence}" for m in mentions))
    digest = hashlib.blake2b(f"{story_id}|{key}".encode(), digest_size=8).hexdigest()
    return Fact(
        id=f"fact-{digest}",
        text=mentions[central].text,
        status="consensus" if len({units[m.article] for m in mentions}) > 1 else "single",
        mentions=mentions,
        sources=sources,
    )


def _said(statements: list[Statement]) -> dict[str, set[str]]:
    """What each article says, word for word: its statements' texts, by article id."""
    said: dict[str, set[str]] = {}
    for statement in statements:
        said.setdefault(statement.article, set()).add(statement.text)
    return said


def _independent_units(statements: list[Statement]) -> dict[str, str]:
    """Each article's unit of independence, by article id: the articles of one source
    are one unit, and so are two that share word for word at least half the statements
    of the shorter (a wire text and a re-post that edits it, which `dedupe` keeps as a
    report of its own when it changes a figure): what they share is said once. Cost:
    linear in the statements, plus the pairs of articles that share a sentence."""
    texts = _said(statements)
    unit = {article: article for article in texts}

    def root(article: str) -> str:
        while unit[article] != article:
            unit[article] = unit[unit[article]]
            article = unit[article]
        return article

    def join(a: str, b: str) -> None:
        unit[root(a)] = root(b)

    by_source: dict[str, str] = {}
    holders: dict[str, list[str]] = {}
    for statement in statements:
        if statement.source:
            join(statement.article, by_source.setdefault(statement.source, statement.article))
        holders.setdefault(statement.text, []).append(statement.article)
    shared: Counter[tuple[str, str]] = Counter()
    for articles in holders.values():
        for pair in itertools.combinations(sorted(set(articles)), 2):
            shared[pair] += 1
    for (a, b), count in shared.items():
        if 2 * count >= min(len(texts[a]), len(texts[b])):
            join(a, b)
    return {article: root(article) for article in texts}


def _mention(statement: Statement) -> Mention:
    return Mention(
        article=statement.article,
        sentence=statement.sentence,
        text=statement.text,
        source=statement.source,
        published=statement.published,
    )


def _conflict(a: Statement, b: Statement, finding: Finding, fact_id: str) -> Conflict:
    """Earlier mention first; a report from a later day revises the earlier one, except
    on who said some words: that does not change as a story develops, so two
    attributions are a conflict whenever they were published."""
    if later_day(a.published, b.published) or (
        not later_day(b.published, a.published) and moment(b.published) < moment(a.published)
    ):
        a, b = b, a
        finding = Finding(finding.kind, finding.says_b, finding.says_a)
    revision = finding.kind != "speaker" and later_day(b.published, a.published)
    who_a = a.source or f"article {a.article}"
    who_b = b.source or f"article {b.article}"
    if a.source and a.source == b.source:
        later = later_day(b.published, a.published)
        who_b = f"{'a later' if later else 'another'} {b.source} report"
    explanation = (
        f"{who_a} ({readable_date(a.published)}) {finding.says_a}; "
        f"{who_b} ({readable_date(b.published)}) {finding.says_b}."
    )
    if revision:
        explanation += " The later report revises the earlier one."
    else:
        explanation += " Both cannot be true."
    return Conflict(
        kind=finding.kind,
        a=_mention(a),
        b=_mention(b),
        explanation=explanation,
        fact=fact_id,
        revision=revision,
    )


def _groups(
    edges: Sequence[tuple[int, int, float]],
    linked: dict[int, set[int]],
    forced: set[tuple[int, int]],
) -> list[frozenset[int]]:
    """The statements that state one thing, from the links between them (i, j, cosine):
    closest links first, two groups join when more than half of the pairs across them
    are `linked` (each statement's linked statements, by any link), or when the link is
    `forced`. Linking alone would chain: A says what B says, B what C says, and so on
    until a "fact" holds forty sentences about an election. Cost: the links sorted, and
    for each link between two groups, the links of the smaller one's members (each
    statement has at most a bounded number of candidate links, see `candidate_pairs`)."""
    group: dict[int, list[int]] = {}
    for i, j, _ in sorted(edges, key=lambda e: (-e[2], e[0], e[1])):
        a, b = group.setdefault(i, [i]), group.setdefault(j, [j])
        if a is b:
            continue
        small, large = sorted((a, b), key=len)
        members = set(large)
        across = sum(len(linked.get(x, set()) & members) for x in small)
        if across * 2 <= len(a) * len(b) and (i, j) not in forced:
            continue
        a.extend(b)
        for member in b:
            group[member] = a
    unique = {id(members): members for members in group.values()}
    return [frozenset(members) for members in unique.values()]

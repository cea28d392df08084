"""Figures: whether two statements give the same figure for one measured thing
(`quantity_agreement`, `agreeing_figures`) or different ones (`quantity_clash`,
`figures_differ`), and how a figure is told to a reader.

Two figures are of one thing only when their kind, unit, counted noun, state and the
words around them agree; figures of different places or kinds, a part against a total,
and a later report's revision are told apart, as a false conflict costs a reader more
than a missed one.
"""

from __future__ import annotations

import math
import re

from storyline.contradictions.negation import OBJECT_WORDS
from storyline.contradictions.statement import STATES, Finding, Statement
from storyline.dates import later_day
from storyline.language.nlp import stop_words
from storyline.language.quantities import COUNT_NOUNS, PART_WORDS
from storyline.model import Quantity
from storyline.relations import words

_YEAR_DAYS = 365.25  # months, decades and centuries in years: "12 months" is "one year"
_DAYS_PER = {
    "second": 1 / 86400,
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1,
    "week": 7,
    "fortnight": 14,
    "month": _YEAR_DAYS / 12,
    "year": _YEAR_DAYS,
    "decade": 10 * _YEAR_DAYS,
    "century": 100 * _YEAR_DAYS,
}
_CLASH_CONTEXT = 0.3  # context overlap for two different figures to be of one thing
_LIST_FIGURES = 6  # more figures than this in one sentence: a table or a list
_CLOSE_RATIO = 1.2  # two figures of one fact are within a fifth of each other
_SMALL_COUNT = 10  # smaller counts ("the two leaders") are everywhere and tell little
_WEAK_FIGURE_CONTEXT = 0.2  # share of words around an age, sum, share ... for agreement
# States whose count only grows as a story develops: a later, higher figure than an
# earlier "at least" revises it ("at least 12 killed", a day later "27 killed").
_GROWING = frozenset({"dead", "injured"})
# Who a casualty figure may count whatever the noun: a count noun ("the death *toll*
# rose to 27") meets "12 *people* were killed", but not "12 *soldiers*" (a part).
_ANYONE = frozenset({"people", "person", "victim"}) | COUNT_NOUNS | frozenset(STATES)


def quantity_agreement(a: Statement, b: Statement) -> bool:
    """Whether the two statements give the same figure for one measured thing: compatible
    and close ("around 5,000" and "more than 5,000" troops; not "more than 3,000" and
    "about 8,000" employees, which are compatible yet tell of different things), with
    words around them in common (see `_agreement_needs`)."""
    return bool(agreeing_figures(a, b))


def agreeing_figures(a: Statement, b: Statement) -> list[tuple[int, int]]:
    """The (figure of `a`, figure of `b`) pairs that give the same figure for one
    measured thing (see `quantity_agreement`), in order."""
    return [
        (i, j)
        for i, qa in enumerate(a.quantities)
        for j, qb in enumerate(b.quantities)
        if _same_measure(a, i, b, j, *_agreement_needs(qa, qb), gist=True)
        and _agree(a, i, b, j)
        and _close(qa, qb)
    ]


def _agreement_needs(qa: Quantity, qb: Quantity) -> tuple[float, int]:
    """(share, count) of the words around two figures that must be shared for them to
    agree: one word for counts of ten or more of a named thing; when either is anything
    else, two words and a fifth of them ("15-year-old", "three years", "80 percent" and
    "the two leaders" are many things)."""

    def strong(quantity: Quantity) -> bool:
        return quantity.kind == "count" and bool(quantity.what) and quantity.value >= _SMALL_COUNT

    return (0.0, 1) if strong(qa) and strong(qb) else (_WEAK_FIGURE_CONTEXT, 2)


def _close(qa: Quantity, qb: Quantity) -> bool:
    """Whether two figures are near each other (their stated values within a fifth)."""

    def near(x: float, y: float) -> bool:
        low, high = sorted((abs(x), abs(y)))
        return high <= _CLOSE_RATIO * low

    scale_a, scale_b = _scale(qa), _scale(qb)
    if not near(qa.value * scale_a, qb.value * scale_b):
        return False
    return qa.high is None or qb.high is None or near(qa.high * scale_a, qb.high * scale_b)


def quantity_clash(a: Statement, b: Statement) -> Finding | None:
    """Different figures for one measured thing, beyond what their qualifiers allow
    ("around 5,000" and "more than 5,000" agree; "1,000" and "3,000" do not), or that a
    report of a later day says changed (see `_revised`). Every such pair of figures is
    told, each figure once ("at least 12 people and 30 people" against "a death toll
    of 27 and 45 people").

    A figure that agrees with any figure on the other side is not in conflict:
    sentences often give several numbers, and only like should meet like. Nor are
    figures of different places or kinds ("three charges of attempted murder" against
    "four of five charges"), nor the figures of a table or list.
    """
    clashing = _differing(a, b, apart=True)
    if not clashing:
        return None
    first = a.quantities[clashing[0][0]]
    return Finding(
        "duration" if first.kind == "duration" else "quantity",
        " and ".join(_figure(a.quantities[i], a.text) for i, _ in clashing),
        " and ".join(_figure(b.quantities[j], b.text) for _, j in clashing),
    )


def figures_differ(a: Statement, b: Statement) -> bool:
    """Whether the statements give different figures for one kind of measured thing,
    so that they state two facts, not one: as `quantity_clash` finds them, but also of
    different places or kinds ("27 people were injured in the town of Brenlow" against
    "21 people … in the town of Harford"), which are no conflict."""
    return bool(_differing(a, b, apart=False))


def _differing(a: Statement, b: Statement, *, apart: bool) -> list[tuple[int, int]]:
    """The pairs (figure of `a`, figure of `b`) that differ, each figure in one pair (see
    `quantity_clash`); with `apart`, not those of different places or kinds."""
    if len(a.quantities) > _LIST_FIGURES or len(b.quantities) > _LIST_FIGURES:
        return []  # a table or list: which figure goes with which is not in the words
    agreeing_a, agreeing_b = set(), set()
    for i in range(len(a.quantities)):
        for j in range(len(b.quantities)):
            if _same_measure(a, i, b, j) and _agree(a, i, b, j):
                agreeing_a.add(i)
                agreeing_b.add(j)
    # A figure for part of a count cannot clash with a total, nor a total with it.
    whole_a = {i for i, q in enumerate(a.quantities) if not _counts_a_part(q, a.text)}
    whole_b = {j for j, q in enumerate(b.quantities) if not _counts_a_part(q, b.text)}
    found: list[tuple[int, int]] = []
    for i in sorted(whole_a - agreeing_a):
        for j in sorted(whole_b - agreeing_b - {m for _, m in found}):
            if _agree(a, i, b, j) or (apart and _counted_apart(a, i, b, j)):
                continue
            if apart and a.possible[i] != b.possible[j]:
                continue  # what may be is no conflict with what is
            qa, qb = a.quantities[i], b.quantities[j]
            if _overlap(qa, qb):
                # Revised within its bounds (`_revised`): no report is said to be wrong,
                # so the figures need only what makes two figures one fact.
                same = _same_measure(a, i, b, j, *_agreement_needs(qa, qb), gist=True)
            else:
                same = _same_measure(a, i, b, j, _CLASH_CONTEXT)
            if same:
                found.append((i, j))
                break
    return found


def _counted_apart(a: Statement, i: int, b: Statement, j: int) -> bool:
    """Whether two figures count the thing in different places or of different kinds."""
    if _elsewhere(a, i, b, j):
        return True
    return _other_kinds(a, i, b, j) and not _part_exceeds_whole(a, i, b, j)


def _agree(a: Statement, i: int, b: Statement, j: int) -> bool:
    """Whether figure i of `a` and figure j of `b` may both be true of one thing: their
    bounds overlap, and no later report says the figure changed (see `_revised`)."""
    return _overlap(a.quantities[i], b.quantities[j]) and not _revised(a, i, b, j)


def _revised(a: Statement, i: int, b: Statement, j: int) -> bool:
    """Whether a report of a later day gives a new figure for one the earlier report
    gave, though their bounds overlap: it says the figure changed to it ("the death toll
    *rose to* 27" against "about 25 killed"), or it is higher than an earlier lower bound
    of a count that only grows ("at least 12 killed", the next day "27 killed"). A
    later report of the same figure, or of another moment's, revises nothing."""
    order = _day_order(a, b)
    if order == 0:
        return False
    (early, k), (late, m) = ((a, i), (b, j)) if order > 0 else ((b, j), (a, i))
    before, after = early.quantities[k], late.quantities[m]
    low_before, low_after = _interval(before)[0], _interval(after)[0]
    if late.changes[m] and not math.isclose(low_before, low_after):
        return True
    growing = early.states[k] & late.states[m] & _GROWING
    lower_bound = before.qualifier in ("at least", "more than")
    return bool(growing) and lower_bound and low_after > low_before


def _day_order(a: Statement, b: Statement) -> int:
    """1 when `b` was published on a later day than `a`, -1 when earlier, 0 when on the
    same day or either is undated."""
    if later_day(b.published, a.published):
        return 1
    return -1 if later_day(a.published, b.published) else 0


def _counts_a_part(quantity: Quantity, text: str) -> bool:
    """Whether a figure counts only some of the thing: "three *other* states", "two *more*
    people", "another 40 cases", "120 *new* infections". It cannot clash with a total."""
    at = text.find(quantity.text)
    if at < 0:
        return False
    if words(text[:at])[-1:] == ["another"]:
        return True
    following = words(text[at + len(quantity.text) :])[:1]
    return bool(following) and following[0] in PART_WORDS


def _same_measure(
    a: Statement,
    i: int,
    b: Statement,
    j: int,
    min_context: float = 0.0,
    min_shared: int = 1,
    *,
    gist: bool = False,
) -> bool:
    """Figure i of `a` and figure j of `b` measure the same thing: same kind and unit
    (durations in any unit), the same counted noun, and shared words around them (at
    least `min_shared`, and their Jaccard overlap above `min_context`: agreement needs a
    word or two of their `gist`, a clash much more of their context, as different
    figures in similar sentences usually measure different things)."""
    qa, qb = a.quantities[i], b.quantities[j]
    if qa.kind != qb.kind:
        return False
    if a.states[i] and b.states[j] and a.states[i] != b.states[j]:
        return False  # "12 people were killed" and "45 people still missing"
    if qa.kind == "duration":
        if qa.unit not in _DAYS_PER or qb.unit not in _DAYS_PER:
            return False
    elif qa.unit != qb.unit or not _one_thing(a, i, b, j) or (qa.what is None and qa.unit is None):
        return False
    context_a, context_b = (a.gists[i], b.gists[j]) if gist else (a.contexts[i], b.contexts[j])
    shared = len(context_a & context_b)
    return shared >= max(min_shared, 1) and shared / len(context_a | context_b) > min_context


def _one_thing(a: Statement, i: int, b: Statement, j: int) -> bool:
    """Whether figure i of `a` and figure j of `b` count one thing: the same noun, or,
    for figures of one state, nouns that may count anyone in it ("the death *toll* rose
    to 27" and "12 *people* were killed"; not "12 *soldiers*", who are some of them)."""
    what_a, what_b = a.quantities[i].what, b.quantities[j].what
    if what_a == what_b:
        return True
    one_state = bool(a.states[i]) and a.states[i] == b.states[j]
    return one_state and what_a in _ANYONE and what_b in _ANYONE


def _elsewhere(a: Statement, i: int, b: Statement, j: int) -> bool:
    """Whether two figures are of different places: one is a total over a region
    ("at least 62 people *throughout* Europe", "nationwide") and the other names a place
    around it that the total's statement does not name ("32 people" in Poland; "New
    York" is named by "New York City"); or the statements name places of one kind and
    none in common ("in the *town of* Brenlow" against "in the *town of* Harford").
    Other differently named places are not told apart ("in Kabul" may be "in
    Afghanistan")."""

    def part_of_total(x: Statement, k: int, total: Statement, m: int) -> bool:
        if not total.totals[m] or x.totals[k]:
            return False
        return any(not any(_one_place(p, q) for q in total.places) for p in x.figure_places[k])

    return part_of_total(a, i, b, j) or part_of_total(b, j, a, i) or _other_places(a, b)


def _other_places(a: Statement, b: Statement) -> bool:
    """Whether the statements name places of one kind, and none of that kind in common:
    two towns are two places, where a town and a country may be one."""
    kinds = {kind for kind, _ in a.kinds_of_places} & {kind for kind, _ in b.kinds_of_places}
    return any(
        not {p for k, p in a.kinds_of_places if k == kind}
        & {p for k, p in b.kinds_of_places if k == kind}
        for kind in kinds
    )


def _other_kinds(a: Statement, i: int, b: Statement, j: int) -> bool:
    """Whether two figures count different kinds of a thing: one is narrowed after "of"
    by a word the other statement does not use ("three charges of *attempted* murder"
    against "four of five charges"; not "120 cases of measles" against "200 measles
    cases"), or by a list of kinds the other does not name all of ("worth of
    *infrastructure*, crops and other property" against "worth of crops")."""

    def unsaid(kinds: tuple[str, ...], other: Statement) -> bool:
        return any(word not in other.stems for kind in kinds for word in kind.split())

    if a.kinds[i] == b.kinds[j]:
        return False
    return unsaid(a.kinds[i], b) or unsaid(b.kinds[j], a)


def _part_exceeds_whole(a: Statement, i: int, b: Statement, j: int) -> bool:
    """Whether one figure counts some of the kinds the other counts together, and is
    larger than it can be: "$6 million worth of jewelry" against "$2 million worth of
    jewelry and watches"."""
    kinds_a, kinds_b = set(a.kinds[i]), set(b.kinds[j])
    if not kinds_a or not kinds_b:
        return False  # "charges" against "charges of attempted murder": no list
    if kinds_a < kinds_b:
        part, whole = a.quantities[i], b.quantities[j]
    elif kinds_b < kinds_a:
        part, whole = b.quantities[j], a.quantities[i]
    else:
        return False
    return _interval(part)[0] > _interval(whole)[1]


def _one_place(a: str, b: str) -> bool:
    """Whether two place names name one place, one within the other's words."""
    words_a, words_b = set(a.split()), set(b.split())
    return words_a <= words_b or words_b <= words_a


def _scale(quantity: Quantity) -> float:
    """What one of a figure's units is in a common unit: days for durations, else 1."""
    return _DAYS_PER.get(quantity.unit or "", 1.0) if quantity.kind == "duration" else 1.0


def _interval(quantity: Quantity) -> tuple[float, float]:
    low, high = quantity.bounds()
    return low * _scale(quantity), high * _scale(quantity)


def _overlap(qa: Quantity, qb: Quantity) -> bool:
    low_a, high_a = _interval(qa)
    low_b, high_b = _interval(qb)

    def at_most(x: float, y: float) -> bool:  # "60 seconds" is "one minute", give or take
        return x <= y or math.isclose(x, y, rel_tol=1e-9)

    # Open bounds ("more than 5,000") touching an exact figure still agree.
    return at_most(low_a, high_b) and at_most(low_b, high_a)


def _figure(quantity: Quantity, text: str = "") -> str:
    """The figure as a reader says it: "about 5,000 troops", "between 3 and 5 million
    people", "4 weeks". What it counts is taken as written in `text` when it follows
    the figure there ("troops", not the dictionary form "troop")."""

    def number(value: float) -> str:
        return f"{value:,.0f}" if value == int(value) else f"{value:,}"

    if quantity.qualifier == "between" and quantity.high is not None:
        value = f"between {number(quantity.value)} and {number(quantity.high)}"
    else:
        qualifier = f"{quantity.qualifier} " if quantity.qualifier else ""
        value = qualifier + number(quantity.value)
    if quantity.kind == "money":
        noun = quantity.unit or ""  # "$40 million worth of crops" is 40,000,000 USD
    elif quantity.kind == "duration":
        many = (quantity.high or quantity.value) != 1
        unit = quantity.unit or ""
        noun = (unit[:-1] + "ies" if unit.endswith("y") else unit + "s") if many else unit
    elif quantity.kind == "age":
        return f"{value} {'year' if quantity.value == 1 else 'years'} old"
    elif quantity.what in COUNT_NOUNS and not _as_written(quantity, text):
        return f"{_count_named(quantity.what, text)} of {value}"  # "a death toll of 27"
    else:
        noun = _as_written(quantity, text) or quantity.what or quantity.unit or ""
        at = text.find(quantity.text) if noun else -1
        if at >= 0 and text.startswith(f"-{noun}", at + len(quantity.text)):
            return f"{value}-{noun}"  # "a 6-story fall"
    return f"{value} {noun}".strip()


def _count_named(noun: str, text: str) -> str:
    """A count noun as `text` names it, with the word before it when that says what is
    counted: "a death toll", "a number"."""
    found = re.search(rf"(?:\b([a-z]+)\s+)?\b{noun}\b", text, re.IGNORECASE)
    modifier = found.group(1) if found else None
    if modifier and modifier.lower() not in stop_words():
        return f"a {modifier.lower()} {noun}"
    return f"a {noun}"


def _as_written(quantity: Quantity, text: str) -> str | None:
    """The word for what `quantity` counts as `text` writes it, within a few words after
    the figure ("5,000 US troops" gives "troops"), or None."""
    at = text.find(quantity.text) if quantity.what else -1
    if at < 0:
        return None
    after = words(text[at + len(quantity.text) :])[:OBJECT_WORDS]
    what = quantity.what.lower()
    forms = (what, what[:-1] + "ies") if what.endswith("y") else (what,)  # "stories"
    return next((w for w in after if w.startswith(forms)), None)

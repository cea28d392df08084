"""Structured disagreement between two statements: quantities, durations, dates,
polarity and speakers, each with an explanation a reader understands.

These checks look at what the language stage found in each sentence (its
quantities, time expressions, quotes) and at its words. They are deliberately
strict about whether two statements speak of the same thing: a false conflict
costs a reader more than a missed one. The relation classifier
(`storyline.relations`) covers what they cannot.

A figure measures what it counts and, for casualties, what befell them ("12
*killed*", "the *death* toll", "30 *missing*"); a report of a later day that
says a figure changed ("rose to 27") or gives a higher count of the dead than an
earlier "at least" revises it, though the two may both be true.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from storyline.ingest.dates import day_number, readable_date
from storyline.language.entities import name_key
from storyline.language.nlp import stop_words
from storyline.language.quantities import COUNT_NOUNS, PART_WORDS, QUALIFIERS
from storyline.language.terms import content_terms
from storyline.model import Quantity, Quote, TimeExpression
from storyline.relations import NEGATIONS, stem, words

# Words that grant or refuse: mapped to one concept, so "no permission" and
# "allowed" are seen to speak of the same thing with opposite polarity.
PERMISSION = "<permit>"
_GRANTING = frozenset(
    "allow allowed allows allowing permit permits permitted permitting permission approve "
    "approved approves approval authorise authorised authorize authorized authorization "
    "authorisation grant granted grants agree agreed agrees agreement consent consented".split()
)
_REFUSING = frozenset(
    "deny denied denies denying refuse refused refuses refusing refusal reject rejected "
    "rejects rejecting ban banned bans forbid forbade forbidden prohibit prohibited "
    "prohibits veto vetoed block blocked".split()
)
# Words that say who said something, not what: sharing them says nothing of a topic.
_REPORTING = frozenset(
    "said says say saying told tells according reported reports reporting added adds "
    "stated statement announced asked".split()
)
# Doubt negates what follows ("doubts that he was entitled"), and "no doubt" affirms.
_DOUBTING = frozenset("doubt doubts doubted doubtful unlikely".split())
_DENYING = _REFUSING | _DOUBTING
# "not only ... but also", "not least": a negation word that negates nothing.
_NOT_NEGATING = frozenset({"only", "just", "merely", "least", "simply"})
_NEGATION_REACH = 3  # words after a negation within which a refusal word is negated too
_AFFIRMING_DOUBT = frozenset({"little", "beyond"})  # "little doubt" affirms
# A negation reaches no further than its clause: "did not comment, and rejected" rejects.
_CLAUSES = re.compile(r"[,;:—–]|\b(?:and|but|while|whereas|although)\b", re.IGNORECASE)
# Nor into a subordinate clause: "no surprise since ...", "not because ...".
_SCOPE_ENDS = frozenset(
    "because since as if unless when whenever after before once until which who whom whose "
    "where".split()
)
_CONDITIONS = frozenset({"if", "unless", "whether"})
_CONSEQUENCE = frozenset({"will", "would", "shall"})  # opens a condition's main clause
# "Would not say", "did not comment": withholding an answer denies nothing.
_WITHHOLDING = _REPORTING | frozenset("comment elaborate disclose specify".split())
# A grant or refusal asked for, attempted, failed or planned ("asked Congress to approve",
# "efforts to block", "failed to block") is not one that happened.
_REQUESTING = frozenset(
    "ask asked asks asking urge urged urges urging seek seeks seeking sought effort efforts "
    "attempt attempts attempted try tries tried trying want wants wanted hope hopes hoped "
    "order call calls called calling press pressed pressing lobby lobbied lobbying bid "
    "campaign campaigned fail fails failed failing decline declines declined "
    "move moves moved threaten threatens threatened plan plans planned vow vows vowed "
    "propose proposes proposed demand demands demanded insist insists insisted recommend "
    "recommends recommended suggest suggests suggested".split()
)
# Verbs whose object is sought, not had: "need a *permit*", "applied for *permission*".
_SEEKING = frozenset(
    "need needs needed require requires required apply applies applied ask asks asked "
    "seek seeks sought request requests requested".split()
)
_GRANT_NOUNS = frozenset(
    "permission permit permits approval authorization authorisation consent".split()
)
_MODALS = frozenset("could would may might should".split())
_REQUEST_REACH = 6  # words before the "to" of "asked Congress to approve"
_OBJECT_LEAD = 3  # words from "needed" to its object: "applied for a *permit*"
_MANDATE_REACH = 9  # words from "demanded that" to its "not"
_LEAD_WORDS = frozenset({"a", "an", "the", "for", "their", "its", "his", "her", "any", "new"})
# Negations that stand for the subject: they negate the verb after it.
_SUBJECT_NEGATIONS = frozenset({"nobody", "none", "nothing", "neither"})
_SUBJECT_FILLERS = frozenset({"one", "single"})
_RELATIVES = frozenset({"who", "whom", "whose", "which"})
_LY_VERBS = frozenset("apply reply supply rely comply imply multiply rally tally bully fly".split())
_PASSIVE = frozenset({"be", "been", "being", "is", "are", "was", "were", "am"})
_AUXILIARIES = _PASSIVE | frozenset("has have had do does did can could will would".split())
# Irregular verb forms, so that "did not sink" meets "sank". Snowball stems only suffixes.
_IRREGULAR = {
    form: base
    for base, *forms in (
        line.split()
        for line in """
        arise arose arisen; bear bore borne; beat beaten; become became; begin began begun;
        bend bent; bite bit bitten; bleed bled; blow blew blown; break broke broken;
        bring brought; build built; buy bought; catch caught; choose chose chosen;
        come came; deal dealt; dig dug; do does did done; draw drew drawn; drink drank drunk;
        drive drove driven; eat ate eaten; fall fell fallen; feed fed; feel felt;
        fight fought; find found; flee fled; fly flew flown; forbid forbade forbidden;
        forget forgot forgotten; freeze froze frozen; get got gotten; give gave given;
        go went gone; grow grew grown; hang hung; have has had; hear heard; hide hid hidden;
        hold held;
        keep kept; know knew known; lay laid; lead led; leave left; lend lent; lose lost;
        make made; mean meant; meet met; pay paid; ride rode ridden; ring rang rung;
        rise rose risen; run ran; say said; see saw seen; seek sought; sell sold;
        send sent; shake shook shaken; shoot shot; sing sang sung; sink sank sunk;
        sleep slept; speak spoke spoken; spend spent; stand stood; steal stole stolen;
        strike struck stricken; swear swore sworn; swim swam swum; take took taken;
        teach taught; tear tore torn; tell told; think thought; throw threw thrown;
        understand understood; wake woke woken; wear wore worn; win won; write wrote written
        """.replace("\n", " ").split(";")
    )
    for form in forms
}
# Words between a negation and what it negates: "did not *approve*", "no longer *stays*".
_BEFORE_PREDICATE = frozenset(
    "be been being is are was were am have has had do does did to a an the any anything yet "
    "ever even also so much more very further longer single always all".split()
)
_ARTICLES = frozenset({"a", "an", "the"})
_NAMED = "@"  # marks a name among concepts: names are said, and negated only in contrasts
_PHRASE_WORDS = 3  # content words of the noun phrase after "no" or a contrasting "not"
# After these a capital opens a sentence, a quote or a dateline's text; it names nothing.
_OPENING_MARKS = frozenset(':"“‘(—–-')
_SUPERLATIVES = frozenset({"most", "least", "best", "worst"})
_PREDICTING = frozenset({"likely", "expected", "poised", "bound"})  # "likely to become"
# What only may be ("could close"); "would" stays, as in "said it would close the plant".
_POSSIBLE = frozenset({"could", "may", "might", "should"})
_ABLE_TO_SAY = _WITHHOLDING | frozenset({"confirm", "verify", "see"})
_NOT_SUPERLATIVE = frozenset(
    "interest protest forest suggest arrest request honest modest contest harvest manifest "
    "invest digest conquest".split()
)
# Verbs of wanting and trying: "did not want to *stay*" negates the staying.
_CONTROL = frozenset(
    stem(w) for w in "want wish try plan intend expect need seem appear hope mean decide".split()
)
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
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")
_CONTEXT_CHARS = 60
_QUOTE_WORDS = 5  # shorter quotes ("no comment") are said by many
_OBJECT_WORDS = 6  # words after "allowed", "denied" ... that say what is allowed or denied
_SPANS = re.compile(
    r"\b(for|within|since|over|during|past|next|last|ago|until|till|through|before|after)\b",
    re.IGNORECASE,
)
_SLOT_WORDS = 2  # content words before a date that say what it dates
_SAYING_REACH = 2  # words from "said" to a date of the saying ("said *on* Oct. 3")
_DATE_SLACK = timedelta(days=1)  # reports a day apart often resolve "yesterday" differently
# A date this far from the other report's: the two statements speak of different moments.
_ANOTHER_MOMENT = 30  # days
_CLASH_CONTEXT = 0.3  # context overlap for two different figures to be of one thing
_LIST_FIGURES = 6  # more figures than this in one sentence: a table or a list
_CLOSE_RATIO = 1.2  # two figures of one fact are within a fifth of each other
_SMALL_COUNT = 10  # smaller counts ("the two leaders") are everywhere and tell little
_WEAK_FIGURE_CONTEXT = 0.2  # share of words around an age, sum, share ... for agreement
_UNIT_STEMS = frozenset({"percent", "cent"})  # "%" is written out
_QUALIFIER_STEMS = frozenset(
    stem(word) for phrases in QUALIFIERS.values() for word in re.findall(r"[a-z]+", phrases)
)
# Who said it, not what: "officials said 310 were injured" and "officials said 300 were
# evacuated" share no word about the figures.
_SAYERS = frozenset(stem(w) for w in "officials spokesman spokeswoman spokesperson".split())
# A place named with its kind: "the *town of Brenlow*", "the *province of Albay*".
_KIND_OF_PLACE = re.compile(
    r"\b((?i:town|city|village|province|county|state|district|region|island|municipality|"
    r"prefecture))\s+of\s+([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)"
)
# Words that make a figure a total over a region: "62 people throughout Europe".
_TOTAL_WORDS = frozenset(
    "throughout across nationwide worldwide statewide countrywide globally".split()
)
# A date written out has a number or a month's name ("in 2014", "in March"), not only a
# weekday or a relative word ("on Sunday", "yesterday").
_EXPLICIT_DATE = re.compile(
    r"\d|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)
_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "this", "that", "who"])
# After an auxiliary, the object of it as a verb: "doesn't do *it*" negates the doing.
_OBJECT_PRONOUNS = frozenset("it them him her us me you this that these those".split())
# What happened to those a figure counts, for the figures news most often revises: words
# of one state are one concept ("12 were *killed*", "the *death* toll", "30 *dead*"), and
# figures of different states in one sentence ("12 killed and 30 missing") measure
# different things.
_STATES = {
    word: state
    for state, forms in {
        "dead": "dead death deaths die died dies dying kill killed killing kills fatal "
        "fatalities fatality perished",
        "injured": "injured injuries injury injuring wounded wounding hurt",
        "missing": "missing unaccounted",
    }.items()
    for word in forms.split()
}
# States whose count only grows as a story develops: a later, higher figure than an
# earlier "at least" revises it ("at least 12 killed", a day later "27 killed").
_GROWING = frozenset({"dead", "injured"})
# Who a casualty figure may count whatever the noun: a count noun ("the death *toll*
# rose to 27") meets "12 *people* were killed", but not "12 *soldiers*" (a part).
_ANYONE = frozenset({"people", "person", "victim"}) | COUNT_NOUNS | frozenset(_STATES)
# Verbs whose "to" gives where a figure changed to: "the toll *rose to* 27".
_CHANGED_TO = frozenset(
    "rose risen rise rises climbed climb climbs increased increase jumped jump grew grown "
    "soared surged mounted swelled swollen fell fallen falls dropped drop decreased "
    "declined".split()
)
_CHANGE_REACH = 4  # words before a figure to its change verb: "rose to at least 27"


@dataclass(slots=True)
class Statement:
    """One sentence with what the comparison needs to know about it."""

    article: str
    sentence: int
    text: str
    source: str | None = None
    published: str | None = None
    quantities: list[Quantity] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    negative: bool = False
    terms: frozenset[str] = frozenset()  # content terms; grant and refusal words as PERMISSION
    topic: frozenset[str] = frozenset()  # the terms that are not names
    granted: frozenset[str] = frozenset()  # what a grant or refusal word is about
    stems: frozenset[str] = frozenset()  # every word of it, stemmed
    contexts: tuple[frozenset[str], ...] = ()  # the words around each of `quantities`
    # The same, stemmed and without who said it, for figures that agree (see `_gist`).
    gists: tuple[frozenset[str], ...] = ()
    places: frozenset[str] = frozenset()  # the places it names, lower-cased
    # The places it names with their kind, lower-cased: ("town", "brenlow").
    kinds_of_places: frozenset[tuple[str, str]] = frozenset()
    # The places named around each of `quantities`: "32 people *in Poland*".
    figure_places: tuple[frozenset[str], ...] = ()
    # What narrows each figure's thing, one phrase of stems per thing listed: "charges of
    # *attempted murder*", "of *crops* and *roads*" (see `Quantity.kinds`); () if nothing.
    kinds: tuple[tuple[str, ...], ...] = ()
    # Whether each figure is a total over a region: "62 people *throughout* Europe".
    totals: tuple[bool, ...] = ()
    # The states each figure's clause names (see `_STATES`): "30 others were *missing*".
    states: tuple[frozenset[str], ...] = ()
    # Whether each figure is where a change ended: "the death toll *rose to* 27".
    changes: tuple[bool, ...] = ()
    # Whether each figure is only possible or foreseen: "*could* land him in prison for
    # five years", "*expected to* reach 100".
    possible: tuple[bool, ...] = ()
    # The dates written out that date what it says (see `_event_dates`), and what each
    # dates: the stemmed words before it ("was *born* on").
    dates: tuple[TimeExpression, ...] = ()
    date_slots: tuple[frozenset[str], ...] = ()

    @classmethod
    def of(
        cls,
        article: str,
        sentence: int,
        text: str,
        *,
        source: str | None = None,
        published: str | None = None,
        quantities: list[Quantity] | None = None,
        times: list[TimeExpression] | None = None,
        quotes: list[Quote] | None = None,
        places: Sequence[str] = (),
    ) -> Statement:
        """A statement with its polarity and content terms worked out from `text`;
        `places` are the names of places (countries, cities, regions) it mentions."""
        terms = {
            PERMISSION if t in _GRANTING or t in _REFUSING else t
            for t in content_terms(text)
            if t not in _REPORTING
        }
        # Capitalised words name who and where; what two statements say lies in the rest.
        names = _names(text)
        dated = _event_dates(times or [], text)
        granted = set()
        for tokens, at in _permission_words(text):
            following = " ".join(tokens[at + 1 : at + 1 + _OBJECT_WORDS])
            granted |= set(content_terms(following)) - _GRANTING - _REFUSING - names
        return cls(
            article=article,
            sentence=sentence,
            text=text,
            source=source,
            published=published,
            quantities=quantities or [],
            times=times or [],
            quotes=quotes or [],
            negative=says_not(text),
            terms=frozenset(terms),
            topic=frozenset(terms - names),
            granted=frozenset(granted),
            stems=frozenset(stem(t) for t in words(text)),
            contexts=tuple(_context(q, text) for q in quantities or []),
            gists=tuple(_gist(q, text) for q in quantities or []),
            places=frozenset(p.lower() for p in places),
            kinds_of_places=frozenset(
                (m.group(1).lower(), m.group(2).lower()) for m in _KIND_OF_PLACE.finditer(text)
            ),
            figure_places=tuple(
                frozenset(p.lower() for p in places if p in _window(q, text))
                for q in quantities or []
            ),
            kinds=tuple(
                tuple(" ".join(map(stem, kind.split())) for kind in q.kinds)
                for q in quantities or []
            ),
            totals=tuple(
                bool(_TOTAL_WORDS & set(words(_window(q, text)))) for q in quantities or []
            ),
            states=tuple(_states(q, text) for q in quantities or []),
            changes=tuple(_changed_to(q, text) for q in quantities or []),
            possible=tuple(_foreseen(q, text) for q in quantities or []),
            dates=tuple(t for t, _ in dated),
            date_slots=tuple(slot for _, slot in dated),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """A disagreement between two statements: its kind and what each side says."""

    kind: str
    says_a: str
    says_b: str


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
    day_a, day_b = (a.published or "")[:10], (b.published or "")[:10]
    if not day_a or not day_b or day_a == day_b:
        return 0
    return 1 if day_b > day_a else -1


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


def date_clash(a: Statement, b: Statement) -> Finding | None:
    """Both statements date what they say, and a date of each has no counterpart in the
    other while they date the same thing: the words before them (names aside) share a
    word ("*indicted* in 1991, sanctions in 1992" against "*indicted* in 1988,
    sanctions in 1992"), or one says nothing of what it dates, or neither does and
    they stand at the same place of as many dates ("In 1994 he made his first visit"
    against "In 1991 he made …"). "Invaded in 1975" against "annexed in 1976" date
    different things.

    Only meaningful for statements already known to say the same thing (the
    caller checks similarity first).
    """
    dated_a, dated_b = a.dates, b.dates
    if not dated_a or not dated_b:
        return None
    slots_a, slots_b = a.date_slots, b.date_slots

    def same_place(k: int, m: int) -> bool:
        if slots_a[k] & slots_b[m]:
            return True
        empty = not slots_a[k] and not slots_b[m]
        return empty and k == m and len(dated_a) == len(dated_b)

    def may_meet(k: int, m: int, placed: bool) -> bool:
        if not _near(dated_a[k], dated_b[m]):
            return False
        # "elected in 2010" is no counterpart of "re-elected in 2010"
        return same_place(k, m) or (not placed and (not slots_a[k] or not slots_b[m]))

    # Each date meets at most one counterpart, one in its own place first: "In 1991 …
    # lost its land in 1991" has two dates for "In 1994 … in 1991" to match.
    alone_a, alone_b = set(range(len(dated_a))), set(range(len(dated_b)))
    for placed in (True, False):
        for k in sorted(alone_a):
            m = next((m for m in sorted(alone_b) if may_meet(k, m, placed)), None)
            if m is not None:
                alone_a.discard(k)
                alone_b.discard(m)
    # With no date in common, one that says nothing of what it dates may date anything.
    loose = len(alone_a) == len(dated_a) and len(alone_b) == len(dated_b)
    for k in sorted(alone_a):
        for m in sorted(alone_b):
            vague = not slots_a[k] or not slots_b[m]
            if same_place(k, m) or (loose and vague):
                return Finding("date", _when(dated_a[k]), _when(dated_b[m]))
    return None


def _event_dates(
    times: list[TimeExpression], text: str
) -> list[tuple[TimeExpression, frozenset[str]]]:
    """The dates written out in `text` that date what it says, each with what it dates:
    the last `_SLOT_WORDS` content words before it in its clause that are not
    capitalised ("Lane was *born* in Brooklyn on"), stemmed, empty when there are none.
    A date of the saying ("officials *said* on Oct. 3") dates the report, not the
    news, and is left out. See `_explicit_dates` for which dates are written out."""
    found = []
    for time in _explicit_dates(times):
        at = text.find(time.text)
        # "The plant, *opened* in 1971", "arrested in 2015 and *convicted* in 2017"
        clause = re.split(r"[()]", _CLAUSES.split(text[: max(at, 0)])[-1])[-1]
        if _REPORTING & set(words(clause)[-_SAYING_REACH:]):
            continue  # "said on Oct. 3", not "expected to be announced just after Oct. 5"
        # Capitalised words, even a sentence's first, likely name who or where, not what.
        lower = list(content_terms(" ".join(w for w in clause.split() if w[:1].islower())))
        found.append((time, frozenset(stem(t) for t in lower[-_SLOT_WORDS:])))
    return found


def another_moment(a: Statement, b: Statement) -> bool:
    """Whether the statements speak of different moments, so that their figures and
    polarity may differ without conflict: both date what they say and no date of one
    overlaps a date of the other ("invaded in 1975", "annexed in 1976"), or only one
    does and every such date lies more than `_ANOTHER_MOMENT` days from the other's
    report ("In 1966 up to 100,000 meteors an hour fell" against an undated "the
    shower peaked at 2,000 an hour" published today). The undated statement is taken
    to speak of its publication date (else of the dated one's). Cost: one pass over
    the two statements' time expressions."""
    dated_a, dated_b = a.dates, b.dates
    if dated_a and dated_b:
        return not any(_near(ta, tb) for ta in dated_a for tb in dated_b)
    if not dated_a and not dated_b:
        return False  # nothing to go on
    dated, (dated_side, undated) = (dated_a, (a, b)) if dated_a else (dated_b, (b, a))
    reference = day_number(undated.published) or day_number(dated_side.published)
    if reference is None:
        return False
    spans = [(day_number(t.start), day_number(t.end)) for t in dated]
    return all(
        start is not None
        and end is not None
        and (end < reference - _ANOTHER_MOMENT or start > reference + _ANOTHER_MOMENT)
        for start, end in spans
    )


def _near(ta: TimeExpression, tb: TimeExpression) -> bool:
    """The two spans overlap, give or take `_DATE_SLACK` between two days (not between
    two years: 1991 ends the day before 1992 begins)."""
    start_a, end_a = date.fromisoformat(ta.start[:10]), date.fromisoformat(ta.end[:10])
    start_b, end_b = date.fromisoformat(tb.start[:10]), date.fromisoformat(tb.end[:10])
    slack = _DATE_SLACK if start_a == end_a and start_b == end_b else timedelta(0)
    return start_a <= end_b + slack and start_b <= end_a + slack


def _explicit_dates(times: list[TimeExpression]) -> list[TimeExpression]:
    """Dates written out ("March 3", "in 2014"). Relative ones ("on Sunday") are resolved
    against the publication date and may point a week off, and spans ("for 14
    years", "since 1984") and bounds ("until March", "before 2020") say how long or by
    when rather than when, so none of them ever clashes."""
    return [
        t
        for t in times
        if t.start and t.end and _EXPLICIT_DATE.search(t.text) and not _SPANS.search(t.text)
    ]


def says_not(text: str) -> bool:
    """Whether a statement denies, refuses or doubts: it has a negation, refusal or
    doubt word that is not cancelled. "Not only" negates nothing; a negated refusal or
    doubt in the same clause ("did not deny", "never refused", "no doubt", "little
    doubt") affirms. Cost: linear in the text."""
    return any(_denials(tokens) for tokens in _clauses(text))


def denied(text: str) -> frozenset[tuple[str, ...]]:
    """What a statement's uncancelled negations and denials are about, as phrases of
    stems (grant and refusal words as one concept), each of which another statement must
    say all of to be denied: the word a negation negates ("did not *approve*", "nobody
    was *hurt*"), the noun phrase after "no" ("no *scientific explanation*"), and each
    word a refusal or doubt governs ("denied that the *dam* had been *damaged*"), within
    its clause and before any subordinate clause; names do not count ("a *ban* on
    Libya's sales" is about sales). Empty when the statement denies nothing. Cost:
    linear in the text."""
    names = _names(text)
    found: set[tuple[str, ...]] = set()
    before: set[str] = set()  # the concepts of the clauses before, for a contrast
    clauses = _clauses(text)
    for number, clause in enumerate(clauses):
        tokens = _before_condition(clause)  # the places `_denials` gives are in these
        for at in _denials(tokens):
            if tokens[at] in NEGATIONS:
                named = _contrasted_name(clauses, number, text, names) if at == 0 else None
                found |= {named} if named else _negated(tokens, at, names, contrasted=before)
                continue
            scope = _scope(tokens, at, names, _SCOPE_ENDS)
            governed = {(_concept(t),) for t in scope[:_OBJECT_WORDS] if t not in stop_words()}
            # "The request was denied", "rejected it": a refusal of nothing named refuses
            # whatever the other statement grants.
            found |= governed or ({(PERMISSION,)} if tokens[at] in _REFUSING else set())
        before |= {_concept(t) for t in clause if t not in stop_words()}
    return frozenset(found)


def _clauses(text: str) -> list[list[str]]:
    """The words of each clause of `text`."""
    return [words(clause) for clause in _CLAUSES.split(text)]


def _negated(
    tokens: list[str], at: int, names: set[str], *, contrasted: set[str] | None = None
) -> set[tuple[str, ...]]:
    """What the negation at `at` of a clause's `tokens` negates, up to a subordinate clause,
    as phrases (see `denied`). A "not" that opens a clause after others (whose concepts
    are `contrasted`) sets its phrase against them: the phrase's run of content words is
    negated ("stabbed, not *shot*"; "manslaughter, not *murder* in the death"), and when
    the statement says all of that run already, what follows it too ("observational
    studies, not *studies* of *children*": not any study); see `_contrasted_name` for a
    name set against another. "Nobody", "none", "not one" stand for the subject: then
    the first content word after the last auxiliary ("none of the passengers were *hurt*"), or every
    content word without one ("nobody *died*"). Otherwise the first word that is not
    an auxiliary, article or adverb ("did not immediately *respond*"); right after "no",
    the run of content words it opens ("no *scientific explanation* for"); after a verb of
    wanting or trying, the verb it governs ("did not want to be *punished*"); a verb of
    saying withholds an answer ("would not *say*") unless it is passive ("was not
    *told*")."""
    scope = _scope(tokens, at, names, _SCOPE_ENDS)
    ahead = [t for t in scope if t not in _BEFORE_PREDICATE and not _adverb(t)]
    if tokens[at] in _SUBJECT_NEGATIONS or (ahead and ahead[0] in _SUBJECT_FILLERS):
        # A relative clause is part of the subject: "nobody who was inside was hurt".
        scope = _scope(tokens, at, names, _SCOPE_ENDS - _RELATIVES)
        auxiliaries = [i for i, t in enumerate(scope) if t in _AUXILIARIES]
        after = scope[auxiliaries[-1] + 1 :] if auxiliaries else scope
        content = [
            _concept(t) for t in after if t not in stop_words() and t not in _SUBJECT_FILLERS
        ]
        return {(c,) for c in (content[:1] if auxiliaries else content)}
    if contrasted and at == 0 and tokens[at] == "not":
        if not ahead:
            return set()
        phrase = _noun_phrase(scope)
        if set(phrase) <= contrasted:
            content = [_concept(t) for t in scope if t not in stop_words()]
            phrase = tuple(dict.fromkeys(content[:_PHRASE_WORDS]))
        return {phrase}
    if not ahead:
        return set()
    predicate = ahead[0]
    place = scope.index(predicate)
    verbs = [t for t in scope[:place] if t in _AUXILIARIES]
    if predicate in _OBJECT_PRONOUNS and verbs:
        # "doesn't *do* it", "did not have them": the auxiliary was the verb.
        predicate, place = verbs[-1], scope.index(verbs[-1])
    nearby = set(tokens[max(0, at - 1) : at]) | set(scope[:place])
    if predicate in _WITHHOLDING and not _PASSIVE & nearby:
        return set()
    # "have not given the troops permission": the grant, not the light verb, is negated.
    granting = any(t in _GRANTING for t in scope[:_OBJECT_WORDS])
    found = {(PERMISSION,)} if granting else set()
    if tokens[at] == "no" and place == 0:
        if predicate == "other":  # "no other workers were hurt": the rest were
            return found
        return found | {_noun_phrase(scope)}
    if _concept(predicate) in _CONTROL and scope[place + 1 : place + 2] == ["to"]:
        # "did not want to be punished": not wanting the punishment; "left" is no clash.
        governed = [t for t in scope[place + 2 :] if t not in _BEFORE_PREDICATE]
        if governed:
            return found | {(_concept(predicate), _concept(governed[0]))}
    return found | {(_concept(predicate),)}


def _contrasted_name(
    clauses: list[list[str]], number: int, text: str, names: set[str]
) -> tuple[str, ...] | None:
    """A name that the "not" opening clause `number` of `text` sets against what came
    before ("moved its headquarters to Denver, not *Boston*"; "Smith, not *Jones*, will
    lead the team"), as a phrase: the name, marked, and what it is said of, the last word
    before it that is no name ("*headquarters*"), else the first after it ("*lead*");
    the other statement must say both. None when no name (of `names`, see `_names`)
    follows the "not"."""
    tokens = clauses[number]
    if number == 0 or tokens[0] != "not":
        return None
    following = itertools.dropwhile(lambda t: t in _ARTICLES, tokens[1:])
    named = list(itertools.takewhile(lambda t: t in names, following))  # not "not *because*"
    if not named:
        return None
    capitalised = {m.group().lower() for m in _CAPITALISED.finditer(text)}  # "*Coach* Smith"

    def content(clause: list[str]) -> list[str]:
        return [t for t in clause if t not in stop_words() and t not in capitalised]

    earlier = content(clauses[number - 1])
    later = [t for clause in clauses[number + 1 :] for t in content(clause)]
    said_of = earlier[-1:] or later[:1]
    return tuple(_NAMED + t for t in named) + tuple(_concept(t) for t in said_of)


def _noun_phrase(scope: list[str]) -> tuple[str, ...]:
    """The concepts of the noun phrase that opens `scope` (the words after "no"): its
    content words up to a stop word or a participle after them ("no *injuries* reported"),
    at most `_PHRASE_WORDS`; the first word when there are none ("no *other* workers")."""
    content = list(itertools.dropwhile(lambda t: t in stop_words(), scope))
    run: list[str] = []
    for word in content[:_PHRASE_WORDS]:
        if word in stop_words() or (run and word.endswith(("ed", "en"))):
            break
        run.append(word)
    return tuple(dict.fromkeys(_concept(t) for t in run or scope[:1]))


def _adverb(word: str) -> bool:
    """An adverb in "-ly" ("immediately"), not a verb that ends so ("reply", "supply")."""
    return word.endswith("ly") and word not in _LY_VERBS


def _scope(tokens: list[str], at: int, names: set[str], ends: frozenset[str]) -> list[str]:
    """The words after `at` up to the first of `ends`, names left out."""
    following = itertools.takewhile(lambda t: t not in ends, tokens[at + 1 :])
    return [t for t in following if t not in names]


def _concept(word: str) -> str:
    """A word as the polarity checks compare it: grant and refusal words as one concept,
    irregular verb forms as their base ("sank" as "sink"), then stemmed."""
    if word in _GRANTING or word in _REFUSING:
        return PERMISSION
    return stem(_IRREGULAR.get(word, word))


def _same_concept(a: str, b: str) -> bool:
    """Stems that name one thing: equal, or one a long prefix of the other ("injur" of
    "injuri": "injured" and "injuries" stem apart)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 5 and long.startswith(short)


def _permission_words(text: str) -> list[tuple[list[str], int]]:
    """The grant and refusal words that `text` asserts, each as (its clause's tokens, its
    place): not those asked for or attempted, nor those in a condition."""
    found = []
    for clause in _clauses(text):
        tokens = _before_condition(clause)
        found += [
            (tokens, at)
            for at, t in enumerate(tokens)
            if (t in _GRANTING or t in _REFUSING) and not _requested(tokens, at)
        ]
    return found


def _before_condition(tokens: list[str]) -> list[str]:
    """A clause's tokens but a condition ("if", "unless" or "whether" and what follows),
    which asserts nothing. When the condition opens the clause without a comma, it ends
    where the main clause's "will", "would" or "shall" begins, with the word before it ("if
    convicted *the officer will not* serve"): that clause is asserted."""
    head = list(itertools.takewhile(lambda t: t not in _CONDITIONS, tokens))
    if head or len(tokens) == 0 or tokens[0] == "whether":
        # Only a condition that opens its clause has its main clause after it: "would
        # not say if the council will approve" asserts no approval.
        return head
    rest = tokens[len(head) + 1 :]
    main = next((i for i, t in enumerate(rest) if t in _CONSEQUENCE and i >= 2), None)
    return head if main is None else head + rest[main - 1 :]


def _requested(tokens: list[str], at: int) -> bool:
    """Whether the word at `at` is only asked for, needed, attempted, planned or possible:
    a modal just before it ("could block"); a verb of asking or needing before it, with
    little words between or before a grant noun ("need a *permit*", "applied for
    *permission*", "sought *approval*"; not "the move *allowed*"); or "to" before
    it and a word of asking, trying or planning, or a modal, shortly before that ("urged
    the council to reject", "failed to block", "it would be unwise to reject")."""
    if at == 0:
        return False
    if tokens[at - 1] in _MODALS:
        return True
    before = at - 1
    while before > 0 and at - before <= _OBJECT_LEAD and tokens[before] in _LEAD_WORDS:
        before -= 1
    if tokens[before] in _SEEKING and (before < at - 1 or tokens[at] in _GRANT_NOUNS):
        return True
    if tokens[at - 1] != "to":
        return False
    window = tokens[max(0, at - 1 - _REQUEST_REACH) : at - 1]
    return any(t in _REQUESTING or t in _MODALS for t in window)


def _mandated(tokens: list[str], at: int) -> bool:
    """Whether the "not" at `at` is in a clause asked for, not asserted: "proposed that
    Netscape *not* market a browser" (no auxiliary before it, "that" after a word of
    asking shortly before)."""
    before = at - 1
    while before > 0 and _adverb(tokens[before]):  # "had definitely not fired"
        before -= 1
    if at < 2 or tokens[before] in _AUXILIARIES or tokens[before] in _MODALS:
        return False
    if tokens[before] in {"need", "dare"}:  # "need not evacuate" is said, not asked
        return False
    window = tokens[max(0, at - _MANDATE_REACH) : at - 1]
    return any(t == "that" and i > 0 and window[i - 1] in _REQUESTING for i, t in enumerate(window))


def _denials(tokens: list[str]) -> list[int]:
    """Where in a clause's `tokens` an uncancelled negation, refusal or doubt word is.
    After "if", "unless" or "whether" nothing is denied: the clause is a condition."""
    tokens = _before_condition(tokens)
    cancelled: set[int] = set()
    for at, token in enumerate(tokens):
        if token in _DOUBTING and at > 0 and tokens[at - 1] in _AFFIRMING_DOUBT:
            cancelled.add(at)  # "little doubt", "beyond doubt"
        if token not in NEGATIONS or at in cancelled:
            continue
        if token == "not" and _mandated(tokens, at):
            cancelled.add(at)
            continue
        following = tokens[at + 1 : at + 1 + _NEGATION_REACH]
        if following[:1] and following[0] in _NOT_NEGATING:
            cancelled.add(at)
            continue
        denial = next((at + 1 + i for i, t in enumerate(following) if t in _DENYING), None)
        if denial is not None:
            cancelled |= {at, denial}
    return [
        at
        for at, t in enumerate(tokens)
        if (t in NEGATIONS or (t in _DENYING and not _requested(tokens, at)))
        and at not in cancelled
    ]


def polarity_clash(a: Statement, b: Statement, min_shared: int) -> Finding | None:
    """One statement negates or refuses what the other affirms, about the same thing:
    they share at least `min_shared` content terms other than names, where grant
    and refusal words ("no permission", "allowed", "denied") count as one term, and
    what the negation negates is said by the other ("did not *approve*" against
    "*approved*"; not "a move never *recognized*" against "annexed"). A question asserts
    nothing ("why would Facebook buy a game company?")."""
    if a.negative == b.negative or _asks(a.text) or _asks(b.text):
        return None
    common = {stem(t) for t in a.topic} & {stem(t) for t in b.topic}  # "damage", "damaged"
    if len(common) < min_shared:
        return None
    shared = {t for t in a.topic if stem(t) in common}
    no, yes = (a, b) if a.negative else (b, a)
    said = _said(yes.text, frozenset(words(no.text)) & (_POSSIBLE | _PREDICTING))
    negated = denied(no.text)
    if not any(all(any(_same_concept(n, s) for s in said) for n in phrase) for phrase in negated):
        return None
    about = ", ".join(sorted(t for t in shared if t != PERMISSION)[:4])
    if about_permission(a, b):
        about = ", ".join(sorted(a.granted & b.granted)[:4])
        no = f"reports a refusal ({_cues(a if a.negative else b, True)}) on {about}"
        granting = _cues(b if a.negative else a, False)
        # "did not deny" affirms without a word that grants: quote what it says instead.
        yes = (
            f"reports it granted ({granting})"
            if granting
            else f"says it is so ({_cues(b if a.negative else a, True)})"
        )
    else:
        no = f"says it is not so ({_cues(a if a.negative else b, True)}) on {about}"
        yes = "says it is"
    return Finding("polarity", no, yes) if a.negative else Finding("polarity", yes, no)


def _asks(text: str) -> bool:
    """Whether a sentence is a question: it ends in "?", or in a quoted question that is
    the whole sentence (not 'the mayor asked, "Why close it?"')."""
    body = text.strip()
    quoted = body.rstrip("\"'”’)]")
    if not quoted.endswith("?"):
        return False
    return quoted == body.rstrip(")]") or body[:1] in "\"“‘'"


def _said(text: str, hedged: frozenset[str] = frozenset()) -> set[str]:
    """What a statement affirms, as concepts for `denied` to meet: its words (grant and
    refusal words as one concept when it grants or refuses), but not names (mid-sentence
    capitals: "the *Endangered* Species Act"), nor a verb after a superlative's "ever",
    which compares ("the largest foot ever *found*"), nor what is only sought, the rest of
    the clause after a verb of asking or needing ("requested the *use* of a camera crew"),
    nor what only may be, a modal's or a prediction's rest of the clause ("should be
    *considered* threatened", "likely to become an *endangered* species"), unless the
    denial is `hedged` alike ("could not prove damaging" denies "could prove damaging")."""
    names = _names(text)
    capitalised = {m.group().lower() for m in _CAPITALISED.finditer(text)}  # "*Jones* said"
    said = set()
    for tokens in _clauses(text):
        foreseen = sought = False
        for i, t in enumerate(tokens):
            if t in _SCOPE_ENDS:
                sought = False
            if t in _SCOPE_ENDS or t == "that":
                foreseen = False  # "could collapse after it was *damaged*": that was
            # "in May approved": a name is no hedge
            if _hedges(tokens, i) and t not in hedged and t not in names:
                foreseen = True
            if t in capitalised and not foreseen:
                said.add(_NAMED + t)  # only a contrast on a name negates one
            if foreseen or sought or t in _GRANTING or t in _REFUSING or t in names:
                continue
            if tokens[i - 1 : i] == ["ever"] and any(map(_superlative, tokens[max(0, i - 4) : i])):
                continue
            said.add(_concept(t))
            sought = t in _SEEKING  # "requested the *use* of a crew": asked for, not had
    if _permission_words(text):
        said.add(PERMISSION)
    return said


def _names(text: str) -> set[str]:
    """The lower-cased words that `text` capitalises mid-sentence ("the *Endangered*
    Species Act", "in *May*"): not the first word, nor one after a colon, quotation mark,
    bracket or dash, where a sentence, quote or dateline's text begins."""
    names = set()
    for match in _CAPITALISED.finditer(text):
        at = match.start() - 1  # the last mark before the word (not a slice: linear)
        while at >= 0 and text[at].isspace():
            at -= 1
        if at >= 0 and text[at] not in _OPENING_MARKS:
            names.add(match.group().lower())
    return names


def _hedges(tokens: list[str], at: int) -> bool:
    """Whether the word at `at` makes what follows only possible or foreseen: a modal
    ("could collapse"), or "likely", "expected" ... before "to"; not a modal before a
    verb of saying or confirming ("could confirm the arrest" confirms it)."""
    word, following = tokens[at], tokens[at + 1 : at + 2]
    if word in _POSSIBLE:
        return not following or following[0] not in _ABLE_TO_SAY
    return word in _PREDICTING and following == ["to"]


def _superlative(word: str) -> bool:
    """Whether a word is a superlative ("largest", "most"): "the largest ever found"."""
    if word in _SUPERLATIVES:
        return True
    return len(word) > 5 and word.endswith("est") and word not in _NOT_SUPERLATIVE


def _cues(statement: Statement, negative: bool) -> str:
    """The words that carry a statement's polarity, quoted: "not … permission", "allowed";
    with `negative`, its negation, refusal and grant words, else only its grant words
    ("" when it has none)."""
    wanted = (NEGATIONS | _DENYING | _GRANTING) if negative else _GRANTING
    found = [t for t in words(statement.text) if t in wanted]
    if not found:
        return "" if not negative else "“…”"
    return "“" + " … ".join(dict.fromkeys(found[:3])) + "”"


def about_permission(a: Statement, b: Statement) -> bool:
    """Both statements grant or refuse the same thing: the words right after their
    grant or refusal words ("permission to stay", "allowed to stay") meet."""
    return bool(a.granted & b.granted)


def repeats(a: Statement, b: Statement) -> bool:
    """Whether one statement repeats the other: the same polarity, and the content terms of
    one all among the other's (the same words, or the same with more detail). A repeat
    never contradicts, whatever a classifier makes of two negative sentences; one word
    swapped for another ("rose" for "fell") is no repeat."""
    if a.negative != b.negative or not a.terms or not b.terms:
        return False
    return a.terms <= b.terms or b.terms <= a.terms


def speaker_clash(a: Statement, b: Statement, min_overlap: float = 0.8) -> Finding | None:
    """The same quoted words (word overlap ≥ `min_overlap`) attributed to different named
    speakers. Reported speech is left out: two people may well say the same thing. So is
    one sentence carried word for word by two articles: it names one speaker, and any
    other comes from a mistake in reading one of them."""
    if words(a.text) == words(b.text):
        return None
    for qa in a.quotes:
        for qb in b.quotes:
            if qa.kind != "direct" or qb.kind != "direct" or not _named(qa) or not _named(qb):
                continue
            ka, kb = name_key(qa.speaker), name_key(qb.speaker)
            if ka == kb or ka in kb or kb in ka or ka.split()[-1:] == kb.split()[-1:]:
                continue
            wa, wb = set(words(qa.text)), set(words(qb.text))
            if min(len(wa), len(wb)) >= _QUOTE_WORDS and len(wa & wb) / len(wa | wb) >= min_overlap:
                return Finding("speaker", f"{qa.speaker} said it", f"{qb.speaker} said it")
    return None


def _named(quote: Quote) -> bool:
    """The quote names its speaker in its own words, by a proper name ("Silveira said"),
    not a pronoun resolved by guesswork nor a group ("Turkish officials")."""
    named = quote.speaker_text or ""
    last = named.split()[-1] if named.split() else ""
    return bool(quote.speaker) and last[:1].isupper() and named.lower() not in _PRONOUNS


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


def _states(quantity: Quantity, text: str) -> frozenset[str]:
    """The states (see `_STATES`) that the clause of a figure names: "and 30 others were
    *missing*" is of the missing, "12 people were *killed* when ..." of the dead."""
    at = text.find(quantity.text)
    if at < 0:
        return frozenset()
    start, end = _clause_around(text, at, at + len(quantity.text))
    return frozenset(_STATES[w] for w in words(text[start:end]) if w in _STATES)


def _foreseen(quantity: Quantity, text: str) -> bool:
    """Whether a figure's clause makes it only possible or foreseen before it (see
    `_hedges`): "charges that *could* land him in prison for five years"."""
    at = text.find(quantity.text)
    if at < 0:
        return False
    start, _ = _clause_around(text, at, at)
    tokens = words(text[start:at])
    return any(_hedges(tokens, k) for k in range(len(tokens)))


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause that holds `text[start:end]` begins and ends."""
    begins = max((m.end() for m in _CLAUSES.finditer(text, 0, start)), default=0)
    ends = next((m.start() for m in _CLAUSES.finditer(text, end)), len(text))
    return begins, ends


def _changed_to(quantity: Quantity, text: str) -> bool:
    """Whether a figure is where a change ended: "the death toll *rose to* 27", "has
    *climbed to* at least 27"."""
    at = text.find(quantity.text)
    if at < 0:
        return False
    before = words(text[:at])[-_CHANGE_REACH:]
    return any(w == "to" and k > 0 and before[k - 1] in _CHANGED_TO for k, w in enumerate(before))


def _window(quantity: Quantity, text: str) -> str:
    """The text around a figure, in whole words (all of `text` when the figure is not
    found in it)."""
    at = text.find(quantity.text)
    if at < 0:
        return text
    start, end = (
        max(0, at - _CONTEXT_CHARS),
        min(len(text), at + len(quantity.text) + _CONTEXT_CHARS),
    )
    # A word cut at an edge would be a word of its own: "sou" of "Southern".
    if start > 0 and text[start - 1].isalnum():
        while start < at and text[start].isalnum():
            start += 1
    if end < len(text) and text[end].isalnum():
        while end > at + len(quantity.text) and text[end - 1].isalnum():
            end -= 1
    return text[start:end]


def _context(quantity: Quantity, text: str) -> frozenset[str]:
    """The content words around a figure, less what it counts."""
    measured = {quantity.what, quantity.unit}
    return frozenset(t for t in content_terms(_window(quantity, text)) if t not in measured)


def _gist(quantity: Quantity, text: str) -> frozenset[str]:
    """What is said around a figure, for two figures to be found one fact: the content
    words around it, stemmed, less what it counts, its unit, its own words and who said
    it ("deliberated for three days" and "after three days of deliberations" share
    "deliber"; "officials said 310 were injured" and "officials said 300 were evacuated"
    share nothing). Clashes keep the plain context: a figure conflict needs more."""
    measured = {stem(w) for w in (quantity.what, quantity.unit) if w} | _UNIT_STEMS
    measured |= {stem(w) for w in content_terms(quantity.text)}  # "seven", "thousand"
    measured |= _QUALIFIER_STEMS  # "*nearly* two months"
    found = {stem(t) for t in content_terms(_window(quantity, text)) if t not in _REPORTING}
    return frozenset(found - measured - _SAYERS)


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
    after = words(text[at + len(quantity.text) :])[:_OBJECT_WORDS]
    what = quantity.what.lower()
    forms = (what, what[:-1] + "ies") if what.endswith("y") else (what,)  # "stories"
    return next((w for w in after if w.startswith(forms)), None)


def _when(time: TimeExpression) -> str:
    """A date as written, with what it was read as when the words leave it open: "Oct. 7
    (7 Oct 1998)", "in October (Oct 1998)", "last year (1997)", but "in 1976" alone."""
    start, end = time.start or "", time.end or ""
    if start == end:
        return f"{time.text} ({readable_date(start)})"
    if start[4:10] == "-01-01" and end[4:10] == "-12-31" and start[:4] == end[:4]:
        return time.text if start[:4] in time.text else f"{time.text} ({start[:4]})"
    first, last = date.fromisoformat(start[:10]), date.fromisoformat(end[:10])
    if first.day == 1 and (last + timedelta(days=1)).day == 1 and first.month == last.month:
        return f"{time.text} ({first.strftime('%b %Y')})"
    return f"{time.text} ({readable_date(start)} to {readable_date(end)})"

"""Numbers with what they count, their unit and their qualifier.

"One thousand American troops" is 1,000 troops; "twenty-seven" and "twenty seven"
are 27, "one hundred and five" 105, "two dozen" 24 and "half a million" 500,000;
"four weeks" a duration of 4 weeks; "five-day ceasefire" a 5-day duration of a
ceasefire; "around 5,000", "more than 5,000" and "at most four weeks" keep their
qualifiers so that later stages can tell which statements agree (see
`Quantity.bounds`). "30 others" counts what the figure before it counts. Years,
dates, times, ordinals ("twenty-first") and fractions ("two-thirds of the vote")
are not quantities.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from storyline.language.nlp import stop_words
from storyline.model import Quantity, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

SMALL = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
    "a": 1,
}
SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "bn": 1_000_000_000,
    "m": 1_000_000,
    "k": 1_000,
}
# Dependents only a verb has: a conjunct with them is a clause, not another thing listed.
_CLAUSE_ROLES = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "dobj"})
#: Words after a figure that make it count only some of the thing: "three *other* states".
PART_WORDS = frozenset({"other", "more", "additional", "further", "extra", "new"})
DURATIONS = {
    "second": "second",
    "minute": "minute",
    "hour": "hour",
    "day": "day",
    "week": "week",
    "fortnight": "fortnight",
    "month": "month",
    "year": "year",
    "decade": "decade",
    "century": "century",
}
MEASURES = {
    "km",
    "kilometre",
    "kilometer",
    "mile",
    "metre",
    "meter",
    "m",
    "foot",
    "feet",
    "inch",
    "kg",
    "kilogram",
    "gram",
    "pound",
    "lb",
    "ton",
    "tonne",
    "mph",
    "kph",
    "degree",
    "acre",
    "hectare",
    "barrel",
    "litre",
    "liter",
    "gallon",
    "megawatt",
    "gigawatt",
    "calorie",
}
CURRENCIES = {
    "$": "USD",
    "us$": "USD",
    "dollar": "USD",
    "dlr": "USD",  # older AP wire copy: "dlrs 15,000"
    "€": "EUR",
    "euro": "EUR",
    "£": "GBP",
    "sterling": "GBP",
    "¥": "JPY",
    "yen": "JPY",
    "yuan": "CNY",
    "rupee": "INR",
    "ruble": "RUB",
    "rouble": "RUB",
}
PERCENT = {"%", "percent", "per cent", "pct"}
# Qualifier phrases just before a number, longest first, mapped to Quantity qualifiers.
QUALIFIERS = {
    "at most": "no more than|not more than|not exceeding|no longer than|a maximum of|at most|"
    "at the most|within",
    "up to": "up to|as many as|as much as",
    "at least": "no fewer than|no less than|not less than|a minimum of|at least",
    "more than": "more than|greater than|over|above|upwards of|in excess of|exceeding|higher than",
    "less than": "less than|fewer than|under|below|lower than",
    "about": "about|around|approximately|roughly|some|nearly|almost|close to|an estimated|"
    "estimated|circa|approx.|approx|just over|just under|more or less",
}
_QUALIFIERS = {phrase: q for q, phrases in QUALIFIERS.items() for phrase in phrases.split("|")}
_FILLER = {"a", "an", "the", "time", "frame", "period", "total", "of"}
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
# A scale written onto the number: "2bn", "2.5bn", "20k", "5m".
_ATTACHED_SCALE = re.compile(r"^(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(bn|m|k)$")
# Words that join the two ends of a range: "between 3 and 5", "3-5", "200 to 300".
_RANGE_JOINS = {"and", "to", "-", "–"}
_HYPHENS = frozenset({"-", "–"})
_TENS = frozenset("twenty thirty forty fifty sixty seventy eighty ninety".split())
_UNITS = frozenset("one two three four five six seven eight nine".split())
#: Number words as said after another ("hundred *five*"): not the "a" of "a million".
_SAID_NUMBERS = frozenset(SMALL) - {"a", "dozen"}
_ORDINALS = frozenset("first second third fourth fifth sixth seventh eighth ninth".split())
# What a number counts in a fraction: "two-*thirds*", "three *quarters* of".
_DENOMINATORS = frozenset(
    "half third quarter fourth fifth sixth seventh eighth ninth tenth hundredth thousandth".split()
)
# "rose 12 to 340", "by 500 to 2,000": a change and where it ended, not a range.
_CHANGES = frozenset(
    "by from rose risen rise rises fell fallen fall falls jumped jump jumps climbed climb "
    "increased increase decreased decrease dropped drop grew grow cut raised lowered up down "
    "gained lost added slipped soared surged plunged doubled".split()
)
_MAX_RANGE_RATIO = 10  # "12 to 340" is no range; "5 to 10 years" and "3 to 5 million" are
# One token holding a whole range: "3–5", "£2m-£3m", "2m-3m" (the tokenizer keeps them whole).
_DASHED_RANGE = re.compile(r"^[$£€]?([\d.,]+(?:bn|m|k)?)[-–][$£€]?([\d.,]+(?:bn|m|k)?)$")
# Numbers inside these are dates, or parts of names ("Boeing 747", "Catch-22").
_SKIP_ENTITIES = {"DATE", "TIME", "ORDINAL", "PRODUCT", "WORK_OF_ART", "LAW", "FAC"}
# Dependency roles a counted noun can have (no tagger runs, so the parse says what is a noun).
# A number in one of these roles stands for a noun itself: its head is no counted noun.
_ARGUMENT_ROLES = {"nsubj", "nsubjpass", "dobj", "pobj"}
#: Nouns that name a count: "the death toll rose to 74", "a crowd capacity of 150".
COUNT_NOUNS = frozenset(
    "toll number total tally count figure turnout attendance population capacity".split()
)
_NOUN_ROLES = {
    "nsubj",
    "nsubjpass",
    "dobj",
    "pobj",
    "attr",
    "appos",
    "conj",
    "npadvmod",
    "compound",
    "oprd",
    "dative",
    "nmod",
    "poss",
    "ROOT",
}


def find_quantities(doc: Doc, sentences: list[Sentence]) -> list[Quantity]:
    """Every quantity in the parsed article, in text order. Cost: linear in tokens."""
    starts = [s.start for s in sentences]
    source = doc.text  # Doc.text rebuilds the string on every access
    found: list[Quantity] = []
    i = 0
    while i < len(doc):
        token = doc[i]
        value_end = _number_end(doc, i)
        spanned = _dashed_range(doc, i) if value_end == i else _spaced_range(doc, i, value_end)
        if value_end == i and spanned is None:
            i += 1
            continue
        if spanned is None and (after := _not_a_count(doc, value_end)) is not None:
            i = after  # "twenty-first", "two-thirds of the vote"
            continue
        value, high = _value([_word(t) for t in doc[i:value_end]]), None
        if spanned is not None:
            value, high, value_end = spanned
        numbers = doc[i:value_end]
        unit_token = doc[value_end] if value_end < len(doc) else None
        if unit_token is not None and unit_token.text in "-–" and value_end + 1 < len(doc):
            unit_token = doc[value_end + 1]  # "five-day"
        kind, unit = _unit(doc, i, unit_token)
        if (
            kind == "duration"
            and unit_token is not None
            and unit_token.i + 2 < len(doc)
            and (doc[unit_token.i + 1].text in "-–" and doc[unit_token.i + 2].lower_ == "old")
        ):
            kind = "age"  # "a 42-year-old man"
        what = _counted(numbers, unit_token, kind) if value is not None else None
        kinds = _kinds(numbers, unit_token, kind) if what or kind == "money" else []
        # A range that counts something ("between two and three hundred people") is no
        # date, whatever the entity recogniser says.
        if value is None or ((high is None or what is None) and _is_date_or_label(numbers, kind)):
            i = value_end
            continue
        sentence = max(0, bisect.bisect_right(starts, token.idx) - 1)
        if what == "other":
            what = _others(found, sentence)
        end_token = (
            unit_token
            if kind in ("duration", "measure")
            or (
                kind in ("money", "percent")
                and unit_token is not None
                and _currency(unit_token.lower_)
            )
            else numbers[-1]
        )
        text = source[_start_with_symbol(doc, i) : end_token.idx + len(end_token.text)]
        qualifier = "between" if high is not None else None
        if high is not None and _word_before(doc, i) == "between":
            symbol = _start_with_symbol(doc, i) != doc[i].idx  # "between $2bn and $3bn"
            opening = doc[i - 2] if symbol else doc[i - 1]
            text = source[opening.idx : end_token.idx + len(end_token.text)]
        text = text.removesuffix(".") if _word(end_token) != end_token.lower_ else text
        found.append(
            Quantity(
                value,
                unit,
                what,
                qualifier or _qualifier(source[max(0, token.idx - 60) : token.idx]),
                kind,
                text,
                sentence,
                high,
                kinds,
            )
        )
        i = value_end
    return found


def _others(found: list[Quantity], sentence: int) -> str | None:
    """What "others" counts ("12 people were killed and 30 *others* were missing"): what
    the figure before it in its sentence counts; None without one ("Smith and three
    others" counts no named thing)."""
    before = [q for q in found if q.sentence == sentence and q.kind == "count" and q.what]
    return before[-1].what if before else None


def _number_end(doc: Doc, start: int, money: bool | None = None) -> int:
    """Index after the number starting at `start` ("One thousand", "3.5 million", "1,000",
    "£5m", "$2bn", "twenty-seven", "one hundred and five"). `money`: whether a currency
    goes with it (else: one just before)."""
    if money is None:
        money = _currency_before(doc, start)
    end = start
    while end < len(doc) and (step := _number_step(doc, start, end, money)):
        end += step
    return end


def _number_step(doc: Doc, start: int, end: int, money: bool) -> int:
    """How many tokens from `end` go on with the number that starts at `start`: 0 when
    it ends there. Number words follow one another as numbers are said ("twenty seven",
    "one hundred and five", "two thousand five hundred"), so "twelve 10-year bonds" and
    "5 million two years ago" are two numbers, not a sum."""
    word = _word(doc[end])
    following = [t.lower_ for t in doc[end + 1 : end + 3]]
    next_word = following[0] if following else ""
    if end == start:
        return int(_opens_number(doc, start, money))
    previous = _word(doc[end - 1])
    if word == "and" and following == ["a", "half"]:
        return 3  # "one and a half million"
    if word in _HYPHENS and _joined(doc, end) and previous in _TENS and next_word in _UNITS:
        return 2  # "twenty-seven": the tokenizer splits the hyphen off
    if word in ("m", "k", "bn"):
        # Only written onto a figure ("5 m" is metres): "£5m" tokenises as "5", "m".
        written_on = doc[end - 1].whitespace_ == "" and bool(_DIGITS.match(previous))
        return int(written_on and (word != "m" or money))
    if word in SCALES or word == "dozen":
        return 1  # "3.5 million", "two dozen"
    if word == "a":
        return int(previous == "half")  # "half a million"
    if word == "and":
        # "one hundred and fifty"; "three and five million" is a range
        return int(previous in ("hundred", "thousand") and next_word in _SAID_NUMBERS)
    if word not in _SAID_NUMBERS:
        return 0
    if previous in _TENS:
        return int(word in _UNITS)  # "twenty seven", not "twenty twelve"
    in_words = not _DIGITS.match(_word(doc[start]))  # "two million three hundred"
    return int(previous == "and" or (in_words and SCALES.get(previous, 0) >= 100))


def _opens_number(doc: Doc, start: int, money: bool) -> bool:
    """Whether the token at `start` begins a number: a figure, a number word, the "a" of
    "a million" and "a dozen" (not that of "$2 million a year") or the "half" of "half a
    million"; a bare scale word is no figure ("one and a half million" is)."""
    word = _word(doc[start])
    if attached := _ATTACHED_SCALE.match(word):
        # "5m" is five million pounds after "£", but may be five metres elsewhere.
        return attached.group(2) != "m" or money
    if word in ("a", "half"):
        # "half a million" is half of one: the "a" opens it then
        following = [t.lower_ for t in doc[start + 1 : start + 3]]
        if word == "half":
            return following[:1] == ["a"] and _opens_number(doc, start + 1, money)
        return bool(following) and (following[0] in SCALES or following[0] == "dozen")
    return bool(_DIGITS.match(word)) or word in SMALL


def _joined(doc: Doc, at: int) -> bool:
    """Whether the token at `at` is written onto the tokens on both sides ("twenty-seven")."""
    return doc[at - 1].whitespace_ == "" and doc[at].whitespace_ == ""


def _not_a_count(doc: Doc, end: int) -> int | None:
    """The index after a word that makes the number just before `end` an ordinal
    ("twenty-first", "the twenty fifth anniversary") or the numerator of a fraction
    ("two-thirds", "two thirds of the vote", "three quarters of", "one fifth of"); None
    when there is none. "One second" stays a duration, "three quarters" a count."""
    at = end + 1 if end + 1 < len(doc) and doc[end].text in _HYPHENS and _joined(doc, end) else end
    if at >= len(doc):
        return None
    word, hyphenated = doc[at].lower_, at > end
    if _word(doc[end - 1]) in _TENS and word in _ORDINALS and (hyphenated or word != "second"):
        return at + 1
    singular = "half" if word == "halves" else _singular(word)
    if singular not in _DENOMINATORS:
        return None
    of = at + 1 < len(doc) and doc[at + 1].lower_ == "of"
    plural = word != singular and singular != "quarter"  # "two thirds"; fiscal quarters
    return at + 1 if hyphenated or of or plural else None


def _dashed_range(doc: Doc, start: int) -> tuple[float, float, int] | None:
    """(low, high, end) for a range written as one token ("3–5", "£2m-£3m"), with a
    scale word after it ("3–5 million"), or None."""
    match = _DASHED_RANGE.match(_word(doc[start]))
    if not match:
        return None
    lower, upper = [match.group(1)], [match.group(2)]
    end = start + 1
    while end < len(doc) and (word := _word(doc[end])) in SCALES and SCALES[word] >= 100:
        if word in ("m", "k", "bn") and doc[end - 1].whitespace_:
            break  # "3-5 m" is metres; "£2–3m" is millions
        upper.append(word)
        end += 1
    if not all(_DIGITS.match(w) or _ATTACHED_SCALE.match(w) for w in (lower[0], upper[0])):
        return None
    ends = _range_ends(lower, upper)
    return (*ends, end) if ends else None


def _word_before(doc: Doc, start: int) -> str:
    """The word before the number at `start`, past a currency symbol ("between $2bn")."""
    at = start - 2 if _currency_before(doc, start, symbol=True) else start - 1
    return doc[at].lower_ if at >= 0 else ""


def _word(token: Token) -> str:
    """A token as a number word: lower case, and "m." or "5m." at a sentence's end read
    without the full stop."""
    word = token.lower_
    if word.endswith(".") and (word[:-1] in ("m", "k", "bn") or _ATTACHED_SCALE.match(word[:-1])):
        return word[:-1]
    return word


def _spaced_range(doc: Doc, start: int, end: int) -> tuple[float, float, int] | None:
    """(low, high, end) when the number doc[start:end] opens a range written in several
    tokens ("between 3 and 5 million", "3-5 million", "200 to 300"), or None. A change
    ("from 200 to 300", "rose 12 to 340") is two figures, so is "3 and 5" without
    "between"."""
    if end + 1 >= len(doc) or doc[end].lower_ not in _RANGE_JOINS:
        return None
    join = doc[end].lower_
    before = _word_before(doc, start)
    if join == "and" and before != "between":
        return None
    if join == "to" and before in _CHANGES:
        return None
    if join in ("-", "–") and (doc[end - 1].whitespace_ or doc[end].whitespace_):
        return None  # "3 - 5" in running text is rarely a range
    money = _currency_before(doc, start)  # "£2-3m"
    upper = end + 1
    if money and upper + 1 < len(doc) and _currency(doc[upper].lower_):
        upper += 1  # "between $1.5bn and $2bn"
    upper_end = _number_end(doc, upper, money)
    if upper_end == upper:
        return None
    upper_words = [_word(t) for t in doc[upper:upper_end]]
    ends = _range_ends([_word(t) for t in doc[start:end]], upper_words)
    if ends is None:
        return None
    low, high = ends
    unscaled = not any(w in SCALES for w in upper_words)
    if join == "to" and before != "between" and unscaled and high > _MAX_RANGE_RATIO * low:
        return None  # without "between", a far larger second figure is where a change ended
    return low, high, upper_end


def _range_ends(lower: list[str], upper: list[str]) -> tuple[float, float] | None:
    """(low, high) of a range from the words of its two ends, or None when they do not
    make one (the low end not below the high: "from 300 to 200" is a fall)."""
    low, high = _range_low(_value(lower), lower, upper), _value(upper)
    return (low, high) if low is not None and high is not None and low < high else None


def _range_low(low: float | None, lower: list[str], upper: list[str]) -> float | None:
    """The low end of a range, with the scale that only the high end writes out:
    "3 to 5 million" runs from 3 million, "£2-3bn" from £2bn, "300,000 to 1 million" from
    300,000."""
    if low is None or not upper or any(w in SCALES or _ATTACHED_SCALE.match(w) for w in lower):
        return low
    if attached := _ATTACHED_SCALE.match(upper[-1]):
        scale, coefficient = SCALES[attached.group(2)], float(attached.group(1).replace(",", ""))
    else:
        scales = [SCALES[w] for w in upper if w in SCALES and SCALES[w] >= 100]
        if not scales:
            return low
        scale, coefficient = scales[-1], _value([w for w in upper if w not in SCALES])
    return low * scale if coefficient is not None and low <= coefficient else low


def _value(words: list[str]) -> float | None:
    total, current, seen = 0.0, 0.0, False
    for word in words:
        if word in ("and", "a"):
            # "a" counts one only as a number's first word ("a million"), never in
            # "one and a half".
            if word == "a" and not seen:
                current, seen = 1.0, True
            continue
        if word == "half":
            current += 0.5
            seen = True
            continue
        if attached := _ATTACHED_SCALE.match(word):
            total += float(attached.group(1).replace(",", "")) * SCALES[attached.group(2)]
            seen = True
        elif _DIGITS.match(word):
            current += float(word.replace(",", ""))
            seen = True
        elif word == "dozen":
            current, seen = (current or 1) * 12, True  # "two dozen" is 24
        elif word in SMALL:
            current += SMALL[word]
            seen = True
        elif word in SCALES:
            scale = SCALES[word]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0.0
            seen = True
    return total + current if seen else None


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 2:
        return word[:-1]
    return word


def _currency(word: str) -> str | None:
    return CURRENCIES.get(word) or CURRENCIES.get(_singular(word))


def _currency_before(doc: Doc, start: int, *, symbol: bool = False) -> bool:
    """Whether a currency ("£", "dollars") comes just before the number at `start`; with
    `symbol`, only a symbol ("$2bn", not "USD 2bn")."""
    if start == 0:
        return False
    token = doc[start - 1]
    return _currency(token.lower_) is not None and not (symbol and token.is_alpha)


def _unit(doc: Doc, start: int, unit_token: Token | None) -> tuple[str, str | None]:
    before = doc[start - 1].lower_ if start > 0 else ""
    if _currency(before):
        return "money", _currency(before)
    if unit_token is None:
        return "count", None
    word = unit_token.lower_
    if word in PERCENT or (
        word == "per" and unit_token.nbor(1).lower_ == "cent"
        if unit_token.i + 1 < len(doc)
        else False
    ):
        return "percent", "%"
    if _currency(word):
        return "money", _currency(word)
    singular = _singular(word)
    if singular in DURATIONS and not _ordinal(unit_token):
        return "duration", DURATIONS[singular]
    if singular in MEASURES or word in MEASURES:
        return "measure", singular
    return "count", None


def _ordinal(unit_token: Token) -> bool:
    """Whether a "second" after a number is the ordinal, not the unit: capitalised ("the
    1837 *Second* Edition"), joined to the next word ("the Oct. 25 *second*-round
    elections"), or singular after a number other than one ("the 2018 *second*
    quarter"; "one second" is the unit)."""
    if unit_token.lower_ != "second":
        return False
    joined = unit_token.i + 1 < len(unit_token.doc) and unit_token.nbor(1).text == "-"
    single = unit_token.i > 0 and unit_token.nbor(-1).lower_ in ("1", "one", "a")
    return unit_token.text[:1].isupper() or joined or not single


def _is_date_or_label(numbers, kind: str) -> bool:
    if kind in ("duration", "money", "percent", "measure", "age"):
        return False
    if any(SCALES.get(t.lower_, 0) >= 1_000_000 for t in numbers):
        return False  # "3 million" is no date, whatever the entity recogniser thinks
    if any(t.ent_type_ in _SKIP_ENTITIES for t in numbers):
        return True
    first = numbers[0].lower_
    if first == "one" and len(numbers) == 1:
        following = numbers[-1].nbor(1) if numbers[-1].i + 1 < len(numbers.doc) else None
        return following is None or following.lower_ in ("of", "another", "day", ",", ".")
    return len(numbers) == 1 and first == "a"


def _counted(numbers, unit_token: Token | None, kind: str) -> str | None:
    """The noun a number counts: the head it modifies ("1,000 troops", "five-day ceasefire")."""
    if kind == "percent":
        return None
    if kind == "duration" and unit_token is not None:
        head = unit_token.head
        if head.i != unit_token.i and head.i > unit_token.i and head.is_alpha:
            return _singular(head.lower_)
        return None
    last = numbers[-1]
    head = last.head
    while (head.dep_ == "nummod" or head.lower_ in SCALES) and head.head.i != head.i:
        head = head.head
    if (
        head.i > last.i
        and last.dep_ not in _ARGUMENT_ROLES  # "two of them were *hurt*": no noun counted
        and head.is_alpha
        and head.lower_ not in SCALES
        and (head.dep_ in _NOUN_ROLES)
    ):
        return _singular(head.lower_)
    # A part of a whole counts what the whole does: "three of the eight charges".
    whole = _of_what(last)
    if whole is not None:
        return whole
    return _measured(last) if kind == "count" else None


def _kinds(numbers, unit_token: Token | None, kind: str) -> list[str]:
    """What narrows what a figure counts, by the parse: the object of an "of" after the
    counted noun, its unit or a "worth", with its modifiers ("three charges of
    *attempted murder*", "4 billion pesos (dlrs 100 million) worth of *crops*"), one
    phrase for each thing it is joined to ("of *infrastructure*, *crops* and other
    *property*"); not names, nor the "of" of a part ("four of five charges"). Empty
    when nothing narrows it."""
    last = numbers[-1]
    heads = [last.head]
    if last.head.dep_ == "appos":  # "4 billion pesos (*dlrs 100 million*) worth of crops"
        heads.append(last.head.head)
    if unit_token is not None and kind in ("money", "duration", "measure"):
        heads.append(unit_token)
    if kind == "money":
        heads.append(last)  # "$40 million of crops"; a count's own "of" is a part's
    heads += [c for h in list(heads) for c in h.children if c.lower_ == "worth"]
    found: list[str] = []
    for head in heads:
        if head.i == last.i and kind != "money":
            continue  # "four of five charges"
        for of in head.children:
            if of.dep_ != "prep" or of.lower_ != "of":
                continue
            objects = [t for t in of.children if t.dep_ == "pobj"]
            # The parser may join later items to the head: "worth of roads, *crops* and …"
            objects += [t for t in _listed(head) if t.i > of.i]
            while objects:
                thing = objects.pop(0)
                objects += _listed(thing)
                words = [m for m in thing.children if m.dep_ in ("amod", "compound")] + [thing]
                kept = [w.lower_ for w in words if _narrows(w)]
                if kept:
                    found.append(" ".join(kept))
    return list(dict.fromkeys(found))


def _listed(token: Token) -> list[Token]:
    """The things joined to `token` ("crops *and roads*"), not clauses ("jewelry and
    *fled* in a car"): conjuncts without a verb's dependents."""
    return [
        t
        for t in token.children
        if t.dep_ == "conj" and not _CLAUSE_ROLES & {c.dep_ for c in t.children}
    ]


def _narrows(word: Token) -> bool:
    """Whether a word of what follows "of" says what kind of thing is counted: not a name
    (an entity's or capitalised mid-sentence: "the *Amtrak* crash"), a stop word, nor a
    word of part ("*other* property")."""
    if (
        not word.is_alpha
        or word.ent_type_
        or word.lower_ in stop_words()
        or word.lower_ in PART_WORDS
    ):
        return False
    return not (word.text[:1].isupper() and not word.is_sent_start)


def _of_what(token: Token, besides: Token | None = None) -> str | None:
    """The content word `token` is "of" ("three *of the eight charges*", "the number *of
    dead*"), singular; None without one. `besides`: an "of" that does not count."""
    for of in token.children:
        if of.dep_ == "prep" and of.lower_ == "of" and of is not besides:
            whole = next((t for t in of.children if t.dep_ == "pobj"), None)
            if whole is not None and whole.is_alpha and whole.lower_ not in stop_words():
                return _singular(whole.lower_)
    return None


def _measured(number: Token) -> str | None:
    """What a number with no noun after it counts, when the words before it name a count:
    the count noun it is "of" ("a capacity of 150"), or the count noun that is the object,
    else the subject, of the verb it is "at" or "to" ("put the death *toll* at 50", "the
    death *toll* rose to 74"). A count "of" something counts that ("the number of *dead*
    rose to 12"). Other nouns measure too many things to compare ("the index rose to
    10,500", "a score of 68"): None."""
    prep = number.head
    if number.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in ("at", "to", "of"):
        return None
    if prep.lower_ == "of":
        noun = prep.head
    else:
        roles = {c.dep_: c for c in prep.head.children}
        noun = roles.get("dobj") or roles.get("nsubj") or roles.get("nsubjpass")
    if noun is None or _singular(noun.lower_) not in COUNT_NOUNS or noun.dep_ not in _NOUN_ROLES:
        return None
    # "the number of dead": the dead are counted
    return _of_what(noun, besides=prep) or _singular(noun.lower_)


def _qualifier(before: str) -> str | None:
    """The qualifier phrase ending just before a number, skipping "a time frame of" and the like."""
    words = re.findall(r"[a-z.']+", before.lower())[-8:]
    stripped = list(words)
    while stripped and stripped[-1] in _FILLER:
        stripped.pop()
    for tail in (words, stripped):
        for size in (4, 3, 2, 1):
            if len(tail) >= size and (qualifier := _QUALIFIERS.get(" ".join(tail[-size:]))):
                return qualifier
    return None


def _start_with_symbol(doc: Doc, start: int) -> int:
    if _currency_before(doc, start, symbol=True):
        return doc[start - 1].idx
    return doc[start].idx

"""Time expressions resolved against the article's publication date.

"on Wednesday" is the last Wednesday on or before publication (news reports
the past), "earlier this month" the first of the month up to publication,
"this week" its Monday to Sunday, "within four weeks" publication to four
weeks later, "October 22" that day in the publication year (or the year
before, when that would be in the future). Without a publication date only
absolute expressions ("22 October 2019", "in 2014") are resolved.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from storyline.dates import published_day
from storyline.language.quantities import SMALL
from storyline.model import Sentence, TimeExpression

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
# Counts in "within four weeks", "a few days ago": the number words quantities knows, and
# the vague "several" and "a few", read as three.
NUMBER_WORDS = {**SMALL, "an": 1, "several": 3, "a few": 3, "few": 3}
# Words that put a bare weekday in the future rather than the past.
_FUTURE = re.compile(
    r"\b(?:will|shall|scheduled|due|expected|plans?|planned|upcoming|"
    r"is\s+to|are\s+to|going\s+to)\b",
    re.I,
)
_LONGEST_SPAN = 50  # years: "1995-2095" is no span a report speaks of
UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_NUMBER = r"(?P<n>\d{1,3}|a few|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNIT = r"(?P<unit>day|week|fortnight|month|year)s?"
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "month_day",
        re.compile(
            rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b",
            re.I,
        ),
    ),
    (
        "day_month",
        re.compile(
            rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}"
            rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b",
            re.I,
        ),
    ),
    (
        "within",
        re.compile(
            rf"\b(?:within|in|for|over)\s+(?:the\s+next\s+|a\s+time\s+frame\s+"
            rf"(?:of\s+|not\s+exceeding\s+)?|at\s+most\s+|up\s+to\s+)?{_NUMBER}"
            rf"\s+{_UNIT}\b",
            re.I,
        ),
    ),
    ("ago", re.compile(rf"\b{_NUMBER}\s+{_UNIT}\s+ago\b", re.I)),
    (
        "relative_period",
        re.compile(
            r"\b(?P<when>earlier|later|late|early)?\s*(?P<which>this|"
            r"last|next|past)\s+(?P<period>week|month|year)\b",
            re.I,
        ),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<which>last|this|next|on)\s+)?(?P<weekday>" + "|".join(WEEKDAYS) + r")\b",
            re.I,
        ),
    ),
    ("deixis", re.compile(r"\b(?P<word>today|tonight|yesterday|tomorrow)\b", re.I)),
    (
        "month",
        re.compile(
            rf"\b(?:in|since|during|by|until|last|this|next|early|late)\s+"
            rf"{_MONTH}(?:\s+(?P<year>(?:19|20)\d\d))?\b",
            re.I,
        ),
    ),
    (
        "year",
        re.compile(
            # "in 1994-96", "during 1998–2001": a span of years, not its first year.
            r"\b(?:in|since|during|by|until|of)\s+(?P<year>(?:19|20)\d\d)"
            r"(?![-–]\d\d[-–]\d)"  # "in 2019-05-12" is a calendar day, not a year
            r"(?:\s*[-–]\s*(?P<last>(?:19|20)?\d\d))?\b",
            re.I,
        ),
    ),
]


def find_times(sentences: list[Sentence], published: str | None) -> list[TimeExpression]:
    """Time expressions of each sentence, longest match first, none overlapping."""
    base = published_day(published)
    found: list[TimeExpression] = []
    for sentence in sentences:
        taken: list[tuple[int, int]] = []
        matches = [(kind, m) for kind, pattern in PATTERNS for m in pattern.finditer(sentence.text)]
        matches.sort(key=lambda km: (km[1].start(), -(km[1].end() - km[1].start())))
        for kind, match in matches:
            if any(match.start() < b and match.end() > a for a, b in taken):
                continue
            start, end = _resolve(kind, match, base, sentence.text)
            if start is None and base is not None:
                continue
            taken.append(match.span())
            found.append(
                TimeExpression(
                    match.group(0).strip(),
                    sentence.index,
                    start.isoformat() if start else None,
                    end.isoformat() if end else None,
                )
            )
    return found


def _count(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else NUMBER_WORDS.get(text, 1)


def _resolve(
    kind: str, m: re.Match[str], base: date | None, sentence_text: str = ""
) -> tuple[date | None, date | None]:
    groups = m.groupdict()
    if kind in ("month_day", "day_month"):
        year = int(groups["year"]) if groups.get("year") else None
        return _calendar_day(
            MONTHS[groups["month"].lower().rstrip(".")], int(groups["day"]), year, base
        )
    if kind == "year":
        year = last = int(groups["year"])
        if groups.get("last"):
            last = int(groups["last"])
            if last < 100:  # "1994-96", "1999-00"; "1998-05" is more likely May 1998
                last += year - year % 100 + (100 if year % 100 == 99 and last == 0 else 0)
            if not year <= last <= year + _LONGEST_SPAN:
                last = year
        return date(year, 1, 1), date(last, 12, 31)
    if kind == "month":
        month = MONTHS[groups["month"].lower().rstrip(".")]
        year = (
            int(groups["year"])
            if groups.get("year")
            else (base.year - (month > base.month) if base else None)
        )
        if year is None:
            return None, None
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if base is None:
        return None, None
    if kind == "within":
        return base, base + timedelta(days=_count(groups["n"]) * UNIT_DAYS[groups["unit"].lower()])
    if kind == "ago":
        day = base - timedelta(days=_count(groups["n"]) * UNIT_DAYS[groups["unit"].lower()])
        return day, day
    if kind == "deixis":
        offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[groups["word"].lower()]
        return base + timedelta(days=offset), base + timedelta(days=offset)
    if kind == "weekday":
        which = (groups["which"] or "").lower()
        if not which and _FUTURE.search(sentence_text):
            which = "next"  # "the meeting is scheduled for Friday"
        return _weekday(WEEKDAYS[groups["weekday"].lower()], which, base)
    return _period(
        groups["period"].lower(),
        (groups["which"] or "").lower(),
        (groups["when"] or "").lower(),
        base,
    )


def _calendar_day(
    month: int, day: int, year: int | None, base: date | None
) -> tuple[date | None, date | None]:
    if year is None:
        if base is None:
            return None, None
        year = base.year
        try:
            if date(year, month, day) > base + timedelta(days=7):
                year -= 1  # "December 30" in a January report
        except ValueError:
            return None, None
    try:
        return date(year, month, day), date(year, month, day)
    except ValueError:
        return None, None


def _weekday(weekday: int, which: str, base: date) -> tuple[date, date]:
    if which == "next":
        day = base + timedelta(days=(weekday - base.weekday()) % 7 or 7)
    elif which == "last":
        day = base - timedelta(days=(base.weekday() - weekday) % 7 or 7)
    else:  # news reports the past: the most recent such day, publication day included
        day = base - timedelta(days=(base.weekday() - weekday) % 7)
    return day, day


def _period(period: str, which: str, when: str, base: date) -> tuple[date, date]:
    if period == "week":
        monday = base - timedelta(days=base.weekday())
        shift = {"last": -7, "past": -7, "next": 7}.get(which, 0)
        start, end = monday + timedelta(days=shift), monday + timedelta(days=shift + 6)
    elif period == "month":
        year, month = base.year, base.month
        if which in ("last", "past"):
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        elif which == "next":
            year, month = (year, month + 1) if month < 12 else (year + 1, 1)
        start = date(year, month, 1)
        end = date(year, month, calendar.monthrange(year, month)[1])
    else:
        year = base.year + {"last": -1, "past": -1, "next": 1}.get(which, 0)
        start, end = date(year, 1, 1), date(year, 12, 31)
    if which == "this" and when in ("earlier", "early"):
        end = min(end, base)
    elif which == "this" and when in ("later", "late"):
        start = max(start, base)
    return start, end

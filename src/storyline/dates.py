"""Publication dates: read into ISO 8601, shown as days, put in time order.

`normalize_date` gives ``YYYY-MM-DD`` when the input names only a day, and
``YYYY-MM-DDTHH:MM:SS`` (with ``+HH:MM`` when the input gave a zone) when it
names a time. That value is kept as the article gave it: its day is the day the
article names, and the day relative dates in its text ("yesterday") count from.

Order is another matter: "2019-10-22T23:00:00-08:00" comes after
"2019-10-23T03:00:00+00:00", though it sorts before it as text. Everything that
puts articles in time order sorts by `moment`, and `later_day` decides whether
one report is from a later day than another. The two need not agree when a value
gives no zone (a day-only "2019-10-23" is a later day than 20:00 New York time on
the 22nd, though `moment` puts it first): whatever turns on which report is later
asks `later_day` first. A span of dates (`span`) runs from the first day named to
the last, so that it reads forwards and day filters match it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_HAS_DIGIT = re.compile(r"\d")
_MIN_YEAR = 1800
# Relative expressions ("yesterday", "2 hours ago") depend on when storyline
# runs, not on the article, so they are never accepted as publication dates.
_DATEPARSER_SETTINGS = {
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["day", "month", "year"],
}


def published_day(published: str | None) -> date | None:
    """The date part of an ISO `published` value, or None."""
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def day_number(published: str | None) -> int | None:
    """The date part of an ISO `published` value as a day number, or None."""
    day = published_day(published)
    return day.toordinal() if day else None


def moment(published: str | None) -> str:
    """A key that puts ISO `published` values in time order: a time with a zone as its
    moment in UTC ("2019-10-23T07:00:00" for "2019-10-22T23:00:00-08:00"); a day, or a
    time without a zone, as given; "" for None, so undated values sort first.

    A day sorts before every time of that UTC day. Cost: a microsecond, cached.
    """
    if not published:
        return ""
    utc = _utc(published)
    return utc.isoformat() if utc else published


def span(dates: Iterable[str | None]) -> tuple[str | None, str | None]:
    """The first and last of `dates` by the day each names (by `moment` within a day),
    as given; (None, None) when none is dated. What a story's "first and last report"
    shows and day filters match: "5 Jan to 6 Jan", never "6 Jan (Tokyo) to 5 Jan
    (New York)"."""
    dated = [d for d in dates if d]
    if not dated:
        return None, None
    return min(dated, key=_day_first), max(dated, key=_day_first)


def _day_first(published: str) -> tuple[str, str]:
    return published[:10], moment(published)


def later_day(published: str | None, than: str | None) -> bool:
    """Whether a report of `published` is from a later day than one of `than`: on a later
    day as each names its day and, when both give a zone, later in time too (a report
    dated the 23rd in Tokyo can precede one of the 22nd in New York). Undated values
    are never later."""
    if not published or not than or published[:10] <= than[:10]:
        return False
    ours, theirs = _utc(published), _utc(than)
    return ours is None or theirs is None or ours > theirs


@lru_cache(maxsize=65536)
def _utc(published: str) -> datetime | None:
    """The moment of an ISO value with a zone, as naive UTC; None for anything else."""
    try:
        parsed = datetime.fromisoformat(published)
        if parsed.tzinfo is None:
            return None
        return parsed.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):  # not ISO, or beyond year 1 to 9999 in UTC
        return None


def readable_date(value: str | None) -> str:
    """'2019-10-22' (or a longer ISO timestamp) as '22 Oct 2019', None as 'undated';
    anything else as given."""
    day = published_day(value)
    if day is None:
        return value or "undated"
    return f"{day.day} {day.strftime('%b %Y')}"


def readable_years() -> str:
    """The years `normalize_date` accepts, for messages: "1800 to 2027"."""
    return f"{_MIN_YEAR} to {datetime.now().year + 1}"


def date_range(
    since: str | None, until: str | None, names: tuple[str, str] = ("since", "until")
) -> tuple[str | None, str | None]:
    """The bounds of a date filter as ISO dates, None where not given (`names`: what
    the caller calls them, for the message).

    Raises ValueError naming a bound that is not a date, or bounds the wrong way round:
    a filter that silently matches nothing misleads."""
    bounds = []
    for value, name in zip((since, until), names, strict=True):
        parsed = normalize_date(value) if value else None
        if value and parsed is None:
            raise ValueError(
                f"{name} must be a calendar date such as 2019-10-22, in the years "
                f"{readable_years()}, not {value!r}."
            )
        bounds.append(parsed)
    first, last = bounds
    if first and last and first[:10] > last[:10]:
        raise ValueError(f"{names[0]} ({first[:10]}) is after {names[1]} ({last[:10]}).")
    return first, last


def normalize_date(value: object) -> str | None:
    """`value` (ISO, RFC 822, natural language, datetime, date) as ISO 8601, or None.

    Returns None for anything that is not an absolute calendar date, including
    relative phrases and implausible years. Cost: microseconds for ISO and RFC
    822 input; about a millisecond for natural dates (dateparser), cached.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _format(value, with_time=True)
    if isinstance(value, date):
        return value.isoformat()
    text = " ".join(str(value).split())
    if not text or len(text) > 100 or not _HAS_DIGIT.search(text):
        return None
    return _parse_text(text)


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> str | None:
    with_time = bool(_HAS_TIME.search(text))
    parsed = _parse_iso(text) or _parse_rfc822(text) or _parse_natural(text)
    if parsed is None or not _MIN_YEAR <= parsed.year <= datetime.now().year + 1:
        return None
    return _format(parsed, with_time)


def _parse_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None


def _parse_rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_natural(text: str) -> datetime | None:
    import dateparser  # imported lazily: it costs ~0.1 s and most inputs are ISO

    try:
        return dateparser.parse(text, languages=["en"], settings=_DATEPARSER_SETTINGS)
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None


def _format(when: datetime, with_time: bool) -> str:
    if not with_time:
        return when.date().isoformat()
    return when.replace(microsecond=0).isoformat()

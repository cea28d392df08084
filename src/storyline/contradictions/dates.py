"""Dates: whether two statements date the same thing differently (`date_clash`), and
whether they speak of different moments at all (`another_moment`), which lets their
figures and polarity differ without conflict. The dates a statement gives are read
once, by `Statement.of`.
"""

from __future__ import annotations

from datetime import date, timedelta

from storyline.contradictions.statement import Finding, Statement
from storyline.dates import day_number, readable_date
from storyline.model import TimeExpression

_DATE_SLACK = timedelta(days=1)  # reports a day apart often resolve "yesterday" differently
# A date this far from the other report's: the two statements speak of different moments.
_ANOTHER_MOMENT = 30  # days


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

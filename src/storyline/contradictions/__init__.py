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

Which module holds what, each importing only those before it:

- `concepts`: words as the polarity checks compare them (grants and refusals as one).
- `negation`: what a sentence denies (`says_not`, `denied`) and affirms.
- `statement`: `Statement`, a sentence with all the checks need, and `Finding`.
- `figures`: `quantity_clash`, `quantity_agreement`, `agreeing_figures`,
  `figures_differ`.
- `dates`: `date_clash`, `another_moment`.
- `polarity`: `polarity_clash`, `about_permission`, `repeats`.
- `speakers`: `speaker_clash`.
"""

from __future__ import annotations

from storyline.contradictions.dates import another_moment, date_clash
from storyline.contradictions.figures import (
    agreeing_figures,
    figures_differ,
    quantity_agreement,
    quantity_clash,
)
from storyline.contradictions.negation import says_not
from storyline.contradictions.polarity import about_permission, polarity_clash, repeats
from storyline.contradictions.speakers import speaker_clash
from storyline.contradictions.statement import Finding, Statement

__all__ = [
    "Finding",
    "Statement",
    "about_permission",
    "agreeing_figures",
    "another_moment",
    "date_clash",
    "figures_differ",
    "polarity_clash",
    "quantity_agreement",
    "quantity_clash",
    "repeats",
    "says_not",
    "speaker_clash",
]

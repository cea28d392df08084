"""Polarity: one statement negating or refusing what the other affirms
(`polarity_clash`, `about_permission`), and one merely repeating the other (`repeats`),
which never contradicts. What a sentence denies or affirms is read in `negation`; here
two statements are set against each other and the finding explained.
"""

from __future__ import annotations

from storyline.contradictions.concepts import GRANTING, PERMISSION
from storyline.contradictions.negation import DENYING, POSSIBLE, PREDICTING, affirmed, denied
from storyline.contradictions.statement import Finding, Statement
from storyline.relations import NEGATIONS, stem, words


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
    said = affirmed(yes.text, frozenset(words(no.text)) & (POSSIBLE | PREDICTING))
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


def _same_concept(a: str, b: str) -> bool:
    """Stems that name one thing: equal, or one a long prefix of the other ("injur" of
    "injuri": "injured" and "injuries" stem apart)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 5 and long.startswith(short)


def _cues(statement: Statement, negative: bool) -> str:
    """The words that carry a statement's polarity, quoted: "not … permission", "allowed";
    with `negative`, its negation, refusal and grant words, else only its grant words
    ("" when it has none)."""
    wanted = (NEGATIONS | DENYING | GRANTING) if negative else GRANTING
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

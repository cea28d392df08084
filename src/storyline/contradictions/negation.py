"""What a sentence denies and what it affirms, read from its words: the polarity
machinery under the structured checks.

`says_not` tells whether a sentence denies, refuses or doubts, `denied` what its
uncancelled negations and refusals are about, and `affirmed` what it says, for `denied`
to meet; words are compared as concepts (see `concepts`). A condition, a request or a
hedge asserts nothing. The word lists that `statement` and the checks share with this
reading (reporting words, clause boundaries, hedges) live here, below them, so that no
module imports upwards.
"""

from __future__ import annotations

import itertools
import re

from storyline.contradictions.concepts import GRANTING, PERMISSION, REFUSING, concept
from storyline.language.nlp import stop_words
from storyline.relations import NEGATIONS, stem, words

# Words that say who said something, not what: sharing them says nothing of a topic.
REPORTING = frozenset(
    "said says say saying told tells according reported reports reporting added adds "
    "stated statement announced asked".split()
)
# Doubt negates what follows ("doubts that he was entitled"), and "no doubt" affirms.
_DOUBTING = frozenset("doubt doubts doubted doubtful unlikely".split())
DENYING = REFUSING | _DOUBTING
# "not only ... but also", "not least": a negation word that negates nothing.
_NOT_NEGATING = frozenset({"only", "just", "merely", "least", "simply"})
_NEGATION_REACH = 3  # words after a negation within which a refusal word is negated too
_AFFIRMING_DOUBT = frozenset({"little", "beyond"})  # "little doubt" affirms
# A negation reaches no further than its clause: "did not comment, and rejected" rejects.
CLAUSES = re.compile(r"[,;:—–]|\b(?:and|but|while|whereas|although)\b", re.IGNORECASE)
# Nor into a subordinate clause: "no surprise since ...", "not because ...".
_SCOPE_ENDS = frozenset(
    "because since as if unless when whenever after before once until which who whom whose "
    "where".split()
)
_CONDITIONS = frozenset({"if", "unless", "whether"})
_CONSEQUENCE = frozenset({"will", "would", "shall"})  # opens a condition's main clause
# "Would not say", "did not comment": withholding an answer denies nothing.
_WITHHOLDING = REPORTING | frozenset("comment elaborate disclose specify".split())
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
PREDICTING = frozenset({"likely", "expected", "poised", "bound"})  # "likely to become"
# What only may be ("could close"); "would" stays, as in "said it would close the plant".
POSSIBLE = frozenset({"could", "may", "might", "should"})
_ABLE_TO_SAY = _WITHHOLDING | frozenset({"confirm", "verify", "see"})
_NOT_SUPERLATIVE = frozenset(
    "interest protest forest suggest arrest request honest modest contest harvest manifest "
    "invest digest conquest".split()
)
# Verbs of wanting and trying: "did not want to *stay*" negates the staying.
_CONTROL = frozenset(
    stem(w) for w in "want wish try plan intend expect need seem appear hope mean decide".split()
)
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")
OBJECT_WORDS = 6  # words after "allowed", "denied" ... that say what is allowed or denied
# After an auxiliary, the object of it as a verb: "doesn't do *it*" negates the doing.
_OBJECT_PRONOUNS = frozenset("it them him her us me you this that these those".split())


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
    names = names_in(text)
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
            governed = {(concept(t),) for t in scope[:OBJECT_WORDS] if t not in stop_words()}
            # "The request was denied", "rejected it": a refusal of nothing named refuses
            # whatever the other statement grants.
            found |= governed or ({(PERMISSION,)} if tokens[at] in REFUSING else set())
        before |= {concept(t) for t in clause if t not in stop_words()}
    return frozenset(found)


def _clauses(text: str) -> list[list[str]]:
    """The words of each clause of `text`."""
    return [words(clause) for clause in CLAUSES.split(text)]


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
        content = [concept(t) for t in after if t not in stop_words() and t not in _SUBJECT_FILLERS]
        return {(c,) for c in (content[:1] if auxiliaries else content)}
    if contrasted and at == 0 and tokens[at] == "not":
        if not ahead:
            return set()
        phrase = _noun_phrase(scope)
        if set(phrase) <= contrasted:
            content = [concept(t) for t in scope if t not in stop_words()]
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
    granting = any(t in GRANTING for t in scope[:OBJECT_WORDS])
    found = {(PERMISSION,)} if granting else set()
    if tokens[at] == "no" and place == 0:
        if predicate == "other":  # "no other workers were hurt": the rest were
            return found
        return found | {_noun_phrase(scope)}
    if concept(predicate) in _CONTROL and scope[place + 1 : place + 2] == ["to"]:
        # "did not want to be punished": not wanting the punishment; "left" is no clash.
        governed = [t for t in scope[place + 2 :] if t not in _BEFORE_PREDICATE]
        if governed:
            return found | {(concept(predicate), concept(governed[0]))}
    return found | {(concept(predicate),)}


def _contrasted_name(
    clauses: list[list[str]], number: int, text: str, names: set[str]
) -> tuple[str, ...] | None:
    """A name that the "not" opening clause `number` of `text` sets against what came
    before ("moved its headquarters to Denver, not *Boston*"; "Smith, not *Jones*, will
    lead the team"), as a phrase: the name, marked, and what it is said of, the last word
    before it that is no name ("*headquarters*"), else the first after it ("*lead*");
    the other statement must say both. None when no name (of `names`, see `names_in`)
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
    return tuple(_NAMED + t for t in named) + tuple(concept(t) for t in said_of)


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
    return tuple(dict.fromkeys(concept(t) for t in run or scope[:1]))


def _adverb(word: str) -> bool:
    """An adverb in "-ly" ("immediately"), not a verb that ends so ("reply", "supply")."""
    return word.endswith("ly") and word not in _LY_VERBS


def _scope(tokens: list[str], at: int, names: set[str], ends: frozenset[str]) -> list[str]:
    """The words after `at` up to the first of `ends`, names left out."""
    following = itertools.takewhile(lambda t: t not in ends, tokens[at + 1 :])
    return [t for t in following if t not in names]


def permission_words(text: str) -> list[tuple[list[str], int]]:
    """The grant and refusal words that `text` asserts, each as (its clause's tokens, its
    place): not those asked for or attempted, nor those in a condition."""
    found = []
    for clause in _clauses(text):
        tokens = _before_condition(clause)
        found += [
            (tokens, at)
            for at, t in enumerate(tokens)
            if (t in GRANTING or t in REFUSING) and not _requested(tokens, at)
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
        denial = next((at + 1 + i for i, t in enumerate(following) if t in DENYING), None)
        if denial is not None:
            cancelled |= {at, denial}
    return [
        at
        for at, t in enumerate(tokens)
        if (t in NEGATIONS or (t in DENYING and not _requested(tokens, at))) and at not in cancelled
    ]


def affirmed(text: str, hedged: frozenset[str] = frozenset()) -> set[str]:
    """What a statement affirms, as concepts for `denied` to meet: its words (grant and
    refusal words as one concept when it grants or refuses), but not names (mid-sentence
    capitals: "the *Endangered* Species Act"), nor a verb after a superlative's "ever",
    which compares ("the largest foot ever *found*"), nor what is only sought, the rest of
    the clause after a verb of asking or needing ("requested the *use* of a camera crew"),
    nor what only may be, a modal's or a prediction's rest of the clause ("should be
    *considered* threatened", "likely to become an *endangered* species"), unless the
    denial is `hedged` alike ("could not prove damaging" denies "could prove damaging")."""
    names = names_in(text)
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
            if hedges(tokens, i) and t not in hedged and t not in names:
                foreseen = True
            if t in capitalised and not foreseen:
                said.add(_NAMED + t)  # only a contrast on a name negates one
            if foreseen or sought or t in GRANTING or t in REFUSING or t in names:
                continue
            if tokens[i - 1 : i] == ["ever"] and any(map(_superlative, tokens[max(0, i - 4) : i])):
                continue
            said.add(concept(t))
            sought = t in _SEEKING  # "requested the *use* of a crew": asked for, not had
    if permission_words(text):
        said.add(PERMISSION)
    return said


def names_in(text: str) -> set[str]:
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


def hedges(tokens: list[str], at: int) -> bool:
    """Whether the word at `at` makes what follows only possible or foreseen: a modal
    ("could collapse"), or "likely", "expected" ... before "to"; not a modal before a
    verb of saying or confirming ("could confirm the arrest" confirms it)."""
    word, following = tokens[at], tokens[at + 1 : at + 2]
    if word in POSSIBLE:
        return not following or following[0] not in _ABLE_TO_SAY
    return word in PREDICTING and following == ["to"]


def _superlative(word: str) -> bool:
    """Whether a word is a superlative ("largest", "most"): "the largest ever found"."""
    if word in _SUPERLATIVES:
        return True
    return len(word) > 5 and word.endswith("est") and word not in _NOT_SUPERLATIVE

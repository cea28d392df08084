"""The data model shared by every stage of the pipeline.

Stages exchange these plain dataclasses and nothing else: a reader yields
`Article` and `Skipped` items, the store keeps articles, and later stages add
their own records beside them. Keeping the model free of behaviour that needs
other stages is what lets data flow one way through the pipeline.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal


@dataclass(slots=True)
class Article:
    """One news article, as read from any input and then cleaned.

    `id` identifies the article across revisions: reading the same id again
    with changed text makes a new revision in the store, never an overwrite.
    `published` is ISO 8601 (a date, or a date and time) or None.
    `origin` says where it was read from (``path:line``, ``url``, ``path#record``)
    so that problems can be traced back to the input.
    """

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    published: str | None = None
    url: str | None = None
    author: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    origin: str | None = None

    @property
    def content_hash(self) -> str:
        """SHA-256 over everything a reader sees: title, text and the descriptive fields.

        `metadata` and `origin` are left out: where an article was read from does
        not change what it says.
        """
        digest = hashlib.sha256()
        for value in (self.title, self.source, self.published, self.url, self.author, self.text):
            digest.update((value or "").encode("utf-8"))
            digest.update(b"\x1f")
        return digest.hexdigest()

    def with_changes(self, **changes: Any) -> Article:
        """A copy with some fields replaced (articles are treated as values)."""
        return replace(self, **changes)

    def summary_dict(self) -> dict[str, Any]:
        """The article's metadata for listings and the result JSON (text left out)."""
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "published": self.published,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input item that did not become an article, and why.

    `expected` marks items the format itself says are not articles (a WARC
    request record, an image response): they are counted but are not problems.
    `internal` marks an unexpected exception inside a reader, which is a bug in
    storyline rather than in the input; the batch still goes on.
    """

    origin: str
    reason: str
    expected: bool = False
    internal: bool = False

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Note:
    """Something a reader wants the user to know about an article it did produce.

    Example: a feed item whose linked page could not be fetched, so the feed's
    own summary was kept instead.
    """

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


ReadItem = Article | Skipped | Note


# -- language layer ------------------------------------------------------------
# Offsets are character offsets into the cleaned `Article.text`; `sentence` is
# the index of the sentence in its article as storyline split it.


@dataclass(slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(slots=True)
class Entity:
    """A mention of a named entity, with the one name used for it across mentions."""

    text: str
    label: str  # PERSON, ORG, GPE, NORP, LOC, FAC, EVENT, PRODUCT, LAW, WORK_OF_ART
    canonical: str
    sentence: int
    start: int
    end: int


@dataclass(slots=True)
class Quote:
    """Words attributed to a speaker: quoted directly, or reported ("X said that …")."""

    text: str
    speaker: str | None  # canonical name, or the speaking noun phrase
    speaker_text: str | None  # the words that name the speaker where it is attributed
    sentence: int
    kind: str  # "direct" | "reported"
    cue: str | None = None  # the attribution verb or phrase ("said", "according to")


@dataclass(slots=True)
class Quantity:
    """A number with what it counts, its unit and its qualifier.

    `value` is in the unit given (a duration of four weeks is 4, unit "week").
    `qualifier` is one of: None (exact), "about", "more than", "at least",
    "less than", "at most", "up to", or "between" for a range ("between 3 and 5
    million", "3-5 million"), whose upper end is `high`; `bounds` turns it into an
    interval.
    """

    value: float
    unit: str | None
    what: str | None
    qualifier: str | None
    kind: str  # "count" | "duration" | "age" | "money" | "percent" | "measure"
    text: str
    sentence: int
    high: float | None = None
    # What narrows the thing counted, after "of", one lower-cased phrase per thing
    # listed, names left out: "charges of *attempted murder*", "worth of *crops* and *roads*".
    kinds: list[str] = field(default_factory=list)

    def bounds(self, tolerance: float = 0.1) -> tuple[float, float]:
        """The interval of values the statement allows ("around 5,000": ±10 %)."""
        value, inf = self.value, float("inf")
        if self.qualifier == "between" and self.high is not None:
            return (value, self.high)
        return {
            None: (value, value),
            "about": (value * (1 - tolerance), value * (1 + tolerance)),
            "more than": (value, inf),
            "at least": (value, inf),
            "less than": (0.0, value),
            "at most": (0.0, value),
            "up to": (0.0, value),
        }.get(self.qualifier, (value, value))


@dataclass(slots=True)
class TimeExpression:
    """A time expression resolved against the publication date: ISO dates, inclusive."""

    text: str
    sentence: int
    start: str | None
    end: str | None


@dataclass(slots=True)
class Annotation:
    """Everything the language stage found in one article revision."""

    article_id: str
    content_hash: str
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    headline_entities: list[Entity] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON caches); `from_dict` reverses it."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Annotation:
        kinds = {
            "sentences": Sentence,
            "entities": Entity,
            "quotes": Quote,
            "quantities": Quantity,
            "times": TimeExpression,
            "headline_entities": Entity,
        }
        fields = {
            name: [kind(**item) for item in data.get(name, [])] for name, kind in kinds.items()
        }
        return cls(article_id=data["article_id"], content_hash=data["content_hash"], **fields)


@dataclass(slots=True)
class StoryProfile:
    """A story's running profile for the clusterer: sums over its members' profiles,
    pruned to the strongest terms and entities (see `storyline.stories`)."""

    story_id: str
    size: int = 0
    first_day: int | None = None  # proleptic ordinals of the first and last report
    last_day: int | None = None
    vector_sum: Any = None  # numpy float32 vector, or None without embeddings
    terms: dict[str, float] = field(default_factory=dict)
    entities: dict[str, float] = field(default_factory=dict)
    # A lone article's story shown within another story (see `storyline.stories`).
    attached_to: str | None = None


@dataclass(slots=True)
class Story:
    """A story as lists and pages show it: `articles` in publication order, copies included."""

    id: str
    title: str
    articles: list[str]
    sources: list[str]
    start: str | None
    end: str | None
    duplicates: dict[str, str] = field(default_factory=dict)  # copy id -> original id

    @property
    def size(self) -> int:
        return len(self.articles)


# -- comparison ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    """A sentence of one article that states a fact."""

    article: str
    sentence: int
    text: str
    source: str | None = None
    published: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result JSON's mention: article, sentence and text (DESIGN.md), plus who and when."""
        return {
            "article": self.article,
            "sentence": self.sentence,
            "text": self.text,
            "source": self.source,
            "published": self.published,
        }


FactStatus = Literal["consensus", "single", "conflict", "updated"]


@dataclass(slots=True)
class Fact:
    """One thing the story's articles state, with every mention of it.

    `status`: ``consensus`` (two or more independent sources), ``single`` (one),
    ``conflict`` (mentions disagree), ``updated`` (a later report revises an
    earlier one; `text` is then the latest state).
    """

    id: str
    text: str
    status: FactStatus
    mentions: list[Mention]
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "status": self.status,
            "sources": self.sources,
            "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass(slots=True)
class Conflict:
    """Two mentions that cannot both hold, or a later one that revises an earlier.

    `kind`: ``quantity``, ``duration``, ``date``, ``polarity``, ``speaker`` or
    ``contradiction`` (the relation classifier's verdict); `a` is the earlier
    mention. `revision` marks a later report revising an earlier one.
    """

    kind: str
    a: Mention
    b: Mention
    explanation: str
    fact: str
    revision: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "explanation": self.explanation,
            "fact": self.fact,
            "revision": self.revision,
        }


@dataclass(slots=True)
class Comparison:
    """What the comparison found in one story: facts (mentions grouped) and conflicts."""

    story_id: str
    facts: list[Fact] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "story_id": self.story_id,
            "facts": [f.to_dict() for f in self.facts],
            "conflicts": [c.to_dict() for c in self.conflicts],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Comparison:
        def mention(item: dict[str, Any]) -> Mention:
            return Mention(**item)

        facts = [
            Fact(
                id=f["id"],
                text=f["text"],
                status=f["status"],
                mentions=[mention(m) for m in f["mentions"]],
                sources=list(f.get("sources", [])),
            )
            for f in data.get("facts", [])
        ]
        conflicts = [
            Conflict(
                kind=c["kind"],
                a=mention(c["a"]),
                b=mention(c["b"]),
                explanation=c["explanation"],
                fact=c["fact"],
                revision=bool(c.get("revision")),
            )
            for c in data.get("conflicts", [])
        ]
        return cls(story_id=data["story_id"], facts=facts, conflicts=conflicts)


# -- summaries -----------------------------------------------------------------


@dataclass(slots=True)
class SummarySentence:
    """One sentence of a summary and the article sentences it came from.

    `citations` start with the sentence it was taken from; the others state the
    same fact in other articles. `text` may differ from the cited sentence only
    by a repair (a dangling opener dropped, a pronoun named). `revises` holds the
    earlier reports this sentence revises, and `note` says so in words.
    """

    text: str
    citations: list[Mention]
    revises: list[Mention] = field(default_factory=list)
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result JSON's summary entry: text and citations (DESIGN.md), plus revisions."""
        return {
            "text": self.text,
            "citations": [m.to_dict() for m in self.citations],
            "revises": [m.to_dict() for m in self.revises],
            "note": self.note,
        }


@dataclass(slots=True)
class Summary:
    """A story's cited summary: sentences in reading order within a `words` budget."""

    story_id: str
    words: int
    sentences: list[SummarySentence] = field(default_factory=list)
    # Who is named most, and who said what in direct quotes, across the story's
    # originals: kept with the summary so that a story page reads no annotation.
    entities: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The summary as one paragraph, notes included."""
        parts = []
        for sentence in self.sentences:
            parts.append(sentence.text)
            if sentence.note:
                parts.append(sentence.note)
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "story_id": self.story_id,
            "words": self.words,
            "sentences": [s.to_dict() for s in self.sentences],
            "entities": self.entities,
            "quotes": self.quotes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        return cls(
            story_id=data["story_id"],
            words=int(data["words"]),
            sentences=[
                SummarySentence(
                    text=s["text"],
                    citations=[Mention(**c) for c in s["citations"]],
                    revises=[Mention(**m) for m in s.get("revises", [])],
                    note=s.get("note"),
                )
                for s in data.get("sentences", [])
            ],
            entities=list(data.get("entities", [])),
            quotes=list(data.get("quotes", [])),
        )


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One development of a story at the time it was first reported.

    `kind`: ``development`` (a summary sentence, first reported then),
    ``revision`` (a later report revising an earlier one) or ``report`` (a day's
    first report, when the summary has nothing from that day).
    """

    time: str | None
    text: str
    article: str
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time, "text": self.text, "article": self.article, "kind": self.kind}

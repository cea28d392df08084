"""The JSON API's shapes, for its OpenAPI schema. They mirror the result JSON of
DESIGN.md: a story here is a story there."""

from __future__ import annotations

from pydantic import BaseModel

from storyline.model import FactStatus


class ErrorOut(BaseModel):
    """Every error of the API: what went wrong, in a sentence."""

    error: str


#: The errors any API route may answer with, for the schema.
ERRORS = {
    status: {"model": ErrorOut, "description": description}
    for status, description in [
        (400, "A parameter or an upload is not usable."),
        (403, "The token is missing or wrong, or the request came from another site."),
        (404, "No such story, article or job."),
        (413, "The upload is over the server's limit."),
        (422, "A parameter is missing or of the wrong type."),
    ]
}


class MentionOut(BaseModel):
    article: str
    sentence: int
    text: str
    source: str | None = None
    published: str | None = None


class SummarySentenceOut(BaseModel):
    text: str
    citations: list[MentionOut]
    revises: list[MentionOut] = []
    note: str | None = None


class FactOut(BaseModel):
    id: str
    text: str
    status: FactStatus
    sources: list[str] = []
    mentions: list[MentionOut]


class ConflictOut(BaseModel):
    kind: str
    a: MentionOut
    b: MentionOut
    explanation: str
    fact: str | None = None
    revision: bool = False


class TimelineOut(BaseModel):
    time: str | None
    text: str
    article: str
    kind: str | None = None


class EntityOut(BaseModel):
    name: str
    type: str
    count: int
    articles: list[str]


class QuoteOut(BaseModel):
    speaker: str | None
    text: str
    article: str
    sentence: int


class StoryOut(BaseModel):
    id: str
    title: str
    articles: list[str]
    sources: list[str]
    start: str | None
    end: str | None
    summary: list[SummarySentenceOut]
    facts: list[FactOut]
    conflicts: list[ConflictOut]
    timeline: list[TimelineOut]
    entities: list[EntityOut]
    quotes: list[QuoteOut]


class StoryRowOut(BaseModel):
    id: str
    title: str
    articles: int
    sources: list[str]
    start: str | None
    end: str | None
    conflicts: int
    revisions: int


class StoryListOut(BaseModel):
    total: int
    page: int
    pages: int
    stories: list[StoryRowOut]


class ArticleRowOut(BaseModel):
    id: str
    source: str | None
    title: str | None
    published: str | None
    url: str | None


class SimilarOut(ArticleRowOut):
    """An article close in meaning: cosine similarity of the mean sentence vectors."""

    similarity: float
    story: str | None = None


class ArticleOut(ArticleRowOut):
    duplicate_of: str | None = None
    story: str | None = None
    text: str
    sentences: list[str] = []
    similar: list[SimilarOut] = []


class SearchOut(BaseModel):
    query: str
    total: int
    page: int
    articles: list[ArticleRowOut]


class JobOut(BaseModel):
    id: str
    inputs: list[str]
    stage: str
    done: bool
    error: str | None
    articles: int
    skipped: int
    stories: list[str]
    problems: list[str]  # "where: why" for the first 20 items skipped
    notes: list[str]  # the first 20 notes (an unreadable date, a revised id)
    more_notes: int

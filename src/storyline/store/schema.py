"""Tables of the store, described once for every database SQLAlchemy speaks."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

#: Key/value facts about the database itself, e.g. ``schema_version``.
store_meta = Table(
    "storyline_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Every revision of every article. `current` marks the newest revision of an id;
#: (article_id, content_hash) is unique, which is what makes ingest idempotent.
#: `published` is the date as the article gives it; `published_utc` its place in time
#: (`storyline.dates.moment`), which lists sort by.
articles = Table(
    "articles",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(512), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("current", Boolean, nullable=False),
    Column("source", String(512)),
    Column("title", Text),
    Column("published", String(40)),
    Column("url", Text),
    Column("author", Text),
    Column("text", Text, nullable=False),
    Column("metadata", Text, nullable=False, default="{}"),
    Column("origin", Text),
    Column("ingested_at", String(40), nullable=False),
    Column("published_utc", String(40)),
    UniqueConstraint("article_id", "revision", name="uq_articles_id_revision"),
    UniqueConstraint("article_id", "content_hash", name="uq_articles_id_hash"),
)

Index("ix_articles_current_published", articles.c.current, articles.c.published)
Index("ix_articles_source", articles.c.source)
Index("ix_articles_current_utc", articles.c.current, articles.c.published_utc)

#: The language stage's results per article revision (by content hash), as JSON,
#: for one annotator version: a re-run finds them and recomputes nothing.
annotations = Table(
    "annotations",
    metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("annotator", String(32), primary_key=True),
    Column("data", Text, nullable=False),
)

#: Sentence vectors of an article revision for one encoder: a float32 matrix of
#: `rows` x `dim`, row i for sentence i.
vectors = Table(
    "vectors",
    metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("encoder", String(64), primary_key=True),
    Column("rows", Integer, nullable=False),
    Column("dim", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

#: Each revision's article vector for one encoder: the unit-length mean of its
#: sentence vectors (float32, `dim` values), for "similar articles". On PostgreSQL
#: with the pgvector extension the table also has an `embedding vector` column with
#: an HNSW index (migration v7); it is not described here because other databases
#: have no such type.
article_vectors = Table(
    "article_vectors",
    metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("encoder", String(64), primary_key=True),
    Column("dim", Integer, nullable=False),
    Column("mean", LargeBinary, nullable=False),
)

#: MinHash signatures of original texts (`NUM_PERM` little-endian uint32 values),
#: kept so that a later run finds copies of what an earlier run stored.
#: `content_hash` is the revision signed (a new revision is checked again).
signatures = Table(
    "signatures",
    metadata,
    Column("article_id", String(512), primary_key=True),
    Column("published", String(40)),
    Column("data", LargeBinary, nullable=False),
    Column("content_hash", String(64)),
)
Index("ix_signatures_published", signatures.c.published)

#: Articles whose text repeats an original's (a wire copy, a re-post), with the
#: revision checked as `signatures` has it.
duplicates = Table(
    "duplicates",
    metadata,
    Column("article_id", String(512), primary_key=True),
    Column("original_id", String(512), nullable=False),
    Column("similarity", Float, nullable=False),
    Column("content_hash", String(64)),
)
Index("ix_duplicates_original", duplicates.c.original_id)
Index("ix_duplicates_revision", duplicates.c.content_hash)  # NULL: to be checked again

#: Stories with what lists and pages show, and the clusterer's running profile
#: (`vector`: float32 sum of member vectors; `profile`: JSON of pruned terms and entities,
#: and the member count the sums cover). A lone article's story `attached_to` another
#: is shown within that one and is not listed (see `storyline.stories`). The first and
#: last report's dates are kept as given, and as their places in time (`*_utc`).
stories = Table(
    "stories",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("title", Text, nullable=False),
    Column("articles", Integer, nullable=False),
    Column("sources", Text, nullable=False, default="[]"),
    Column("first_published", String(40)),
    Column("last_published", String(40)),
    Column("first_day", Integer),
    Column("last_day", Integer),
    Column("profile", Text, nullable=False),
    Column("dim", Integer, nullable=False, default=0),
    Column("vector", LargeBinary),
    Column("updated_at", String(40), nullable=False),
    Column("attached_to", String(64)),
    Column("first_utc", String(40)),
    Column("last_utc", String(40)),
)
Index("ix_stories_last_day", stories.c.last_day)
Index("ix_stories_articles", stories.c.articles)

#: Which story each article is shown in (copies go with their original). `home` is
#: the clusterer's story of the article when that is a lone story attached to
#: `story_id`; NULL when the two are the same. `content_hash` is the revision placed,
#: and `profiled` says whether that revision's profile is in its clusterer story's sums
#: (false for a copy): a new revision is placed again.
story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", String(512), primary_key=True),
    Column("story_id", String(64), nullable=False),
    Column("home", String(64)),
    Column("content_hash", String(64)),
    Column("profiled", Boolean),
)
Index("ix_story_articles_story", story_articles.c.story_id)
Index("ix_story_articles_home", story_articles.c.home)

#: Document frequencies of terms and entities as the clusterer counted them; the
#: number of documents is `story_documents` in ``storyline_meta``.
term_stats = Table(
    "term_stats",
    metadata,
    Column("term", Text, primary_key=True),  # untrusted words can be long
    Column("df", Integer, nullable=False),
)


def _story_output(name: str) -> Table:
    """A table of one JSON document per story, with the key of what it was made from."""
    return Table(
        name,
        metadata,
        Column("story_id", String(64), primary_key=True),
        Column("members_key", String(64), nullable=False),
        Column("data", Text, nullable=False),
        Column("updated_at", String(40), nullable=False),
    )


#: Each story's comparison (facts and conflicts) as JSON, with the key of the
#: member revisions it was made from: a story whose members change is compared again.
comparisons = _story_output("comparisons")
#: Each story's cited summary, keyed by its members, its comparison and the summary settings.
summaries = _story_output("summaries")
#: Counts a story list sorts and filters by, kept beside the comparison they come from.
story_counts = Table(
    "story_counts",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("conflicts", Integer, nullable=False, default=0),
    Column("revisions", Integer, nullable=False, default=0),
)
Index("ix_story_counts_conflicts", story_counts.c.conflicts)
#: Where a story that merged into another went, so that its id (in an earlier result
#: JSON, a bookmark, a link) still leads to its articles: {merged id: surviving id}.
story_aliases = Table(
    "story_aliases",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("now", String(64), nullable=False),
)
Index("ix_story_aliases_now", story_aliases.c.now)

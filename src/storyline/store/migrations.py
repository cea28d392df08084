"""Schema versions and the path between them.

The database records its schema version in ``storyline_meta``. Opening a store
applies every pending migration in order, inside one transaction, so a crash
mid-migration leaves the previous version intact. Add a migration by appending
a function to `MIGRATIONS`; never edit one that has shipped.

`_v1_articles` creates the tables from `schema.py`, which is also the current
shape. The first migration that alters one of them must first copy v1's table
definitions in here, frozen, so that a new database built step by step ends up
exactly like an old one brought forward.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable

import numpy as np
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    func,
    inspect,
    select,
    text,
    tuple_,
    update,
)

from storyline.dates import moment, span
from storyline.store.schema import (
    annotations,
    article_vectors,
    articles,
    comparisons,
    duplicates,
    signatures,
    store_meta,
    stories,
    story_aliases,
    story_articles,
    story_counts,
    summaries,
    term_stats,
    vectors,
)


class SchemaTooNew(Exception):
    """The database was written by a newer storyline than this one."""


# The articles table as v1 made it; v11 added a column.
_v1 = MetaData()
_v1_articles_table = Table(
    "articles",
    _v1,
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
    UniqueConstraint("article_id", "revision", name="uq_articles_id_revision"),
    UniqueConstraint("article_id", "content_hash", name="uq_articles_id_hash"),
)
Index("ix_articles_current_published", _v1_articles_table.c.current, _v1_articles_table.c.published)
Index("ix_articles_source", _v1_articles_table.c.source)


def _v1_articles(conn: Connection) -> None:
    """Articles with revisions, and full-text search over title and text."""
    store_meta.create(conn, checkfirst=True)
    _v1_articles_table.create(conn, checkfirst=True)
    if conn.dialect.name == "sqlite":
        # An external-content FTS5 index kept in step by triggers, so that every
        # write to `articles` updates search in the same transaction.
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', "
                "content_rowid='pk', tokenize='porter unicode61 remove_diacritics 2')"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
                "INSERT INTO articles_fts(rowid, title, text) "
                "VALUES (new.pk, new.title, new.text); END"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
                "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
                "VALUES ('delete', old.pk, old.title, old.text); END"
            )
        )
    elif conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "CREATE INDEX ix_articles_fulltext ON articles USING GIN "
                "(to_tsvector('english', coalesce(title, '') || ' ' || text))"
            )
        )


def _v2_language(conn: Connection) -> None:
    """Cached annotations and sentence vectors of the language stage."""
    annotations.create(conn, checkfirst=True)
    vectors.create(conn, checkfirst=True)


# The tables as v3 made them; v8 and v9 added columns.
_v3 = MetaData()
_v3_signatures_table = Table(
    "signatures",
    _v3,
    Column("article_id", String(512), primary_key=True),
    Column("published", String(40)),
    Column("data", LargeBinary, nullable=False),
)
Index("ix_signatures_published", _v3_signatures_table.c.published)
_v3_duplicates_table = Table(
    "duplicates",
    _v3,
    Column("article_id", String(512), primary_key=True),
    Column("original_id", String(512), nullable=False),
    Column("similarity", Float, nullable=False),
)
Index("ix_duplicates_original", _v3_duplicates_table.c.original_id)
_v3_stories_table = Table(
    "stories",
    _v3,
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
)
Index("ix_stories_last_day", _v3_stories_table.c.last_day)
Index("ix_stories_articles", _v3_stories_table.c.articles)
_v3_story_articles_table = Table(
    "story_articles",
    _v3,
    Column("article_id", String(512), primary_key=True),
    Column("story_id", String(64), nullable=False),
)
Index("ix_story_articles_story", _v3_story_articles_table.c.story_id)


def _v3_stories(conn: Connection) -> None:
    """Near-duplicate signatures and links, stories, membership and term statistics."""
    for table in (
        _v3_signatures_table,
        _v3_duplicates_table,
        _v3_stories_table,
        _v3_story_articles_table,
        term_stats,
    ):
        table.create(conn, checkfirst=True)


def _v4_comparisons(conn: Connection) -> None:
    """Each story's facts and conflicts."""
    comparisons.create(conn, checkfirst=True)


def _v5_summaries(conn: Connection) -> None:
    """Each story's cited summary."""
    summaries.create(conn, checkfirst=True)


def _v6_story_counts(conn: Connection) -> None:
    """Conflict and revision counts per story, filled from the stored comparisons."""
    story_counts.create(conn, checkfirst=True)
    rows = []
    for story_id, data in conn.execute(select(comparisons.c.story_id, comparisons.c.data)):
        found = json.loads(data).get("conflicts", [])
        revisions = sum(bool(c.get("revision")) for c in found)
        rows.append(
            {"story_id": story_id, "conflicts": len(found) - revisions, "revisions": revisions}
        )
    if rows:
        conn.execute(story_counts.insert(), rows)


def _v7_article_vectors(conn: Connection) -> None:
    """Article vectors (the mean of each revision's sentence vectors), filled from the
    stored sentence vectors; on PostgreSQL with pgvector available, also as a
    `vector` column with an HNSW index."""
    from storyline.store.similar import (
        add_pgvector_column,
        index_pgvector_column,
        pgvector_available,
    )

    article_vectors.create(conn, checkfirst=True)
    with_pgvector = pgvector_available(conn) and add_pgvector_column(conn)
    _fill_article_vectors(conn, with_pgvector)
    if with_pgvector:
        index_pgvector_column(conn)  # after the fill: one build, not one insert at a time


def _fill_article_vectors(conn: Connection, with_pgvector: bool) -> None:
    from storyline.store.similar import article_vector_rows, insert_article_vectors

    key = tuple_(vectors.c.content_hash, vectors.c.encoder)
    last = ("", "")
    while True:  # in pages: the sentence vectors of a large store do not fit in memory
        page = conn.execute(
            select(
                vectors.c.content_hash,
                vectors.c.encoder,
                vectors.c.rows,
                vectors.c.dim,
                vectors.c.data,
            )
            .where(key > tuple_(*last))
            .order_by(vectors.c.content_hash, vectors.c.encoder)
            .limit(200)
        ).all()
        if not page:
            break
        last = (page[-1][0], page[-1][1])
        rows = [
            row
            for digest, encoder, count, dim, data in page
            for row in article_vector_rows(
                [(digest, np.frombuffer(data, "<f4").reshape(count, dim))], encoder
            )
        ]
        insert_article_vectors(conn, rows, with_pgvector)


def _v8_attached_stories(conn: Connection) -> None:
    """Lone articles' stories attached to another (`stories.attached_to`) and the
    clusterer's story of an article shown elsewhere (`story_articles.home`)."""
    for table, column in (("stories", "attached_to"), ("story_articles", "home")):
        if column not in {c["name"] for c in inspect(conn).get_columns(table)}:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR(64)"))
    for index in story_articles.indexes:
        if index.name == "ix_story_articles_home":
            index.create(conn, checkfirst=True)
    _fill_profile_sizes(conn)


def _fill_profile_sizes(conn: Connection) -> None:
    """Each story profile's own size: the originals among its members. Until v8 the
    clusterer read the listed count, which counts copies too, and divided by it."""
    stories = _v3_stories_table
    members = _v3_story_articles_table
    originals = dict(
        conn.execute(
            select(members.c.story_id, func.count())
            .where(members.c.article_id.not_in(select(_v3_duplicates_table.c.article_id)))
            .group_by(members.c.story_id)
        ).all()
    )
    last = ""
    while True:  # in pages: a large store's profiles do not fit in memory at once
        page = conn.execute(
            select(stories.c.story_id, stories.c.profile)
            .where(stories.c.story_id > last)
            .order_by(stories.c.story_id)
            .limit(500)
        ).all()
        if not page:
            break
        last = page[-1][0]
        rows = []
        for story_id, data in page:
            profile = json.loads(data)
            if "size" not in profile and story_id in originals:
                profile["size"] = originals[story_id]
                rows.append({"key": story_id, "data": json.dumps(profile, ensure_ascii=False)})
        if rows:
            conn.execute(
                update(stories)
                .where(stories.c.story_id == bindparam("key"))
                .values(profile=bindparam("data")),
                rows,
            )


def _v9_placed_revisions(conn: Connection) -> None:
    """The revision each near-duplicate check and story placement was made on
    (`content_hash` of `signatures`, `duplicates` and `story_articles`) and whether a
    member's profile is in its story's sums (`story_articles.profiled`), so that a new
    revision is checked and placed again. Until now an article was checked and placed
    once, on its first revision: that is the one recorded, so that an article revised
    since is checked and placed once more. Every member but a copy was profiled."""
    added = (
        ("signatures", "content_hash", "VARCHAR(64)"),
        ("duplicates", "content_hash", "VARCHAR(64)"),
        ("story_articles", "content_hash", "VARCHAR(64)"),
        ("story_articles", "profiled", "BOOLEAN"),
    )
    for table, column, kind in added:
        if column not in {c["name"] for c in inspect(conn).get_columns(table)}:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
    for index in duplicates.indexes:
        if index.name == "ix_duplicates_revision":
            index.create(conn, checkfirst=True)
    for table in (signatures, duplicates, story_articles):
        first = (
            select(articles.c.content_hash)
            .where(articles.c.article_id == table.c.article_id, articles.c.revision == 1)
            .scalar_subquery()
        )
        conn.execute(update(table).values(content_hash=first))
    # EXISTS on the copy table's key: `IN (SELECT ...)` as a value re-reads every copy
    # per member on PostgreSQL once the copies outgrow its hash memory.
    copy = select(duplicates.c.article_id).where(
        duplicates.c.article_id == story_articles.c.article_id
    )
    conn.execute(update(story_articles).values(profiled=~copy.exists()))


def _v10_story_aliases(conn: Connection) -> None:
    """Where merged stories went (none are known for merges before this version)."""
    story_aliases.create(conn, checkfirst=True)


def _v11_time_order(conn: Connection) -> None:
    """Each article's place in time (`articles.published_utc`) and each story's first and
    last report's (`stories.first_utc`, `last_utc`), so that dates given in different
    zones sort in time order; until now they sorted as text, and a story's first and last
    report were the least and greatest as text, which are chosen again here."""
    added = (
        ("articles", "published_utc"),
        ("stories", "first_utc"),
        ("stories", "last_utc"),
    )
    for table, column in added:
        if column not in {c["name"] for c in inspect(conn).get_columns(table)}:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR(40)"))
    for index in articles.indexes:
        if index.name == "ix_articles_current_utc":
            index.create(conn, checkfirst=True)
    # A day, or a time without a zone, is its own place in time; only zoned values move,
    # each found and written by its key in one pass over the table.
    published = articles.c.published
    conn.execute(update(articles).values(published_utc=func.nullif(published, "")))
    last = 0
    while True:  # in pages: a large store's dates do not fit in memory at once
        page = conn.execute(
            select(articles.c.pk, published)
            .where(articles.c.pk > last, published.like("%T%"))
            .order_by(articles.c.pk)
            .limit(5000)
        ).all()
        if not page:
            break
        last = page[-1][0]
        moved = [{"key": pk, "utc": utc} for pk, value in page if (utc := moment(value)) != value]
        if moved:
            conn.execute(
                update(articles)
                .where(articles.c.pk == bindparam("key"))
                .values(published_utc=bindparam("utc")),
                moved,
            )
    _fill_story_span(conn)


def _fill_story_span(conn: Connection) -> None:
    """Each story's first and last report by the days they name (`dates.span`), and the
    first and last place in time of its reports."""
    members = (
        select(story_articles.c.story_id, articles.c.published)
        .join(articles, articles.c.article_id == story_articles.c.article_id)
        .where(articles.c.current.is_(True), articles.c.published.is_not(None))
        .order_by(story_articles.c.story_id)
    )
    rows: list[dict[str, str]] = []
    for story_id, dates in itertools.groupby(conn.execute(members), key=lambda row: row[0]):
        given = [published for _, published in dates if published]
        if not given:
            continue
        first, last = span(given)
        times = [moment(value) for value in given]
        rows.append(
            {
                "key": story_id,
                "first": first,
                "last": last,
                "first_utc": min(times),
                "last_utc": max(times),
            }
        )
        if len(rows) == 1000:
            _put_story_span(conn, rows)
            rows = []
    _put_story_span(conn, rows)


def _put_story_span(conn: Connection, rows: list[dict[str, str]]) -> None:
    if rows:
        conn.execute(
            update(stories)
            .where(stories.c.story_id == bindparam("key"))
            .values(
                first_published=bindparam("first"),
                last_published=bindparam("last"),
                first_utc=bindparam("first_utc"),
                last_utc=bindparam("last_utc"),
            ),
            rows,
        )


MIGRATIONS: list[Callable[[Connection], None]] = [
    _v1_articles,
    _v2_language,
    _v3_stories,
    _v4_comparisons,
    _v5_summaries,
    _v6_story_counts,
    _v7_article_vectors,
    _v8_attached_stories,
    _v9_placed_revisions,
    _v10_story_aliases,
    _v11_time_order,
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: Connection) -> int:
    """The version recorded in the database (0 for an empty database)."""
    if not inspect(conn).has_table(store_meta.name):
        return 0
    value = conn.execute(
        select(store_meta.c.value).where(store_meta.c.key == "schema_version")
    ).scalar()
    return int(value) if value is not None else 0


def migrate(conn: Connection) -> int:
    """Bring the schema up to `SCHEMA_VERSION`; returns the version found before.

    Raises SchemaTooNew rather than touching a database from the future.
    """
    found = schema_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"the database has schema version {found}, but this storyline knows only up to "
            f"{SCHEMA_VERSION}: upgrade storyline to open it"
        )
    for version in range(found, SCHEMA_VERSION):
        MIGRATIONS[version](conn)
        _record_version(conn, version + 1)
    return found


def _record_version(conn: Connection, version: int) -> None:
    updated = conn.execute(
        store_meta.update().where(store_meta.c.key == "schema_version").values(value=str(version))
    )
    if updated.rowcount == 0:
        conn.execute(store_meta.insert().values(key="schema_version", value=str(version)))

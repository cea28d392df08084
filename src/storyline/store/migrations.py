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

import json
from collections.abc import Callable

import numpy as np
from sqlalchemy import (
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
    bindparam,
    func,
    inspect,
    select,
    text,
    tuple_,
    update,
)

from storyline.store.schema import (
    annotations,
    article_vectors,
    articles,
    comparisons,
    duplicates,
    signatures,
    store_meta,
    story_aliases,
    story_articles,
    story_counts,
    summaries,
    term_stats,
    vectors,
)


class SchemaTooNew(Exception):
    """The database was written by a newer storyline than this one."""


def _v1_articles(conn: Connection) -> None:
    """Articles with revisions, and full-text search over title and text."""
    store_meta.create(conn, checkfirst=True)
    articles.create(conn, checkfirst=True)
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

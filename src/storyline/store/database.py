"""The article store: SQLite by default, any SQLAlchemy database through the same code.

Writes happen in batches, each in one transaction: a process killed at any
moment leaves every finished batch stored and no part of the unfinished one,
and re-running the same ingest completes it (idempotence by content hash).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import (
    Engine,
    Select,
    bindparam,
    column,
    create_engine,
    event,
    func,
    literal_column,
    or_,
    select,
    table,
    tuple_,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError
from sqlalchemy.exc import SQLAlchemyError as _SQLAlchemyError

from storyline.dates import moment
from storyline.model import Annotation, Article
from storyline.store.errors import (
    ID_CHUNK,
    ArticleRejected,
    StoreError,
    chunks,
    delete_by_hash,
    reason,
    store_errors,
)
from storyline.store.migrations import SchemaTooNew, migrate
from storyline.store.schema import annotations, articles, vectors
from storyline.store.similar import SimilarArticlesMixin
from storyline.store.story_tables import StoryTablesMixin

DEFAULT_DB = "storyline.db"


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as stored, with its revision history facts."""

    article: Article
    revision: int
    revisions: int
    content_hash: str
    ingested_at: str


@dataclass(frozen=True, slots=True)
class Revision:
    """An article stored as a new revision of an id that already had other text."""

    article_id: str
    number: int  # 2 for the first revision after the original
    origin: str  # where its text was read (file:line, URL), or the id


@dataclass(slots=True)
class AddResult:
    """What one `add_articles` call did."""

    added: int = 0
    unchanged: int = 0
    revisions: list[Revision] = field(default_factory=list)

    @property
    def revised(self) -> int:
        return len(self.revisions)


def database_url(db: str | Path) -> str:
    """A SQLAlchemy URL for ``--db``: a URL as given (``postgresql://`` and ``postgres://``
    use psycopg 3, the driver storyline installs), or a SQLite file path."""
    db = str(db)
    if "://" not in db:
        return f"sqlite:///{db}"
    scheme, rest = db.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return db


def shown_store(db: str | Path) -> str:
    """The store `db` as messages show it: a server URL's password masked as ``***``,
    in its user part (whatever characters it holds) and in a ``password=`` parameter."""
    db = str(db)
    scheme, found, rest = db.partition("://")
    if not found:
        return db
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        user_part, host = authority.rsplit("@", 1)
        if ":" in user_part:
            authority = f"{user_part.split(':', 1)[0]}:***@{host}"
    path = re.sub(r"(?i)(\bpassword=)[^&]*", r"\1***", path)
    return f"{scheme}://{authority}{slash}{path}"


def sqlite_file(db: str | Path) -> Path | None:
    """The file of the SQLite store `db` names, or None (a server's database, or SQLite
    in memory)."""
    url = make_url(database_url(db))
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def store_exists(db: str | Path) -> bool:
    """Whether the store `db` names is there to be read: a SQLite file that exists (an
    in-memory one counts). A server's database is assumed to be there; opening it says
    otherwise. Cost: one file-system check."""
    path = sqlite_file(db)
    return path is None or path.exists()


class Store(StoryTablesMixin, SimilarArticlesMixin):
    """Articles and everything derived from them.

    Open with `Store(db)`, where `db` is a file path (SQLite) or a SQLAlchemy URL
    (``postgresql+psycopg://…``); pending schema migrations run on open. Use as a
    context manager or call `close()`.
    """

    def __init__(self, db: str | Path = DEFAULT_DB):
        self.url = database_url(db)
        if "://" not in str(db):
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine = _create_engine(self.url)
            with self._write() as conn:
                migrate(conn)
        except SchemaTooNew as exc:
            raise StoreError(f"{shown_store(db)}: {exc}") from exc
        except (_SQLAlchemyError, sqlite3.Error, ImportError) as exc:
            raise StoreError(f"cannot open the store {shown_store(db)}: {reason(exc)}") from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # -- writing -----------------------------------------------------------------

    def add_articles(self, batch: Sequence[Article]) -> AddResult:
        """Store a batch of articles in one transaction.

        An article whose (id, content hash) is already stored is counted as
        unchanged; a known id with new content becomes a new revision, and the
        previous one stays, no longer current. Cost: one indexed look-up per
        chunk of ids plus one insert per new revision.
        """
        result = AddResult()
        if not batch:
            return result
        now = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            self._add(batch, result, now)
        except (IntegrityError, DataError, StatementError, UnicodeError, ValueError) as exc:
            raise ArticleRejected(reason(exc)) from exc  # this batch's data, not the store
        except _SQLAlchemyError as exc:
            raise StoreError(f"the store failed: {reason(exc)}") from exc
        return result

    def _add(self, batch: Sequence[Article], result: AddResult, now: str) -> None:
        with self._write() as conn:
            known = self._revision_state(conn, {a.id for a in batch})
            rows: list[dict[str, Any]] = []
            for article in batch:
                digest = article.content_hash
                latest, hashes = known.setdefault(article.id, (0, set()))
                if digest in hashes:
                    result.unchanged += 1
                    continue
                if latest:
                    result.revisions.append(
                        Revision(article.id, latest + 1, article.origin or article.id)
                    )
                else:
                    result.added += 1
                hashes.add(digest)
                known[article.id] = (latest + 1, hashes)
                rows.append(_row(article, latest + 1, digest, now))
            newest = {row["article_id"]: row["revision"] for row in rows}
            for row in rows:
                row["current"] = newest[row["article_id"]] == row["revision"]
            revised_ids = [i for i in newest if known[i][0] > 1]
            for chunk in chunks(revised_ids):
                conn.execute(
                    update(articles)
                    .where(articles.c.article_id.in_(chunk), articles.c.current.is_(True))
                    .values(current=False)
                )
            if rows:
                conn.execute(articles.insert(), rows)

    @staticmethod
    def _revision_state(conn, ids: set[str]) -> dict[str, tuple[int, set[str]]]:
        state: dict[str, tuple[int, set[str]]] = {}
        for chunk in chunks(sorted(ids)):
            query = select(articles.c.article_id, articles.c.revision, articles.c.content_hash)
            for article_id, revision, digest in conn.execute(
                query.where(articles.c.article_id.in_(chunk))
            ):
                latest, hashes = state.get(article_id, (0, set()))
                hashes.add(digest)
                state[article_id] = (max(latest, revision), hashes)
        return state

    # -- reading -----------------------------------------------------------------

    def get_article(self, article_id: str, revision: int | None = None) -> StoredArticle | None:
        """The current revision of `article_id` (or the given one), or None."""
        query = select(articles).where(articles.c.article_id == article_id)
        query = query.where(
            articles.c.current.is_(True) if revision is None else articles.c.revision == revision
        )
        count = (
            select(func.count())
            .select_from(articles)
            .where(articles.c.article_id == article_id)
            .scalar_subquery()
        )
        with self._read() as conn:
            row = conn.execute(query.add_columns(count.label("revisions"))).mappings().first()
        if row is None:
            return None
        return StoredArticle(
            _article(row),
            row["revision"],
            row["revisions"],
            row["content_hash"],
            row["ingested_at"],
        )

    def list_articles(
        self,
        *,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        query: str | None = None,
        limit: int | None = 50,
        offset: int = 0,
    ) -> list[Article]:
        """Current articles matching every filter given, newest first (best match first
        for a full-text `query`). `since`/`until` are ISO dates, inclusive."""

        def build(match: str | None) -> Select:
            stmt = self._filtered(select(articles), source, since, until, match)
            return stmt.limit(limit).offset(offset)

        return [_article(row._mapping) for row in self._search(build, query)]

    def count_articles(
        self,
        *,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        query: str | None = None,
    ) -> int:
        """How many current articles match (same filters as `list_articles`)."""

        def build(match: str | None) -> Select:
            inner = self._filtered(select(articles.c.pk), source, since, until, match).subquery()
            return select(func.count()).select_from(inner)

        return self._search(build, query)[0][0]

    def iter_articles(self, ids: Sequence[str] | None = None) -> Iterator[Article]:
        """Current articles (those with `ids`, in that order, or all in the order stored).

        Streams in chunks, so memory does not grow with the store.
        """
        if ids is None:
            last_pk = 0
            while True:
                stmt = (
                    select(articles)
                    .where(articles.c.current.is_(True), articles.c.pk > last_pk)
                    .order_by(articles.c.pk)
                    .limit(ID_CHUNK)
                )
                with self._read() as conn:
                    rows = conn.execute(stmt).mappings().all()
                if not rows:
                    return
                last_pk = rows[-1]["pk"]
                yield from map(_article, rows)
        for chunk in chunks(list(ids)):
            stmt = select(articles).where(
                articles.c.current.is_(True), articles.c.article_id.in_(chunk)
            )
            with self._read() as conn:
                found = {row["article_id"]: _article(row) for row in conn.execute(stmt).mappings()}
            yield from (found[i] for i in chunk if i in found)

    def articles_by_hash(self, revisions: dict[str, str]) -> list[Article]:
        """The stored revisions named by {article id: content hash}, current or not;
        those not stored are left out. Cost: one query per chunk of ids."""
        found: list[Article] = []
        key = tuple_(articles.c.article_id, articles.c.content_hash)
        for chunk in chunks(list(revisions)):
            stmt = select(articles).where(key.in_([(i, revisions[i]) for i in chunk]))
            with self._read() as conn:
                found += [_article(row) for row in conn.execute(stmt).mappings()]
        return found

    def revisions(self, article_id: str) -> list[tuple[int, str, str]]:
        """(revision, ingested_at, content_hash) for every stored revision of an id."""
        stmt = (
            select(articles.c.revision, articles.c.ingested_at, articles.c.content_hash)
            .where(articles.c.article_id == article_id)
            .order_by(articles.c.revision)
        )
        with self._read() as conn:
            return [tuple(row) for row in conn.execute(stmt)]

    def sources(self) -> list[tuple[str, int]]:
        """(source, current article count), most articles first."""
        stmt = (
            select(articles.c.source, func.count())
            .where(articles.c.current.is_(True), articles.c.source.is_not(None))
            .group_by(articles.c.source)
            .order_by(func.count().desc(), articles.c.source)
        )
        with self._read() as conn:
            return [tuple(row) for row in conn.execute(stmt)]

    def articles_per_day(self) -> list[tuple[str, int]]:
        """(ISO day, current articles published that day), in day order; undated left out."""
        day = func.substr(articles.c.published, 1, 10)
        stmt = (
            select(day, func.count())
            .where(articles.c.current.is_(True), articles.c.published.is_not(None))
            .group_by(day)
            .order_by(day)
        )
        with self._read() as conn:
            return [tuple(row) for row in conn.execute(stmt)]

    # -- language stage ------------------------------------------------------------

    def annotated(self, hashes: Sequence[str], annotator: str) -> set[str]:
        """The content hashes among `hashes` that have annotations of `annotator`."""
        return self._present(annotations, hashes, annotations.c.annotator == annotator)

    def put_annotations(self, items: Sequence[Annotation], annotator: str) -> None:
        """Store annotations (replacing older ones of the same revision and annotator)."""
        rows = [
            {
                "content_hash": a.content_hash,
                "annotator": annotator,
                "data": json.dumps(a.to_dict(), ensure_ascii=False),
            }
            for a in items
        ]
        self._replace(annotations, rows, annotations.c.annotator == annotator)

    def get_annotations(self, hashes: Sequence[str], annotator: str) -> dict[str, Annotation]:
        """Stored annotations by content hash (missing ones are simply absent)."""
        rows = self._by_hash(
            annotations, [annotations.c.data], annotations.c.annotator == annotator, hashes
        )
        return {digest: Annotation.from_dict(json.loads(data)) for digest, data in rows}

    def embedded(self, hashes: Sequence[str], encoder: str) -> set[str]:
        """The content hashes among `hashes` that have sentence vectors from `encoder`."""
        return self._present(vectors, hashes, vectors.c.encoder == encoder)

    def put_vectors(self, items: Sequence[tuple[str, np.ndarray]], encoder: str) -> None:
        """Store each revision's sentence-vector matrix (float32, one row a sentence)."""
        rows = [
            {
                "content_hash": digest,
                "encoder": encoder,
                "rows": matrix.shape[0],
                "dim": matrix.shape[1],
                "data": np.ascontiguousarray(matrix, "<f4").tobytes(),
            }
            for digest, matrix in items
        ]
        # The article vectors (their means) go in the same transaction: a search never
        # misses an article whose sentence vectors are stored.
        self._replace(
            vectors,
            rows,
            vectors.c.encoder == encoder,
            also=lambda conn: self._put_article_vectors(conn, items, encoder),
        )

    def get_vectors(self, hashes: Sequence[str], encoder: str) -> dict[str, np.ndarray]:
        """Sentence-vector matrices by content hash. Read as raw float32, never unpickled."""
        rows = self._by_hash(
            vectors,
            [vectors.c.rows, vectors.c.dim, vectors.c.data],
            vectors.c.encoder == encoder,
            hashes,
        )
        return {
            digest: np.frombuffer(data, dtype="<f4").reshape(count, dim)
            for digest, count, dim, data in rows
        }

    def _present(self, table, hashes: Sequence[str], condition) -> set[str]:
        return {row[0] for row in self._by_hash(table, [], condition, hashes)}

    def _by_hash(self, table, columns: list, condition, hashes: Sequence[str]) -> Iterator:
        """(content_hash, *columns) rows of `table` for `hashes`, chunked under SQLite's
        bound-parameter limit."""
        for chunk in chunks(list(dict.fromkeys(hashes))):
            stmt = select(table.c.content_hash, *columns).where(
                condition, table.c.content_hash.in_(chunk)
            )
            with self._read() as conn:
                yield from conn.execute(stmt).all()

    def _replace(
        self,
        table,
        rows: list[dict[str, Any]],
        condition,
        also: Callable[[Any], None] | None = None,
    ) -> None:
        if not rows:
            return
        with store_errors(), self._write() as conn:
            delete_by_hash(conn, table, [r["content_hash"] for r in rows], condition)
            conn.execute(table.insert(), rows)
            if also is not None:
                also(conn)

    # -- internals ---------------------------------------------------------------

    def _filtered(
        self,
        stmt: Select,
        source: str | None,
        since: str | None,
        until: str | None,
        query: str | None,
    ) -> Select:
        stmt = stmt.where(articles.c.current.is_(True))
        if source:
            stmt = stmt.where(func.lower(articles.c.source) == source.lower())
        if since:
            stmt = stmt.where(articles.c.published >= since)
        if until:
            stmt = stmt.where(articles.c.published < _day_after(until))
        if query:
            stmt = self._match(stmt, query)
        else:
            stmt = stmt.order_by(
                articles.c.published_utc.desc().nulls_last(), articles.c.article_id
            )
        return stmt

    def _match(self, stmt: Select, query: str) -> Select:
        pieces = [p for p in (w.strip('"') for w in query.split()) if p]
        if pieces and not any(ch.isalnum() for ch in query):
            # Nothing a full-text index keeps (emoji, symbols): each piece found as
            # written, newest first. A scan of every text, only for such a query.
            found = [
                or_(
                    articles.c.title.contains(piece, autoescape=True),
                    articles.c.text.contains(piece, autoescape=True),
                )
                for piece in pieces
            ]
            return stmt.where(*found).order_by(
                articles.c.published_utc.desc().nulls_last(), articles.c.article_id
            )
        if self.engine.dialect.name == "sqlite":
            fts = table("articles_fts", column("rowid"))
            match = literal_column("articles_fts").op("MATCH")(bindparam("fts", query))
            return (
                stmt.join(fts, fts.c.rowid == articles.c.pk)
                .where(match)
                .order_by(func.bm25(literal_column("articles_fts")))
            )
        document = func.to_tsvector(
            "english", func.coalesce(articles.c.title, "") + " " + articles.c.text
        )
        tsquery = func.websearch_to_tsquery("english", query)
        return stmt.where(document.op("@@")(tsquery)).order_by(
            func.ts_rank(document, tsquery).desc()
        )

    def _search(self, build: Callable[[str | None], Select], query: str | None) -> list[Any]:
        with self._read() as conn:
            try:
                return conn.execute(build(query)).all()
            except OperationalError:
                if not query or self.engine.dialect.name != "sqlite":
                    raise
            # Not valid FTS5 syntax (a stray quote or operator): search the words as words.
            return conn.execute(build(_as_plain_words(query))).all()

    def _paged(self, stmt: Any, key: Any) -> Iterator[Any]:
        """The rows of `stmt` (whose first column is `key`), read in pages by `key`:
        streams a table of any size."""
        last = ""
        while True:
            page = stmt.where(key > last).order_by(key).limit(ID_CHUNK)
            with self._read() as conn:
                rows = conn.execute(page).all()
            if not rows:
                return
            last = rows[-1][0]
            yield from rows

    def _read(self):
        return self.engine.connect()

    def _write(self):
        return self.engine.execution_options(storyline_write=True).begin()


def _create_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's BEGIN below, not the sqlite3 module, delimit transactions,
        # so that schema changes are transactional too.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        # Writers take the lock up front so concurrent ingests wait instead of failing.
        write = conn.get_execution_options().get("storyline_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _row(article: Article, revision: int, digest: str, now: str) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "revision": revision,
        "content_hash": digest,
        "current": True,
        "source": article.source,
        "title": article.title,
        "published": article.published,
        "published_utc": moment(article.published) or None,
        "url": article.url,
        "author": article.author,
        "text": article.text,
        "metadata": json.dumps(article.metadata, ensure_ascii=False, default=str),
        "origin": article.origin,
        "ingested_at": now,
    }


def _article(row) -> Article:
    return Article(
        id=row["article_id"],
        text=row["text"],
        title=row["title"],
        source=row["source"],
        published=row["published"],
        url=row["url"],
        author=row["author"],
        metadata=json.loads(row["metadata"] or "{}"),
        origin=row["origin"],
    )


def _day_after(until: str) -> str:
    """Exclusive upper bound for an inclusive `until` date (or the moment itself)."""
    if len(until) == 10:
        return (date.fromisoformat(until) + timedelta(days=1)).isoformat()
    return until + "\uffff"


def _as_plain_words(query: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in query).split()
    return " ".join(f'"{w}"' for w in words) or '""'

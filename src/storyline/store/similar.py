"""Similar articles by meaning (mixed into `Store`): pgvector when PostgreSQL has it,
arrays otherwise.

Each article revision's vector is the unit-length mean of its sentence vectors,
written beside them (`put_vectors`). On PostgreSQL with the pgvector extension
(installed on the server: Debian's `postgresql-NN-pgvector`, or a build of
https://github.com/pgvector/pgvector) the vectors also live in a `vector` column
with an HNSW index, and a search is one index query. Elsewhere (SQLite, or
PostgreSQL without the extension) the vectors are float32 arrays and a search
reads them in pages: exact, and linear in the number of stored articles.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

import numpy as np
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from storyline.batching import batched
from storyline.store.errors import ID_CHUNK, chunks, delete_by_hash, store_errors
from storyline.store.schema import article_vectors, articles

#: The HNSW index covers vectors of this length (all-MiniLM-L6-v2's); vectors of
#: other encoders are still searched, by a scan.
INDEXED_DIM = 384
#: pgvector's HNSW search list for a query (its default is 40).
EF_SEARCH = 100


def article_vector_rows(items: Sequence[tuple[str, np.ndarray]], encoder: str) -> list[dict]:
    """`article_vectors` rows for (content hash, sentence-vector matrix) pairs; a
    revision without sentences has no article vector."""
    rows = []
    for digest, matrix in items:
        if not len(matrix):
            continue
        mean = np.asarray(matrix, dtype=np.float32).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        if not math.isfinite(norm) or norm == 0:  # pgvector refuses NaN and infinities
            continue
        rows.append(
            {
                "content_hash": digest,
                "encoder": encoder,
                "dim": int(mean.shape[0]),
                "mean": np.ascontiguousarray(mean / norm, "<f4").tobytes(),
            }
        )
    return rows


def pgvector_available(conn: Connection) -> bool:
    """Whether the database is PostgreSQL with the pgvector extension installable."""
    if conn.dialect.name != "postgresql":
        return False
    found = conn.execute(
        text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
    ).first()
    return found is not None


def add_pgvector_column(conn: Connection) -> bool:
    """Enable pgvector and add the `embedding` column; False (and nothing changed)
    when the database refuses, e.g. the user may not create extensions."""
    try:
        with conn.begin_nested():  # a refusal must not abort the migration's transaction
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
            conn.execute(text("ALTER TABLE article_vectors ADD COLUMN embedding vector"))
    except SQLAlchemyError:  # any refusal means: keep the arrays
        return False
    return True


def index_pgvector_column(conn: Connection) -> None:
    """The HNSW index (cosine) over the `embedding` column's vectors of `INDEXED_DIM`."""
    conn.execute(
        text(
            "CREATE INDEX ix_article_vectors_hnsw ON article_vectors USING hnsw "
            f"((embedding::vector({INDEXED_DIM})) vector_cosine_ops) WHERE dim = {INDEXED_DIM}"
        )
    )


def insert_article_vectors(conn: Connection, rows: list[dict], with_pgvector: bool) -> None:
    """Insert `article_vector_rows`; with pgvector the same vectors go into the
    `embedding` column too (pgvector reads them as '[x,y,...]')."""
    if not rows:
        return
    if not with_pgvector:
        conn.execute(article_vectors.insert(), rows)
        return
    conn.execute(
        text(
            "INSERT INTO article_vectors (content_hash, encoder, dim, mean, embedding) "
            "VALUES (:content_hash, :encoder, :dim, :mean, CAST(:embedding AS vector))"
        ),
        [{**row, "embedding": _literal(np.frombuffer(row["mean"], "<f4"))} for row in rows],
    )


def _literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in vector.tolist()) + "]"


class SimilarArticlesMixin:
    """`Store.similar_articles` and the writing of article vectors."""

    _uses_pgvector: bool | None = None

    @property
    def uses_pgvector(self) -> bool:
        """Whether this store searches article vectors with pgvector's index."""
        if self._uses_pgvector is None:
            self._uses_pgvector = False
            if self.engine.dialect.name == "postgresql":
                with self._read() as conn:
                    found = conn.execute(
                        text(
                            "SELECT 1 FROM information_schema.columns WHERE table_schema = "
                            "current_schema() AND table_name = 'article_vectors' "
                            "AND column_name = 'embedding'"
                        )
                    ).first()
                self._uses_pgvector = found is not None
        return self._uses_pgvector

    def _put_article_vectors(
        self, conn: Connection, items: Sequence[tuple[str, np.ndarray]], encoder: str
    ) -> None:
        delete_by_hash(
            conn, article_vectors, [d for d, _ in items], article_vectors.c.encoder == encoder
        )
        insert_article_vectors(conn, article_vector_rows(items, encoder), self.uses_pgvector)

    def similar_articles(self, article_id: str, limit: int = 5) -> list[tuple[str, float]]:
        """The current articles closest in meaning to `article_id`'s current revision,
        as (id, cosine similarity), best first; not the article itself nor other ids
        with the very same text. Empty when the article has no vectors.

        Cost: with pgvector, one HNSW index query; otherwise a read of every stored
        article vector of the same encoder, in pages (about 1.5 KB an article).
        """
        with store_errors(), self._read() as conn:
            mine = conn.execute(
                select(
                    article_vectors.c.encoder,
                    article_vectors.c.content_hash,
                    article_vectors.c.dim,
                    article_vectors.c.mean,
                )
                .join(articles, articles.c.content_hash == article_vectors.c.content_hash)
                .where(articles.c.article_id == article_id, articles.c.current.is_(True))
            ).all()
            if not mine:
                return []
            # Vectors of one encoder are comparable only with each other: take the one
            # that embedded most of the store (an earlier run may have used another).
            by_encoder = {row[0]: row[1:] for row in mine}
            encoder = next(iter(by_encoder))
            if len(by_encoder) > 1:  # rare: counting costs a pass over the table
                encoder = max(by_encoder, key=lambda e: (self._vectors_of(conn, e), e))
            own_hash, dim, mean = by_encoder[encoder]
            query = np.frombuffer(mean, "<f4")
            want = 3 * limit + 4  # room for itself and texts that are no current article's
            if self.uses_pgvector:
                nearest = self._nearest_indexed(conn, encoder, dim, query, want)
            else:
                nearest = self._nearest_scanned(encoder, dim, query, want)
            nearest = [(value, digest) for value, digest in nearest if digest != own_hash]
            return self._current_ids(conn, nearest, limit)

    def _vectors_of(self, conn: Connection, encoder: str) -> int:
        return conn.execute(
            select(func.count()).where(article_vectors.c.encoder == encoder)
        ).scalar_one()

    def _nearest_indexed(
        self, conn: Connection, encoder: str, dim: int, query: np.ndarray, want: int
    ) -> list[tuple[float, str]]:
        cast = f"vector({int(dim)})"  # the HNSW index is on this expression
        # The index's search list (default 40) bounds both the results and their
        # recall; a longer one costs little at this size of query.
        # (pgvector accepts at most 1,000.)
        conn.execute(text(f"SET LOCAL hnsw.ef_search = {min(1000, max(EF_SEARCH, want))}"))
        # `dim` is written into the query, not bound, so that the planner always sees
        # the partial index's condition.
        rows = conn.execute(
            text(
                f"SELECT content_hash, 1 - (embedding::{cast} <=> CAST(:q AS {cast})) "
                f"FROM article_vectors WHERE encoder = :encoder AND dim = {int(dim)} "
                f"ORDER BY embedding::{cast} <=> CAST(:q AS {cast}) LIMIT :want"
            ),
            {"q": _literal(query), "encoder": encoder, "want": want},
        ).all()
        return [(float(similarity), digest) for digest, similarity in rows]

    def _nearest_scanned(
        self, encoder: str, dim: int, query: np.ndarray, want: int
    ) -> list[tuple[float, str]]:
        best: list[tuple[float, str]] = []  # the `want` best so far, best first
        stmt = select(article_vectors.c.content_hash, article_vectors.c.mean).where(
            article_vectors.c.encoder == encoder, article_vectors.c.dim == dim
        )
        for page in batched(self._paged(stmt, article_vectors.c.content_hash), 4 * ID_CHUNK):
            matrix = np.frombuffer(b"".join(row[1] for row in page), "<f4").reshape(-1, dim)
            scores = matrix @ query
            top = np.argpartition(-scores, want)[:want] if len(scores) > want else range(len(page))
            best = heapq.nlargest(want, best + [(float(scores[i]), page[i][0]) for i in top])
        return best

    def _current_ids(
        self, conn: Connection, nearest: list[tuple[float, str]], limit: int
    ) -> list[tuple[str, float]]:
        owners: dict[str, list[str]] = {}
        for chunk in chunks([digest for _, digest in nearest]):
            for ident, digest in conn.execute(
                select(articles.c.article_id, articles.c.content_hash).where(
                    articles.c.content_hash.in_(chunk), articles.c.current.is_(True)
                )
            ):
                owners.setdefault(digest, []).append(ident)
        found = [
            (ident, round(value, 4))
            for value, digest in nearest
            for ident in sorted(owners.get(digest, []))
        ]
        return found[:limit]

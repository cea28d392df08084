"""The store: articles and everything derived from them (annotations, vectors, stories,
comparisons, summaries) in one database."""

from storyline.store.database import (
    DEFAULT_DB,
    AddResult,
    ArticleRejected,
    Store,
    StoredArticle,
    StoreError,
    database_url,
    shown_store,
    sqlite_file,
    store_exists,
)
from storyline.store.migrations import SCHEMA_VERSION

__all__ = [
    "DEFAULT_DB",
    "SCHEMA_VERSION",
    "AddResult",
    "ArticleRejected",
    "Store",
    "StoreError",
    "StoredArticle",
    "database_url",
    "shown_store",
    "sqlite_file",
    "store_exists",
]

"""The store: articles (and later everything derived from them) in one database."""

from storyline.store.database import (
    DEFAULT_DB,
    AddResult,
    ArticleRejected,
    Store,
    StoredArticle,
    StoreError,
    database_url,
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
    "store_exists",
]

"""The language stage: sentences, entities, quotes, quantities, times, and embeddings.

`Annotator` turns articles into `Annotation`s (spaCy's parser and entity
recogniser plus storyline's rules) and, given an encoder, their sentence
vectors, spreading the work over worker processes; `load_encoder` gives the
sentence encoder. Both run offline from installed packages and say which
package to install when one is missing.

Importing this package does not import spaCy, which takes seconds: `Annotator`,
`annotate_batch` and `annotate_doc` (in `storyline.language.annotate`) load it when
first asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from storyline.language.encoders import (
    Encoder,
    EncoderUnavailable,
    embed_annotations,
    load_encoder,
)
from storyline.language.nlp import ModelUnavailable, without_dateline

if TYPE_CHECKING:
    import numpy as np

    from storyline.model import Annotation, Article

__all__ = [
    "ANNOTATE_BATCH",
    "ANNOTATOR_VERSION",
    "AnnotationWorkers",
    "Annotator",
    "Encoder",
    "EncoderUnavailable",
    "ModelUnavailable",
    "annotate_and_embed",
    "annotate_batch",
    "annotate_doc",
    "embed_annotations",
    "load_encoder",
    "without_dateline",
]

#: Bump when the rules change: cached annotations of an older version are redone.
ANNOTATOR_VERSION = "21"
#: Articles per spaCy call in a worker: 16 parsed about an eighth faster than 8 on
#: multinews-val (2 processes), and larger batches no faster (BENCHMARKS.md).
ANNOTATE_BATCH = 16


class AnnotationWorkers(Protocol):
    """What annotates and embeds articles for `engine.run_language`: `Annotator` in
    processes of this machine, `distributed.DaskAnnotator` on a cluster. A context
    manager; `submit` starts the work and returns a function that waits for each
    article's annotation and vectors (None without an encoder), in order."""

    def __enter__(self) -> Any: ...

    def __exit__(self, *exc: object) -> None: ...

    def submit(
        self, articles: Iterable[Article]
    ) -> Callable[[], list[tuple[Annotation, np.ndarray | None]]]: ...


_PARSING = {"Annotator", "annotate_and_embed", "annotate_batch", "annotate_doc"}


def __getattr__(name: str) -> Any:
    if name in _PARSING:
        from storyline.language import annotate

        return getattr(annotate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

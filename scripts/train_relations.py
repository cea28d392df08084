"""Train storyline's relation classifier and write it into the package.

    python scripts/train_relations.py [--data ../shared/data] [--out src/storyline/relations.npz]

Reads ../shared/data/sick-train (entailment / contradiction / neutral) and
../shared/data/claimdiff-train (a claim that "weakens" another is a
contradiction, every other pair neutral: on-topic claims from other outlets
rarely entail each other in the strict SICK sense), embeds both sides with
the default MiniLM encoder, and fits an L2-regularised multinomial logistic
regression (scikit-learn, a dev dependency). Deterministic: lbfgs from zeros,
fixed seed, no sampling. Takes about half a minute on two cores.
benchmarks/relations.py cross-validates the same recipe.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storyline.language.encoders import MINILM, load_encoder
from storyline.relations import LABELS, RelationModel, pair_features

SEED = 13
REGULARISATION = 1.0  # scikit-learn's C; chosen by 5-fold CV on sick-train (BENCHMARKS.md)
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"


@dataclass
class PairSet:
    """Statement pairs with their features and labels (indices into LABELS)."""

    name: str
    rows: list[dict]
    features: np.ndarray
    labels: np.ndarray


def read_pairs(path: Path) -> list[dict]:
    if not path.exists():
        raise SystemExit(f"{path} not found: pass --data with the shared data directory")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def sick_label(row: dict) -> int:
    return LABELS.index(row["label"])


def claimdiff_label(row: dict) -> int:
    return LABELS.index("contradiction" if row["weakens"] else "neutral")


def load_sets(data: Path, encoder_name: str = "auto") -> tuple[PairSet, PairSet]:
    """sick-train and claimdiff-train, embedded once (each distinct sentence encoded once)."""
    sick = read_pairs(data / "sick-train" / "pairs.jsonl")
    claims = read_pairs(data / "claimdiff-train" / "pairs.jsonl")
    encoder = load_encoder(encoder_name)
    if not encoder.name.startswith(MINILM):
        raise SystemExit(f"training needs the MiniLM encoder; found only {encoder.name}")
    texts = sorted({row[side] for row in sick + claims for side in ("a", "b")})
    vectors = dict(zip(texts, encoder.encode(texts), strict=True))

    def build(name: str, rows: list[dict], label) -> PairSet:
        a, b = [r["a"] for r in rows], [r["b"] for r in rows]
        va, vb = np.stack([vectors[t] for t in a]), np.stack([vectors[t] for t in b])
        features = pair_features(a, b, va, vb)
        return PairSet(name, rows, features, np.array([label(r) for r in rows]))

    return build("sick-train", sick, sick_label), build("claimdiff-train", claims, claimdiff_label)


def fit(features: np.ndarray, labels: np.ndarray, c: float = REGULARISATION) -> RelationModel:
    """A RelationModel fitted on `features` (from `pair_features`) and label indices."""
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(C=c, max_iter=5000, random_state=SEED)
    classifier.fit(features, labels)
    # scikit-learn orders classes by value; LABELS' indices are 0, 1, 2.
    assert list(classifier.classes_) == list(range(len(LABELS)))
    return RelationModel(
        weights=classifier.coef_.T.astype(np.float32),
        bias=classifier.intercept_.astype(np.float32),
        encoder=MINILM,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "storyline" / "relations.npz")
    args = parser.parse_args()
    sick, claims = load_sets(args.data)
    model = fit(
        np.vstack([sick.features, claims.features]), np.concatenate([sick.labels, claims.labels])
    )
    model.save(args.out)
    print(
        f"wrote {args.out} ({args.out.stat().st_size:,} bytes) from {len(sick.rows):,} SICK "
        f"and {len(claims.rows):,} ClaimDiff pairs"
    )


if __name__ == "__main__":
    main()

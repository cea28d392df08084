"""Relation classifier quality, cross-validated, beside simple baselines.

    python benchmarks/relations.py [--data ../shared/data]

- SICK: 5-fold stratified CV over sick-train (each fold trained on the other
  four plus all of claimdiff-train); contradiction precision / recall / F1.
- ClaimDiff: 5-fold CV grouped by topic (no topic in both train and test;
  each fold trained on all of sick-train plus the other topics); ROC AUC of the
  contradiction probability for "weakens" pairs.

Baselines use one feature each, with the direction and threshold that give the
best contradiction F1 on the training folds: cosine similarity of the two
sentence vectors, and negation mismatch (exactly one side negated).

"+ the comparison's checks" is what `storyline relate` answers by default: the same
folds' classifier, and a pair the comparison's structured checks find at odds
(figures, dates, polarity, speakers: `compare.clash`) is a contradiction; for the
AUC such pairs rank above all others. The statements are parsed once with spaCy.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score
from sklearn.model_selection import GroupKFold, StratifiedKFold

from storyline.relations import LABELS, RelationModel

ROOT = Path(__file__).resolve().parents[1]
_SCRIPT = ROOT / "scripts" / "train_relations.py"
_spec = importlib.util.spec_from_file_location("train_relations", _SCRIPT)
train = importlib.util.module_from_spec(_spec)
sys.modules["train_relations"] = train  # dataclasses look their module up there
_spec.loader.exec_module(train)

CONTRADICTION = LABELS.index("contradiction")
# Columns of storyline.relations.pair_features.
COSINE, NEGATION_MISMATCH = 0, 3
CHECKED = -1  # the classifier with the comparison's checks
METHODS = {
    "storyline classifier (vectors + lexical)": None,
    "storyline classifier + the comparison's checks (`relate`)": CHECKED,
    "cosine similarity (threshold)": COSINE,
    "negation mismatch (rule)": NEGATION_MISMATCH,
}


def _baseline_rule(values: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """The sign and threshold on one feature that give the best contradiction F1 on
    `truth`: a baseline tuned on the training folds only."""
    best = (0.0, 1.0, 0.0)
    for sign in (1.0, -1.0):
        for threshold in np.unique(sign * values):
            predicted = sign * values >= threshold
            hits = (predicted & truth).sum()
            f1 = 2 * hits / max(1, predicted.sum() + truth.sum())
            if f1 > best[0]:
                best = (f1, sign, threshold)
    return best[1], best[2]


def sick_scores(sick, claims, column: int | None) -> tuple[float, float, float, float | None]:
    """Contradiction precision, recall, F1 (and 3-way accuracy for the classifier)."""
    predicted = np.zeros(len(sick.labels), bool)
    label = np.zeros(len(sick.labels), int)
    folds = StratifiedKFold(5, shuffle=True, random_state=train.SEED)
    for fit_rows, test_rows in folds.split(sick.features, sick.labels):
        if column is None or column == CHECKED:
            model = train.fit(
                np.vstack([sick.features[fit_rows], claims.features]),
                np.concatenate([sick.labels[fit_rows], claims.labels]),
            )
            label[test_rows] = model.predict_proba(sick.features[test_rows]).argmax(1)
            predicted[test_rows] = label[test_rows] == CONTRADICTION
            if column == CHECKED:
                found = checked(sick, model, test_rows)
                predicted[test_rows] |= found
                label[test_rows[found]] = CONTRADICTION
        else:
            truth = sick.labels[fit_rows] == CONTRADICTION
            sign, threshold = _baseline_rule(sick.features[fit_rows, column], truth)
            predicted[test_rows] = sign * sick.features[test_rows, column] >= threshold
    p, r, f, _ = precision_recall_fscore_support(
        sick.labels == CONTRADICTION, predicted, average="binary", zero_division=0
    )
    accuracy = float((label == sick.labels).mean()) if column in (None, CHECKED) else None
    return p, r, f, accuracy


def claimdiff_auc(sick, claims, column: int | None) -> float:
    """ROC AUC for "weakens", folds grouped by topic."""
    scores = np.zeros(len(claims.labels))
    weakens = np.array([bool(row["weakens"]) for row in claims.rows])
    topics = [row["topic"] for row in claims.rows]
    for fit_rows, test_rows in GroupKFold(5).split(claims.features, claims.labels, topics):
        if column is None or column == CHECKED:
            model = train.fit(
                np.vstack([sick.features, claims.features[fit_rows]]),
                np.concatenate([sick.labels, claims.labels[fit_rows]]),
            )
            scores[test_rows] = model.predict_proba(claims.features[test_rows])[:, CONTRADICTION]
            if column == CHECKED:
                scores[test_rows] += checked(claims, model, test_rows)
        else:
            values = claims.features[:, column]
            sign = 1.0 if roc_auc_score(weakens[fit_rows], values[fit_rows]) >= 0.5 else -1.0
            scores[test_rows] = sign * values[test_rows]
    return float(roc_auc_score(weakens, scores))


_STATEMENTS: dict[str, object] = {}  # text -> compare.Statement, parsed once


def parse_statements(*sets) -> None:
    """Parse every statement of `sets` once (spaCy, two processes) for `checked`."""
    from storyline.compare import whole_statement
    from storyline.language.annotate import Annotator
    from storyline.model import Article

    texts = list(dict.fromkeys(t for pairs in sets for r in pairs.rows for t in (r["a"], r["b"])))
    with Annotator(2) as annotator:
        annotations = annotator.annotate(Article(str(i), t) for i, t in enumerate(texts))
    _STATEMENTS.update(
        (text, whole_statement(text, annotation))
        for text, annotation in zip(texts, annotations, strict=True)
    )


def checked(pairs, model: RelationModel, rows: np.ndarray) -> np.ndarray:
    """Whether the comparison's checks find each of `rows`' pairs at odds, with `model`'s
    contradiction probability (either direction) as the comparison passes it."""
    from storyline.compare import clash
    from storyline.relations import swap_pairs

    features = pairs.features[rows]
    contrary = np.maximum(
        model.predict_proba(features)[:, CONTRADICTION],
        model.predict_proba(swap_pairs(features))[:, CONTRADICTION],
    )
    found = []
    for k, row in enumerate(rows):
        a, b = pairs.rows[row]["a"], pairs.rows[row]["b"]
        cosine = float(features[k, COSINE])
        found.append(clash(_STATEMENTS[a], _STATEMENTS[b], cosine, float(contrary[k])) is not None)
    return np.array(found, bool)


def speed(sick) -> float:
    """Pairs per second for features + prediction with the shipped model (vectors given)."""
    from storyline.relations import pair_features

    model = RelationModel.load()
    rows = sick.rows[:2000]
    a, b = [r["a"] for r in rows], [r["b"] for r in rows]
    va = np.random.default_rng(0).normal(size=(len(rows), 384)).astype(np.float32)
    started = time.perf_counter()
    model.predict_proba(pair_features(a, b, va, va))
    return len(rows) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=train.DEFAULT_DATA)
    args = parser.parse_args()
    started = time.perf_counter()
    sick, claims = train.load_sets(args.data)
    print(
        f"embedded {len(sick.rows):,} + {len(claims.rows):,} pairs "
        f"in {time.perf_counter() - started:.1f} s\n"
    )
    started = time.perf_counter()
    parse_statements(sick, claims)
    print(f"parsed the statements for the checks in {time.perf_counter() - started:.1f} s\n")
    print("| method | SICK contradiction P | R | F1 | SICK accuracy | ClaimDiff weakens AUC |")
    print("|---|---|---|---|---|---|")
    for name, column in METHODS.items():
        p, r, f, accuracy = sick_scores(sick, claims, column)
        auc = claimdiff_auc(sick, claims, column)
        shown = "–" if accuracy is None else f"{accuracy:.3f}"
        print(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {shown} | {auc:.3f} |")
    print(f"\nclassifier speed (features + prediction): {speed(sick):,.0f} pairs/s")


if __name__ == "__main__":
    main()

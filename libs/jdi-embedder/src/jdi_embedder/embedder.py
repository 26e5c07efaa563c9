"""Sentence embeddings with ONNX Runtime: all-MiniLM-L6-v2, mean pooling, L2 normalisation."""

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import QuantType, quantize_dynamic
from tokenizers import Encoding, Tokenizer

from jdi_embedder.bert_graph import BertConfig, build_bert_graph
from jdi_embedder.model_files import ModelFiles, packaged_model_zip, read_model_zip

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
# The same weights with MatMul weights quantised to int8 per output channel: ~2x faster on
# CPU, cosine ~0.99 to the float vectors. A different embedding function, so its own model id.
INT8_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2+int8-dynamic"
MODEL_IDS = (MODEL_ID, INT8_MODEL_ID)
MAX_TOKENS = 256  # sentence-transformers max_seq_length for this model, special tokens included
GRAPH_VERSION = 1  # bump when build_bert_graph changes, so cached graphs are rebuilt
DEFAULT_BATCH_SIZE = 64
# Padded tokens per model call: long texts go in small calls, so a few long ones never make a
# call of short ones pay for their padding. Measured on this CPU (bench_embedding_model.py):
# 512-1024 beats 32 texts per call by ~2x on mixed-length chunks and equals it on uniform ones.
DEFAULT_BATCH_TOKENS = 1024


class Embedder(Protocol):
    model_id: str
    dimension: int
    max_tokens: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        ...

    def count_tokens(self, text: str) -> int:
        """Number of word-piece tokens in text, special tokens excluded, no truncation."""
        ...

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character (start, end) of every word-piece token of text, no truncation."""
        ...


class UnknownModelId(ValueError):
    """The requested model id is not one this package can build."""

    code = "embedder_unknown_model"


def default_cache_dir() -> Path:
    configured = os.environ.get("JDI_EMBEDDER_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "jdi-embedder"


def mean_pool_normalise(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Average the token vectors that are not padding, then scale each row to unit length."""
    mask = attention_mask[:, :, None].astype(np.float32)
    summed = (hidden * mask).sum(axis=1)
    pooled = summed / np.clip(mask.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    normalised: np.ndarray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
    return normalised


def _temporary_path(cache_dir: Path) -> Path:
    with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".tmp", delete=False) as tmp:
        return Path(tmp.name)


def _cached_graph(files: ModelFiles, cache_dir: Path) -> Path:
    path = cache_dir / f"all-MiniLM-L6-v2-{files.weights_sha256[:16]}-g{GRAPH_VERSION}.onnx"
    if path.is_file():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    model = build_bert_graph(files.weights, BertConfig.from_hf_config(files.config))
    # Write then rename so concurrent processes never load a half-written file.
    temporary = _temporary_path(cache_dir)
    temporary.write_bytes(model.SerializeToString())
    os.replace(temporary, path)
    return path


def _cached_int8_graph(float_graph: Path) -> Path:
    path = float_graph.with_name(float_graph.stem + "-int8.onnx")
    if path.is_file():
        return path
    temporary = _temporary_path(float_graph.parent)
    # Per-channel scales keep cosine to the float vectors ~0.99 (per-tensor: ~0.97).
    quantize_dynamic(
        float_graph, temporary, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"], per_channel=True
    )
    os.replace(temporary, path)
    return path


def length_batches(lengths: Sequence[int], max_rows: int, max_tokens: int) -> list[list[int]]:
    """Indices of texts grouped into model calls: sorted by length so little compute goes to
    padding, each call at most `max_rows` texts and `max_tokens` padded tokens (one text alone
    may exceed it)."""
    batches: list[list[int]] = []
    current: list[int] = []
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        # Ascending order: the text being added sets the call's padded width.
        if current and (len(current) == max_rows or (len(current) + 1) * lengths[index] > max_tokens):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def cpu_threads() -> int:
    """CPUs this process may run on (respects taskset / cgroup affinity)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class OnnxEmbedder:
    max_tokens = MAX_TOKENS

    def __init__(
        self,
        session: ort.InferenceSession,
        tokenizer_json: str,
        dimension: int,
        batch_size: int,
        model_id: str = MODEL_ID,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
    ) -> None:
        self.model_id = model_id
        self._session = session
        # The shipped tokenizer.json truncates at 128 and pads to a fixed 128; the model
        # was trained for 256 and we pad per batch ourselves.
        self._tokenizer = Tokenizer.from_str(tokenizer_json)
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()
        # Chunking needs every token of a long section, so it uses an untruncated copy.
        self._full_tokenizer = Tokenizer.from_str(tokenizer_json)
        self._full_tokenizer.no_truncation()
        self._full_tokenizer.no_padding()
        self.dimension = dimension
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens

    @classmethod
    def load(
        cls,
        cache_dir: Path | None = None,
        threads: int | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        model_zip: Path | None = None,
        model_id: str = MODEL_ID,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
    ) -> "OnnxEmbedder":
        if model_id not in MODEL_IDS:
            raise UnknownModelId(f"unknown embedding model id {model_id!r}; known: {', '.join(MODEL_IDS)}")
        files = read_model_zip(model_zip or packaged_model_zip())
        graph_path = _cached_graph(files, cache_dir or default_cache_dir())
        if model_id == INT8_MODEL_ID:
            graph_path = _cached_int8_graph(graph_path)
        options = ort.SessionOptions()
        # Inference is one chain of large MatMuls: all cores inside an op, no parallel branches.
        options.intra_op_num_threads = threads or cpu_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(str(graph_path), options, providers=["CPUExecutionProvider"])
        return cls(
            session,
            files.tokenizer_json,
            dimension=files.config["hidden_size"],
            batch_size=batch_size,
            model_id=model_id,
            batch_tokens=batch_tokens,
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of strings, not a single string")
        if not all(isinstance(text, str) for text in texts):
            raise TypeError("embed() takes strings only")
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return result
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = [len(encoding.ids) for encoding in encodings]
        for batch in length_batches(lengths, self.batch_size, self.batch_tokens):
            result[batch] = self._embed_encodings([encodings[i] for i in batch])
        return result

    def _embed_encodings(self, encodings: list[Encoding]) -> np.ndarray:
        width = max(len(encoding.ids) for encoding in encodings)
        input_ids = np.zeros((len(encodings), width), dtype=np.int64)
        attention_mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            input_ids[row, : len(encoding.ids)] = encoding.ids
            attention_mask[row, : len(encoding.ids)] = 1
        (hidden,) = self._session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})
        return mean_pool_normalise(hidden, attention_mask)

    def count_tokens(self, text: str) -> int:
        return len(self._full_tokenizer.encode(text, add_special_tokens=False).ids)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return list(self._full_tokenizer.encode(text, add_special_tokens=False).offsets)

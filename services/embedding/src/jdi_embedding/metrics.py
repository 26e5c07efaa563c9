"""Prometheus metrics of the embedding model: how much each call embeds and how long it takes, per model (two
models run while re-embedding)."""

from prometheus_client import Histogram

MODEL_CALL_TEXTS = Histogram(
    "jdi_embedding_batch_texts",
    "Chunk texts embedded in one model call",
    ["model_id"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000),
)
MODEL_CALL_DOCUMENTS = Histogram(
    "jdi_embedding_batch_documents",
    "Documents whose chunks one model call embedded",
    ["model_id"],
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
MODEL_CALL_SECONDS = Histogram(
    "jdi_embedding_model_duration_seconds",
    "Duration of one model call",
    ["model_id"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)

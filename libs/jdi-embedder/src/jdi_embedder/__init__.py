"""Offline ONNX Runtime sentence embedder shared by jdi services."""

from jdi_embedder.embedder import (
    INT8_MODEL_ID,
    MAX_TOKENS,
    MODEL_ID,
    MODEL_IDS,
    Embedder,
    OnnxEmbedder,
    UnknownModelId,
    mean_pool_normalise,
)
from jdi_embedder.model_files import ModelFilesMissing

__all__ = [
    "INT8_MODEL_ID",
    "MAX_TOKENS",
    "MODEL_ID",
    "MODEL_IDS",
    "Embedder",
    "ModelFilesMissing",
    "OnnxEmbedder",
    "UnknownModelId",
    "mean_pool_normalise",
]

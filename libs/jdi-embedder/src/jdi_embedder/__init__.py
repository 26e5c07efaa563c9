"""Offline ONNX Runtime sentence embedder shared by jdi services."""

from jdi_embedder.embedder import (
    MAX_TOKENS,
    MODEL_ID,
    Embedder,
    OnnxEmbedder,
    mean_pool_normalise,
)
from jdi_embedder.model_files import ModelFilesMissing

__all__ = ["MAX_TOKENS", "MODEL_ID", "Embedder", "ModelFilesMissing", "OnnxEmbedder", "mean_pool_normalise"]

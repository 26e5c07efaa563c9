import pytest

from jdi_embedder import INT8_MODEL_ID, OnnxEmbedder


@pytest.fixture(scope="session")
def embedder() -> OnnxEmbedder:
    return OnnxEmbedder.load()


@pytest.fixture(scope="session")
def int8_embedder() -> OnnxEmbedder:
    return OnnxEmbedder.load(model_id=INT8_MODEL_ID)

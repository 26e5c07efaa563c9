from pathlib import Path

import pytest
from jdi_core.events import Section
from jdi_embedder import OnnxEmbedder
from jdi_embedding.chunking import DocumentMeta
from jdi_embedding.vectors import QdrantVectorStore


@pytest.fixture(scope="session")
def embedder() -> OnnxEmbedder:
    return OnnxEmbedder.load()


@pytest.fixture
async def store(tmp_path: Path):
    vector_store = QdrantVectorStore.embedded(tmp_path / "qdrant")
    yield vector_store
    await vector_store.close()


def meta(document_id: str, version: int = 1, **overrides: str | None) -> DocumentMeta:
    fields: dict = {
        "language": "en",
        "classification": "EX-01",
        "level": "01",
        "job_number": "900001",
        "title": "Director, Synthetic Programs",
        "department": "Synthetic Department",
    }
    fields.update(overrides)
    return DocumentMeta(document_id=document_id, version=version, **fields)


def section(key: str, heading: str, text: str) -> Section:
    return Section(key=key, heading=heading, text=text)

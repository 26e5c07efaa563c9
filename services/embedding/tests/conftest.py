from pathlib import Path

import pytest

from jdi_contracts.events import Section
from jdi_embedder import OnnxEmbedder
from jdi_embedding.chunking import DocumentMeta
from jdi_embedding.vectors import EdgeVectorStore, QdrantVectorStore


@pytest.fixture(scope="session")
def embedder() -> OnnxEmbedder:
    return OnnxEmbedder.load()


@pytest.fixture(params=["edge", "qdrant-local"])
async def store(request: pytest.FixtureRequest, tmp_path: Path):
    """Each store test runs on both adapters: Qdrant Edge (embedded) and the server adapter's
    code over qdrant-client local mode."""
    if request.param == "edge":
        vector_store: EdgeVectorStore | QdrantVectorStore = EdgeVectorStore(tmp_path / "edge")
    else:
        vector_store = QdrantVectorStore.local(tmp_path / "qdrant")
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

from pathlib import Path

import pytest

from jdi_contracts.events import DocumentParsed, Parsed, Section
from jdi_embedder import INT8_MODEL_ID, OnnxEmbedder
from jdi_embedding.chunking import DocumentMeta
from jdi_embedding.vectors import EdgeVectorStore, QdrantVectorStore, VectorStore, collection_name


@pytest.fixture(scope="session")
def embedder() -> OnnxEmbedder:
    return OnnxEmbedder.load()


@pytest.fixture(scope="session")
def int8_embedder() -> OnnxEmbedder:
    return OnnxEmbedder.load(model_id=INT8_MODEL_ID)


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


def parsed(document_id: str, version: int = 1, duties: int = 3) -> DocumentParsed:
    """A synthetic description; more duties give more chunks."""
    duty = "Directs the regional delivery of synthetic programs, budgets and staffing for the branch. "
    data = Parsed(
        document_id=document_id,
        submission_id=f"submission-{document_id}-{version}",
        version=version,
        sha256="0" * 64,
        source_reference=f"synthetic/{document_id}",
        file_name=f"{document_id}.md",
        media_type="text/markdown",
        language="en",
        job_number="900001",
        classification=None,
        title=f"Director {document_id}",
        department="Synthetic Department",
        sections=[
            Section(key="general_accountability", heading="General Accountability", text=f"Leads {document_id}."),
            Section(key="key_activities", heading="Key Activities", text=duty * duties * 10),
        ],
        redactions=0,
    )
    return DocumentParsed.wrap(data, source="/test", subject=document_id)


async def stored_chunks(store: VectorStore, model_id: str, document_id: str) -> int:
    return len(await store.document_dense_vectors(collection_name(model_id), document_id))

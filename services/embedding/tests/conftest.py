import os
import uuid
from pathlib import Path

import numpy as np
import pytest

from jdi_contracts.events import DocumentParsed, Parsed, Section
from jdi_embedder import INT8_MODEL_ID, OnnxEmbedder
from jdi_embedding.chunking import Chunk, DocumentMeta
from jdi_embedding.vectors import (
    ChunkPoint,
    EdgeVectorStore,
    QdrantSettings,
    QdrantVectorStore,
    VectorStore,
    bm25,
    collection_name,
)

# Small enough that a document of a few dozen chunks takes several write requests.
TEST_REQUEST_BYTES = 64 * 1024
STORES = ["edge", "qdrant-local"] + (["qdrant-server"] if os.environ.get("QDRANT_URL") else [])


@pytest.fixture(scope="session")
def embedder() -> OnnxEmbedder:
    return OnnxEmbedder.load()


@pytest.fixture(scope="session")
def int8_embedder() -> OnnxEmbedder:
    return OnnxEmbedder.load(model_id=INT8_MODEL_ID)


@pytest.fixture(params=STORES)
async def store(request: pytest.FixtureRequest, tmp_path: Path):
    """Each store test runs on Qdrant Edge (embedded), on the server adapter's code over
    qdrant-client local mode and, when QDRANT_URL is set, on that Qdrant server.

    The server adapter gets a collection prefix of its own per test, so tests never see each
    other's collections and can share a server; a test's collections are dropped after it."""
    settings = QdrantSettings(max_request_bytes=TEST_REQUEST_BYTES, collection_prefix=f"t{uuid.uuid4().hex[:12]}_")
    if request.param == "edge":
        vector_store: EdgeVectorStore | QdrantVectorStore = EdgeVectorStore(tmp_path / "edge")
    elif request.param == "qdrant-local":
        vector_store = QdrantVectorStore.local(
            tmp_path / "qdrant",
            max_request_bytes=settings.max_request_bytes,
            collection_prefix=settings.collection_prefix,
        )
    else:
        vector_store = QdrantVectorStore.for_server(settings)
    yield vector_store
    if isinstance(vector_store, QdrantVectorStore):
        for collection in (await vector_store._client.get_collections()).collections:
            if collection.name.startswith(settings.collection_prefix):
                await vector_store._client.delete_collection(collection.name)
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


def random_points(
    document_id: str, version: int, count: int, model_id: str, text: str = "Directs the régional program."
) -> list[ChunkPoint]:
    """Chunk points with random unit vectors of 384 dimensions: stores see the sizes real chunks have
    without running the model."""
    rng = np.random.default_rng(version * 1000 + count)
    dense = rng.standard_normal((count, 384)).astype(np.float32)
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    document = meta(document_id, version)
    chunks = [
        Chunk(
            document_id=document_id,
            version=version,
            chunk_index=index,
            section_key="general_accountability",
            heading="General Accountability",
            text=f"{text} Part {index}.",
            language=document.language,
            classification=document.classification,
            level=document.level,
            job_number=document.job_number,
            title=document.title,
            department=document.department,
        )
        for index in range(count)
    ]
    return [
        ChunkPoint(chunk=chunk, model_id=model_id, dense=vector, sparse=bm25.document_vector(chunk.text))
        for chunk, vector in zip(chunks, dense, strict=True)
    ]

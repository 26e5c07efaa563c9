"""Turn one parsed document version into stored chunk vectors."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from jdi_core.events import Section
from jdi_embedder import Embedder
from jdi_embedding.chunking import DocumentMeta, chunk_sections
from jdi_embedding.vectors import bm25
from jdi_embedding.vectors.naming import collection_name
from jdi_embedding.vectors.port import ChunkPoint, VectorStore


@dataclass(frozen=True)
class IndexedDocument:
    model_id: str
    collection: str
    chunk_count: int
    stored: bool  # False when a newer version was already stored and this one was skipped


async def index_document(
    store: VectorStore, embedder: Embedder, meta: DocumentMeta, sections: Sequence[Section]
) -> IndexedDocument:
    chunks = chunk_sections(meta, sections, embedder)
    texts = [chunk.embedding_text for chunk in chunks]
    # Inference is CPU-bound; keep the event loop free for the consumer and HTTP.
    dense = await asyncio.to_thread(embedder.embed, texts)
    points = [
        ChunkPoint(chunk=chunk, model_id=embedder.model_id, dense=vector, sparse=bm25.document_vector(text))
        for chunk, vector, text in zip(chunks, dense, texts, strict=True)
    ]
    await store.ensure_collection(embedder.model_id, embedder.dimension)
    stored = await store.replace_document(embedder.model_id, meta.document_id, meta.version, points)
    return IndexedDocument(
        model_id=embedder.model_id,
        collection=collection_name(embedder.model_id),
        chunk_count=len(points),
        stored=stored,
    )

"""Turn parsed document versions into stored chunk vectors: chunk, embed, store."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from jdi_contracts.events import Section
from jdi_embedder import Embedder
from jdi_embedding.chunking import Chunk, DocumentMeta, TokenSpanner, chunk_sections
from jdi_embedding.vectors import bm25
from jdi_embedding.vectors.naming import collection_name
from jdi_embedding.vectors.port import ChunkPoint, VectorStore


@dataclass(frozen=True)
class IndexedDocument:
    model_id: str
    collection: str
    chunk_count: int
    stored: bool  # False when a newer version was already stored and this one was skipped


@dataclass(frozen=True)
class ChunkedDocument:
    meta: DocumentMeta
    chunks: list[Chunk]

    @property
    def texts(self) -> list[str]:
        return [chunk.embedding_text for chunk in self.chunks]


def chunk_document(meta: DocumentMeta, sections: Sequence[Section], spanner: TokenSpanner) -> ChunkedDocument:
    return ChunkedDocument(meta, chunk_sections(meta, sections, spanner))


async def store_document(
    store: VectorStore, model_id: str, document: ChunkedDocument, dense: np.ndarray
) -> IndexedDocument:
    """Write the document's chunk vectors (one row of `dense` per chunk) into the model's collection."""
    texts = document.texts
    points = [
        ChunkPoint(chunk=chunk, model_id=model_id, dense=vector, sparse=bm25.document_vector(text))
        for chunk, vector, text in zip(document.chunks, dense, texts, strict=True)
    ]
    stored = await store.replace_document(model_id, document.meta.document_id, document.meta.version, points)
    return IndexedDocument(
        model_id=model_id, collection=collection_name(model_id), chunk_count=len(points), stored=stored
    )


async def index_document(
    store: VectorStore, embedder: Embedder, meta: DocumentMeta, sections: Sequence[Section]
) -> IndexedDocument:
    document = chunk_document(meta, sections, embedder)
    # Inference is CPU-bound; keep the event loop free for the consumer and HTTP.
    dense = await asyncio.to_thread(embedder.embed, document.texts)
    await store.ensure_collection(embedder.model_id, embedder.dimension)
    return await store_document(store, embedder.model_id, document, dense)

"""Hybrid search over chunks (dense + BM25 fused by reciprocal rank), grouped per document."""

import asyncio
from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from jdi_embedder import Embedder
from jdi_embedding.vectors import bm25
from jdi_embedding.vectors.naming import collection_name
from jdi_embedding.vectors.port import ChunkFilters, ChunkHit, VectorStore

MIN_CANDIDATES = 100
MAX_CANDIDATES = 1000
CANDIDATES_PER_RESULT = 5  # chunk hits fetched per requested document, to fill pages after grouping


class SearchError(Exception):
    def __init__(self, code: Literal["document_not_found", "model_mismatch"], message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Pagination(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: int = Field(1, ge=1, le=100)
    page_size: int = Field(10, ge=1, le=50)
    highlights: int = Field(3, ge=1, le=5, description="best chunks shown per document")


class SearchQuery(Pagination):
    query: str = Field(min_length=1, max_length=1000)
    filters: ChunkFilters = Field(default_factory=ChunkFilters)


class Highlight(BaseModel):
    section_key: str
    heading: str
    text: str
    chunk_index: int
    score: float


class DocumentResult(BaseModel):
    document_id: str
    version: int
    title: str | None
    classification: str | None
    level: str | None
    language: str | None
    department: str | None
    job_number: str | None
    score: float = Field(description="score of the document's best chunk")
    highlights: list[Highlight]


class SearchPage(BaseModel):
    model_id: str
    collection: str
    page: int
    page_size: int
    results: list[DocumentResult]
    has_more: bool


def group_by_document(hits: list[ChunkHit], highlights: int) -> list[DocumentResult]:
    """Keep hit order (best first); each document appears once, carrying its best chunks."""
    documents: dict[str, DocumentResult] = {}
    for hit in hits:
        payload = hit.payload
        highlight = Highlight(
            section_key=payload["section_key"],
            heading=payload["heading"],
            text=payload["text"],
            chunk_index=payload["chunk_index"],
            score=hit.score,
        )
        document = documents.get(payload["document_id"])
        if document is None:
            documents[payload["document_id"]] = DocumentResult(
                document_id=payload["document_id"],
                version=payload["version"],
                title=payload["title"],
                classification=payload["classification"],
                level=payload["level"],
                language=payload["language"],
                department=payload["department"],
                job_number=payload["job_number"],
                score=hit.score,
                highlights=[highlight],
            )
        elif len(document.highlights) < highlights:
            document.highlights.append(highlight)
    return list(documents.values())


def candidate_count(pagination: Pagination) -> int:
    wanted = (pagination.page * pagination.page_size + 1) * CANDIDATES_PER_RESULT
    return max(MIN_CANDIDATES, min(MAX_CANDIDATES, wanted))


class HybridSearch:
    """Searches the active collection with the embedder of the model that built it.

    `embedder` serves while no collection is active yet; `other_embedders` are the further models
    this process knows (the new one while re-embedding).
    """

    def __init__(self, embedder: Embedder, store: VectorStore, other_embedders: Sequence[Embedder] = ()) -> None:
        self._embedders = {collection_name(each.model_id): each for each in (embedder, *other_embedders)}
        self._store = store
        self._default = collection_name(embedder.model_id)
        self._ensured: set[str] = set()

    async def _active(self) -> tuple[str, Embedder]:
        """The active collection and the embedder of its model."""
        collection = await self._store.active_collection() or self._default
        embedder = self._embedders.get(collection)
        if embedder is None:
            raise SearchError(
                "model_mismatch", f"active collection {collection!r} was built by a model not loaded here"
            )
        if collection not in self._ensured:
            # Searching before anything was embedded returns no results rather than an error.
            await self._store.ensure_collection(embedder.model_id, embedder.dimension)
            self._ensured.add(collection)
        return collection, embedder

    def _page(
        self, collection: str, model_id: str, documents: list[DocumentResult], pagination: Pagination
    ) -> SearchPage:
        start = (pagination.page - 1) * pagination.page_size
        end = start + pagination.page_size
        return SearchPage(
            model_id=model_id,
            collection=collection,
            page=pagination.page,
            page_size=pagination.page_size,
            results=documents[start:end],
            has_more=len(documents) > end,
        )

    async def search(self, query: SearchQuery) -> SearchPage:
        collection, embedder = await self._active()
        dense = (await asyncio.to_thread(embedder.embed, [query.query]))[0]
        hits = await self._store.hybrid_query(
            collection, dense, bm25.query_vector(query.query), query.filters, candidate_count(query)
        )
        return self._page(collection, embedder.model_id, group_by_document(hits, query.highlights), query)

    async def similar(
        self, document_id: str, pagination: Pagination | None = None, filters: ChunkFilters | None = None
    ) -> SearchPage:
        """Documents whose chunks lie closest to the mean of this document's chunk vectors."""
        pagination = pagination or Pagination()
        collection, embedder = await self._active()
        vectors = await self._store.document_dense_vectors(collection, document_id)
        if len(vectors) == 0:
            raise SearchError("document_not_found", f"no embedded chunks for document {document_id!r}")
        centroid = vectors.mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
        hits = await self._store.dense_query(
            collection, centroid, filters or ChunkFilters(), document_id, candidate_count(pagination)
        )
        return self._page(collection, embedder.model_id, group_by_document(hits, pagination.highlights), pagination)

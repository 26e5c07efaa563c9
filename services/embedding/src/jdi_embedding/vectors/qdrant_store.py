"""VectorStore on a Qdrant server through AsyncQdrantClient.

The same code also runs on qdrant-client's local mode (`QdrantVectorStore.local`), which the unit
tests use to exercise this adapter without a server."""

import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from qdrant_client import AsyncQdrantClient, models

from jdi_embedding.vectors.edge_store import EdgeVectorStore
from jdi_embedding.vectors.naming import (
    ACTIVE_ALIAS,
    COLLECTION_PREFIX,
    collection_name,
    point_id,
)
from jdi_embedding.vectors.port import ChunkFilters, ChunkHit, ChunkPoint, VectorStore
from jdi_embedding.vectors.schema import (
    DENSE,
    FILTER_FIELDS,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    SCROLL_PAGE,
    SPARSE,
    chunk_payload,
    dense_matrix,
)


def _document_filter(document_id: str) -> models.Filter:
    return models.Filter(must=[models.FieldCondition(key="document_id", match=models.MatchValue(value=document_id))])


def to_qdrant_filter(filters: ChunkFilters, exclude_document_id: str | None = None) -> models.Filter | None:
    must: list[models.Condition] = [
        models.FieldCondition(key=payload_key, match=models.MatchAny(any=values))
        for name, payload_key in FILTER_FIELDS.items()
        if (values := getattr(filters, name))
    ]
    must_not: list[models.Condition] = []
    if exclude_document_id is not None:
        must_not.append(models.FieldCondition(key="document_id", match=models.MatchValue(value=exclude_document_id)))
    if not must and not must_not:
        return None
    return models.Filter(must=must or None, must_not=must_not or None)


class QdrantVectorStore:
    def __init__(self, client: AsyncQdrantClient) -> None:
        self._client = client

    @classmethod
    def for_server(cls, url: str, api_key: str | None = None) -> "QdrantVectorStore":
        return cls(AsyncQdrantClient(url=url, api_key=api_key))

    @classmethod
    def local(cls, path: Path) -> "QdrantVectorStore":
        path.mkdir(parents=True, exist_ok=True)
        return cls(AsyncQdrantClient(path=str(path)))

    async def ensure_collection(self, model_id: str, dimension: int) -> str:
        name = collection_name(model_id)
        if await self._client.collection_exists(name):
            return name
        await self._client.create_collection(
            name,
            vectors_config={DENSE: models.VectorParams(size=dimension, distance=models.Distance.COSINE)},
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
        )
        # Local mode accepts these requests and keeps scanning; sending them there too means every
        # store test runs the exact calls a server gets.
        for field in KEYWORD_FIELDS:
            await self._client.create_payload_index(name, field, models.PayloadSchemaType.KEYWORD)
        for field in INTEGER_FIELDS:
            await self._client.create_payload_index(name, field, models.PayloadSchemaType.INTEGER)
        return name

    async def replace_document(
        self, model_id: str, document_id: str, version: int, points: Sequence[ChunkPoint]
    ) -> bool:
        name = collection_name(model_id)
        newer = models.Filter(
            must=[
                models.FieldCondition(key="document_id", match=models.MatchValue(value=document_id)),
                models.FieldCondition(key="version", range=models.Range(gt=version)),
            ]
        )
        if (await self._client.count(name, count_filter=newer, exact=True)).count:
            return False
        if points:
            await self.upsert_points(model_id, points)
        # Old versions go only after the new one is stored, so searches never see the document vanish.
        older = models.Filter(
            must=[models.FieldCondition(key="document_id", match=models.MatchValue(value=document_id))],
            must_not=[models.FieldCondition(key="version", match=models.MatchValue(value=version))],
        )
        await self._client.delete(name, points_selector=models.FilterSelector(filter=older), wait=True)
        return True

    async def upsert_points(self, model_id: str, points: Sequence[ChunkPoint]) -> None:
        """Store the points in one request, under ids from their own chunks: no version check, nothing deleted.

        replace_document writes through it; a bulk load into an empty collection calls it directly, because
        replace_document's delete of other versions scans every point per document in local mode."""
        await self._client.upsert(
            collection_name(model_id),
            points=[
                models.PointStruct(
                    id=str(point_id(point.chunk.document_id, point.chunk.version, point.chunk.chunk_index, model_id)),
                    vector={DENSE: point.dense.tolist(), SPARSE: point.sparse},
                    payload=chunk_payload(point),
                )
                for point in points
            ],
            wait=True,
        )

    async def delete_document(self, document_id: str) -> int:
        removed = 0
        for collection in (await self._client.get_collections()).collections:
            if not collection.name.startswith(COLLECTION_PREFIX):
                continue
            selector = _document_filter(document_id)
            removed += (await self._client.count(collection.name, count_filter=selector, exact=True)).count
            await self._client.delete(
                collection.name, points_selector=models.FilterSelector(filter=selector), wait=True
            )
        return removed

    async def hybrid_query(
        self, collection: str, dense: np.ndarray, sparse: models.SparseVector, filters: ChunkFilters, limit: int
    ) -> list[ChunkHit]:
        qdrant_filter = to_qdrant_filter(filters)
        prefetch = [models.Prefetch(query=dense.tolist(), using=DENSE, filter=qdrant_filter, limit=limit)]
        if sparse.indices:
            prefetch.append(models.Prefetch(query=sparse, using=SPARSE, filter=qdrant_filter, limit=limit))
        response = await self._client.query_points(
            collection,
            prefetch=prefetch,
            query=models.FusionQuery(fusion=models.Fusion.RRF),
            limit=limit,
            with_payload=True,
        )
        return [ChunkHit(score=point.score, payload=point.payload or {}) for point in response.points]

    async def dense_query(
        self, collection: str, dense: np.ndarray, filters: ChunkFilters, exclude_document_id: str, limit: int
    ) -> list[ChunkHit]:
        response = await self._client.query_points(
            collection,
            query=dense.tolist(),
            using=DENSE,
            query_filter=to_qdrant_filter(filters, exclude_document_id),
            limit=limit,
            with_payload=True,
        )
        return [ChunkHit(score=point.score, payload=point.payload or {}) for point in response.points]

    async def document_dense_vectors(self, collection: str, document_id: str) -> np.ndarray:
        records: list[models.Record] = []
        offset: uuid.UUID | str | int | None = None
        while True:
            page, offset = await self._client.scroll(
                collection,
                scroll_filter=_document_filter(document_id),
                limit=SCROLL_PAGE,
                offset=offset,
                with_vectors=[DENSE],
                with_payload=False,
            )
            records.extend(page)
            if offset is None:
                return dense_matrix(records)

    async def set_active(self, model_id: str) -> None:
        target = collection_name(model_id)
        if not await self._client.collection_exists(target):
            raise ValueError(f"collection {target!r} does not exist")
        operations: list[models.AliasOperations] = []
        if await self.active_collection() is not None:
            operations.append(models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=ACTIVE_ALIAS)))
        operations.append(
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=target, alias_name=ACTIVE_ALIAS)
            )
        )
        # One request, so readers see either the old or the new target, never none.
        await self._client.update_collection_aliases(change_aliases_operations=operations)

    async def active_collection(self) -> str | None:
        for alias in (await self._client.get_aliases()).aliases:
            if alias.alias_name == ACTIVE_ALIAS:
                return alias.collection_name
        return None

    async def close(self) -> None:
        await self._client.close()


def open_vector_store(qdrant_url: str | None, embedded_path: Path, api_key: str | None = None) -> VectorStore:
    """A Qdrant server when QDRANT_URL is set, otherwise Qdrant Edge stored under embedded_path."""
    if qdrant_url:
        return QdrantVectorStore.for_server(qdrant_url, api_key)
    return EdgeVectorStore(embedded_path)

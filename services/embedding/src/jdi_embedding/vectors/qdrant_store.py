"""VectorStore on a Qdrant server through AsyncQdrantClient.

The same code also runs on qdrant-client's local mode (`QdrantVectorStore.local`), which the unit
tests use to exercise this adapter without a server. What local mode does not check (request size
limits, server versions, API keys) is covered by tests over a fake transport: see README.md."""

import logging
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from qdrant_client import AsyncQdrantClient, models

from jdi_embedding.vectors.edge_store import EdgeVectorStore
from jdi_embedding.vectors.naming import (
    ACTIVE_ALIAS,
    COLLECTION_PREFIX,
    collection_name,
)
from jdi_embedding.vectors.port import ChunkFilters, ChunkHit, ChunkPoint, VectorStore
from jdi_embedding.vectors.schema import (
    DENSE,
    FILTER_FIELDS,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    SCROLL_PAGE,
    SPARSE,
    STAGED,
    dense_matrix,
)
from jdi_embedding.vectors.server_version import UnsupportedServerVersion, check_server_version
from jdi_embedding.vectors.settings import DEFAULT_MAX_REQUEST_BYTES, QdrantSettings
from jdi_embedding.vectors.write_requests import split_points

logger = logging.getLogger(__name__)

IS_STAGED = models.FieldCondition(key=STAGED, match=models.MatchValue(value=True))


def _match(key: str, value: str | int) -> models.FieldCondition:
    return models.FieldCondition(key=key, match=models.MatchValue(value=value))


def to_qdrant_filter(filters: ChunkFilters, exclude_document_id: str | None = None) -> models.Filter:
    """The search filter; it always leaves out staged points (a version not completely written yet)."""
    must: list[models.Condition] = [
        models.FieldCondition(key=payload_key, match=models.MatchAny(any=values))
        for name, payload_key in FILTER_FIELDS.items()
        if (values := getattr(filters, name))
    ]
    must_not: list[models.Condition] = [IS_STAGED]
    if exclude_document_id is not None:
        must_not.append(_match("document_id", exclude_document_id))
    return models.Filter(must=must or None, must_not=must_not)


class QdrantVectorStore:
    """`collection_prefix` goes before every collection and alias name on the server; callers see
    the names without it."""

    def __init__(
        self,
        client: AsyncQdrantClient,
        *,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        collection_prefix: str = "",
        check_server_version: bool = True,
    ) -> None:
        self._client = client
        self._max_request_bytes = max_request_bytes
        self._prefix = collection_prefix
        self._check_server_version = check_server_version
        self._reported_version: str | None = None

    @classmethod
    def for_server(cls, settings: QdrantSettings, **client_options: Any) -> "QdrantVectorStore":
        """`client_options` go to AsyncQdrantClient as they are (tests pass an httpx `transport`)."""
        client = AsyncQdrantClient(
            url=settings.url,
            api_key=settings.api_key.get_secret_value() if settings.api_key else None,
            prefer_grpc=settings.prefer_grpc,
            # The client would only warn, from a thread of its own; check_ready applies the same rule.
            check_compatibility=False,
            **client_options,
        )
        return cls(
            client,
            max_request_bytes=settings.max_request_bytes,
            collection_prefix=settings.collection_prefix,
            check_server_version=settings.check_server_version,
        )

    @classmethod
    def local(cls, path: Path, **options: Any) -> "QdrantVectorStore":
        path.mkdir(parents=True, exist_ok=True)
        return cls(AsyncQdrantClient(path=str(path)), **options)

    def _on_server(self, collection: str) -> str:
        return self._prefix + collection

    async def check_ready(self) -> None:
        if self._check_server_version:
            version = (await self._client.info()).version
            try:
                check_server_version(version)
            except UnsupportedServerVersion as error:
                if version != self._reported_version:
                    logger.warning("unsupported Qdrant server", extra={"error": str(error)})
                    self._reported_version = version
                raise
        await self.active_collection()

    async def ensure_collection(self, model_id: str, dimension: int) -> str:
        name = self._on_server(collection_name(model_id))
        if await self._client.collection_exists(name):
            return collection_name(model_id)
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
        await self._client.create_payload_index(name, STAGED, models.PayloadSchemaType.BOOL)
        return collection_name(model_id)

    async def replace_document(
        self, model_id: str, document_id: str, version: int, points: Sequence[ChunkPoint]
    ) -> bool:
        """A version that fits one request is written visible. A larger one is written staged, request by
        request, then shown by one request that drops the flag: a failure in between leaves the old
        version alone visible and the retry rewrites the same point ids."""
        name = self._on_server(collection_name(model_id))
        newer = models.Filter(
            must=[
                _match("document_id", document_id),
                models.FieldCondition(key="version", range=models.Range(gt=version)),
            ]
        )
        if (await self._client.count(name, count_filter=newer, exact=True)).count:
            return False
        requests = split_points(points, self._max_request_bytes)
        staged = len(requests) > 1
        if staged:
            requests = split_points(points, self._max_request_bytes, staged=True)
        for request in requests:
            await self._client.upsert(name, points=request, wait=True)
        if staged:
            this_version = models.Filter(must=[_match("document_id", document_id), _match("version", version)])
            await self._client.delete_payload(name, keys=[STAGED], points=this_version, wait=True)
        # Old versions go only after the new one is visible, so searches never see the document vanish.
        older = models.Filter(must=[_match("document_id", document_id)], must_not=[_match("version", version)])
        await self._client.delete(name, points_selector=models.FilterSelector(filter=older), wait=True)
        return True

    async def upsert_points(self, model_id: str, points: Sequence[ChunkPoint]) -> None:
        """Store the points, visible at once, in requests under the byte budget, under ids from their own
        chunks: no version check, nothing deleted, nothing staged.

        For a bulk load into an empty collection: there replace_document's delete of other versions scans
        every point per document in local mode."""
        name = self._on_server(collection_name(model_id))
        for request in split_points(points, self._max_request_bytes):
            await self._client.upsert(name, points=request, wait=True)

    async def delete_document(self, document_id: str) -> int:
        removed = 0
        for collection in (await self._client.get_collections()).collections:
            if not collection.name.startswith(self._on_server(COLLECTION_PREFIX)):
                continue
            selector = models.Filter(must=[_match("document_id", document_id)])
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
            self._on_server(collection),
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
            self._on_server(collection),
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
                self._on_server(collection),
                scroll_filter=models.Filter(must=[_match("document_id", document_id)], must_not=[IS_STAGED]),
                limit=SCROLL_PAGE,
                offset=offset,
                with_vectors=[DENSE],
                with_payload=False,
            )
            records.extend(page)
            if offset is None:
                return dense_matrix(records)

    async def set_active(self, model_id: str) -> None:
        target = self._on_server(collection_name(model_id))
        if not await self._client.collection_exists(target):
            raise ValueError(f"collection {collection_name(model_id)!r} does not exist")
        alias = self._on_server(ACTIVE_ALIAS)
        operations: list[models.AliasOperations] = []
        if await self.active_collection() is not None:
            operations.append(models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias)))
        operations.append(
            models.CreateAliasOperation(create_alias=models.CreateAlias(collection_name=target, alias_name=alias))
        )
        # One request, so readers see either the old or the new target, never none.
        await self._client.update_collection_aliases(change_aliases_operations=operations)

    async def active_collection(self) -> str | None:
        for alias in (await self._client.get_aliases()).aliases:
            if alias.alias_name == self._on_server(ACTIVE_ALIAS):
                return alias.collection_name.removeprefix(self._prefix)
        return None

    async def close(self) -> None:
        await self._client.close()


def open_vector_store(settings: QdrantSettings) -> VectorStore:
    """A Qdrant server when QDRANT_URL is set, otherwise Qdrant Edge stored under QDRANT_PATH."""
    if settings.url:
        return QdrantVectorStore.for_server(settings)
    return EdgeVectorStore(settings.path)

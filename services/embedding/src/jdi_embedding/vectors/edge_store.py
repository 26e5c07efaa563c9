"""VectorStore on Qdrant Edge (`qdrant-edge-py`): the Qdrant engine in-process, one shard per
model collection under a folder. Chosen over qdrant-client local mode for the embedded case:
see README.md and bench_embedding_search*.py."""

import asyncio
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import qdrant_edge as edge
from qdrant_client import models

from jdi_embedding.vectors.naming import COLLECTION_PREFIX, collection_name, point_id
from jdi_embedding.vectors.port import ChunkFilters, ChunkHit, ChunkPoint
from jdi_embedding.vectors.schema import (
    DENSE,
    FILTER_FIELDS,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    RRF_K,
    SCROLL_PAGE,
    SPARSE,
    chunk_payload,
    dense_matrix,
)

ACTIVE_FILE = "active.json"


def _match(key: str, value: str) -> edge.FieldCondition:
    return edge.FieldCondition(key=key, match=edge.MatchValue(value=value))


def to_edge_filter(filters: ChunkFilters, exclude_document_id: str | None = None) -> edge.Filter | None:
    must: list[edge.ConditionType] = [
        edge.FieldCondition(key=payload_key, match=edge.MatchAny(any=values))
        for name, payload_key in FILTER_FIELDS.items()
        if (values := getattr(filters, name))
    ]
    must_not: list[edge.ConditionType] = (
        [_match("document_id", exclude_document_id)] if exclude_document_id is not None else []
    )
    if not must and not must_not:
        return None
    return edge.Filter(must=must or None, must_not=must_not or None)


def _sparse(vector: models.SparseVector) -> edge.SparseVector:
    return edge.SparseVector(indices=list(vector.indices), values=list(vector.values))


def _hits(points: list[Any]) -> list[ChunkHit]:
    return [ChunkHit(score=point.score, payload=dict(point.payload or {})) for point in points]


class EdgeVectorStore:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self._root = root
        self._shards: dict[str, edge.EdgeShard] = {}
        # Edge calls block; writes are serialised so "check newer, upsert, delete older" is atomic.
        self._write_lock = asyncio.Lock()

    def _shard(self, name: str) -> edge.EdgeShard:
        shard = self._shards.get(name)
        if shard is None:
            path = self._root / name
            if not path.is_dir():
                raise ValueError(f"collection {name!r} does not exist")
            shard = self._shards[name] = edge.EdgeShard.load(str(path))
        return shard

    def _collections(self) -> list[str]:
        return sorted(p.name for p in self._root.iterdir() if p.is_dir() and p.name.startswith(COLLECTION_PREFIX))

    def _create(self, name: str, dimension: int) -> None:
        path = self._root / name
        if path.is_dir():
            return
        building = self._root / f".{name}.building"
        shutil.rmtree(building, ignore_errors=True)
        # The write-ahead log (on by default) makes each update durable without a flush.
        config = edge.EdgeConfig(
            vectors={DENSE: edge.EdgeVectorParams(size=dimension, distance=edge.Distance.Cosine)},
            sparse_vectors={SPARSE: edge.EdgeSparseVectorParams(modifier=edge.Modifier.Idf)},
        )
        shard = edge.EdgeShard.create(str(building), config)
        for field in KEYWORD_FIELDS:
            shard.update(edge.UpdateOperation.create_field_index(field, edge.PayloadSchemaType.Keyword))
        for field in INTEGER_FIELDS:
            shard.update(edge.UpdateOperation.create_field_index(field, edge.PayloadSchemaType.Integer))
        shard.close()
        # A half-created shard never appears under the collection's name.
        os.replace(building, path)

    async def check_ready(self) -> None:
        await self.active_collection()

    async def ensure_collection(self, model_id: str, dimension: int) -> str:
        name = collection_name(model_id)
        async with self._write_lock:
            await asyncio.to_thread(self._create, name, dimension)
        return name

    def _replace(self, model_id: str, document_id: str, version: int, points: Sequence[ChunkPoint]) -> bool:
        shard = self._shard(collection_name(model_id))
        newer = edge.Filter(
            must=[
                _match("document_id", document_id),
                edge.FieldCondition(key="version", range=edge.RangeFloat(gt=version)),
            ]
        )
        if shard.count(edge.CountRequest(exact=True, filter=newer)):
            return False
        if points:
            shard.update(
                edge.UpdateOperation.upsert_points(
                    [
                        edge.Point(
                            id=str(point_id(document_id, version, point.chunk.chunk_index, model_id)),
                            vector={DENSE: point.dense.tolist(), SPARSE: _sparse(point.sparse)},
                            payload=chunk_payload(point),
                        )
                        for point in points
                    ]
                )
            )
        # Old versions go only after the new one is stored, so searches never see the document vanish.
        older = edge.Filter(
            must=[_match("document_id", document_id)],
            must_not=[edge.FieldCondition(key="version", match=edge.MatchValue(value=version))],
        )
        shard.update(edge.UpdateOperation.delete_points_by_filter(older))
        return True

    async def replace_document(
        self, model_id: str, document_id: str, version: int, points: Sequence[ChunkPoint]
    ) -> bool:
        async with self._write_lock:
            return await asyncio.to_thread(self._replace, model_id, document_id, version, points)

    def _delete(self, document_id: str) -> int:
        removed = 0
        selector = edge.Filter(must=[_match("document_id", document_id)])
        for name in self._collections():
            shard = self._shard(name)
            count = shard.count(edge.CountRequest(exact=True, filter=selector))
            if count:
                shard.update(edge.UpdateOperation.delete_points_by_filter(selector))
            removed += count
        return removed

    async def delete_document(self, document_id: str) -> int:
        async with self._write_lock:
            return await asyncio.to_thread(self._delete, document_id)

    async def hybrid_query(
        self, collection: str, dense: np.ndarray, sparse: models.SparseVector, filters: ChunkFilters, limit: int
    ) -> list[ChunkHit]:
        condition = to_edge_filter(filters)
        prefetches = [
            edge.Prefetch(limit=limit, query=edge.Query.Nearest(dense.tolist(), using=DENSE), filter=condition)
        ]
        if sparse.indices:
            prefetches.append(
                edge.Prefetch(limit=limit, query=edge.Query.Nearest(_sparse(sparse), using=SPARSE), filter=condition)
            )
        # The stub declares Fusion.Rrf outside Fusion; at run time it is one of Fusion's variants.
        fusion = edge.Fusion.Rrf(k=RRF_K)
        request = edge.QueryRequest(limit=limit, prefetches=prefetches, query=fusion, with_payload=True)  # type: ignore[arg-type]
        return _hits(await asyncio.to_thread(self._shard(collection).query, request))

    async def dense_query(
        self, collection: str, dense: np.ndarray, filters: ChunkFilters, exclude_document_id: str, limit: int
    ) -> list[ChunkHit]:
        request = edge.QueryRequest(
            limit=limit,
            query=edge.Query.Nearest(dense.tolist(), using=DENSE),
            filter=to_edge_filter(filters, exclude_document_id),
            with_payload=True,
        )
        return _hits(await asyncio.to_thread(self._shard(collection).query, request))

    def _document_vectors(self, collection: str, document_id: str) -> np.ndarray:
        shard = self._shard(collection)
        records: list[Any] = []
        offset = None
        while True:
            page, offset = shard.scroll(
                edge.ScrollRequest(
                    offset=offset,
                    limit=SCROLL_PAGE,
                    filter=edge.Filter(must=[_match("document_id", document_id)]),
                    with_payload=False,
                    with_vector=[DENSE],
                )
            )
            records.extend(page)
            if offset is None:
                return dense_matrix(records)

    async def document_dense_vectors(self, collection: str, document_id: str) -> np.ndarray:
        return await asyncio.to_thread(self._document_vectors, collection, document_id)

    async def set_active(self, model_id: str) -> None:
        target = collection_name(model_id)
        if not (self._root / target).is_dir():
            raise ValueError(f"collection {target!r} does not exist")
        pointer = self._root / ACTIVE_FILE
        temporary = pointer.with_suffix(".tmp")
        temporary.write_text(json.dumps({"collection": target}))
        os.replace(temporary, pointer)  # atomic switch: readers see the old or the new target

    async def active_collection(self) -> str | None:
        pointer = self._root / ACTIVE_FILE
        if not pointer.is_file():
            return None
        collection: str = json.loads(pointer.read_text())["collection"]
        return collection

    async def close(self) -> None:
        async with self._write_lock:
            for shard in self._shards.values():
                await asyncio.to_thread(shard.close)
            self._shards.clear()

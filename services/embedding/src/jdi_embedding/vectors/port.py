"""The vector store port: what the embedding service needs from a vector database."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from qdrant_client import models

from jdi_embedding.chunking import Chunk

FilterValues = list[str] | None


class ChunkFilters(BaseModel):
    """Each field keeps chunks whose value is one of the listed ones; None means no filter."""

    model_config = ConfigDict(extra="forbid")

    classification: FilterValues = Field(None, max_length=20, examples=[["EX-01"]])
    level: FilterValues = Field(None, max_length=20, examples=[["01"]])
    language: FilterValues = Field(None, max_length=5, examples=[["en"]])
    department: FilterValues = Field(None, max_length=20)
    section: FilterValues = Field(None, max_length=20, examples=[["general_accountability"]])


@dataclass(frozen=True)
class ChunkPoint:
    chunk: Chunk
    model_id: str
    dense: np.ndarray
    sparse: models.SparseVector


@dataclass(frozen=True)
class ChunkHit:
    score: float
    payload: dict[str, Any]


class VectorStore(Protocol):
    async def ensure_collection(self, model_id: str, dimension: int) -> str:
        """Create the model's collection and payload indexes if missing; return its name."""
        ...

    async def check_ready(self) -> None:
        """Raise when the store cannot serve: unreachable, or a server of an unsupported version."""
        ...

    async def replace_document(
        self, model_id: str, document_id: str, version: int, points: Sequence[ChunkPoint]
    ) -> bool:
        """Store a version's chunks and drop the document's other versions.

        Returns False and writes nothing when a newer version is already stored. Raises
        DocumentTooLarge (a PermanentError, dead-lettered at once) when it cannot be stored at all.
        """
        ...

    async def delete_document(self, document_id: str) -> int:
        """Remove the document's chunks from every model's collection; return points removed."""
        ...

    async def hybrid_query(
        self, collection: str, dense: np.ndarray, sparse: models.SparseVector, filters: ChunkFilters, limit: int
    ) -> list[ChunkHit]:
        """Dense and sparse candidates fused by reciprocal rank, best first."""
        ...

    async def dense_query(
        self, collection: str, dense: np.ndarray, filters: ChunkFilters, exclude_document_id: str, limit: int
    ) -> list[ChunkHit]: ...

    async def document_dense_vectors(self, collection: str, document_id: str) -> np.ndarray:
        """The stored dense vectors of a document's chunks (0 rows when it is unknown)."""
        ...

    async def set_active(self, model_id: str) -> None:
        """Point the active alias at the model's collection (atomic switch)."""
        ...

    async def active_collection(self) -> str | None: ...

    async def close(self) -> None: ...

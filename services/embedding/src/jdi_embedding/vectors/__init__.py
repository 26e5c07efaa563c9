"""Vector storage of chunk embeddings behind one small port."""

from jdi_embedding.vectors.edge_store import EdgeVectorStore
from jdi_embedding.vectors.naming import ACTIVE_ALIAS, collection_name, point_id
from jdi_embedding.vectors.port import ChunkFilters, ChunkHit, ChunkPoint, VectorStore
from jdi_embedding.vectors.qdrant_store import QdrantVectorStore, open_vector_store
from jdi_embedding.vectors.server_version import UnsupportedServerVersion
from jdi_embedding.vectors.settings import QdrantSettings
from jdi_embedding.vectors.write_requests import DocumentTooLarge

__all__ = [
    "ACTIVE_ALIAS",
    "ChunkFilters",
    "ChunkHit",
    "ChunkPoint",
    "DocumentTooLarge",
    "EdgeVectorStore",
    "QdrantSettings",
    "QdrantVectorStore",
    "UnsupportedServerVersion",
    "VectorStore",
    "collection_name",
    "open_vector_store",
    "point_id",
]

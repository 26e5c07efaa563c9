"""Collection names, the active-collection alias and deterministic point ids."""

import re
import uuid

COLLECTION_PREFIX = "chunks__"
ACTIVE_ALIAS = "chunks-active"
# Fixed namespace so every process derives the same point id for the same chunk.
POINT_NAMESPACE = uuid.UUID("6f1d2c4e-8a57-4b1e-9c1a-2f3e4d5c6b7a")


def collection_name(model_id: str) -> str:
    """One collection per embedding model: `chunks__sentence-transformers_all-MiniLM-L6-v2`."""
    if not model_id.strip():
        raise ValueError("model_id must not be empty")
    return COLLECTION_PREFIX + re.sub(r"[^A-Za-z0-9_.-]", "_", model_id.strip())


def point_id(document_id: str, version: int, chunk_index: int, model_id: str) -> uuid.UUID:
    return uuid.uuid5(POINT_NAMESPACE, f"{document_id}\x1f{version}\x1f{chunk_index}\x1f{model_id}")

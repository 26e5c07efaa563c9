"""What a stored chunk looks like, shared by every adapter."""

from collections.abc import Iterable
from typing import Any, cast

import numpy as np

from jdi_embedding.vectors.port import ChunkPoint

DENSE = "dense"
SPARSE = "bm25"
RRF_K = 2  # Qdrant's default reciprocal-rank constant, stated so every engine fuses alike
SCROLL_PAGE = 256
KEYWORD_FIELDS = ("document_id", "classification", "level", "language", "department", "section_key", "model_id")
INTEGER_FIELDS = ("version",)
# Set on the points of a version written in several requests until the last one is in; searches skip
# such points. Only the server adapter writes it (Edge stores a version in one update).
STAGED = "staged"
# Search filter name -> payload key.
FILTER_FIELDS = {
    "classification": "classification",
    "level": "level",
    "language": "language",
    "department": "department",
    "section": "section_key",
}


def chunk_payload(point: ChunkPoint) -> dict[str, Any]:
    chunk = point.chunk
    return {
        "document_id": chunk.document_id,
        "version": chunk.version,
        "chunk_index": chunk.chunk_index,
        "section_key": chunk.section_key,
        "heading": chunk.heading,
        "text": chunk.text,
        "language": chunk.language,
        "classification": chunk.classification,
        "level": chunk.level,
        "job_number": chunk.job_number,
        "title": chunk.title,
        "department": chunk.department,
        "model_id": point.model_id,
    }


def dense_matrix(records: Iterable[Any]) -> np.ndarray:
    """The dense vectors of scrolled records (each with `.vector`) as one float32 matrix; 0x0 for none."""
    # Only the plain dense vector is requested, never a sparse or multi-vector.
    vectors = [cast(list[float], record.vector[DENSE]) for record in records if isinstance(record.vector, dict)]
    if not vectors:
        return np.zeros((0, 0), dtype=np.float32)
    return np.asarray(vectors, dtype=np.float32)

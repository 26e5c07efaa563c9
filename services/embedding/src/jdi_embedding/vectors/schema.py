"""What a stored chunk looks like, shared by every adapter."""

from typing import Any

from jdi_embedding.vectors.port import ChunkPoint

DENSE = "dense"
SPARSE = "bm25"
RRF_K = 2  # Qdrant's default reciprocal-rank constant, stated so every engine fuses alike
KEYWORD_FIELDS = ("document_id", "classification", "level", "language", "department", "section_key", "model_id")
INTEGER_FIELDS = ("version",)
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

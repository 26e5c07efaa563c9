"""What the embedded vector store (Qdrant Edge) holds, read from its folder once the embedding service that owns
it has exited."""

from pathlib import Path

import qdrant_edge as edge

from jdi_embedding.vectors import collection_name


def stored_point_ids(qdrant_path: Path, model_id: str) -> dict[str, list[str]]:
    """Point ids per document id in the model's collection."""
    shard = edge.EdgeShard.load(str(qdrant_path / collection_name(model_id)))
    by_document: dict[str, list[str]] = {}
    offset = None
    try:
        while True:
            records, offset = shard.scroll(
                edge.ScrollRequest(offset=offset, limit=256, with_payload=True, with_vector=False)
            )
            for record in records:
                by_document.setdefault(record.payload["document_id"], []).append(str(record.id))
            if offset is None:
                return by_document
    finally:
        shard.close()

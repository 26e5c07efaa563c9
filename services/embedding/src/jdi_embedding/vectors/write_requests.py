"""Write requests to a Qdrant server, each under a byte budget.

A server refuses a request body over its `service.max_request_size_mb` (32 MiB by default) with HTTP
400, which qdrant-client, still writing the body, often reports as a bare ResponseHandlingException;
qdrant-client's local mode never checks the limit. So points are measured as the REST body carries
them and split into requests that each stay under the budget."""

from collections.abc import Sequence

from qdrant_client import models

from jdi_core.broker import PermanentError
from jdi_embedding.vectors.naming import point_id
from jdi_embedding.vectors.port import ChunkPoint
from jdi_embedding.vectors.schema import DENSE, SPARSE, STAGED, chunk_payload

# The upsert body is `{"points":[<point>,<point>,...]}`.
ENVELOPE_BYTES = len('{"points":[]}')


class DocumentTooLarge(PermanentError):
    """A point is larger than the request budget on its own: no split can store it."""


def point_struct(point: ChunkPoint, *, staged: bool = False) -> models.PointStruct:
    chunk = point.chunk
    payload = chunk_payload(point)
    if staged:
        payload[STAGED] = True
    return models.PointStruct(
        id=str(point_id(chunk.document_id, chunk.version, chunk.chunk_index, point.model_id)),
        vector={DENSE: point.dense.tolist(), SPARSE: point.sparse},
        payload=payload,
    )


def encoded_size(point: models.PointStruct) -> int:
    """Bytes of the point in a REST body, encoded as qdrant-client's REST path encodes it."""
    encoded = point.model_dump_json(by_alias=True, exclude_unset=True, exclude_none=True)
    return len(encoded.encode())


def request_bytes(sizes: Sequence[int]) -> int:
    """Bytes of one upsert body holding points of these encoded sizes."""
    return ENVELOPE_BYTES + sum(sizes) + max(len(sizes) - 1, 0)


def split_by_size(sizes: Sequence[int], budget: int) -> list[range]:
    """Consecutive index ranges whose upsert bodies each stay within `budget` bytes.

    Every size must fit a request on its own (split_points refuses a point that does not)."""
    parts: list[range] = []
    start, used = 0, ENVELOPE_BYTES
    for index, size in enumerate(sizes):
        if index > start and used + 1 + size > budget:
            parts.append(range(start, index))
            start, used = index, ENVELOPE_BYTES
        used += size + (1 if index > start else 0)
    if start < len(sizes):
        parts.append(range(start, len(sizes)))
    return parts


def split_points(points: Sequence[ChunkPoint], budget: int, *, staged: bool = False) -> list[list[models.PointStruct]]:
    """The points as upsert requests under the budget; DocumentTooLarge when a chunk cannot fit alone."""
    structs = [point_struct(point, staged=staged) for point in points]
    sizes = [encoded_size(struct) for struct in structs]
    for point, size in zip(points, sizes, strict=True):
        if request_bytes([size]) > budget:
            chunk = point.chunk
            raise DocumentTooLarge(
                f"document {chunk.document_id!r} version {chunk.version}: chunk {chunk.chunk_index} needs "
                f"{request_bytes([size])} bytes in one write request, over the budget of {budget} bytes "
                "(QDRANT_MAX_REQUEST_BYTES)"
            )
    return [structs[part.start : part.stop] for part in split_by_size(sizes, budget)]

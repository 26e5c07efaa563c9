"""The same 100k-chunk hybrid query on Qdrant Edge (`qdrant-edge-py`, an in-process Rust shard),
to compare with qdrant-client local mode (bench_embedding_search.py).

Run: uv run python tests/performance/bench_embedding_search_edge.py [chunks]
"""

import os
import random
import sys
import tempfile
import time

import qdrant_edge as edge
from bench_embedding_search import DEFAULT_CHUNKS, QUERIES, ROUNDS, synthetic_points
from embedding_bench import percentiles_ms, write_result
from jdi_embedder import OnnxEmbedder
from jdi_embedding.vectors import bm25, point_id
from jdi_embedding.vectors.qdrant_store import DENSE, KEYWORD_FIELDS, SPARSE, _payload

BATCH = 1000


def hybrid_request(dense: list[float], sparse_query, filters: edge.Filter | None, limit: int) -> edge.QueryRequest:
    sparse = edge.SparseVector(indices=list(sparse_query.indices), values=list(sparse_query.values))
    return edge.QueryRequest(
        limit=limit,
        prefetches=[
            edge.Prefetch(limit=limit, query=edge.Query.Nearest(dense, using=DENSE), filter=filters),
            edge.Prefetch(limit=limit, query=edge.Query.Nearest(sparse, using=SPARSE), filter=filters),
        ],
        query=edge.Fusion.Rrf(k=60),
        with_payload=True,
    )


def main(count: int) -> None:
    embedder = OnnxEmbedder.load()
    points = synthetic_points(count, embedder.model_id, embedder.dimension, random.Random(5))
    with tempfile.TemporaryDirectory() as folder:
        config = edge.EdgeConfig(
            vectors={DENSE: edge.EdgeVectorParams(size=embedder.dimension, distance=edge.Distance.Cosine)},
            sparse_vectors={SPARSE: edge.EdgeSparseVectorParams(modifier=edge.Modifier.Idf)},
        )
        shard = edge.EdgeShard.create(folder, config)
        for field in KEYWORD_FIELDS:
            shard.update(edge.UpdateOperation.create_field_index(field, edge.PayloadSchemaType.Keyword))
        started = time.perf_counter()
        for start in range(0, len(points), BATCH):
            batch = [
                edge.Point(
                    id=str(point_id(p.chunk.document_id, 1, p.chunk.chunk_index, p.model_id)),
                    vector={
                        DENSE: p.dense.tolist(),
                        SPARSE: edge.SparseVector(indices=list(p.sparse.indices), values=list(p.sparse.values)),
                    },
                    payload=_payload(p),
                )
                for p in points[start : start + BATCH]
            ]
            shard.update(edge.UpdateOperation.upsert_points(batch))
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        shard.optimize()  # builds the HNSW index, as a long-running service would in the background
        optimize_seconds = time.perf_counter() - started

        filters = edge.Filter(
            must=[
                edge.FieldCondition(key="language", match=edge.MatchAny(any=["en"])),
                edge.FieldCondition(key="classification", match=edge.MatchAny(any=["EX-01"])),
            ]
        )
        timings: dict[str, list[float]] = {"hybrid_search": [], "hybrid_search_filtered": []}
        for name, condition in (("hybrid_search", None), ("hybrid_search_filtered", filters)):
            for _ in range(ROUNDS):
                for text in QUERIES:
                    begun = time.perf_counter()
                    dense = embedder.embed([text])[0].tolist()
                    shard.query(hybrid_request(dense, bm25.query_vector(text), condition, 100))
                    timings[name].append(time.perf_counter() - begun)
        shard.close()
    result = {
        "engine": "qdrant-edge-py (embedded Rust shard)",
        "model_id": embedder.model_id,
        "chunks": count,
        "load_seconds": round(load_seconds, 1),
        "optimize_seconds": round(optimize_seconds, 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
        **{name: percentiles_ms(values) for name, values in timings.items()},
        "target_p95_ms": 50,
    }
    out = write_result("embedding_search_edge", result)
    print(result, f"wrote {out}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CHUNKS)

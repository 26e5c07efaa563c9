"""Hybrid search latency (query embedding included) through the embedded vector store adapters at
100k chunks each: Qdrant Edge and qdrant-client local mode.

Points carry random unit vectors, synthetic payloads and BM25 vectors of synthetic text; the queries
are real job-search phrases embedded by the model on every call. Edge is loaded as the service
writes, document by document through replace_document. Local mode is bulk-loaded through
QdrantVectorStore.upsert_points in batches, because there replace_document's delete of the
document's other versions scans every point, which makes a 100k load take hours. The result
records each engine's load path and load seconds, and the load average after each engine (the
machine is shared).

Run: uv run python tests/performance/bench_embedding_search.py [edge_chunks] [local_chunks]
"""

import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_embedding_model import VOCABULARY
from embedding_bench import load_average, percentiles_ms, write_result

from jdi_embedder import OnnxEmbedder
from jdi_embedding.chunking import Chunk
from jdi_embedding.search import HybridSearch, SearchQuery
from jdi_embedding.vectors import (
    ChunkFilters,
    ChunkPoint,
    EdgeVectorStore,
    QdrantVectorStore,
    VectorStore,
    bm25,
)

CHUNKS_PER_DOCUMENT = 10
BULK_BATCH = 5_000
LOAD_PATHS = {
    "qdrant-edge": "replace_document, one document (10 chunks) at a time, as the service writes",
    "qdrant-client-local-mode": f"QdrantVectorStore.upsert_points, {BULK_BATCH} chunks at a time",
}
QUERIES = [
    "director of human resources and labour relations",
    "manage the regional operations budget",
    "policy development with provinces and territories",
    "information technology security and infrastructure",
    "communications and public affairs strategy",
    "pension program delivery and legislation",
    "financial management and audit",
    "stakeholder engagement and partnerships",
    "directeur des politiques et programmes",
    "youth employment and skills programs",
]
# Passes over QUERIES per engine: 100 samples make Edge's p95 more than its second-worst query;
# local mode takes seconds per query, so it gets fewer.
ROUNDS = {"qdrant-edge": 10, "qdrant-client-local-mode": 3}


def synthetic_points(count: int, model_id: str, dimension: int, rng: random.Random) -> list[ChunkPoint]:
    vectors = np.random.default_rng(11).standard_normal((count, dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    points = []
    for i in range(count):
        text = " ".join(rng.choice(VOCABULARY) for _ in range(60))
        chunk = Chunk(
            document_id=f"doc-{i // CHUNKS_PER_DOCUMENT}",
            version=1,
            chunk_index=i % CHUNKS_PER_DOCUMENT,
            section_key=rng.choice(["general_accountability", "dimensions", "specific_accountabilities"]),
            heading="Synthetic",
            text=text,
            language=rng.choice(["en", "fr"]),
            classification=rng.choice(["EX-01", "EX-02", "EX-03"]),
            level=rng.choice(["01", "02", "03"]),
            job_number=str(100000 + i // CHUNKS_PER_DOCUMENT),
            title=f"Synthetic position {i // CHUNKS_PER_DOCUMENT}",
            department=rng.choice(["Labour", "Finance", "Health"]),
        )
        points.append(ChunkPoint(chunk=chunk, model_id=model_id, dense=vectors[i], sparse=bm25.document_vector(text)))
    return points


async def load_per_document(store: EdgeVectorStore, model_id: str, points: list[ChunkPoint]) -> None:
    by_document: dict[str, list[ChunkPoint]] = {}
    for point in points:
        by_document.setdefault(point.chunk.document_id, []).append(point)
    for document_id, document_points in by_document.items():
        await store.replace_document(model_id, document_id, 1, document_points)


async def load_in_batches(store: QdrantVectorStore, model_id: str, points: list[ChunkPoint]) -> None:
    for start in range(0, len(points), BULK_BATCH):
        await store.upsert_points(model_id, points[start : start + BULK_BATCH])


async def open_and_load(engine: str, folder: Path, embedder: OnnxEmbedder, points: list[ChunkPoint]) -> VectorStore:
    if engine == "qdrant-edge":
        edge_store = EdgeVectorStore(folder)
        await edge_store.ensure_collection(embedder.model_id, embedder.dimension)
        await load_per_document(edge_store, embedder.model_id, points)
        return edge_store
    local_store = QdrantVectorStore.local(folder)
    await local_store.ensure_collection(embedder.model_id, embedder.dimension)
    await load_in_batches(local_store, embedder.model_id, points)
    return local_store


async def time_queries(search: HybridSearch, filters: ChunkFilters, rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        for text in QUERIES:
            started = time.perf_counter()
            await search.search(SearchQuery(query=text, filters=filters))
            timings.append(time.perf_counter() - started)
    return timings


async def measure(engine: str, count: int, embedder: OnnxEmbedder) -> dict:
    points = synthetic_points(count, embedder.model_id, embedder.dimension, random.Random(5))  # noqa: S311 - reproducible synthetic points
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        store = await open_and_load(engine, Path(folder), embedder, points)
        load_seconds = time.perf_counter() - started
        search = HybridSearch(embedder, store)
        await search.search(SearchQuery(query="warm up"))
        unfiltered = await time_queries(search, ChunkFilters(), ROUNDS[engine])
        filtered = await time_queries(search, ChunkFilters(language=["en"], classification=["EX-01"]), ROUNDS[engine])
        await store.close()
    return {
        "chunks": count,
        "load_path": LOAD_PATHS[engine],
        "load_seconds": round(load_seconds, 1),
        "hybrid_search": percentiles_ms(unfiltered),
        "hybrid_search_filtered": percentiles_ms(filtered),
        "load_average": load_average(),
    }


async def main(counts: dict[str, int]) -> None:
    embedder = OnnxEmbedder.load()
    embedder.embed(["warm up"])
    embed_only = []
    for text in QUERIES * ROUNDS["qdrant-edge"]:
        started = time.perf_counter()
        embedder.embed([text])
        embed_only.append(time.perf_counter() - started)
    engines = {}
    for engine, count in counts.items():
        engines[engine] = await measure(engine, count, embedder)
        print(engine, engines[engine], flush=True)
    out = write_result(
        "embedding_search",
        {
            "model_id": embedder.model_id,
            "query_embedding_only": percentiles_ms(embed_only),
            "engines": engines,
            "target_p95_ms": 50,
        },
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    edge_chunks = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    local_chunks = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    asyncio.run(main({"qdrant-edge": edge_chunks, "qdrant-client-local-mode": local_chunks}))

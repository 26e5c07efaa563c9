"""Pipeline throughput of the embedding service, from `parsed` on the real broker to points written,
compared with the raw model throughput on the same chunk texts in the same run.

The service's real composition root runs in this process (batch consumer, embedder, Qdrant Edge in a
temporary folder); the store is wrapped only to timestamp its writes. One warm-up document is
embedded first (consumer group joined, model warm). Then raw and pipeline runs alternate: a raw
run embeds the round's chunk texts in one call; a pipeline round publishes N synthetic parsed
events (new document ids, same texts) and the clock runs from the first publish to the last
document written. Each pipeline round is compared with the raw runs just before and after it, and
the figure is the median of those ratios: on a shared 2-core machine the raw rate alone swings by
+-10% from one ten-second run to the next.

Run: uv run python tests/performance/bench_embedding_pipeline.py [documents]
     (KAFKA_BOOTSTRAP_SERVERS, else the local broker is started with deploy/local/kafka.sh)
"""

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from asgi_lifespan import LifespanManager
from embedding_bench import REPO_ROOT, chunks_per_second, load_average, synthetic_parsed_event, write_result

from jdi_contracts.events import DocumentParsed
from jdi_core.broker import make_broker, publish_event
from jdi_core.settings import KafkaSettings
from jdi_embedder import OnnxEmbedder
from jdi_embedding.app import create_app
from jdi_embedding.chunking import DocumentMeta
from jdi_embedding.settings import EmbeddingSettings, QdrantSettings
from jdi_embedding.vectors import EdgeVectorStore
from jdi_embedding.vectors.indexing import chunk_document
from jdi_embedding.vectors.port import ChunkPoint

DOCUMENTS = 160
PIPELINE_ROUNDS = 5
TARGET_RATIO = 0.8
TIMEOUT_S = 1800


class TimedStore(EdgeVectorStore):
    """The embedded store, noting when each document's points were written."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.written: dict[str, float] = {}
        self.all_written = asyncio.Event()
        self.expected: set[str] = set()

    def expect(self, document_ids: set[str]) -> None:
        """Set `all_written` once these documents are written (call before publishing them)."""
        self.expected = document_ids
        self.all_written.clear()

    async def replace_document(
        self, model_id: str, document_id: str, version: int, points: Sequence[ChunkPoint]
    ) -> bool:
        stored = await super().replace_document(model_id, document_id, version, points)
        self.written[document_id] = time.perf_counter()
        if self.expected and self.expected <= self.written.keys():
            self.all_written.set()
        return stored


def bootstrap_servers() -> str:
    if configured := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        return configured
    subprocess.run(["bash", str(REPO_ROOT / "deploy/local/kafka.sh"), "start"], check=True)  # noqa: S603, S607
    return "127.0.0.1:19092"


async def publish(kafka: KafkaSettings, events: list[DocumentParsed]) -> float:
    """Publish the events; returns when the first one was sent."""
    broker = make_broker(kafka)
    await broker.start()
    try:
        started = time.perf_counter()
        for event in events:
            await publish_event(broker, kafka, event)
        return started
    finally:
        await broker.stop()


async def main(documents: int) -> None:
    kafka = KafkaSettings(bootstrap_servers=bootstrap_servers(), topic_prefix=f"bench-{uuid.uuid4().hex[:8]}.")
    settings = EmbeddingSettings(kafka=kafka)
    embedder = OnnxEmbedder.load(settings.model_cache_dir, model_id=settings.model_id)
    rounds = [
        [synthetic_parsed_event(f"bench-{round_}-{i}", seed=i) for i in range(documents)]
        for round_ in range(PIPELINE_ROUNDS)
    ]
    texts = [
        text
        for event in rounds[0]
        for text in chunk_document(DocumentMeta.from_parsed(event.data), event.data.sections, embedder).texts
    ]
    embedder.embed(texts[:16])  # warm-up
    load_before = load_average()

    with tempfile.TemporaryDirectory() as folder:
        store = TimedStore(Path(folder))
        settings = EmbeddingSettings(kafka=kafka, qdrant=QdrantSettings(path=Path(folder)))
        app = create_app(settings, load_embedder=lambda _: embedder, store=store)
        async with LifespanManager(app, startup_timeout=120, shutdown_timeout=60):
            store.expect({"warm-up"})
            await publish(kafka, [synthetic_parsed_event("warm-up", seed=10_000)])
            await asyncio.wait_for(store.all_written.wait(), TIMEOUT_S)
            raw_runs = chunks_per_second(embedder, texts, 1)
            pipeline_runs = []
            for events in rounds:
                store.expect({event.data.document_id for event in events})
                started = await publish(kafka, events)
                await asyncio.wait_for(store.all_written.wait(), TIMEOUT_S)
                finished = max(store.written[event.data.document_id] for event in events)
                pipeline_runs.append(len(texts) / (finished - started))
                raw_runs += chunks_per_second(embedder, texts, 1)

    load_after = load_average()
    ratios = [rate / statistics.mean(raw_runs[i : i + 2]) for i, rate in enumerate(pipeline_runs)]
    ratio = statistics.median(ratios)
    pipeline = statistics.median(pipeline_runs)
    raw = statistics.median(raw_runs)
    out = write_result(
        "embedding_pipeline",
        {
            "command": f"uv run python tests/performance/bench_embedding_pipeline.py {documents}",
            "model_id": embedder.model_id,
            "documents": documents,
            "chunks": len(texts),
            "median_tokens_per_chunk": statistics.median(embedder.count_tokens(text) for text in texts),
            "batch_max_records": settings.batch_max_records,
            "batch_timeout_ms": settings.batch_timeout_ms,
            "load_average_before": load_before,
            "load_average_after": load_after,
            "pipeline_median_chunks_per_second": round(pipeline, 1),
            "pipeline_runs_chunks_per_second": [round(rate, 1) for rate in pipeline_runs],
            "raw_median_chunks_per_second": round(raw, 1),
            "raw_runs_chunks_per_second": [round(rate, 1) for rate in raw_runs],
            "pipeline_to_raw_ratios": [round(value, 3) for value in ratios],
            "pipeline_to_raw_ratio": round(ratio, 3),
            "target_ratio": TARGET_RATIO,
        },
    )
    print(f"pipeline {pipeline:.1f} chunks/s, raw {raw:.1f} chunks/s, median ratio {ratio:.2f}; wrote {out}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else DOCUMENTS))
